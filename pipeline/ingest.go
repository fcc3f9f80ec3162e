package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"zipin/catalog"
	"zipin/dataset"
	"zipin/extract"
	"zipin/extract/doc"
	"zipin/isolate"
	"zipin/schema"
	"zipin/segment"
	"zipin/version"
)

// DefaultTimeout is the time budget of a document when Options.Timeout is 0.
const DefaultTimeout = 2 * time.Minute

// Defaults of the bounds on one document and on a batch (Options).
const (
	// DefaultMaxInput: a 自评报告 is a few MB; a scanned one rarely passes
	// 100 MB. Larger inputs are refused before they are read.
	DefaultMaxInput = 256 << 20
	// DefaultMaxFactsPerPage: a dense 自评表 page holds a few hundred facts;
	// tens of thousands on one page are a data dump or a runaway reader.
	DefaultMaxFactsPerPage = 10_000
	// DefaultMaxRowsBytes bounds the rows one document sends to the parent,
	// which keeps the parent's memory flat whatever the input.
	DefaultMaxRowsBytes = 64 << 20
	// DefaultFlushInterval: a kill loses at most this much finished work.
	DefaultFlushInterval = 5 * time.Second
	// DefaultRetries is how many times a document whose worker was killed
	// from outside (SIGKILL) is tried again before it is quarantined.
	DefaultRetries = 2
)

// Isolation modes: which documents are parsed in a worker child process.
const (
	IsolateAll   = "all"   // every document (the default: the overhead is small, see docs/bulk.md)
	IsolateRisky = "risky" // everything but plain text and HTML
	IsolateNone  = "none"  // nothing: parse in this process (no memory cap)
)

// Status is what became of one input; the catalog stores the same values.
type Status = catalog.Status

// Outcome statuses.
const (
	StatusOK          = catalog.StatusOK
	StatusSkipped     = catalog.StatusSkipped     // already in the dataset, or a copy of another input
	StatusQuarantined = catalog.StatusQuarantined // the document cannot be read; reason says why
	StatusFailed      = catalog.StatusFailed      // not the document's fault (I/O, a commit that failed)
	StatusIgnored     = catalog.StatusIgnored     // left out by its name (hidden, the catalog); listed, never silent
)

// Options configure an ingest run.
type Options struct {
	Out   string // the dataset folder
	Force bool   // re-extract documents already in the dataset
	// RetryQuarantined extracts again documents this extractor version
	// quarantined before (after raising Timeout or WorkerMemory, say).
	RetryQuarantined bool
	// SourceURLs maps a path to the URL it was fetched from (the harvester sets it).
	SourceURLs map[string]string
	// SourceNames maps a path to the name recorded as its source
	// (reports.source, the catalog, the messages) in place of the path:
	// the built-in samples are read from a temporary folder deleted after
	// the run, and are recorded as "sample:NAME" instead.
	SourceNames map[string]string
	// Accept, if set, sees each analyzed document's rows before they are
	// written; a non-empty answer skips the document with that reason (the
	// harvester keeps notices and blank forms out this way).
	Accept func(path string, b *schema.Batch) string
	// Timeout is the time budget of one document: read, extract, analyze
	// (0: DefaultTimeout).
	Timeout time.Duration
	// Log, if set, receives one line per document.
	Log func(format string, args ...any)

	// Jobs is the number of documents processed at once; 0 means one per CPU.
	Jobs int
	// Isolate says which documents are processed in a child process. Empty
	// means IsolateAll in zipin (which registers its worker mode) and
	// IsolateNone in programs that cannot serve as workers.
	Isolate string
	// WorkerCommand is the child's argv; empty means this executable's
	// hidden "__worker" subcommand.
	WorkerCommand []string
	// WorkerMemory caps a child's address space in bytes (0: isolate.DefaultMemoryLimit).
	WorkerMemory int64
	// WorkerMaxDocs restarts a child after that many documents (0: 500).
	WorkerMaxDocs int
	// Retries is how often a document whose worker was killed from outside
	// is tried again (0: DefaultRetries; negative: never).
	Retries int
	// MaxInput refuses larger inputs unread, in bytes (0: DefaultMaxInput;
	// negative: no limit).
	MaxInput int64
	// MaxFactsPerPage quarantines a document with a page holding more facts
	// (0: DefaultMaxFactsPerPage; negative: no limit).
	MaxFactsPerPage int
	// MaxRowsBytes quarantines a document whose rows exceed it, in bytes
	// (0: DefaultMaxRowsBytes; negative: no limit).
	MaxRowsBytes int64
	// FlushDocs, FlushBytes and FlushInterval bound a batch: it is
	// committed when it holds that many documents, about that many bytes of
	// rows, or when its oldest finished document has waited that long
	// (0: 200, 16 MB and DefaultFlushInterval). They bound memory and the
	// work a kill can lose.
	FlushDocs     int
	FlushBytes    int64
	FlushInterval time.Duration
	// Progress, if set, is called after each document, from one goroutine.
	Progress func(Progress)
}

// Progress is a snapshot of a running ingest.
type Progress struct {
	Total, Done                      int
	OK, Skipped, Quarantined, Failed int
	Ignored                          int // inputs left out by name or as no report
	Pages, Facts                     int
	Elapsed                          time.Duration
	Last                             Outcome
}

// Outcome is what happened to one input file.
type Outcome struct {
	Source string
	DocID  string
	Status Status // StatusOK, StatusSkipped, StatusQuarantined, StatusFailed, StatusIgnored
	Reason string // one line; for an ok document, a note (retried after a worker died)
	Facts  int
	Pages  int

	Format                 string
	Size                   int64
	Read, Extract, Analyze time.Duration
	// Attempts is how many times the document was started (more than 1
	// when its worker was killed from outside and it was retried).
	Attempts int
}

// Summary is the result of an ingest run.
type Summary struct {
	Out      string
	Outcomes []Outcome
	Files    []string // dataset files written

	RunID   int64         // the catalog's run id
	Elapsed time.Duration // wall time of the run
	// Extracted counts documents that went through extraction in this run
	// (ok, quarantined or failed, not skipped).
	Extracted int
	// PeakRSSKB is this process's peak resident set; WorkerPeakRSSKB the
	// highest of any worker child.
	PeakRSSKB, WorkerPeakRSSKB int64
	// Reconciled is how many catalog rows were corrected from the dataset at
	// the start (non-zero after an interrupted run).
	Reconciled int
	// KilledRuns are earlier runs that never finished (kill -9, a crash),
	// marked "killed" in the catalog by this one.
	KilledRuns []int64
	// InDataset is how many documents the dataset holds at the end: what
	// it held at the start plus what this run committed. After a failed
	// commit, that is the truth the counts of this run's outcomes are not.
	InDataset int
	// CommitError is the error of a commit that failed, if one did; the
	// outcomes of the documents it lost say "failed".
	CommitError error
	// CPU is the CPU time (user + system) this process spent in the run;
	// WorkerCPU that of its worker processes. Their ratio is the share of
	// the work that cannot spread over more workers (scale-out issue).
	CPU, WorkerCPU time.Duration
}

// Count returns how many outcomes have the given status.
func (s *Summary) Count(status Status) int {
	n := 0
	for _, o := range s.Outcomes {
		if o.Status == status {
			n++
		}
	}
	return n
}

// Facts is the number of facts written.
func (s *Summary) Facts() int {
	n := 0
	for _, o := range s.Outcomes {
		n += o.Facts
	}
	return n
}

// Pages is the number of pages written.
func (s *Summary) Pages() int {
	n := 0
	for _, o := range s.Outcomes {
		n += o.Pages
	}
	return n
}

// ignoredName says why a directory entry is left out by its name, or "".
// A path the user named is never left out this way (Collect).
func ignoredName(name string) string {
	switch {
	case strings.HasPrefix(name, catalog.FileName):
		return "the dataset's catalog (" + catalog.FileName + "*), not a report"
	case strings.HasPrefix(name, "."):
		return "hidden name (starts with \".\"); name it on the command line to ingest it"
	}
	return ""
}

// Collect expands paths into the files to ingest: files as given, directories
// walked recursively. Symlinked directories are followed once; a loop is
// reported, not followed. Entries of a walked directory whose names start
// with "." or "_catalog.sqlite" are left out, each listed as an ignored
// outcome with the reason (a hidden folder is one entry); a path named in
// paths is always taken. Problems are returned as outcomes, not errors, so
// one unreadable entry never stops a run.
func Collect(paths []string) (files []string, problems []Outcome) {
	return collect(context.Background(), paths)
}

// collect is Collect that stops walking when ctx ends (a signal during the
// listing of a large tree).
func collect(ctx context.Context, paths []string) (files []string, problems []Outcome) {
	seen := map[string]bool{}
	var walk func(p string)
	walk = func(p string) {
		if ctx.Err() != nil {
			return
		}
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			problems = append(problems, Outcome{Source: p, Status: StatusQuarantined, Reason: fmt.Sprintf("cannot resolve path: %v", pathErr(err))})
			return
		}
		st, err := os.Stat(real)
		if err != nil {
			problems = append(problems, Outcome{Source: p, Status: StatusQuarantined, Reason: err.Error()})
			return
		}
		if !st.IsDir() {
			if !seen[real] {
				seen[real] = true
				files = append(files, p)
			}
			return
		}
		if seen[real] {
			problems = append(problems, Outcome{Source: p, Status: StatusQuarantined, Reason: "directory loop: " + p + " leads back to " + real})
			return
		}
		seen[real] = true
		entries, err := os.ReadDir(p)
		if err != nil {
			problems = append(problems, Outcome{Source: p, Status: StatusQuarantined, Reason: fmt.Sprintf("cannot read directory: %v", pathErr(err))})
			return
		}
		for _, e := range entries {
			full := filepath.Join(p, e.Name())
			if why := ignoredName(e.Name()); why != "" {
				if e.IsDir() {
					why = "folder: " + why
				}
				problems = append(problems, Outcome{Source: full, Status: StatusIgnored, Reason: why})
				continue
			}
			walk(full)
		}
	}
	for _, p := range paths {
		walk(p)
	}
	// A file the user named is taken even when a walked folder left it out.
	kept := problems[:0]
	for _, p := range problems {
		if p.Status != StatusIgnored || !seen[p.Source] {
			kept = append(kept, p)
		}
	}
	problems = kept
	sort.Strings(files)
	sort.Slice(problems, func(i, j int) bool { return problems[i].Source < problems[j].Source })
	return files, problems
}

// result is one processed document, on its way to the writer.
type result struct {
	o     Outcome
	batch *schema.Batch
	input *catalog.Input // a changed input-cache entry to record, if any
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
}

// Ingest reads every file under paths and commits the extracted rows to the
// dataset at opts.Out, using opts.Jobs documents at a time. Documents already
// in the dataset with the current extractor version, or quarantined by it,
// are skipped unless opts.Force is set.
//
// Each document is done whole — read, extracted, analyzed, its rows built —
// in a worker process under the time budget and memory cap (IsolateAll);
// this process hashes files, decides what to do, and commits. Before a
// document is started it is recorded as in progress in the catalog, so a
// document that takes its process down is known to the next run.
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
	if opts.Jobs <= 0 {
		opts.Jobs = runtime.NumCPU()
	}
	if opts.Isolate == "" {
		opts.Isolate = IsolateAll
		if len(opts.WorkerCommand) == 0 && !isolate.Available() {
			// Not zipin (another program or test binary calling Ingest):
			// there is no worker to start, so parse in this process.
			opts.Isolate = IsolateNone
		}
	}
	switch opts.Isolate {
	case IsolateAll, IsolateRisky, IsolateNone:
	default:
		return nil, fmt.Errorf("ingest: unknown isolation mode %q (all, risky, none)", opts.Isolate)
	}
	if opts.Timeout <= 0 {
		// Without a budget a looping parser would hold its worker for ever.
		opts.Timeout = DefaultTimeout
	}
	if opts.WorkerMemory == 0 {
		opts.WorkerMemory = isolate.DefaultMemoryLimit
	}
	if opts.WorkerMaxDocs == 0 {
		opts.WorkerMaxDocs = 500
	}
	if opts.Retries == 0 {
		opts.Retries = DefaultRetries
	}
	if opts.MaxInput == 0 {
		opts.MaxInput = DefaultMaxInput
	}
	if opts.MaxFactsPerPage == 0 {
		opts.MaxFactsPerPage = DefaultMaxFactsPerPage
	}
	if opts.MaxRowsBytes == 0 {
		opts.MaxRowsBytes = DefaultMaxRowsBytes
	}
	if opts.FlushDocs <= 0 {
		opts.FlushDocs = 200
	}
	if opts.FlushBytes <= 0 {
		opts.FlushBytes = 16 << 20
	}
	if opts.FlushInterval <= 0 {
		opts.FlushInterval = DefaultFlushInterval
	}
	unlock, err := dataset.Lock(opts.Out)
	if err != nil {
		return nil, err
	}
	defer unlock()
	ds, err := dataset.Open(opts.Out, version.Extractor)
	if err != nil {
		return nil, err
	}
	cat, err := catalog.Open(opts.Out)
	if err != nil {
		return nil, err
	}
	defer cat.Close()
	r := &run{opts: opts, cat: cat, claimed: map[string]string{}}
	if r.present, err = presentDocs(opts.Out); err != nil {
		return nil, err
	}
	sum := &Summary{Out: opts.Out, InDataset: len(r.present)}
	if sum.Reconciled, err = cat.Reconcile(r.present); err != nil {
		return nil, err
	}
	if r.settled, err = cat.Settled(version.Extractor); err != nil {
		return nil, err
	}
	if r.inputs, err = cat.Inputs(); err != nil {
		return nil, err
	}
	if r.unfinished, err = cat.Unfinished(); err != nil {
		return nil, err
	}
	if err = cat.ClearIgnored(); err != nil {
		return nil, err
	}
	if sum.RunID, err = cat.StartRun(version.Extractor, opts.Jobs); err != nil {
		return nil, err
	}
	r.runID = sum.RunID
	// This run holds the lock: a run still "running" was killed.
	if sum.KilledRuns, err = cat.Killed(sum.RunID); err != nil {
		return nil, err
	}

	if opts.Isolate != IsolateAll {
		// Documents analyzed in this process need the segmenter's
		// dictionary (seconds of CPU): load it while files are listed and
		// hashed. With every document in a worker, this process never
		// loads it, which keeps it small.
		go segment.Default()
	}
	files, problems := collect(ctx, paths)
	r.named = map[string]bool{}
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			r.named[p] = true
		}
	}
	todo := make(chan string)
	results := make(chan result, opts.Jobs)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var peakMu sync.Mutex
	for i := 0; i < opts.Jobs; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := isolate.NewWorker(isolate.Config{Command: opts.WorkerCommand, MemoryLimit: opts.WorkerMemory, MaxDocs: opts.WorkerMaxDocs})
			defer func() {
				w.Close()
				peakMu.Lock()
				sum.WorkerPeakRSSKB = max(sum.WorkerPeakRSSKB, w.PeakRSSKB)
				peakMu.Unlock()
			}()
			for path := range todo {
				res := r.process(wctx, w, path)
				if wctx.Err() != nil {
					// Cut short by the end of the run, not by the document:
					// leave it unrecorded, to be extracted next time.
					return
				}
				select {
				case results <- res:
				case <-wctx.Done():
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
			case <-wctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(results)
	}()

	wr := &writer{r: r, ds: ds, cat: cat, sum: sum, start: start, total: len(files) + len(problems), committed: map[string]bool{}}
	var werr error
	for _, p := range problems {
		in := &catalog.Input{Path: p.Source, Status: p.Status, Reason: p.Reason}
		if werr = wr.add(result{o: p, input: in}); werr != nil {
			cancel()
			break
		}
	}
	tick := time.NewTicker(max(opts.FlushInterval/4, 10*time.Millisecond))
	defer tick.Stop()
loop:
	for {
		select {
		case res, ok := <-results:
			if !ok {
				break loop
			}
			if werr != nil {
				continue // drain, so the workers can stop
			}
			if werr = wr.add(res); werr != nil {
				cancel()
			}
		case <-tick.C:
			if werr == nil && wr.due() {
				if werr = wr.flush(); werr != nil {
					cancel()
				}
			}
		}
	}
	if werr == nil {
		werr = wr.flush()
	}
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
	sum.Elapsed = time.Since(start)
	sum.PeakRSSKB = isolate.PeakRSSKB(os.Getpid())
	sum.CPU, sum.WorkerCPU = cpuTime(unix.RUSAGE_SELF)-cpu0, cpuTime(unix.RUSAGE_CHILDREN)-kids0
	ferr := cat.FinishRun(catalog.Run{ID: sum.RunID, Inputs: wr.total, Extracted: sum.Extracted,
		Skipped: sum.Count(StatusSkipped), Quarantined: sum.Count(StatusQuarantined), Failed: sum.Count(StatusFailed),
		Ignored: sum.Count(StatusIgnored), Pages: sum.Pages(), Facts: sum.Facts(), State: state})
	if werr != nil {
		return sum, werr
	}
	return sum, ferr
}

// notAReport reads the head of the file at path and says what it is when
// that is no report (extract.NotAReport), or "".
func notAReport(path string, size int64) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("cannot read file: %v", pathErr(err))
	}
	defer f.Close()
	head := make([]byte, extract.NotAReportHead)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return "", fmt.Errorf("cannot read file: %v", pathErr(err))
	}
	return extract.NotAReport(head[:n], int64(n) == size), nil
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

// process takes one file through the decision and its whole work: read,
// extract, analyze, rows.
func (r *run) process(ctx context.Context, w *isolate.Worker, path string) result {
	o := Outcome{Source: path}
	if n := r.opts.SourceNames[path]; n != "" {
		o.Source = n
	}
	quarantine := func(reason string) result {
		o.Status, o.Reason = StatusQuarantined, reason
		return result{o: o, input: &catalog.Input{Path: path, Status: o.Status, Reason: reason}}
	}
	t0 := time.Now()
	st, err := os.Stat(path)
	if err != nil {
		return quarantine(fmt.Sprintf("cannot read file: %v", pathErr(err)))
	}
	if !st.Mode().IsRegular() {
		// A FIFO would block the reader for ever; a device is no document.
		return quarantine(fmt.Sprintf("cannot read file: not a regular file (%s)", st.Mode().Type()))
	}
	o.Size = st.Size()
	if r.opts.MaxInput > 0 && st.Size() > r.opts.MaxInput {
		// Refused unread: hashing it would cost seconds, reading it memory.
		return quarantine(fmt.Sprintf("input too large: %s, more than the %s limit (--max-input)", sizeMB(st.Size()), sizeMB(r.opts.MaxInput)))
	}
	if !r.named[path] {
		// A walked folder holds more than reports (code, data, images);
		// those are left out and listed, not turned into rows. A file the
		// user named is read whatever it looks like (docs/bulk.md).
		if what, err := notAReport(path, st.Size()); err != nil {
			return quarantine(err.Error())
		} else if what != "" {
			o.Status, o.Reason = StatusIgnored, "not a report: "+what
			return result{o: o, input: &catalog.Input{Path: path, Status: o.Status, Reason: o.Reason}}
		}
	}
	var input *catalog.Input
	if c, ok := r.inputs[path]; ok && c.DocID != "" && c.Size == st.Size() && c.MtimeNS == st.ModTime().UnixNano() {
		o.DocID = c.DocID // unchanged since the last run: no need to read it to know it
	} else {
		if o.DocID, err = hashFile(ctx, path); err != nil {
			if ctx.Err() != nil {
				return result{o: o}
			}
			return quarantine(err.Error())
		}
		input = &catalog.Input{Path: path, Size: st.Size(), MtimeNS: st.ModTime().UnixNano(), DocID: o.DocID}
	}
	if skip, why := r.skip(o.DocID, path); skip {
		o.Status, o.Reason = StatusSkipped, why
		return result{o: o, input: input}
	}
	o.Read = time.Since(t0)
	res := result{o: o, input: input}
	inProcess := r.opts.Isolate == IsolateNone
	var data []byte
	if r.opts.Isolate == IsolateRisky && st.Size() <= riskyInProcessMax {
		// Plain text and HTML of ordinary size are analyzed here; the
		// format decides. Anything larger goes to a worker unread, so this
		// process never holds a large input.
		if data, err = readFile(path); err != nil {
			return quarantine(err.Error())
		}
		f := extract.Detect(data)
		inProcess = f == doc.FormatTXT || f == doc.FormatHTML
		if !inProcess {
			data = nil
		}
	}
	if u, ok := r.unfinished[o.DocID]; ok && u.InProcess && inProcess && !r.opts.RetryQuarantined {
		// It was being analyzed in the import process when that process
		// died, and nothing guards this process from it: do not stall
		// every run on it. The quarantine now stands for it.
		res.o.Status, res.o.Reason = StatusQuarantined, fmt.Sprintf("the import process died while analyzing it in-process (run %d); run with --isolate all, or --retry-quarantined to try again", u.RunID)
		if err := r.cat.End(o.DocID); err != nil {
			res.o.Status, res.o.Reason = StatusFailed, err.Error()
		}
		return res
	}
	if err := r.cat.Begin(r.runID, o.DocID, path, inProcess); err != nil {
		res.o.Status, res.o.Reason = StatusFailed, err.Error()
		return res
	}
	var b *schema.Batch
	var reason string
	if inProcess {
		if data == nil {
			if data, err = readFile(path); err != nil {
				return quarantine(err.Error())
			}
		}
		b, reason, err = r.inProcess(ctx, path, data, &res.o)
	} else {
		b, reason, err = r.isolated(ctx, w, path, &res.o)
	}
	if ctx.Err() == nil {
		// Done, whatever the outcome: no longer a danger to this process.
		// (Cut short by the end of the run, it stays until FinishRun.)
		if err := r.cat.End(o.DocID); err != nil {
			res.o.Status, res.o.Reason = StatusFailed, err.Error()
			return res
		}
	}
	switch {
	case err != nil:
		res.o.Status, res.o.Reason = StatusFailed, isolate.OneLine(err.Error(), 300)
	case reason != "":
		res.o.Status, res.o.Reason = StatusQuarantined, Reason(reason)
	default:
		if r.opts.Accept != nil {
			if why := r.opts.Accept(path, b); why != "" {
				res.o.Status, res.o.Reason = StatusSkipped, why
				return res
			}
		}
		if o.Source != path {
			for i := range b.Reports {
				b.Reports[i].Source = o.Source // SourceNames
			}
		}
		res.batch = b
		res.o.Status, res.o.Facts, res.o.Pages = StatusOK, len(b.Facts), len(b.Texts)
		if len(b.Reports) > 0 {
			res.o.Format = b.Reports[0].Format
		}
	}
	return res
}

// riskyInProcessMax is the largest text or HTML input IsolateRisky analyzes
// in this process; a report's text is rarely a tenth of it.
const riskyInProcessMax = 4 << 20

// isolated has a worker do the document, trying again (up to Retries times)
// when the worker was killed from outside: only a death that repeats is
// blamed on the document.
func (r *run) isolated(ctx context.Context, w *isolate.Worker, path string, o *Outcome) (*schema.Batch, string, error) {
	req := isolate.Request{Path: path, Analyze: true, SourceURL: r.opts.SourceURLs[path],
		MaxFactsPerPage: max(r.opts.MaxFactsPerPage, 0), MaxRowsBytes: max(r.opts.MaxRowsBytes, 0)}
	var deaths []string
	for {
		o.Attempts++
		resp, err := w.Do(ctx, req, r.opts.Timeout)
		if err != nil && ctx.Err() == nil && len(deaths) < max(r.opts.Retries, 0) {
			// A worker that could not start (killed while starting, say)
			// is a death like the others: try again in a fresh one.
			deaths = append(deaths, isolate.OneLine(err.Error(), 200))
			continue
		}
		if err != nil {
			return nil, "", err
		}
		o.Extract, o.Analyze, o.Format = resp.Extract, resp.Analyze, resp.Format
		if resp.DocID != "" && resp.DocID != o.DocID {
			// Changed between our hash and the worker's read: the rows
			// carry the bytes the worker read.
			o.DocID, o.Size = resp.DocID, resp.Size
		}
		switch {
		case resp.Err != "":
			return nil, "", errors.New(resp.Err)
		case resp.Retryable && len(deaths) < max(r.opts.Retries, 0):
			deaths = append(deaths, resp.Unreadable)
			if r.opts.Log != nil {
				r.opts.Log("retrying %s: %s", path, resp.Unreadable)
			}
			continue
		case resp.Unreadable != "":
			if resp.Retryable {
				return nil, fmt.Sprintf("%s, on each of %d attempts", resp.Unreadable, o.Attempts), nil
			}
			return nil, resp.Unreadable, nil
		}
		if len(deaths) > 0 {
			// The cause of the retries stays on record with the document.
			o.Reason = fmt.Sprintf("done on attempt %d; before: %s", o.Attempts, strings.Join(deaths, "; "))
		}
		return resp.Batch, "", nil
	}
}

// inProcess does the document in this process. Its time budget is kept by
// abandoning the work (the goroutine runs on until the process ends), so a
// run is never held up; there is no memory cap here (IsolateNone).
func (r *run) inProcess(ctx context.Context, path string, data []byte, o *Outcome) (*schema.Batch, string, error) {
	o.Attempts++
	dctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	type out struct {
		b        *schema.Batch
		err      error
		ext, ana time.Duration
		format   string
	}
	ch := make(chan out, 1)
	go func() {
		var res out
		defer func() {
			if p := recover(); p != nil {
				res.b, res.err = nil, doc.Unreadablef("internal error while reading the %s: %s", strings.ToUpper(res.format), isolate.OneLine(fmt.Sprint(p), 200))
			}
			ch <- res
		}()
		res.format = string(extract.Detect(data))
		t0 := time.Now()
		d, err := extract.Read(dctx, path, data)
		res.ext = time.Since(t0)
		if err != nil {
			res.err = err
			return
		}
		t1 := time.Now()
		res.b, res.err = analyzeBounded(dctx, Input{Source: path, SourceURL: r.opts.SourceURLs[path], Data: data}, d,
			r.opts.MaxFactsPerPage, r.opts.MaxRowsBytes)
		res.ana = time.Since(t1)
	}()
	var res out
	select {
	case res = <-ch:
	case <-dctx.Done():
	}
	if ctx.Err() != nil {
		return nil, "", ctx.Err()
	}
	if dctx.Err() != nil {
		return nil, "exceeded " + isolate.FormatDuration(r.opts.Timeout) + " (time budget per document)", nil
	}
	o.Extract, o.Analyze, o.Format = res.ext, res.ana, res.format
	var u *doc.Unreadable
	switch {
	case errors.As(res.err, &u):
		return nil, u.Error(), nil
	case res.err != nil:
		return nil, res.err.Error(), nil
	}
	return res.b, "", nil
}

// skip decides, and claims, a document: the first path with given bytes in
// a run extracts them; later copies are skipped.
func (r *run) skip(id, path string) (bool, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if first, ok := r.claimed[id]; ok {
		return true, "same bytes as " + first
	}
	if !r.opts.Force {
		if p, ok := r.present[id]; ok && p.ExtractorVersion == version.Extractor {
			return true, "already in the dataset"
		}
		if d, ok := r.settled[id]; ok && !r.opts.RetryQuarantined {
			return true, "quarantined before with this extractor version: " + d.Reason
		}
	}
	r.claimed[id] = path
	return false, ""
}

// hashFile is the DocID of a file, read in chunks (constant memory, and ctx
// is checked between chunks so a signal is honoured during a large file).
func hashFile(ctx context.Context, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return "", errors.New("cannot read file: permission denied")
		}
		return "", fmt.Errorf("cannot read file: %v", pathErr(err))
	}
	defer f.Close()
	h := sha256.New()
	buf := make([]byte, 1<<20)
	for {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		n, err := f.Read(buf)
		h.Write(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("cannot read file: %v", err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// readFile reads a regular file without blocking on special files.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return nil, errors.New("cannot read file: permission denied")
		}
		return nil, fmt.Errorf("cannot read file: %v", pathErr(err))
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("cannot read file: %v", err)
	}
	return data, nil
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

// pathErr is the cause of a path error without the path (the outcome names
// the file already).
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// sizeMB writes a byte count in MB for a reason.
func sizeMB(n int64) string {
	if n < 10<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d MB", n>>20)
}

// writer is the single goroutine that commits batches and catalog rows.
type writer struct {
	r     *run
	ds    *dataset.Dataset
	cat   *catalog.Catalog
	sum   *Summary
	start time.Time
	total int

	batch   schema.Batch
	bytes   int64
	docs    []catalog.Doc
	inputs  []catalog.Input
	pending []int     // indices in sum.Outcomes of the batch's documents with rows
	oldest  time.Time // when the oldest pending outcome arrived
	prog    Progress
	// committed holds the doc_ids whose rows this run committed.
	committed map[string]bool
}

func (w *writer) add(res result) error {
	o := res.o
	if len(w.docs)+len(w.inputs) == 0 && w.batch.Len() == 0 {
		w.oldest = time.Now()
	}
	w.sum.Outcomes = append(w.sum.Outcomes, o)
	if res.input != nil {
		w.inputs = append(w.inputs, *res.input)
	}
	if o.Status != StatusSkipped && o.Status != StatusIgnored && o.DocID != "" {
		w.sum.Extracted++
		d := catalog.Doc{DocID: o.DocID, Source: o.Source, Size: o.Size, Format: o.Format,
			Status: o.Status, Reason: o.Reason, ExtractorVersion: version.Extractor, Read: o.Read,
			Extract: o.Extract, Analyze: o.Analyze, Pages: o.Pages, Facts: o.Facts}
		if res.batch != nil && len(res.batch.Reports) > 0 {
			// Until the commit names the file, remember the partition.
			d.Files = []string{dataset.PartitionDir(res.batch.Reports[0].FiscalYear)}
		}
		w.docs = append(w.docs, d)
	}
	if res.batch != nil {
		w.batch.Append(res.batch)
		w.bytes += batchBytes(res.batch)
		w.pending = append(w.pending, len(w.sum.Outcomes)-1)
	}
	w.progress(o)
	if w.r.opts.Log != nil {
		w.r.opts.Log("%s %s %s", o.Status, o.Source, o.Reason)
	}
	if w.batch.Len() >= w.r.opts.FlushDocs || w.bytes >= w.r.opts.FlushBytes || len(w.docs)+len(w.inputs) >= 4*w.r.opts.FlushDocs {
		return w.flush()
	}
	return nil
}

// due says whether the pending work has waited FlushInterval.
func (w *writer) due() bool {
	return len(w.docs)+len(w.inputs) > 0 && time.Since(w.oldest) >= w.r.opts.FlushInterval
}

func (w *writer) progress(o Outcome) {
	p := &w.prog
	p.Total, p.Done, p.Last, p.Elapsed = w.total, p.Done+1, o, time.Since(w.start)
	switch o.Status {
	case StatusOK:
		p.OK++
	case StatusSkipped:
		p.Skipped++
	case StatusIgnored:
		p.Ignored++
	case StatusQuarantined:
		p.Quarantined++
	case StatusFailed:
		p.Failed++
	}
	p.Pages += o.Pages
	p.Facts += o.Facts
	if w.r.opts.Progress != nil {
		w.r.opts.Progress(*p)
	}
}

// flush commits the batch to the dataset, then records it in the catalog.
// When the commit fails, the documents whose rows it held become "failed"
// in the summary: it reports what the dataset holds, not what was extracted.
func (w *writer) flush() error {
	var files []string
	batchID := ""
	if w.batch.Len() > 0 {
		var err error
		if files, err = w.ds.Commit(&w.batch); err != nil {
			for _, i := range w.pending {
				o := &w.sum.Outcomes[i]
				o.Status, o.Reason, o.Facts, o.Pages = StatusFailed, "rows not written: "+isolate.OneLine(err.Error(), 200), 0, 0
			}
			w.batch, w.bytes, w.docs, w.inputs, w.pending = schema.Batch{}, 0, nil, nil, nil
			return err
		}
		w.sum.Files = append(w.sum.Files, files...)
		if len(files) > 0 {
			batchID = dataset.Origin(files[0])
		}
		for _, i := range w.pending {
			w.committed[w.sum.Outcomes[i].DocID] = true
		}
	}
	for i := range w.docs {
		if w.docs[i].Status == catalog.StatusOK && len(w.docs[i].Files) == 1 {
			// The document's reports file; the other tables' files of the
			// batch share its name.
			w.docs[i].Batch, w.docs[i].Files = batchID, reportsFile(files, w.docs[i].Files[0])
		}
	}
	if len(w.docs)+len(w.inputs) > 0 {
		if err := w.cat.Record(w.sum.RunID, w.docs, w.inputs); err != nil {
			return err
		}
	}
	w.batch, w.bytes, w.docs, w.inputs, w.pending = schema.Batch{}, 0, nil, nil, nil
	return nil
}

// reportsFile picks, among a commit's files, the reports file of a partition.
func reportsFile(files []string, partition string) []string {
	want := filepath.Join(schema.TableReports, partition) + string(filepath.Separator)
	for _, f := range files {
		if strings.HasPrefix(f, want) {
			return []string{f}
		}
	}
	return nil
}

// batchBytes estimates the memory a document's rows hold.
func batchBytes(b *schema.Batch) int64 {
	n := int64(0)
	for _, t := range b.Texts {
		n += int64(len(t.Text)) + 64
	}
	for _, f := range b.Facts {
		n += int64(len(f.Text)) + 160
		if f.Section != nil {
			n += int64(len(*f.Section))
		}
	}
	n += int64(len(b.Indicators))*256 + int64(len(b.Projects))*256 + int64(len(b.Reports))*512
	return n
}
