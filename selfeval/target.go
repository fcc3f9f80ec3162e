package selfeval

import (
	"strings"
	"unicode"

	"zipin/lexicon"
	"zipin/quantity"
)

// A target or actual value as the form writes it: "≥95%", "≤120万元", "=100%",
// "12个月内", "100百分比", "不小于95%", "达成预期指标", "效果明显". The cell is
// read by the number grammar (quantity.Target), so a target cell and prose
// agree on every comparator, qualifier and unit of the lexicon.
//
// Units choice: the value is kept in the unit as written and the unit is
// recorded beside it ("≤120万元" → ≤, 120, 万元), not converted to 元 or
// counts. Targets and actuals are compared with each other within a row, and
// an analyst reads them against the form; converting only some of them (money
// but not 人次) would make the column mean different things row by row.
// Spelled-out units are folded to their symbol (百分比 → %).
type measure struct {
	op    string // ≥ ≤ > < =, "" when none is written
	value *float64
	unit  string
}

// unitAliases fold spelled-out units to their symbol: every way the lexicon
// writes a percent with factor 1 (百分比, ％), and the 百分之 of 百分之九十.
var unitAliases = func() map[string]string {
	m := map[string]string{"百分之": "%"}
	for _, u := range lexicon.Units {
		if u.Kind == lexicon.Percent && u.Factor == 1 && u.Written != u.Base {
			m[u.Written] = u.Base
		}
	}
	return m
}()

// unitContinues are the runes that, right after a known unit, continue it
// rather than start a remark: 篇/年, 台（套）.
const unitContinues = "/／（(［["

// maxUnitTail is the longest text after a number that is still read as a
// unit the lexicon lacks (篇/年, 人/期); longer text makes the cell
// qualitative.
const maxUnitTail = 6

// parseMeasure reads one target or actual cell. Text without a single
// leading number (a qualitative target), or a range (1-2次), yields no value
// and no op.
func parseMeasure(s string) measure {
	q, rest, ok := quantity.Target(s)
	if !ok || q.ValueHigh != nil || !unitTail(rest) {
		return measure{} // qualitative: keep the text, no value, no op
	}
	m := measure{op: q.Op, unit: q.WrittenUnit}
	v := q.InUnit
	m.value = &v
	if m.unit == "" || rest != "" && strings.ContainsRune(unitContinues, []rune(rest)[0]) {
		m.unit += rest // a unit the lexicon lacks, a rate (篇/年), an alternative (台（套）)
	}
	if a, ok := unitAliases[m.unit]; ok {
		m.unit = a
	}
	return m
}

// unitTail: what may follow a cell's number and stay part of its measure.
func unitTail(s string) bool {
	if len([]rune(s)) > maxUnitTail {
		return false
	}
	for _, r := range s {
		if unicode.IsDigit(r) || unicode.IsSpace(r) {
			return false
		}
	}
	return !strings.ContainsAny(s, "０１２３４５６７８９")
}
