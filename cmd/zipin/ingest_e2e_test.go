package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"zipin/dataset"
	"zipin/internal/testenv"
	"zipin/isolate/isolatetest"
	"zipin/pipeline"
	"zipin/schema"
	"zipin/version"
)

// zipinBin is zipin itself: these tests run zipin the way users and cron do,
// and check its exit status and output. It is this test binary, which runs
// main() instead of the tests when asZipin is set in its environment (as the
// worker processes ingest starts inherit it), so no `go build` runs inside
// the tests.
var zipinBin string

const asZipin = "ZIPIN_TEST_AS_ZIPIN"

func TestMain(m *testing.M) {
	if os.Getenv(asZipin) == "1" {
		// The test misbehaviours (isolatetest) in zipin's workers; a worker
		// serves and exits here.
		isolatetest.Install()
		main()
		os.Exit(0)
	}
	exe, err := os.Executable()
	if err != nil {
		panic(err)
	}
	zipinBin = exe
	os.Exit(m.Run())
}

func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(zipinBin, args...)
	cmd.Env = append(os.Environ(), asZipin+"=1")
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

// zipin ingest with no PATH ingests the built-in samples with nothing
// installed: no program on PATH, no database server (its queue is River on
// SQLite in the dataset's catalog file).
func TestIngestSamples(t *testing.T) {
	out := t.TempDir()
	t.Setenv("PATH", t.TempDir())
	t.Setenv("PGHOST", "/nonexistent")
	stdout, stderr, code := run(t, "ingest", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"documents: 5 ok", "facts:", "output:    " + out, "try:       zipin query --out " + out + " \"SELECT "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
	// The run's figures begin with its number alone, no line ends in spaces.
	if !strings.Contains(stdout, "\nrun 1\n  read ") {
		t.Errorf("summary lacks the line \"run 1\" before the run's figures:\n%s", stdout)
	}
	for _, l := range strings.Split(stdout, "\n") {
		if strings.TrimRight(l, " \t") != l {
			t.Errorf("trailing blanks: %q", l)
		}
	}
	reports, err := dataset.ReadTable[schema.Report](out, schema.TableReports)
	if err != nil || len(reports) != 5 {
		t.Fatalf("reports %d, %v", len(reports), err)
	}
	// The samples are read from a temporary folder deleted after the run:
	// each is recorded by a stable name, not that path.
	var sources []string
	for _, r := range reports {
		sources = append(sources, r.Source)
	}
	sort.Strings(sources)
	want := "[sample:jiangning-civil-affairs-2023.txt sample:jiangning-relief-table-2023.pdf sample:jiangning-relief-table-2023.xlsx" +
		" sample:minqing-farmland-2022-gbk.txt sample:qingchuan-agriculture-2023.docx]"
	if fmt.Sprint(sources) != want {
		t.Errorf("sources %v, want %s", sources, want)
	}
	// Each sample was a job of the queue in out/_catalog.sqlite, completed;
	// zipin status shows it.
	stdout, stderr, code = run(t, "status", out)
	if code != 0 || !regexp.MustCompile(`(?m)^queue +jobs\n(?:.*\n)*?done +5\n(?:.*\n)*?total +5\n`).MatchString(stdout) {
		t.Errorf("status: exit %d, want the queue with 5 jobs done:\n%s\n%s", code, stdout, stderr)
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// One bad file never stops an import: every good document is written, every
// bad one is named with its reason, and the exit status is 1.
func TestIngestBadInput(t *testing.T) {
	in := t.TempDir()
	fx := "../../testdata/text"
	good := []string{"report-utf8.txt", "report-gbk.txt", "report-utf16le.txt", "table-cells.txt"}
	for _, f := range good {
		copyFile(t, filepath.Join(fx, f), filepath.Join(in, f))
	}
	// Same text in three encodings is three different files (doc_id is the hash of the bytes).
	bad := map[string]string{
		"empty.txt":         "empty file",
		"image-named.txt":   "not a report: a PNG image", // listed as ignored
		"truncated-gbk.txt": "truncated",
		"not-text.txt":      "not UTF-8",
	}
	for f := range bad {
		copyFile(t, filepath.Join(fx, "bad", f), filepath.Join(in, f))
	}
	sub := filepath.Join(in, "sub")
	os.Mkdir(sub, 0o755)
	if err := os.Symlink("..", filepath.Join(sub, "loop")); err != nil {
		t.Fatal(err)
	}
	bad["loop"] = "directory loop"
	if err := os.Symlink("/nonexistent/report.txt", filepath.Join(in, "dangling.txt")); err != nil {
		t.Fatal(err)
	}
	bad["dangling.txt"] = "no such file"
	out := t.TempDir()
	stdout, stderr, code := run(t, "ingest", "--out", out, in)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, stdout, stderr)
	}
	for f, reason := range bad {
		found := false
		for _, l := range strings.Split(stderr, "\n") {
			if strings.Contains(l, f) && strings.Contains(l, reason) {
				found = true
			}
		}
		if !found {
			t.Errorf("stderr does not name %s with %q:\n%s", f, reason, stderr)
		}
	}
	if strings.Contains(stderr, "panic") {
		t.Errorf("panic:\n%s", stderr)
	}
	reports, err := dataset.ReadTable[schema.Report](out, schema.TableReports)
	if err != nil {
		t.Fatal(err)
	}
	var sources []string
	for _, r := range reports {
		sources = append(sources, filepath.Base(r.Source))
	}
	sort.Strings(sources)
	sort.Strings(good)
	if strings.Join(sources, ",") != strings.Join(good, ",") {
		t.Errorf("written %v, want %v", sources, good)
	}
}

func TestIngestTwiceKeepsOneRowPerDoc(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	copyFile(t, "../../testdata/text/report-utf8.txt", filepath.Join(in, "a.txt"))
	copyFile(t, "../../testdata/text/report-gbk.txt", filepath.Join(in, "b.txt"))
	for i := 0; i < 2; i++ {
		if _, stderr, code := run(t, "ingest", "--out", out, in); code != 0 {
			t.Fatalf("run %d: exit %d: %s", i, code, stderr)
		}
	}
	if _, stderr, code := run(t, "ingest", "--force", "--out", out, in); code != 0 {
		t.Fatalf("forced run: exit %d: %s", code, stderr)
	}
	reports, _ := dataset.ReadTable[schema.Report](out, schema.TableReports)
	texts, _ := dataset.ReadTable[schema.Text](out, schema.TableTexts)
	seen := map[string]int{}
	for _, r := range reports {
		seen[r.DocID]++
	}
	if len(reports) != 2 || len(seen) != 2 {
		t.Errorf("%d report rows for %d docs", len(reports), len(seen))
	}
	if len(texts) != 2 {
		t.Errorf("%d text rows, want 2", len(texts))
	}
}

// Every fact written from the seed report points at its own text.
func TestProvenanceOnSeed(t *testing.T) {
	seed := testenv.Corpus(t, "seed/panyu-2021.txt")
	out := t.TempDir()
	if _, stderr, code := run(t, "ingest", "--out", out, seed); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	facts, _ := dataset.ReadTable[schema.Fact](out, schema.TableFacts)
	texts, _ := dataset.ReadTable[schema.Text](out, schema.TableTexts)
	if len(facts) < 30 {
		t.Fatalf("only %d facts", len(facts))
	}
	pages := map[int32][]rune{}
	for _, tx := range texts {
		pages[tx.Page] = []rune(tx.Text)
	}
	for _, f := range facts {
		p := pages[f.Page]
		if f.Start < 0 || int(f.End) > len(p) || string(p[f.Start:f.End]) != f.Text {
			t.Errorf("fact %d %q at p%d [%d,%d) does not match its text", f.Seq, f.Text, f.Page, f.Start, f.End)
		}
	}
}

// A path that does not exist is a usage error said plainly — the path and
// "no such file or directory", not lstat's syscall wording — and nothing is
// written (CONTRACT.md: exit 2).
func TestIngestMissingPath(t *testing.T) {
	out := filepath.Join(t.TempDir(), "ds")
	missing := filepath.Join(t.TempDir(), "reports")
	_, stderr, code := run(t, "ingest", "--out", out, missing)
	want := "zipin: ingest: " + missing + ": no such file or directory\n"
	if code != 2 || stderr != want {
		t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, want)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("dataset folder %s written for a usage error: %v", out, err)
	}
}

// The run block's words match what they count: "read" is every document
// opened, split into ok and quarantined (2 reports and an empty file here),
// and the Parquet files are one per table of the one commit, not one per
// document: reports, facts and texts (the two reports have no 自评表, so
// projects and indicators get no rows and no file).
func TestIngestSummaryWords(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	copyFile(t, "../../testdata/text/report-utf8.txt", filepath.Join(in, "a.txt"))
	copyFile(t, "../../testdata/text/report-gbk.txt", filepath.Join(in, "b.txt"))
	copyFile(t, "../../testdata/text/bad/empty.txt", filepath.Join(in, "empty.txt"))
	stdout, stderr, code := run(t, "ingest", "--out", out, in)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"  read           3 documents (2 ok, 1 quarantined, 0 failed), ",
		"  parquet files  3 written (one per table a commit)\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
}

// A folder written by queue workers (per-document files) and one written by
// zipin ingest without --catalog (batch files) do not mix: each writer
// refuses the other's folder when it opens it, before any work, with exit
// status 2 and a message naming the file found and what to do instead.
func TestIngestRefusesTheOtherLayout(t *testing.T) {
	in := t.TempDir()
	copyFile(t, "../../testdata/text/report-utf8.txt", filepath.Join(in, "report-utf8.txt"))

	perDoc := t.TempDir()
	sink, err := dataset.OpenSink(context.Background(), perDoc, version.Extractor)
	if err != nil {
		t.Fatal(err)
	}
	if err := sink.PutDocument(context.Background(), &schema.Batch{Reports: []schema.Report{{DocID: "d1", Kind: "other", Warnings: []string{}}}}); err != nil {
		t.Fatal(err)
	}
	sink.Close()
	stdout, stderr, code := run(t, "ingest", "--out", perDoc, in)
	if code != 2 || stdout != "" ||
		!strings.Contains(stderr, "holds per-document files (reports/doc-d1.parquet, written by zipin worker or ingest --catalog)") ||
		!strings.Contains(stderr, "give ingest another --out, or keep adding to this one through the queue") {
		t.Fatalf("ingest --out a per-document folder: exit %d, want 2\n%s%s", code, stdout, stderr)
	}
	// Nothing written: no catalog, no batch, the one document's file alone.
	if _, err := os.Stat(filepath.Join(perDoc, "_catalog.sqlite")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("_catalog.sqlite: %v, want none", err)
	}
	for _, tb := range schema.Tables {
		files, err := dataset.TableFiles(perDoc, tb)
		want := 0
		if tb == schema.TableReports {
			want = 1
		}
		if err != nil || len(files) != want {
			t.Errorf("%s: files %v (%v), want %d", tb, files, err, want)
		}
	}
	// compact is a batch writer too.
	if _, stderr, code := run(t, "compact", perDoc); code != 2 || !strings.Contains(stderr, "reports/doc-d1.parquet") {
		t.Errorf("compact a per-document folder: exit %d, want 2\n%s", code, stderr)
	}

	// The other way round: a batch folder refuses the queue's writers.
	batch := t.TempDir()
	if stdout, stderr, code := run(t, "ingest", "--out", batch, in); code != 0 {
		t.Fatalf("ingest: exit %d\n%s%s", code, stdout, stderr)
	}
	q := filepath.Join(t.TempDir(), "queue.sqlite")
	stdout, stderr, code = run(t, "ingest", "--catalog", q, "--out", batch, in)
	if code != 2 || !strings.Contains(stderr, "holds batch files (") ||
		!strings.Contains(stderr, "give them another --out, or keep adding to this one with zipin ingest without --catalog") {
		t.Fatalf("ingest --catalog --out a batch folder: exit %d, want 2\n%s%s", code, stdout, stderr)
	}
}

// The last progress line and the summary give the same counts. In a batch
// run the progress sent as documents finish counted one ok; its commit
// failed, so the summary, and the last line, count it failed.
func TestIngestFinishedLineCountsAsTheSummary(t *testing.T) {
	var buf bytes.Buffer
	rep := newReporter(&buf, "log", "text", 0)
	rep.update(pipeline.Progress{Total: 1, Done: 1, OK: 1, Pages: 2, Facts: 7})
	sum := &pipeline.Summary{Outcomes: []pipeline.Outcome{{Source: "a.txt", Status: pipeline.StatusFailed, Reason: "rows not written: disk full"}}}
	rep.finish(sum.Totals())
	if line := buf.String(); !strings.Contains(line, `msg="ingest finished" done=1 total=1 ok=0 skipped=0 ignored=0 quarantined=0 failed=1 pages=0 `) {
		t.Errorf("last line %q, want ok=0 failed=1 pages=0", line)
	}

	// With --catalog, the two hidden files listed as ignored while
	// enqueuing count in the last line as in the summary.
	in := t.TempDir()
	for _, n := range []string{"report-utf8.txt", "report-gbk.txt"} {
		copyFile(t, "../../testdata/text/"+n, filepath.Join(in, n))
	}
	for _, n := range []string{".a.txt", ".b.txt"} {
		copyFile(t, "../../testdata/text/report-utf8.txt", filepath.Join(in, n))
	}
	q := filepath.Join(t.TempDir(), "queue.sqlite")
	stdout, stderr, code := run(t, "ingest", "--catalog", q, "--out", t.TempDir(), "--progress", "log", "--jobs", "1", in)
	if code != 0 || !strings.HasPrefix(stdout, "documents: 2 ok, 0 skipped (already done), 0 quarantined, 0 failed\n") ||
		strings.Count(stderr, "ignored: ") != 2 ||
		!strings.Contains(stderr, `msg="ingest finished" done=2 total=2 ok=2 skipped=0 ignored=2 quarantined=0 failed=0 `) {
		t.Errorf("ingest --catalog: exit %d\n%s%s", code, stdout, stderr)
	}
}

// A re-run skips what an earlier run quarantined, but counts it apart from
// what is done: 2 reports and 1 binary file; the second run skips all 3,
// 2 as done and 1 as quarantined before. The same with --catalog.
func TestRerunCountsQuarantinedBeforeApart(t *testing.T) {
	in := t.TempDir()
	for _, n := range []string{"report-utf8.txt", "report-gbk.txt"} {
		copyFile(t, "../../testdata/text/"+n, filepath.Join(in, n))
	}
	copyFile(t, "../../testdata/text/bad/not-text.txt", filepath.Join(in, "not-text.txt"))
	const earlier = "earlier:   1 quarantined before with this extractor version, not retried (--retry-quarantined tries them again; zipin status lists them)\n"
	for _, mode := range []string{"batch", "catalog"} {
		args := []string{"ingest", "--out", t.TempDir()}
		if mode == "catalog" {
			args = append(args, "--catalog", filepath.Join(t.TempDir(), "queue.sqlite"))
		}
		args = append(args, in)
		stdout, stderr, code := run(t, args...)
		if code != 1 || !strings.HasPrefix(stdout, "documents: 2 ok, 0 skipped (already done), 1 quarantined, 0 failed\n") || strings.Contains(stdout, "earlier:") {
			t.Fatalf("%s, first run: exit %d\n%s%s", mode, code, stdout, stderr)
		}
		stdout, stderr, code = run(t, args...)
		if code != 0 || !strings.HasPrefix(stdout, "documents: 0 ok, 2 skipped (already done), 0 quarantined, 0 failed\n") || !strings.Contains(stdout, earlier) {
			t.Errorf("%s, re-run: exit %d\n%s%s", mode, code, stdout, stderr)
		}
	}
	// --json keeps documents by status (3 skipped) and says which of them
	// were quarantined before.
	out := t.TempDir()
	run(t, "ingest", "--out", out, in)
	stdout, stderr, code := run(t, "ingest", "--out", out, "--json", in)
	var js struct {
		Documents         map[string]int `json:"documents"`
		QuarantinedBefore int            `json:"quarantined_before"`
	}
	if err := json.Unmarshal([]byte(stdout), &js); err != nil || code != 0 || js.Documents["skipped"] != 3 || js.QuarantinedBefore != 1 {
		t.Errorf("--json re-run: exit %d, %+v, %v\n%s%s", code, js, err, stdout, stderr)
	}
}
