package facts

import (
	"strconv"
	"strings"

	"zipin/normalize"
)

// headlineRank orders, for each headline metric, the phrases strong enough to
// set a reports field, strongest first. A number labelled only by a weaker
// phrase (项目预算, 安排资金) is a fact but not the report's budget.
var headlineRank = map[Metric][]string{
	// The allocation wordings (预算资金 … 安排…资金) come late: they are the
	// budget only where no stronger label names one. A project's total
	// investment (总投资) comes last: it spans the project's years, so it is
	// the budget only where no figure for the year is stated.
	BudgetTotal: {"全年预算数", "调整后预算数", "调整后预算", "全年预算", "预算总金额", "预算总额", "总预算", "年度预算", "预算数",
		"预算安排数", "预算批复数", "年度预算安排", "预算安排资金", "预算金额", "投入资金", "安排资金",
		"预算资金", "资金总额", "补助资金共计", "下达…资金", "安排…资金", "项目资金", "计划投资", "总投资", "批复总投资"},
	Executed:      {"全年执行数", "预算执行数", "全年执行", "执行数", "实际支出", "全年支出", "支出共计", "实际使用", "已使用", "已支出", "执行金额", "完成拨付", "已拨付", "支付", "执行资金", "支出", "发放"},
	ExecutionRate: {"预算执行率", "预算完成率", "资金执行率", "执行率", "支付率", "完成预算的", "完成率", "预算执行进度"},
	// A bare 总分 is not here: in a form's 总分 row the first number is the
	// weight (100), and in prose "总分为100分" is the scale. The form's
	// extraction reads the 总分 row's score.
	// 总分行 is the score cell of a form's 总分 row, read only where its
	// first number is the full mark 100 (scorerow.go).
	SelfScore: {"综合评价得分", "总分行", "自评得分", "自评综合得分", "综合评分", "经自评…得分", "自评总分", "自评分数", "评价得分", "绩效评分", "综合得分", "最终得分", "自评结果"},
}

func buildHeadline(nd *normalize.Doc, facts []Fact) Headline {
	h := Headline{}
	categorical(nd, &h) // title, kind, organization, year, grade
	h.Budget = pickMoney(&h, facts, BudgetTotal)
	h.Executed = pickMoney(&h, facts, Executed)
	h.ExecutionRate = pickRate(&h, facts)
	h.SelfScore = pickValue(&h, facts, SelfScore)
	if h.SelfScore == nil && !weighed(h.Evidence, SelfScore) {
		h.SelfScore = labelledScore(&h, nd)
	}
	return h
}

// labelledScore reads a total score written as a label and a bare number in
// the next cell or line: "评价得分 |\n91.47 |", "自评得分\n90 分". The
// number is recorded as evidence with its span.
func labelledScore(h *Headline, nd *normalize.Doc) *float64 {
	for _, p := range nd.Pages {
		r := p.Runes()
		lines := splitLines(r)
		for i, ln := range lines {
			l := string(r[ln.start:ln.end])
			for _, label := range []string{"综合评价得分", "评价得分", "自评得分", "自评总分"} {
				j := strings.Index(l, label)
				if j < 0 {
					continue
				}
				at := ln.start + len([]rune(l[:j+len(label)]))
				end := ln.end
				rest := string(r[at:end])
				if strings.Trim(rest, " |:：") == "" && i+1 < len(lines) {
					at, end = lines[i+1].start, lines[i+1].end
					rest = string(r[at:end])
				}
				lead := len([]rune(rest)) - len([]rune(strings.TrimLeft(rest, " |:：")))
				num := strings.TrimRight(strings.TrimLeft(rest, " |:："), " |")
				num = strings.TrimSpace(strings.TrimSuffix(num, "分"))
				if v, err := strconv.ParseFloat(num, 64); err == nil && v > 0 && v <= 100 {
					s := at + lead
					h.Evidence = append(h.Evidence, Candidate{
						Field: fieldOf[SelfScore], Value: strconv.FormatFloat(v, 'f', -1, 64),
						Page: p.Number, Start: s, End: s + len([]rune(num)), Label: label,
						Source: "label", Scope: "document", Chosen: true, Reason: "label and number in adjacent cells or lines",
					})
					return &v
				}
			}
		}
	}
	return nil
}
