package facts

import (
	"regexp"
	"strings"

	"zipin/normalize"
)

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
