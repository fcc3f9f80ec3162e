package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"zipin/catalog"
	"zipin/dataset"
	"zipin/extract"
	"zipin/extract/doc"
	"zipin/isolate/isolatetest"
	"zipin/samples"
	"zipin/schema"
)

func TestMain(m *testing.M) {
	// A child started by a test is a worker (isolate) or a crash-test ingest.
	isolatetest.Install()
	maybeRunIngestChild()
	os.Exit(m.Run())
}

// corpus writes n variants of the sample reports into dir (each with a
// different doc_id) and returns their paths.
func corpus(t testing.TB, dir string, n int) []string {
	t.Helper()
	tmp := t.TempDir()
	src, err := samples.WriteTo(tmp)
	if err != nil {
		t.Fatal(err)
	}
	var texts [][]byte
	for _, p := range src {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(p, "gbk") || extract.Detect(b) != doc.FormatTXT {
			continue // variants are appended as UTF-8 text; keep the UTF-8 text samples
		}
		texts = append(texts, b)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for i := 0; i < n; i++ {
		b := append([]byte(nil), texts[i%len(texts)]...)
		b = append(b, fmt.Sprintf("\n\n附：档案号 A%05d。\n", i)...)
		p := filepath.Join(dir, fmt.Sprintf("doc-%03d.txt", i))
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

func outcomes(sum *Summary) map[string]Outcome {
	m := map[string]Outcome{}
	for _, o := range sum.Outcomes {
		m[filepath.Base(o.Source)] = o
	}
	return m
}

func TestIngestGoodAndBadFilesInParallel(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in")
	good := corpus(t, in, 6)
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(in, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("empty.txt", nil)
	write("binary.txt", []byte{0x89, 'P', 'N', 'G', 0, 1, 2, 3, 0xff, 0xfe, 0, 0, 0, 9})
	gbk, err := os.ReadFile("../testdata/text/bad/truncated-gbk.txt")
	if err != nil {
		t.Fatal(err)
	}
	write("truncated-gbk.txt", gbk)
	write("alloc.txt", append(mustRead(t, good[1]), isolatetest.Alloc...))
	if err := os.Symlink(in, filepath.Join(in, "again")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("self", filepath.Join(in, "self")); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mkfifo(filepath.Join(in, "fifo.txt"), 0o644); err != nil {
		t.Fatal(err)
	}
	noperm := filepath.Join(in, "noperm.txt")
	write("noperm.txt", append(mustRead(t, good[2]), "\n（权限测试）\n"...))
	if err := os.Chmod(noperm, 0); err != nil {
		t.Fatal(err)
	}
	root := os.Geteuid() == 0

	out := filepath.Join(t.TempDir(), "out")
	// The time budget is far beyond what any of these documents needs even
	// at load 10, so the only limit that can fire is the one each bad
	// document is built to hit (alloc.txt: memory); the time budget has its
	// own test with a document that can only end by it.
	opts := Options{Out: out, Jobs: 3, Timeout: 3 * time.Minute, WorkerMemory: 256 << 20, FlushDocs: 2}
	start := time.Now()
	sum, err := Ingest(context.Background(), opts, []string{in})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first run: %s, %d outcomes", time.Since(start), len(sum.Outcomes))
	for _, o := range sum.Outcomes {
		t.Logf("  %s %s %s", filepath.Base(o.Source), o.Status, o.Reason)
	}
	got := outcomes(sum)
	want := map[string]string{
		"empty.txt":         "empty file",
		"binary.txt":        "unrecognized format",
		"truncated-gbk.txt": "not UTF-8",
		"alloc.txt":         "exceeded 256 MB (worker memory limit)",
		"self":              "cannot resolve path",
		"again":             "directory loop",
		"fifo.txt":          "not a regular file",
	}
	if !root {
		want["noperm.txt"] = "permission denied"
	} else {
		t.Log("running as root: chmod 000 does not stop reads, so noperm.txt is read like any file")
	}
	for name, reason := range want {
		o, ok := got[name]
		if !ok || o.Status != "quarantined" || !strings.Contains(o.Reason, reason) {
			t.Errorf("%s: %+v, want quarantined for %q", name, o, reason)
		}
	}
	nOK := len(good)
	if root {
		nOK++
	}
	if sum.Count("ok") != nOK {
		t.Errorf("ok = %d, want %d", sum.Count("ok"), nOK)
	}
	reports, err := dataset.ReadTable[schema.Report](out, schema.TableReports)
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != nOK {
		t.Errorf("reports rows = %d, want %d", len(reports), nOK)
	}
	cat, err := catalog.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	counts, err := cat.Counts()
	if err != nil {
		t.Fatal(err)
	}
	var withFile int
	if err := cat.DB().QueryRow(`SELECT COUNT(*) FROM documents WHERE status = 'ok' AND batch != '' AND files LIKE 'reports/part-%.parquet'`).Scan(&withFile); err != nil {
		t.Fatal(err)
	}
	cat.Close()
	if withFile != nOK {
		t.Errorf("%d ok documents name their batch and reports file in the catalog, want %d", withFile, nOK)
	}
	if counts["ok"] != nOK || counts["quarantined"] != 4 || counts["unreadable path"] != len(want)-4 {
		t.Errorf("catalog counts = %v", counts)
	}
	// Each document extracted was one job of River's queue in the
	// catalog's database, completed after its commit; the files refused
	// unread were decided before any job.
	jobs := jobsOf(t, out)
	if n, twice := jobStates(jobs); len(jobs) != nOK+4 || n["completed"] != nOK+4 || twice || sum.Extracted != nOK+4 {
		t.Errorf("jobs %+v (%d extracted), want %d, one per document, each completed", jobs, sum.Extracted, nOK+4)
	}

	// Idempotence: nothing is extracted again, and the catalog says so.
	start = time.Now()
	sum2, err := Ingest(context.Background(), opts, []string{in})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("re-run: %s", time.Since(start))
	if sum2.Extracted != 0 || sum2.Count("ok") != 0 {
		t.Errorf("re-run extracted %d documents (%d ok), want 0", sum2.Extracted, sum2.Count("ok"))
	}
	cat, _ = catalog.Open(out)
	runs, err := cat.Runs(1)
	cat.Close()
	if err != nil || len(runs) != 1 || runs[0].Extracted != 0 || runs[0].Skipped != nOK+4 || runs[0].State != "done" {
		t.Errorf("catalog run = %+v %v, want 0 extracted, %d skipped", runs, err, nOK+4)
	}

	// --retry-quarantined extracts the quarantined documents again, only them.
	opts.RetryQuarantined = true
	sum3, err := Ingest(context.Background(), opts, []string{in})
	if err != nil {
		t.Fatal(err)
	}
	if sum3.Extracted != 4 || sum3.Count("quarantined") != len(want) || sum3.Count("ok") != 0 {
		t.Errorf("retry: extracted %d, %d quarantined, %d ok; want 4, %d, 0", sum3.Extracted, sum3.Count("quarantined"), sum3.Count("ok"), len(want))
	}
	if n, _ := jobStates(jobsOf(t, out)); n["completed"] != nOK+8 || len(n) != 1 {
		t.Errorf("jobs after the retry: %v, want %d completed (4 more)", n, nOK+8)
	}
}

func TestForceReextractsWithoutDuplicates(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in")
	good := corpus(t, in, 5)
	out := filepath.Join(t.TempDir(), "out")
	opts := Options{Out: out, Jobs: 2, Timeout: 30 * time.Second, FlushDocs: 2}
	if _, err := Ingest(context.Background(), opts, []string{in}); err != nil {
		t.Fatal(err)
	}
	first, _ := dataset.ReadTable[schema.Report](out, schema.TableReports)
	opts.Force = true
	sum, err := Ingest(context.Background(), opts, []string{in})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Extracted != len(good) {
		t.Errorf("--force extracted %d, want %d", sum.Extracted, len(good))
	}
	for _, table := range schema.Tables {
		ids := map[string]int{}
		switch table {
		case schema.TableReports:
			rows, _ := dataset.ReadTable[schema.Report](out, table)
			for _, r := range rows {
				ids[r.DocID]++
			}
			if len(rows) != len(good) {
				t.Errorf("reports: %d rows, want %d", len(rows), len(good))
			}
			for _, r := range rows {
				for _, f := range first {
					if f.DocID == r.DocID && !r.ExtractedAt.After(f.ExtractedAt) {
						t.Errorf("%s: row not replaced by the re-extraction", r.DocID)
					}
				}
			}
		case schema.TableTexts:
			rows, _ := dataset.ReadTable[schema.Text](out, table)
			for _, r := range rows {
				ids[fmt.Sprint(r.DocID, r.Page)]++
			}
		case schema.TableFacts:
			rows, _ := dataset.ReadTable[schema.Fact](out, table)
			for _, r := range rows {
				ids[fmt.Sprint(r.DocID, r.Seq)]++
			}
		}
		for k, n := range ids {
			if n != 1 {
				t.Errorf("%s: key %s has %d rows", table, k, n)
			}
		}
	}
}

func mustRead(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return b
}

// A walked folder's files that are no reports (source code, JSON lines, an
// image) are left out, each listed as ignored with what it is; the reports
// beside them are written. A file the user names is read whatever it looks
// like (docs/bulk.md), so a rule that mistook a report is never the end.
func TestFilesThatAreNoReportsAreListedNotIngested(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in")
	good := corpus(t, in, 2)
	write := func(name, data string) string {
		p := filepath.Join(in, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("samples.go", "// Package samples embeds 示例报告.\npackage samples\n\nimport \"embed\"\n\n//go:embed *.txt\nvar files embed.FS\n")
	write("gold.jsonl", "{\"file\":\"01.txt\",\"budget_total\":\"100.00万元\"}\n{\"file\":\"02.txt\",\"budget_total\":null}\n")
	write("cover.png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")
	named := filepath.Join(t.TempDir(), "named.go")
	if err := os.WriteFile(named, []byte("package main\n\n// 全年预算数100.00万元，全年执行数95.00万元，预算执行率95%。\nfunc main() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	sum, err := Ingest(context.Background(), Options{Out: out, Jobs: 2, Timeout: 3 * time.Minute}, []string{in, named})
	if err != nil {
		t.Fatal(err)
	}
	got := outcomes(sum)
	for name, want := range map[string]string{
		"samples.go": "not a report: source code",
		"gold.jsonl": "not a report: JSON lines",
		"cover.png":  "not a report: a PNG image",
	} {
		if o := got[name]; o.Status != StatusIgnored || o.Reason != want {
			t.Errorf("%s: %s %q, want ignored %q", name, o.Status, o.Reason, want)
		}
	}
	for _, p := range append(good, named) {
		if o := got[filepath.Base(p)]; o.Status != StatusOK {
			t.Errorf("%s: %s %q, want ok", p, o.Status, o.Reason)
		}
	}
	if sum.InDataset != 3 || sum.Count(StatusIgnored) != 3 {
		t.Errorf("%d in the dataset, %d ignored; want 3, 3", sum.InDataset, sum.Count(StatusIgnored))
	}
	cat, err := catalog.OpenReadOnly(out)
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	ignored, err := cat.Ignored(10)
	if err != nil || len(ignored) != 3 {
		t.Fatalf("catalog lists %d ignored inputs (%v), want 3", len(ignored), err)
	}
	for _, i := range ignored {
		if !strings.HasPrefix(i.Reason, "not a report: ") {
			t.Errorf("catalog: %s %q", i.Path, i.Reason)
		}
	}
}
