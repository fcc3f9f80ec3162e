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
	orgRe = regexp.MustCompile(`(?:` + placeLevel + `)+[\p{Han}]{1,24}?` + orgSuffixes)
	// orgCellRe reads a whole table cell as one name, up to its last unit suffix.
	orgCellRe = regexp.MustCompile(`^(?:` + placeLevel + `)+[\p{Han}]{1,24}` + orgSuffixes)
	// Labels of the table rows that name the unit, strongest first.
	orgLabels  = []string{"资金使用单位", "预算部门、单位名称", "预算单位名称", "单位名称", "部门名称", "预算部门", "实施单位", "主管部门"}
	yearRe     = regexp.MustCompile(`((?:19|20)\d{2})\s*年度?`)
	yearDuRe   = regexp.MustCompile(`((?:19|20)\d{2})\s*年度`)
	codePrefix = regexp.MustCompile(`^[0-9A-Za-z]+[-－—]`)
	gradeRe    = regexp.MustCompile(`(?:等级|等次|评价结果|评定|自评结果|自评结论|自评为|评价为|评为|定为|结论为)\s*(?:为|是|：|:)?\s*[“"「]?\s*(优\s?秀|优|良\s?好|良|中\s?等|中|差)`)
	checkRe    = regexp.MustCompile(`(?:☑|☒|■|√|R)\s*(优\s?秀|优|良|中|差)`)
)

// gradeBlockers follow a grade character when it is the start of another word (优化, 良性, 中心).
const gradeBlockers = "化先质势惠良好美异越点秀性心央期等级小国华层间部"

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

// titleEnds are the words a report title ends with (before an optional
// bracketed year or project name).
var titleEndRe = regexp.MustCompile(`(?:报告|报告书|自评表|评价表|数据表|情况表)(?:[（(][^）)]{1,30}[）)])?$`)

// titleChunk is the longest run before a title's end that can belong to a
// title: CJK, digits and brackets, no spaces or colons. It cuts a title out
// of a line that runs on (metadata before it, the body after it).
var titleChunkRe = regexp.MustCompile(`[\p{Han}0-9（）()、—-]{4,60}?(?:报告书|报告|自评表|评价表|数据表|情况表)(?:[（(][^）)]{1,30}[）)])?`)

// titleInfo is the chosen title and where it stands.
type titleInfo struct {
	text string
	// attachment is set when the title names an attachment (附件：…自评表)
	// that follows the report's own prose: the document is the report.
	attachment bool
}

// findTitle picks, among the opening lines, the run of text that reads most
// like a report title: it ends like one (报告, 自评表 …) and has the most
// title words; the earliest wins a tie. A title split over two lines
// (广州市…局 2021 年 / 部门整体支出绩效自评报告) is put back together.
func findTitle(nd *normalize.Doc) titleInfo {
	var best titleInfo
	bestScore, prose := 0, 0
	lines := firstLines(nd, 150)
	for i, l := range lines {
		l = strings.Trim(l, " |")
		if !strings.Contains(l, "报告") && !strings.Contains(l, "表") {
			if len([]rune(l)) >= 30 && strings.ContainsAny(l, "。；") {
				prose++
			}
			continue // cheap test first: the regexp below backtracks
		}
		for _, m := range titleChunkRe.FindAllStringIndex(l, -1) {
			before := l[:m[0]]
			if strings.Count(before, "《") > strings.Count(before, "》") {
				continue // a document quoted by name
			}
			t := l[m[0]:m[1]]
			if m[0] == 0 && i > 0 && joinsTitle(lines[i-1], t) {
				t = strings.TrimSpace(lines[i-1]) + t
			}
			score := 0
			for _, w := range titleWords {
				if strings.Contains(t, w.word) {
					score += w.weight
				}
			}
			if score > bestScore {
				bestScore = score
				best = titleInfo{text: t, attachment: strings.Contains(before, "附件") || i > 0 && strings.HasPrefix(lines[i-1], "附件") || strings.HasPrefix(l, "附件")}
				best.attachment = best.attachment && prose >= 2
			}
			break
		}
		if len([]rune(l)) >= 30 && strings.ContainsAny(l, "。；") {
			prose++
		}
	}
	if best.text == "" && nd.Title != "" {
		best.text = nd.Title
	}
	if best.text == "" {
		if ls := firstLines(nd, 1); len(ls) > 0 {
			r := []rune(ls[0])
			best.text = string(r[:min(len(r), 60)])
		}
	}
	return best
}

// joinsTitle reports whether prev is the first half of a title that wraps
// onto the next line: short, with no sentence end, ending in a year or a
// unit's name.
func joinsTitle(prev, title string) bool {
	prev = strings.TrimSpace(prev)
	r := []rune(prev)
	if len(r) == 0 || len(r)+len([]rune(title)) > 60 || strings.ContainsAny(prev, "。；：:，,|") {
		return false
	}
	return yearRe.MatchString(prev) && strings.HasSuffix(prev, "年") || strings.HasSuffix(prev, "年度") || orgCellRe.MatchString(prev) && cleanOrg(prev) == prev
}

func kindOf(ti titleInfo, nd *normalize.Doc) string {
	for _, rule := range kindRules {
		if ti.attachment && rule.kind == "table" {
			continue // a report that attaches its 自评表 is still a report
		}
		if containsAny(ti.text, rule.any) && !containsAny(ti.text, rule.none) {
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
		prefix := strings.TrimSpace(title[:m[0]])
		if org := cleanOrg(orgCellRe.FindString(prefix)); org != "" {
			// Only a connective may stand between the name and the year:
			// 某局关于2022年度…, 某局（本级）2022年….
			rest := strings.TrimSpace(strings.TrimPrefix(prefix, org))
			if rest == "" || rest == "关于" || rest == "的" || rest == "本级" || rest == "（本级）" || rest == "(本级)" {
				return &org
			}
		}
	}
	if org, stated := orgFromLabels(nd); stated {
		return org
	}
	if org := cleanOrg(orgRe.FindString(title)); org != "" {
		return &org
	}
	return orgFromBody(nd)
}

// orgFromLabels reads the value after a unit label in a form: the next cell
// of a grid, the text after the label on its line, or the next line.
func orgFromLabels(nd *normalize.Doc) (org *string, stated bool) {
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
			return &v, true
		}
	}
	impl, dept := found["实施单位"], found["主管部门"]
	switch {
	case impl != "" && (dept == "" || strings.HasPrefix(dept, impl) || strings.HasPrefix(impl, dept)):
		return &impl, true
	case impl == "" && dept != "":
		return &dept, true
	case impl != "" && dept != "":
		return nil, true // the rows name different units: which one reports is not stated
	}
	return nil, false
}

// orgValue cleans the text after a label into a unit name, or "".
func orgValue(s string) string {
	s = strings.TrimLeft(s, " |:：()（）盖章")
	for _, l := range append(orgLabels, "项目资金", "项目名称") {
		if i := strings.Index(s, l); i > 0 {
			s = s[:i]
		}
	}
	if i := strings.IndexAny(s, "|"); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	s = codePrefix.ReplaceAllString(s, "")
	if f := strings.Fields(s); len(f) > 0 {
		s = f[0]
	}
	if m := orgCellRe.FindString(s); m != "" {
		return cleanOrg(m)
	}
	return ""
}

// orgNeverStarts are characters a unit's name never begins with; a match
// that does has swallowed the word before it (现将2022年西平县…, 由县…).
const orgNeverStarts = "年月日的了在和与及将对由是为现到其该本我各"

// orgNeverContains are words that show a match is not a name: page
// furniture or a form label run into the name.
var orgNeverContains = []string{"我", "情况", "书面", "报送", "上报", "提交", "整改", "欢迎", "来到", "网站", "位置", "首页", "主管部门", "实施单位", "名称", "我局", "我单位", "本单位"}

// cleanOrg trims what a match swallowed before the name and checks that
// what is left is still a full name (a place of at least two characters and
// a unit); else "".
func cleanOrg(s string) string { return cleanOrgBefore(s, "") }

// orgSuffixWords: a unit suffix followed by one of these characters is the
// start of an ordinary word, not the end of a name.
var orgSuffixWords = map[rune]string{
	'社': "会区", '部': "门分署", '会': "议上", '处': "理置", '所': "有以属", '站': "在位",
	'局': "面势部限", '院': "校", '队': "伍", '室': "内外", '办': "理法", '委': "托员",
}

// cleanOrgBefore is cleanOrg for a match followed in its text by rest.
func cleanOrgBefore(s, rest string) string {
	r := []rune(s)
	for len(r) > 0 && strings.ContainsRune(orgNeverStarts, r[0]) {
		r = r[1:]
	}
	s = string(r)
	for _, w := range orgNeverContains {
		if strings.Contains(s, w) {
			return ""
		}
	}
	if m := orgRe.FindString(s); m == "" || !strings.HasPrefix(s, m) && !strings.HasSuffix(s, m) {
		return ""
	}
	if next, ok := orgSuffixWords[r[len(r)-1]]; ok && rest != "" && strings.ContainsRune(next, []rune(rest)[0]) {
		return "" // 经济社会, 各部门: the suffix starts a longer word
	}
	if loc := placeRe.FindStringIndex(s); loc == nil || loc[0] != 0 || len([]rune(s[:loc[1]])) < 2 {
		return ""
	}
	return s
}

var placeRe = regexp.MustCompile(`^(?:` + placeLevel + `)`)

// placeLevel is one level of a place name: a short name and its level. Names
// of ordinary places are short (番禺区, 红河州); only autonomous areas run long
// (红河哈尼族彝族自治州). A longer run before 县 is a clause, not a place
// (…书面报送县财政局).
const placeLevel = `[\p{Han}]{2,9}?(?:自治区|自治州|自治县|自治旗|地区|盟)|[\p{Han}]{1,5}?(?:省|市|州|县|区|旗|镇|乡)`

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
		if hasAnyPrefix(after, "关于", "印发", "下达", "文件", "要求", "网站") || hasAnySuffix(before, "根据", "按照", "来源:", "来源：", "发布机构:", "报送", "上报", "提交", "报", "向", "由", "经") {
			continue
		}
		if org := cleanOrgBefore(head[m[0]:m[1]], after); org != "" {
			return &org
		}
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
// phrase in the opening text, else from the years the opening text
// mentions: the latest one, if it is mentioned more than once or is the only
// one. A publication date (2022-04-15), a date (2021年12月) and a document
// number (〔2021〕) never count.
func findYear(nd *normalize.Doc, title string) *int {
	if m := yearRe.FindStringSubmatch(title); m != nil {
		y, _ := strconv.Atoi(m[1])
		return &y
	}
	head := strings.Join(firstLines(nd, 40), "\n")
	if r := []rune(head); len(r) > 1500 {
		head = string(r[:1500])
	}
	if m := yearDuRe.FindStringSubmatch(head); m != nil {
		y, _ := strconv.Atoi(m[1])
		return &y
	}
	counts := map[int]int{}
	for _, m := range yearRe.FindAllStringSubmatchIndex(head, -1) {
		before, after := head[:m[0]], head[m[1]:]
		if strings.Count(before, "《") > strings.Count(before, "》") || dateAfter.MatchString(after) {
			continue
		}
		y, _ := strconv.Atoi(head[m[2]:m[3]])
		counts[y]++
	}
	latest := 0
	for y := range counts {
		latest = max(latest, y)
	}
	if latest > 0 && (counts[latest] > 1 || len(counts) == 1) {
		return &latest
	}
	return nil
}

// dateAfter follows the 年 of a date: 2021年12月, 2021年1-6月.
var dateAfter = regexp.MustCompile(`^\s*\d{1,2}\s*[月\-－—至]`)

// pick chooses a headline value among the facts labelled with metric: those
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
