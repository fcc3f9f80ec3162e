package pipeline

import (
	"context"

	"zipin/extract/doc"
	"zipin/isolate"
	"zipin/schema"
	"zipin/segment"
)

// Every program that ingests serves whole documents in its workers: the
// child reads, extracts, analyzes and builds the rows under its time budget
// and memory cap, and the parent only commits them (issue: poison documents
// must cost a child, not the import).
func init() {
	isolate.Analyzer = func(ctx context.Context, req isolate.Request, data []byte, d *doc.Document) (*schema.Batch, error) {
		return analyzeBounded(ctx, Input{Source: req.Path, SourceURL: req.SourceURL, Data: data}, d, req.MaxFactsPerPage, req.MaxRowsBytes)
	}
	// The dictionary is loaded once per child, before its memory cap and
	// outside any document's time budget.
	isolate.Warm = func() { _, _ = segment.Default() }
}

// analyzeBounded is AnalyzeDocument with the bounds on one document's rows:
// no page may hold more than maxFactsPerPage facts and the rows may not take
// more than maxRowsBytes (0 or less: no bound). A document past them is
// unreadable (quarantined), with the figures in the reason.
func analyzeBounded(ctx context.Context, in Input, d *doc.Document, maxFactsPerPage int, maxRowsBytes int64) (*schema.Batch, error) {
	b, err := AnalyzeDocument(ctx, in, d)
	if err != nil {
		return nil, err
	}
	if maxFactsPerPage > 0 {
		perPage := map[int32]int{}
		for _, f := range b.Facts {
			perPage[f.Page]++
		}
		for p, n := range perPage {
			if n > maxFactsPerPage {
				return nil, doc.Unreadablef("too many facts: page %d holds %d, more than the limit of %d per page (--max-facts-per-page); not a report page", p, n, maxFactsPerPage)
			}
		}
	}
	if maxRowsBytes > 0 {
		if n := batchBytes(b); n > maxRowsBytes {
			return nil, doc.Unreadablef("rows too large: about %s, more than the %s limit per document", sizeMB(n), sizeMB(maxRowsBytes))
		}
	}
	return b, nil
}
