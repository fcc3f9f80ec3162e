package facts

import (
	"zipin/normalize"
	"zipin/segment"
)

// Analyze runs the facts stage over a normalized document: quantities, then
// the headline fields, then the cross-checks.
func Analyze(nd *normalize.Doc, seg *segment.Segmenter) *Result {
	res := &Result{}
	res.Facts = extractFacts(nd, seg)
	res.Headline = buildHeadline(nd, res.Facts)
	crossCheck(&res.Headline)
	return res
}
