package facts

import (
	"math"
	"strings"
	"testing"
)

// analyzeText reads an invented report given inline as plain text.
func analyzeText(t *testing.T, text string) *Result {
	t.Helper()
	return analyzeBytes(t, "case.txt", []byte(text))
}

// flatCase is an invented flattened 自评表 and the headline values read from
// it by hand; NaN means NULL. warn, if set, must be among the warnings.
type flatCase struct {
	name, text             string
	budget, executed, rate float64
	warn                   string
}

func checkFlat(t *testing.T, cases []flatCase) {
	t.Helper()
	for _, c := range cases {
		h := analyzeText(t, c.text).Headline
		for _, f := range []struct {
			name string
			got  *float64
			want float64
		}{{"budget", yuan(h.Budget), c.budget}, {"executed", yuan(h.Executed), c.executed}, {"execution_rate", h.ExecutionRate, c.rate}} {
			switch {
			case math.IsNaN(f.want) && f.got != nil:
				t.Errorf("%s: %s = %v, want NULL", c.name, f.name, *f.got)
			case !math.IsNaN(f.want) && (f.got == nil || math.Abs(*f.got-f.want) > 0.001):
				t.Errorf("%s: %s = %v, want %v", c.name, f.name, deref(f.got), f.want)
			}
		}
		if c.warn != "" && !strings.Contains(strings.Join(h.Warnings, "\n"), c.warn) {
			t.Errorf("%s: no warning with %q in %q", c.name, c.warn, h.Warnings)
		}
	}
}

const flatHead = "某县教育局2023年度学生资助项目支出绩效自评表\n项目名称\n学生资助项目\n主管部门\n某县教育局\n"

// TestFlatFormColumns: a flattened form's values are mapped to the columns
// its header names, or not at all; never shifted one column over.
func TestFlatFormColumns(t *testing.T) {
	checkFlat(t, []flatCase{
		// 年度预算数 is the 年度预算 column written with 数: it stays a column
		{"one cell per line", flatHead + "资金情况（万元）\n年度预算数\n实际支出\n资金执行率\n预算资金\n120.0\n108.0\n90.0%\n", 1200000, 1080000, 90, ""},
		{"space-separated", flatHead + "资金情况（万元） 年度预算数 实际支出 资金执行率\n预算资金 120.0 108.0 90.0%\n", 1200000, 1080000, 90, ""},
		{"pipe rows", flatHead + "| 资金情况（万元） | 年度预算数 | 实际支出 | 资金执行率 |\n| 预算资金 | 120.0 | 108.0 | 90.0% |\n", 1200000, 1080000, 90, ""},
		{"affixed names", flatHead + "资金情况（万元）\n本年预算数\n全年实际支出数\n执行率\n合计\n64.5\n60.0\n93.02%\n", 645000, 600000, 93.02, ""},
		// an unknown column between known ones keeps its place
		{"unknown column", flatHead + "资金情况（万元）\n年度预算数\n资金到位数\n实际支出\n资金执行率\n预算资金\n120.0\n115.0\n108.0\n90.0%\n", 1200000, 1080000, 90, ""},
		// one value missing from a row: which one is unknown
		{"value missing", flatHead + "资金情况（万元）\n年初预算数\n全年预算数\n全年执行数\n执行率\n得分\n预算资金\n50.0\n48.0\n96%\n9.6\n", null, null, null, "4 values under 6 columns"},
		// a percent under a money column: the cells are not in header order
		{"percent under money", flatHead + "资金情况（万元）\n全年预算数\n全年执行数\n执行率\n年度资金总额\n200.0\n95%\n190.0\n", null, null, null, "95% under the 全年执行数 column"},
		// more values than columns, with no row label to start a row
		{"count differs", flatHead + "资金情况（万元）\n全年预算数\n全年执行数\n36.0\n30.0\n28.5\n", null, null, null, "3 values under 2 columns"},
		// an unknown column before the first known one: no safe place
		{"unknown first column", flatHead + "资金情况（万元）\n资金到位数\n全年预算数\n全年执行数\n执行率\n年度资金总额\n90.0\n100.0\n92.0\n92%\n", null, null, null, "4 values under 3 columns"},
		// columns in another order are read in theirs
		{"rate before spending", flatHead + "资金情况（万元） 全年预算数 执行率 全年执行数\n预算资金 200.0 95% 190.0\n", 2000000, 1900000, 95, ""},
		// the same row with the rate cell moved: a percent under an amount
		{"rate cell moved", flatHead + "资金情况（万元） 全年预算数 执行率 全年执行数\n预算资金 200.0 190.0 95%\n", null, null, null, "95% under the 全年执行数 column"},
		// a budget heading stating the unit over its two budget columns
		{"budget heading", flatHead + "年度预算数（万元）\n年初预算\n调整后预算数\n预算执行数\n预算执行率\n总额\n80.00\n100.00\n96.00\n96.00%\n", 1000000, 960000, 96, ""},
	})
}

// TestCorpsRegimentOrganization: a 兵团 regiment (第N师 + a number in Chinese
// numerals + 团, also after the 师市 form 第N师X市) is a unit of its own, and
// as a project form's 实施单位 it is the reporter, not the 主管部门.
func TestCorpsRegimentOrganization(t *testing.T) {
	for _, c := range []struct{ name, text, want string }{
		{"implementer row", "2023年度项目支出绩效自评表\n| 项目名称 | 团场节水灌溉改造 |\n| 主管部门 | 第七师水利局 | 实施单位 | 第七师一二三团 |\n| 资金情况（万元） | 全年预算数 | 全年执行数 | 执行率 |\n| 年度资金总额 | 300 | 291 | 97% |\n", "第七师一二三团"},
		{"implementer lines", "2023年度项目支出绩效自评表\n项目名称\n棉田高效节水项目\n主管部门\n第八师农业农村局\n实施单位\n第八师一四三团\n", "第八师一四三团"},
		{"department header", "部门：第二师二十二团\n2022年度部门整体支出绩效自评报告\n一、部门基本情况\n本团承担辖区农业生产与公共服务。\n", "第二师二十二团"},
		{"corps prefix", "新疆生产建设兵团第十四师二二四团2023年度部门整体支出绩效自评报告\n一、部门基本情况\n", "新疆生产建设兵团第十四师二二四团"},
		{"division city 十团", "第一师阿拉尔市十团2023年度项目支出绩效自评报告\n一、项目基本情况\n", "第一师阿拉尔市十团"},
		{"division city form", "第三师图木舒克市四十五团2023年度团场基层组织运转经费绩效自评报告\n一、项目基本情况\n", "第三师图木舒克市四十五团"},
		{"ordinary 团 words", "2023年度项目支出绩效自评表\n| 项目名称 | 文艺下乡 |\n| 主管部门 | 昌吉市文化体育广播电视和旅游局 | 实施单位 | 昌吉市豫剧团 |\n", "昌吉市豫剧团"},
	} {
		h := analyzeText(t, c.text).Headline
		if got := str(h.Organization); got != c.want {
			t.Errorf("%s: organization = %q, want %q", c.name, got, c.want)
		}
	}
}

// TestFullWidthThousandsFacts: in full-width text a number grouped with ，
// is one fact with its whole span, not its last group.
func TestFullWidthThousandsFacts(t *testing.T) {
	res := analyzeText(t, "某县农业农村局2023年度项目支出绩效自评报告\n项目惠及居民３，４０８户，批复总投资１，２５０万元，分三批实施，完成３，４，５号泵站改造。\n")
	// spans are of the normalized text, where digits are half-width
	want := map[string]float64{"3，408户": 3408, "1，250万元": 12500000}
	for _, f := range res.Facts {
		if v, ok := want[f.Text]; ok && f.Value == v {
			delete(want, f.Text)
		}
		if f.Text == "408户" || f.Text == "250万元" {
			t.Errorf("fact %q cut at the thousands comma", f.Text)
		}
	}
	for text, v := range want {
		t.Errorf("no fact %q = %v", text, v)
	}
}

// TestTotalInvestmentYields: a project's total investment is its budget only
// where the report states no figure for the year.
func TestTotalInvestmentYields(t *testing.T) {
	checkFlat(t, []flatCase{
		{"year's budget stated", "某县住房和城乡建设局2023年度项目支出绩效自评报告\n本项目批复总投资2,400万元，其中2023年度预算资金900万元，全年实际支出855万元，预算执行率95%。\n", 9000000, 8550000, 95, ""},
		{"full-width groups", "某县住房和城乡建设局2023年度项目支出绩效自评报告\n本项目批复总投资２，４００万元，其中２０２３年度预算资金９００万元。\n", 9000000, null, null, ""},
		{"total investment alone", "某县住房和城乡建设局2023年度项目支出绩效自评报告\n本项目批复总投资1,250万元，当年完成投资1,100万元。\n", 12500000, null, null, ""},
	})
}

// scoreCase is an invented report and its self_score read by hand (NaN: NULL).
type scoreCase struct {
	name, text string
	score      float64
}

// TestLabelVariants: budget, spending and total-score wordings of other
// templates, each in an invented sentence; the figures are read by hand.
func TestLabelVariants(t *testing.T) {
	const head = "某市民政局2023年度项目支出绩效自评报告\n"
	checkFlat(t, []flatCase{
		{"预算安排数", head + "2023年预算安排数500万元，全年实际支出480万元，预算执行率96%。\n", 5000000, 4800000, 96, ""},
		{"預算安排數 traditional", head + "2023年預算安排數500萬元，全年實際支出480萬元。\n", 5000000, 4800000, null, ""},
		{"预算安排", head + "本年度预算安排320万元，已支出304万元，执行率95%。\n", 3200000, 3040000, 95, ""},
		{"年度预算安排", head + "项目年度预算安排资金86.5万元，执行金额80.2万元。\n", 865000, 802000, null, ""},
		{"项目资金 in 元", head + "项目资金800,000元，已支出760,000元，执行率95%。\n", 800000, 760000, 95, ""},
		{"执行金额", head + "全年预算300万元，执行金额290万元。\n", 3000000, 2900000, null, ""},
	})
	for _, c := range []scoreCase{
		{"综合评分", head + "经评价，部门整体支出绩效综合评分95.2分，评价等级为优。\n", 95.2},
		{"经自评 得分", head + "经自评，本项目得分90.5分，等级为优。\n", 90.5},
		{"自评 得分 with weights", head + "本项目总分100分，自评得分88分。\n", 88},
		{"sub-scores only", head + "经自评，投入指标得分18分，产出指标得分45分。\n", null},
		{"two totals disagree", head + "经自评，本项目得分90.5分。\n复核后，经自评，本项目得分86分。\n", null},
	} {
		h := analyzeText(t, c.text).Headline
		switch {
		case math.IsNaN(c.score) && h.SelfScore != nil:
			t.Errorf("%s: self_score = %v, want NULL", c.name, *h.SelfScore)
		case !math.IsNaN(c.score) && (h.SelfScore == nil || *h.SelfScore != c.score):
			t.Errorf("%s: self_score = %v, want %v", c.name, deref(h.SelfScore), c.score)
		}
	}
}

// TestFlatFormFullWidth: flattened forms in full-width text (95.3％,
// １２０．０, 1，200，000 in a cell) read as their half-width twins.
func TestFlatFormFullWidth(t *testing.T) {
	checkFlat(t, []flatCase{
		{"wide percent lines", flatHead + "资金情况（万元）\n年度预算数\n实际支出\n资金执行率\n预算资金\n120.0\n108.0\n90.0％\n", 1200000, 1080000, 90, ""},
		{"wide percent spaces", flatHead + "资金情况（万元） 年度预算数 实际支出 资金执行率\n预算资金 120.0 108.0 90.0％\n", 1200000, 1080000, 90, ""},
		{"wide digits", flatHead + "资金情况（万元）\n年度预算数\n实际支出\n资金执行率\n预算资金\n１２０．０\n１０８．０\n９０．０％\n", 1200000, 1080000, 90, ""},
		{"wide comma", flatHead + "资金情况（元）\n年度预算数\n实际支出\n资金执行率\n预算资金\n1，200，000\n1，080，000\n90％\n", 1200000, 1080000, 90, ""},
	})
}

// TestFlatFundRow: flattened forms whose funding row is 年度资金总额, the
// row the 自评表 stage reads too: neither reader guesses a column. Where the
// form's arithmetic (96% = 96 ÷ 100) settles a missing cell, the value is
// known, not guessed.
func TestFlatFundRow(t *testing.T) {
	checkFlat(t, []flatCase{
		{"unknown middle", flatHead + "资金情况（万元）\n年度预算数\n资金到位数\n实际支出\n资金执行率\n年度资金总额\n120.0\n115.0\n108.0\n90.0%\n", 1200000, 1080000, 90, ""},
		{"unknown middle spaces", flatHead + "资金情况（万元） 年初预算数 全年预算数 资金到位数 全年执行数 分值 执行率 得分\n年度资金总额 100 120.0 115.0 108.0 10 90.0% 9\n", 1200000, 1080000, 90, ""},
		{"unknown first", flatHead + "资金情况（万元） 资金到位数 全年预算数 全年执行数 执行率\n年度资金总额 90.0 100.0 92.0 92%\n", null, null, null, ""},
		{"rate moved", flatHead + "资金情况（万元） 全年预算数 执行率 全年执行数\n年度资金总额 200.0 190.0 95%\n", null, null, null, ""},
		{"missing cell", flatHead + "资金情况（万元）\n年初预算数\n全年预算数\n全年执行数\n分值\n执行率\n得分\n年度资金总额\n100\n96\n10\n96%\n9.6\n", 1000000, 960000, 96, ""},
		// a score column glued by line joining to the row label after it
		{"glued score header", flatHead + "项目资金（万元） 年初预算数 全年预算数 全年执行数 分值 执行率 得分\n年度资金总额 50.0 60.0 57.0 10 95% 9.5\n", 600000, 570000, 95, ""},
	})
}
