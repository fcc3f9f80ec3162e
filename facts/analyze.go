package facts

import (
	"fmt"
	"math"
	"strconv"

	"zipin/normalize"
	"zipin/segment"
	"zipin/selfeval"
)

// Analyze runs the facts stage over a normalized document: quantities, the
// 自评表 forms, then the headline fields and the cross-checks.
func Analyze(nd *normalize.Doc, seg *segment.Segmenter) *Result {
	res := &Result{}
	facts, warns := extractFacts(nd, seg)
	res.Facts = facts
	res.Headline = buildHeadline(nd, res.Facts)
	res.Headline.Warnings = append(res.Headline.Warnings, warns...)
	gradeFromScoreRow(&res.Headline, nd)
	forms := selfeval.Extract(nd)
	res.Projects, res.Indicators = forms.Projects, forms.Indicators
	res.Headline.Warnings = append(res.Headline.Warnings, forms.Warnings...)
	fromForms(&res.Headline, forms)
	crossCheck(&res.Headline)
	return res
}

// fromForms fills the headline fields the text left NULL from the document's
// 自评表: its single form, or, where there are several and nothing in the
// text gives the document's totals, the first — with a warning that says so,
// so the choice is never silent. Where the text and the form disagree the
// text's value stays and a warning names both.
func fromForms(h *Headline, forms *selfeval.Result) {
	if len(forms.Projects) == 0 {
		return
	}
	p := forms.Projects[0]
	fill := func(name string, dst **float64, v *float64) bool {
		if v == nil {
			return false
		}
		c := Candidate{Field: name, Value: strconv.FormatFloat(*v, 'f', -1, 64), Page: int(p.Page), Label: "自评表", Source: "form", Scope: "project"}
		if len(forms.Projects) == 1 {
			c.Scope = "document"
		}
		if *dst == nil {
			x := *v
			*dst = &x
			c.Chosen, c.Reason = true, "the text states none; the 自评表's"
			h.Evidence = append(h.Evidence, c)
			return true
		}
		c.Reason = "the text's value stands"
		if math.Abs(**dst-*v) > 0.005 {
			h.Warnings = append(h.Warnings, fmt.Sprintf("%s: the text states %g but the 自评表 states %g", name, **dst, *v))
			c.Reason = "contradicts the text's value, which stands"
		}
		h.Evidence = append(h.Evidence, c)
		return false
	}
	yuan := func(m *int64) *float64 {
		if m == nil {
			return nil
		}
		v := float64(*m) / 100
		return &v
	}
	used := false
	used = fill("budget", &h.BudgetYuan, yuan(p.BudgetYuan)) || used
	used = fill("executed", &h.ExecutedYuan, yuan(p.ExecutedYuan)) || used
	used = fill("execution_rate", &h.ExecutionRate, p.ExecutionRate) || used
	used = fill("self_score", &h.SelfScore, p.TotalScore) || used
	if used && len(forms.Projects) > 1 {
		h.Warnings = append(h.Warnings, fmt.Sprintf("headline figures taken from the first of %d 自评表 in the document; the document states no totals of its own", len(forms.Projects)))
	}
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
