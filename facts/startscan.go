package facts

import (
	"regexp"
	"sort"
	"strings"
)

// startScan finds in a text what FindAllStringSubmatchIndex finds for an
// expression whose every match starts with one of a few literal words (an
// alternation of words, which Go's regexp cannot skip ahead to as it does
// to a single literal prefix, so it reads every position of the page). It
// looks for the words and tries the expression, anchored, only where one
// of them starts, left to right, each try after the previous match's end:
// the leftmost-first, non-overlapping matches the expression finds, at the
// same offsets (TestStartScanAsExpression). The expression must not match
// the empty string nor look before its start (no \b, no ^ or $ in it).
type startScan struct {
	re       *regexp.Regexp // the expression as written
	anchored *regexp.Regexp
	starts   []string
}

func newStartScan(re *regexp.Regexp, starts ...string) *startScan {
	return &startScan{re: re, anchored: regexp.MustCompile(`^(?:` + re.String() + `)`), starts: starts}
}

// findAll is re.FindAllStringSubmatchIndex(s, -1).
func (sc *startScan) findAll(s string) [][]int {
	var at []int
	for _, w := range sc.starts {
		for i := 0; ; {
			k := strings.Index(s[i:], w)
			if k < 0 {
				break
			}
			at = append(at, i+k)
			i += k + 1
		}
	}
	if len(at) == 0 {
		return nil
	}
	sort.Ints(at)
	var out [][]int
	end := 0
	for _, p := range at {
		if p < end {
			continue // inside the last match, or a start tried already
		}
		m := sc.anchored.FindStringSubmatchIndex(s[p:])
		if m == nil {
			end = p + 1
			continue
		}
		for j := range m {
			if m[j] >= 0 {
				m[j] += p
			}
		}
		out = append(out, m)
		end = m[1]
	}
	return out
}

// submatch is the text of group g of match m, "" when the group took no
// part (as FindAllStringSubmatch gives it).
func submatch(s string, m []int, g int) string {
	if m[2*g] < 0 {
		return ""
	}
	return s[m[2*g]:m[2*g+1]]
}
