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
	BudgetTotal:   {"全年预算数", "调整后预算数", "调整后预算", "全年预算", "预算总金额", "预算总额", "总预算", "年度预算", "预算数", "计划投资"},
	Executed:      {"全年执行数", "预算执行数", "全年执行", "执行数", "实际支出", "支出共计", "实际使用", "完成拨付", "已拨付", "支付", "执行资金"},
	ExecutionRate: {"预算执行率", "预算完成率", "资金执行率", "执行率", "支付率", "完成预算的", "完成率"},
	SelfScore:     {"综合评价得分", "自评得分", "自评总分", "自评分数", "评价得分", "绩效评分", "总分"},
}

// titleWords mark the line that is the report's title.
var titleWords = []struct {
	word   string
	weight int
}{{"自评", 3}, {"绩效", 2}, {"报告", 1}, {"自评表", 1}, {"评价", 1}}

// kindRules decide the report kind from its title, first match wins.
var kindRules = []struct {
	kind string
	any  []string
	none []string
}{
	{"table", []string{"自评表", "评价表"}, []string{"报告"}},
	{"other", []string{"整改", "评价结果"}, nil},
	{"department", []string{"部门整体", "单位整体", "整体支出", "整体绩效", "整体和项目"}, nil},
	{"project", []string{"项目"}, nil},
}

// orgSuffixes end the name of a reporting unit.
const orgSuffixes = `(?:委员会|办公室|管理局|事务局|服务中心|中心|人民政府|政府|局|委|办|院|所|站|厅|部|会|队|团|馆|学校|中学|小学|幼儿园|学院|大学|医院|社|处|室|集团|公司|街道办事处|街道|政协|人大)`

var (
	// An organization named in full: a place, then the unit.
	orgRe = regexp.MustCompile(`(?:[\p{Han}]{1,8}?(?:省|自治区|市|自治州|州|地区|盟|县|自治县|区|旗|镇|乡))+[\p{Han}]{1,24}?` + orgSuffixes)
	// Labels of the table rows that name the unit, strongest first.
	orgLabels  = []string{"资金使用单位", "预算部门、单位名称", "预算单位名称", "单位名称", "部门名称", "预算部门", "实施单位", "主管部门"}
	yearRe     = regexp.MustCompile(`((?:19|20)\d{2})\s*年度?`)
	yearDuRe   = regexp.MustCompile(`((?:19|20)\d{2})\s*年度`)
	codePrefix = regexp.MustCompile(`^[0-9A-Za-z]+[-－—]`)
	gradeRe    = regexp.MustCompile(`(?:等级|等次|评价结果|评定|自评结果|自评结论|自评为|评价为|评为|定为|结论为)\s*(?:为|是|：|:)?\s*[“"「]?\s*(优\s?秀|优|良\s?好|良|中\s?等|中|合\s?格|差|不合格)`)
	checkRe    = regexp.MustCompile(`(?:☑|☒|■|√|R)\s*(优\s?秀|优|良|中|差)`)
)

// gradeBlockers follow a grade character when it is the start of another word (优化, 良性, 中心).
const gradeBlockers = "化先质势惠良好美异越点秀性心央期等级小国华层间部"

func buildHeadline(nd *normalize.Doc, facts []Fact) Headline {
	h := Headline{}
	h.Title = findTitle(nd)
	h.Kind = kindOf(h.Title, nd)
	h.Organization = findOrganization(nd, h.Title)
	h.FiscalYear = findYear(nd, h.Title)
	h.BudgetYuan, h.Warnings = pick(facts, BudgetTotal, h.Warnings)
	h.ExecutedYuan, h.Warnings = pick(facts, Executed, h.Warnings)
	h.ExecutionRate, h.Warnings = pick(facts, ExecutionRate, h.Warnings)
	h.SelfScore, h.Warnings = pick(facts, SelfScore, h.Warnings)
	if h.SelfScore == nil {
		h.SelfScore = labelledScore(nd)
	}
	h.Grade = findGrade(nd)
	return h
}

// firstLines returns the first n non-empty lines of the document.
func firstLines(nd *normalize.Doc, n int) []string {
	var out []string
	for _, p := range nd.Pages {
		for _, l := range strings.Split(p.Text, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
				if len(out) == n {
					return out
				}
			}
		}
	}
	return out
}

// findTitle picks the line among the first ones that reads most like a
// report title. A line that runs on into the body (text without line breaks)
// is cut after 报告 or 自评表.
func findTitle(nd *normalize.Doc) string {
	best, bestScore := "", 0
	for _, l := range firstLines(nd, 40) {
		if strings.Contains(l, "《") || strings.HasPrefix(l, "时间") || strings.Contains(l, "索引号") {
			continue
		}
		r := []rune(l)
		if len(r) > 60 {
			cut := -1
			for _, end := range []string{"报告", "自评表", "评价表"} {
				if i := strings.Index(l, end); i >= 0 && (cut < 0 || i+len(end) < cut) {
					cut = i + len(end)
				}
			}
			if cut < 0 || len([]rune(l[:cut])) > 60 {
				continue
			}
			l = l[:cut]
		}
		score := 0
		for _, w := range titleWords {
			if strings.Contains(l, w.word) {
				score += w.weight
			}
		}
		if score > bestScore {
			best, bestScore = l, score
		}
	}
	if best == "" && nd.Title != "" {
		return nd.Title
	}
	if best == "" {
		if ls := firstLines(nd, 1); len(ls) > 0 {
			r := []rune(ls[0])
			return string(r[:min(len(r), 60)])
		}
	}
	return strings.Trim(best, " |")
}

func kindOf(title string, nd *normalize.Doc) string {
	for _, rule := range kindRules {
		if containsAny(title, rule.any) && !containsAny(title, rule.none) {
			return rule.kind
		}
	}
	// No title says it: fall back on the opening text.
	var head string
	for _, l := range firstLines(nd, 30) {
		head += l
	}
	switch {
	case strings.Contains(head, "部门整体") || strings.Contains(head, "单位整体"):
		return "department"
	case strings.Contains(head, "项目"):
		return "project"
	}
	return "other"
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// findOrganization takes the unit from the title, then from the form's
// unit rows, then from a full name early in the body. It never takes a
// pronoun (我局, 本单位).
func findOrganization(nd *normalize.Doc, title string) *string {
	if m := yearRe.FindStringIndex(title); m != nil && m[0] > 0 {
		if org := orgRe.FindString(title[:m[0]]); org != "" && strings.HasSuffix(strings.TrimSpace(title[:m[0]]), org) {
			return &org
		}
	}
	if org := orgFromLabels(nd); org != nil {
		return org
	}
	if org := orgRe.FindString(title); org != "" {
		return &org
	}
	return orgFromBody(nd)
}

// orgFromLabels reads the value after a unit label in a form: the next cell
// of a grid, the text after the label on its line, or the next line.
func orgFromLabels(nd *normalize.Doc) *string {
	found := map[string]string{}
	for _, p := range nd.Pages {
		lines := strings.Split(p.Text, "\n")
		for i, l := range lines {
			for _, label := range orgLabels {
				if _, done := found[label]; done {
					continue
				}
				j := strings.Index(l, label)
				if j < 0 {
					continue
				}
				rest := l[j+len(label):]
				if strings.TrimSpace(strings.Trim(rest, " |:：()（）盖章")) == "" && i+1 < len(lines) {
					rest = lines[i+1]
				}
				if v := orgValue(rest); v != "" {
					found[label] = v
				}
			}
		}
	}
	for _, label := range orgLabels[:5] {
		if v, ok := found[label]; ok {
			return &v
		}
	}
	impl, dept := found["实施单位"], found["主管部门"]
	switch {
	case impl != "" && (dept == "" || strings.HasPrefix(dept, impl) || strings.HasPrefix(impl, dept)):
		return &impl
	case impl == "" && dept != "":
		return &dept
	}
	return nil // the two rows name different units: which one reports is not stated
}

// orgValue cleans the text after a label into a unit name, or "".
func orgValue(s string) string {
	s = strings.TrimLeft(s, " |:：()（）盖章")
	if i := strings.IndexAny(s, "|"); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	s = codePrefix.ReplaceAllString(s, "")
	if f := strings.Fields(s); len(f) > 0 {
		s = f[0]
	}
	if m := orgRe.FindString(s); m != "" && strings.HasPrefix(s, m) {
		return m
	}
	return ""
}

// orgFromBody finds the first full unit name in the opening text that is not
// quoted from a document title (《…》) or named as an instructing body.
func orgFromBody(nd *normalize.Doc) *string {
	head := strings.Join(firstLines(nd, 40), "\n")
	if r := []rune(head); len(r) > 800 {
		head = string(r[:800])
	}
	for _, m := range orgRe.FindAllStringIndex(head, -1) {
		before := head[:m[0]]
		if strings.Count(before, "《") > strings.Count(before, "》") {
			continue
		}
		after := head[m[1]:]
		if hasAnyPrefix(after, "关于", "印发", "下达", "文件", "要求", "网站") || hasAnySuffix(before, "根据", "按照", "来源:", "来源：", "发布机构:") {
			continue
		}
		org := head[m[0]:m[1]]
		return &org
	}
	return nil
}

func hasAnyPrefix(s string, ps ...string) bool {
	for _, p := range ps {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func hasAnySuffix(s string, ps ...string) bool {
	s = strings.TrimSpace(s)
	for _, p := range ps {
		if strings.HasSuffix(s, p) {
			return true
		}
	}
	return false
}

// findYear reads the fiscal year from the title, else from a "YYYY年度"
// phrase in the opening text. A publication date (2022-04-15) never counts.
func findYear(nd *normalize.Doc, title string) *int {
	if m := yearRe.FindStringSubmatch(title); m != nil {
		y, _ := strconv.Atoi(m[1])
		return &y
	}
	head := strings.Join(firstLines(nd, 30), "\n")
	if m := yearDuRe.FindStringSubmatch(head); m != nil {
		y, _ := strconv.Atoi(m[1])
		return &y
	}
	return nil
}

// pick chooses a headline value among the facts labelled with metric: those
// with the strongest phrase win; if they disagree, the field stays NULL and a
// warning says why.
func pick(facts []Fact, metric string, warnings []string) (*float64, []string) {
	best := -1
	var vals []float64
	for _, f := range facts {
		if f.Metric != metric || f.Approx != "" || f.Op != "" || f.ValueHigh != nil {
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
			return nil, append(warnings, fmt.Sprintf("%s: the text states %d different values (%s); left NULL", metric, len(vals), formatVals(vals)))
		}
	}
	v := vals[0]
	return &v, warnings
}

func formatVals(vs []float64) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strings.Join(s, ", ")
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

// findGrade reads the grade as stated, in words or as a ticked box.
func findGrade(nd *normalize.Doc) *string {
	for _, p := range nd.Pages {
		for _, re := range []*regexp.Regexp{checkRe, gradeRe} {
			for _, m := range re.FindAllStringSubmatchIndex(p.Text, -1) {
				g := strings.ReplaceAll(p.Text[m[2]:m[3]], " ", "")
				after := p.Text[m[3]:]
				if len(g) == len("优") && after != "" && strings.ContainsRune(gradeBlockers, []rune(after)[0]) {
					continue
				}
				if re == checkRe && p.Text[m[0]:m[0]+1] == "R" && m[0] > 0 && p.Text[m[0]-1] < 0x80 && p.Text[m[0]-1] != ' ' && p.Text[m[0]-1] != '\n' {
					continue // an R inside a Latin word, not a Wingdings tick
				}
				return &g
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

// gradeBands are the usual score bands of the grades (财预〔2020〕10号).
var gradeBands = map[string][2]float64{
	"优": {90, 101}, "优秀": {90, 101}, "良": {80, 90}, "良好": {80, 90}, "中": {60, 80}, "中等": {60, 80}, "差": {0, 60},
}

func gradeBand(g string) (float64, float64, bool) {
	b, ok := gradeBands[g]
	return b[0], b[1], ok
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
