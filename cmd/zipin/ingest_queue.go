package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/riverqueue/river/rivertype"

	"zipin/catalog"
	"zipin/pipeline"
	"zipin/queue"
	"zipin/version"
)

// runIngestQueue is zipin ingest --catalog URL: it identifies the files
// under args (hashing each: a job is unique per doc_id), leaves out what the
// dataset holds at this extractor version and what this version quarantined
// before (unless --force / --retry-quarantined), enqueues the rest, and
// unless --enqueue-only works on the queue until it is empty.
func runIngestQueue(ctx context.Context, s streams, opts ingestOptions, args []string) error {
	if err := checkQueueFlags("ingest", opts.Catalog, opts.Jobs, opts.Timeout, opts.RescueAfter); err != nil {
		return err
	}
	if opts.MemoryLimitMB > 0 {
		debug.SetMemoryLimit(opts.MemoryLimitMB << 20) // as ingest without --catalog
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	qw, err := openQueueWorker(ctx, s, workerOptions{Catalog: opts.Catalog, Out: opts.Out, Jobs: opts.Jobs,
		Isolate:     pipeline.Isolation(opts.Isolate),
		RescueAfter: opts.RescueAfter, Timeout: opts.Timeout, WorkerMemoryMB: opts.WorkerMemoryMB,
		MaxInputMB: opts.MaxInputMB, MaxFactsPerPage: opts.MaxFactsPerPage, Verbose: opts.Verbose, named: args})
	if err != nil {
		return openErr(err)
	}
	defer qw.close()

	e, err := enqueue(ctx, s, qw, opts, args)
	if err != nil {
		if ctx.Err() != nil {
			return &exitError{code: exitInterrupted, err: errors.New("ingest: interrupted while enqueuing; what was enqueued stays queued")}
		}
		return &exitError{code: exitFailure, err: err}
	}
	if !opts.EnqueueOnly {
		// Progress counts towards the jobs this run added; other workers
		// may take some of them, and this one may take others' jobs.
		rep := newReporter(s.stderr, progressMode(s, opts), opts.LogFormat, opts.LogInterval)
		qw.tally.progress, qw.tally.total, qw.tally.start = rep.update, e.Added, time.Now()
		qw.w.UntilEmpty = true
		abort, release := abortOnSecondSignal(ctx, s.stderr, "ingest")
		qw.w.Abort = abort
		err := qw.w.Run(ctx, qw.q)
		release()
		rep.finish(e.totals(qw.tally))
		if err != nil {
			return &exitError{code: exitFailure, err: err}
		}
	}
	c, err := qw.q.Counts(context.WithoutCancel(ctx))
	if err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	n := e.totals(qw.tally)
	w := s.stdout
	// The first three lines are those of zipin ingest without --catalog.
	fmt.Fprintf(w, "documents: %d ok, %d skipped (already done), %d quarantined, %d failed\n",
		n.OK, n.Skipped-n.QuarantinedBefore, n.Quarantined, n.Failed)
	fmt.Fprintf(w, "facts:     %d\n", n.Facts)
	fmt.Fprintf(w, "output:    %s\n", opts.Out)
	printQuarantinedBefore(w, n.QuarantinedBefore)
	fmt.Fprintf(w, "queue:     %d enqueued, %d already queued; now %d waiting, %d running, %d retrying, %d done, %d discarded (%s)\n",
		e.Added, e.Duplicates, c[rivertype.JobStateAvailable]+c[rivertype.JobStateScheduled]+c[rivertype.JobStatePending],
		c[rivertype.JobStateRunning], c[rivertype.JobStateRetryable], c[rivertype.JobStateCompleted], c[rivertype.JobStateDiscarded], qw.cat.Path)
	if opts.EnqueueOnly {
		fmt.Fprintf(w, "work:      zipin worker --catalog URL --out %s  (on any machine that sees the inputs)\n", opts.Out)
	} else {
		qw.tally.print(s.stderr, "ingest (worker "+queue.WorkerID()+")")
	}
	switch {
	case ctx.Err() != nil:
		return &exitError{code: exitInterrupted, err: errors.New("ingest: interrupted; the documents in hand were finished, the rest stay queued")}
	case n.Quarantined+n.Failed > 0:
		return &exitError{code: exitPartial}
	}
	return nil
}

// enqueued is what enqueue did.
type enqueued struct {
	queue.Enqueued
	skipped     int // in the dataset already, quarantined before, or a copy
	quarantined int // refused before any work (unreadable path, too large)
	ignored     int // left out by name (hidden, the catalog)
	inputs      int // every path looked at: enqueued, skipped, ignored or refused
	// quarantinedBefore counts, among skipped, those this extractor
	// version quarantined in an earlier run.
	quarantinedBefore int
}

// totals is what this run did, as its summary and its last progress line
// print it: the documents this process worked on (t) and the inputs it
// left out while enqueuing (skipped, ignored, refused: counted quarantined).
func (e enqueued) totals(t *tally) pipeline.Progress {
	t.mu.Lock()
	defer t.mu.Unlock()
	p := pipeline.Progress{Skipped: e.skipped, Ignored: e.ignored, Quarantined: e.quarantined, QuarantinedBefore: e.quarantinedBefore}
	for _, o := range t.outcomes {
		p.Add(o)
	}
	return p
}

// enqueue identifies the files under args and enqueues those to do.
func enqueue(ctx context.Context, s streams, qw *queueWorker, opts ingestOptions, args []string) (enqueued, error) {
	var e enqueued
	files, problems := pipeline.Collect(args)
	var inputs []catalog.Input
	// The run row counts what was looked at, as ingest without --catalog
	// does, not only the documents this process then worked on.
	defer func() { qw.tally.setEnqueued(e) }()
	note := func(o pipeline.Outcome) {
		e.inputs++
		switch o.Status {
		case pipeline.StatusQuarantined, pipeline.StatusFailed:
			e.quarantined++
			fmt.Fprintf(s.stderr, "%s: %s: %s\n", o.Status, o.Source, o.Reason)
		case pipeline.StatusIgnored:
			e.ignored++
			fmt.Fprintf(s.stderr, "ignored: %s: %s\n", o.Source, o.Reason)
		case pipeline.StatusSkipped:
			e.skipped++
			if o.QuarantinedBefore() {
				e.quarantinedBefore++
			}
			if opts.Verbose {
				fmt.Fprintf(s.stderr, "skipped %s %s\n", o.Source, o.Reason)
			}
			return
		}
		inputs = append(inputs, catalog.Input{Path: o.Source, Status: o.Status, Reason: o.Reason})
	}
	for _, p := range problems {
		note(p)
	}
	settled := map[string]catalog.Doc{}
	if !opts.Force && !opts.RetryQuarantined {
		var err error
		if settled, err = qw.cat.Settled(version.Extractor); err != nil {
			return e, err
		}
	}
	// Jobs go in as they are found, a batch at a time: running workers
	// start on the first while the rest are hashed, the jobs held here stay
	// few on millions of files, and an interrupted enqueue keeps what it
	// enqueued.
	var jobs []queue.ExtractArgs
	flush := func(ctx context.Context) error {
		if len(inputs) > 0 {
			if err := qw.cat.Record(qw.tally.runID, nil, inputs); err != nil {
				return err
			}
			inputs = inputs[:0]
		}
		if len(jobs) > 0 {
			n, err := qw.q.Enqueue(ctx, jobs)
			e.Added, e.Duplicates = e.Added+n.Added, e.Duplicates+n.Duplicates
			if err != nil {
				return err
			}
			jobs = jobs[:0]
		}
		return nil
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			_ = flush(context.WithoutCancel(ctx))
			return e, err
		}
		o, final := qw.docs.Identify(ctx, f)
		if !final && !opts.Force {
			v, err := qw.sinks[0].Has(ctx, o.DocID)
			if err != nil {
				return e, err
			}
			if v == version.Extractor {
				o.Status, o.Reason, final = pipeline.StatusSkipped, "already in the dataset", true
			} else if d, ok := settled[o.DocID]; ok {
				o.Status, o.Reason, final = pipeline.StatusSkipped, pipeline.ReasonQuarantinedBefore+d.Reason, true
			}
		}
		if final {
			note(o)
			continue
		}
		// Absolute: a worker elsewhere, or started in another folder,
		// reads the same path.
		abs, err := filepath.Abs(f)
		if err != nil {
			return e, err
		}
		e.inputs++
		jobs = append(jobs, queue.ExtractArgs{Path: abs, DocID: o.DocID, Size: o.Size})
		if len(jobs) >= enqueueBatch {
			if err := flush(ctx); err != nil {
				return e, err
			}
		}
	}
	return e, flush(ctx)
}

// enqueueBatch is how many jobs ingest --catalog adds at once.
const enqueueBatch = 500
