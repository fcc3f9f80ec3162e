package facts

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"zipin/quantity"
)

// fieldOf names the reports column each headline metric fills, as the
// evidence's Field.
var fieldOf = map[Metric]string{
	BudgetTotal:   "budget",
	Executed:      "executed",
	ExecutionRate: "execution_rate",
	SelfScore:     "self_score",
}

// Reasons a candidate loses, as written into the evidence.
const (
	reasonStrongest = "strongest label"
	reasonAgrees    = "agrees with the chosen value"
	reasonTotal     = "stated total (合计/共计/总计 or a total row) settles its parts"
	reasonPart      = "a part of the stated total"
	reasonSub       = "sub-score under "
	reasonFullMark  = "score out of the form's full mark (100)"
	reasonConflict  = "labels of equal strength state different values; NULL"
	reasonApprox    = "approximate (约/余/多)"
	reasonTarget    = "a target or bound (≥, 不低于), not the value"
	reasonRange     = "a range, not one value"
	reasonCondition = "a condition on the number (未达到90%的…), not its value"
	reasonUnranked  = "label too weak for the headline"
	reasonProject   = "about one item (一是…) of a summary of several projects"
	reasonPerUnit   = "an amount per person or period (每人…, 标准), not a total"
	// reasonFinerThanFen un-chooses an amount no DECIMAL(18,2) column holds.
	reasonFinerThanFen = "stated finer than 1 分: no exact amount; NULL"
)

// decide chooses a headline field's value among the facts of its metric.
// Candidates are ranked by headlineRank (a stronger label wins); among the
// strongest, a stated total wins over its parts, and for a score a total
// (full mark 100, or not under a 决策/过程/投入/产出/效益/管理 dimension) wins
// over sub-scores. Values that still disagree leave the field NULL with a
// warning. Every candidate weighed is returned as evidence, and the fact
// chosen, if any.
func decide(facts []Fact, metric Metric) (*Fact, []Candidate, string) {
	field := fieldOf[metric]
	var cands []Candidate
	var live []int // indexes into cands of the strongest candidates
	var liveFacts []*Fact
	best := -1
	for i := range facts {
		f := &facts[i]
		if f.Metric != metric {
			continue
		}
		c := candidateOf(f, field)
		rank := slices.Index(headlineRank[metric], f.label)
		switch {
		case f.Approx != "":
			c.Reason = reasonApprox
		case f.Op != "":
			c.Reason = reasonTarget
		case f.ValueHigh != nil:
			c.Reason = reasonRange
		case f.conditional:
			c.Reason = reasonCondition
		case f.project:
			c.Reason, c.Scope = reasonProject, "project"
		case f.perUnit:
			c.Reason = reasonPerUnit
		case rank < 0:
			c.Reason = reasonUnranked
		case best < 0 || rank < best:
			for _, k := range live {
				cands[k].Reason = "weaker label than " + f.label
			}
			best, live, liveFacts = rank, []int{len(cands)}, []*Fact{f}
		case rank == best:
			live, liveFacts = append(live, len(cands)), append(liveFacts, f)
		default:
			c.Reason = "weaker label than " + headlineRank[metric][best]
		}
		cands = append(cands, c)
	}
	if len(live) == 0 {
		return nil, cands, ""
	}
	choose := func(keep []int, why string) *Fact {
		f := facts0(liveFacts, live, keep[0])
		chosen := false
		for _, k := range live {
			if !slices.Contains(keep, k) {
				continue
			}
			if !chosen {
				cands[k].Chosen, cands[k].Reason, chosen = true, why, true
			} else {
				cands[k].Reason = reasonAgrees
			}
		}
		return f
	}
	if agree(liveFacts) {
		return choose(live, reasonStrongest), cands, ""
	}
	// A stated total settles its parts.
	var totals []int
	for j, f := range liveFacts {
		if f.total || isTotalRow(f.row) {
			totals = append(totals, live[j])
		}
	}
	if len(totals) > 0 && agreeIdx(cands, totals) {
		for _, k := range live {
			if !slices.Contains(totals, k) {
				cands[k].Reason = reasonPart
			}
		}
		return choose(totals, reasonTotal), cands, ""
	}
	// A row that holds a part of the total (其中：中央资金) never outvotes it.
	var whole []int
	for j, f := range liveFacts {
		if !f.part {
			whole = append(whole, live[j])
		}
	}
	if len(whole) > 0 && len(whole) < len(live) && agreeIdx(cands, whole) {
		for _, k := range live {
			if !slices.Contains(whole, k) {
				cands[k].Reason, cands[k].Scope = "in a 其中 row: a part of the total", "section"
			}
		}
		return choose(whole, "the total's row; the others are its parts"), cands, ""
	}
	if metric == SelfScore {
		var whole, full []int
		for j, f := range liveFacts {
			switch {
			case f.sub != "":
				cands[live[j]].Reason, cands[live[j]].Scope = reasonSub+f.sub, "section"
			default:
				whole = append(whole, live[j])
				if f.full == 100 {
					full = append(full, live[j])
				}
			}
		}
		if len(full) > 0 && agreeIdx(cands, full) {
			for _, k := range whole {
				if !slices.Contains(full, k) {
					cands[k].Reason = "not out of the full mark 100"
				}
			}
			return choose(full, reasonFullMark), cands, ""
		}
		if len(whole) > 0 && agreeIdx(cands, whole) {
			return choose(whole, "the only score not under a dimension"), cands, ""
		}
	}
	var vals []float64
	for _, k := range live {
		cands[k].Reason = reasonConflict
		vals = append(vals, facts0(liveFacts, live, k).Value)
	}
	return nil, cands, fmt.Sprintf("%s: the text states %d different values (%s); none taken from the text", metric, len(distinctVals(vals)), formatVals(distinctVals(vals)))
}

func candidateOf(f *Fact, field string) Candidate {
	c := Candidate{
		Field: field, Value: strconv.FormatFloat(f.Value, 'f', -1, 64),
		Page: f.Page, Start: f.Start, End: f.End, Label: f.label, Source: "prose", Scope: "document",
	}
	if f.row != "" || f.cell {
		c.Source = "table"
	}
	if f.label == "" {
		c.Label = f.row
	}
	return c
}

// facts0 returns the fact behind candidate index k.
func facts0(fs []*Fact, live []int, k int) *Fact {
	for j, l := range live {
		if l == k {
			return fs[j]
		}
	}
	return nil
}

func agree(fs []*Fact) bool {
	for _, f := range fs[1:] {
		if math.Abs(f.Value-fs[0].Value) > 0.005 {
			return false
		}
	}
	return true
}

func agreeIdx(cs []Candidate, idx []int) bool {
	for _, k := range idx[1:] {
		if cs[k].Value != cs[idx[0]].Value {
			a, _ := strconv.ParseFloat(cs[k].Value, 64)
			b, _ := strconv.ParseFloat(cs[idx[0]].Value, 64)
			if math.Abs(a-b) > 0.005 {
				return false
			}
		}
	}
	return true
}

func distinctVals(vs []float64) []float64 {
	var out []float64
	for _, v := range vs {
		seen := false
		for _, o := range out {
			if math.Abs(o-v) <= 0.005 {
				seen = true
			}
		}
		if !seen {
			out = append(out, v)
		}
	}
	return out
}

// pick decides one headline field and records its evidence and warning;
// it returns the fact chosen, or nil.
func pick(h *Headline, facts []Fact, metric Metric) *Fact {
	f, cands, warn := decide(facts, metric)
	h.Evidence = append(h.Evidence, cands...)
	if warn != "" {
		h.Warnings = append(h.Warnings, warn)
	}
	return f
}

// pickValue is pick for a rate or a score: the chosen fact's value.
func pickValue(h *Headline, facts []Fact, metric Metric) *float64 {
	f := pick(h, facts, metric)
	if f == nil {
		return nil
	}
	return new(f.Value)
}

// pickMoney is pick for an amount: the chosen fact's exact amount in 分. An
// amount stated finer than 1 分 has none; the field is then NULL rather than
// rounded, and the evidence and a warning say why.
func pickMoney(h *Headline, facts []Fact, metric Metric) *quantity.Money {
	f := pick(h, facts, metric)
	if f == nil {
		return nil
	}
	if f.Money == nil {
		field := fieldOf[metric]
		for i := range h.Evidence {
			if c := &h.Evidence[i]; c.Field == field && c.Chosen {
				c.Chosen, c.Reason = false, reasonFinerThanFen
			}
		}
		h.Warnings = append(h.Warnings, fmt.Sprintf("%s: %s 元 is stated finer than 1 分; left NULL", field, strconv.FormatFloat(f.Value, 'f', -1, 64)))
		return nil
	}
	return new(*f.Money)
}

// pickRate is pick for the execution rate, with one more way to settle a
// disagreement: where the report states several rates (per funding source
// and overall) and the budget and spending are known, the stated rate that
// equals executed ÷ budget is the report's.
func pickRate(h *Headline, facts []Fact) *float64 {
	f, cands, warn := decide(facts, ExecutionRate)
	var v *float64
	if f != nil {
		v = new(f.Value)
	}
	if v == nil && warn != "" && h.Budget != nil && h.Executed != nil && *h.Budget > 0 {
		computed := h.Executed.Yuan() / h.Budget.Yuan() * 100
		match := -1
		for k, c := range cands {
			if c.Reason != reasonConflict && c.Reason != reasonUnranked && !strings.HasPrefix(c.Reason, "weaker label") {
				continue
			}
			x, _ := strconv.ParseFloat(c.Value, 64)
			if math.Abs(x-computed) <= 0.1 {
				if match >= 0 && cands[match].Value != c.Value {
					match = -2
					break
				}
				if match == -1 {
					match = k
				}
			}
		}
		if match >= 0 {
			x, _ := strconv.ParseFloat(cands[match].Value, 64)
			for k := range cands {
				if cands[k].Reason == reasonConflict {
					cands[k].Reason = "stated rates conflict; this one differs from executed ÷ budget"
				}
			}
			cands[match].Chosen, cands[match].Reason = true, "equals executed ÷ budget"
			v, warn = &x, ""
		}
	}
	h.Evidence = append(h.Evidence, cands...)
	if warn != "" {
		h.Warnings = append(h.Warnings, warn)
	}
	return v
}

// formatVals lists the first few values, enough to show the conflict.
func formatVals(vs []float64) string {
	const most = 5
	s := make([]string, 0, most+1)
	for i, v := range vs {
		if i == most {
			s = append(s, "…")
			break
		}
		s = append(s, strconv.FormatFloat(v, 'f', -1, 64))
	}
	return strings.Join(s, ", ")
}

// weighed reports whether the text gave the field any candidate of a
// strength that could have set it; a later fallback must not overrule a
// conflict the ranking left NULL.
func weighed(cs []Candidate, metric Metric) bool {
	for _, c := range cs {
		if c.Field == fieldOf[metric] && (c.Chosen || c.Reason == reasonConflict) {
			return true
		}
	}
	return false
}
