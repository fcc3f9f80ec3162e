package facts

import (
	"regexp"
	"slices"
	"strings"

	"zipin/lexicon"
	"zipin/normalize"
	"zipin/quantity"
)

// sentenceStops end the sentence a stated total or an allocation verb must
// share with its number; a comma does not.
const sentenceStops = "。；;\n|！？!?"

// totalWords state that the number after them sums the parts around it.
var totalWords = []string{"合计", "共计", "总计"}

// allocations are the ways a project or transfer-payment report states its
// budget as money allocated to it (下达…资金X万元, 安排…资金X万元,
// 补助资金共计X, 资金总额X, 预算资金X万元, 批复总投资X). They are the budget
// only where no stronger label names one: their labels rank last in
// headlineRank. Each pattern is matched against the sentence before the
// number and must end where the number starts.
var allocations = []struct {
	label string
	re    *regexp.Regexp
}{
	{"资金总额", regexp.MustCompile(`资金总额(?:共计|合计|总计)?(?:为|是|[:：])?$`)},
	{"预算资金", regexp.MustCompile(`预算资金(?:共计|合计|总计)?(?:为|是|[:：])?$`)},
	{"批复总投资", regexp.MustCompile(`批复(?:项目)?总投资(?:为|是|[:：])?$`)},
	{"补助资金共计", regexp.MustCompile(`(?:补助|专项)资金(?:共计|合计|总计)(?:为|是|[:：])?$`)},
	// The verb in the number's own clause: 下达我市…专项资金1883万元.
	{"下达…资金", regexp.MustCompile(`(?:下达|下拨|批复|分配|落实)[^，,。；;]{0,40}?(?:资金|经费|补助|预算)(?:指标)?(?:共计|合计|总计)?(?:为|是|[:：])?$`)},
	{"安排…资金", regexp.MustCompile(`安排[^，,。；;]{0,40}?(?:资金|经费|补助|预算)(?:共计|合计|总计)?(?:为|是|[:：])?$`)},
	// The verb, then the sum in the next clause: 按生均1000元安排，共计239万元.
	{"安排…资金", regexp.MustCompile(`(?:安排|下达|下拨|分配)(?:资金|经费|补助)?[，,](?:共计|合计|总计)(?:为|是|[:：])?$`)},
}

// allocationAfter is the verb stated in the clause after the number:
// 补助资金1749万元，全部在规定时限内下达拨付.
var allocationAfter = regexp.MustCompile(`^[，,][^，,。；;0-9]{0,16}(?:下达|下拨|分配到位|安排到位)`)

// clauseLabels are labels that name a number only when they are the whole
// clause before it, as in a department report's "2、支出：799.12万元": the
// same word inside a longer clause (项目支出286.83万元) names a part.
var clauseLabels = []struct {
	label  string
	metric Metric
}{
	{"支出", Executed},
	{"总支出", Executed},
	{"本年支出", Executed},
	{"年度支出", Executed},
	{"支出合计", Executed},
}

// scoreDimensions are the first-level dimensions of the 共性指标 framework;
// a score stated under one of them is a sub-score, never the report's total.
var scoreDimensions = []string{"决策", "过程", "投入", "产出", "效益", "管理", "满意度"}

// fullMarkRe states the scale of a score: 分值100分, 满分100分, 总分100分.
var fullMarkRe = regexp.MustCompile(`(?:分值|满分|总分|权重)\s*(?:为|是|[:：])?\s*([0-9]+(?:\.[0-9]+)?)\s*分`)

// listMarker is an enumerator at the start of a clause: 2、, （一）, 1.
var listMarker = regexp.MustCompile(`^\s*(?:[0-9]+[、.．]|[（(][0-9一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、)\s*`)

// refine completes what metricFor read for the number at start: a label on
// the line before (自评得分 ⏎ 90分), a stated total, a budget worded as an
// allocation, a clause-only label, and for scores their dimension and full
// mark.
func refine(f *Fact, r []rune, start int) {
	if f.Metric == "" {
		f.Metric, f.label = labelOnLineBefore(r, start, f.Kind)
	}
	before := sentenceBefore(r, start)
	trimmed := strings.TrimRight(before, " 为是:：")
	for _, w := range totalWords {
		if strings.HasSuffix(trimmed, w) {
			f.total = true
			if f.Metric == "" {
				// 全年预算数：基本支出100万元，项目支出50万元，合计150万元 —
				// the total takes the sentence's label.
				f.Metric, f.label = sentenceMetric(before, f.Kind)
			}
		}
	}
	if f.Kind == lexicon.Money && (f.Metric == "" || f.Metric == BudgetTotal && slices.Index(headlineRank[BudgetTotal], f.label) < 0) && !strings.Contains(clauseOf(before), "其中") {
		for _, a := range allocations {
			if a.re.MatchString(before) {
				f.Metric, f.label = BudgetTotal, a.label
				break
			}
		}
		if f.Metric == "" && strings.HasSuffix(trimmed, "资金") && allocationAfter.MatchString(sentenceAfter(r, f.End)) {
			f.Metric, f.label = BudgetTotal, "下达…资金"
		}
	}
	if f.Kind == lexicon.Money && f.Metric == "" {
		c := listMarker.ReplaceAllString(strings.TrimRight(clauseOf(before), " :："), "")
		for _, l := range clauseLabels {
			if c == l.label {
				f.Metric, f.label = l.metric, l.label
			}
		}
	}
	// 经自评，本项目得分90.5分: a bare 得分 stated as the result of the
	// self-evaluation is the total, where its scope is the document.
	if f.Kind == lexicon.Score && f.Metric == "" && selfEvalScore.MatchString(before) {
		f.Metric, f.label = SelfScore, "经自评…得分"
	}
	if f.Kind == lexicon.Score || f.Metric == SelfScore {
		f.sub, f.full = scoreScope(r, start)
	}
	f.item = inItem(r, start)
	if f.Kind == lexicon.Money && perUnitRe.MatchString(clauseOf(before)) {
		f.perUnit = true
	}
}

// perUnitRe marks an amount per person, household or period (每人每月发放
// 300元, 按生均1000元, 补助标准为): a rate of pay, never a budget or a total
// spent. 标准 counts only as a rate's name (补助标准, 标准为): bare, it is
// also in project names (高标准农田建设, 标准化考场), whose budgets are totals.
var perUnitRe = regexp.MustCompile(`每(?:人|户|名|生|月|年|季|亩|平方米|公里|次)|生均|人均|户均|` +
	`(?:补助|补贴|发放|资助|奖励|救助|保障|收费|支付|计发|工资)标准|标准(?:为|是|[:：])`)

// sentenceBefore returns the text of the sentence before start, at most 80 runes.
func sentenceBefore(r []rune, start int) string {
	from := max(0, start-80)
	for i := start - 1; i >= from; i-- {
		if strings.ContainsRune(sentenceStops, r[i]) {
			from = i + 1
			break
		}
	}
	return string(r[from:start])
}

// sentenceAfter returns up to 30 runes of the sentence after end.
func sentenceAfter(r []rune, end int) string {
	to := min(len(r), end+30)
	for i := end; i < to; i++ {
		if strings.ContainsRune(sentenceStops, r[i]) {
			to = i
			break
		}
	}
	return string(r[end:to])
}

// clauseOf is the last clause of s (after its last comma or stop).
func clauseOf(s string) string {
	r := []rune(s)
	for i := len(r) - 1; i >= 0; i-- {
		if strings.ContainsRune(clauseStops, r[i]) {
			return string(r[i+1:])
		}
	}
	return s
}

// sentenceMetric is the metric the sentence names for a number of this
// kind, when it names one only: a sentence naming two (全年预算数 … 全年执行数)
// or a phrase of another kind (执行率) is a table's header flattened into a
// line, and its total's column is unknown.
func sentenceMetric(sentence string, kind quantity.Kind) (metric Metric, phrase string) {
	at := -1
	for _, m := range metricPhrases {
		i := strings.Index(sentence, m.phrase)
		if i < 0 {
			continue
		}
		if !slices.Contains(m.kinds, kind) {
			return "", ""
		}
		if metric != "" && m.metric != metric {
			return "", ""
		}
		if at < 0 || i < at || i == at && len(m.phrase) > len(phrase) {
			metric, phrase, at = m.metric, m.phrase, i
		}
	}
	return metric, phrase
}

// labelOnLineBefore reads a label that a PDF layout or a one-cell-per-line
// form put on the line before its number: "自评得分" ⏎ "90 分". The number
// must open its line and the label must close the previous one.
func labelOnLineBefore(r []rune, start int, kind quantity.Kind) (metric Metric, phrase string) {
	i := start - 1
	for i >= 0 && (r[i] == ' ' || r[i] == '|') {
		i--
	}
	if i < 0 || r[i] != '\n' {
		return "", ""
	}
	end := i
	for end > 0 && strings.ContainsRune(" |:：\t", r[end-1]) {
		end--
	}
	from := end
	for from > 0 && r[from-1] != '\n' && r[from-1] != '|' {
		from--
	}
	prev := strings.TrimSpace(string(r[from:end]))
	if prev == "" || len([]rune(prev)) > 12 {
		return "", ""
	}
	for _, m := range metricPhrases {
		if slices.Contains(m.kinds, kind) && strings.HasSuffix(prev, m.phrase) && len(m.phrase) > len(phrase) {
			metric, phrase = m.metric, m.phrase
		}
	}
	return metric, phrase
}

// scoreScope says whether the score at start is a sub-score (the dimension
// it is under, from the text of its line before it) and the full mark stated
// with it (分值100分).
func scoreScope(r []rune, start int) (sub string, full float64) {
	from := start
	for from > 0 && r[from-1] != '\n' && r[from-1] != '。' {
		from--
	}
	line := string(r[from:start])
	if m := fullMarkRe.FindAllStringSubmatch(line, -1); m != nil {
		if v, ok := quantity.ParseNumber(m[len(m)-1][1]); ok {
			full = v
		}
	}
	if full == 100 || strings.Contains(line, "总分") || strings.Contains(line, "综合") {
		return "", full
	}
	// The dimension must open the line or the number's clause:
	// 1、投入25分，自评得分25分; 其中：决策类指标自评得分18分.
	var heads []string
	if i := strings.LastIndexAny(line, "，,；;：:"); i >= 0 {
		heads = append(heads, line[i+len(string([]rune(line[i:])[0])):])
	}
	heads = append(heads, listMarker.ReplaceAllString(line, ""))
	for _, head := range heads {
		head = strings.TrimPrefix(strings.TrimSpace(head), "其中")
		head = strings.TrimLeft(head, "：: ")
		head = strings.TrimPrefix(head, "项目")
		for _, d := range scoreDimensions {
			if strings.HasPrefix(head, d) {
				return d, full
			}
		}
	}
	return "", full
}

// multiProjectRe states that a report covers several projects: 自评项目35个,
// 共涉及12个项目.
var multiProjectRe = regexp.MustCompile(`(?:项目(?:共|共计|合计)?([0-9]+|[两二三四五六七八九十百]+)个|([0-9]+|[两二三四五六七八九十百]+)个(?:项目|专项|绩效自评项目))`)

// multiProjectScan runs multiProjectRe only where 项目 or a number starts.
var multiProjectScan = newStartScan(multiProjectRe, append(strings.Split("0123456789两二三四五六七八九十百", ""), "项目")...)

// enumeratedItem opens a clause that is one item of a list: 一是…, 二是…,
// 其一…. In a summary of several projects such an item is about one project.
var enumeratedItem = regexp.MustCompile(`(?:^|[，,：:])\s*(?:[一二三四五六七八九十]+是|其[一二三四五六七八九十]+[，,、是]|第[一二三四五六七八九十]+[，,、是])`)

// multiProject reports whether the document says it covers two or more projects.
func multiProject(nd *normalize.Doc) bool {
	for _, p := range nd.Pages {
		for _, m := range multiProjectScan.findAll(p.Text) {
			n := submatch(p.Text, m, 1) + submatch(p.Text, m, 2)
			v, ok := quantity.ParseNumber(n)
			if !ok {
				v, ok = quantity.ParseChinese(n)
			}
			if ok && v >= 2 {
				return true
			}
		}
	}
	return false
}

// inItem reports whether the number at start is in a sentence with an
// enumerated item (一是…) before it.
func inItem(r []rune, start int) bool {
	from := max(0, start-itemWindow)
	for i := start - 1; i >= from; i-- {
		if strings.ContainsRune(sentenceStops, r[i]) {
			from = i + 1
			break
		}
	}
	return enumeratedItem.MatchString(string(r[from:start]))
}

// itemWindow is how far back, in runes, an item's enumerator may open its sentence.
const itemWindow = 300

// selfEvalScore is a sentence that states the self-evaluation's result as
// a bare 得分: 经自评，本项目得分, 经综合评价，该项目最终得分为.
var selfEvalScore = regexp.MustCompile(`(?:经自评|经综合评价|经评价|自评结果)[^。；;]{0,16}?得分(?:为|是|[:：])?$`)
