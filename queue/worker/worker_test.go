package worker

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"zipin/catalog"
	"zipin/internal/atomicfile"
	"zipin/internal/testenv"
	"zipin/isolate/isolatetest"
	"zipin/pipeline"
	"zipin/queue"
	"zipin/schema"
	"zipin/version"
)

func TestMain(m *testing.M) {
	// A child started by a test is a worker child (isolate) or a queue
	// worker process (maybeRunWorker).
	isolatetest.Install()
	maybeRunWorker()
	os.Exit(m.Run())
}

// fileSink is a minimal Sink for these tests (dataset.Sink is tested in
// package dataset): one JSON file per document, <out>/doc-<doc_id>.json,
// published by rename so a document is there whole or not at all, and a
// line per PutDocument appended to <out>/puts.log, so a test can tell a
// document written twice from one written once.
type fileSink struct{ out string }

type docFile struct {
	DocID   string `json:"doc_id"`
	Source  string `json:"source"`
	Facts   int    `json:"facts"`
	Version string `json:"extractor_version"`
}

func (s fileSink) PutDocument(ctx context.Context, b *schema.Batch) error {
	r := b.Reports[0]
	data, _ := json.Marshal(docFile{DocID: r.DocID, Source: r.Source, Facts: len(b.Facts), Version: version.Extractor})
	if err := atomicfile.Write(filepath.Join(s.out, "doc-"+r.DocID+".json"), data); err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(s.out, "puts.log"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = fmt.Fprintf(f, "%s %d\n", r.DocID, os.Getpid())
	return err
}

func (s fileSink) Has(ctx context.Context, docID string) (string, error) {
	data, err := os.ReadFile(filepath.Join(s.out, "doc-"+docID+".json"))
	if os.IsNotExist(err) {
		return "", nil
	}
	var d docFile
	if err == nil {
		err = json.Unmarshal(data, &d)
	}
	return d.Version, err
}

// held reads what the file sink holds: doc_id → its file, and how many
// times each doc_id was put.
func held(t *testing.T, out string) (map[string]docFile, map[string]int) {
	t.Helper()
	docs := map[string]docFile{}
	files, _ := filepath.Glob(filepath.Join(out, "doc-*.json"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var d docFile
		if err := json.Unmarshal(data, &d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		docs[d.DocID] = d
	}
	puts := map[string]int{}
	data, err := os.ReadFile(filepath.Join(out, "puts.log"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, line := range strings.Fields(string(data)) {
		if len(line) == 64 {
			puts[line]++
		}
	}
	return docs, puts
}

// queues are the databases a test runs on: PostgreSQL and SQLite.
func queues(t *testing.T, f func(t *testing.T, url string)) {
	t.Run("postgres", func(t *testing.T) { f(t, testenv.PostgreSQL(t)) })
	t.Run("sqlite", func(t *testing.T) { f(t, "sqlite:"+filepath.Join(t.TempDir(), "queue.sqlite")) })
}

func open(t *testing.T, u string) *queue.Queue {
	t.Helper()
	q, err := queue.Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	return q
}

// fixtures copies the text fixtures into a folder of the test's and returns
// their jobs, identified as the enqueuer does (pipeline.Documents), in name
// order. Extra files (name → content) are added to them.
func fixtures(t *testing.T, extra map[string]string) []queue.ExtractArgs {
	t.Helper()
	dir := t.TempDir()
	root := testenv.Root(t)
	names := []string{"report-utf8.txt", "report-gbk.txt", "report-utf16le.txt", "report-utf8-bom.txt", "bad/not-text.txt"}
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(root, "testdata", "text", n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(n)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for n, c := range extra {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files, problems := pipeline.Collect([]string{dir})
	if len(problems) > 0 {
		t.Fatalf("walking the fixtures: %+v", problems)
	}
	sort.Strings(files)
	docs, err := pipeline.NewDocuments(pipeline.Options{Jobs: 1}, files)
	if err != nil {
		t.Fatal(err)
	}
	defer docs.Close()
	var jobs []queue.ExtractArgs
	for _, f := range files {
		o, final := docs.Identify(context.Background(), f)
		if final {
			t.Fatalf("%s: %s %s", f, o.Status, o.Reason)
		}
		jobs = append(jobs, queue.ExtractArgs{Path: f, DocID: o.DocID, Size: o.Size})
	}
	return jobs
}

func TestEnqueueIsIdempotentPerDocument(t *testing.T) {
	queues(t, func(t *testing.T, u string) {
		ctx := context.Background()
		q := open(t, u)
		a := queue.ExtractArgs{Path: "/in/a.pdf", DocID: strings.Repeat("a", 64), Size: 10}
		b := queue.ExtractArgs{Path: "/in/b.pdf", DocID: strings.Repeat("b", 64), Size: 20}
		e, err := q.Enqueue(ctx, []queue.ExtractArgs{a, b})
		if err != nil {
			t.Fatal(err)
		}
		if e != (queue.Enqueued{Added: 2}) {
			t.Fatalf("first enqueue: %+v, want 2 added", e)
		}
		// The same bytes again, one under another name: still one job each.
		a2 := a
		a2.Path = "/in/copy-of-a.pdf"
		e, err = q.Enqueue(ctx, []queue.ExtractArgs{a, a2, b})
		if err != nil {
			t.Fatal(err)
		}
		if e != (queue.Enqueued{Duplicates: 3}) {
			t.Fatalf("second enqueue: %+v, want 3 duplicates", e)
		}
		// Opening again (a second worker starting) migrates nothing and
		// sees the same jobs.
		q2 := open(t, u)
		c, err := q2.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c[rivertype.JobStateAvailable] != 2 || queue.Unfinished(c) != 2 {
			t.Fatalf("counts %v, want 2 available", c)
		}
		if busy, err := q2.Busy(ctx); err != nil || !busy {
			t.Fatalf("Busy with 2 jobs waiting: %v, %v", busy, err)
		}
		jobs, err := q2.Jobs(ctx, 10, rivertype.JobStateAvailable)
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) != 2 || jobs[0].Args != a || jobs[1].Args != b {
			t.Fatalf("jobs %+v, want a then b", jobs)
		}
	})
}

// newWorker is a worker writing to out with the file sink and recording in
// the catalog in the queue's database at u; close releases what it holds.
func newWorker(u, out string, jobs int, budget time.Duration) (w *Worker, close func(), err error) {
	docs, err := pipeline.NewDocuments(pipeline.Options{Jobs: jobs, Retries: -1, Timeout: budget}, nil)
	if err != nil {
		return nil, nil, err
	}
	cat, err := catalog.OpenURL(context.Background(), u)
	if err != nil {
		return nil, nil, err
	}
	runID, err := cat.StartRun(version.Extractor, jobs)
	if err != nil {
		return nil, nil, err
	}
	sinks := make([]Sink, jobs)
	for i := range sinks {
		sinks[i] = fileSink{out}
	}
	w = &Worker{Docs: docs, Sinks: sinks, Catalog: cat, RunID: runID, Jobs: jobs}
	return w, func() { docs.Close(); cat.Close() }, nil
}

func TestWorkerDoesEachDocumentOnce(t *testing.T) {
	queues(t, func(t *testing.T, u string) {
		ctx := context.Background()
		q := open(t, u)
		jobs := fixtures(t, nil)
		if _, err := q.Enqueue(ctx, jobs); err != nil {
			t.Fatal(err)
		}
		out := t.TempDir()
		w, done, err := newWorker(u, out, 2, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		defer done()
		var mu sync.Mutex
		outcomes := map[string]pipeline.Outcome{}
		w.Done = func(o pipeline.Outcome, final bool) {
			mu.Lock()
			defer mu.Unlock()
			if !final {
				t.Errorf("%s retried: %s", o.Source, o.Reason)
			}
			outcomes[filepath.Base(o.Source)] = o
		}
		w.UntilEmpty = true
		if err := w.Run(ctx, q); err != nil {
			t.Fatal(err)
		}
		c, err := q.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c[rivertype.JobStateCompleted] != len(jobs) || queue.Unfinished(c) != 0 {
			t.Fatalf("counts %v, want %d completed", c, len(jobs))
		}
		if busy, err := q.Busy(ctx); err != nil || busy {
			t.Fatalf("Busy with every job completed: %v, %v", busy, err)
		}
		// not-text.txt is binary: quarantined, its job completed, no rows.
		if o := outcomes["not-text.txt"]; o.Status != pipeline.StatusQuarantined {
			t.Errorf("not-text.txt: %s %q, want quarantined", o.Status, o.Reason)
		}
		docs, puts := held(t, out)
		for _, j := range jobs {
			if filepath.Base(j.Path) == "not-text.txt" {
				if _, ok := docs[j.DocID]; ok {
					t.Errorf("the quarantined document has rows")
				}
				continue
			}
			if o := outcomes[filepath.Base(j.Path)]; o.Status != pipeline.StatusOK {
				t.Errorf("%s: %s %q", j.Path, o.Status, o.Reason)
			}
			if d, ok := docs[j.DocID]; !ok || d.Source != j.Path || d.Facts == 0 {
				t.Errorf("%s: dataset holds %+v", j.Path, d)
			}
			if puts[j.DocID] != 1 {
				t.Errorf("%s written %d times", j.Path, puts[j.DocID])
			}
		}
		if len(docs) != len(jobs)-1 {
			t.Errorf("dataset holds %d documents, want %d", len(docs), len(jobs)-1)
		}
		cat, err := catalog.OpenURL(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		defer cat.Close()
		n, err := cat.Counts()
		if err != nil {
			t.Fatal(err)
		}
		if n["ok"] != len(jobs)-1 || n["quarantined"] != 1 {
			t.Errorf("catalog counts %v, want %d ok, 1 quarantined", n, len(jobs)-1)
		}
		// zipin status's view of the queue: River's jobs joined with the
		// catalog's records.
		qs, err := cat.Queue()
		if err != nil {
			t.Fatal(err)
		}
		if qs == nil || qs.Done != len(jobs)-1 || qs.Quarantined != 1 || qs.Total() != len(jobs) {
			t.Errorf("the catalog's view of the queue: %+v, want %d done, 1 quarantined", qs, len(jobs)-1)
		}
	})
}

// maybeRunWorker makes this test binary a queue worker process when
// ZIPIN_TEST_QUEUE is set (TestKilledWorkersDocumentIsRescued): as zipin
// worker does, it works until SIGTERM, finishing what it holds.
func maybeRunWorker() {
	u := os.Getenv("ZIPIN_TEST_QUEUE")
	if u == "" {
		return
	}
	out := os.Getenv("ZIPIN_TEST_QUEUE_OUT")
	rescue, _ := time.ParseDuration(os.Getenv("ZIPIN_TEST_RESCUE_AFTER"))
	jobs := 1
	fmt.Sscan(os.Getenv("ZIPIN_TEST_JOBS"), &jobs)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	q, err := queue.Open(ctx, u)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	// The document's time budget stays within the time a job may run
	// before it is rescued, as zipin worker requires.
	w, done, err := newWorker(u, out, jobs, rescue*3/4)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	w.RescueAfter = rescue
	if os.Getenv("ZIPIN_TEST_RIVER_DEBUG") != "" {
		w.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	err = w.Run(ctx, q)
	done()
	q.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	os.Exit(0)
}

func startWorker(t *testing.T, u, out string, jobs int, rescue time.Duration) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ZIPIN_TEST_QUEUE="+u, "ZIPIN_TEST_QUEUE_OUT="+out,
		fmt.Sprintf("ZIPIN_TEST_JOBS=%d", jobs), "ZIPIN_TEST_RESCUE_AFTER="+rescue.String())
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return cmd
}

// until polls f every 50 ms until it says done; limit only keeps a broken
// test from hanging (the test decides by what happened, not by time).
func until(t *testing.T, what string, limit time.Duration, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %s waiting for %s", limit, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestKilledWorkersDocumentIsRescued(t *testing.T) {
	testenv.Slow(t, "waits for River's leader lease and rescuer, up to a minute")
	u := testenv.PostgreSQL(t)
	ctx := context.Background()
	q := open(t, u)
	release := filepath.Join(t.TempDir(), "release")
	// The held document is held in its child until release exists: the
	// worker that takes it is killed while it is in hand.
	heldDoc := "青山县卫生健康局2022年度部门整体支出绩效自评报告\n一、部门基本情况\n年度预算资金 120 万元，执行率 98.5%。\n" +
		isolatetest.Wait + release + "\n"
	all := fixtures(t, map[string]string{"held.txt": heldDoc})
	var first queue.ExtractArgs
	var rest []queue.ExtractArgs
	for _, j := range all {
		if filepath.Base(j.Path) == "held.txt" {
			first = j
		} else {
			rest = append(rest, j)
		}
	}
	// The held document first, so the first worker (one job at a time)
	// takes it first.
	if _, err := q.Enqueue(ctx, append([]queue.ExtractArgs{first}, rest...)); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	w1 := startWorker(t, u, out, 1, time.Hour)
	host, _ := os.Hostname()
	id1 := fmt.Sprintf("%s-%d", host, w1.Process.Pid)
	until(t, "the first worker to hold the document", 2*time.Minute, func() bool {
		jobs, err := q.Jobs(ctx, 10, rivertype.JobStateRunning)
		if err != nil {
			t.Fatal(err)
		}
		return len(jobs) == 1 && jobs[0].Args.DocID == first.DocID && jobs[0].Worker == id1
	})
	if err := w1.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	w1.Wait()
	t.Logf("killed worker %s holding %s", id1, first.Path)
	if err := os.WriteFile(release, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// The killed worker's job stays running until River's rescuer (on the
	// leader, which the second worker becomes once the dead one's lease
	// ends) hands it on.
	w2 := startWorker(t, u, out, 2, 20*time.Second)
	id2 := fmt.Sprintf("%s-%d", host, w2.Process.Pid)
	var last string
	limit := 4 * time.Minute
	if d, err := time.ParseDuration(os.Getenv("ZIPIN_TEST_LIMIT")); err == nil {
		limit = d
	}
	until(t, "every job to complete", limit, func() bool {
		c, err := q.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		jobs, _ := q.Jobs(ctx, 100)
		if now := fmt.Sprint(c, jobs); now != last {
			t.Logf("%s", now)
			last = now
		}
		return c[rivertype.JobStateCompleted] == len(all)
	})
	if err := w2.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := w2.Wait(); err != nil {
		t.Errorf("the second worker, stopped by SIGTERM: %v, want exit status 0", err)
	}
	jobs, err := q.Jobs(ctx, 100, rivertype.JobStateCompleted)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		if j.Args.DocID == first.DocID && (j.Attempt != 2 || j.Worker != id2) {
			t.Errorf("the held document's job: attempt %d by %s, want attempt 2 by %s", j.Attempt, j.Worker, id2)
		}
	}
	docs, puts := held(t, out)
	for _, j := range all {
		ok := filepath.Base(j.Path) != "not-text.txt"
		if _, in := docs[j.DocID]; in != ok {
			t.Errorf("%s: in the dataset %v, want %v", j.Path, in, ok)
		}
		if want := map[bool]int{true: 1}[ok]; puts[j.DocID] != want {
			t.Errorf("%s written %d times, want %d", j.Path, puts[j.DocID], want)
		}
	}
}

// A document whose child is killed from outside on every attempt (as the
// OOM killer would) is tried MaxAttempts times by River, then quarantined
// and its job discarded.
func TestChildKilledOnEveryAttemptIsQuarantined(t *testing.T) {
	// River's retry pauses (1 s, 4 s) make it 9 s of waiting.
	testenv.Slow(t, "a document whose child is killed on each of its three attempts")
	u := testenv.PostgreSQL(t)
	ctx := context.Background()
	q := open(t, u)
	jobs := fixtures(t, map[string]string{"kill9.txt": "青山县卫生健康局2022年度部门整体支出绩效自评报告\n" + isolatetest.Kill9 + "\n"})
	var victim queue.ExtractArgs
	for _, j := range jobs {
		if filepath.Base(j.Path) == "kill9.txt" {
			victim = j
		}
	}
	if _, err := q.Enqueue(ctx, []queue.ExtractArgs{victim}); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	w, done, err := newWorker(u, out, 1, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	var mu sync.Mutex
	var attempts []pipeline.Outcome
	var finals int
	w.Done = func(o pipeline.Outcome, final bool) {
		mu.Lock()
		defer mu.Unlock()
		attempts = append(attempts, o)
		if final {
			finals++
		}
	}
	w.UntilEmpty = true
	if err := w.Run(ctx, q); err != nil {
		t.Fatal(err)
	}
	if len(attempts) != queue.DefaultMaxAttempts || finals != 1 {
		t.Fatalf("%d attempts (%d final), want %d (1 final): %+v", len(attempts), finals, queue.DefaultMaxAttempts, attempts)
	}
	last := attempts[len(attempts)-1]
	want := fmt.Sprintf("killed by signal 9 (SIGKILL), on each of %d attempts", queue.DefaultMaxAttempts)
	if last.Status != pipeline.StatusQuarantined || !last.Retryable || last.Reason != want {
		t.Errorf("last attempt: %s %q, want quarantined %q", last.Status, last.Reason, want)
	}
	c, err := q.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c[rivertype.JobStateDiscarded] != 1 || len(c) != 1 {
		t.Errorf("jobs %v, want 1 discarded", c)
	}
	cat, err := catalog.OpenURL(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	qs, err := cat.Queue()
	if err != nil {
		t.Fatal(err)
	}
	if qs.Quarantined != 1 || qs.Total() != 1 {
		t.Errorf("the catalog's view of the queue: %+v, want 1 quarantined", qs)
	}
}

// A stop (SIGTERM) lets the document in hand finish; an abort (a second
// SIGTERM) gives it up and leaves its job to be tried again.
func TestStopFinishesAndAbortGivesUpTheDocumentInHand(t *testing.T) {
	u := testenv.PostgreSQL(t)
	ctx := context.Background()
	q := open(t, u)
	dir := t.TempDir()
	doc := func(name string) string {
		return "青山县卫生健康局2022年度部门整体支出绩效自评报告\n" + name + "\n" + isolatetest.Wait + filepath.Join(dir, name) + "\n"
	}
	jobs := fixtures(t, map[string]string{"finish.txt": doc("finish"), "abandon.txt": doc("abandon")})
	inHand := map[string]queue.ExtractArgs{}
	for _, j := range jobs {
		inHand[filepath.Base(j.Path)] = j
	}
	out := t.TempDir()
	runHolding := func(name string, abort <-chan struct{}) (cancel func(), done <-chan error) {
		if _, err := q.Enqueue(ctx, []queue.ExtractArgs{inHand[name]}); err != nil {
			t.Fatal(err)
		}
		w, closeW, err := newWorker(u, out, 1, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(closeW)
		w.Abort = abort
		rctx, cancel := context.WithCancel(ctx)
		ch := make(chan error, 1)
		go func() { ch <- w.Run(rctx, q) }()
		until(t, name+" in hand", 2*time.Minute, func() bool {
			js, err := q.Jobs(ctx, 10, rivertype.JobStateRunning)
			if err != nil {
				t.Fatal(err)
			}
			return len(js) == 1 && js[0].Args.DocID == inHand[name].DocID && js[0].Worker == queue.WorkerID()
		})
		return cancel, ch
	}

	cancel, done := runHolding("finish.txt", nil)
	cancel() // SIGTERM
	if err := os.WriteFile(filepath.Join(dir, "finish"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	js, err := q.Jobs(ctx, 10, rivertype.JobStateCompleted)
	if err != nil {
		t.Fatal(err)
	}
	if len(js) != 1 || js[0].Args.DocID != inHand["finish.txt"].DocID {
		t.Errorf("after a stop: completed %+v, want finish.txt's job", js)
	}

	abort := make(chan struct{})
	cancel, done = runHolding("abandon.txt", abort)
	cancel()     // SIGTERM
	close(abort) // and again
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	js, err = q.Jobs(ctx, 10, rivertype.JobStateRetryable, rivertype.JobStateAvailable)
	if err != nil {
		t.Fatal(err)
	}
	if len(js) != 1 || js[0].Args.DocID != inHand["abandon.txt"].DocID || js[0].Attempt != 1 || len(js[0].Errors) != 1 {
		t.Errorf("after an abort: %+v, want abandon.txt's job to be tried again after 1 failed attempt", js)
	}
	docs, _ := held(t, out)
	if _, ok := docs[inHand["abandon.txt"].DocID]; ok {
		t.Errorf("the abandoned document was written")
	}
	if _, ok := docs[inHand["finish.txt"].DocID]; !ok {
		t.Errorf("the finished document was not written")
	}
}
