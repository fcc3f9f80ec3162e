package selfeval

import (
	"encoding/json"
	"testing"

	"zipin/quantity"
)

// Helpers to write expected rows compactly.
func s(v string) *string   { return &v }
func f(v float64) *float64 { return &v }

// wan is an amount written in 万元, exact in 分.
func wan(v string) *quantity.Money {
	m, err := quantity.ParseMoney(v, "万元")
	if err != nil {
		panic(err)
	}
	return &m
}

// ind builds an expected indicator: level1, level2, name, target text, op,
// target value, actual text, actual value, unit, weight, score, note. Empty
// strings and NaN-free nil pointers mean NULL.
func ind(l1, l2, name, target, op string, tv *float64, actual string, av *float64, unit string, w, sc *float64, note string) Indicator {
	opt := func(x string) *string {
		if x == "" {
			return nil
		}
		return &x
	}
	return Indicator{Level1: opt(l1), Level2: opt(l2), Name: name, TargetText: opt(target), TargetOp: opt(op),
		TargetValue: tv, ActualText: opt(actual), ActualValue: av, Unit: opt(unit), Weight: w, Score: sc, Note: opt(note)}
}

// sameRows compares rows field by field (via JSON, so pointers compare by value).
func sameRows[T any](t *testing.T, what string, got, want []T) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %d rows, want %d", what, len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		g, _ := json.Marshal(got[i])
		w, _ := json.Marshal(want[i])
		if string(g) != string(w) {
			t.Errorf("%s row %d:\n got %s\nwant %s", what, i+1, g, w)
		}
	}
}

// checkCanonical asserts every cell of testdata/src/selfeval-table.html.
func checkCanonical(t *testing.T, r *Result) {
	t.Helper()
	sameRows(t, "projects", r.Projects, []Project{{
		Seq: 1, Name: s("城乡困难群众临时救助资金"), Department: s("江宁县民政局"), Implementer: s("江宁县社会救助服务中心"),
		BudgetInitial: wan("420"), Budget: wan("465.5"), Executed: wan("438.2"), ExecutionRate: f(94.1),
		TotalWeight: f(100), TotalScore: f(95.4), Page: 1,
	}})
	want := []Indicator{
		ind("年度总体目标", "", "年度总体目标", "及时救助遭遇突发性、紧迫性困难的城乡家庭，全年救助不少于1200人次，救助资金按时足额发放。", "", nil,
			"全年临时救助1286人次，发放救助资金438.20万元，资金均在审批后10个工作日内发放到位。", nil, "", nil, nil, ""),
		ind("产出指标", "数量指标", "临时救助人次", "≥1200人次", "≥", f(1200), "1286人次", f(1286), "人次", f(20), f(20), ""),
		ind("产出指标", "数量指标", "救助对象覆盖乡镇数", "=12个", "=", f(12), "12个", f(12), "个", f(10), f(10), ""),
		ind("产出指标", "质量指标", "救助对象认定准确率", "≥98%", "≥", f(98), "99.2%", f(99.2), "%", f(10), f(10), ""),
		ind("产出指标", "时效指标", "资金发放及时率", "≥95%", "≥", f(95), "92%", f(92), "%", f(10), f(8), "部分乡镇审批材料补正时间较长，下一步压缩审批时限。"),
		ind("效益指标", "社会效益指标", "困难群众基本生活得到保障", "效果明显", "", nil, "效果明显", nil, "", f(20), f(19), "个别对象回访不及时。"),
		ind("效益指标", "可持续影响指标", "救助长效机制运行", "≥3年", "≥", f(3), "3年", f(3), "年", f(10), f(10), ""),
		ind("满意度指标", "服务对象满意度指标", "救助对象满意度", "≥90%", "≥", f(90), "95.6%", f(95.6), "%", f(10), f(9), ""),
	}
	for i := range want {
		want[i].ProjectSeq, want[i].Seq = 1, i+1
	}
	sameRows(t, "indicators", r.Indicators, want)
	if len(r.Warnings) != 0 {
		t.Errorf("the canonical form is consistent, got warnings %q", r.Warnings)
	}
}
