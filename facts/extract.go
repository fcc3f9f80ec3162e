package facts

import (
	"regexp"
	"slices"
	"sort"
	"strings"

	"zipin/lexicon"
	"zipin/normalize"
	"zipin/quantity"
	"zipin/segment"
)

// extractFacts finds every quantity on every page, with its metric, subject
// and section.
func extractFacts(nd *normalize.Doc, seg *segment.Segmenter) (out []Fact, warns []string) {
	for pi := range nd.Pages {
		p := &nd.Pages[pi]
		runes := p.Runes()
		// The unit headers (（万元）, 单位：元) of the page, found once for
		// the four passes that read bare numbers by them.
		headers := declaredUnits(p.Text)
		// and its cells and words, split once for the passes that read
		// forms flattened into text
		toks := tokens(runes, 0, len(runes))
		var page []Fact
		for _, q := range quantity.Find(p.Text) {
			if implausible(q) || impossible(runes, q) {
				continue
			}
			f := fromQuantity(p, q)
			f.Metric, f.label, f.conditional = metricFor(runes, q.Start, q.Kind)
			refine(&f, runes, q.Start)
			f.Subject = subjectFor(runes, q, seg)
			page = append(page, f)
		}
		// a set of the spans taken, not a scan of the page per fact
		// (quadratic on a page of thousands of numbers)
		taken := make(map[[2]int]bool, len(page))
		for _, f := range page {
			taken[[2]int{f.Start, f.End}] = true
		}
		for _, f := range append(contextTyped(p, headers), labelUnitFacts(p)...) {
			if !taken[[2]int{f.Start, f.End}] {
				taken[[2]int{f.Start, f.End}] = true
				page = append(page, f)
			}
		}
		sortFacts(page)
		page = append(page, cellFacts(p, headers, page)...)
		sortFacts(page)
		flat, w := flatRows(p, headers, toks, page)
		page = append(page, flat...)
		warns = append(warns, w...)
		page = append(page, gluedRows(p, headers, toks, page)...)
		page = withScoreRows(p, page)
		page = append(page, unitCellFacts(p, toks, page)...)
		sortFacts(page)
		for _, f := range page {
			if f.Kind != lexicon.Money {
				f.Money = nil // retyped from an amount (a score under 分值)
			}
			if !f.drop {
				out = append(out, f)
			}
		}
	}
	if multiProject(nd) {
		for i := range out {
			out[i].project = out[i].item
		}
	}
	return out, warns
}

func fromQuantity(p *normalize.Page, q quantity.Quantity) Fact {
	return Fact{
		Page: p.Number, Start: q.Start, End: q.End, Text: q.Text,
		Value: q.Value, ValueHigh: q.ValueHigh, Money: q.Money, Unit: q.Unit, UnitText: q.UnitText, Kind: q.Kind,
		Approx: q.Approx, Op: q.Op, Section: p.SectionAt(q.Start),
	}
}

// amount is the exact amount of a bare number that a unit of kind typed
// (num × factor 元, in 分), as Fact.Money holds it; nil for other kinds and
// for an amount finer than 1 分.
func amount(num string, factor float64, kind quantity.Kind) *quantity.Money {
	if kind != lexicon.Money {
		return nil
	}
	m, err := quantity.ScaleMoney(num, factor)
	if err != nil {
		return nil
	}
	return &m
}

// implausible drops readings no report means: a percentage in the thousands
// is table cells glued together (年度资金总额303010100%), which the 自评表
// stage splits with the help of the form's arithmetic.
func implausible(q quantity.Quantity) bool {
	return q.Kind == lexicon.Percent && q.Value > 1000 && !strings.Contains(q.Number, ".")
}

// boundedRates name rates that cannot exceed 100%: a stray digit glued to
// one (受助学生满意度2 + 95% read as 295%) is not a fact.
var boundedRates = []string{"满意度", "满意率", "合格率", "覆盖率", "达标率", "知晓率", "入学率", "巩固率", "参保率", "正确率", "准确率", "及时率", "到位率", "普及率", "通过率", "就业率"}

// notCounting are the words before 一 that make it a determiner, not a
// count: 每一名学员, 各一个, 同一批.
const notCounting = "每各任同第逐单唯统另"

// impossible drops readings that cannot be what the report states: a
// bounded rate above 100%, a count of one that is a determiner.
func impossible(r []rune, q quantity.Quantity) bool {
	if q.Kind == lexicon.Percent && q.Value > 100 {
		left := string(r[max(0, q.Start-12):q.Start])
		if i := strings.LastIndexAny(left, clauseStops); i >= 0 {
			left = left[i:]
		}
		for _, w := range boundedRates {
			if strings.Contains(left, w) {
				return true
			}
		}
	}
	if q.Kind == lexicon.Count && q.Number == "一" && q.Start > 0 && strings.ContainsRune(notCounting, r[q.Start-1]) {
		return true
	}
	return false
}

func sortFacts(fs []Fact) {
	// insertion order is by page, then by kind of pass; order by position
	sort.SliceStable(fs, func(i, j int) bool { return less(fs[i], fs[j]) })
}

func less(a, b Fact) bool {
	if a.Page != b.Page {
		return a.Page < b.Page
	}
	return a.Start < b.Start
}

// clauseStops end the clause a metric label must share with its number.
const clauseStops = "。；;\n|，,！？!?"

// metricFor names the number starting at start from the nearest metric
// phrase before it in the same clause.
func metricFor(r []rune, start int, kind quantity.Kind) (metric Metric, phrase string, conditional bool) {
	from := max(0, start-metricWindow)
	for i := start - 1; i >= from; i-- {
		if strings.ContainsRune(clauseStops, r[i]) {
			from = i + 1
			break
		}
	}
	left := string(r[from:start])
	best, bestPhrase, bestEnd, bestLen := Metric(""), "", -1, 0
	for _, m := range metricPhrases {
		if !slices.Contains(m.kinds, kind) {
			continue
		}
		i := strings.LastIndex(left, m.phrase)
		if i < 0 || insideWord(left, i, m.phrase) {
			continue
		}
		end := i + len(m.phrase)
		if end > bestEnd || end == bestEnd && len(m.phrase) > bestLen {
			best, bestPhrase, bestEnd, bestLen = m.metric, m.phrase, end, len(m.phrase)
		}
	}
	if best != "" {
		between := left[bestEnd:]
		conditional = containsAny(between, conditionWords)
		// A phrase of another kind between the label and the number
		// (全年执行数（元）执行率中央资金3,200,000.00): the label heads a
		// column of a table flattened into one line, not this number.
		for _, m := range metricPhrases {
			if !slices.Contains(m.kinds, kind) && strings.Contains(between, m.phrase) {
				return "", "", false
			}
		}
	}
	return best, bestPhrase, conditional
}

// conditionWords between a label and its number make the number a threshold
// or a condition (预算执行率未达到90%的需说明原因), not the value stated.
var conditionWords = []string{"未达到", "未达", "低于", "高于", "不足", "超过", "如", "若", "应"}

// functionWords are dropped from the edges of a subject: they glue the
// subject to the number without naming anything.
var functionWords = map[string]bool{
	"为": true, "是": true, "达": true, "达到": true, "约": true, "共": true, "共计": true, "计": true,
	"合计": true, "累计": true, "了": true, "的": true, "到": true, "有": true, "其中": true, "完成": true,
	"实现": true, "全年": true, "共有": true, "总计": true, "和": true, "及": true, "与": true, "等": true,
	"对": true, "向": true, "给": true, "在": true, "将": true, "已": true, "均": true, "各": true,
}

// subjectFor names what a quantity counts or pays for. A count is usually
// followed by its noun (297名自主就业退役士兵); an amount is usually preceded
// by it (应急救助资金55.57万元).
func subjectFor(r []rune, q quantity.Quantity, seg *segment.Segmenter) string {
	if q.Kind == lexicon.Count {
		if s := clauseAfter(r, q.End, 12); s != "" {
			words := seg.Cut(s)
			var kept []string
			n := 0
			for _, w := range words {
				if strings.ContainsAny(w, "0123456789") || functionWords[w] && len(kept) > 0 {
					break
				}
				if functionWords[w] {
					continue
				}
				kept = append(kept, w)
				n += len([]rune(w))
				if n >= 8 {
					break
				}
			}
			if len(kept) > 0 {
				return strings.Join(kept, "")
			}
		}
	}
	left := clauseBefore(r, q.Start, 16)
	if left == "" {
		return ""
	}
	words := seg.Cut(left)
	// drop function words and numbers from the end, keep up to three words
	for len(words) > 0 && (functionWords[words[len(words)-1]] || isNumeric(words[len(words)-1])) {
		words = words[:len(words)-1]
	}
	k := max(0, len(words)-3)
	s := strings.Join(words[k:], "")
	return strings.Trim(s, " :：()（）")
}

var numericRe = regexp.MustCompile(`^[0-9.,%]+$`)

func isNumeric(w string) bool { return numericRe.MatchString(strings.TrimSpace(w)) }

// clauseAfter returns up to n runes of Han text after end, stopping at
// punctuation or a digit.
func clauseAfter(r []rune, end, n int) string {
	var b strings.Builder
	for i := end; i < len(r) && i < end+n; i++ {
		c := r[i]
		if c < 0x3400 || strings.ContainsRune("，。；、：（）“”《》", c) {
			break
		}
		b.WriteRune(c)
	}
	return b.String()
}

// clauseBefore returns up to n runes before start within its clause.
func clauseBefore(r []rune, start, n int) string {
	from := max(0, start-n)
	for i := start - 1; i >= from; i-- {
		if strings.ContainsRune(clauseStops+"、", r[i]) || r[i] >= '0' && r[i] <= '9' {
			from = i + 1
			break
		}
	}
	return strings.TrimSpace(string(r[from:start]))
}

// phraseBlockers are words that contain a metric phrase without meaning
// it: 转移支付资金 is a kind of fund, not a payment.
var phraseBlockers = map[string][]string{
	"支付": {"转移支付"},
}

// insideWord reports whether the phrase at byte offset i of s is part of a
// blocking word.
func insideWord(s string, i int, phrase string) bool {
	for _, w := range phraseBlockers[phrase] {
		k := strings.Index(w, phrase)
		if i-k >= 0 && strings.HasPrefix(s[i-k:], w) {
			return true
		}
	}
	return false
}
