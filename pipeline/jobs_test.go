package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"zipin/catalog"
	"zipin/isolate/isolatetest"
	"zipin/queue"
	"zipin/schema"
)

// job is a row of River's job table in a dataset's catalog database.
type job struct {
	ID      int64
	State   string
	DocID   string
	Attempt int
}

// jobsOf reads the default import's jobs from DIR/_catalog.sqlite, oldest first.
func jobsOf(t *testing.T, dir string) []job {
	t.Helper()
	jobs, err := readJobs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return jobs
}

func readJobs(dir string) ([]job, error) {
	cat, err := catalog.OpenReadOnly(dir)
	if err != nil {
		return nil, err
	}
	defer cat.Close()
	rows, err := cat.DB().Query(`SELECT id, state, json_extract(args, '$.doc_id'), attempt FROM river_job WHERE kind = 'zipin_extract' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []job
	for rows.Next() {
		var j job
		if err := rows.Scan(&j.ID, &j.State, &j.DocID, &j.Attempt); err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// jobStates counts jobs by state, and says whether any doc_id has two.
func jobStates(jobs []job) (map[string]int, bool) {
	n, seen, twice := map[string]int{}, map[string]bool{}, false
	for _, j := range jobs {
		n[j.State]++
		twice = twice || seen[j.DocID]
		seen[j.DocID] = true
	}
	return n, twice
}

// A run killed with SIGKILL while a document is in hand leaves its job
// running; the next run takes that same job up at once (no waiting for
// River's rescue), and the dataset ends as an uninterrupted run's, each
// document once, each job completed once.
func TestKilledRunsJobIsTakenUpByTheNextRun(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in")
	paths := corpus(t, in, 5)
	release := filepath.Join(t.TempDir(), "release")
	held := paths[4]
	if err := os.WriteFile(held, append(mustRead(t, held), "\n"+isolatetest.Wait+release+"\n"...), 0o644); err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(t.TempDir(), "out")
	cmd := ingestChild(t, in, out)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer cmd.Process.Kill()
	// Decided by what happened: the four other documents committed and
	// their jobs completed, the held one's job running.
	var before []job
	for {
		select {
		case err := <-exited:
			t.Fatalf("the run ended before the kill: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
		// Until the run has created River's tables, there are none to read.
		jobs, err := readJobs(out)
		if n, _ := jobStates(jobs); err == nil && n["completed"] == 4 && n["running"] == 1 {
			before = jobs
			break
		}
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	<-exited
	var heldJob job
	for _, j := range before {
		if j.State == "running" {
			heldJob = j
		}
	}

	if err := os.WriteFile(release, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := ingestChild(t, in, out).Wait(); err != nil {
		t.Fatalf("resumed run: %v", err)
	}
	after := jobsOf(t, out)
	n, twice := jobStates(after)
	if len(after) != len(paths) || n["completed"] != len(paths) || twice {
		t.Errorf("jobs after the resumed run: %+v, want %d, each completed, one per document", after, len(paths))
	}
	for _, j := range after {
		if j.DocID == heldJob.DocID && (j.ID != heldJob.ID || j.Attempt != 2) {
			t.Errorf("the held document's job is %+v, want job %d taken up again (attempt 2)", j, heldJob.ID)
		}
	}
	cat, err := catalog.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	q, err := cat.Queue()
	cat.Close()
	if err != nil || q == nil || q.Done != len(paths) || q.Total() != len(paths) {
		t.Errorf("zipin status's queue: %+v %v, want %d done", q, err, len(paths))
	}

	ref := filepath.Join(t.TempDir(), "ref")
	if _, err := Ingest(context.Background(), Options{Out: ref, Jobs: 2, Timeout: time.Minute}, []string{in}); err != nil {
		t.Fatal(err)
	}
	got, want := snapshot(t, out), snapshot(t, ref)
	for _, table := range schema.Tables {
		if !reflect.DeepEqual(got[table], want[table]) {
			t.Errorf("table %s differs from an uninterrupted run's: %d rows, want %d", table, len(got[table]), len(want[table]))
		}
	}
}

// A scale-out queue kept in the dataset's catalog file (ingest --catalog
// DIR --out OTHER) is not the default import's: its jobs are neither
// handed back, worked nor cancelled, and do not stand in for the import's
// own job of the same document.
func TestDefaultImportLeavesAScaleOutQueueAlone(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in")
	paths := corpus(t, in, 2)
	out := filepath.Join(t.TempDir(), "out")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	q, err := queue.Open(context.Background(), filepath.Join(out, catalog.FileName))
	if err != nil {
		t.Fatal(err)
	}
	other := queue.ExtractArgs{Path: "/elsewhere/x.pdf", DocID: strings.Repeat("e", 64), Size: 1}
	sum0 := sha256.Sum256(mustRead(t, paths[0]))
	same := queue.ExtractArgs{Path: "/elsewhere/copy.txt", DocID: hex.EncodeToString(sum0[:]), Size: 1}
	if _, err := q.Enqueue(context.Background(), []queue.ExtractArgs{other, same}); err != nil {
		t.Fatal(err)
	}
	q.Close()
	sum, err := Ingest(context.Background(), Options{Out: out, Jobs: 2, Timeout: time.Minute}, []string{in})
	if err != nil || sum.Count(StatusOK) != len(paths) {
		t.Fatalf("ingest: %v, %d ok, want %d", err, sum.Count(StatusOK), len(paths))
	}
	n, _ := jobStates(jobsOf(t, out))
	if n["available"] != 2 || n["completed"] != len(paths) || len(n) != 2 {
		t.Errorf("jobs %v, want the 2 scale-out jobs still available beside %d completed", n, len(paths))
	}
}
