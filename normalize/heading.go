package normalize

import (
	"strings"
	"unicode/utf8"
)

// headingStyle is one way Chinese official documents number their headings,
// with the depth it conventionally has: 一、 over （一） over 1. over （1） over ①.
type headingStyle struct {
	level int
	match func(line []rune) (markerLen int, ok bool)
}

var headingStyles = []headingStyle{
	{1, func(l []rune) (int, bool) { return numberThen(l, 0, isChineseDigit, "、．.") }},
	{2, func(l []rune) (int, bool) { return bracketed(l, isChineseDigit) }},
	{3, func(l []rune) (int, bool) {
		n, ok := numberThen(l, 0, isDigitASCII, "、．.")
		// "1.5万元" is a number, not a heading.
		if ok && n < len(l) && isDigitASCII(l[n]) {
			return 0, false
		}
		return n, ok && n <= 3
	}},
	{4, func(l []rune) (int, bool) { return bracketed(l, isDigitASCII) }},
	{5, func(l []rune) (int, bool) { return 1, len(l) > 1 && l[0] >= '①' && l[0] <= '⑳' }},
}

func isChineseDigit(r rune) bool { return strings.ContainsRune("一二三四五六七八九十", r) }

// numberThen matches digits (by isDigit) at l[from:] followed by one of seps.
func numberThen(l []rune, from int, isDigit func(rune) bool, seps string) (int, bool) {
	i := from
	for i < len(l) && isDigit(l[i]) {
		i++
	}
	if i == from || i-from > 3 || i >= len(l) || !strings.ContainsRune(seps, l[i]) {
		return 0, false
	}
	return i + 1, i+1 < len(l)
}

// bracketed matches （一） / (一) / （1） / (1).
func bracketed(l []rune, isDigit func(rune) bool) (int, bool) {
	if len(l) < 4 || (l[0] != '（' && l[0] != '(') {
		return 0, false
	}
	i := 1
	for i < len(l) && isDigit(l[i]) {
		i++
	}
	if i == 1 || i > 4 || i >= len(l) || (l[i] != '）' && l[i] != ')') {
		return 0, false
	}
	return i + 1, i+1 < len(l)
}

// headingMarker reports the level and marker length of a numbered heading at
// the start of line.
func headingMarker(line []rune) (level, markerLen int, ok bool) {
	for _, s := range headingStyles {
		if n, ok := s.match(line); ok {
			return s.level, n, true
		}
	}
	return 0, 0, false
}

// maxHeadingRunes bounds a heading's text: a numbered line longer than this
// is a list item whose heading is its first clause.
const maxHeadingRunes = 40

// headingText is the heading as it should appear in a section path: the
// whole line when short, else its first clause.
func headingText(line []rune) string {
	s := string(line)
	if utf8.RuneCountInString(s) > maxHeadingRunes || strings.ContainsAny(s, "。：:") {
		if i := strings.IndexAny(s, "。：:；;，,"); i > 0 {
			s = s[:i]
		}
	}
	r := []rune(s)
	if len(r) > maxHeadingRunes {
		r = r[:maxHeadingRunes]
	}
	return strings.TrimSpace(string(r))
}
