package pipeline

import (
	"context"
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

	"zipin/catalog"
	"zipin/extract"
	"zipin/extract/doc"
	"zipin/isolate"
	"zipin/schema"
	"zipin/segment"
	"zipin/version"
)

// DefaultTimeout is the time budget of a document when Options.Timeout is 0.
const DefaultTimeout = 2 * time.Minute

// Isolation modes: which documents are parsed in a worker child process.
const (
	IsolateAll   = "all"   // every document (the default: the overhead is small, see docs/bulk.md)
	IsolateRisky = "risky" // everything but plain text and HTML
	IsolateNone  = "none"  // nothing: parse in this process (no time or memory cap)
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
	// Timeout is the time budget of one document's extraction (0: DefaultTimeout).
	Timeout time.Duration
	// Log, if set, receives one line per document.
	Log func(format string, args ...any)

	// Jobs is the number of documents processed at once; 0 means one per CPU.
	Jobs int
	// Isolate says which documents are parsed in a child process. Empty
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
	// FlushDocs and FlushBytes bound a batch: it is committed when it holds
	// that many documents or about that many bytes of rows (0: 200 and 16 MB).
	// They bound memory, whatever the corpus size.
	FlushDocs  int
	FlushBytes int64
	// Progress, if set, is called after each document, from one goroutine.
	Progress func(Progress)
}

// Progress is a snapshot of a running ingest.
type Progress struct {
	Total, Done                      int
	OK, Skipped, Quarantined, Failed int
	Pages, Facts                     int
	Elapsed                          time.Duration
	Last                             Outcome
}

// Outcome is what happened to one input file.
type Outcome struct {
	Source string
	DocID  string
	Status string // ok, skipped, quarantined, failed
	Reason string
	Facts  int
	Pages  int

	Format                 string
	Size                   int64
	Read, Extract, Analyze time.Duration
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
}

// Count returns how many outcomes have the given status.
func (s *Summary) Count(status string) int {
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

// Collect expands paths into the files to ingest: files as given, directories
// walked recursively. Symlinked directories are followed once; a loop is
// reported, not followed. Problems are returned as outcomes, not errors, so
// one unreadable entry never stops a run.
func Collect(paths []string) (files []string, problems []Outcome) {
	seen := map[string]bool{}
	var walk func(p string)
	walk = func(p string) {
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			problems = append(problems, Outcome{Source: p, Status: "quarantined", Reason: fmt.Sprintf("cannot resolve path: %v", err)})
			return
		}
		st, err := os.Stat(real)
		if err != nil {
			problems = append(problems, Outcome{Source: p, Status: "quarantined", Reason: err.Error()})
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
			problems = append(problems, Outcome{Source: p, Status: "quarantined", Reason: "directory loop: " + p + " leads back to " + real})
			return
		}
		seen[real] = true
		entries, err := os.ReadDir(p)
		if err != nil {
			problems = append(problems, Outcome{Source: p, Status: "quarantined", Reason: fmt.Sprintf("cannot read directory: %v", err)})
			return
		}
		for _, e := range entries {
			if e.Name()[0] == '.' || strings.HasPrefix(e.Name(), catalog.FileName) {
				continue // hidden files, the dataset's own staging folders and catalog
			}
			walk(filepath.Join(p, e.Name()))
		}
	}
	for _, p := range paths {
		walk(p)
	}
	sort.Strings(files)
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
	opts    Options
	present map[string]catalog.Present // the dataset's documents at the start
	settled map[string]catalog.Doc     // quarantined by this version before
	inputs  map[string]catalog.Input   // the input cache at the start
	mu      sync.Mutex
	claimed map[string]string // doc_id → the path that claimed it in this run
}

// Ingest reads every file under paths and commits the extracted rows to the
// dataset at opts.Out, using opts.Jobs documents at a time. Documents already
// in the dataset with the current extractor version, or quarantined by it,
// are skipped unless opts.Force is set.
//
// Order of durability: a batch's rows are committed to the dataset first
// (atomically), then its catalog rows. A crash in between leaves the catalog
// behind the dataset, which the next run's Reconcile repairs; the dataset,
// which decides what is skipped, is never behind the catalog.
func Ingest(ctx context.Context, opts Options, paths []string) (*Summary, error) {
	start := time.Now()
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
	if opts.FlushDocs <= 0 {
		opts.FlushDocs = 200
	}
	if opts.FlushBytes <= 0 {
		opts.FlushBytes = 16 << 20
	}
	unlock, err := schema.Lock(opts.Out)
	if err != nil {
		return nil, err
	}
	defer unlock()
	ds, err := schema.Open(opts.Out, version.Extractor)
	if err != nil {
		return nil, err
	}
	cat, err := catalog.Open(opts.Out)
	if err != nil {
		return nil, err
	}
	defer cat.Close()
	r := &run{opts: opts, claimed: map[string]string{}}
	if r.present, err = presentDocs(opts.Out); err != nil {
		return nil, err
	}
	sum := &Summary{Out: opts.Out}
	if sum.Reconciled, err = cat.Reconcile(r.present); err != nil {
		return nil, err
	}
	if r.settled, err = cat.Settled(version.Extractor); err != nil {
		return nil, err
	}
	if r.inputs, err = cat.Inputs(); err != nil {
		return nil, err
	}
	if sum.RunID, err = cat.StartRun(version.Extractor, opts.Jobs); err != nil {
		return nil, err
	}

	// Load the segmenter's dictionary (seconds of CPU) while the files are
	// listed and hashed, rather than in front of the first document.
	segReady := make(chan struct{})
	go func() {
		segment.Default()
		close(segReady)
	}()
	files, problems := Collect(paths)
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
			send := func(res result) bool {
				if wctx.Err() != nil {
					// Cut short by the end of the run, not by the document:
					// leave it unrecorded, to be extracted next time.
					return false
				}
				select {
				case results <- res:
					return true
				case <-wctx.Done():
					return false
				}
			}
			// While the segmenter's dictionary loads (seconds of CPU),
			// extracted documents wait in a small backlog instead of
			// blocking extraction.
			var backlog []extracted
			var backlogBytes int
			drain := func() bool {
				for _, e := range backlog {
					if !send(r.analyze(wctx, e)) {
						return false
					}
				}
				backlog, backlogBytes = nil, 0
				return true
			}
			for path := range todo {
				res, e := r.read(wctx, w, path)
				if e == nil {
					if !send(res) {
						return
					}
					continue
				}
				select {
				case <-segReady:
				default:
					if backlogBytes+len(e.data) <= backlogMax {
						backlog = append(backlog, *e)
						backlogBytes += len(e.data)
						continue
					}
				}
				if !drain() || !send(r.analyze(wctx, *e)) {
					return
				}
			}
			drain()
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

	wr := &writer{r: r, ds: ds, cat: cat, sum: sum, start: start, total: len(files) + len(problems)}
	for _, p := range problems {
		wr.add(result{o: p, input: &catalog.Input{Path: p.Source, Status: p.Status, Reason: p.Reason}})
	}
	var werr error
	for res := range results {
		if werr != nil {
			continue // drain, so the workers can stop
		}
		if werr = wr.add(res); werr != nil {
			cancel()
		}
	}
	if werr == nil {
		werr = wr.flush()
	}
	state := "done"
	switch {
	case werr != nil:
		state = "failed"
	case ctx.Err() != nil:
		state = "interrupted"
		werr = ctx.Err()
	}
	sum.Elapsed = time.Since(start)
	sum.PeakRSSKB = isolate.PeakRSSKB(os.Getpid())
	ferr := cat.FinishRun(catalog.Run{ID: sum.RunID, Inputs: wr.total, Extracted: sum.Extracted,
		Skipped: sum.Count("skipped"), Quarantined: sum.Count("quarantined"), Failed: sum.Count("failed"),
		Pages: sum.Pages(), Facts: sum.Facts(), State: state})
	if werr != nil {
		return sum, werr
	}
	return sum, ferr
}

// presentDocs reads what the dataset holds: one reports row per document.
func presentDocs(dir string) (map[string]catalog.Present, error) {
	rows, err := schema.ReadTable[struct {
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

// read takes one file through the decision and extraction. It returns the
// final result, or, for a document to analyze, the extracted document.
func (r *run) read(ctx context.Context, w *isolate.Worker, path string) (result, *extracted) {
	o := Outcome{Source: path}
	quarantine := func(reason string) result {
		o.Status, o.Reason = "quarantined", reason
		return result{o: o, input: &catalog.Input{Path: path, Status: o.Status, Reason: reason}}
	}
	t0 := time.Now()
	st, err := os.Stat(path)
	if err != nil {
		return quarantine(fmt.Sprintf("cannot read file: %v", errors.Unwrap(err))), nil
	}
	if !st.Mode().IsRegular() {
		// A FIFO would block the reader for ever; a device is no document.
		return quarantine(fmt.Sprintf("cannot read file: not a regular file (%s)", st.Mode().Type())), nil
	}
	o.Size = st.Size()
	var data []byte
	var input *catalog.Input
	if c, ok := r.inputs[path]; ok && c.DocID != "" && c.Size == st.Size() && c.MtimeNS == st.ModTime().UnixNano() {
		o.DocID = c.DocID // unchanged since the last run: no need to read it to know it
	} else {
		if data, err = readFile(path); err != nil {
			return quarantine(err.Error()), nil
		}
		o.DocID = DocID(data)
		input = &catalog.Input{Path: path, Size: st.Size(), MtimeNS: st.ModTime().UnixNano(), DocID: o.DocID}
	}
	if skip, why := r.skip(o.DocID, path); skip {
		o.Status, o.Reason = "skipped", why
		return result{o: o, input: input}, nil
	}
	if data == nil {
		if data, err = readFile(path); err != nil {
			return quarantine(err.Error()), nil
		}
		if id := DocID(data); id != o.DocID {
			// Changed under the same size and mtime: trust the bytes.
			o.DocID = id
			input = &catalog.Input{Path: path, Size: st.Size(), MtimeNS: st.ModTime().UnixNano(), DocID: id}
		}
	}
	o.Read = time.Since(t0)
	res := result{o: o, input: input}
	d, reason, err := r.extract(ctx, w, path, data, &res.o)
	if err != nil {
		res.o.Status, res.o.Reason = "failed", err.Error()
		return res, nil
	}
	if reason != "" {
		res.o.Status, res.o.Reason = "quarantined", reason
		return res, nil
	}
	res.o.Format = string(d.Format)
	return res, &extracted{res: res, d: d, data: data}
}

// backlogMax bounds the bytes of documents one worker holds while the
// segmenter loads.
const backlogMax = 8 << 20

// extracted is a document read by a worker, waiting for analysis.
type extracted struct {
	res  result
	d    *doc.Document
	data []byte
}

// analyze runs the stages after extraction, in this process.
func (r *run) analyze(ctx context.Context, e extracted) result {
	res, path, d, data := e.res, e.res.o.Source, e.d, e.data
	t1 := time.Now()
	b, err := AnalyzeDocument(ctx, Input{Source: path, SourceURL: r.opts.SourceURLs[path], Data: data}, d)
	res.o.Analyze = time.Since(t1)
	if err != nil {
		var u *doc.Unreadable
		if errors.As(err, &u) {
			res.o.Status, res.o.Reason = "quarantined", u.Reason
		} else {
			res.o.Status, res.o.Reason = "failed", err.Error()
		}
		return res
	}
	res.batch = b
	res.o.Status, res.o.Facts, res.o.Pages = "ok", len(b.Facts), len(b.Texts)
	return res
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

// extract reads the document, in a child process when the isolation mode
// says so. It returns the document, or a quarantine reason, or an error when
// the worker itself cannot run.
func (r *run) extract(ctx context.Context, w *isolate.Worker, path string, data []byte, o *Outcome) (*doc.Document, string, error) {
	isolated := r.opts.Isolate == IsolateAll
	if r.opts.Isolate == IsolateRisky {
		f := extract.Detect(data)
		isolated = f != doc.FormatTXT && f != doc.FormatHTML
	}
	if isolated {
		resp, err := w.Do(ctx, isolate.Request{Path: path, Data: data}, r.opts.Timeout)
		if err != nil {
			return nil, "", err
		}
		o.Extract = resp.Extract
		switch {
		case resp.Err != "":
			return nil, "", errors.New(resp.Err)
		case resp.Unreadable != "":
			return nil, resp.Unreadable, nil
		}
		return resp.Doc, "", nil
	}
	t0 := time.Now()
	dctx := ctx
	if r.opts.Timeout > 0 {
		var cancel context.CancelFunc
		dctx, cancel = context.WithTimeout(ctx, r.opts.Timeout)
		defer cancel()
	}
	d, err := extract.Read(dctx, path, data)
	o.Extract = time.Since(t0)
	var u *doc.Unreadable
	switch {
	case errors.As(err, &u):
		return nil, u.Reason, nil
	case err != nil:
		return nil, "", err
	}
	return d, "", nil
}

// readFile reads a regular file without blocking on special files.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return nil, errors.New("cannot read file: permission denied")
		}
		return nil, fmt.Errorf("cannot read file: %v", errors.Unwrap(err))
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("cannot read file: %v", err)
	}
	return data, nil
}

// writer is the single goroutine that commits batches and catalog rows.
type writer struct {
	r     *run
	ds    *schema.Dataset
	cat   *catalog.Catalog
	sum   *Summary
	start time.Time
	total int

	batch  schema.Batch
	bytes  int64
	docs   []catalog.Doc
	inputs []catalog.Input
	prog   Progress
}

func (w *writer) add(res result) error {
	o := res.o
	w.sum.Outcomes = append(w.sum.Outcomes, o)
	if res.input != nil {
		w.inputs = append(w.inputs, *res.input)
	}
	if o.Status != "skipped" && o.DocID != "" {
		w.sum.Extracted++
		d := catalog.Doc{DocID: o.DocID, Source: o.Source, Size: o.Size, Format: o.Format,
			Status: o.Status, Reason: o.Reason, ExtractorVersion: version.Extractor, Read: o.Read,
			Extract: o.Extract, Analyze: o.Analyze, Pages: o.Pages, Facts: o.Facts}
		if res.batch != nil && len(res.batch.Reports) > 0 {
			// Until the commit names the file, remember the partition.
			d.Files = []string{schema.PartitionDir(res.batch.Reports[0].FiscalYear)}
		}
		w.docs = append(w.docs, d)
	}
	if res.batch != nil {
		w.batch.Append(res.batch)
		w.bytes += batchBytes(res.batch)
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

func (w *writer) progress(o Outcome) {
	p := &w.prog
	p.Total, p.Done, p.Last, p.Elapsed = w.total, p.Done+1, o, time.Since(w.start)
	switch o.Status {
	case "ok":
		p.OK++
	case "skipped":
		p.Skipped++
	case "quarantined":
		p.Quarantined++
	case "failed":
		p.Failed++
	}
	p.Pages += o.Pages
	p.Facts += o.Facts
	if w.r.opts.Progress != nil {
		w.r.opts.Progress(*p)
	}
}

// flush commits the batch to the dataset, then records it in the catalog.
func (w *writer) flush() error {
	var files []string
	batchID := ""
	if w.batch.Len() > 0 {
		var err error
		if files, err = w.ds.Commit(&w.batch); err != nil {
			return err
		}
		w.sum.Files = append(w.sum.Files, files...)
		if len(files) > 0 {
			batchID = schema.Origin(files[0])
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
	w.batch, w.bytes, w.docs, w.inputs = schema.Batch{}, 0, nil, nil
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
