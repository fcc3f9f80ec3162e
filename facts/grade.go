package facts

import (
	"regexp"
	"strings"

	"zipin/normalize"
)

var (
	gradeRe = regexp.MustCompile(`(?:等级|等次|评价结果|评定|自评结果|自评结论|自评为|评价为|评为|定为|结论为)\s*(?:为|是|：|:)?\s*[“"「]?\s*(优\s?秀|优|良\s?好|良|中\s?等|中|差)`)
	checkRe = regexp.MustCompile(`(?:☑|☒|■|√|R)\s*(优\s?秀|优|良|中|差)`)
)

// gradeBlockers follow a grade character when it is the start of another word (优化, 良性, 中心).
const gradeBlockers = "化先质势惠良好美异越点秀性心央期等级小国华层间部"

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

// gradeBands are the usual score bands of the grades (财预〔2020〕10号).
var gradeBands = map[string][2]float64{
	"优": {90, 101}, "优秀": {90, 101}, "良": {80, 90}, "良好": {80, 90}, "中": {60, 80}, "中等": {60, 80}, "差": {0, 60},
}

func gradeBand(g string) (float64, float64, bool) {
	b, ok := gradeBands[g]
	return b[0], b[1], ok
}
