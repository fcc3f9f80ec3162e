package facts

import (
	"zipin/normalize"
	"zipin/segment"
)

// Analyze runs the facts stage over a normalized document: quantities, then
// the headline fields. The 自评表 are read by package selfeval beside it;
// Reconcile then joins the two.
func Analyze(nd *normalize.Doc, seg *segment.Segmenter) *Result {
	res := &Result{}
	facts, warns := extractFacts(nd, seg)
	res.Facts = facts
	res.Headline = buildHeadline(nd, res.Facts)
	res.Headline.Warnings = append(res.Headline.Warnings, warns...)
	gradeFromScoreRow(&res.Headline, nd)
	return res
}

// gradeFromScoreRow records the grades of the 总分 rows as evidence, and
// takes the grade from them where the text states none and they agree.
func gradeFromScoreRow(h *Headline, nd *normalize.Doc) {
	gs := scoreRowGrades(nd)
	if len(gs) == 0 {
		return
	}
	agree := true
	for _, g := range gs[1:] {
		agree = agree && g.Value == gs[0].Value
	}
	switch {
	case h.Grade != nil:
		for i := range gs {
			gs[i].Reason = "the text states the grade"
		}
	case !agree:
		for i := range gs {
			gs[i].Reason = "总分 rows state different grades; NULL"
		}
	default:
		g := gs[0].Value
		h.Grade = &g
		gs[0].Chosen = true
		for i := range gs[1:] {
			gs[i+1].Reason = reasonAgrees
		}
	}
	h.Evidence = append(h.Evidence, gs...)
}
