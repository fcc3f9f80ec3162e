// Package worker is the worker of an import spread over processes and
// machines (zipin worker, zipin ingest --catalog, the harvester's queue): a
// River worker of package queue's KindExtract jobs that extracts each
// document in an isolated child process (pipeline.Documents), writes its
// rows through a Sink, and records it in the catalog and completes the job
// in one transaction (Worker.record, Worker.prepare). It is apart from package queue because the import of one machine
// (pipeline.Ingest) runs its documents as jobs of the same queue, so
// pipeline uses queue, and this worker uses pipeline.
package worker

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"zipin/catalog"
	"zipin/isolate"
	"zipin/pipeline"
	"zipin/queue"
	"zipin/schema"
	"zipin/version"
)

// Sink is where a worker writes a document's rows: dataset.Sink (a local
// folder or object storage). Writing a document again replaces its rows,
// which is what makes a job done twice harmless.
type Sink interface {
	// PutDocument writes the rows of one document (every row of b has the
	// same doc_id), replacing any it held.
	PutDocument(ctx context.Context, b *schema.Batch) error
	// Has reports the extractor version the dataset holds docID at ("" if absent).
	Has(ctx context.Context, docID string) (string, error)
}

// Recorder is where a worker records what became of each document: the
// catalog (catalog.Catalog), in the queue's database (opened on the same
// URL), so that recording a document and completing its job are one
// transaction (RecordWith with River's JobCompleteTx).
type Recorder interface {
	RecordWith(ctx context.Context, runID int64, docs []catalog.Doc, also catalog.Also) error
	// Driver is "postgres" or "sqlite": the transaction's type RecordWith
	// lends, which must be the queue's.
	Driver() string
	// DB is the database, in which Run checks for River's tables.
	DB() *sql.DB
}

// Worker does jobs: it is the River worker of KindExtract.
type Worker struct {
	// Docs extracts documents, each in a worker child. Its Options.Retries
	// should be negative: a child killed from outside is retried by River
	// (MaxAttempts), perhaps on another machine, not on the spot.
	Docs *pipeline.Documents
	// Sinks receive the rows of each document extracted; a Sink is used by
	// one job at a time, so Jobs of them let Jobs documents be written at
	// once (fewer make jobs wait for one).
	Sinks []Sink
	// Catalog records each document's outcome, under run RunID; it must be
	// in the queue's database. Nil records nothing.
	Catalog Recorder
	RunID   int64
	// Jobs is the number of documents done at once (River's MaxWorkers).
	Jobs int
	// RescueAfter is River's RescueStuckJobsAfter (0: queue.DefaultRescueAfter).
	RescueAfter time.Duration
	// UntilEmpty stops Run once no job is waiting or running (zipin ingest
	// works the queue it filled until it is empty; zipin worker waits for
	// more).
	UntilEmpty bool
	// Accept, if set, judges each harvested document (a job with a
	// SourceURL: zipin harvest --catalog) once extracted, as the
	// harvester's own ingest does (harvest.AcceptReport): a reason
	// ("not a report: …") keeps a look-alike — a notice, a blank form —
	// out of the dataset, recorded skipped with the reason.
	Accept func(path string, b *schema.Batch) string
	// Done, if set, is called after each attempt with the document's
	// outcome; final is false when River will try the job again (from the
	// job's goroutine: concurrently).
	Done func(o pipeline.Outcome, final bool)
	// Abort, if set, is closed to give up the documents in hand while Run
	// stops (a second SIGTERM): their contexts are cancelled, their children
	// killed, and their jobs left for River to try again.
	Abort <-chan struct{}
	// Logger receives River's own log (nil: warnings and errors to stderr).
	Logger *slog.Logger

	mu    sync.Mutex // Catalog, when the record follows the rows (not prepare)
	sinks chan Sink
}

// worker is Worker as a river.Worker of ExtractArgs.
type worker struct {
	river.WorkerDefaults[queue.ExtractArgs]
	w *Worker
}

// Timeout is RescueAfter: a job running longer is given up here (its
// context cancelled) as River's rescuer hands it to another worker. River
// never rescues a job without a timeout, so there must be one; it should
// exceed the document's time budget (pipeline.Options.Timeout) and the
// writing of its rows, or slow documents fail here only to be retried.
func (wk worker) Timeout(*river.Job[queue.ExtractArgs]) time.Duration { return wk.w.rescueAfter() }

func (w *Worker) rescueAfter() time.Duration { return cmp.Or(w.RescueAfter, queue.DefaultRescueAfter) }

// NextRetry waits 1 s, 4 s, 9 s… between attempts (River's default waits
// attempt⁴ seconds, 81 s before a third try): a retry here follows a
// worker's death, not an overloaded service.
func (worker) NextRetry(job *river.Job[queue.ExtractArgs]) time.Time {
	return time.Now().Add(time.Duration(job.Attempt*job.Attempt) * time.Second)
}

// Work does one job: extract the document, write its rows, then record it
// and complete the job in one transaction. An unreadable document is
// recorded as quarantined and its job completes. A child killed from
// outside or a failure not of the document (the rows not written, the
// record refused) returns an error, and River tries the job again; on the
// last attempt (MaxAttempts) the document is recorded as quarantined (or
// failed) and the error makes River discard the job. A document the dataset
// holds at a newer extractor version than this worker's (a mixed fleet
// during a rolling upgrade) is left as it is: skipped, nothing written or
// recorded, the job completed.
func (wk worker) Work(ctx context.Context, job *river.Job[queue.ExtractArgs]) error {
	w := wk.w
	a := job.Args
	// Asked while the child extracts, so that it costs the job no time.
	held := w.held(ctx, a.DocID)
	o, b := w.Docs.Extract(ctx, a.Path, a.DocID)
	v := <-held
	if o.DocID != "" && o.DocID != a.DocID {
		v = <-w.held(ctx, o.DocID) // the file changed since it was enqueued
	}
	if catalog.NewerVersion(v, version.Extractor) {
		o.Status, o.Reason = pipeline.StatusSkipped, fmt.Sprintf("the dataset holds it at extractor version %s, newer than this worker's %s", v, version.Extractor)
		w.done(o, true)
		return nil
	}
	last := job.Attempt >= job.MaxAttempts
	if a.SourceURL != "" && b != nil {
		// A harvested document: its reports row says where it came from,
		// as the harvester's own ingest (pipeline.Options.SourceURLs) does.
		for i := range b.Reports {
			b.Reports[i].SourceURL = schema.Ptr(a.SourceURL)
		}
		if w.Accept != nil && o.Status == pipeline.StatusOK {
			if why := w.Accept(a.Path, b); why != "" {
				o.Status, o.Reason, b = pipeline.StatusSkipped, why, nil
			}
		}
	}
	switch {
	case o.Status == pipeline.StatusOK:
		var p *prepared
		if w.Catalog != nil && w.Catalog.Driver() == "postgres" {
			p = w.prepare(ctx, job, o, b)
		}
		err := w.put(ctx, b)
		if p != nil {
			rerr := p.commit(err)
			if err == nil {
				if rerr != nil {
					return rerr
				}
				w.done(o, true)
				return nil
			}
			// The rows failed, and the prepared transaction with them.
		}
		if err != nil {
			// Not the document's fault: another attempt, maybe elsewhere.
			o.Status, o.Reason = pipeline.StatusFailed, "rows not written: "+isolate.OneLine(err.Error(), 200)
			if !last {
				w.done(o, false)
				return fmt.Errorf("%s: %s", a.Path, o.Reason)
			}
		}
	case o.Status == pipeline.StatusQuarantined && o.Retryable && !last,
		o.Status == pipeline.StatusFailed && !last:
		// A child killed from outside or a failure not of the document:
		// River tries again (after a backoff, on whichever worker).
		w.done(o, false)
		return fmt.Errorf("%s: %s", a.Path, o.Reason)
	}
	giveUp := last && (o.Status == pipeline.StatusFailed || o.Retryable)
	if giveUp {
		// The attempts are used up: the document stays quarantined (or
		// failed, when the cause was not the document), and the job fails
		// for the last time, so River discards it.
		o.Reason = fmt.Sprintf("%s, on each of %d attempts", o.Reason, job.Attempt)
	}
	// A job given up is not completed: the error below makes River
	// discard it after the record.
	if err := w.record(ctx, job, o, b, !giveUp); err != nil {
		return err
	}
	w.done(o, true)
	if giveUp {
		return errors.New(o.Reason)
	}
	return nil
}

// put writes a document's rows through one of the Sinks.
func (w *Worker) put(ctx context.Context, b *schema.Batch) error {
	var s Sink
	select {
	case s = <-w.sinks:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { w.sinks <- s }()
	return s.PutDocument(ctx, b)
}

func (w *Worker) done(o pipeline.Outcome, final bool) {
	if w.Done != nil {
		w.Done(o, final)
	}
}

// held sends the extractor version the dataset holds docID at ("" if none)
// through one of the Sinks. An error sends "": it is no reason to fail the
// job (the rows' own writing, next, says whether the dataset is there).
func (w *Worker) held(ctx context.Context, docID string) <-chan string {
	ch := make(chan string, 1)
	go func() {
		var s Sink
		select {
		case s = <-w.sinks:
		case <-ctx.Done():
			ch <- ""
			return
		}
		defer func() { w.sinks <- s }()
		v, _ := s.Has(ctx, docID)
		ch <- v
	}()
	return ch
}

// record notes the document's outcome in the catalog (after its rows are
// written: the dataset is never behind the catalog) and, if complete,
// completes its job in the same transaction: the catalog never says done
// while the job is still running, nor the reverse. A record that fails
// leaves the job running, and Work's error has River try it again.
//
// River's JobCompleteTx takes its driver's transaction; the catalog lends
// one of its own connections' (catalog.Catalog.RecordWith) rather than
// writing through the queue's, because its PostgreSQL connections commit
// without waiting for the WAL flush, which is what keeps the record's cost
// per document small (cmd/zipin-bench -queue). A server crash may then lose
// the last commits, row and completion together, never one of the two: the
// job is rescued and done again, as when a worker dies before completing.
func (w *Worker) record(ctx context.Context, job *river.Job[queue.ExtractArgs], o pipeline.Outcome, b *schema.Batch, complete bool) error {
	if w.Catalog == nil {
		return nil
	}
	var also catalog.Also
	if complete {
		also = catalog.Also{
			Postgres: func(tx pgx.Tx) error {
				_, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
				return completing(job, err)
			},
			SQLite: func(tx *sql.Tx) error {
				_, err := river.JobCompleteTx[*riversqlite.Driver](ctx, tx, job)
				return completing(job, err)
			},
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.Catalog.RecordWith(ctx, w.RunID, []catalog.Doc{docOf(o, b)}, also)
}

// docOf is the catalog's row of a document's outcome.
func docOf(o pipeline.Outcome, b *schema.Batch) catalog.Doc {
	d := catalog.Doc{DocID: o.DocID, Source: o.Source, Size: o.Size, Format: o.Format, Status: o.Status,
		Reason: o.Reason, ExtractorVersion: version.Extractor, Read: o.Read, Extract: o.Extract,
		Analyze: o.Analyze, Pages: o.Pages, Facts: o.Facts}
	if b != nil && len(b.Reports) > 0 {
		d.Format = b.Reports[0].Format
	}
	return d
}

// prepared is a document's record and its job's completion, one
// transaction, sent while the document's rows are written and committed
// once they are (Worker.prepare).
type prepared struct {
	written chan struct{} // closed once the rows are written or failed
	err     error         // the writing's error, set before written closes
	result  chan error    // RecordWith's
}

// prepare begins, on PostgreSQL, the transaction that records a document
// whose rows are about to be written and completes its job, and leaves it
// waiting for commit. Its round trips (begin, the catalog's statements,
// River's completion query: about 2 ms on a loaded machine, most of it the
// completion) then overlap the writing of the rows, and the job's slot waits
// only for the commit. Nothing of it is visible before the commit, which
// follows the rows, so the dataset is never behind the catalog; rows that
// fail roll it back. River stamps the job's finalized_at when the
// completion is sent, so that stamp precedes the commit by up to the
// writing's time. On SQLite, which takes one writer at a time, a
// transaction held open while the rows are written would hold up every
// other writer, so there the record follows the rows (record).
func (w *Worker) prepare(ctx context.Context, job *river.Job[queue.ExtractArgs], o pipeline.Outcome, b *schema.Batch) *prepared {
	p := &prepared{written: make(chan struct{}), result: make(chan error, 1)}
	also := catalog.Also{Postgres: func(tx pgx.Tx) error {
		if _, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job); err != nil {
			return completing(job, err)
		}
		<-p.written
		return p.err
	}}
	go func() { p.result <- w.Catalog.RecordWith(ctx, w.RunID, []catalog.Doc{docOf(o, b)}, also) }()
	return p
}

// commit reports how the writing of the rows went (err) and returns the
// transaction's outcome: nil once committed, err if it rolled back for it.
func (p *prepared) commit(err error) error {
	p.err = err
	close(p.written)
	return <-p.result
}

func completing(job *river.Job[queue.ExtractArgs], err error) error {
	if err != nil {
		return fmt.Errorf("%s: completing job %d: %w", job.Args.Path, job.ID, err)
	}
	return nil
}

// checkCatalog refuses a catalog the worker cannot complete jobs in: one
// not in the queue's database.
func (w *Worker) checkCatalog(ctx context.Context, q *queue.Queue) error {
	if w.Catalog == nil {
		return nil
	}
	if (w.Catalog.Driver() == "postgres") != q.Postgres {
		return fmt.Errorf("worker: the catalog must be in the queue's database (the catalog is %s)", w.Catalog.Driver())
	}
	var n int
	if err := w.Catalog.DB().QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM river_job LIMIT 1) AS j`).Scan(&n); err != nil {
		return fmt.Errorf("worker: the catalog must be in the queue's database: %w", err)
	}
	return nil
}

// pollEmpty is how often Run with UntilEmpty looks whether the queue is
// empty: the most an ingest waits after its last document.
const pollEmpty = 200 * time.Millisecond

// Run works the queue q until ctx ends (SIGTERM: it stops claiming, finishes
// the documents in hand, and returns nil) or, with UntilEmpty, until no job
// is waiting or running. It returns an error when the worker cannot start.
func (w *Worker) Run(ctx context.Context, q *queue.Queue) error {
	if len(w.Sinks) == 0 {
		return errors.New("queue: a worker needs a Sink")
	}
	if err := w.checkCatalog(ctx, q); err != nil {
		return err
	}
	w.sinks = make(chan Sink, len(w.Sinks))
	for _, s := range w.Sinks {
		w.sinks <- s
	}
	c, err := q.Work(ctx, worker{w: w}, queue.WorkConfig{MaxWorkers: w.Jobs, RescueAfter: w.rescueAfter(), Logger: w.Logger})
	if err != nil {
		return err
	}
	if w.UntilEmpty {
		waitEmpty(ctx, q)
	} else {
		<-ctx.Done()
	}
	stopped := make(chan error, 1)
	go func() { stopped <- c.Stop(context.Background()) }()
	select {
	case err := <-stopped:
		return err
	case <-w.Abort:
		// River lets a hard stop overtake a soft one in progress.
		return c.StopAndCancel(context.Background())
	}
}

// waitEmpty returns once q has no unfinished job, or when ctx ends.
func waitEmpty(ctx context.Context, q *queue.Queue) {
	t := time.NewTicker(pollEmpty)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		// An error (the database restarting) is waited out, as River's
		// own loops do.
		if busy, err := q.Busy(ctx); err == nil && !busy {
			return
		}
	}
}
