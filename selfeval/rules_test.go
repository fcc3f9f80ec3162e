package selfeval

import (
	"fmt"
	"testing"

	"zipin/extract/doc"
	"zipin/normalize"
)

func TestParseMeasure(t *testing.T) {
	for _, tc := range []struct {
		in, op string
		v      *float64
		unit   string
	}{
		{"≥95%", "≥", f(95), "%"},
		{"≤120万元", "≤", f(120), "万元"}, // kept in the unit as written
		{"=100%", "=", f(100), "%"},
		{"12个月内", "≤", f(12), "个月"},
		{"100百分比", "", f(100), "%"},
		{"≥100百分比", "≥", f(100), "%"},
		{"不少于1,500人次", "≥", f(1500), "人次"},
		{"3天以内", "≤", f(3), "天"},
		{"90%以上", "≥", f(90), "%"},
		{">=85", "≥", f(85), ""},
		{"达成预期指标", "", nil, ""},
		{"效果明显", "", nil, ""},
		{"按时完成", "", nil, ""},
		{"2023年12月底前", "", nil, ""},
	} {
		m := parseMeasure(tc.in)
		got := fmt.Sprintf("%s %v %s", m.op, fv(m.value), m.unit)
		want := fmt.Sprintf("%s %v %s", tc.op, fv(tc.v), tc.unit)
		if got != want {
			t.Errorf("parseMeasure(%q) = %q, want %q", tc.in, got, want)
		}
	}
}

func fv(p *float64) any {
	if p == nil {
		return "NULL"
	}
	return *p
}

// TestGluedRows: glued funding and total rows split only where one reading
// fits the form; elsewhere the figure is NULL.
func TestGluedRows(t *testing.T) {
	std := standardFundCols
	for _, tc := range []struct {
		cells []string
		sub   bool
		want  string // initial budget executed weight rate score
	}{
		// One amount missing: 50|50|10|100% is the only reading with executed.
		{[]string{"505010100%"}, false, "NULL 50 50 10 100 NULL"},
		{[]string{"6060606100%"}, false, "60 60 60 6 100 NULL"}, // 606 is no 分值, 0606 no number
		{[]string{"70707010100%10"}, false, "70 70 70 10 100 10"},
		{[]string{"128.5120.3115.4595.97%"}, true, "128.5 120.3 115.45 NULL 95.97 NULL"},
		{[]string{"1111100%"}, false, "NULL NULL NULL NULL 100 NULL"},
	} {
		v, _ := solveRow(rowInput{cols: std, cells: tc.cells, glued: true, sub: tc.sub})
		got := ""
		for c := range numFundCols {
			if c > 0 {
				got += " "
			}
			if v[c] == nil {
				got += "NULL"
			} else {
				got += fmt.Sprint(v[c].v)
			}
		}
		if got != tc.want {
			t.Errorf("%q: got %s, want %s", tc.cells, got, tc.want)
		}
	}
	for _, tc := range []struct{ run, w, s string }{
		{"10096", "100", "96"},
		{"10089.5", "100", "89.5"},
		{"9090", "90", "90"},
	} {
		w, s, _ := solveTotal([]string{tc.run}, true)
		if fmt.Sprint(fv(numPtr(w))) != tc.w || fmt.Sprint(fv(numPtr(s))) != tc.s {
			t.Errorf("总分%s: got %v | %v, want %s | %s", tc.run, fv(numPtr(w)), fv(numPtr(s)), tc.w, tc.s)
		}
	}
}

func numPtr(n *num) *float64 {
	if n == nil {
		return nil
	}
	return &n.v
}

// TestProseIsNotAForm: 资金总额 in a sentence is not a funding row.
func TestProseIsNotAForm(t *testing.T) {
	d := &doc.Document{Format: doc.FormatTXT, Pages: []doc.Page{{Number: 1, Blocks: []doc.Block{{
		Kind:  doc.BlockParagraph,
		Lines: []doc.Line{{Text: "本年度项目资金总额500万元，全年执行数480万元，执行率96%，得分95分。"}},
	}}}}}
	nd, err := normalize.Document(d)
	if err != nil {
		t.Fatal(err)
	}
	if r := Extract(nd); len(r.Projects) != 0 {
		t.Errorf("prose read as a form: %+v", r.Projects)
	}
}
