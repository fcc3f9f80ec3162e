package facts

import (
	"regexp"
	"strings"

	"zipin/normalize"
	"zipin/selfeval"
)

// A form flattened without separators glues its cells: 285.3285.3100% is
// 全年预算数 285.3 | 全年执行数 285.3 | 执行率 100%. The 自评表 reader splits
// such a run with the form's arithmetic (selfeval.SplitFundingRun); each
// part becomes a fact with its own span. A run no single reading fits is
// no fact at all: a glued 15 | 30万元 is never 1530万元.

// gluedRun is a cell of digits glued together with a rate's %, after an
// optional row label: 年度资金总额40404010100%.
var gluedRun = regexp.MustCompile(`^([^0-9]*?)[:：]?([0-9][0-9.]*%[0-9.]*)$`)

// gluedFacts returns the facts of the parts of a glued run token under the
// columns named by header (nil for the standard form's order).
func gluedFacts(p *normalize.Page, facts []Fact, t token, header []string, unit string) ([]Fact, bool) {
	m := gluedRun.FindStringSubmatchIndex(t.text)
	if m == nil || bareCell.MatchString(t.text) {
		return nil, false
	}
	label := t.text[m[2]:m[3]]
	run := t.text[m[4]:m[5]]
	if header == nil && !isFundRowLabel(label) {
		return nil, false
	}
	parts, ok := selfeval.SplitFundingRun(run, header, isPartRow(label))
	if !ok {
		return nil, false
	}
	at := t.start + len([]rune(t.text[:m[4]]))
	var out []Fact
	for _, pt := range parts {
		cell := gridCell{at + pt.Start, at + pt.End, pt.Text}
		f, isNew := cellFact(p, facts, cell, columnOf(pt.Column), unit)
		if f == nil || !isNew {
			continue
		}
		f.row, f.cell, f.part = label, true, isPartRow(label) && !isTotalRow(label)
		f.total = isTotalRow(label)
		out = append(out, *f)
	}
	return out, true
}

// fundRowLabels open a row of a form's funding block.
var fundRowLabels = []string{"年度资金总额", "资金总额", "财政拨款", "财政资金", "上年结转", "其他资金", "总额", "合计"}

func isFundRowLabel(label string) bool {
	label = strings.TrimPrefix(strings.TrimLeft(label, " "), "其中")
	label = strings.Trim(label, ":：")
	for _, l := range fundRowLabels {
		if strings.HasSuffix(label, l) {
			return true
		}
	}
	return false
}

// gluedRows reads the glued runs of a page that follow a funding row label,
// in the standard form's column order.
func gluedRows(p *normalize.Page, headers []declared, toks []token, facts []Fact) []Fact {
	r := p.Runes()
	text := p.Text
	var out []Fact
	idx := indexSpans(facts)
	for _, t := range toks {
		if !gluedRun.MatchString(t.text) || idx.overlaps(t.start, t.end) || overlaps(out, t.start, t.end) {
			continue
		}
		fs, ok := gluedFacts(p, facts, t, nil, flatUnit(r, headers, t.start, t.end))
		if ok {
			out = append(out, fs...)
		}
	}
	// Text with no separators at all: the row label inside a longer run
	// (…得分年度资金总额303010100%其中:当年财政拨款…).
	at := runeCursor{text: text}
	if !containsAny(text, gluedRowLabels) {
		return out // the expression, which has no literal to skip to, would read the page through
	}
	for _, m := range gluedInText.FindAllStringSubmatchIndex(text, -1) {
		if m[1] < len(text) && strings.ContainsAny(text[m[1]:m[1]+1], "0123456789.%") {
			continue
		}
		s := at.at(m[2])
		t := token{s, at.at(m[1]), text[m[2]:m[1]]}
		if idx.overlaps(t.start, t.end) || overlaps(out, t.start, t.end) {
			continue
		}
		if fs, ok := gluedFacts(p, facts, t, nil, flatUnit(r, headers, t.start, t.end)); ok {
			out = append(out, fs...)
		}
	}
	return out
}

// gluedInText finds a funding row label and the glued run after it.
var gluedInText = regexp.MustCompile(`((?:` + strings.Join(gluedRowLabels, "|") + `)[:：]?[0-9][0-9.]*%[0-9.]*)`)

// gluedRowLabels are the funding row labels gluedInText finds a run after.
var gluedRowLabels = []string{"年度资金总额", "财政拨款", "财政资金", "上年结转", "其他资金"}
