package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"zipin/catalog"
	"zipin/dataset"
	"zipin/harvest"
	"zipin/isolate"
	"zipin/pipeline"
	"zipin/queue"
	"zipin/queue/worker"
	"zipin/version"
)

// workerOptions holds the flags of zipin worker.
type workerOptions struct {
	Catalog         string
	Out             string
	Jobs            int
	RescueAfter     time.Duration
	Timeout         time.Duration
	WorkerMemoryMB  int64
	MaxInputMB      int64
	MaxFactsPerPage int
	Verbose         bool
	LogInterval     time.Duration
	// Isolate is ingest's --isolate (the worker command always isolates).
	Isolate pipeline.Isolation
	// named are the paths named on ingest's command line (files among them
	// are read whatever they look like).
	named []string
}

func newWorkerCommand() *cobra.Command {
	var opts workerOptions
	cmd := &cobra.Command{
		Use:   "worker --catalog URL [--out DIR|s3://BUCKET/PREFIX]",
		Short: "Take documents from the job queue and extract them, until stopped",
		Long: `worker takes jobs from the queue in the catalog database at URL (postgres://… for many machines,
or a SQLite file) that zipin ingest --catalog URL filled, --jobs documents at a time: each document
is extracted in a worker process with a time budget (--timeout) and a memory cap (--worker-memory),
its rows written to the dataset at --out (a folder every worker shares, or s3://bucket/prefix), and
its outcome recorded in the catalog. Run any number of workers on any number of machines; each
needs the input files at the paths they were enqueued under.

A worker that dies mid-document (kill -9, a lost machine) leaves its job running; after
--rescue-after, River hands it to another worker. A document is written at most once per attempt
and a retry overwrites it, so the dataset holds each document once. SIGTERM or SIGINT stop the
worker from taking jobs; it finishes the documents in hand and exits 0 (a second signal gives them
up, to be tried again by any worker). See docs/scale-out.md.

Exit status: 0 stopped by SIGTERM or SIGINT; 2 usage error, or --out refused (a folder of batch
files, a bucket that does not exist); 3 the queue, catalog or dataset cannot be opened; 75 a batch
writer (zipin ingest without --catalog, compact) holds the --out folder: try again later.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runWorker(cmd.Context(), streamsOf(cmd), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Catalog, "catalog", "", "the catalog and queue database: postgres://… or a SQLite file (required)")
	cmd.Flags().StringVarP(&opts.Out, "out", "o", defaultOut, "dataset: a folder, or s3://bucket/prefix")
	cmd.Flags().IntVarP(&opts.Jobs, "jobs", "j", 0, "documents processed at once (default: one per CPU)")
	cmd.Flags().DurationVar(&opts.RescueAfter, "rescue-after", queue.DefaultRescueAfter, "hand a job to another worker when it has run this long (its worker died); must exceed --timeout")
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", pipeline.DefaultTimeout, "time budget per document")
	cmd.Flags().Int64Var(&opts.WorkerMemoryMB, "worker-memory", isolate.DefaultMemoryLimit>>20, "memory a worker process may map beyond what it has at start-up, in MB (RLIMIT_AS)")
	cmd.Flags().Int64Var(&opts.MaxInputMB, "max-input", pipeline.DefaultMaxInput>>20, "refuse inputs larger than this, in MB, unread")
	cmd.Flags().IntVar(&opts.MaxFactsPerPage, "max-facts-per-page", pipeline.DefaultMaxFactsPerPage, "quarantine a document with a page holding more facts than this")
	cmd.Flags().BoolVarP(&opts.Verbose, "verbose", "v", false, "print one line per document")
	cmd.Flags().DurationVar(&opts.LogInterval, "log-interval", time.Minute, "time between progress lines on stderr (0: none)")
	return cmd
}

// runWorker runs zipin worker with opts; it writes to s.
func runWorker(ctx context.Context, s streams, opts workerOptions) error {
	if err := checkQueueFlags("worker", opts.Catalog, opts.Jobs, opts.Timeout, opts.RescueAfter); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	qw, err := openQueueWorker(ctx, s, opts)
	if err != nil {
		return openErr(err)
	}
	defer qw.close()
	fmt.Fprintf(s.stderr, "worker %s: taking jobs from %s, writing %s (SIGTERM stops it)\n", queue.WorkerID(), qw.cat.Path, opts.Out)
	abort, release := abortOnSecondSignal(ctx, s.stderr, "worker")
	qw.w.Abort = abort
	stopLog := qw.tally.logEvery(s.stderr, opts.LogInterval, "worker "+queue.WorkerID())
	err = qw.w.Run(ctx, qw.q)
	stopLog()
	release()
	qw.tally.print(s.stderr, "worker "+queue.WorkerID())
	if err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	return nil
}

// abortOnSecondSignal returns a channel closed by the second SIGINT or
// SIGTERM: the first (which ends ctx) stops the taking of jobs and lets the
// documents in hand finish, which may take up to --timeout; the second
// gives them up (their jobs are retried later, by any worker). Call release
// once the work is over.
func abortOnSecondSignal(ctx context.Context, w io.Writer, who string) (abort <-chan struct{}, release func()) {
	ch, over := make(chan struct{}), make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
		case <-over:
			return
		}
		fmt.Fprintf(w, "%s: stopping: finishing the documents in hand (SIGTERM or Ctrl-C again gives them up)\n", who)
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		defer signal.Stop(sig)
		select {
		case <-sig:
			fmt.Fprintf(w, "%s: giving up the documents in hand; their jobs will be tried again\n", who)
			close(ch)
		case <-over:
		}
	}()
	return ch, func() { close(over) }
}

// checkQueueFlags checks the flags the queue's commands share.
func checkQueueFlags(cmd, catalogURL string, jobs int, timeout, rescueAfter time.Duration) error {
	if catalogURL == "" {
		return usageErr(fmt.Errorf("%s: --catalog URL is required (postgres://… or a SQLite file)", cmd))
	}
	if jobs < 0 {
		return usageErr(fmt.Errorf("%s: --jobs must be positive", cmd))
	}
	if rescueAfter <= timeout {
		// A job is given up at --rescue-after; a document allowed longer
		// would be cut short on every attempt.
		return usageErr(fmt.Errorf("%s: --rescue-after (%s) must exceed --timeout (%s)", cmd, rescueAfter, timeout))
	}
	return nil
}

// queueWorker is a worker.Worker with what it holds open.
type queueWorker struct {
	q     *queue.Queue
	cat   *catalog.Catalog
	docs  *pipeline.Documents
	sinks []dataset.Sink
	w     *worker.Worker
	tally *tally
}

// openQueueWorker opens the queue and the catalog at opts.Catalog, the
// dataset at opts.Out (one Sink per job) and the document workers, and
// records a run in the catalog.
func openQueueWorker(ctx context.Context, s streams, opts workerOptions) (_ *queueWorker, err error) {
	qw := &queueWorker{tally: &tally{}}
	defer func() {
		if err != nil {
			qw.close()
		}
	}()
	if qw.q, err = queue.Open(ctx, opts.Catalog); err != nil {
		return nil, err
	}
	if qw.cat, err = catalog.OpenURL(ctx, opts.Catalog); err != nil {
		return nil, err
	}
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = runtime.NumCPU()
	}
	popts := pipeline.Options{Jobs: jobs, Timeout: opts.Timeout, WorkerMemory: opts.WorkerMemoryMB << 20,
		MaxInput: opts.MaxInputMB << 20, MaxFactsPerPage: opts.MaxFactsPerPage, Isolate: opts.Isolate,
		// A child killed from outside is tried again by River, after a
		// pause and perhaps on another machine, not here at once.
		Retries: -1}
	if qw.docs, err = pipeline.NewDocuments(popts, opts.named); err != nil {
		return nil, err
	}
	sinks := make([]worker.Sink, jobs)
	for i := range sinks {
		sk, err := dataset.OpenSink(ctx, opts.Out, version.Extractor)
		if err != nil {
			return nil, err
		}
		qw.sinks = append(qw.sinks, sk)
		sinks[i] = sk
	}
	runID, err := qw.cat.StartRun(version.Extractor, jobs)
	if err != nil {
		return nil, err
	}
	qw.tally.runID = runID
	qw.w = &worker.Worker{Docs: qw.docs, Sinks: sinks, Catalog: qw.cat, RunID: runID, Jobs: jobs,
		RescueAfter: opts.RescueAfter, Done: qw.tally.add,
		// The harvester's jobs (zipin harvest --catalog) are judged as
		// its own ingest judges: a notice or a blank form is no report.
		Accept: harvest.AcceptReport}
	if opts.Verbose {
		qw.tally.log = s.stderr
	}
	return qw, nil
}

// close ends the run in the catalog and releases everything.
func (qw *queueWorker) close() {
	if qw.cat != nil && qw.tally.runID != 0 {
		_ = qw.cat.FinishRun(qw.tally.run())
	}
	if qw.docs != nil {
		qw.docs.Close()
	}
	for _, s := range qw.sinks {
		s.Close()
	}
	if qw.cat != nil {
		qw.cat.Close()
	}
	if qw.q != nil {
		qw.q.Close()
	}
}

// tally counts the outcomes of the documents this process worked on.
type tally struct {
	mu       sync.Mutex
	runID    int64
	outcomes []pipeline.Outcome
	log      io.Writer // one line per document, if set
	// progress, if set, is told after each document (ingest's reporter);
	// total is the number of documents it counts towards.
	progress func(pipeline.Progress)
	total    int
	p        pipeline.Progress
	start    time.Time
	// enq is what ingest --catalog did while enqueuing (nil in zipin
	// worker): its inputs, skipped, ignored and refused count in the run.
	enq *enqueued
}

func (t *tally) setEnqueued(e enqueued) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.enq = &e
}

func (t *tally) add(o pipeline.Outcome, final bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !final {
		if t.log != nil {
			fmt.Fprintf(t.log, "retrying %s: %s\n", o.Source, o.Reason)
		}
		return
	}
	t.outcomes = append(t.outcomes, o)
	if t.log != nil {
		fmt.Fprintf(t.log, "%s %s %s\n", o.Status, o.Source, o.Reason)
	}
	if t.progress != nil {
		p := &t.p
		p.Total, p.Done, p.Last, p.Elapsed = t.total, p.Done+1, o, time.Since(t.start)
		p.Add(o)
		t.progress(*p)
	}
}

func (t *tally) count(st pipeline.Status) int {
	n := 0
	for _, o := range t.outcomes {
		if o.Status == st {
			n++
		}
	}
	return n
}

// run is the catalog's record of this process's run.
func (t *tally) run() catalog.Run {
	t.mu.Lock()
	defer t.mu.Unlock()
	r := catalog.Run{ID: t.runID, Inputs: len(t.outcomes), Extracted: len(t.outcomes), State: "done",
		Quarantined: t.count(pipeline.StatusQuarantined), Failed: t.count(pipeline.StatusFailed)}
	if e := t.enq; e != nil {
		r.Inputs, r.Skipped, r.Ignored = e.inputs, e.skipped, e.ignored
		r.Quarantined += e.quarantined
	}
	for _, o := range t.outcomes {
		r.Pages += o.Pages
		r.Facts += o.Facts
	}
	return r
}

// logEvery writes a line of what this process has done every interval
// (none if 0), so a journal shows a worker at work between documents
// that take long; call the returned function to stop it.
func (t *tally) logEvery(w io.Writer, every time.Duration, who string) (stop func()) {
	if every <= 0 {
		return func() {}
	}
	start, done := time.Now(), make(chan struct{})
	go func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			r := t.run()
			secs := time.Since(start).Seconds()
			fmt.Fprintf(w, "%s: %d documents (%d quarantined, %d failed), %d pages in %s: %.1f docs/s, %.1f pages/s\n",
				who, r.Extracted, r.Quarantined, r.Failed, r.Pages, time.Since(start).Round(time.Second),
				float64(r.Extracted)/secs, float64(r.Pages)/secs)
		}
	}()
	return func() { close(done) }
}

// print writes one line of what this process did, and the reason of each
// document quarantined or failed.
func (t *tally) print(w io.Writer, who string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var bad []string
	for _, o := range t.outcomes {
		if o.Status == pipeline.StatusQuarantined || o.Status == pipeline.StatusFailed {
			bad = append(bad, fmt.Sprintf("%s: %s: %s", o.Status, o.Source, o.Reason))
		}
	}
	if len(bad) > 0 {
		fmt.Fprintln(w, strings.Join(bad, "\n"))
	}
	fmt.Fprintf(w, "%s: %d ok, %d quarantined, %d failed\n", who,
		t.count(pipeline.StatusOK), t.count(pipeline.StatusQuarantined), t.count(pipeline.StatusFailed))
}
