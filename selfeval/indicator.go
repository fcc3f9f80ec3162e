package selfeval

import (
	"strings"
)

// indRow is one indicator line, cell text by column.
type indRow map[indCol]string

// indicator builds the indicators row. The unit is the target's, else the
// 度量单位 column's, else the actual's.
func indicator(c indRow) (Indicator, bool) {
	name := strings.TrimSpace(c[icName])
	target := strings.TrimSpace(c[icOp] + c[icTarget] + c[icUnit])
	actual := strings.TrimSpace(c[icActual])
	weight, score := cellNum(c[icWeight]), cellNum(c[icScore])
	if name == "" || isPlaceholder(name) || isIndicatorStub(name) && target == "" && actual == "" && weight == nil {
		return Indicator{}, false
	}
	in := Indicator{Name: name, Weight: weight, Score: score}
	if l := cleanLabel(c[icLevel1]); l != "" {
		in.Level1 = new(l)
	}
	if l := cleanLabel(c[icLevel2]); l != "" {
		in.Level2 = new(l)
	}
	tm, am := parseMeasure(target), parseMeasure(actual)
	if target != "" && !isPlaceholder(target) {
		in.TargetText = new(target)
		if tm.op != "" {
			in.TargetOp = new(tm.op)
		}
		in.TargetValue = tm.value
	}
	if actual != "" && !isPlaceholder(actual) {
		in.ActualText = new(actual)
		in.ActualValue = am.value
	}
	unit := tm.unit
	if unit == "" && c[icUnit] != "" {
		unit = strings.TrimSpace(c[icUnit])
	}
	if unit == "" && tm.value == nil {
		unit = am.unit
	}
	if unit != "" && (in.TargetValue != nil || in.ActualValue != nil) {
		in.Unit = new(unit)
	}
	if n := strings.TrimSpace(c[icNote]); n != "" && !isPlaceholder(n) {
		in.Note = new(n)
	}
	return in, true
}

// isIndicatorStub: the template's unfilled placeholder lines ("指标1:").
func isIndicatorStub(name string) bool {
	n := strings.TrimRight(name, ":：…. ")
	return strings.HasPrefix(n, "指标") && len([]rune(n)) <= 4
}
