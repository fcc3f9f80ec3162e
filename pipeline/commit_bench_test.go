package pipeline

import (
	"context"
	"fmt"
	"os"
	"testing"

	"golang.org/x/sys/unix"

	"zipin/dataset"
	"zipin/internal/testenv"
	"zipin/schema"
	"zipin/segment"
)

// BenchmarkCommitPath is the importing process's work on analyzed
// documents' rows (issue 16: it should only commit): decoding each
// document's rows as a worker sends them (schema.DecodeBatch, from a fresh
// buffer as read from the pipe) and committing a batch of them to a
// dataset (Dataset.CommitBatches: Parquet encoding, zstd, fsync). The seed
// report is analyzed and its rows given 50 doc_ids. It reports CPU time
// (this process's user + system, GC included; not the wall time, which
// holds the fsyncs' waits): cpu-ns/doc, and parent-%, that time as a share
// of the CPU of analyzing the document (a worker's work besides reading
// and extracting), which bounds how many workers one importing process can
// keep up with. Hashing and the catalog, the importing process's other
// work per document, are not in it.
func BenchmarkCommitPath(b *testing.B) {
	data, err := os.ReadFile(testenv.Corpus(b, "seed/panyu-2021.txt"))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := segment.Default(); err != nil {
		b.Fatal(err)
	}
	rows, err := Analyze(context.Background(), Input{Source: "seed", Data: data}) // warms caches
	if err != nil {
		b.Fatal(err)
	}
	c0 := cpuTime(unix.RUSAGE_SELF)
	const analyses = 5
	for range analyses {
		if _, err := Analyze(context.Background(), Input{Source: "seed", Data: data}); err != nil {
			b.Fatal(err)
		}
	}
	analyze := (cpuTime(unix.RUSAGE_SELF) - c0) / analyses
	const docs = 50
	wire := make([][]byte, docs)
	for i := range wire {
		rows.Reports[0].DocID = fmt.Sprintf("%064x", i)
		for j := range rows.Facts {
			rows.Facts[j].DocID = rows.Reports[0].DocID
		}
		for j := range rows.Texts {
			rows.Texts[j].DocID = rows.Reports[0].DocID
		}
		for j := range rows.Projects {
			rows.Projects[j].DocID = rows.Reports[0].DocID
		}
		for j := range rows.Indicators {
			rows.Indicators[j].DocID = rows.Reports[0].DocID
		}
		if wire[i], err = rows.AppendBinary(nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	c0 = cpuTime(unix.RUSAGE_SELF)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		ds, err := dataset.Open(b.TempDir(), "bench")
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		batches := make([]*schema.Batch, docs)
		for j, w := range wire {
			if batches[j], err = schema.DecodeBatch(append([]byte(nil), w...)); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := ds.CommitBatches(batches); err != nil {
			b.Fatal(err)
		}
	}
	perDoc := float64(cpuTime(unix.RUSAGE_SELF)-c0) / float64(b.N*docs)
	b.ReportMetric(perDoc, "cpu-ns/doc")
	b.ReportMetric(float64(analyze.Nanoseconds()), "analyze-cpu-ns")
	b.ReportMetric(100*perDoc/float64(analyze.Nanoseconds()), "parent-%")
	b.ReportMetric(float64(len(wire[0])), "wire-B/doc")
}
