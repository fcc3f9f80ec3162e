package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"zipin/catalog"
	"zipin/extract"
	"zipin/extract/doc"
	"zipin/isolate"
	"zipin/schema"
)

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
				o.Retryable = true
				if o.Attempts == 1 {
					return nil, resp.Unreadable, nil // Retries < 0: the caller retries (queue)
				}
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

// work does a claimed document (res, from claim) of size bytes: it decides
// where it is parsed (in a worker, or here under IsolateNone and, for plain
// text and HTML, IsolateRisky), records it as in progress in the catalog
// for the time of the work (in-process: committed before it; in a worker:
// queued for the writer's next commit, mark; without a catalog, as for
// Documents, the caller keeps that record), and turns the answer into the
// outcome.
func (r *run) work(ctx context.Context, w *isolate.Worker, path string, size int64, res result) result {
	o := res.o
	var err error
	inProcess := r.opts.Isolate == IsolateNone
	var data []byte
	if r.opts.Isolate == IsolateRisky && size <= riskyInProcessMax {
		// Plain text and HTML of ordinary size are analyzed here; the
		// format decides. Anything larger goes to a worker unread, so this
		// process never holds a large input.
		if data, err = readFile(path); err != nil {
			return quarantined(o, path, err.Error())
		}
		f := extract.Detect(data)
		inProcess = f == doc.FormatTXT || f == doc.FormatHTML
		if !inProcess {
			data = nil
		}
	}
	if u, ok := r.unfinished[o.DocID]; ok && r.cat != nil && u.InProcess && inProcess && !r.opts.RetryQuarantined {
		// It was being analyzed in the import process when that process
		// died, and nothing guards this process from it: do not stall
		// every run on it. The quarantine now stands for it.
		res.o.Status, res.o.Reason = StatusQuarantined, fmt.Sprintf("the import process died while analyzing it in-process (run %d); run with --isolate all, or --retry-quarantined to try again", u.RunID)
		if err := r.cat.End(o.DocID); err != nil {
			res.o.Status, res.o.Reason = StatusFailed, err.Error()
		}
		return res
	}
	if r.cat != nil && inProcess {
		// Committed before the work: if it takes this process down, the
		// next run must know.
		if err := r.cat.Begin(r.runID, o.DocID, path, inProcess); err != nil {
			res.o.Status, res.o.Reason = StatusFailed, err.Error()
			return res
		}
	} else if r.cat != nil {
		// A worker's document cannot take this process down: its row only
		// tells `zipin status` what a killed run had in hand, so it waits
		// for the writer's next transaction (catalog.RecordMarks), which
		// may record the document's outcome too, instead of a commit of
		// its own before the work and another after.
		r.mark(catalog.Mark{DocID: o.DocID, Source: path, Begin: true})
	}
	var b *schema.Batch
	var reason string
	if inProcess {
		if data == nil {
			if data, err = readFile(path); err != nil {
				return quarantined(o, path, err.Error())
			}
		}
		b, reason, err = r.inProcess(ctx, path, data, &res.o)
	} else {
		b, reason, err = r.isolated(ctx, w, path, &res.o)
	}
	if ctx.Err() == nil && r.cat != nil && inProcess {
		// Done, whatever the outcome: no longer a danger to this process.
		// (Cut short by the end of the run, it stays until FinishRun.)
		if err := r.cat.End(o.DocID); err != nil {
			res.o.Status, res.o.Reason = StatusFailed, err.Error()
			return res
		}
	} else if ctx.Err() == nil && r.cat != nil && res.o.DocID != o.DocID {
		// The file changed since it was hashed: the outcome's record ends
		// the row of the new doc_id, not this one.
		r.mark(catalog.Mark{DocID: o.DocID})
	}
	switch {
	case err != nil:
		res.o.Status, res.o.Reason = StatusFailed, isolate.OneLine(err.Error(), 300)
	case reason != "":
		res.o.Status, res.o.Reason = StatusQuarantined, Reason(reason)
	default:
		if r.opts.Accept != nil {
			if why := r.opts.Accept(path, b); why != "" {
				if r.cat != nil && !inProcess && res.o.DocID == o.DocID {
					r.mark(catalog.Mark{DocID: o.DocID}) // not recorded: end its row
				}
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

// mark queues a change to the in-progress rows for the writer's next
// transaction (catalog.RecordMarks).
func (r *run) mark(m catalog.Mark) {
	r.marksMu.Lock()
	defer r.marksMu.Unlock()
	if len(r.marks) == 0 {
		r.marksSince = time.Now()
	}
	r.marks = append(r.marks, m)
}

// takeMarks returns the queued marks, in their order, and empties the queue.
func (r *run) takeMarks() []catalog.Mark {
	r.marksMu.Lock()
	defer r.marksMu.Unlock()
	m := r.marks
	r.marks = nil
	return m
}

// marksWaited says how long the oldest queued mark has waited (0: none).
func (r *run) marksWaited() time.Duration {
	r.marksMu.Lock()
	defer r.marksMu.Unlock()
	if len(r.marks) == 0 {
		return 0
	}
	return time.Since(r.marksSince)
}
