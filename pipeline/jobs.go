package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"zipin/isolate"
	"zipin/queue"
	"zipin/version"
)

// The import of one machine runs its documents as jobs of a River queue
// (package queue) in the dataset's catalog database, DIR/_catalog.sqlite:
// the same jobs, in the same table, as an import spread over machines
// (zipin ingest --catalog), so zipin status shows its queue the same way.
// This process hashes and decides in parallel as before (claim), enqueues
// one job per document to extract (InsertMany batches), and works the jobs
// itself: a job takes a worker child, has the document done in it, hands
// the result to the writer, and returns — completing the job — only once
// the writer has committed the batch holding its rows (rows to the
// dataset, then the catalog). A job is never completed for rows not
// written.
//
// Why wait in the job rather than complete jobs in the writer's catalog
// transaction (river.JobCompleteTx): the catalog stays free of River (its
// transaction is the catalog package's, on PostgreSQL too), and River's
// batch completer writes the completions of a whole batch at once. A kill
// between the catalog's commit and River's completion leaves jobs running
// whose documents the dataset holds; the next run, which holds the lock,
// hands them back (queue.HandBack) and completes them unworked (doneJob).
// The cost is that a job waits for its batch: River's MaxWorkers is Jobs
// plus the most documents a batch holds (jobSlots), so the children stay
// busy while finished documents wait for their commit.

// plan is this run's decisions on the documents to extract, by doc_id. A job
// is worked only for a document this run claimed: a job left by a killed run
// may be for a document this run skips (committed before the kill) or does
// not see (other paths), and working it would write its rows twice.
type plan struct {
	mu       sync.Mutex
	docs     map[string]*planned
	open     int           // planned documents whose result is not yet sent or dropped
	walked   bool          // every file has been claimed
	over     bool          // the run is ending: no document is started any more
	walkDone chan struct{} // closed when walked
	settled  chan struct{} // closed once walked and open == 0
}

// planned is a document claimed for extraction (claim's result) and its job.
type planned struct {
	res   result
	path  string
	size  int64
	taken bool // a job has it in hand (or it was dropped)
}

func newPlan() *plan {
	return &plan{docs: map[string]*planned{}, walkDone: make(chan struct{}), settled: make(chan struct{})}
}

// add plans a claimed document; false when the run is ending.
func (p *plan) add(path string, size int64, res result) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.over {
		return false
	}
	p.docs[res.o.DocID] = &planned{res: res, path: path, size: size}
	p.open++
	return true
}

// errInterrupted leaves a job unfinished for the next run: the run ended
// (SIGINT, SIGTERM, a commit error) before its document was done.
var errInterrupted = errors.New("interrupted: the run ended before the document was done; the next run takes it up")

// take gives the job of docID the planned document, waiting for the walk
// when docID is not planned yet. It returns nil with errInterrupted when
// the run is ending, and nil, nil for a job no document of this run is
// planned for once every file is claimed.
func (p *plan) take(ctx context.Context, docID string) (*planned, error) {
	for {
		p.mu.Lock()
		d, ok := p.docs[docID]
		// The run's end comes first: the documents it dropped are no longer
		// planned, and their jobs wait for the next run.
		switch {
		case p.over || ok && d.taken:
			p.mu.Unlock()
			return nil, errInterrupted
		case ok:
			d.taken = true
			p.mu.Unlock()
			return d, nil
		case p.walked:
			p.mu.Unlock()
			return nil, nil
		}
		p.mu.Unlock()
		select {
		case <-p.walkDone:
		case <-ctx.Done():
			return nil, errInterrupted
		}
	}
}

// resolve says a taken document's result was sent to the writer or
// dropped, and forgets it: the plan holds only the documents in hand or to
// do, not every one of a large run.
func (p *plan) resolve(d *planned) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.docs, d.res.o.DocID)
	p.open--
	p.check()
}

// walkEnd says every file has been claimed.
func (p *plan) walkEnd() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.walked = true
	close(p.walkDone)
	p.check()
}

// end drops the planned documents no job has taken: the run is ending, and
// they stay queued for the next run.
func (p *plan) end() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.over = true
	for id, d := range p.docs {
		if !d.taken {
			delete(p.docs, id)
			p.open--
		}
	}
	p.check()
}

func (p *plan) check() {
	if p.walked && p.open == 0 {
		select {
		case <-p.settled:
		default:
			close(p.settled)
		}
	}
}

// jobSlots is River's MaxWorkers for this run: the children, plus every job
// that may wait for its batch's commit — a batch is committed at the
// latest when it holds 4×FlushDocs documents (writer.add) — so that no
// child waits for a commit.
func (r *run) jobSlots() int {
	return min(r.opts.Jobs+4*r.opts.FlushDocs, river.QueueNumWorkersMax)
}

// startJobs claims files (opts.Jobs at once, as before the queue), sends
// the outcome of each decided without work (skipped, ignored, refused) to
// the returned channel, and enqueues a job per document to extract, which
// a River client on q works (doJob), sending each document's result to the
// same channel. The channel is closed once every file is claimed and every
// planned document's result is sent or dropped. When ctx ends, claiming
// stops, the documents in hand are cut short (their children killed) and
// dropped unrecorded, their jobs left for the next run. stop ends the
// client, waiting for the jobs in hand (their commit) and for River to write
// their completions; call it after the channel is drained, and before q is
// closed.
func (r *run) startJobs(ctx context.Context, q *queue.Queue, files []string, sum *Summary) (results <-chan result, stop func() error, err error) {
	opts := r.opts
	out := make(chan result, opts.Jobs)
	r.results, r.ctx, r.plan, r.kids = out, ctx, newPlan(), newChildren(opts)
	c, err := q.Work(ctx, river.WorkFunc(r.doJob), queue.WorkConfig{MaxWorkers: r.jobSlots(),
		// The lock, not the rescuer, tells this run that a job's worker is
		// dead (queue.HandBack at the start of the next run); a document
		// takes as long as its time budget and retries let it.
		RescueAfter: 24 * time.Hour,
		// Its own River queue in the database: a scale-out queue kept in
		// the same file (ingest --catalog DIR --out OTHER) is not this
		// run's to hand back, work or cancel.
		Queue: queue.LocalQueue})
	if err != nil {
		sum.WorkerPeakRSSKB = r.kids.close()
		return nil, nil, err
	}
	todo := make(chan string)
	queued := make(chan queue.ExtractArgs, 64)
	var claimers, inserter sync.WaitGroup
	for i := 0; i < opts.Jobs; i++ {
		claimers.Add(1)
		go func() {
			defer claimers.Done()
			for path := range todo {
				res, st, done := r.claim(ctx, path)
				if ctx.Err() != nil {
					// Cut short by the end of the run, not by the document:
					// leave it unrecorded, to be decided next time.
					return
				}
				if done {
					select {
					case out <- res:
					case <-ctx.Done():
						return
					}
					continue
				}
				if !r.plan.add(path, st.Size(), res) {
					return
				}
				select {
				case queued <- queue.ExtractArgs{Path: path, DocID: res.o.DocID, Size: st.Size(), SourceURL: opts.SourceURLs[path]}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(todo)
		for _, f := range files {
			select {
			case todo <- f:
			case <-ctx.Done():
				return
			}
		}
	}()
	inserter.Add(1)
	go func() {
		defer inserter.Done()
		r.enqueue(ctx, c, queued)
	}()
	go func() {
		<-ctx.Done()
		r.plan.end()
	}()
	go func() {
		claimers.Wait()
		close(queued)
		r.plan.walkEnd()
		<-r.plan.settled
		close(out)
	}()
	stop = func() error {
		inserter.Wait()
		err := c.Stop(context.WithoutCancel(ctx))
		sum.WorkerPeakRSSKB = r.kids.close()
		return err
	}
	return out, stop, nil
}

// insertLinger is how long the first planned document of an insert waits
// for others to join it: each InsertMany is a SQLite transaction, and wakes
// the client's fetcher for another, so one per document cost the import
// process more CPU than the rest of the queue; a few milliseconds are
// nothing beside a document's extraction.
const insertLinger = 10 * time.Millisecond

// enqueue inserts a job per planned document as they come, in one
// InsertMany for those that came within insertLinger (up to 500). A
// document whose job cannot be inserted is failed: its cause is the
// database, not the document.
func (r *run) enqueue(ctx context.Context, c *queue.Client, queued <-chan queue.ExtractArgs) {
	linger := time.NewTimer(insertLinger)
	defer linger.Stop()
	for a := range queued {
		batch := []queue.ExtractArgs{a}
		linger.Reset(insertLinger)
	more:
		for len(batch) < 500 {
			select {
			case b, ok := <-queued:
				if !ok {
					break more
				}
				batch = append(batch, b)
			case <-linger.C:
				break more
			}
		}
		if ctx.Err() != nil {
			continue // the planned documents are dropped (plan.end)
		}
		if _, err := c.Enqueue(ctx, batch); err != nil {
			for _, a := range batch {
				r.notQueued(ctx, a.DocID, err)
			}
		}
	}
}

// notQueued fails a planned document whose job could not be inserted.
func (r *run) notQueued(ctx context.Context, docID string, err error) {
	d, _ := r.plan.take(ctx, docID)
	if d == nil {
		return
	}
	defer r.plan.resolve(d)
	res := d.res
	res.o.Status, res.o.Reason = StatusFailed, "not queued: "+isolate.OneLine(err.Error(), 200)
	select {
	case r.results <- res:
	case <-ctx.Done():
	}
}

// doJob works one job: the planned document of its doc_id is done in a
// worker child (work), its result handed to the writer, and the job
// returns once the writer has committed it — nil, so River completes the
// job, or the commit's error. A job of no planned document is one a
// killed run left (doneJob).
func (r *run) doJob(jctx context.Context, job *river.Job[queue.ExtractArgs]) error {
	ctx, cancel := context.WithCancel(jctx)
	defer cancel()
	defer context.AfterFunc(r.ctx, cancel)()
	d, err := r.plan.take(ctx, job.Args.DocID)
	if err != nil {
		return err
	}
	if d == nil {
		return r.doneJob(job.Args)
	}
	w, err := r.kids.get(ctx)
	if err != nil {
		r.plan.resolve(d)
		return errInterrupted
	}
	res := r.work(ctx, w, d.path, d.size, d.res)
	r.kids.put(w)
	if ctx.Err() != nil {
		r.plan.resolve(d)
		return errInterrupted
	}
	ack := make(chan error, 1)
	res.ack = ack
	select {
	case r.results <- res:
	case <-ctx.Done():
		r.plan.resolve(d)
		return errInterrupted
	}
	r.plan.resolve(d)
	return <-ack
}

// doneJob ends a job a killed run left for a document this run did not
// claim: completed when the dataset holds the document at this extractor
// version (the killed run committed it and died before River recorded the
// job's end), else cancelled, since the inputs of this run decide what it
// does.
func (r *run) doneJob(a queue.ExtractArgs) error {
	if p, ok := r.present[a.DocID]; ok && p.ExtractorVersion == version.Extractor {
		return nil
	}
	return river.JobCancel(fmt.Errorf("%s: not among the inputs of run %d, which took over the queue of a killed run", a.Path, r.runID))
}
