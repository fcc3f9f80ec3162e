package facts

import (
	"regexp"
	"strconv"
	"strings"

	"zipin/normalize"
)

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
