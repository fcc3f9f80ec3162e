package pipeline

import (
	"context"
	"path/filepath"
	"strings"
	"time"
	"zipin/catalog"
	"zipin/dataset"
	"zipin/isolate"
	"zipin/schema"
	"zipin/version"
)

// writer is the single goroutine that commits batches and catalog rows.
type writer struct {
	r     *run
	ds    *dataset.Dataset
	cat   *catalog.Catalog
	sum   *Summary
	start time.Time
	total int

	// batches are the pending documents' rows, written one after another
	// into the commit's files (Dataset.CommitBatches): appending each to one
	// growing batch copied every row about twice over, and joining them at
	// the commit copied every row once.
	batches []*schema.Batch
	bytes   int64
	docs    []catalog.Doc
	inputs  []catalog.Input
	pending []int     // indices in sum.Outcomes of the batch's documents with rows
	oldest  time.Time // when the oldest pending outcome arrived
	prog    Progress
	// committed holds the doc_ids whose rows this run committed.
	committed map[string]bool
	// acks wait for the commit of the pending documents: their jobs
	// complete once it is done (doJob).
	acks []chan<- error
}

// drain records the walk's problems, then each result as it comes, and
// commits a batch when it is full (add) or has waited FlushInterval (due).
// On the first error it calls cancel and reads the rest unrecorded, so the
// workers can stop. It returns the first error; without one, the last batch
// is committed.
func (w *writer) drain(problems []Outcome, results <-chan result, cancel context.CancelFunc) error {
	var werr error
	for _, p := range problems {
		in := &catalog.Input{Path: p.Source, Status: p.Status, Reason: p.Reason}
		if werr = w.add(result{o: p, input: in}); werr != nil {
			cancel()
			break
		}
	}
	tick := time.NewTicker(max(w.r.opts.FlushInterval/4, 10*time.Millisecond))
	defer tick.Stop()
loop:
	for {
		select {
		case res, ok := <-results:
			if !ok {
				break loop
			}
			if werr != nil {
				if res.ack != nil {
					res.ack <- werr
				}
				continue // drain, so the workers can stop
			}
			if werr = w.add(res); werr != nil {
				cancel()
			}
		case <-tick.C:
			if werr == nil && w.due() {
				if werr = w.flush(); werr != nil {
					cancel()
				}
			}
		}
	}
	if werr == nil {
		werr = w.flush()
	}
	return werr
}

// add records one document's outcome and queues its rows and catalog rows,
// committing when the batch is full.
func (w *writer) add(res result) error {
	o := res.o
	if len(w.docs)+len(w.inputs) == 0 && len(w.batches) == 0 {
		w.oldest = time.Now()
	}
	w.sum.Outcomes = append(w.sum.Outcomes, o)
	if res.input != nil {
		w.inputs = append(w.inputs, *res.input)
	}
	if res.ack != nil {
		w.acks = append(w.acks, res.ack)
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
		w.batches = append(w.batches, res.batch)
		w.bytes += batchBytes(res.batch)
		w.pending = append(w.pending, len(w.sum.Outcomes)-1)
	}
	w.progress(o)
	if w.r.opts.Log != nil {
		w.r.opts.Log("%s %s %s", o.Status, o.Source, o.Reason)
	}
	if w.rowDocs() >= w.r.opts.FlushDocs || w.bytes >= w.r.opts.FlushBytes || len(w.docs)+len(w.inputs) >= 4*w.r.opts.FlushDocs {
		return w.flush()
	}
	return nil
}

// due says whether the pending work has waited FlushInterval.
func (w *writer) due() bool {
	return len(w.docs)+len(w.inputs) > 0 && time.Since(w.oldest) >= w.r.opts.FlushInterval ||
		w.r.marksWaited() >= w.r.opts.FlushInterval
}

func (w *writer) progress(o Outcome) {
	p := &w.prog
	p.Total, p.Done, p.Last, p.Elapsed = w.total, p.Done+1, o, time.Since(w.start)
	p.Add(o)
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
	if w.rowDocs() > 0 {
		var err error
		if files, err = w.ds.CommitBatches(w.batches); err != nil {
			for _, i := range w.pending {
				o := &w.sum.Outcomes[i]
				o.Status, o.Reason, o.Facts, o.Pages = StatusFailed, "rows not written: "+isolate.OneLine(err.Error(), 200), 0, 0
			}
			w.batches, w.bytes, w.docs, w.inputs, w.pending = nil, 0, nil, nil, nil
			w.ack(err)
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
	// Taken now, the marks include the Begin of every document in w.docs:
	// each was queued before its document's result was sent.
	marks := w.r.takeMarks()
	if len(w.docs)+len(w.inputs)+len(marks) > 0 {
		if err := w.cat.RecordMarks(w.sum.RunID, marks, w.docs, w.inputs); err != nil {
			w.ack(err)
			return err
		}
	}
	w.batches, w.bytes, w.docs, w.inputs, w.pending = nil, 0, nil, nil, nil
	w.ack(nil)
	return nil
}

// ack tells the jobs of the pending documents how their commit went.
func (w *writer) ack(err error) {
	for _, a := range w.acks {
		a <- err
	}
	w.acks = nil
}

// rowDocs is the number of documents in the pending rows (schema.Batch.Len).
func (w *writer) rowDocs() int {
	n := 0
	for _, b := range w.batches {
		n += b.Len()
	}
	return n
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
