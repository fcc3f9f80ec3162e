package pipeline

import (
	"context"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"zipin/catalog"
	"zipin/dataset"
	"zipin/isolate"
	"zipin/queue"
	"zipin/schema"
	"zipin/version"
)

// result is one processed document, on its way to the writer.
type result struct {
	o     Outcome
	batch *schema.Batch
	input *catalog.Input // a changed input-cache entry to record, if any
	// ack, if set, receives the outcome of the commit that records the
	// result (nil: committed): its job completes only then (doJob).
	ack chan<- error
}

// run is the shared state of one Ingest.
type run struct {
	opts       Options
	cat        *catalog.Catalog
	runID      int64
	present    map[string]catalog.Present    // the dataset's documents at the start
	settled    map[string]catalog.Doc        // quarantined by this version before
	inputs     map[string]catalog.Input      // the input cache at the start
	unfinished map[string]catalog.InProgress // left in progress by killed runs
	mu         sync.Mutex
	claimed    map[string]string // doc_id → the path that claimed it in this run
	named      map[string]bool   // files named as such in the paths given
	// marks are in-progress rows of documents in workers, for the writer's
	// next transaction (mark).
	marksMu    sync.Mutex
	marks      []catalog.Mark
	marksSince time.Time
	// The jobs (startJobs): the run's context, the documents planned, the
	// children they are done in, and the writer's channel.
	ctx     context.Context
	plan    *plan
	kids    *children
	results chan<- result
}

// Ingest reads every file under paths and commits the extracted rows to the
// dataset at opts.Out, using opts.Jobs documents at a time. Documents already
// in the dataset with the current extractor version, or quarantined by it,
// are skipped unless opts.Force is set.
//
// Each document is done whole — read, extracted, analyzed, its rows built —
// in a worker process under the time budget and memory cap (IsolateAll);
// this process hashes files, decides what to do, and commits. A document
// is recorded as in progress in the catalog while it is worked on: before
// any work when it is analyzed in this process, so a document that takes
// this process down is known to the next run; with the writer's next
// commit when a worker does it (catalog.RecordMarks).
//
// Order of durability: a batch's rows are committed to the dataset first
// (atomically), then its catalog rows. A crash in between leaves the catalog
// behind the dataset, which the next run's Reconcile repairs; the dataset,
// which decides what is skipped, is never behind the catalog. Batches are
// committed every FlushInterval, so a kill loses seconds of work.
//
// When ctx ends (SIGINT, SIGTERM), documents in flight are dropped (their
// workers killed at once), finished ones committed, and Ingest returns
// ctx's error.
func Ingest(ctx context.Context, opts Options, paths []string) (*Summary, error) {
	start := time.Now()
	cpu0, kids0 := cpuTime(unix.RUSAGE_SELF), cpuTime(unix.RUSAGE_CHILDREN)
	if err := opts.setDefaults(); err != nil {
		return nil, err
	}
	unlock, err := dataset.Lock(opts.Out)
	if err != nil {
		return nil, err
	}
	defer unlock()
	ds, err := dataset.OpenBatch(opts.Out, version.Extractor)
	if err != nil {
		return nil, err
	}
	cat, err := catalog.Open(opts.Out)
	if err != nil {
		return nil, err
	}
	defer cat.Close()
	// The queue's tables share the catalog's database. This run holds the
	// lock: the jobs a killed run left running are no one's, and are handed
	// back at once rather than after River's rescue delay.
	q, err := queue.Open(ctx, cat.Path)
	if err != nil {
		return nil, err
	}
	defer q.Close()
	handedBack, err := q.HandBack(ctx, queue.LocalQueue)
	if err != nil {
		return nil, err
	}
	r, sum, err := startRun(opts, cat)
	if err != nil {
		return nil, err
	}
	if handedBack > 0 && opts.Log != nil {
		opts.Log("taking up %d jobs a killed run left unfinished", handedBack)
	}

	r.warmSegmenter()
	files, problems := collect(ctx, paths)
	r.named = namedFiles(paths)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	wr := &writer{r: r, ds: ds, cat: cat, sum: sum, start: start, total: len(files) + len(problems), committed: map[string]bool{}}
	results, stop, werr := r.startJobs(wctx, q, files, sum)
	if werr != nil {
		return r.finish(ctx, wr, werr, cpu0, kids0)
	}
	werr = wr.drain(problems, results, cancel)
	// Every document is committed or dropped: the client stops, its jobs
	// in hand return and River records their ends.
	cancel()
	if err := stop(); err != nil && werr == nil && ctx.Err() == nil {
		werr = err
	}
	return r.finish(ctx, wr, werr, cpu0, kids0)
}

// startRun reads what this run decides by (the dataset's documents, the
// catalog's quarantines, input cache and documents left in progress),
// repairs the catalog from the dataset, and records the run as started.
// The caller holds the dataset's lock.
func startRun(opts Options, cat *catalog.Catalog) (*run, *Summary, error) {
	r := &run{opts: opts, cat: cat, claimed: map[string]string{}}
	var err error
	if r.present, err = presentDocs(opts.Out); err != nil {
		return nil, nil, err
	}
	sum := &Summary{Out: opts.Out, InDataset: len(r.present)}
	if sum.Reconciled, err = cat.Reconcile(r.present); err != nil {
		return nil, nil, err
	}
	if r.settled, err = cat.Settled(version.Extractor); err != nil {
		return nil, nil, err
	}
	if r.inputs, err = cat.Inputs(); err != nil {
		return nil, nil, err
	}
	if r.unfinished, err = cat.Unfinished(); err != nil {
		return nil, nil, err
	}
	if err = cat.ClearIgnored(); err != nil {
		return nil, nil, err
	}
	if sum.RunID, err = cat.StartRun(version.Extractor, opts.Jobs); err != nil {
		return nil, nil, err
	}
	r.runID = sum.RunID
	// This run holds the lock: a run still "running" was killed.
	if sum.KilledRuns, err = cat.Killed(sum.RunID); err != nil {
		return nil, nil, err
	}
	return r, sum, nil
}

// finish fills the summary's totals and records the run's end in the
// catalog: "failed" after a commit error (werr), "interrupted" when ctx
// ended, else "done". It returns werr, ctx's error, or FinishRun's.
func (r *run) finish(ctx context.Context, wr *writer, werr error, cpu0, kids0 time.Duration) (*Summary, error) {
	sum := wr.sum
	state := "done"
	switch {
	case werr != nil:
		state = "failed"
		sum.CommitError = werr
	case ctx.Err() != nil:
		state = "interrupted"
		werr = ctx.Err()
	}
	for id := range wr.committed {
		if _, ok := r.present[id]; !ok {
			sum.InDataset++
		}
	}
	sum.Elapsed = time.Since(wr.start)
	sum.PeakRSSKB = isolate.PeakRSSKB(os.Getpid())
	sum.CPU, sum.WorkerCPU = cpuTime(unix.RUSAGE_SELF)-cpu0, cpuTime(unix.RUSAGE_CHILDREN)-kids0
	ferr := r.cat.FinishRun(catalog.Run{ID: sum.RunID, Inputs: wr.total, Extracted: sum.Extracted,
		Skipped: sum.Count(StatusSkipped), Quarantined: sum.Count(StatusQuarantined), Failed: sum.Count(StatusFailed),
		Ignored: sum.Count(StatusIgnored), Pages: sum.Pages(), Facts: sum.Facts(), State: state})
	if werr != nil {
		return sum, werr
	}
	return sum, ferr
}

// presentDocs reads what the dataset holds: one reports row per document.
func presentDocs(dir string) (map[string]catalog.Present, error) {
	rows, err := dataset.ReadTable[struct {
		DocID            string `parquet:"doc_id"`
		Source           string `parquet:"source"`
		Format           string `parquet:"format"`
		Pages            int32  `parquet:"pages"`
		ExtractorVersion string `parquet:"extractor_version"`
		Bytes            int64  `parquet:"bytes"`
	}](dir, schema.TableReports)
	if err != nil {
		return nil, err
	}
	out := make(map[string]catalog.Present, len(rows))
	for _, r := range rows {
		out[r.DocID] = catalog.Present{Source: r.Source, Format: r.Format, Pages: int(r.Pages), ExtractorVersion: r.ExtractorVersion, Size: r.Bytes}
	}
	return out, nil
}

// cpuTime is the user + system CPU time of this process (RUSAGE_SELF) or of
// its ended children (RUSAGE_CHILDREN).
func cpuTime(who int) time.Duration {
	var ru unix.Rusage
	if unix.Getrusage(who, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
