package facts

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"zipin/normalize"
	"zipin/quantity"
)

// headlineRank orders, for each headline metric, the phrases strong enough to
// set a reports field, strongest first. A number labelled only by a weaker
// phrase (项目预算, 安排资金) is a fact but not the report's budget.
var headlineRank = map[string][]string{
	BudgetTotal:   {"全年预算数", "调整后预算数", "调整后预算", "全年预算", "预算总金额", "预算总额", "总预算", "年度预算", "预算数", "计划投资", "总投资", "投入资金", "安排资金"},
	Executed:      {"全年执行数", "预算执行数", "全年执行", "执行数", "实际支出", "全年支出", "支出共计", "实际使用", "完成拨付", "已拨付", "支付", "执行资金"},
	ExecutionRate: {"预算执行率", "预算完成率", "资金执行率", "执行率", "支付率", "完成预算的", "完成率"},
	// A bare 总分 is not here: in a form's 总分 row the first number is the
	// weight (100), and in prose "总分为100分" is the scale. The form's
	// extraction reads the 总分 row's score.
	SelfScore: {"综合评价得分", "自评得分", "自评总分", "自评分数", "评价得分", "绩效评分", "综合得分", "最终得分", "自评结果"},
}

var (
	// An organization named in full: a place, then the unit.
	orgRe = regexp.MustCompile(`(?:` + placeLevel + `)+[\p{Han}]{1,24}?` + orgSuffixes)
	// orgCellRe reads a whole table cell as one name, up to its last unit suffix.
	orgCellRe = regexp.MustCompile(`^(?:` + placeLevel + `)+[\p{Han}]{1,24}` + orgSuffixes)
	// Labels of the table rows that name the unit, strongest first.
	orgLabels  = []string{"资金使用单位", "预算部门、单位名称", "预算单位名称", "单位名称", "部门名称", "预算部门", "实施单位", "主管部门"}
	yearRe     = regexp.MustCompile(`((?:19|20)\d{2})\s*年度?`)
	yearDuRe   = regexp.MustCompile(`((?:19|20)\d{2})\s*年度`)
	codePrefix = regexp.MustCompile(`^[0-9A-Za-z]+[-－—]`)
)

func buildHeadline(nd *normalize.Doc, facts []Fact) Headline {
	h := Headline{}
	ti := findTitle(nd)
	h.Title = ti.text
	h.Kind = kindOf(ti, nd)
	h.Organization = findOrganization(nd, h.Title)
	h.FiscalYear = findYear(nd, h.Title)
	h.BudgetYuan, h.Warnings = pick(facts, BudgetTotal, h.Warnings)
	h.ExecutedYuan, h.Warnings = pick(facts, Executed, h.Warnings)
	h.ExecutionRate, h.Warnings = pickRate(facts, h.BudgetYuan, h.ExecutedYuan, h.Warnings)
	h.SelfScore, h.Warnings = pick(facts, SelfScore, h.Warnings)
	if h.SelfScore == nil {
		h.SelfScore = labelledScore(nd)
	}
	h.Grade = findGrade(nd)
	return h
}

// with the strongest phrase win; if they disagree, the field stays NULL and a
// warning says why.
func pick(facts []Fact, metric string, warnings []string) (*float64, []string) {
	best := -1
	var vals []float64
	for _, f := range facts {
		if f.Metric != metric || f.Approx != "" || f.Op != "" || f.ValueHigh != nil || f.conditional {
			continue
		}
		rank := indexOf(headlineRank[metric], f.label)
		if rank < 0 {
			continue
		}
		switch {
		case best < 0 || rank < best:
			best, vals = rank, []float64{f.Value}
		case rank == best:
			vals = append(vals, f.Value)
		}
	}
	if len(vals) == 0 {
		return nil, warnings
	}
	for _, v := range vals[1:] {
		if math.Abs(v-vals[0]) > 0.005 {
			if t, ok := totalRowValue(facts, metric, best); ok {
				return &t, warnings // a table's 合计 row settles it
			}
			return nil, append(warnings, fmt.Sprintf("%s: the text states %d different values (%s); none taken from the text", metric, len(vals), formatVals(vals)))
		}
	}
	v := vals[0]
	return &v, warnings
}

// totalRowValue returns the single value that the candidates of this rank
// in a table's total row (合计, 年度资金总额) agree on.
func totalRowValue(facts []Fact, metric string, rank int) (float64, bool) {
	var vals []float64
	for _, f := range facts {
		if f.Metric == metric && isTotalRow(f.row) && indexOf(headlineRank[metric], f.label) == rank && !f.conditional {
			vals = append(vals, f.Value)
		}
	}
	if len(vals) == 0 {
		return 0, false
	}
	for _, v := range vals[1:] {
		if math.Abs(v-vals[0]) > 0.005 {
			return 0, false
		}
	}
	return vals[0], true
}

// formatVals lists the first few values, enough to show the conflict.
func formatVals(vs []float64) string {
	const most = 5
	s := make([]string, 0, most+1)
	for i, v := range vs {
		if i == most {
			s = append(s, "…")
			break
		}
		s = append(s, strconv.FormatFloat(v, 'f', -1, 64))
	}
	return strings.Join(s, ", ")
}

// pickRate is pick for the execution rate, with one more way to settle a
// disagreement: where the report states several rates (per funding source
// and overall) and the budget and spending are known, the stated rate that
// equals executed ÷ budget is the report's.
func pickRate(facts []Fact, budget, executed *float64, warnings []string) (*float64, []string) {
	v, w := pick(facts, ExecutionRate, nil)
	if v != nil || budget == nil || executed == nil || *budget <= 0 {
		return v, append(warnings, w...)
	}
	computed := *executed / *budget * 100
	var match *float64
	for _, f := range facts {
		if f.Metric != ExecutionRate || f.conditional || f.Approx != "" || f.Op != "" {
			continue
		}
		if math.Abs(f.Value-computed) <= 0.1 {
			if match != nil && *match != f.Value {
				return nil, append(warnings, w...)
			}
			val := f.Value
			match = &val
		}
	}
	if match != nil {
		return match, warnings
	}
	return nil, append(warnings, w...)
}

// labelledScore reads a total score written as a label and a bare number in
// the next cell: "评价得分 |\n91.47 |".
func labelledScore(nd *normalize.Doc) *float64 {
	for _, p := range nd.Pages {
		lines := strings.Split(p.Text, "\n")
		for i, l := range lines {
			for _, label := range []string{"综合评价得分", "评价得分", "自评得分", "自评总分"} {
				j := strings.Index(l, label)
				if j < 0 {
					continue
				}
				rest := strings.Trim(l[j+len(label):], " |:：")
				if rest == "" && i+1 < len(lines) {
					rest = strings.Trim(lines[i+1], " |")
				}
				if v, err := strconv.ParseFloat(rest, 64); err == nil && v > 0 && v <= 100 {
					return &v
				}
			}
		}
	}
	return nil
}

// crossCheck adds warnings for stated figures that contradict each other. It
// never changes a value.
func crossCheck(h *Headline) {
	if h.BudgetYuan != nil && h.ExecutedYuan != nil && *h.BudgetYuan > 0 {
		computed := *h.ExecutedYuan / *h.BudgetYuan * 100
		if h.ExecutionRate != nil && math.Abs(computed-*h.ExecutionRate) > 0.1+1e-9 && !(computed > 100 && *h.ExecutionRate == 100) {
			h.Warnings = append(h.Warnings, fmt.Sprintf("execution_rate: stated %.2f%% but executed ÷ budget = %.2f%%", *h.ExecutionRate, computed))
		}
		if *h.ExecutedYuan > *h.BudgetYuan+0.005 {
			h.Warnings = append(h.Warnings, fmt.Sprintf("executed %.2f 元 exceeds budget %.2f 元", *h.ExecutedYuan, *h.BudgetYuan))
		}
	}
	if h.SelfScore != nil && *h.SelfScore > 100 {
		h.Warnings = append(h.Warnings, fmt.Sprintf("self_score %.2f is over 100", *h.SelfScore))
	}
	if h.SelfScore != nil && h.Grade != nil {
		if lo, hi, ok := gradeBand(*h.Grade); ok && (*h.SelfScore < lo || *h.SelfScore >= hi) {
			h.Warnings = append(h.Warnings, fmt.Sprintf("grade %s does not fit score %.2f (expected %g–%g)", *h.Grade, *h.SelfScore, lo, hi))
		}
	}
}

var _ = quantity.Money

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}
