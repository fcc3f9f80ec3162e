package facts

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"zipin/normalize"
)

var (
	gradeRe = regexp.MustCompile(`(?:等级|等次|评价结果|评定|自评结果|自评结论|自评为|评价为|评为|定为|结论为)\s*(?:为|是|：|:|\|)?\s*[“"「]?\s*(优\s?秀|优|良\s?好|良|中\s?等|中|差)`)
	checkRe = regexp.MustCompile(`(?:☑|☒|■|√|R)\s*(优\s?秀|优|良|中|差)`)
	// The same, run only where their first words are.
	gradeScan = newStartScan(gradeRe, "等级", "等次", "评价结果", "评定", "自评结果", "自评结论", "自评为", "评价为", "评为", "定为", "结论为")
	checkScan = newStartScan(checkRe, "☑", "☒", "■", "√", "R")
)

// gradeBlockers follow a grade character when it is the start of another word (优化, 良性, 中心).
const gradeBlockers = "化先质势惠良好美异越点秀性心央期等级小国华层间部"

// gradeCountAfter, right after a grade, show it counts the projects or
// units that got it (评价结果为"良"的项目有2项): a summary's line, not the
// report's grade.
var gradeCountAfter = regexp.MustCompile(`^\s*[”"」]?\s*(?:的|等级的|等次的)?\s*(?:项目|单位|部门|有\d|共\d|\d+\s*个|\d+\s*项)`)

// gradeListAfter follows a grade that opens the list of the scale's grades
// (等级为优、良、中、差 / 评价等级为优（90分以上）、良（80-89分）…).
var gradeListAfter = regexp.MustCompile(`^\s*[”"」]?\s*(?:[（(][^）)]{0,16}[）)])?\s*[、，,/|]\s*[“"「]?(?:良|中|合格|差|较好|一般)`)

// lastClause is the clause a position stands in, up to it.
func lastClause(before string) string {
	if i := strings.LastIndexAny(before, "。；;，,\n"); i >= 0 {
		_, w := utf8.DecodeRuneInString(before[i:])
		before = before[i+w:]
	}
	return strings.TrimSpace(before)
}

// gradeKey folds the ways of writing one grade (优 and 优秀) so that two
// statements of it agree.
func gradeKey(g string) string { return string([]rune(g)[:1]) }

// findGrade reads the grade as stated — in words or as a ticked box — and
// returns it with the evidence (a form's 总分 row is read by
// gradeFromScoreRow where the text states none). Where
// the statements give different grades (a summary of several projects'
// results) the field is NULL.
func findGrade(nd *normalize.Doc) (*string, []Candidate) {
	var ev []Candidate
	for _, p := range nd.Pages {
		byteAt, runeAt := 0, 0 // rune offsets counted on from the last match
		for _, src := range []struct {
			scan   *startScan
			source string
		}{{checkScan, "form"}, {gradeScan, "label"}} {
			re := src.scan.re
			for _, m := range src.scan.findAll(p.Text) {
				g := strings.ReplaceAll(p.Text[m[2]:m[3]], " ", "")
				after := p.Text[m[3]:]
				if next, _ := utf8.DecodeRuneInString(after); len(g) == len("优") && after != "" && strings.ContainsRune(gradeBlockers, next) {
					continue
				}
				if re == checkRe && p.Text[m[0]:m[0]+1] == "R" && m[0] > 0 && p.Text[m[0]-1] < 0x80 && p.Text[m[0]-1] != ' ' && p.Text[m[0]-1] != '\n' {
					continue // an R inside a Latin word, not a Wingdings tick
				}
				if m[2] < byteAt {
					byteAt, runeAt = 0, 0 // the second regexp starts over
				}
				runeAt += utf8.RuneCountInString(p.Text[byteAt:m[2]])
				byteAt = m[2]
				start := runeAt
				c := Candidate{Field: "grade", Value: g, Page: p.Number, Start: start, End: start + len([]rune(p.Text[m[2]:m[3]])),
					Label: strings.TrimSpace(p.Text[m[0]:m[2]]), Source: src.source, Scope: "document"}
				switch {
				case gradeCountAfter.MatchString(after):
					c.Scope, c.Reason = "project", "counts the projects that got this grade"
				case gradeListAfter.MatchString(after):
					c.Reason = "one grade of a list of the grades (the scale), not a result"
				case hasAnyPrefix(lastClause(p.Text[:m[0]]), "上年", "上一年", "去年", "往年", "上年度") || strings.Contains(lastClause(p.Text[:m[0]]), "上年度"):
					c.Reason = "a previous year's grade"
				}
				ev = append(ev, c)
			}
		}
	}
	chosen := -1
	for i, c := range ev {
		if c.Reason != "" {
			continue
		}
		if chosen < 0 {
			chosen = i
			continue
		}
		if gradeKey(c.Value) != gradeKey(ev[chosen].Value) {
			for j := range ev {
				if ev[j].Reason == "" {
					ev[j].Reason = "the text states different grades"
				}
			}
			return nil, ev
		}
		ev[i].Reason = "agrees with the chosen value"
	}
	if chosen < 0 {
		return nil, ev
	}
	ev[chosen].Chosen, ev[chosen].Reason = true, "first statement"
	g := ev[chosen].Value
	return &g, ev
}

// gradeBands are the usual score bands of the grades (财预〔2020〕10号).
var gradeBands = map[string][2]float64{
	"优": {90, 101}, "优秀": {90, 101}, "良": {80, 90}, "良好": {80, 90}, "中": {60, 80}, "中等": {60, 80}, "差": {0, 60},
}

func gradeBand(g string) (float64, float64, bool) {
	b, ok := gradeBands[g]
	return b[0], b[1], ok
}
