package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"zipin/internal/testenv"
	"zipin/segment"
)

// BenchmarkAnalyzeText is the text ingest throughput: every stage from bytes
// to rows (decode, normalize, facts, 自评表) on the seed report, in MB/s.
func BenchmarkAnalyzeText(b *testing.B) {
	data, err := os.ReadFile(testenv.Corpus(b, "seed/panyu-2021.txt"))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := segment.Default(); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Analyze(context.Background(), Input{Source: "seed", Data: data}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIngestSharedCorpus ingests every document of ../shared/corpus
// into a fresh dataset and reports the process's peak RSS.
func BenchmarkIngestSharedCorpus(b *testing.B) {
	var paths []string
	filepath.WalkDir(testenv.Corpus(b, "."), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".jsonl") && !strings.HasSuffix(p, ".md") && !strings.HasSuffix(p, "expected.txt") {
			paths = append(paths, p)
		}
		return nil
	})
	if len(paths) == 0 {
		b.Skip("shared corpus not present")
	}
	for i := 0; i < b.N; i++ {
		out := b.TempDir()
		if _, err := Ingest(context.Background(), Options{Out: out, Force: true}, paths); err != nil {
			b.Fatal(err)
		}
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	b.ReportMetric(float64(ru.Maxrss)/1024, "MB-peak-RSS")
	b.ReportMetric(float64(len(paths)), "docs")
}
