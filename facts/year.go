package facts

import (
	"regexp"
	"strconv"
	"strings"

	"zipin/normalize"
)

var (
	yearRe   = regexp.MustCompile(`((?:19|20)\d{2})\s*年度?`)
	yearDuRe = regexp.MustCompile(`((?:19|20)\d{2})\s*年度`)
)

// dateAfter follows the 年 of a date: 2021年12月, 2021年1-6月.
var dateAfter = regexp.MustCompile(`^\s*\d{1,2}\s*[月\-－—至]`)

// reportYearWords, after a year in the same clause, make it the year the
// report evaluates (2022年度部门整体支出, 开展2022年度…绩效自评工作).
var reportYearWords = []string{"绩效", "自评", "部门整体", "整体支出", "项目支出", "绩效评价", "预算执行", "部门决算", "决算", "绩效目标"}

// projectNameEnds end a project's or a fund's name: a year before one of
// them in a clause with none of reportYearWords is the project's
// (2021年农村公路建设项目), not the report's.
var projectNameEnds = []string{"项目", "工程", "计划", "专项"}

// yearSources rank the year candidates, strongest first.
var yearSources = []string{"title", "report", "fiscal", "mentions"}

// findYear decides the fiscal year: the title's year (the report's, else
// the page's) (the last one before
// its 绩效/自评 words, so a project's year in the title does not count),
// else a year the opening text ties to the evaluation (开展2022年度…自评),
// else a "YYYY年度" not inside a project's name, else the latest year the
// opening text mentions, if it is mentioned more than once or is the only
// one. A publication date (2022-04-15), a date (2021年12月) and a document
// number (〔2021〕) never count.
func findYear(nd *normalize.Doc, title string) (*int, []Candidate) {
	var ev []Candidate
	choose := func(y int, c Candidate) (*int, []Candidate) {
		c.Chosen = true
		if c.Reason == "" {
			c.Reason = "strongest source"
		}
		ev = append(ev, c)
		return &y, ev
	}
	// The report's title, then the page's own title (an HTML <title>)
	// without the portal's site name.
	for _, t := range []string{title, stripSiteName(nd.Title)} {
		if y, ok := titleYear(t); ok {
			return choose(y, Candidate{Field: "fiscal_year", Value: strconv.Itoa(y), Label: t, Source: "title", Scope: "document"})
		}
	}
	head := strings.Join(firstLines(nd, 40), "\n")
	if r := []rune(head); len(r) > 1500 {
		head = string(r[:1500])
	}
	var report, fiscal []int
	for _, m := range yearRe.FindAllStringSubmatchIndex(head, -1) {
		y, _ := strconv.Atoi(head[m[2]:m[3]])
		clause := yearClause(head[m[1]:])
		c := Candidate{Field: "fiscal_year", Value: strconv.Itoa(y), Label: strings.TrimSpace(head[m[0]:m[1]]) + clause, Source: "prose", Scope: "document"}
		switch {
		case dateAfter.MatchString(head[m[1]:]):
			c.Reason = "a date"
		case containsAny(clause, reportYearWords):
			c.Source = "report"
			report = append(report, y)
		case containsAny(clause, projectNameEnds):
			c.Scope, c.Reason = "project", "inside a project's name"
		case strings.HasSuffix(head[m[0]:m[1]], "年度"):
			c.Source = "fiscal"
			fiscal = append(fiscal, y)
		}
		ev = append(ev, c)
	}
	for _, ys := range [][]int{report, fiscal} {
		if len(ys) == 0 {
			continue
		}
		y := ys[0]
		for i := range ev {
			if ev[i].Value == strconv.Itoa(y) && ev[i].Reason == "" && !ev[i].Chosen {
				ev[i].Chosen, ev[i].Reason = true, "first year the text ties to the evaluation"
				break
			}
		}
		for i := range ev {
			if !ev[i].Chosen && ev[i].Reason == "" {
				ev[i].Reason = "a weaker or later mention"
			}
		}
		return &y, ev
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
	for i := range ev {
		if ev[i].Reason == "" {
			ev[i].Reason = "a mention; counted"
		}
	}
	if latest > 0 && (counts[latest] > 1 || len(counts) == 1) {
		return choose(latest, Candidate{Field: "fiscal_year", Value: strconv.Itoa(latest), Source: "mentions", Scope: "document",
			Reason: "the latest year the opening text mentions, " + strconv.Itoa(counts[latest]) + " times"})
	}
	return nil, ev
}

// titleYear returns the title's year: the last one before its first
// evaluation word (绩效, 自评, 评价, 决算), so that in
// 某县2021年农村公路项目2022年度绩效自评报告 the report's 2022 wins.
func titleYear(title string) (int, bool) {
	ms := yearRe.FindAllStringSubmatchIndex(title, -1)
	if len(ms) == 0 {
		return 0, false
	}
	cut := len(title)
	for _, w := range []string{"绩效", "自评", "评价", "决算"} {
		if i := strings.Index(title, w); i >= 0 && i < cut {
			cut = i
		}
	}
	pick := ms[0]
	for _, m := range ms {
		if m[0] < cut {
			pick = m
		}
	}
	y, _ := strconv.Atoi(title[pick[2]:pick[3]])
	return y, true
}

// yearClause is the text after a year up to the clause's end.
func yearClause(s string) string {
	if i := strings.IndexAny(s, "，,。；;：:\n（(）)》“”、"); i >= 0 {
		s = s[:i]
	}
	if r := []rune(s); len(r) > 30 {
		s = string(r[:30])
	}
	return s
}
