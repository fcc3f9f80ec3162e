package facts

import (
	"regexp"
	"strings"

	"zipin/lexicon"

	"zipin/normalize"
)

// titleWords mark the line that is the report's title.
var titleWords = []struct {
	word   string
	weight int
}{{"自评", 3}, {"绩效", 2}, {"报告", 1}, {"自评表", 1}, {"评价", 1}}

// kindRule decides the report kind when its words appear: in the title, or
// (where=head) in the opening text when the title says nothing.
type kindRule struct {
	kind  string
	where string // "title", "text" (the whole text) or "head" (the opening lines)
	any   []string
	none  []string
	why   string
}

// kindRules decide the report kind, first match wins. CONTRACT: department
// = 部门/单位整体, project = 项目支出 (a fund's or a transfer payment's report
// too), table = a 自评表 alone, other = rectification reports and the results
// of an evaluation made by others.
var kindRules = []kindRule{
	{"table", "title", []string{"自评表", "评价表"}, []string{"报告"}, "the title names a form"},
	{"other", "title", []string{"整改", "评价结果"}, nil, "the title names a rectification or an evaluation's result"},
	{"other", "result", nil, nil, "states an evaluation's grade or score and never calls itself a self-evaluation"},
	{"department", "title", []string{"部门整体", "单位整体", "整体支出", "整体绩效", "整体和项目"}, nil, "the title names the unit's whole spending"},
	{"project", "title", []string{"项目"}, nil, "the title names a project"},
	{"department", "title", []string{"部门绩效", "部门自评", "部门预算绩效", "单位绩效自评"}, nil, "the title names the department's evaluation"},
	{"project", "title", []string{"资金", "经费", "补助", "补贴", "专项", "转移支付"}, nil, "the title names a fund"},
	{"department", "head", []string{"部门整体", "单位整体"}, nil, "the opening text names the unit's whole spending"},
	{"department", "head", []string{"部门基本情况", "部门概况", "单位基本情况", "单位概况", "部门职能", "部门职责"}, nil, "the opening text describes the department"},
	{"project", "head", []string{"项目"}, nil, "the opening text names a project"},
}

// selfEvalWords mark a report the unit wrote about itself.
var selfEvalWords = []string{"自评", "自查", "自我评价"}

// speaksAsUnit reports whether the text calls itself 我局, 本单位 and the
// like.
func speaksAsUnit(text string) bool {
	for w := range lexicon.SelfReferences {
		if strings.Contains(text, w) {
			return true
		}
	}
	return containsAny(text, []string{"我单位", "本单位", "我部门", "本部门"})
}

// resultWords state an evaluation's outcome (CONTRACT: 综合评价得分 where the
// report presents an evaluation's result).
var resultWords = []string{"综合评价得分", "评价等次", "评价结论为", "评价等级为", "综合评分"}

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
// unit's name, or leaving a bracket open.
func joinsTitle(prev, title string) bool {
	prev = strings.TrimSpace(prev)
	r := []rune(prev)
	if len(r) == 0 || len(r)+len([]rune(title)) > 60 || strings.ContainsAny(prev, "。；：:，,|") {
		return false
	}
	if strings.Count(prev, "(")+strings.Count(prev, "（") > strings.Count(prev, ")")+strings.Count(prev, "）") {
		return true // the line breaks inside a bracket: 总结(绩效自 / 评结果、绩效评价报告)
	}
	_, isOrg := parseOrg(prev)
	if yearRe.MatchString(prev) && strings.HasSuffix(prev, "年") || strings.HasSuffix(prev, "年度") || isOrg {
		return true
	}
	// A short tail (绩效自评报告) under a line that reads as a title's start
	// (某局2022年度部门整体支出): a title wrapped by the page's width.
	return len([]rune(title)) <= 12 && len(r) >= 8 && !strings.ContainsAny(prev, " \t") && containsAny(prev, titleStartWords) && !containsAny(prev, []string{"报告", "自评表"})
}

// titleStartWords are words of the first half of a wrapped title.
var titleStartWords = []string{"年度", "部门整体", "整体支出", "项目支出", "绩效"}

// kindOf applies kindRules and returns the kind with its evidence.
func kindOf(ti titleInfo, nd *normalize.Doc) (string, []Candidate) {
	head := strings.Join(firstLines(nd, 30), "")
	var all strings.Builder
	for _, p := range nd.Pages {
		all.WriteString(p.Text)
	}
	text := all.String()
	var ev []Candidate
	chosen := ""
	for _, rule := range kindRules {
		var hit bool
		switch rule.where {
		case "title":
			hit = containsAny(ti.text, rule.any) && !containsAny(ti.text, rule.none)
			if hit && ti.attachment && rule.kind == "table" {
				ev = append(ev, Candidate{Field: "kind", Value: rule.kind, Label: ti.text, Source: "title", Scope: "document", Reason: "the form is an attachment of a report"})
				continue
			}
		case "result":
			// By others: no 自评, and the text never speaks as the unit
			// (我局对…开展了绩效评价 is a self-evaluation all the same).
			hit = containsAny(text, resultWords) && !containsAny(text, selfEvalWords) && !speaksAsUnit(text)
		case "head":
			hit = containsAny(head, rule.any)
		}
		if !hit {
			continue
		}
		c := Candidate{Field: "kind", Value: rule.kind, Label: ti.text, Source: rule.where, Scope: "document", Reason: rule.why}
		if rule.where == "title" {
			c.Page, c.Start, c.End = locate(nd, ti.text)
			c.Start, c.End = max(c.Start, 0), max(c.End, 0)
		} else {
			c.Label = ""
		}
		if chosen == "" {
			chosen, c.Chosen = rule.kind, true
		} else {
			c.Reason = "a stronger rule decided: " + c.Reason
		}
		ev = append(ev, c)
	}
	if chosen == "" {
		chosen = "other"
		ev = append(ev, Candidate{Field: "kind", Value: "other", Source: "default", Scope: "document", Chosen: true, Reason: "no rule matched"})
	}
	return chosen, ev
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// categorical decides the headline's title, kind, organization, fiscal year
// and grade, and records the candidates weighed for each in its Evidence.
func categorical(nd *normalize.Doc, h *Headline) {
	ti := findTitle(nd)
	h.Title = ti.text
	var ev []Candidate
	h.Kind, ev = kindOf(ti, nd)
	h.Evidence = append(h.Evidence, ev...)
	h.Organization, ev = findOrganization(nd, ti)
	h.Evidence = append(h.Evidence, ev...)
	h.FiscalYear, ev = findYear(nd, ti.text)
	h.Evidence = append(h.Evidence, ev...)
	h.Grade, ev = findGrade(nd)
	h.Evidence = append(h.Evidence, ev...)
}
