package selfeval

import (
	"fmt"
	"testing"
)

// TestTargetComparators: a target cell reads every comparator of the
// lexicon, as prose does (issue 12: 不小于95% and 大于或等于90% had none).
func TestTargetComparators(t *testing.T) {
	for _, tc := range []struct {
		in, op string
		v      *float64
		unit   string
	}{
		{"不小于95%", "≥", f(95), "%"},
		{"大于或等于90%", "≥", f(90), "%"},
		{"小于或等于3天", "≤", f(3), "天"},
		{"不大于5%", "≤", f(5), "%"},
		{"≧98%", "≥", f(98), "%"},
		{"＞＝80%", "≥", f(80), "%"},
		{"90%及以上", "≥", f(90), "%"},
		{"达到百分之九十", "≥", f(90), "%"},
		{"2小时之内", "≤", f(2), "小时"},
		{"≥ 95 %", "≥", f(95), "%"},
		{"5篇/年", "", f(5), "篇/年"},
		{"100%完成", "", f(100), "%"},
		{"≥260台（套）", "≥", f(260), "台（套）"},
		{"12", "", f(12), ""},
		{"1-2次", "", nil, ""},
		{"95%，较上年有所提高", "", nil, ""},
	} {
		m := parseMeasure(tc.in)
		got := fmt.Sprintf("%s %v %s", m.op, fv(m.value), m.unit)
		want := fmt.Sprintf("%s %v %s", tc.op, fv(tc.v), tc.unit)
		if got != want {
			t.Errorf("parseMeasure(%q) = %q, want %q", tc.in, got, want)
		}
	}
}
