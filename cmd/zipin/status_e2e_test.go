package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"zipin/catalog"
	"zipin/dataset"
	"zipin/isolate/isolatetest"
	"zipin/schema"
)

// A hidden file in an ingested folder is listed, not silently dropped; a
// run that died stays "running" only while it holds the lock; status reads
// a catalog it cannot write.
func TestStatusListsIgnoredAndKilledReadOnly(t *testing.T) {
	root := t.TempDir()
	in, out := filepath.Join(root, "in"), filepath.Join(root, "out")
	if err := os.MkdirAll(in, 0o755); err != nil {
		t.Fatal(err)
	}
	report := "某县民政局2023年度部门整体支出绩效自评报告\n全年预算数100.00万元，全年执行数95.00万元，预算执行率95%。\n"
	for name, text := range map[string]string{"a.txt": report, ".draft.txt": report + "草稿\n"} {
		if err := os.WriteFile(filepath.Join(in, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	stdout, stderr, code := run(t, "ingest", "--out", out, in)
	if code != 0 {
		t.Fatalf("ingest: exit %d\n%s\n%s", code, stdout, stderr)
	}
	hidden := filepath.Join(in, ".draft.txt") + `: hidden name (starts with "."); name it on the command line to ingest it`
	if !strings.Contains(stdout, "ignored:   1 inputs by name or content") || !strings.Contains(stderr, "ignored: "+hidden) || !strings.Contains(stdout, "dataset:   1 documents") {
		t.Errorf("summary does not list the hidden file:\n%s\n%s", stdout, stderr)
	}
	// A run that never finished, as kill -9 leaves it.
	cat, err := catalog.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	dead, err := cat.StartRun("0", 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.Begin(dead, "feedface", "/reports/stuck.pdf", false); err != nil {
		t.Fatal(err)
	}
	cat.Close()

	// Read-only for status: another user (root ignores permissions), with
	// no write access to the folder or the catalog.
	for _, p := range []string{root, in, out} {
		if err := os.Chmod(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := filepath.Walk(out, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			err = os.Chmod(p, 0o444)
		} else if err == nil {
			err = os.Chmod(p, 0o555)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer filepath.Walk(out, func(p string, fi os.FileInfo, err error) error { return os.Chmod(p, 0o755) })
	for d := filepath.Dir(root); d != "/"; d = filepath.Dir(d) {
		if st, err := os.Stat(d); err == nil && st.Mode().Perm()&0o005 != 0o005 && os.Geteuid() == 0 {
			_ = os.Chmod(d, st.Mode().Perm()|0o005) // t.TempDir's parent is 0700
			defer os.Chmod(d, st.Mode().Perm())
		}
	}
	bin := zipinBin
	if os.Geteuid() == 0 {
		// The test binary's folder is private to root: run a copy.
		bin = filepath.Join(root, "zipin")
		b, err := os.ReadFile(zipinBin)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(bin, b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bin, "status", out)
	cmd.Env = append(os.Environ(), asZipin+"=1", "HOME=/")
	if os.Geteuid() == 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	}
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Run(); err != nil {
		t.Fatalf("status on a read-only catalog: %v\n%s\n%s", err, o.String(), e.String())
	}
	if !strings.Contains(o.String(), "  "+hidden) {
		t.Errorf("status does not list the ignored input:\n%s", o.String())
	}
	if !strings.Contains(o.String(), "left in progress by a run that died") || !strings.Contains(o.String(), "  /reports/stuck.pdf (run 2, attempt 1)") {
		t.Errorf("status does not show the document the dead run had in hand:\n%s", o.String())
	}
	// A run's row in the state running (the queue's own "running" line,
	// since the import's documents are jobs, is a count of jobs).
	runningRun := regexp.MustCompile(`(?m)^\d+ +\S+ +running `)
	if !strings.Contains(o.String(), "2    ") || !strings.Contains(o.String(), "killed") || runningRun.MatchString(o.String()) {
		t.Errorf("status shows the dead run as running:\n%s", o.String())
	}
}

// A dataset another run is writing gives 75 to ingest and compact
// (EX_TEMPFAIL: try later), not the usage or the run-time failure status.
func TestBusyAndUsageExitStatus(t *testing.T) {
	out := t.TempDir()
	unlock, err := dataset.Lock(out)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	_, stderr, code := run(t, "ingest", "--out", out)
	if code != 75 || !strings.Contains(stderr, "another zipin process is writing it") {
		t.Errorf("ingest into a locked dataset: exit %d, %s; want 75", code, stderr)
	}
	// The per-document writers too: their Sink's shared lock is refused
	// while a batch writer holds the folder.
	q := "sqlite:" + filepath.Join(t.TempDir(), "q.sqlite")
	for _, args := range [][]string{
		{"worker", "--catalog", q, "--out", out},
		{"ingest", "--catalog", q, "--out", out, "--enqueue-only", "../../testdata/text/varied"},
	} {
		if _, stderr, code := run(t, args...); code != 75 || !strings.Contains(stderr, "another zipin process is writing it") {
			t.Errorf("%s into a locked dataset: exit %d, %s; want 75", strings.Join(args, " "), code, stderr)
		}
	}
	// compact needs a dataset: the built-in samples, then the lock.
	ds := t.TempDir()
	if _, stderr, code := run(t, "ingest", "--out", ds); code != 0 {
		t.Fatalf("ingest of the samples: exit %d, %s", code, stderr)
	}
	unlockDS, err := dataset.Lock(ds)
	if err != nil {
		t.Fatal(err)
	}
	defer unlockDS()
	if _, stderr, code := run(t, "compact", "--out", ds); code != 75 || !strings.Contains(stderr, "another zipin process is writing it") {
		t.Errorf("compact of a locked dataset: exit %d, %s; want 75", code, stderr)
	}
	if _, _, code := run(t, "status", "a", "b"); code != exitUsage {
		t.Errorf("status with two folders: exit %d, want %d", code, exitUsage)
	}
	if _, _, code := run(t, "nosuchcommand"); code != exitUsage {
		t.Errorf("unknown command: exit %d, want %d", code, exitUsage)
	}
}

// Ctrl-C while a worker is stuck in a document: zipin stops at once with
// the interrupted status, what was finished is committed, and the summary
// says what the dataset holds.
func TestInterruptedIngestExitStatus(t *testing.T) {
	root := t.TempDir()
	in, out := filepath.Join(root, "in"), filepath.Join(root, "out")
	if err := os.MkdirAll(in, 0o755); err != nil {
		t.Fatal(err)
	}
	report := "某县民政局2023年度部门整体支出绩效自评报告\n全年预算数100.00万元，全年执行数95.00万元，预算执行率95%。\n"
	for name, text := range map[string]string{"a.txt": report, "b-loop.txt": report + isolatetest.Loop} {
		if err := os.WriteFile(filepath.Join(in, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(zipinBin, "ingest", "--out", out, "--timeout", "1h", "--jobs", "2", "--commit-every", "100ms", "--progress", "none", in)
	cmd.Env = append(os.Environ(), asZipin+"=1")
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// Until a.txt is committed and b-loop.txt is in a worker's hands.
	for {
		select {
		case err := <-exited:
			t.Fatalf("ingest ended (%v) early:\n%s\n%s", err, o.String(), e.String())
		case <-time.After(50 * time.Millisecond):
		}
		rows, _ := dataset.ReadTable[schema.Report](out, schema.TableReports)
		if len(rows) != 1 {
			continue
		}
		cat, err := catalog.OpenReadOnly(out)
		if err != nil {
			continue
		}
		u, _ := cat.Unfinished()
		cat.Close()
		if len(u) == 1 {
			break
		}
	}
	sent := time.Now()
	_ = cmd.Process.Signal(os.Interrupt)
	err := <-exited
	t.Logf("exited %s after SIGINT", time.Since(sent).Round(time.Millisecond))
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Errorf("exit %v, want %d\n%s\n%s", err, exitInterrupted, o.String(), e.String())
	}
	if !strings.Contains(o.String(), "dataset:   1 documents") || !strings.Contains(e.String(), "interrupted") {
		t.Errorf("summary:\n%s\n%s", o.String(), e.String())
	}
}
