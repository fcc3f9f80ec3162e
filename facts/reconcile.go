package facts

import (
	"fmt"
	"math"
	"strconv"

	"zipin/quantity"
	"zipin/selfeval"
)

// Reconcile joins a document's 自评表 (selfeval's result) to the headline
// the text gave (Analyze's), once both stages have run over the document:
// the forms' warnings join the headline's, the headline takes from the
// forms what the text left NULL (fromForms), and the cross-checks run over
// the result (crossCheck).
func Reconcile(h *Headline, forms *selfeval.Result) {
	h.Warnings = append(h.Warnings, forms.Warnings...)
	fromForms(h, forms)
	crossCheck(h)
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
	scope := "project"
	if len(forms.Projects) == 1 {
		scope = "document"
	}
	// weigh records the form's value of one field as evidence: taken where
	// the text states none (it then reports true), else beside the text's,
	// with a warning where the two differ.
	weigh := func(name, value string, textNull, differ bool, textV, formV any) bool {
		c := Candidate{Field: name, Value: value, Page: p.Page, Label: "自评表", Source: "form", Scope: scope}
		if textNull {
			c.Chosen, c.Reason = true, "the text states none; the 自评表's"
			h.Evidence = append(h.Evidence, c)
			return true
		}
		c.Reason = "the text's value stands"
		if differ {
			h.Warnings = append(h.Warnings, fmt.Sprintf("%s: the text states %g but the 自评表 states %g", name, textV, formV))
			c.Reason = "contradicts the text's value, which stands"
		}
		h.Evidence = append(h.Evidence, c)
		return false
	}
	amount := func(name string, dst **quantity.Money, v *quantity.Money) bool {
		if v == nil {
			return false
		}
		var text float64
		if *dst != nil {
			text = (*dst).Yuan()
		}
		if !weigh(name, v.Trimmed(), *dst == nil, *dst != nil && **dst != *v, text, v.Yuan()) {
			return false
		}
		*dst = new(*v)
		return true
	}
	figure := func(name string, dst **float64, v *float64) bool {
		if v == nil {
			return false
		}
		var text float64
		if *dst != nil {
			text = **dst
		}
		if !weigh(name, strconv.FormatFloat(*v, 'f', -1, 64), *dst == nil, *dst != nil && math.Abs(**dst-*v) > 0.005, text, *v) {
			return false
		}
		*dst = new(*v)
		return true
	}
	used := false
	used = amount("budget", &h.Budget, p.Budget) || used
	used = amount("executed", &h.Executed, p.Executed) || used
	used = figure("execution_rate", &h.ExecutionRate, p.ExecutionRate) || used
	used = figure("self_score", &h.SelfScore, p.TotalScore) || used
	if used && len(forms.Projects) > 1 {
		h.Warnings = append(h.Warnings, fmt.Sprintf("headline figures taken from the first of %d 自评表 in the document; the document states no totals of its own", len(forms.Projects)))
	}
}

// crossCheck adds warnings for stated figures that contradict each other. It
// never changes a value.
func crossCheck(h *Headline) {
	if h.Budget != nil && h.Executed != nil && *h.Budget > 0 {
		computed := h.Executed.Yuan() / h.Budget.Yuan() * 100
		if h.ExecutionRate != nil && math.Abs(computed-*h.ExecutionRate) > 0.1+1e-9 && !(computed > 100 && *h.ExecutionRate == 100) {
			h.Warnings = append(h.Warnings, fmt.Sprintf("execution_rate: stated %.2f%% but executed ÷ budget = %.2f%%", *h.ExecutionRate, computed))
		}
		if *h.Executed > *h.Budget {
			h.Warnings = append(h.Warnings, fmt.Sprintf("executed %s 元 exceeds budget %s 元", h.Executed, h.Budget))
		}
	}
	if h.SelfScore != nil && *h.SelfScore > 100 {
		h.Warnings = append(h.Warnings, fmt.Sprintf("self_score %.2f is over 100", *h.SelfScore))
	}
	if h.SelfScore != nil && h.Grade != nil {
		if lo, hi, ok := gradeBand(*h.Grade); ok && (*h.SelfScore < lo || *h.SelfScore >= hi) {
			h.Warnings = append(h.Warnings, fmt.Sprintf("grade %s does not fit score %.2f (expected %g–%g)", *h.Grade, *h.SelfScore, lo, hi))
		}
	}
}
