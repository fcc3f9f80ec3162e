package pipeline

import (
	"context"

	"zipin/extract/doc"
	"zipin/facts"
	"zipin/normalize"
	"zipin/schema"
	"zipin/segment"
)

// analyzeExtracted runs the stages after extraction — normalize, facts,
// 自评表 — over a document a worker child has already read, in this process,
// with the process-wide segmenter. It must stay the tail of Analyze (after
// extract.Read); TestAnalyzeExtractedMatchesAnalyze checks that it does.
// (Analyze belongs to the facts owner; splitting it into Extract and
// AnalyzeDocument there would remove this copy.)
func analyzeExtracted(ctx context.Context, in Input, d *doc.Document) (*schema.Batch, error) {
	nd, err := normalize.Document(d)
	if err != nil {
		return nil, err
	}
	seg, err := segment.Default()
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, doc.Unreadablef("time budget exceeded: %v", err)
	}
	res := facts.Analyze(nd, seg)
	return rows(in, d, nd, res), nil
}
