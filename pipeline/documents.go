package pipeline

import (
	"context"

	"zipin/schema"
)

// Documents does documents one at a time for a caller that schedules them
// itself (package queue's workers, which take them from a job queue): the
// same decisions before any work (Identify) and the same work in a worker
// child (Extract) as Ingest, without Ingest's walk, skip lists, catalog or
// writer — the caller writes the rows and keeps the records.
//
// It is safe for concurrent use: at most opts.Jobs documents are extracted
// at once, each in its own child process (isolate.Worker).
type Documents struct {
	r    *run
	kids *children
}

// NewDocuments prepares to do documents under opts (Out, Force, the skip
// lists and the writer's settings are not used). named are the paths the
// user named (files named are read whatever they look like; files found in
// a walked folder that are no report are ignored), as given to Ingest.
func NewDocuments(opts Options, named []string) (*Documents, error) {
	if err := opts.setDefaults(); err != nil {
		return nil, err
	}
	r := &run{opts: opts, claimed: map[string]string{}, named: namedFiles(named)}
	d := &Documents{r: r, kids: newChildren(opts)}
	if opts.Isolate != IsolateAll {
		r.warmSegmenter()
	}
	return d, nil
}

// Identify takes the decisions on one file that come before any work, as
// Ingest does: refused unread (not a regular file, over MaxInput; not a
// report in a walked folder), hashed (Outcome.DocID, Size), or skipped as a
// copy of a file identified before by this Documents. With final, the
// outcome is the file's last word (quarantined, ignored or skipped);
// otherwise the document is to be extracted.
func (d *Documents) Identify(ctx context.Context, path string) (o Outcome, final bool) {
	res, _, done := d.r.claim(ctx, path)
	return res.o, done
}

// Extract does the document at path, identified as docID, whole — read,
// extract, analyze, rows — in a worker child under the time budget and
// memory cap (or in this process, per opts.Isolate), and returns its
// outcome: StatusOK with its rows (every row has the document's doc_id;
// the outcome's DocID is that of the bytes read, which differs from docID
// if the file changed since it was identified), StatusQuarantined with the
// reason (Retryable when only deaths from outside caused it), or
// StatusFailed when the cause is not the document (the worker could not
// start, an I/O error). When ctx ends first, the outcome is StatusFailed
// with ctx's error as the reason.
func (d *Documents) Extract(ctx context.Context, path, docID string) (Outcome, *schema.Batch) {
	o := Outcome{Source: path, DocID: docID}
	if n := d.r.opts.SourceNames[path]; n != "" {
		o.Source = n
	}
	st, why := d.r.refuse(path)
	if why != "" {
		return quarantined(o, path, why).o, nil
	}
	o.Size = st.Size()
	w, err := d.kids.get(ctx)
	if err != nil {
		o.Status, o.Reason = StatusFailed, err.Error()
		return o, nil
	}
	defer d.kids.put(w)
	res := d.r.work(ctx, w, path, st.Size(), result{o: o})
	if ctx.Err() != nil && res.o.Status != StatusOK {
		res.o.Status, res.o.Reason = StatusFailed, ctx.Err().Error()
	}
	return res.o, res.batch
}

// Close stops the worker children; call it once no Extract is running.
func (d *Documents) Close() {
	d.kids.close()
}
