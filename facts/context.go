package facts

import (
	"regexp"
	"strings"

	"zipin/normalize"
	"zipin/quantity"
)

// unitHeader finds the unit a table or a block of cells declares for its
// bare numbers: "项目资金（万元）", "经费控制情况(万元", "单位：万元".
var unitHeader = regexp.MustCompile(`(?:[（(]\s*(万元|元|亿元|千元|人|个|㎡|平方米|%)\s*[）)]?|单位\s*[：:]\s*(万元|元|亿元|千元))`)

// contextUnits says what a declared unit makes of a bare number.
var contextUnits = map[string]struct {
	unit, kind string
	factor     float64
}{
	"万元":  {"元", quantity.Money, 1e4},
	"元":   {"元", quantity.Money, 1},
	"千元":  {"元", quantity.Money, 1e3},
	"亿元":  {"元", quantity.Money, 1e8},
	"人":   {"人", quantity.Count, 1},
	"个":   {"个", quantity.Count, 1},
	"㎡":   {"㎡", quantity.Area, 1},
	"平方米": {"㎡", quantity.Area, 1},
}

// cellLine matches a line that is a table cell or row rather than prose: a
// bare number, a "label: number" pair, pipe-separated cells, or a run of
// numbers separated by spaces.
var cellLine = regexp.MustCompile(`^(?:[^，。；]{0,20}[：:]\s*)?[0-9][0-9,.\s|%]*\|?$|\|`)

// contextWindow is how many lines a declared unit stays in force.
const contextWindow = 80

// contextTyped types bare numbers in table-like lines from the unit their
// table declares. A bare integer below 100 is left alone: in these forms it
// is far more often a weight or a score (分值 10) than an amount.
func contextTyped(p *normalize.Page) []Fact {
	var out []Fact
	runes := p.Runes()
	unit, since := "", 0
	start := 0
	for i := 0; i <= len(runes); i++ {
		if i < len(runes) && runes[i] != '\n' {
			continue
		}
		line := string(runes[start:i])
		if m := unitHeader.FindAllStringSubmatch(line, -1); m != nil {
			last := m[len(m)-1]
			unit, since = last[1]+last[2], 0
		} else if unit != "" {
			since++
			if since > contextWindow {
				unit = ""
			}
		}
		cu, ok := contextUnits[unit]
		if ok && cellLine.MatchString(strings.TrimSpace(line)) && !hasUnitQuantity(line) {
			for _, n := range quantity.Numbers(line) {
				if n.Value == 0 || (!strings.Contains(n.Text, ".") && n.Value < 100 && cu.kind == quantity.Money) {
					continue
				}
				s, e := start+n.Start, start+n.End
				f := Fact{
					Page: p.Number, Start: s, End: e, Text: n.Text,
					Value: scale(n.Text, cu.factor), Unit: cu.unit, UnitText: unit, Kind: cu.kind,
					Section: p.SectionAt(s),
				}
				f.Metric, f.label, f.conditional = metricFor(runes, s, cu.kind)
				out = append(out, f)
			}
		}
		start = i + 1
	}
	return out
}

// hasUnitQuantity reports a line whose numbers carry their own units; those
// were already found.
func hasUnitQuantity(line string) bool {
	for _, q := range quantity.Find(line) {
		if q.Kind != quantity.Percent {
			return true
		}
	}
	return false
}

func scale(num string, factor float64) float64 {
	return quantity.Scale(num, factor)
}
