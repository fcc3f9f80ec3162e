package facts

import (
	"regexp"
	"sort"
	"strings"

	"zipin/lexicon"
	"zipin/normalize"
	"zipin/quantity"
)

// An indicator table often writes a number in one cell and its unit in the
// next (计量单位: `成本控制数 | ≤ | 30 | 万元`), or leaves the unit to the
// indicator's name (`享受社会保险补贴人员数量 | 4443`). Both are facts.

// comparatorCells are cells that hold only a comparator, for the number in
// the next cell.
var comparatorCells = map[string]bool{"≤": true, "≥": true, "<": true, ">": true, "=": true, "＜": true, "＞": true, "≦": true, "≧": true}

// countNames end an indicator name that counts in a unit of its own, and give it.
var countNames = []struct{ suffix, unit string }{
	{"人员数量", "人"}, {"人数", "人"}, {"人次", "人次"}, {"户数", "户"}, {"个数", "个"},
	{"次数", "次"}, {"家数", "家"}, {"场次", "场次"}, {"学生数", "人"}, {"人员数", "人"},
}

// unitCellFacts reads, over the page's cells, a bare number followed by a
// cell that is only a unit, and a bare whole number that follows an
// indicator name which names its unit.
func unitCellFacts(p *normalize.Page, toks []token, facts []Fact) []Fact {
	r := p.Runes()
	var out []Fact
	idx := indexSpans(facts)
	// A unit declared around the table typed a bare number; the indicator
	// name in the cell before says it counts (人员数量 4443 is 4443人, not
	// 4443万元).
	for k := range facts {
		f := &facts[k]
		if !f.ctx || strings.Contains(f.Text, ".") {
			continue
		}
		if name := nameBefore(r, f.Start); countNameUnit(name) != "" {
			f.Value, f.Unit, f.UnitText, f.Kind, f.Metric, f.label, f.Subject = quantity.Scale(f.Text, 1), countNameUnit(name), "", lexicon.Count, "", "", name
		}
	}
	for i, t := range toks {
		if !bareCell.MatchString(t.text) || percentCell(t.text) {
			continue
		}
		if idx.overlaps(t.start, t.end) || overlaps(out, t.start, t.end) {
			continue
		}
		if i+1 < len(toks) && isUnitCell(toks[i+1].text) {
			u := toks[i+1]
			qs := quantity.Find(t.text + u.text)
			if len(qs) == 1 && qs[0].Start == 0 && qs[0].End == len([]rune(t.text+u.text)) && !idx.overlaps(u.start, u.end) {
				q := qs[0]
				f := Fact{
					Page: p.Number, Start: t.start, End: u.end, Text: string(r[t.start:u.end]),
					Value: q.Value, Money: q.Money, Unit: q.Unit, UnitText: q.UnitText, Kind: q.Kind, Section: p.SectionAt(t.start),
				}
				if i > 0 && comparatorCells[toks[i-1].text] {
					f.Op = normalizeOp(toks[i-1].text)
				}
				f.Metric, f.label, f.conditional = metricFor(r, t.start, q.Kind)
				out = append(out, f)
				continue
			}
		}
		if i > 0 && !strings.Contains(t.text, ".") {
			if u := countNameUnit(toks[i-1].text); u != "" {
				if v, ok := quantity.ParseNumber(t.text); ok {
					out = append(out, Fact{
						Page: p.Number, Start: t.start, End: t.end, Text: t.text,
						Value: v, Unit: u, Kind: lexicon.Count, Subject: toks[i-1].text, Section: p.SectionAt(t.start),
					})
				}
			}
		}
	}
	return out
}

// isUnitCell: a cell that is only a unit of measure, as quantity reads one
// after a number.
func isUnitCell(s string) bool {
	if s == "" || len([]rune(s)) > 4 || strings.ContainsAny(s, "0123456789") {
		return false
	}
	qs := quantity.Find("1" + s)
	return len(qs) == 1 && qs[0].End == len([]rune("1"+s)) && qs[0].Kind != ""
}

func normalizeOp(s string) string {
	switch s {
	case "＜":
		return "<"
	case "＞":
		return ">"
	case "≦":
		return "≤"
	case "≧":
		return "≥"
	}
	return s
}

func overlaps(fs []Fact, start, end int) bool {
	for _, f := range fs {
		if f.Start < end && start < f.End {
			return true
		}
	}
	return false
}

// spanIndex answers overlap queries against many facts in O(log n): the
// spans sorted by start, with the running maximum of their ends.
type spanIndex struct {
	starts, maxEnd []int
}

func indexSpans(fs []Fact) spanIndex {
	ss := make([][2]int, len(fs))
	for i, f := range fs {
		ss[i] = [2]int{f.Start, f.End}
	}
	sort.Slice(ss, func(i, j int) bool { return ss[i][0] < ss[j][0] })
	var x spanIndex
	m := -1
	for _, s := range ss {
		m = max(m, s[1])
		x.starts, x.maxEnd = append(x.starts, s[0]), append(x.maxEnd, m)
	}
	return x
}

// overlaps reports whether any indexed span overlaps [start, end).
func (x spanIndex) overlaps(start, end int) bool {
	i := sort.SearchInts(x.starts, end) // spans starting before end
	return i > 0 && x.maxEnd[i-1] > start
}

// countNameUnit is the unit an indicator name gives its number, or "".
func countNameUnit(name string) string {
	if !isLabelToken(name) {
		return ""
	}
	for _, c := range countNames {
		if strings.HasSuffix(name, c.suffix) {
			return c.unit
		}
	}
	return ""
}

// ctxAt is the index of the context-typed fact exactly at [start, end), or -1.
func ctxAt(fs []Fact, start, end int) int {
	for k, f := range fs {
		if f.ctx && f.Start == start && f.End == end {
			return k
		}
	}
	return -1
}

// cellBefore is the cell that ends just before start: the words back to a
// space, a pipe or a line break (flattened text often glues a number to the
// indicator name before it), at most 16 runes.
func cellBefore(r []rune, start int) string {
	i := start
	for i > 0 && (r[i-1] == ' ' || r[i-1] == '|' || r[i-1] == '\t') {
		i--
	}
	j := i
	for j > 0 && i-j < 16 && !strings.ContainsRune(" |\t\n", r[j-1]) && r[j-1] >= 0x3400 {
		j--
	}
	return string(r[j:i])
}

// targetCell is a number cell of an indicator row, a target (≥200) or an
// actual value (202).
var targetCell = regexp.MustCompile(`^[≥≤<>＞＜=]?[0-9][0-9,]*(?:\.[0-9]+)?$`)

// nameBefore is the indicator name that opens the run of number cells the
// number at start ends: 资助学生人数 1200 1236 gives 资助学生人数 for 1236.
func nameBefore(r []rune, start int) string {
	at := start
	for range 3 {
		c := cellBefore(r, at)
		if c != "" {
			return c
		}
		// step over one number cell
		i := at
		for i > 0 && (r[i-1] == ' ' || r[i-1] == '|' || r[i-1] == '\t') {
			i--
		}
		j := i
		for j > 0 && !strings.ContainsRune(" |\t\n", r[j-1]) {
			j--
		}
		if j == i || !targetCell.MatchString(string(r[j:i])) {
			return ""
		}
		at = j
	}
	return ""
}
