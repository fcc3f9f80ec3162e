package selfeval

import (
	"strings"

	"zipin/schema"
)

// indRow is one indicator line, cell text by column.
type indRow map[indCol]string

// indicator builds the indicators row. The unit is the target's, else the
// 度量单位 column's, else the actual's.
func indicator(c indRow) (schema.Indicator, bool) {
	name := strings.TrimSpace(c[icName])
	target := strings.TrimSpace(c[icOp] + c[icTarget] + c[icUnit])
	actual := strings.TrimSpace(c[icActual])
	weight, score := cellNum(c[icWeight]), cellNum(c[icScore])
	if name == "" || isPlaceholder(name) || isIndicatorStub(name) && target == "" && actual == "" && weight == nil {
		return schema.Indicator{}, false
	}
	in := schema.Indicator{Name: name, Weight: weight, Score: score}
	if l := cleanLabel(c[icLevel1]); l != "" {
		in.Level1 = schema.Ptr(l)
	}
	if l := cleanLabel(c[icLevel2]); l != "" {
		in.Level2 = schema.Ptr(l)
	}
	tm, am := parseMeasure(target), parseMeasure(actual)
	if target != "" && !isPlaceholder(target) {
		in.TargetText = schema.Ptr(target)
		if tm.op != "" {
			in.TargetOp = schema.Ptr(tm.op)
		}
		in.TargetValue = tm.value
	}
	if actual != "" && !isPlaceholder(actual) {
		in.ActualText = schema.Ptr(actual)
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
		in.Unit = schema.Ptr(unit)
	}
	if n := strings.TrimSpace(c[icNote]); n != "" && !isPlaceholder(n) {
		in.Note = schema.Ptr(n)
	}
	return in, true
}

// isIndicatorStub: the template's unfilled placeholder lines ("指标1:").
func isIndicatorStub(name string) bool {
	n := strings.TrimRight(name, ":：…. ")
	return strings.HasPrefix(n, "指标") && len([]rune(n)) <= 4
}
