package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/riverqueue/river/rivertype"

	"zipin/catalog"
	"zipin/dataset"
	"zipin/internal/testenv"
	"zipin/isolate/isolatetest"
	"zipin/queue"
	"zipin/schema"
	"zipin/version"
)

// queueInputs writes four reports (distinct bytes) and one binary file
// (quarantined: not text) into a folder and returns it.
func queueInputs(t *testing.T) string {
	t.Helper()
	in := t.TempDir()
	for _, n := range []string{"report-utf8.txt", "report-gbk.txt", "report-utf16le.txt", "report-utf8-bom.txt"} {
		copyFile(t, "../../testdata/text/"+n, filepath.Join(in, n))
	}
	copyFile(t, "../../testdata/text/bad/not-text.txt", filepath.Join(in, "not-text.txt"))
	return in
}

// docsIn is how many reports rows the dataset at out holds per doc_id.
func docsIn(t *testing.T, out string) map[string]int {
	t.Helper()
	reports, err := dataset.ReadTable[schema.Report](out, schema.TableReports)
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, r := range reports {
		n[r.DocID]++
	}
	return n
}

func TestIngestWithCatalog(t *testing.T) {
	for _, db := range []string{"postgres", "sqlite"} {
		t.Run(db, func(t *testing.T) {
			u := "sqlite:" + filepath.Join(t.TempDir(), "catalog.sqlite")
			if db == "postgres" {
				u = testenv.PostgreSQL(t)
			}
			in, out := queueInputs(t), t.TempDir()
			stdout, stderr, code := run(t, "ingest", "--catalog", u, "--out", out, "--jobs", "2", in)
			// The four reports are done, each once; the binary file is
			// quarantined (exit status 1), as without --catalog.
			if code != 1 {
				t.Errorf("ingest --catalog: exit %d, want 1\n%s%s", code, stdout, stderr)
			}
			if !strings.HasPrefix(stdout, "documents: 4 ok, 0 skipped (already done), 1 quarantined, 0 failed\n") ||
				!strings.Contains(stdout, "queue:     5 enqueued, 0 already queued; now 0 waiting, 0 running, 0 retrying, 5 done, 0 discarded") {
				t.Errorf("summary:\n%s", stdout)
			}
			if !strings.Contains(stderr, "quarantined: "+filepath.Join(in, "not-text.txt")+": TXT damaged: ") {
				t.Errorf("the binary file is not listed as quarantined:\n%s", stderr)
			}
			docs := docsIn(t, out)
			if len(docs) != 4 {
				t.Errorf("dataset holds %d documents, want 4: %v", len(docs), docs)
			}
			for id, n := range docs {
				if n != 1 {
					t.Errorf("document %s has %d reports rows", id, n)
				}
			}
			// Again: the reports are in the dataset at this version and the
			// binary file was quarantined by it, so nothing is enqueued; the
			// binary file is counted apart from the 4 done.
			stdout, stderr, code = run(t, "ingest", "--catalog", u, "--out", out, in)
			if code != 0 || !strings.HasPrefix(stdout, "documents: 0 ok, 4 skipped (already done), 0 quarantined, 0 failed\n") ||
				!strings.Contains(stdout, "earlier:   1 quarantined before with this extractor version, not retried") ||
				!strings.Contains(stdout, "queue:     0 enqueued") {
				t.Errorf("second ingest: exit %d\n%s%s", code, stdout, stderr)
			}
			// zipin status reads the same database.
			stdout, stderr, code = run(t, "status", "--catalog", u)
			if code != 0 || !strings.Contains(stdout, "4") {
				t.Errorf("status --catalog: exit %d\n%s%s", code, stdout, stderr)
			}
		})
	}
}

func TestWorkerCommandStopsOnSIGTERM(t *testing.T) {
	u := testenv.PostgreSQL(t)
	in, out := queueInputs(t), t.TempDir()
	stdout, stderr, code := run(t, "ingest", "--catalog", u, "--out", out, "--enqueue-only", in)
	if code != 0 || !strings.Contains(stdout, "queue:     5 enqueued, 0 already queued; now 5 waiting") {
		t.Fatalf("ingest --enqueue-only: exit %d\n%s%s", code, stdout, stderr)
	}
	if n := len(docsIn(t, out)); n != 0 {
		t.Fatalf("--enqueue-only wrote %d documents", n)
	}
	cmd := exec.Command(zipinBin, "worker", "--catalog", u, "--out", out, "--jobs", "2")
	cmd.Env = append(os.Environ(), asZipin+"=1")
	var errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &errOut, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	q, err := queue.Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	// Decided by what happened: every job completed (the limit only keeps a
	// broken worker from hanging the test).
	deadline := time.Now().Add(3 * time.Minute)
	for {
		c, err := q.Counts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if c[rivertype.JobStateCompleted] == 5 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("jobs %v after 3 minutes; worker said:\n%s", c, errOut.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) || err != nil {
		t.Errorf("worker stopped by SIGTERM: %v, want exit status 0\n%s", err, errOut.String())
	}
	if !strings.Contains(errOut.String(), ": 4 ok, 1 quarantined, 0 failed\n") {
		t.Errorf("the worker's last line:\n%s", errOut.String())
	}
	if n := len(docsIn(t, out)); n != 4 {
		t.Errorf("dataset holds %d documents, want 4", n)
	}
}

func TestQueueCommandUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"worker"}, "worker: --catalog URL is required (postgres://… or a SQLite file)"},
		{[]string{"worker", "--catalog", "sqlite:x", "--timeout", "10m", "--rescue-after", "5m"}, "worker: --rescue-after (5m0s) must exceed --timeout (10m0s)"},
		{[]string{"ingest", "--enqueue-only", "x"}, "ingest: --enqueue-only needs --catalog"},
		{[]string{"ingest", "--catalog", "sqlite:x"}, "ingest: --catalog needs PATHs to enqueue"},
	} {
		root := newRootCommand()
		root.SetArgs(c.args)
		root.SetOut(&bytes.Buffer{})
		root.SetErr(&bytes.Buffer{})
		err := root.Execute()
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != exitUsage || err.Error() != c.want {
			t.Errorf("zipin %s: %v, want exit 2 %q", strings.Join(c.args, " "), err, c.want)
		}
	}
}

// The dataset on object storage: the same command with --out s3://…
// writes one object per table per document, each document once.
func TestIngestWithCatalogToS3(t *testing.T) {
	u, s3 := testenv.PostgreSQL(t), testenv.S3(t)
	in, out := queueInputs(t), s3.URL("out")
	stdout, stderr, code := run(t, "ingest", "--catalog", u, "--out", out, "--jobs", "2", in)
	if code != 1 || !strings.HasPrefix(stdout, "documents: 4 ok, 0 skipped (already done), 1 quarantined, 0 failed\n") {
		t.Fatalf("ingest --out %s: exit %d, want 1\n%s%s", out, code, stdout, stderr)
	}
	sink, err := dataset.OpenSink(context.Background(), out, version.Extractor)
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	want := map[string]bool{}
	for _, n := range []string{"report-utf8.txt", "report-gbk.txt", "report-utf16le.txt", "report-utf8-bom.txt"} {
		data, err := os.ReadFile(filepath.Join(in, n))
		if err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprintf("%x", sha256.Sum256(data))
		want["out/reports/"+dataset.DocFile(id)] = true
		if v, err := sink.Has(context.Background(), id); err != nil || v != version.Extractor {
			t.Errorf("%s: the dataset holds it at %q (%v), want %s", n, v, err, version.Extractor)
		}
	}
	var keys []string
	for o := range s3.Client.ListObjects(context.Background(), s3.Bucket, minio.ListObjectsOptions{Prefix: "out/reports/", Recursive: true}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		keys = append(keys, o.Key)
		if !want[o.Key] {
			t.Errorf("unexpected object %s", o.Key)
		}
	}
	if len(keys) != len(want) {
		t.Errorf("reports objects %v, want one per document (%d)", keys, len(want))
	}
}

// zipin worker killed with SIGKILL while it holds a document: a second
// zipin worker finishes it once River's rescuer hands the job on, and the
// dataset holds every document once.
func TestWorkerKilledMidDocument(t *testing.T) {
	testenv.Slow(t, "waits for River's leader lease and rescuer, up to a minute")
	u := testenv.PostgreSQL(t)
	in, out := queueInputs(t), t.TempDir()
	release := filepath.Join(t.TempDir(), "release")
	// Held in its child until release exists (isolatetest.Wait); first in
	// the walk's order, so the first worker takes it first.
	held := "青山县卫生健康局2022年度部门整体支出绩效自评报告\n一、部门基本情况\n年度预算资金 120 万元，执行率 98.5%。\n" +
		isolatetest.Wait + release + "\n"
	if err := os.WriteFile(filepath.Join(in, "held.txt"), []byte(held), 0o644); err != nil {
		t.Fatal(err)
	}
	if stdout, stderr, code := run(t, "ingest", "--catalog", u, "--out", out, "--enqueue-only", in); code != 0 {
		t.Fatalf("ingest --enqueue-only: exit %d\n%s%s", code, stdout, stderr)
	}
	ctx := context.Background()
	q, err := queue.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	start := func(args ...string) (*exec.Cmd, *bytes.Buffer) {
		cmd := exec.Command(zipinBin, append([]string{"worker", "--catalog", u, "--out", out}, args...)...)
		cmd.Env = append(os.Environ(), asZipin+"=1")
		var b bytes.Buffer
		cmd.Stdout, cmd.Stderr = &b, &b
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if cmd.ProcessState == nil {
				cmd.Process.Kill()
				cmd.Wait()
			}
		})
		return cmd, &b
	}
	// until polls; the limit only keeps a broken test from hanging.
	until := func(what string, f func() bool) {
		t.Helper()
		deadline := time.Now().Add(4 * time.Minute)
		for !f() {
			if time.Now().After(deadline) {
				c, _ := q.Counts(ctx)
				t.Fatalf("gave up waiting for %s; jobs %v", what, c)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	w1, _ := start("--jobs", "1")
	host, _ := os.Hostname()
	id1 := fmt.Sprintf("%s-%d", host, w1.Process.Pid)
	until("the first worker to hold held.txt", func() bool {
		jobs, err := q.Jobs(ctx, 10, rivertype.JobStateRunning)
		if err != nil {
			t.Fatal(err)
		}
		return len(jobs) == 1 && filepath.Base(jobs[0].Args.Path) == "held.txt" && jobs[0].Worker == id1
	})
	if err := w1.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	w1.Wait()
	if err := os.WriteFile(release, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	w2, out2 := start("--jobs", "2", "--rescue-after", "20s", "--timeout", "15s")
	until("every job to complete", func() bool {
		c, err := q.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return c[rivertype.JobStateCompleted] == 6
	})
	if err := w2.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := w2.Wait(); err != nil {
		t.Errorf("second worker, stopped by SIGTERM: %v, want exit status 0\n%s", err, out2)
	}
	jobs, err := q.Jobs(ctx, 10, rivertype.JobStateCompleted)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, j := range jobs {
		if filepath.Base(j.Args.Path) == "held.txt" {
			found = true
			if id2 := fmt.Sprintf("%s-%d", host, w2.Process.Pid); j.Attempt != 2 || j.Worker != id2 {
				t.Errorf("held.txt's job: attempt %d by %s, want attempt 2 by %s", j.Attempt, j.Worker, id2)
			}
		}
	}
	if !found {
		t.Errorf("held.txt's job is not among the completed: %+v", jobs)
	}
	docs := docsIn(t, out)
	if len(docs) != 5 {
		t.Errorf("dataset holds %d documents, want 5 (4 reports and held.txt): %v", len(docs), docs)
	}
	for id, n := range docs {
		if n != 1 {
			t.Errorf("document %s has %d reports rows, want 1", id, n)
		}
	}
}

// ingest --catalog --enqueue-only records in its run row the inputs it
// looked at: 3 paths, the hidden one ignored, 2 enqueued (none extracted
// by this process: workers do that). It used to record 0 inputs.
func TestEnqueueOnlyRunCountsItsInputs(t *testing.T) {
	in := t.TempDir()
	for _, n := range []string{"report-utf8.txt", "report-gbk.txt"} {
		copyFile(t, "../../testdata/text/"+n, filepath.Join(in, n))
	}
	copyFile(t, "../../testdata/text/report-utf8.txt", filepath.Join(in, ".hidden.txt"))
	q := filepath.Join(t.TempDir(), "queue.sqlite")
	stdout, stderr, code := run(t, "ingest", "--catalog", q, "--out", t.TempDir(), "--enqueue-only", in)
	if code != 0 || !strings.Contains(stdout, "queue:     2 enqueued, 0 already queued") {
		t.Fatalf("ingest --enqueue-only: exit %d\n%s%s", code, stdout, stderr)
	}
	cat, err := catalog.OpenURLReadOnly(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	runs, err := cat.Runs(5)
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs %+v, %v", runs, err)
	}
	if r := runs[0]; r.Inputs != 3 || r.Ignored != 1 || r.Skipped != 0 || r.Extracted != 0 || r.Quarantined != 0 {
		t.Errorf("run row: %d inputs, %d ignored, %d skipped, %d extracted, %d quarantined; want 3, 1, 0, 0, 0",
			r.Inputs, r.Ignored, r.Skipped, r.Extracted, r.Quarantined)
	}
}

// A worker whose --out names a bucket that does not exist stops at once
// with exit status 2 (a configuration error, nothing written), naming it.
func TestWorkerMissingBucket(t *testing.T) {
	srv := testenv.S3(t)
	q := filepath.Join(t.TempDir(), "queue.sqlite")
	typo := srv.Bucket + "-typo"
	stdout, stderr, code := run(t, "worker", "--catalog", q, "--out", "s3://"+typo+"/out")
	if code != 2 || !strings.Contains(stderr, "bucket "+typo+" does not exist at "+srv.Endpoint+": check the name in --out") ||
		!strings.Contains(stderr, "aws s3 mb s3://"+typo+" --endpoint-url "+srv.Endpoint) {
		t.Errorf("worker --out a missing bucket: exit %d, want 2\n%s%s", code, stdout, stderr)
	}
}
