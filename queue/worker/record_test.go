package worker

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"zipin/catalog"
	"zipin/pipeline"
	"zipin/queue"
	"zipin/version"
)

// jobOfDoc is the one job of docID.
func jobOfDoc(t *testing.T, q *queue.Queue, docID string) queue.Job {
	t.Helper()
	js, err := q.Jobs(context.Background(), 100)
	if err != nil {
		t.Error(err)
		return queue.Job{}
	}
	for _, j := range js {
		if j.Args.DocID == docID {
			return j
		}
	}
	t.Errorf("no job of %s", docID)
	return queue.Job{}
}

// byName is the job of the fixture named name.
func byName(t *testing.T, jobs []queue.ExtractArgs, name string) queue.ExtractArgs {
	t.Helper()
	for _, j := range jobs {
		if filepath.Base(j.Path) == name {
			return j
		}
	}
	t.Fatalf("no fixture %s", name)
	return queue.ExtractArgs{}
}

// TestRecordAndCompletionAreOneTransaction: by the time a worker has
// recorded a document (Done is called after the record), its job is
// completed too; River's own completer, which runs after the worker's
// slot is free, would still show it running.
func TestRecordAndCompletionAreOneTransaction(t *testing.T) {
	queues(t, func(t *testing.T, u string) {
		ctx := context.Background()
		q := open(t, u)
		jobs := fixtures(t, nil)
		if _, err := q.Enqueue(ctx, jobs); err != nil {
			t.Fatal(err)
		}
		w, done, err := newWorker(u, t.TempDir(), 1, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		defer done()
		cat := w.Catalog.(*catalog.Catalog)
		var mu sync.Mutex
		seen := map[string]bool{}
		w.Done = func(o pipeline.Outcome, final bool) {
			mu.Lock()
			defer mu.Unlock()
			seen[filepath.Base(o.Source)] = true
			if j := jobOfDoc(t, q, o.DocID); j.State != rivertype.JobStateCompleted {
				t.Errorf("%s recorded %s while its job is %s", o.Source, o.Status, j.State)
			}
			d, err := cat.Docs([]string{o.DocID})
			if err != nil {
				t.Error(err)
			} else if d[o.DocID].Status != catalog.Status(o.Status) {
				t.Errorf("%s: catalog says %q, want %s", o.Source, d[o.DocID].Status, o.Status)
			}
		}
		w.UntilEmpty = true
		if err := w.Run(ctx, q); err != nil {
			t.Fatal(err)
		}
		// Four reports and a binary file (quarantined: its job completes
		// with its record too).
		if len(seen) != len(jobs) || !seen["not-text.txt"] {
			t.Errorf("documents recorded: %v, want the %d fixtures", seen, len(jobs))
		}
	})
}

// TestRecordRefusedLeavesTheJobToRetry: the catalog refuses a document's
// record on the job's first attempt (a trigger, as a database that fails
// mid-transaction would); the job is not completed but retried, and the
// second attempt records it and completes.
func TestRecordRefusedLeavesTheJobToRetry(t *testing.T) {
	queues(t, func(t *testing.T, u string) {
		ctx := context.Background()
		q := open(t, u)
		jobs := fixtures(t, nil)
		victim := byName(t, jobs, "report-utf8.txt")
		if _, err := q.Enqueue(ctx, jobs); err != nil {
			t.Fatal(err)
		}
		out := t.TempDir()
		w, done, err := newWorker(u, out, 1, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		defer done()
		cat := w.Catalog.(*catalog.Catalog)
		// The trigger reads the attempt from River's row, which the
		// transaction has not completed yet.
		triggers := map[string][]string{
			"postgres": {`CREATE FUNCTION refuse_first() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN
					IF (SELECT attempt FROM river_job WHERE args->>'doc_id' = NEW.doc_id) = 1 THEN
						RAISE EXCEPTION 'record refused on attempt 1';
					END IF;
					RETURN NEW;
				END $$`,
				`CREATE TRIGGER refuse_first BEFORE INSERT OR UPDATE ON documents FOR EACH ROW
				WHEN (NEW.doc_id = '` + victim.DocID + `') EXECUTE FUNCTION refuse_first()`},
			"sqlite": {`CREATE TRIGGER refuse_first BEFORE INSERT ON documents
				WHEN NEW.doc_id = '` + victim.DocID + `' AND (SELECT attempt FROM river_job WHERE args ->> '$.doc_id' = NEW.doc_id) = 1
				BEGIN SELECT RAISE(ABORT, 'record refused on attempt 1'); END`},
		}
		for _, s := range triggers[cat.Driver()] {
			if _, err := cat.DB().Exec(s); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		final := map[string]bool{}
		w.Done = func(o pipeline.Outcome, f bool) {
			mu.Lock()
			defer mu.Unlock()
			final[o.DocID] = f
		}
		w.UntilEmpty = true
		if err := w.Run(ctx, q); err != nil {
			t.Fatal(err)
		}
		j := jobOfDoc(t, q, victim.DocID)
		if j.State != rivertype.JobStateCompleted || j.Attempt != 2 || len(j.Errors) != 1 || !strings.Contains(j.Errors[0], "record refused on attempt 1") {
			t.Fatalf("the refused document's job: %s, attempt %d, errors %q; want completed on attempt 2 after the refusal", j.State, j.Attempt, j.Errors)
		}
		for _, o := range jobs {
			if o == victim {
				continue
			}
			if j := jobOfDoc(t, q, o.DocID); j.State != rivertype.JobStateCompleted || j.Attempt != 1 {
				t.Errorf("%s: %s on attempt %d, want completed on attempt 1", o.Path, j.State, j.Attempt)
			}
		}
		d, err := cat.Docs([]string{victim.DocID})
		if err != nil {
			t.Fatal(err)
		}
		if d[victim.DocID].Status != catalog.StatusOK || !final[victim.DocID] {
			t.Errorf("the refused document: catalog %+v, final %v; want ok once recorded", d[victim.DocID], final[victim.DocID])
		}
		// Its rows were written on each attempt, to the same file.
		docs, puts := held(t, out)
		if puts[victim.DocID] != 2 || docs[victim.DocID].Source != victim.Path {
			t.Errorf("the refused document written %d times, dataset holds %+v; want 2, its rows once", puts[victim.DocID], docs[victim.DocID])
		}
	})
}

// TestOlderWorkerLeavesNewerDocumentAlone: a document a newer extractor
// version has done (a mixed fleet during a rolling upgrade: the dataset and
// the catalog say 99.0.0) is enqueued again and an older worker takes its
// job: it writes nothing, the catalog keeps the newer row, and the job
// completes. The other documents are done as usual.
func TestOlderWorkerLeavesNewerDocumentAlone(t *testing.T) {
	queues(t, func(t *testing.T, u string) {
		ctx := context.Background()
		q := open(t, u)
		jobs := fixtures(t, nil)
		newer := byName(t, jobs, "report-gbk.txt")
		out := t.TempDir()
		data, _ := json.Marshal(docFile{DocID: newer.DocID, Source: newer.Path, Facts: 7, Version: "99.0.0"})
		if err := os.WriteFile(filepath.Join(out, "doc-"+newer.DocID+".json"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		w, done, err := newWorker(u, out, 1, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		defer done()
		cat := w.Catalog.(*catalog.Catalog)
		run, err := cat.StartRun("99.0.0", 1)
		if err != nil {
			t.Fatal(err)
		}
		if err := cat.RecordWith(ctx, run, []catalog.Doc{{DocID: newer.DocID, Source: newer.Path, Status: catalog.StatusOK, ExtractorVersion: "99.0.0", Facts: 7}}, catalog.Also{}); err != nil {
			t.Fatal(err)
		}
		if _, err := q.Enqueue(ctx, jobs); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		outcomes := map[string]pipeline.Outcome{}
		w.Done = func(o pipeline.Outcome, final bool) {
			mu.Lock()
			defer mu.Unlock()
			outcomes[o.DocID] = o
		}
		w.UntilEmpty = true
		if err := w.Run(ctx, q); err != nil {
			t.Fatal(err)
		}
		o := outcomes[newer.DocID]
		want := "the dataset holds it at extractor version 99.0.0, newer than this worker's " + version.Extractor
		if o.Status != pipeline.StatusSkipped || o.Reason != want {
			t.Errorf("the newer document: %s %q, want skipped %q", o.Status, o.Reason, want)
		}
		docs, puts := held(t, out)
		if puts[newer.DocID] != 0 || docs[newer.DocID].Version != "99.0.0" || docs[newer.DocID].Facts != 7 {
			t.Errorf("the newer document was written over: %d puts, dataset holds %+v", puts[newer.DocID], docs[newer.DocID])
		}
		d, err := cat.Docs([]string{newer.DocID})
		if err != nil {
			t.Fatal(err)
		}
		if d[newer.DocID].ExtractorVersion != "99.0.0" || d[newer.DocID].Status != catalog.StatusOK {
			t.Errorf("the catalog's row of the newer document: %+v, want ok at 99.0.0", d[newer.DocID])
		}
		c, err := q.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c[rivertype.JobStateCompleted] != len(jobs) {
			t.Errorf("counts %v, want all %d completed", c, len(jobs))
		}
		for _, j := range jobs {
			if j.DocID != newer.DocID && filepath.Base(j.Path) != "not-text.txt" && puts[j.DocID] != 1 {
				t.Errorf("%s written %d times, want once", j.Path, puts[j.DocID])
			}
		}
	})
}

// TestRowsNotWrittenRollBackTheRecord: on PostgreSQL the record and the
// completion are sent while the rows are written; rows that fail (their
// file's name is taken by a folder) roll both back — no catalog row, the
// job not completed — and the next attempt, once the folder is gone, does
// the document.
func TestRowsNotWrittenRollBackTheRecord(t *testing.T) {
	queues(t, func(t *testing.T, u string) {
		ctx := context.Background()
		q := open(t, u)
		jobs := fixtures(t, nil)
		victim := byName(t, jobs, "report-utf16le.txt")
		out := t.TempDir()
		blocker := filepath.Join(out, "doc-"+victim.DocID+".json")
		if err := os.MkdirAll(filepath.Join(blocker, "x"), 0o755); err != nil {
			t.Fatal(err)
		}
		if _, err := q.Enqueue(ctx, jobs); err != nil {
			t.Fatal(err)
		}
		w, done, err := newWorker(u, out, 1, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		defer done()
		cat := w.Catalog.(*catalog.Catalog)
		var mu sync.Mutex
		failed := 0
		w.Done = func(o pipeline.Outcome, final bool) {
			if final || o.DocID != victim.DocID {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			failed++
			if !strings.HasPrefix(o.Reason, "rows not written: ") {
				t.Errorf("attempt failed for %q, want rows not written", o.Reason)
			}
			d, err := cat.Docs([]string{o.DocID})
			if err != nil {
				t.Error(err)
			} else if r, ok := d[o.DocID]; ok {
				t.Errorf("rows not written, yet the catalog says %s", r.Status)
			}
			if j := jobOfDoc(t, q, o.DocID); j.State != rivertype.JobStateRunning {
				t.Errorf("rows not written, yet the job is %s", j.State)
			}
			if err := os.RemoveAll(blocker); err != nil {
				t.Error(err)
			}
		}
		w.UntilEmpty = true
		if err := w.Run(ctx, q); err != nil {
			t.Fatal(err)
		}
		j := jobOfDoc(t, q, victim.DocID)
		if failed != 1 || j.State != rivertype.JobStateCompleted || j.Attempt != 2 {
			t.Fatalf("%d failed attempts, job %s on attempt %d; want 1, completed on attempt 2", failed, j.State, j.Attempt)
		}
		d, err := cat.Docs([]string{victim.DocID})
		if err != nil {
			t.Fatal(err)
		}
		if d[victim.DocID].Status != catalog.StatusOK {
			t.Errorf("catalog says %+v, want ok", d[victim.DocID])
		}
	})
}
