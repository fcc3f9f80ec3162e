package selfeval

import (
	"fmt"
	"slices"
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
		Kind: doc.BlockParagraph,
		Lines: []doc.Line{
			{Text: "本年度项目资金总额500万元，全年执行数480万元，执行率96%，得分95分。"},
			{Text: "全年预算数、全年执行数与执行率详见附表，项目资金总额未作调整。"},
		},
	}}}}}
	nd, err := normalize.Document(d)
	if err != nil {
		t.Fatal(err)
	}
	if r := Extract(nd); len(r.Projects) != 0 {
		t.Errorf("prose read as a form: %+v", r.Projects)
	}
}

// gridDoc builds a one-page document holding one table (no merged cells).
func gridDoc(t *testing.T, rows [][]string) *normalize.Doc {
	t.Helper()
	tb := &doc.Table{Rows: len(rows), Cols: len(rows[0])}
	for r, row := range rows {
		for c, s := range row {
			tb.Cells = append(tb.Cells, doc.Cell{Row: r, Col: c, RowSpan: 1, ColSpan: 1, Text: s})
		}
	}
	d := &doc.Document{Format: doc.FormatDOCX, Pages: []doc.Page{{Number: 1, Blocks: []doc.Block{{Kind: doc.BlockTable, Table: tb}}}}}
	nd, err := normalize.Document(d)
	if err != nil {
		t.Fatal(err)
	}
	return nd
}

// TestBudgetTableIsNotAForm: a budget execution table has funding-like
// headers but no 自评表 rows; it yields no project.
func TestBudgetTableIsNotAForm(t *testing.T) {
	nd := gridDoc(t, [][]string{
		{"支出类别", "年初预算", "全年预算", "执行数（万元）", "执行率"},
		{"基本支出", "310.00", "325.50", "318.20", "97.8%"},
		{"合计", "310.00", "325.50", "318.20", "97.8%"},
	})
	if r := Extract(nd); len(r.Projects) != 0 {
		t.Errorf("budget table read as a form: %+v", r.Projects)
	}
}

// TestGridTransferForm: the central transfer-payment layout: (A)/(B)
// headers, the unit in a label cell, a central ministry that is not the
// 主管部门, a 其中 row, no 年初预算数 and no scores.
func TestGridTransferForm(t *testing.T) {
	nd := gridDoc(t, [][]string{
		{"转移支付（项目）名称", "农机购置补贴资金", "农机购置补贴资金", "农机购置补贴资金"},
		{"中央主管部门", "某部", "某部", "某部"},
		{"地方主管部门", "青溪县农业农村局", "资金使用单位", "青溪县农机服务站"},
		{"资金投入情况（万元）", "全年预算数（A）", "全年执行数（B）", "预算执行率（B/A×100%）"},
		{"年度资金总额：", "412.6", "398.3", "96.5%"},
		{"其中：中央财政资金", "400", "386.3", "96.6%"},
	})
	r := Extract(nd)
	sameRows(t, "projects", r.Projects, []Project{{
		Seq: 1, Name: s("农机购置补贴资金"), Department: s("青溪县农业农村局"), Implementer: s("青溪县农机服务站"),
		Budget: wan("412.6"), Executed: wan("398.3"), ExecutionRate: f(96.5), Page: 1,
	}})
}

// TestDetailTableIsNotAForm: a detail table with a 项目名称 column (one row
// per project) is not a 自评表 either.
func TestDetailTableIsNotAForm(t *testing.T) {
	nd := gridDoc(t, [][]string{
		{"序号", "项目名称", "执行数（万元）", "执行率"},
		{"1", "村道路面硬化工程", "103.50", "91.0%"},
		{"2", "桥梁维修加固工程", "88.00", "100.0%"},
	})
	if r := Extract(nd); len(r.Projects) != 0 {
		t.Errorf("detail table read as a form: %+v", r.Projects)
	}
}

// TestAmountFinerThanFen: a funding cell finer than 1 分 (412.6123456万元 is
// 4126123.456 元) is NULL with a warning, never rounded; the row's other
// amounts stand.
func TestAmountFinerThanFen(t *testing.T) {
	nd := gridDoc(t, [][]string{
		{"转移支付（项目）名称", "农机购置补贴资金", "农机购置补贴资金", "农机购置补贴资金"},
		{"地方主管部门", "青溪县农业农村局", "资金使用单位", "青溪县农机服务站"},
		{"资金投入情况（万元）", "全年预算数（A）", "全年执行数（B）", "预算执行率（B/A×100%）"},
		{"年度资金总额：", "412.6123456", "398.3", "96.5%"},
	})
	r := Extract(nd)
	if len(r.Projects) != 1 {
		t.Fatalf("%d projects", len(r.Projects))
	}
	p := r.Projects[0]
	if p.Budget != nil || p.Executed == nil || *p.Executed != 398300000 {
		t.Errorf("budget %v executed %v, want NULL and 398300000 分", p.Budget, p.Executed)
	}
	want := "全年预算数 of 年度资金总额 412.6123456: amount finer than 1 分; left NULL"
	if !slices.Contains(p.Warnings, want) {
		t.Errorf("warnings %q, want %q", p.Warnings, want)
	}
}
