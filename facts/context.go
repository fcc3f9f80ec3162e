package facts

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"zipin/lexicon"
	"zipin/normalize"
	"zipin/quantity"
)

// unitHeader finds the unit a table or a block of cells declares for its
// bare numbers: "项目资金（万元）", "经费控制情况(万元", "单位：万元".
var unitHeader = regexp.MustCompile(`(?:[（(]\s*(万元|元|亿元|千元|人|个|㎡|平方米|%)\s*[）)]?|单位\s*[：:]\s*(万元|元|亿元|千元))`)

// unitHeaderScan runs unitHeader over a page only where a bracket or 单位 is.
var unitHeaderScan = newStartScan(unitHeader, "（", "(", "单位")

// contextUnits says what a declared unit makes of a bare number: the
// lexicon's row for each unit a header may declare.
var contextUnits = func() map[string]contextUnit {
	m := map[string]contextUnit{}
	for _, w := range []string{"万元", "元", "千元", "亿元", "人", "个", "㎡", "平方米"} {
		u, _ := lexicon.UnitOf(w)
		m[w] = contextUnit{u.Base, u.Kind, u.Factor}
	}
	return m
}()

type contextUnit struct {
	unit   string
	kind   quantity.Kind
	factor float64
}

// scoreLabels head a cell whose number, in the next cell, is a score.
var scoreLabels = []string{"综合评价得分", "评价得分", "自评得分", "自评总分", "总分", "得分"}

// contextWindow is how far, in runes, a declared unit stays in force.
const contextWindow = 1200

// numberRun is a line or part of a line that holds table cells rather than
// prose: a bare number, "label: number", pipe-separated cells, or two or
// more numbers separated by spaces.
var numberRun = regexp.MustCompile(`(?:^|[|：:\s])\s*([0-9][0-9,.]*(?:\s*\|\s*|\s+)?)+`)

// contextTyped types bare numbers in table cells: from the unit their table
// declares (a column block headed 万元), from a score label in the cell
// before, or from a % in the cell after. A bare integer below 100 under a
// money header is left alone: in these forms it is far more often a weight
// or a score (分值 10) than an amount.
func contextTyped(p *normalize.Page, headers []declared) []Fact {
	var out []Fact
	runes := p.Runes()
	text := p.Text
	lines := splitLines(runes)
	for li, ln := range lines {
		line := string(runes[ln.start:ln.end])
		if !isCellText(line) {
			out = append(out, labelledAmounts(p, text, headers, ln.start, line)...)
			continue
		}
		for _, n := range quantity.Numbers(line) {
			if n.Value == 0 {
				continue
			}
			s, e := ln.start+n.Start, ln.start+n.End
			if f, ok := percentAcrossCells(p, lines, li, n, s, e); ok {
				out = append(out, f)
				continue
			}
			if f, ok := labelledCell(p, lines, li, line, n, s, e); ok {
				out = append(out, f)
				continue
			}
			unit := declaredUnit(headers, s)
			cu, ok := contextUnits[unit]
			if !ok || (!strings.Contains(n.Text, ".") && n.Value < 100 && cu.kind == lexicon.Money) {
				continue
			}
			// A （元） header beside a count column (培训人次补贴金额（元）)
			// types amounts only: a whole number there may be the count.
			if cu.kind == lexicon.Money && !strings.Contains(n.Text, ".") && countBesideUnit(runes, headers, s) {
				continue
			}
			f := Fact{
				Page: p.Number, Start: s, End: e, Text: n.Text,
				Value: quantity.Scale(n.Text, cu.factor), Money: amount(n.Text, cu.factor, cu.kind), Unit: cu.unit, UnitText: unit, Kind: cu.kind,
				Section: p.SectionAt(s), ctx: true,
			}
			f.Metric, f.label, f.conditional = metricFor(runes, s, cu.kind)
			refine(&f, runes, s)
			out = append(out, f)
		}
	}
	return out
}

type lineSpan struct{ start, end int }

func splitLines(r []rune) []lineSpan {
	var ls []lineSpan
	start := 0
	for i := 0; i <= len(r); i++ {
		if i == len(r) || r[i] == '\n' {
			ls = append(ls, lineSpan{start, i})
			start = i + 1
		}
	}
	return ls
}

// isCellText reports a line that holds table cells: pipes, a bare number, a
// "label: number" pair, or a run of space-separated numbers.
func isCellText(line string) bool {
	t := strings.TrimSpace(line)
	if t == "" {
		return false
	}
	if strings.Contains(t, "|") {
		return true
	}
	if bareNumberLine.MatchString(t) {
		return true
	}
	return spacedNumbers.MatchString(t)
}

var (
	bareNumberLine = regexp.MustCompile(`^(?:[^，。；]{1,24}[：:]\s*)?[0-9][0-9,.]*$`)
	spacedNumbers  = regexp.MustCompile(`(?:^|\s)[0-9][0-9,.]*\s+[0-9][0-9,.]*(?:\s|$)`)
)

// declared is a unit header and where it stands, in runes.
type declared struct {
	at   int
	unit string
}

// declaredUnits finds the unit headers of a page's text once, with their
// rune offsets, for declaredUnit.
func declaredUnits(text string) []declared {
	var out []declared
	runes, last := 0, 0
	for _, h := range unitHeaderScan.findAll(text) {
		runes += utf8.RuneCountInString(text[last:h[0]])
		last = h[0]
		u := ""
		if h[2] >= 0 {
			u = text[h[2]:h[3]]
		} else {
			u = text[h[4]:h[5]]
		}
		out = append(out, declared{runes, u})
	}
	return out
}

// declaredUnit returns the unit of the nearest unit header before offset,
// within the window, or "".
func declaredUnit(ds []declared, runeOff int) string {
	i := sort.Search(len(ds), func(i int) bool { return ds[i].at >= runeOff })
	if i == 0 || runeOff-ds[i-1].at > contextWindow {
		return ""
	}
	return ds[i-1].unit
}

// percentAcrossCells reads "100 |" followed by a "%" cell as 100%.
func percentAcrossCells(p *normalize.Page, lines []lineSpan, li int, n quantity.Number, s, e int) (Fact, bool) {
	runes := p.Runes()
	if li+1 >= len(lines) || !onlyBlankCells(runes[e:lines[li].end]) {
		return Fact{}, false
	}
	next := lines[li+1]
	if strings.Trim(string(runes[next.start:next.end]), " |") != "%" {
		return Fact{}, false
	}
	end := next.start + strings.IndexRune(string(runes[next.start:next.end]), '%') + 1
	return Fact{
		Page: p.Number, Start: s, End: end, Text: string(runes[s:end]),
		Value: n.Value, Unit: "%", UnitText: "%", Kind: lexicon.Percent, Section: p.SectionAt(s),
	}, true
}

// labelledCell reads a bare number whose own cell, or the cell before it,
// is a score label: "评价得分 |" then "91.47 |".
func labelledCell(p *normalize.Page, lines []lineSpan, li int, line string, n quantity.Number, s, e int) (Fact, bool) {
	runes := p.Runes()
	label := cellLabel(runes, lines[li].start, s)
	if label == "" && li > 0 {
		prev := lines[li-1]
		label = cellLabel(runes, prev.start, prev.end)
	}
	if len([]rune(label)) > 8 || !strings.HasSuffix(label, "分") {
		return Fact{}, false
	}
	for _, l := range scoreLabels {
		if strings.HasSuffix(label, l) {
			f := Fact{
				Page: p.Number, Start: s, End: e, Text: n.Text,
				Value: n.Value, Unit: "分", UnitText: "", Kind: lexicon.Score, Section: p.SectionAt(s),
			}
			if l != "得分" && l != "总分" { // 总分's first number is the weight
				f.Metric, f.label = SelfScore, l
			}
			return f, n.Value <= 100
		}
	}
	return Fact{}, false
}

// onlyBlankCells reports whether r is nothing but spaces and cell bars once
// trimmed ("  | "): the number before it ends its line's last filled cell.
// A rune that is neither a space nor a bar survives any trim, so the scan
// stops there; only the line's last number copies the rest of its line.
func onlyBlankCells(r []rune) bool {
	for _, c := range r {
		if c != '|' && !unicode.IsSpace(c) {
			return false
		}
	}
	return strings.Trim(strings.TrimSpace(string(r)), " |") == ""
}

// maxCellLabel is the longest label, in runes, that labelledCell reads.
const maxCellLabel = 8

// cellLabel returns the text of r[from:to) trimmed of spaces, bars and
// colons — the label before a number in its row. It is exact when that
// label is at most maxCellLabel runes; a longer result means only "too
// long". It trims a window before to, doubled until the label is longer
// than that or the window reaches from, so a number in a row of thousands
// of cells does not copy the whole row before it: the trimmed window is a
// suffix of the trimmed whole, so a window label that is already too long
// means the whole one is too (TestCellLabelAsWhole).
func cellLabel(r []rune, from, to int) string {
	for w := 4 * maxCellLabel; ; w *= 2 {
		lo := max(from, to-w)
		l := strings.TrimSpace(strings.Trim(string(r[lo:to]), " |:："))
		if lo == from || utf8.RuneCountInString(l) > maxCellLabel {
			return l
		}
	}
}

// labelledAmounts reads, in prose under a declared money unit, bare numbers
// that follow a money label directly: "项目资金（万元）：年初预算数150，全年
// 预算数150，全年执行数148.5". Without the label the number stays untyped.
func labelledAmounts(p *normalize.Page, text string, headers []declared, lineStart int, line string) []Fact {
	var out []Fact
	runes := p.Runes()
	for _, n := range quantity.Numbers(line) {
		s, e := lineStart+n.Start, lineStart+n.End
		cu, ok := contextUnits[declaredUnit(headers, s)]
		if !ok || cu.kind != lexicon.Money || n.Value == 0 {
			continue
		}
		left := strings.TrimRight(string(runes[max(0, s-8):s]), "：:为是 ")
		var label string
		for _, m := range metricPhrases {
			if slices.Contains(m.kinds, lexicon.Money) && strings.HasSuffix(left, m.phrase) && len(m.phrase) > len(label) {
				label = m.phrase
			}
		}
		if label == "" {
			continue
		}
		f := Fact{
			Page: p.Number, Start: s, End: e, Text: n.Text,
			Value: quantity.Scale(n.Text, cu.factor), Money: amount(n.Text, cu.factor, cu.kind), Unit: cu.unit, Kind: cu.kind, Section: p.SectionAt(s),
		}
		f.Metric, f.label, f.conditional = metricFor(runes, s, cu.kind)
		refine(&f, runes, s)
		out = append(out, f)
	}
	return out
}

// labelUnitRe reads a form field written as its label, the unit in
// brackets, then a bare number: 自评总分（分）97.6, 预算执行率(%)：95,
// 全年预算数（万元）：120. The label (a metric phrase, just before the
// bracket) names the metric and the bracket the unit, so the number is a
// fact though it carries no unit of its own.
var labelUnitRe = regexp.MustCompile(`\s*[（(]\s*(分|%|万元|元|亿元|千元)\s*[)）]\s*[:：]?\s*([0-9]+(?:\.[0-9]+)?)`)

// bracketUnits says what a bracketed unit makes of the number after it.
var bracketUnits = map[string]struct {
	unit   string
	kind   quantity.Kind
	factor float64
}{
	"分": {"分", lexicon.Score, 1},
	"%": {"%", lexicon.Percent, 1},
}

// labelUnitFacts returns the facts written as label (unit) number.
func labelUnitFacts(p *normalize.Page) []Fact {
	var out []Fact
	text := p.Text
	at := runeCursor{text: text}
	for _, m := range labelUnitRe.FindAllStringSubmatchIndex(text, -1) {
		// the number must end there: not the start of a longer run of digits or a unit
		if m[1] < len(text) && strings.ContainsAny(text[m[1]:m[1]+1], "0123456789.%") {
			continue
		}
		unit, num := text[m[2]:m[3]], text[m[4]:m[5]]
		bu, ok := bracketUnits[unit]
		if !ok {
			cu := contextUnits[unit]
			bu.unit, bu.kind, bu.factor = cu.unit, cu.kind, cu.factor
		}
		// the longest metric phrase of the unit's kind that ends at the bracket
		before := text[:m[0]]
		phrase := ""
		for _, mp := range metricPhrases {
			if len(mp.phrase) > len(phrase) && slices.Contains(mp.kinds, bu.kind) && strings.HasSuffix(before, mp.phrase) {
				phrase = mp.phrase
			}
		}
		if phrase == "" {
			continue
		}
		metric := Metric("")
		for _, mp := range metricPhrases {
			if mp.phrase == phrase && slices.Contains(mp.kinds, bu.kind) {
				metric = mp.metric
			}
		}
		if metric == "" {
			continue
		}
		s := at.at(m[4])
		v := quantity.Scale(num, bu.factor)
		if bu.kind == lexicon.Score && v > 100 || bu.kind == lexicon.Percent && v > 1000 {
			continue
		}
		out = append(out, Fact{
			Page: p.Number, Start: s, End: s + len([]rune(num)), Text: num, Value: v, Money: amount(num, bu.factor, bu.kind),
			Unit: bu.unit, UnitText: unit, Kind: bu.kind, Metric: metric, Section: p.SectionAt(s), label: phrase,
		})
	}
	return out
}

// runeCursor turns the byte offsets of a text's regexp matches, which come
// in order, into rune offsets, counting on from the last one asked: a count
// from the start of the text for each match is quadratic in a long text.
type runeCursor struct {
	text           string
	byteAt, runeAt int // the last byte offset asked and its rune offset
}

// at returns the rune offset of byte offset b (a rune boundary). An offset
// before the last one asked is counted again from the start.
func (c *runeCursor) at(b int) int {
	if b < c.byteAt {
		c.byteAt, c.runeAt = 0, 0
	}
	c.runeAt += utf8.RuneCountInString(c.text[c.byteAt:b])
	c.byteAt = b
	return c.runeAt
}

// countBesideUnit reports whether the line that declares the unit in force
// at runeOff also names a count column (人次, 人数, 户数 …).
func countBesideUnit(r []rune, ds []declared, runeOff int) bool {
	i := sort.Search(len(ds), func(i int) bool { return ds[i].at >= runeOff })
	if i == 0 {
		return false
	}
	at := ds[i-1].at
	from, to := at, at
	for from > 0 && r[from-1] != '\n' && at-from < 60 {
		from--
	}
	for to < len(r) && r[to] != '\n' && to-at < 60 {
		to++
	}
	line := string(r[from:to])
	for _, w := range countWords {
		if len([]rune(w)) >= 2 && strings.Contains(line, w) {
			return true
		}
	}
	return false
}
