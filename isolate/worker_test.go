package isolate_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"zipin/isolate"
	"zipin/isolate/isolatetest"
)

func TestMain(m *testing.M) {
	isolatetest.Install()
	os.Exit(m.Run())
}

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const report = "某某单位2023年度部门整体支出绩效自评报告\n一、基本情况\n全年预算数100.00万元，全年执行数95.00万元，预算执行率95%。\n"

func TestWorkerExtractsAndSurvivesBadDocuments(t *testing.T) {
	w := isolate.NewWorker(isolate.Config{MemoryLimit: 256 << 20})
	defer w.Close()
	ctx := context.Background()

	good := write(t, "good.txt", report)
	r, err := w.Do(ctx, isolate.Request{Path: good}, 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if r.Unreadable != "" || r.Err != "" || r.Doc == nil || len(r.Doc.Pages) == 0 {
		t.Fatalf("good document: %+v", r)
	}
	if len(r.DocID) != 64 || r.Size != int64(len(report)) {
		t.Fatalf("doc id %q size %d", r.DocID, r.Size)
	}
	if r.PeakRSSKB <= 0 {
		t.Errorf("no peak RSS reported")
	}

	start := time.Now()
	r, err = w.Do(ctx, isolate.Request{Path: write(t, "loop.txt", report+isolatetest.Loop)}, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if r.Unreadable != "exceeded 1s (time budget per document)" {
		t.Fatalf("looping document: %+v", r)
	}
	// The budget is 1 s; the kill and the reaping that follow are quick,
	// but at load 10 on 2 cores they may take seconds: only a budget not
	// honoured at all (the loop never ends) runs past a minute.
	if d := time.Since(start); d > time.Minute {
		t.Errorf("timeout took %s", d)
	}

	r, err = w.Do(ctx, isolate.Request{Path: write(t, "crash.txt", report+isolatetest.Crash)}, 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.Unreadable, "worker crashed (exit status 3)") {
		t.Fatalf("crashing document: %+v", r)
	}

	// The worker comes back for the next document.
	r, err = w.Do(ctx, isolate.Request{Path: good}, 20*time.Second)
	if err != nil || r.Doc == nil {
		t.Fatalf("after a crash: %+v %v", r, err)
	}
	if w.Starts != 3 {
		t.Errorf("starts = %d, want 3 (first, after the timeout, after the crash)", w.Starts)
	}
}

func TestWorkerMemoryCap(t *testing.T) {
	w := isolate.NewWorker(isolate.Config{MemoryLimit: 256 << 20})
	defer w.Close()
	start := time.Now()
	r, err := w.Do(context.Background(), isolate.Request{Path: write(t, "alloc.txt", report+isolatetest.Alloc)}, 60*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if r.Unreadable != "exceeded 256 MB (worker memory limit)" || r.Retryable {
		t.Fatalf("allocating document: %+v", r)
	}
	t.Logf("killed after %s: %s", time.Since(start), r.Unreadable)
	// The same cap leaves an ordinary document room to be read.
	r, err = w.Do(context.Background(), isolate.Request{Path: write(t, "good.txt", report)}, 20*time.Second)
	if err != nil || r.Doc == nil {
		t.Fatalf("good document under the cap: %+v %v", r, err)
	}
	t.Logf("peak RSS of a child reading a small document: %d KiB", r.PeakRSSKB)
}

func TestWorkerRestartsEveryNDocuments(t *testing.T) {
	w := isolate.NewWorker(isolate.Config{MaxDocs: 2})
	defer w.Close()
	p := write(t, "good.txt", report)
	for i := 0; i < 5; i++ {
		r, err := w.Do(context.Background(), isolate.Request{Path: p}, 20*time.Second)
		if err != nil || r.Doc == nil {
			t.Fatalf("doc %d: %+v %v", i, r, err)
		}
	}
	if w.Starts != 3 {
		t.Errorf("starts = %d, want 3 for 5 documents at 2 per child", w.Starts)
	}
}

func TestWorkerRefusesFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.txt")
	if err := mkfifo(fifo); err != nil {
		t.Skip("mkfifo:", err)
	}
	w := isolate.NewWorker(isolate.Config{})
	defer w.Close()
	r, err := w.Do(context.Background(), isolate.Request{Path: fifo}, 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Err, "not a regular file") {
		t.Fatalf("fifo: %+v", r)
	}
}

// A child killed from outside (the OOM killer, an operator) says so, and the
// answer is marked for a retry: nothing is proven about the document.
func TestWorkerKilledFromOutsideIsRetryable(t *testing.T) {
	w := isolate.NewWorker(isolate.Config{})
	defer w.Close()
	p := write(t, "good.txt", report)
	if r, err := w.Do(context.Background(), isolate.Request{Path: p}, 20*time.Second); err != nil || r.Doc == nil {
		t.Fatalf("first document: %+v %v", r, err)
	}
	pid := w.PID()
	// The child loops for ever on this document, so whenever the kill
	// lands (before the request is read, or during the work) the answer
	// cannot come without it; a document that merely took a while could
	// be answered before a slow machine ran the kill.
	loop := write(t, "loop.txt", report+isolatetest.Loop)
	go func() { _ = syscall.Kill(pid, syscall.SIGKILL) }()
	r, err := w.Do(context.Background(), isolate.Request{Path: loop}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if r.Unreadable != "killed by signal 9 (SIGKILL)" || !r.Retryable {
		t.Fatalf("killed child: %+v", r)
	}
	if r, err := w.Do(context.Background(), isolate.Request{Path: write(t, "slow.txt", report+isolatetest.Slow)}, 60*time.Second); err != nil || r.Doc == nil {
		t.Fatalf("retry: %+v %v", r, err)
	}
}

func TestOneLine(t *testing.T) {
	for in, want := range map[string]string{
		"a\nb\r\n  c":        "a | b | c",
		"bad \x00\xff bytes": "bad ?? bytes",
		"trailing\n":         "trailing",
		"长长的原因":              "长长…",
	} {
		max := 100
		if in == "长长的原因" {
			max = 2
		}
		if got := isolate.OneLine(in, max); got != want {
			t.Errorf("OneLine(%q) = %q, want %q", in, got, want)
		}
	}
}
