package pipeline

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"zipin/catalog"
	"zipin/dataset"
	"zipin/internal/testenv"
	"zipin/isolate"
	"zipin/isolate/isolatetest"
	"zipin/schema"
)

// Each poison document ends as one quarantined document with the reason of
// the bound it hit, while every good file is written. The outcome must be
// decided by the documents, never by the machine's speed, so two runs:
//
//   - the documents that end by a cap (input size, facts per page) run with
//     the good ones under a budget they can never reach (10 minutes: a good
//     document needs well under a second of CPU, the dense one a few), so at
//     any load the cap is what fires;
//   - the documents that never end on their own (the wide workbook costs the
//     square of its cells, hours; the cut CMap, for ever) run with good ones
//     under a 15 s budget, which they can only meet by the budget or a cap.
//     The good documents go first and need some 1/50 of it on a quiet
//     machine; the workers are started (the dictionary loaded) outside it.
func TestPoisonDocumentsEachQuarantined(t *testing.T) {
	type run struct {
		name    string
		timeout time.Duration
		poison  map[string][]byte
	}
	for _, rc := range []run{
		{"caps", 10 * time.Minute, map[string][]byte{
			"x-huge.txt":  bytes.Repeat([]byte("一二三四五六七八九十"), 52_429), // 1,572,870 bytes = 1.5 MB
			"x-dense.txt": denseText(1200),
		}},
		{"endless", 15 * time.Second, map[string][]byte{
			// 100,000 cells in one row: analysing 10,000 took 23 s
			// (2026-11-30), the cost growing with the square.
			"x-wide.xlsx":    wideXLSX(100_000),
			"x-cut-cmap.pdf": cutCMapPDF(),
		}},
	} {
		t.Run(rc.name, func(t *testing.T) {
			in := filepath.Join(t.TempDir(), "in")
			good := corpus(t, in, 3)
			// Named to sort after the good documents, which are done first.
			for name, data := range rc.poison {
				if err := os.WriteFile(filepath.Join(in, name), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			out := filepath.Join(t.TempDir(), "out")
			opts := Options{Out: out, Jobs: 3, Timeout: rc.timeout, MaxInput: 1 << 20, MaxFactsPerPage: 300}
			start := time.Now()
			sum, err := Ingest(context.Background(), opts, []string{in})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("run: %s; parent peak RSS %d MB, largest worker %d MB", time.Since(start).Round(time.Millisecond), sum.PeakRSSKB>>10, sum.WorkerPeakRSSKB>>10)
			for _, o := range sum.Outcomes {
				t.Logf("  %s %s (extract %s, analyze %s) %s", filepath.Base(o.Source), o.Status, o.Extract.Round(time.Millisecond), o.Analyze.Round(time.Millisecond), o.Reason)
			}
			got := outcomes(sum)
			budget := "exceeded " + isolate.FormatDuration(rc.timeout) + " (time budget per document)"
			for name, o := range got {
				switch name {
				case "x-huge.txt":
					if want := "input too large: 1.5 MB, more than the 1.0 MB limit (--max-input)"; o.Status != StatusQuarantined || o.Reason != want {
						t.Errorf("%s: %s %q, want quarantined %q", name, o.Status, o.Reason, want)
					}
				case "x-dense.txt":
					if want := "too many facts: page 1 holds 1200, more than the limit of 300 per page (--max-facts-per-page); not a report page"; o.Status != StatusQuarantined || o.Reason != want {
						t.Errorf("%s: %s %q, want quarantined %q", name, o.Status, o.Reason, want)
					}
				case "x-wide.xlsx":
					// Its 100,000 cells are percentages: it ends by the time
					// budget while the analysis of a wide row costs the square
					// of its cells, by the cap on facts per page once it does
					// not. Either is its reason.
					if o.Status != StatusQuarantined || o.Reason != budget &&
						o.Reason != "too many facts: page 1 holds 100000, more than the limit of 300 per page (--max-facts-per-page); not a report page" {
						t.Errorf("%s: %s %q, want quarantined by the time budget or the facts cap", name, o.Status, o.Reason)
					}
				case "x-cut-cmap.pdf":
					// The cut CMap keeps the PDF reader busy for ever (an
					// extract/pdf bug); once that is fixed the document may be
					// read. Either way it must not hold the run, and a
					// quarantine must name the budget.
					if o.Status == StatusQuarantined && o.Reason != budget || o.Status != StatusQuarantined && o.Status != StatusOK {
						t.Errorf("%s: %s %q", name, o.Status, o.Reason)
					}
				}
			}
			for _, p := range good {
				if o := got[filepath.Base(p)]; o.Status != StatusOK {
					t.Errorf("%s: %s %s, want ok", p, o.Status, o.Reason)
				}
			}
			if len(got) != len(good)+len(rc.poison) {
				t.Errorf("%d outcomes, want %d", len(got), len(good)+len(rc.poison))
			}
			reports, err := dataset.ReadTable[schema.Report](out, schema.TableReports)
			if err != nil {
				t.Fatal(err)
			}
			if want := sum.Count(StatusOK); len(reports) != want || sum.InDataset != want {
				t.Errorf("dataset holds %d reports (summary says %d), want %d", len(reports), sum.InDataset, want)
			}
			// The parent did none of the documents' work: it stays small.
			if sum.PeakRSSKB > 400<<10 {
				t.Errorf("parent peak RSS %d MB, want under 400 MB", sum.PeakRSSKB>>10)
			}
		})
	}
}

// Names starting with "." and the dataset's catalog files are left out of a
// walked folder, each listed with its reason; a hidden folder is one entry;
// a file named by the user is always taken.
func TestCollectListsWhatItLeavesOut(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"a.txt", ".hidden.txt", ".git/config", "_catalog.sqlite-wal", "sub/b.txt", "sub/.c.txt", "named/.named.txt"} {
		p = filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	named := filepath.Join(dir, "named", ".named.txt")
	files, problems := Collect([]string{filepath.Join(dir, "a.txt"), dir, named})
	wantFiles := []string{filepath.Join(dir, "a.txt"), named, filepath.Join(dir, "sub", "b.txt")}
	if !reflect.DeepEqual(files, wantFiles) {
		t.Errorf("files = %q\nwant %q", files, wantFiles)
	}
	hidden := `hidden name (starts with "."); name it on the command line to ingest it`
	want := []Outcome{
		{Source: filepath.Join(dir, ".git"), Status: StatusIgnored, Reason: "folder: " + hidden},
		{Source: filepath.Join(dir, ".hidden.txt"), Status: StatusIgnored, Reason: hidden},
		{Source: filepath.Join(dir, "_catalog.sqlite-wal"), Status: StatusIgnored, Reason: "the dataset's catalog (_catalog.sqlite*), not a report"},
		{Source: filepath.Join(dir, "sub", ".c.txt"), Status: StatusIgnored, Reason: hidden},
	}
	if !reflect.DeepEqual(problems, want) {
		t.Errorf("problems = %+v\nwant %+v", problems, want)
	}
}

// A worker SIGKILLed at random points (idle, reading, analysing) is
// retried; the run writes exactly what an uninterrupted run writes, the
// cause stays on record, and a plain re-run changes nothing.
func TestWorkersKilledAtRandomPointsLoseNothing(t *testing.T) {
	rounds := 3
	if os.Getenv("ZIPIN_SLOW") == "1" {
		rounds = 20
	}
	in := filepath.Join(t.TempDir(), "in")
	paths := corpus(t, in, 10)
	for _, p := range paths[:5] {
		// 300 ms in the worker: a window for kills mid-document.
		if err := os.WriteFile(p, append(mustRead(t, p), isolatetest.Slow...), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	opts := Options{Jobs: 2, Timeout: time.Minute, FlushDocs: 3}
	opts.Out = filepath.Join(t.TempDir(), "ref")
	if _, err := Ingest(context.Background(), opts, []string{in}); err != nil {
		t.Fatal(err)
	}
	want := snapshot(t, opts.Out)
	rng := rand.New(rand.NewPCG(testSeed(t), 11))
	kills := 0
	for round := 1; round <= rounds; round++ {
		opts.Out = filepath.Join(t.TempDir(), "killed")
		// At most Retries kills per run, so no document can be killed on
		// every attempt. Each kill is tied to an event of the run, not to
		// the clock: after the j-th document is done (j < 5 of 10, so work
		// is left and a worker is alive: the collector that calls Progress
		// is held while we kill, so the run cannot end meanwhile), then a
		// random pause places it anywhere in a worker's life (starting,
		// idle, reading, analysing a 300 ms document). How fast the machine
		// is changes where a kill lands, never whether it lands.
		n := 1 + rng.IntN(DefaultRetries)
		at := map[int][]time.Duration{}
		for i := 0; i < n; i++ {
			j := 1 + rng.IntN(4)
			at[j] = append(at[j], time.Duration(rng.Int64N(int64(400*time.Millisecond))))
		}
		k := 0
		opts.Progress = func(p Progress) {
			for _, d := range at[p.Done] {
				time.Sleep(d)
				if pid := aliveChild(rng); pid > 0 && syscall.Kill(pid, syscall.SIGKILL) == nil {
					k++
				} else {
					t.Errorf("round %d: no worker to kill after %d documents", round, p.Done)
				}
			}
		}
		sum, err := Ingest(context.Background(), opts, []string{in})
		opts.Progress = nil
		kills += k
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		retried := 0
		for _, o := range sum.Outcomes {
			if o.Status != StatusOK {
				t.Errorf("round %d: %s %s %s", round, o.Source, o.Status, o.Reason)
			}
			if o.Attempts > 1 {
				retried++
				if !strings.Contains(o.Reason, "killed by signal 9 (SIGKILL)") {
					t.Errorf("round %d: %s retried without the cause on record: %q", round, o.Source, o.Reason)
				}
			}
		}
		again, err := Ingest(context.Background(), opts, []string{in})
		if err != nil || again.Extracted != 0 {
			t.Fatalf("round %d: re-run extracted %d (%v), want 0", round, again.Extracted, err)
		}
		got := snapshot(t, opts.Out)
		for _, table := range schema.Tables {
			if !reflect.DeepEqual(got[table], want[table]) {
				t.Fatalf("round %d: table %s differs from the uninterrupted run: %d rows, want %d", round, table, len(got[table]), len(want[table]))
			}
		}
		t.Logf("round %d: %d kills, %d documents retried", round, k, retried)
		if k != n {
			// (A killed idle worker whose pool mate took the remaining
			// documents retries nothing, so retried may be 0.)
			t.Errorf("round %d: %d of %d kills done", round, k, n)
		}
	}
	t.Logf("%d kills in %d rounds", kills, rounds)
}

// aliveChild picks one of this process's running children (a worker, maybe
// still starting), waiting for one while none runs: a document still to be
// done needs one. Exited children not yet reaped are not picked.
func aliveChild(rng *rand.Rand) int {
	// The bound only turns a hang into a failure: a worker's child exists
	// from its fork, long before it is ready.
	for end := time.Now().Add(2 * time.Minute); time.Now().Before(end); {
		var alive []int
		for _, pid := range childPIDs() {
			b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
			// The state follows the command name in parentheses.
			if i := bytes.LastIndexByte(b, ')'); err == nil && i > 0 && i+2 < len(b) && b[i+2] != 'Z' && b[i+2] != 'X' {
				alive = append(alive, pid)
			}
		}
		if len(alive) > 0 {
			return alive[rng.IntN(len(alive))]
		}
		time.Sleep(time.Millisecond)
	}
	return 0
}

// childPIDs lists this process's child processes (the workers).
func childPIDs() []int {
	var out []int
	tasks, _ := os.ReadDir("/proc/self/task")
	for _, task := range tasks {
		b, _ := os.ReadFile(filepath.Join("/proc/self/task", task.Name(), "children"))
		for _, f := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(f); err == nil {
				out = append(out, pid)
			}
		}
	}
	return out
}

// Finished documents are committed within the flush interval even while
// another document holds its worker, so a kill then loses only the
// document in hand; ending the run (SIGTERM's context) stops it at once.
func TestCommitsByTimeAndStopsWhenTold(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in")
	corpus(t, in, 3)
	if err := os.WriteFile(filepath.Join(in, "zz-loop.txt"), []byte("报告\n"+isolatetest.Loop), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	// No count or size would commit: only time does.
	opts := Options{Out: out, Jobs: 2, Timeout: time.Hour, FlushDocs: 1000, FlushInterval: 200 * time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	type ret struct {
		sum *Summary
		err error
	}
	done := make(chan ret, 1)
	go func() {
		s, err := Ingest(ctx, opts, []string{in})
		done <- ret{s, err}
	}()
	for {
		rows, _ := dataset.ReadTable[schema.Report](out, schema.TableReports)
		if len(rows) == 3 {
			break
		}
		select {
		case r := <-done:
			t.Fatalf("run ended before committing by time: %+v %v", r.sum, r.err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	// The three are in the dataset while the looping document is still in
	// hand: the run cannot have ended (its budget is an hour).
	stop := time.Now()
	cancel()
	r := <-done
	t.Logf("stopped %s after the cancel", time.Since(stop).Round(time.Millisecond))
	if !errors.Is(r.err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", r.err)
	}
	if r.sum.InDataset != 3 || r.sum.Count(StatusOK) != 3 {
		t.Errorf("summary: %d in dataset, %d ok; want 3, 3", r.sum.InDataset, r.sum.Count(StatusOK))
	}
	cat, err := catalog.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	runs, _ := cat.Runs(1)
	unfinished, _ := cat.Unfinished()
	if len(runs) != 1 || runs[0].State != "interrupted" || len(unfinished) != 0 {
		t.Errorf("catalog: runs %+v, %d left in progress; want interrupted, 0", runs, len(unfinished))
	}
}

// A document that takes the import process down while analysed in-process
// (--isolate none: no worker to die in its place) is recorded in progress
// first, so the next run quarantines it instead of stalling on it again.
// The process here is killed from the test while it is on the document.
func TestDocumentInProgressAtAKillIsQuarantinedNextRun(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in")
	corpus(t, in, 2)
	if err := os.WriteFile(filepath.Join(in, "wide.xlsx"), wideXLSX(100_000), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	cmd := ingestChild(t, in, out, "ZIPIN_TEST_ISOLATE=none", "ZIPIN_TEST_JOBS=1", "ZIPIN_TEST_TIMEOUT=1h")
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// Wait until the catalog shows the workbook in progress.
	var id string
	for id == "" {
		select {
		case err := <-exited:
			t.Fatalf("ingest ended (%v) before reaching the workbook", err)
		case <-time.After(50 * time.Millisecond):
		}
		if cat, err := catalog.OpenReadOnly(out); err == nil {
			u, _ := cat.Unfinished()
			cat.Close()
			for k, p := range u {
				if strings.HasSuffix(p.Source, "wide.xlsx") && p.InProcess {
					id = k
				}
			}
		}
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	<-exited

	opts := Options{Out: out, Jobs: 1, Isolate: IsolateNone, Timeout: time.Hour}
	sum, err := Ingest(context.Background(), opts, []string{in})
	if err != nil {
		t.Fatal(err)
	}
	got := outcomes(sum)
	if o := got["wide.xlsx"]; o.Status != StatusQuarantined || !strings.HasPrefix(o.Reason, "the import process died while analyzing it in-process (run 1)") || o.DocID != id {
		t.Errorf("wide.xlsx: %+v", o)
	}
	for _, o := range sum.Outcomes {
		t.Logf("%s %s %s", o.Source, o.Status, o.Reason)
	}
	if sum.Count(StatusOK)+sum.Count(StatusSkipped) != 2 {
		t.Errorf("good documents: %d ok, %d skipped; want 2 in all", sum.Count(StatusOK), sum.Count(StatusSkipped))
	}
	if !reflect.DeepEqual(sum.KilledRuns, []int64{1}) {
		t.Errorf("killed runs = %v, want [1]", sum.KilledRuns)
	}
}

// SIGTERM is honoured while a worker is stuck in a document: the run ends
// with its finished work committed, long before the document's budget.
func TestSIGTERMDuringAStuckDocument(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in")
	corpus(t, in, 1)
	if err := os.WriteFile(filepath.Join(in, "loop.txt"), []byte("报告\n"+isolatetest.Loop), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	cmd := ingestChild(t, in, out, "ZIPIN_TEST_TIMEOUT=1h", "ZIPIN_TEST_JOBS=2")
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	for {
		select {
		case err := <-exited:
			t.Fatalf("ingest ended (%v) before the looping document", err)
		case <-time.After(50 * time.Millisecond):
		}
		rows, _ := dataset.ReadTable[schema.Report](out, schema.TableReports)
		if len(rows) == 1 && len(childPIDsOf(cmd.Process.Pid)) > 0 {
			break
		}
	}
	sent := time.Now()
	_ = cmd.Process.Signal(syscall.SIGTERM)
	err := <-exited
	t.Logf("exited %s after SIGTERM: %v", time.Since(sent).Round(time.Millisecond), err)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 4 {
		t.Errorf("exit: %v, want the interrupted status 4", err)
	}
	cat, err := catalog.OpenReadOnly(out)
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	runs, _ := cat.Runs(1)
	if len(runs) != 1 || runs[0].State != "interrupted" {
		t.Errorf("runs = %+v, want one interrupted", runs)
	}
	// The looping document's job failed this attempt, left for the next
	// run (retryable, or available at once as River makes a retry due
	// within seconds); the other's completed.
	if n, _ := jobStates(jobsOf(t, out)); n["completed"] != 1 || n["retryable"]+n["available"] != 1 || len(n) != 2 {
		t.Errorf("jobs %v, want 1 completed and 1 left to do", n)
	}
}

func childPIDsOf(pid int) []int {
	var out []int
	tasks, _ := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	for _, task := range tasks {
		b, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "task", task.Name(), "children"))
		for _, f := range strings.Fields(string(b)) {
			if p, err := strconv.Atoi(f); err == nil {
				out = append(out, p)
			}
		}
	}
	return out
}

var _ = testenv.Slow

// After a commit fails (here the staging folder is replaced by a file, as a
// full or broken disk would refuse it), the summary reports what the
// dataset holds: the documents of the failed batch are "failed", not ok.
func TestFailedCommitSummaryTellsWhatIsWritten(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in")
	corpus(t, in, 4)
	out := filepath.Join(t.TempDir(), "out")
	opts := Options{Out: out, Jobs: 1, Timeout: time.Minute, FlushDocs: 2, FlushInterval: time.Hour}
	opts.Progress = func(p Progress) {
		if p.Done == 3 { // after the first batch of 2 is committed
			staging := filepath.Join(out, ".staging")
			if err := os.RemoveAll(staging); err != nil {
				t.Error(err)
			}
			if err := os.WriteFile(staging, nil, 0o644); err != nil {
				t.Error(err)
			}
		}
	}
	sum, err := Ingest(context.Background(), opts, []string{in})
	if err == nil || sum == nil || sum.CommitError == nil {
		t.Fatalf("want a commit error, got %v", err)
	}
	reports, _ := dataset.ReadTable[schema.Report](out, schema.TableReports)
	if len(reports) != 2 || sum.InDataset != 2 || sum.Count(StatusOK) != 2 || sum.Count(StatusFailed) != 2 {
		t.Errorf("dataset %d reports; summary: %d in dataset, %d ok, %d failed; want 2, 2, 2, 2", len(reports), sum.InDataset, sum.Count(StatusOK), sum.Count(StatusFailed))
	}
	for _, o := range sum.Outcomes {
		if o.Status == StatusFailed && (!strings.HasPrefix(o.Reason, "rows not written: ") || o.Facts != 0) {
			t.Errorf("%s: %q, %d facts", o.Source, o.Reason, o.Facts)
		}
	}
	if err := os.Remove(filepath.Join(out, ".staging")); err != nil {
		t.Fatal(err)
	}
	// The next run writes the rest.
	opts.Progress = nil
	sum, err = Ingest(context.Background(), opts, []string{in})
	if err != nil || sum.InDataset != 4 || sum.Count(StatusOK) != 2 {
		t.Errorf("re-run: %v, %d in dataset, %d ok", err, sum.InDataset, sum.Count(StatusOK))
	}
}

// A document whose worker is SIGKILLed on every attempt (as the OOM killer
// does in a small cgroup) is quarantined after the retries, with the cause;
// the others are written.
func TestKilledOnEveryAttemptIsQuarantined(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in")
	paths := corpus(t, in, 2)
	if err := os.WriteFile(filepath.Join(in, "kill9.txt"), append(mustRead(t, paths[0]), isolatetest.Kill9...), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := Ingest(context.Background(), Options{Out: filepath.Join(t.TempDir(), "out"), Jobs: 2, Timeout: time.Minute}, []string{in})
	if err != nil {
		t.Fatal(err)
	}
	o := outcomes(sum)["kill9.txt"]
	if o.Status != StatusQuarantined || o.Reason != "killed by signal 9 (SIGKILL), on each of 3 attempts" || o.Attempts != 3 {
		t.Errorf("kill9.txt: %s %q after %d attempts", o.Status, o.Reason, o.Attempts)
	}
	if sum.Count(StatusOK) != 2 {
		t.Errorf("%d ok, want 2", sum.Count(StatusOK))
	}
}

// Under --isolate risky, text and HTML of ordinary size are analyzed
// in-process and everything else in a worker: a PDF whose worker crashes
// shows that crash (the test hook runs only in workers), and the text
// documents are written.
func TestIsolateRiskySplitsByFormat(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in")
	corpus(t, in, 2)
	// A "PDF" (by its magic bytes) that makes its worker exit: only a
	// worker can show that crash; in-process the hook never runs.
	if err := os.WriteFile(filepath.Join(in, "crash.pdf"), []byte("%PDF-1.4\n"+isolatetest.Crash), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := Ingest(context.Background(), Options{Out: filepath.Join(t.TempDir(), "out"), Jobs: 2, Timeout: time.Minute, Isolate: IsolateRisky}, []string{in})
	if err != nil {
		t.Fatal(err)
	}
	if o := outcomes(sum)["crash.pdf"]; o.Status != StatusQuarantined || !strings.HasPrefix(o.Reason, "worker crashed (exit status 3)") {
		t.Errorf("crash.pdf: %s %q, want the worker's crash", o.Status, o.Reason)
	}
	if sum.Count(StatusOK) != 2 {
		t.Errorf("%d ok, want 2", sum.Count(StatusOK))
	}
}
