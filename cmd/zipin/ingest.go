package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"sort"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"zipin/dataset"
	"zipin/extract/doc"
	"zipin/isolate"
	"zipin/pipeline"
	"zipin/query"
	"zipin/queue"
	"zipin/samples"
)

const defaultOut = "zipin-out"

// ingestOptions holds the flags of zipin ingest.
type ingestOptions struct {
	Out              string
	Force            bool
	RetryQuarantined bool
	Timeout          time.Duration
	Verbose          bool
	Jobs             int
	Isolate          string
	WorkerMemoryMB   int64
	LogFormat        string
	LogInterval      time.Duration
	Progress         string
	MemoryLimitMB    int64
	MaxInputMB       int64
	MaxFactsPerPage  int
	CommitEvery      time.Duration
	JSON             bool
	// Catalog, when set, turns the run into jobs on the queue in that
	// database (ingest_queue.go); EnqueueOnly stops after enqueuing.
	Catalog     string
	EnqueueOnly bool
	RescueAfter time.Duration
}

func newIngestCommand() *cobra.Command {
	var opts ingestOptions
	cmd := &cobra.Command{
		Use:   "ingest [--out DIR] [--catalog URL [--enqueue-only]] [PATH...]",
		Short: "Extract reports from files and folders into the Parquet dataset",
		Long: `ingest reads each file, and each folder recursively, detects its format from its bytes, and writes
the dataset (reports, facts, texts, projects, indicators) to DIR. With no PATH it ingests the sample
reports built into zipin.

Documents are done --jobs at a time, each whole (read, extract, analyze, rows) in a worker process
with a time budget (--timeout) and a memory cap (--worker-memory); one that exceeds them is
quarantined ("exceeded 2m", "exceeded 1024 MB") and the rest carry on. A worker killed from outside
(the OOM killer, kill -9) is retried before its document is blamed. Inputs over --max-input are
refused unread. Finished work is committed every --commit-every, so a kill loses seconds of work.
Each document to extract is a job in a River queue in DIR/_catalog.sqlite (SQLite: nothing to
install), worked by this process and completed once its rows are committed; zipin status DIR shows
the queue. The catalog there records every document; a re-run skips what is done (see zipin
status), and an interrupted run (even kill -9) resumes where it stopped: the next run, which holds
the dataset's lock, takes up the jobs the killed one left at once. In folders, names starting
with ".", _catalog.sqlite* and files that are no report (source code, JSON, images, archives,
programs) are left out and listed; a file named on the command line is always read.

Exit status: 0 every document extracted; 1 some documents quarantined or failed (reasons printed),
the rest written; 2 usage error, nothing written; 3 the run failed at run time (disk full, I/O) —
what was committed stays, and the summary says what the dataset holds; 75 another zipin run holds the
dataset's lock, nothing done (try again later); 130 interrupted by SIGINT or SIGTERM (finished
documents committed).

With --catalog URL (postgres://… or a SQLite file), the jobs go to the queue in that database
instead, and any number of zipin worker processes on any number of machines do them (docs/scale-out.md); ingest works on them too until the queue is empty, unless
--enqueue-only. --out is then a folder every worker shares or s3://bucket/prefix, written one
document at a time. The exit status is the same, for the documents this process saw.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runIngest(cmd.Context(), streamsOf(cmd), opts, args)
		},
	}
	cmd.Flags().StringVarP(&opts.Out, "out", "o", defaultOut, "dataset folder")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the summary as one JSON object on stdout")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "re-extract every document, even those already in the dataset or quarantined before")
	cmd.Flags().BoolVar(&opts.RetryQuarantined, "retry-quarantined", false, "extract again documents quarantined by this extractor version (say, after raising --timeout)")
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", pipeline.DefaultTimeout, "time budget per document")
	cmd.Flags().BoolVarP(&opts.Verbose, "verbose", "v", false, "print one line per document")
	cmd.Flags().IntVarP(&opts.Jobs, "jobs", "j", 0, "documents processed at once (default: one per CPU)")
	cmd.Flags().StringVar(&opts.Isolate, "isolate", string(pipeline.IsolateAll), "parse in worker processes: all, risky (not text/HTML) or none")
	cmd.Flags().Int64Var(&opts.WorkerMemoryMB, "worker-memory", isolate.DefaultMemoryLimit>>20, "memory a worker process may map beyond what it has at start-up, in MB (RLIMIT_AS)")
	cmd.Flags().StringVar(&opts.LogFormat, "log-format", "text", "progress log lines when not on a terminal: text or json")
	cmd.Flags().DurationVar(&opts.LogInterval, "log-interval", 5*time.Second, "time between progress log lines")
	cmd.Flags().Int64Var(&opts.MemoryLimitMB, "memory-limit", 320, "soft limit of this process's Go heap, in MB (0: none; workers have --worker-memory)")
	cmd.Flags().Int64Var(&opts.MaxInputMB, "max-input", pipeline.DefaultMaxInput>>20, "refuse inputs larger than this, in MB, unread (0: the default)")
	cmd.Flags().IntVar(&opts.MaxFactsPerPage, "max-facts-per-page", pipeline.DefaultMaxFactsPerPage, "quarantine a document with a page holding more facts than this")
	cmd.Flags().DurationVar(&opts.CommitEvery, "commit-every", pipeline.DefaultFlushInterval, "commit finished documents at least this often (a kill loses at most this much work)")
	cmd.Flags().StringVar(&opts.Progress, "progress", "auto", "progress display: auto (bar on a terminal, else log lines), bar, log or none")
	cmd.Flags().StringVar(&opts.Catalog, "catalog", "", "enqueue the documents as jobs in this catalog database (postgres://… or a SQLite file) and work on them with any zipin worker (docs/scale-out.md)")
	cmd.Flags().BoolVar(&opts.EnqueueOnly, "enqueue-only", false, "with --catalog: enqueue, and leave the work to zipin worker")
	cmd.Flags().DurationVar(&opts.RescueAfter, "rescue-after", queue.DefaultRescueAfter, "with --catalog: hand a job to another worker when it has run this long; must exceed --timeout")
	return cmd
}

// runIngest runs zipin ingest with opts; it writes to s.
func runIngest(ctx context.Context, s streams, opts ingestOptions, args []string) error {
	if opts.LogFormat != "text" && opts.LogFormat != "json" {
		return usageErr(fmt.Errorf("ingest: --log-format must be text or json, not %q", opts.LogFormat))
	}
	if opts.Progress != "auto" && opts.Progress != "bar" && opts.Progress != "log" && opts.Progress != "none" {
		return usageErr(fmt.Errorf("ingest: --progress must be auto, bar, log or none, not %q", opts.Progress))
	}
	if opts.Jobs < 0 {
		return usageErr(fmt.Errorf("ingest: --jobs must be positive"))
	}
	switch pipeline.Isolation(opts.Isolate) {
	case pipeline.IsolateAll, pipeline.IsolateRisky, pipeline.IsolateNone:
	default:
		return usageErr(fmt.Errorf("ingest: --isolate must be all, risky or none, not %q", opts.Isolate))
	}
	if err := checkRemoteOut("ingest", opts.Out, opts.Catalog); err != nil {
		return err
	}
	if opts.Catalog == "" && opts.EnqueueOnly {
		return usageErr(fmt.Errorf("ingest: --enqueue-only needs --catalog"))
	}
	if opts.Catalog != "" && len(args) == 0 {
		// The samples are written to a folder deleted after the run,
		// where no other worker would find them.
		return usageErr(fmt.Errorf("ingest: --catalog needs PATHs to enqueue"))
	}
	sample := len(args) == 0
	if sample {
		dir, err := os.MkdirTemp("", "zipin-samples-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if args, err = samples.WriteTo(dir); err != nil {
			return err
		}
	}
	var sourceNames map[string]string
	if sample {
		sourceNames = map[string]string{}
		for _, p := range args {
			sourceNames[p] = samples.SourceName(p)
		}
	}
	for _, a := range args {
		if _, err := os.Lstat(a); err != nil {
			// "PATH: no such file or directory", not the syscall's
			// "lstat PATH: …", which reads like an internal fault.
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return usageErr(fmt.Errorf("ingest: %s: %v", a, err))
		}
	}
	if opts.MaxInputMB < 0 || opts.MaxFactsPerPage < 0 || opts.CommitEvery < 0 {
		return usageErr(fmt.Errorf("ingest: --max-input, --max-facts-per-page and --commit-every must not be negative"))
	}
	if opts.Catalog != "" {
		return runIngestQueue(ctx, s, opts, args)
	}
	popts := pipeline.Options{Out: opts.Out, Force: opts.Force, SourceNames: sourceNames, RetryQuarantined: opts.RetryQuarantined, Timeout: opts.Timeout, Jobs: opts.Jobs,
		Isolate: pipeline.Isolation(opts.Isolate), WorkerMemory: opts.WorkerMemoryMB << 20, MaxInput: opts.MaxInputMB << 20,
		MaxFactsPerPage: opts.MaxFactsPerPage, FlushInterval: opts.CommitEvery}
	if opts.Verbose {
		popts.Log = func(f string, a ...any) { fmt.Fprintf(s.stderr, f+"\n", a...) }
	}
	rep := newReporter(s.stderr, progressMode(s, opts), opts.LogFormat, opts.LogInterval)
	popts.Progress = rep.update
	// Ctrl-C or SIGTERM stop the run cleanly: documents in flight are
	// dropped, everything finished before is committed. (A kill -9 is
	// safe too; the next run recovers.)
	if opts.MemoryLimitMB > 0 {
		// A soft limit for this process's Go heap: the GC runs harder
		// as it nears, which keeps peak RSS flat on large corpora.
		debug.SetMemoryLimit(opts.MemoryLimitMB << 20)
	}
	if pipeline.Isolation(opts.Isolate) == pipeline.IsolateAll && os.Getenv("GOMAXPROCS") == "" {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(parentProcs(opts.Jobs)))
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	sum, err := pipeline.Ingest(ctx, popts, args)
	if sum != nil {
		rep.finish(sum.Totals())
	} else {
		rep.finish(rep.last())
	}
	if err != nil {
		if sum != nil {
			// Whatever was committed before the error stays; say so.
			_ = reportIngest(s, sum, false, opts.JSON)
		}
		if ctx.Err() != nil && sum != nil && sum.CommitError == nil {
			return &exitError{code: exitInterrupted, err: fmt.Errorf("ingest: interrupted; finished documents are committed, a re-run resumes")}
		}
		if le := (*dataset.LockedError)(nil); errors.As(err, &le) {
			return &exitError{code: exitBusy, err: err}
		}
		if le := (*dataset.LayoutError)(nil); errors.As(err, &le) {
			return usageErr(err) // refused on opening: nothing written
		}
		return &exitError{code: exitFailure, err: err}
	}
	return reportIngest(s, sum, sample, opts.JSON)
}

// progressMode is the display --progress asks for: auto is a bar on a
// terminal (unless --verbose prints lines there) and log lines elsewhere.
func progressMode(s streams, opts ingestOptions) string {
	mode := opts.Progress
	if mode == "auto" {
		mode = "log"
		if f, ok := s.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) && !opts.Verbose {
			mode = "bar"
		}
	}
	return mode
}

// reporter shows progress as a bar on a terminal or as periodic slog lines.
type reporter struct {
	mode  string
	bar   *progressbar.ProgressBar
	log   *slog.Logger
	every time.Duration
	p     pipeline.Progress
	seen  bool
	w     io.Writer
	mu    sync.Mutex // p and seen, shared with the log ticker
	start time.Time
	stop  chan struct{}
}

func newReporter(w io.Writer, mode, format string, every time.Duration) *reporter {
	r := &reporter{mode: mode, every: every, w: w, stop: make(chan struct{})}
	switch mode {
	case "log":
		if format == "json" {
			r.log = slog.New(slog.NewJSONHandler(w, nil))
		} else {
			r.log = slog.New(slog.NewTextHandler(w, nil))
		}
		if every > 0 {
			// A line every interval even while a long document is in
			// flight, so a log watcher can tell slow from stuck.
			go func() {
				t := time.NewTicker(every)
				defer t.Stop()
				for {
					select {
					case <-r.stop:
						return
					case <-t.C:
						r.mu.Lock()
						if r.seen {
							p := r.p
							p.Elapsed = time.Since(r.start)
							r.logLine("ingest progress", p)
						}
						r.mu.Unlock()
					}
				}
			}()
		}
	}
	return r
}

func rates(p pipeline.Progress) (docsPerSec, pagesPerSec float64) {
	s := p.Elapsed.Seconds()
	if s <= 0 {
		return 0, 0
	}
	return float64(p.Done-p.Skipped-p.Ignored) / s, float64(p.Pages) / s
}

func (r *reporter) update(p pipeline.Progress) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.seen {
		r.start = time.Now().Add(-p.Elapsed)
	}
	r.p, r.seen = p, true
	switch r.mode {
	case "bar":
		if r.bar == nil {
			// Made on the first document, when the total is known.
			r.bar = progressbar.NewOptions(p.Total, progressbar.OptionSetWriter(r.w), progressbar.OptionShowCount(),
				progressbar.OptionSetPredictTime(true), progressbar.OptionSetElapsedTime(true),
				progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionSetWidth(30),
				progressbar.OptionShowDescriptionAtLineEnd(), progressbar.OptionClearOnFinish())
		}
		d, pg := rates(p)
		r.bar.Describe(fmt.Sprintf("%.1f docs/s %.0f pages/s, %d quarantined", d, pg, p.Quarantined+p.Failed))
		_ = r.bar.Set(p.Done)
	}
}

func (r *reporter) logLine(msg string, p pipeline.Progress) {
	d, pg := rates(p)
	eta := time.Duration(0)
	if done := p.Done; done > 0 && p.Total > done {
		eta = time.Duration(float64(p.Elapsed) / float64(done) * float64(p.Total-done)).Round(time.Second)
	}
	r.log.Info(msg, "done", p.Done, "total", p.Total, "ok", p.OK, "skipped", p.Skipped, "ignored", p.Ignored,
		"quarantined", p.Quarantined, "failed", p.Failed, "pages", p.Pages,
		"docs_per_s", round1(d), "pages_per_s", round1(pg), "eta", eta.String(), "elapsed", p.Elapsed.Round(time.Millisecond).String())
}

func round1(f float64) float64 { return float64(int64(f*10+0.5)) / 10 }

// last is the progress last reported.
func (r *reporter) last() pipeline.Progress {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.p
}

// finish ends the display. In log mode its last line gives final's counts,
// the ones the summary prints (a failed commit's documents count failed;
// ingest --catalog adds the inputs it skipped, ignored or refused while
// enqueuing), with the total and time of the last progress.
func (r *reporter) finish(final pipeline.Progress) {
	close(r.stop)
	r.mu.Lock()
	defer r.mu.Unlock()
	switch r.mode {
	case "bar":
		if r.bar != nil {
			_ = r.bar.Finish()
		}
	case "log":
		if r.seen {
			p := r.p
			p.OK, p.Skipped, p.Ignored, p.Quarantined, p.Failed, p.Pages, p.Facts =
				final.OK, final.Skipped, final.Ignored, final.Quarantined, final.Failed, final.Pages, final.Facts
			r.logLine("ingest finished", p)
		}
	}
}

// reportIngest prints the summary and turns quarantines into exit status 1.
// Its first three lines are relied on by other tools and the README.
func reportIngest(s streams, sum *pipeline.Summary, sample, asJSON bool) error {
	w := s.stdout
	bad := 0
	reasons := map[string]int{}
	for _, o := range sum.Outcomes {
		switch o.Status {
		case pipeline.StatusQuarantined, pipeline.StatusFailed:
			bad++
			fmt.Fprintf(s.stderr, "%s: %s: %s\n", o.Status, o.Source, o.Reason)
			reasons[doc.ReasonKind(o.Reason)]++ // "PDF damaged" ×3, not three reasons of 1
		case pipeline.StatusIgnored:
			fmt.Fprintf(s.stderr, "ignored: %s: %s\n", o.Source, o.Reason)
		}
	}
	if asJSON {
		if err := writeIngestJSON(w, sum); err != nil {
			return err
		}
		if bad > 0 {
			return &exitError{code: exitPartial}
		}
		return nil
	}
	n := sum.Totals()
	fmt.Fprintf(w, "documents: %d ok, %d skipped (already done), %d quarantined, %d failed\n",
		n.OK, n.Skipped-n.QuarantinedBefore, n.Quarantined, n.Failed)
	fmt.Fprintf(w, "facts:     %d\n", sum.Facts())
	fmt.Fprintf(w, "output:    %s\n", sum.Out)
	if n := sum.Count(pipeline.StatusIgnored); n > 0 {
		fmt.Fprintf(w, "ignored:   %d inputs by name or content (hidden, the catalog, not a report; listed above, zipin status lists them)\n", n)
	}
	printQuarantinedBefore(w, n.QuarantinedBefore)
	fmt.Fprintf(w, "dataset:   %d documents\n", sum.InDataset)
	if sum.CommitError != nil {
		fmt.Fprintf(w, "commit:    FAILED (%s); the dataset holds only what was committed before\n", firstLine(sum.CommitError.Error(), 200))
	}
	if sample || sum.Count(pipeline.StatusOK) > 0 {
		fmt.Fprintf(w, "try:       zipin query --out %s \"SELECT organization, fiscal_year, budget_yuan, execution_rate, self_score FROM reports\"\n", sum.Out)
		if !query.Available {
			// The DuckDB CLI is not in Debian; the query command is one build away.
			fmt.Fprintf(w, "           (this zipin has no DuckDB: build it with go build -tags duckdb -o zipin ./cmd/zipin)\n")
		}
	}
	secs := sum.Elapsed.Seconds()
	// Outside the table: a tab-ended cell would pad "run N" with spaces.
	fmt.Fprintf(w, "\nrun %d\n", sum.RunID)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	// "read", not "extracted": Extracted counts every document opened this
	// run, the quarantined and failed with the ok, so the split is given.
	ok, quarantined, failed := sum.Count(pipeline.StatusOK), sum.Count(pipeline.StatusQuarantined), sum.Count(pipeline.StatusFailed)
	fmt.Fprintf(tw, "  read\t%d documents (%d ok, %d quarantined, %d failed), %d pages\n", ok+quarantined+failed,
		ok, quarantined, failed, sum.Pages())
	if secs > 0 {
		fmt.Fprintf(tw, "  time\t%s (%.1f docs/s, %.1f pages/s)\n", sum.Elapsed.Round(time.Millisecond), float64(sum.Extracted)/secs, float64(sum.Pages())/secs)
	}
	// Files are Parquet files, one per table a commit, not one per document.
	fmt.Fprintf(tw, "  parquet files\t%d written (one per table a commit)\n", len(sum.Files))
	fmt.Fprintf(tw, "  peak RSS\t%d MB (this process), %d MB (largest worker)\n", sum.PeakRSSKB>>10, sum.WorkerPeakRSSKB>>10)
	if sum.WorkerCPU > 0 {
		fmt.Fprintf(tw, "  CPU\t%s (this process), %s (workers): %.1f %%\n", sum.CPU.Round(time.Millisecond), sum.WorkerCPU.Round(time.Millisecond), 100*sum.CPU.Seconds()/sum.WorkerCPU.Seconds())
	}
	if sum.Reconciled > 0 {
		fmt.Fprintf(tw, "  recovered\t%d catalog rows corrected from the dataset (interrupted run)\n", sum.Reconciled)
	}
	if len(sum.KilledRuns) > 0 {
		fmt.Fprintf(tw, "  killed runs\t%v never finished (marked killed)\n", sum.KilledRuns)
	}
	tw.Flush()
	if len(reasons) > 0 {
		type rc struct {
			r string
			n int
		}
		var top []rc
		for r, n := range reasons {
			top = append(top, rc{r, n})
		}
		sort.Slice(top, func(i, j int) bool { return top[i].n > top[j].n || top[i].n == top[j].n && top[i].r < top[j].r })
		fmt.Fprintln(w, "  top quarantine reasons:")
		for i, t := range top {
			if i == 5 {
				break
			}
			fmt.Fprintf(w, "    %5d  %s\n", t.n, firstLine(t.r, 100))
		}
	}
	if bad > 0 {
		return &exitError{code: exitPartial}
	}
	return nil
}

// printQuarantinedBefore gives the documents skipped as quarantined by an
// earlier run apart from those skipped as done, which they are not.
func printQuarantinedBefore(w io.Writer, n int) {
	if n > 0 {
		fmt.Fprintf(w, "earlier:   %d quarantined before with this extractor version, not retried (--retry-quarantined tries them again; zipin status lists them)\n", n)
	}
}

func firstLine(s string, n int) string {
	for i, c := range s {
		if c == '\n' {
			s = s[:i]
			break
		}
	}
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// parentProcs is how many threads may run this process's Go code when every
// document is parsed in a worker process: one for every four jobs (at least
// one, at most the CPUs). The process then only receives rows, commits them
// and keeps the catalog, about 5–20 % of a worker's CPU (docs/throughput.md),
// and it mostly waits on the workers' pipes. With a thread per CPU, each
// wake-up for a pipe read set the idle threads spinning in the scheduler for
// work (runtime.findRunnable and netpoll were an eighth of its CPU): one
// thread per four jobs took 14 % off its CPU on 400 report PDFs with
// --jobs 2, with the same wall time, and still covers the worst case (small
// documents: 20 % × 4 jobs). A GOMAXPROCS set in the environment is kept.
func parentProcs(jobs int) int {
	if jobs <= 0 {
		jobs = runtime.NumCPU()
	}
	return min(max(1, (jobs+3)/4), runtime.NumCPU())
}
