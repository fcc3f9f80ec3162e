package facts

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"zipin/normalize"
)

var yearRe = regexp.MustCompile(`((?:19|20)\d{2})\s*年度?`)

// dateAfter follows the 年 of a date: 2021年12月, 2021年1-6月.
var dateAfter = regexp.MustCompile(`^\s*\d{1,2}\s*[月\-－—至]`)

// reportYearWords, after a year in the same clause, make it the year the
// report evaluates (2022年度部门整体支出, 开展2022年度…绩效自评工作).
var reportYearWords = []string{"绩效", "自评", "部门整体", "整体支出", "项目支出", "绩效评价", "预算执行", "部门决算", "决算", "绩效目标"}

// projectNameEnds end a project's or a fund's name: a year before one of
// them in a clause with none of reportYearWords is the project's
// (2021年农村公路建设项目), not the report's.
var projectNameEnds = []string{"项目", "工程", "计划", "专项"}

// yearSources rank the year candidates, strongest first: the title's year,
// a year the opening text ties to the evaluation (开展2022年度…自评), a
// "YYYY年度" not inside a project's name, then the mentions counted.
var yearSources = []string{"title", "report", "fiscal", "mentions"}

// yearHead is how far into the document, in runes, the opening text runs.
const yearHead = 1500

// findYear decides the fiscal year among the candidates of yearSources: in
// the title (the report's, else the page's <title>) the last year before its
// 绩效/自评 words, so a project's year in the title does not count; in the
// opening text, the first year of the best source; failing those, the latest
// year the opening text mentions, if it is mentioned more than once or is
// the only one. A publication date (2022-04-15), a date (2021年12月) and a
// document number (〔2021〕) never count.
func findYear(nd *normalize.Doc, title string) (*int, []Candidate) {
	var ev []Candidate
	for _, t := range []string{title, stripSiteName(nd.Title)} {
		if y, ok := titleYear(t); ok {
			c := Candidate{Field: "fiscal_year", Value: strconv.Itoa(y), Label: t, Source: "title", Scope: "document"}
			c.Page, c.Start, c.End = locate(nd, t)
			c.Start, c.End = max(c.Start, 0), max(c.End, 0)
			ev = append(ev, c)
			break
		}
	}
	counted := map[int]int{} // year → mentions that count
	budget := yearHead
	for _, p := range nd.Pages {
		if budget <= 0 {
			break
		}
		text := p.Text
		if r := []rune(text); len(r) > budget {
			text = string(r[:budget])
		}
		budget -= len([]rune(text))
		for _, m := range yearRe.FindAllStringSubmatchIndex(text, -1) {
			y, _ := strconv.Atoi(text[m[2]:m[3]])
			before, after := text[:m[0]], text[m[1]:]
			clause := yearClause(after)
			start := utf8.RuneCountInString(before)
			c := Candidate{Field: "fiscal_year", Value: strconv.Itoa(y), Page: p.Number, Start: start, End: start + len([]rune(text[m[0]:m[1]])),
				Label: strings.TrimSpace(text[m[0]:m[1]]) + clause, Source: "mentions", Scope: "document"}
			date := dateAfter.MatchString(after)
			switch {
			case date:
				c.Reason = "a date"
			case containsAny(clause, reportYearWords):
				c.Source = "report"
			case containsAny(clause, projectNameEnds):
				c.Scope = "project"
			case strings.HasSuffix(text[m[0]:m[1]], "年度"):
				c.Source = "fiscal"
			}
			if !date && strings.Count(before, "《") <= strings.Count(before, "》") {
				counted[y]++
			}
			ev = append(ev, c)
		}
	}
	for _, src := range yearSources[:3] {
		for i := range ev {
			if ev[i].Source != src || ev[i].Reason != "" || ev[i].Scope != "document" {
				continue
			}
			ev[i].Chosen, ev[i].Reason = true, "the first of the strongest source ("+src+")"
			for j := range ev {
				if j != i && ev[j].Reason == "" {
					ev[j].Reason = "weaker source or later mention"
				}
			}
			y, _ := strconv.Atoi(ev[i].Value)
			return &y, ev
		}
	}
	latest := 0
	for y := range counted {
		latest = max(latest, y)
	}
	for i := range ev {
		switch {
		case ev[i].Reason != "":
		case ev[i].Scope == "project":
			ev[i].Reason = "inside a project's name; counted as a mention"
		default:
			ev[i].Reason = "a mention; counted"
		}
	}
	if latest > 0 && (counted[latest] > 1 || len(counted) == 1) {
		c := Candidate{Field: "fiscal_year", Value: strconv.Itoa(latest), Source: "mentions", Scope: "document", Chosen: true,
			Reason: "the latest year the opening text mentions, " + strconv.Itoa(counted[latest]) + " times"}
		return &latest, append(ev, c)
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
