package facts

import (
	"context"
	"math"
	"os"
	"strings"
	"testing"

	"zipin/extract"
	"zipin/extract/doc"
	textreader "zipin/extract/text"
	"zipin/internal/testenv"
	"zipin/normalize"
	"zipin/quantity"
	"zipin/segment"
	"zipin/selfeval"
)

func analyze(t *testing.T, s string) *Result {
	t.Helper()
	return analyzeDoc(t, &doc.Document{Format: doc.FormatTXT, Pages: []doc.Page{{Number: 1, Blocks: textreader.Blocks(s)}}})
}

// analyzeBytes runs a file's bytes, named name (the name extract.Read sees),
// through the real extract, normalize and segment stages into Analyze. The
// facts tests share it so each reads its input the way the pipeline does.
func analyzeBytes(t *testing.T, name string, data []byte) *Result {
	t.Helper()
	d, err := extract.Read(context.Background(), name, data)
	if err != nil {
		t.Fatal(err)
	}
	return analyzeDoc(t, d)
}

// analyzeDoc normalizes and segments an extracted document and analyzes it
// as the pipeline does: the facts and 自评表 stages side by side, then
// Reconcile.
func analyzeDoc(t *testing.T, d *doc.Document) *Result {
	t.Helper()
	nd, err := normalize.Document(d)
	if err != nil {
		t.Fatal(err)
	}
	seg, err := segment.Default()
	if err != nil {
		t.Fatal(err)
	}
	res := Analyze(nd, seg)
	Reconcile(&res.Headline, selfeval.Extract(nd))
	return res
}

// yuan is an amount in 元, for comparing with the cases' figures.
func yuan(m *quantity.Money) *float64 {
	if m == nil {
		return nil
	}
	return new(m.Yuan())
}

func TestSeedHeadline(t *testing.T) {
	data, err := os.ReadFile(testenv.Corpus(t, "seed/panyu-2021.txt"))
	if err != nil {
		t.Fatal(err)
	}
	h := analyze(t, string(data)).Headline
	check := func(name string, got *float64, want float64) {
		if got == nil || math.Abs(*got-want) > 0.001 {
			t.Errorf("%s = %v, want %v", name, deref(got), want)
		}
	}
	check("budget", yuan(h.Budget), 135659700)
	check("executed", yuan(h.Executed), 116721400)
	check("rate", h.ExecutionRate, 86.0)
	check("score", h.SelfScore, 92.8)
	if h.FiscalYear == nil || *h.FiscalYear != 2021 {
		t.Errorf("year %v", h.FiscalYear)
	}
	if h.Organization == nil || *h.Organization != "广州市番禺区退役军人事务局" {
		t.Errorf("organization %v", h.Organization)
	}
	if h.Kind != "department" {
		t.Errorf("kind %s", h.Kind)
	}
	if len(h.Warnings) != 0 {
		t.Errorf("warnings %q: 86.04 rounds to the stated 86.0", h.Warnings)
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestCrossChecks(t *testing.T) {
	r := analyze(t, `示范县文化局2022年度部门整体支出绩效自评报告
一、预算执行情况
全年预算数1,000.00万元，全年执行数1,100.00万元，预算执行率为80%。
二、自评结论
部门整体支出绩效自评得分85分，评价等级为优。`)
	h := r.Headline
	if h.Budget == nil || *h.Budget != 1000000000 || h.Executed == nil || *h.Executed != 1100000000 || *h.ExecutionRate != 80 {
		t.Fatalf("values changed or lost: %+v", h)
	}
	want := []string{"execution_rate: stated 80.00% but executed ÷ budget = 110.00%", "executed 11000000.00 元 exceeds budget", "grade 优 does not fit score 85.00"}
	for _, w := range want {
		found := false
		for _, got := range h.Warnings {
			if strings.Contains(got, w) {
				found = true
			}
		}
		if !found {
			t.Errorf("missing warning %q in %q", w, h.Warnings)
		}
	}
}

func TestSubScoresAreNotTheTotal(t *testing.T) {
	h := analyze(t, `某中心2023年度项目支出绩效自评报告
投入25分，过程20分，产出指标40分。
预算执行率分值10分，得分10分。`).Headline
	if h.SelfScore != nil {
		t.Errorf("self_score %v from a sub-score", *h.SelfScore)
	}
	h = analyze(t, `某中心2023年度项目支出绩效自评报告
投入25分，自评得分97分。`).Headline
	if h.SelfScore == nil || *h.SelfScore != 97 {
		t.Errorf("self_score %v, want 97", deref(h.SelfScore))
	}
}

func TestAmbiguousFiguresStayNull(t *testing.T) {
	h := analyze(t, `某局2022年度部门整体支出绩效自评报告
一、基本情况
（一）甲项目全年预算数100万元。
（二）乙项目全年预算数200万元。`).Headline
	if h.Budget != nil {
		t.Errorf("budget %v from one of two figures", *h.Budget)
	}
	if len(h.Warnings) == 0 || !strings.Contains(h.Warnings[0], "budget_total") {
		t.Errorf("no warning for the ambiguity: %q", h.Warnings)
	}
}

func TestOrganizationAndGrade(t *testing.T) {
	cases := []struct {
		text, org, grade string
	}{
		{"我局2022年部门整体支出绩效自评报告\n经自评，我局整体绩效良好。", "", ""},
		{"项目名称 | 道路养护\n主管部门 | 201-江北县交通运输局\n实施单位 | 201001-江北县交通运输局\n评价等级 | ☑优 □良 □中 □差", "江北县交通运输局", "优"},
		{"西坪镇人民政府2021年度项目支出绩效自评报告\n自评结论：整体绩效自评为优 秀。", "西坪镇人民政府", "优秀"},
		{"评价等级 | R优 £良 £中 £差", "", "优"},
		{"南溪区住房和城乡建设局关于2022年度部门整体支出绩效自评报告\n自评等级：良好", "南溪区住房和城乡建设局", "良好"},
		{"北山市北山区教育局（本级）2023年度项目支出绩效自评报告", "北山市北山区教育局", ""},
		{"项目绩效自评报告\n下一步将持续优化流程，自评等级为良。", "", "良"},
	}
	for _, c := range cases {
		h := analyze(t, c.text).Headline
		if got := str(h.Organization); got != c.org {
			t.Errorf("%q: organization %q, want %q", c.text, got, c.org)
		}
		if got := str(h.Grade); got != c.grade {
			t.Errorf("%q: grade %q, want %q", c.text, got, c.grade)
		}
	}
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func TestFactsHaveMetricSubjectSection(t *testing.T) {
	r := analyze(t, `某局2021年部门整体支出绩效自评报告
一、基本情况
（二）年度重点工作
完成 297 名自主就业退役士兵的安置，应急救助资金 55.57 万元。
二、预算执行
全年预算数 13565.97 万元，预算完成率 86.0%。`)
	byText := map[string]Fact{}
	for _, f := range r.Facts {
		byText[f.Text] = f
	}
	f, ok := byText["297名"]
	if !ok || f.Subject != "自主就业退役士兵" || f.Section != "一、基本情况 > （二）年度重点工作" {
		t.Errorf("297名: %+v (facts %v)", f, keys(byText))
	}
	if f := byText["55.57万元"]; f.Value != 555700 || !strings.Contains(f.Subject, "应急救助资金") {
		t.Errorf("55.57万元: %+v", f)
	}
	if f := byText["13565.97万元"]; f.Metric != BudgetTotal || f.Section != "二、预算执行" {
		t.Errorf("budget fact: %+v", f)
	}
	if f := byText["86.0%"]; f.Metric != ExecutionRate {
		t.Errorf("rate fact: %+v", f)
	}
}

func keys(m map[string]Fact) []string {
	var k []string
	for s := range m {
		k = append(k, s)
	}
	return k
}

// TestVariedReports runs the headline rules over reports written in styles
// the corpus does not have: a title starting with 关于, 全年支出 for the
// spending, a form flattened into "label数N" prose under one （万元）.
func TestVariedReports(t *testing.T) {
	cases := []struct {
		file, kind, org           string
		year                      int
		budget, executed, rate, s float64
		grade                     string
	}{
		{"project-report.txt", "project", "南昌市东湖区城市管理局", 2023, 27000000, 25650000, 95, 93, "优"},
		{"department-report.txt", "department", "西河县教育局", 2021, 365218000, 354026600, 96.94, 88.5, "良"},
		{"label-value-form.txt", "table", "南岭县北坡镇人民政府", 2022, 1500000, 1485000, 99, 98.9, ""},
		// a pipe table whose columns name the metrics and whose 合计 row holds the totals
		{"department-table.txt", "department", "临江市林业和草原局", 2022, 58863200, 56401800, 95.82, 94, "优"},
		{"township-project.txt", "project", "白石镇人民政府", 2023, 8600000, 8124000, 94.47, 95.5, "优秀"},
	}
	for _, c := range cases {
		data, err := os.ReadFile("../testdata/text/varied/" + c.file)
		if err != nil {
			t.Fatal(err)
		}
		h := analyze(t, string(data)).Headline
		if h.Kind != c.kind || str(h.Organization) != c.org || h.FiscalYear == nil || *h.FiscalYear != c.year || str(h.Grade) != c.grade {
			t.Errorf("%s: kind %s org %q year %v grade %q", c.file, h.Kind, str(h.Organization), h.FiscalYear, str(h.Grade))
		}
		for name, pair := range map[string][2]any{"budget": {yuan(h.Budget), c.budget}, "executed": {yuan(h.Executed), c.executed}, "rate": {h.ExecutionRate, c.rate}, "score": {h.SelfScore, c.s}} {
			got, want := pair[0].(*float64), pair[1].(float64)
			if got == nil || math.Abs(*got-want) > 0.001 {
				t.Errorf("%s: %s = %v, want %v", c.file, name, deref(got), want)
			}
		}
	}
}
