package selfeval

import (
	"regexp"
	"strings"
)

// A target or actual value as the form writes it: "≥95%", "≤120万元", "=100%",
// "12个月内", "100百分比", "达成预期指标", "效果明显".
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

// opPrefixes and opSuffixes are the comparison words as forms write them, before or after the
// number, mapped to the operator stored. Longer words are tried first.
var opPrefixes = []struct{ word, op string }{
	{"≥", "≥"}, {">=", "≥"}, {"＞＝", "≥"}, {"不低于", "≥"}, {"不少于", "≥"}, {"大于等于", "≥"}, {"高于", ">"},
	{"≤", "≤"}, {"<=", "≤"}, {"＜＝", "≤"}, {"不高于", "≤"}, {"不超过", "≤"}, {"不多于", "≤"}, {"小于等于", "≤"}, {"低于", "<"},
	{">", ">"}, {"＞", ">"}, {"<", "<"}, {"＜", "<"}, {"=", "="}, {"＝", "="}, {"达到", "≥"},
}

var opSuffixes = []struct{ word, op string }{
	{"及以上", "≥"}, {"及以下", "≤"}, {"以内", "≤"}, {"之内", "≤"}, {"以下", "≤"}, {"以上", "≥"}, {"内", "≤"},
}

// unitAliases fold spelled-out units.
var unitAliases = map[string]string{"百分比": "%", "％": "%", "百分之": "%"}

var measureRe = regexp.MustCompile(`^(\d[\d,]*(?:\.\d+)?)\s*([^\d\s]{0,6})$`)

// parseMeasure reads one target or actual cell. Text without a single
// leading number (a qualitative target) yields no value and no op.
func parseMeasure(s string) measure {
	s = strings.TrimSpace(s)
	var m measure
	for _, p := range opPrefixes {
		if strings.HasPrefix(s, p.word) {
			m.op, s = p.op, strings.TrimSpace(strings.TrimPrefix(s, p.word))
			break
		}
	}
	for _, p := range opSuffixes {
		if strings.HasSuffix(s, p.word) {
			if m.op == "" {
				m.op = p.op
			}
			s = strings.TrimSpace(strings.TrimSuffix(s, p.word))
			break
		}
	}
	g := measureRe.FindStringSubmatch(s)
	if g == nil {
		return measure{} // qualitative: keep the text, no value, no op
	}
	n, ok := parseNum(g[1])
	if !ok {
		return measure{}
	}
	m.value = &n.v
	m.unit = g[2]
	if a, ok := unitAliases[m.unit]; ok {
		m.unit = a
	}
	return m
}
