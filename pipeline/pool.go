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

// startPool starts opts.Jobs goroutines, each driving its own worker child
// (isolate.Worker), and feeds them files in order. Each processed document
// comes out on the returned channel, which is closed once every goroutine
// has stopped. When ctx ends, feeding stops and documents cut short are
// dropped unrecorded. The highest peak RSS of the children goes to
// sum.WorkerPeakRSSKB.
func (r *run) startPool(ctx context.Context, files []string, sum *Summary) <-chan result {
	opts := r.opts
	todo := make(chan string)
	results := make(chan result, opts.Jobs)
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
				res := r.process(ctx, w, path)
				if ctx.Err() != nil {
					// Cut short by the end of the run, not by the document:
					// leave it unrecorded, to be extracted next time.
					return
				}
				select {
				case results <- res:
				case <-ctx.Done():
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
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(results)
	}()
	return results
}
