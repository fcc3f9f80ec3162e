package pipeline

import (
	"context"
	"sync"

	"zipin/isolate"
	"zipin/segment"
)

// warmSegmenter loads the segmenter's dictionary (seconds of CPU) in the
// background when documents may be analyzed in this process, so it loads
// while files are listed and hashed. With every document in a worker
// (IsolateAll), this process never loads it, which keeps it small.
func (r *run) warmSegmenter() {
	if r.opts.Isolate != IsolateAll {
		go segment.Default()
	}
}

// children are the worker children (isolate.Worker) documents are done in,
// opts.Jobs of them: a document takes one for its work (get) and gives it
// back (put), so at most opts.Jobs are done at once whoever schedules them
// (Ingest's jobs, Documents' callers). A child starts on its first document.
type children struct {
	pool chan *isolate.Worker
	mu   sync.Mutex
	peak int64 // the highest peak RSS of a closed child, in KB
}

func newChildren(opts Options) *children {
	c := &children{pool: make(chan *isolate.Worker, opts.Jobs)}
	for i := 0; i < opts.Jobs; i++ {
		c.pool <- isolate.NewWorker(isolate.Config{Command: opts.WorkerCommand, MemoryLimit: opts.WorkerMemory, MaxDocs: opts.WorkerMaxDocs})
	}
	return c
}

// get takes a free child, waiting for one; it fails only when ctx ends.
func (c *children) get(ctx context.Context) (*isolate.Worker, error) {
	select {
	case w := <-c.pool:
		return w, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (c *children) put(w *isolate.Worker) { c.pool <- w }

// close stops every child once all are given back, and returns the highest
// peak RSS among them, in KB.
func (c *children) close() int64 {
	for i := 0; i < cap(c.pool); i++ {
		w := <-c.pool
		w.Close()
		c.peak = max(c.peak, w.PeakRSSKB)
	}
	return c.peak
}
