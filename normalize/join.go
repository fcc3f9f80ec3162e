package normalize

import (
	"sort"
	"strings"
	"unicode"
)

// sentenceEnd are the marks after which a line is complete and must not be
// joined to the next one.
const sentenceEnd = "。！？；：!?;:）)】」』”|"

// softBreak is written in the raw page text between the visual lines of a
// paragraph that the reader found, from the page geometry, to be wrapped by
// the layout (doc.Block.Wrapped): U+2028 LINE SEPARATOR, a break inside a
// paragraph. joinWrapped takes it out; being neither a newline nor a space,
// it also tells later readers of Raw (the 自评表 reader restores removed
// cell separators from it) that nothing but layout stood there.
const softBreak = '\u2028'

// lineSpan is one line of a text: [start, end) indexes into text.r.
type lineSpan struct{ start, end int }

func splitLines(t text) []lineSpan {
	var ls []lineSpan
	start := 0
	for i, r := range t.r {
		if r == '\n' {
			ls = append(ls, lineSpan{start, i})
			start = i + 1
		}
	}
	return append(ls, lineSpan{start, len(t.r)})
}

// displayWidth counts CJK characters as two columns, like a fixed-pitch page.
func displayWidth(r []rune) int {
	w := 0
	for _, c := range r {
		if c >= 0x2E80 {
			w += 2
		} else {
			w++
		}
	}
	return w
}

// joinWrapped trims every line, drops blank lines, and joins a line to the
// next where the text was wrapped mid-sentence. Where the reader settled a
// break from the page geometry (breaks, by source offset of the "\n"), that
// decides. Elsewhere the text decides: the line is about as wide as the
// widest lines of the page (the wrap width), does not end a sentence or a
// table cell, and the next line does not start a heading or a list item.
// CJK joins with no space; Latin words keep one.
func joinWrapped(t text, noJoin func(line []rune) bool, breaks map[int]bool) text {
	lines := splitLines(t)
	var kept []lineSpan
	for _, l := range lines {
		for l.start < l.end && unicode.IsSpace(t.r[l.start]) {
			l.start++
		}
		for l.end > l.start && unicode.IsSpace(t.r[l.end-1]) {
			l.end--
		}
		if l.end > l.start {
			kept = append(kept, l)
		}
	}
	wrap := wrapWidth(t, kept)
	out := text{r: make([]rune, 0, len(t.r)), src: make([]int, 0, len(t.r))}
	for i, l := range kept {
		for k := l.start; k < l.end; k++ {
			if t.r[k] == softBreak {
				var prev, next rune
				if len(out.r) > 0 {
					prev = out.r[len(out.r)-1]
				}
				if k+1 < l.end {
					next = t.r[k+1]
				}
				switch {
				case headingAfter(prev, t.r[k+1:l.end]):
					out.push('\n', t.src[k])
				case spaceAtWrap(prev, next), isCJKText(prev) && cellsAhead(t.r[k+1:l.end]):
					out.push(' ', t.src[k])
				}
				continue
			}
			out.push(t.r[k], t.src[k])
		}
		if i+1 == len(kept) {
			break
		}
		next := kept[i+1]
		cur := t.r[l.start:l.end]
		nextR := t.r[next.start:next.end]
		nl := t.src[l.end] // the newline after the line, for the offset map
		if l.end >= len(t.r) {
			nl = t.src[len(t.r)-1]
		}
		join, settled := breaks[newlineAfter(t, l)]
		if !settled {
			join = wrap > 0 && displayWidth(cur) >= wrap*80/100 &&
				!strings.ContainsRune(sentenceEnd, cur[len(cur)-1]) &&
				!startsBlock(nextR) && !noJoin(cur) && !noJoin(nextR) && !isLabel(nextR, wrap)
		}
		if join {
			if isLatinWord(cur[len(cur)-1]) && isLatinWord(nextR[0]) {
				out.push(' ', nl)
			}
			continue
		}
		out.push('\n', nl)
	}
	return out
}

// newlineAfter is the source offset of the line break that ends line l
// (past any trailing spaces trimmed off it), or -1 at the end of the text.
func newlineAfter(t text, l lineSpan) int {
	for k := l.end; k < len(t.r); k++ {
		if t.r[k] == '\n' {
			return t.src[k]
		}
	}
	return -1
}

// wrapWidth estimates the width at which the page's prose wraps: the 90th
// percentile of line widths. Pages of short lines (a table flattened one cell
// per line) have no wrap width, so nothing there is joined.
func wrapWidth(t text, lines []lineSpan) int {
	if len(lines) < 3 {
		return 0
	}
	ws := make([]int, len(lines))
	for i, l := range lines {
		ws[i] = displayWidth(t.r[l.start:l.end])
	}
	sort.Ints(ws)
	w := ws[len(ws)*9/10]
	if w < 30 {
		return 0
	}
	return w
}

// isLabel reports a short line with no sentence end: in a table flattened
// one cell per line it is the next cell's label (实际完成情况), not the tail
// of a wrapped sentence, which ends a paragraph with its punctuation.
func isLabel(line []rune, wrap int) bool {
	return displayWidth(line) < wrap/2 && !strings.ContainsRune("。！？；!?;", line[len(line)-1])
}

func isLatinWord(r rune) bool { return r < 0x2E80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }

// startsBlock reports whether a line opens a heading or list item, which is
// never the continuation of the line before.
func startsBlock(line []rune) bool {
	if _, _, ok := headingMarker(line); ok {
		return true
	}
	switch line[0] {
	case '•', '·', '-', '—', '▪', '■', '□', '☑', '√', '*', '|':
		return true
	}
	return false
}

// startsHeading reports a line (up to the next soft or hard break) that
// opens with a numbered heading marker: 一、 （一） 1. （1） ①.
func startsHeading(r []rune) bool {
	for i, c := range r {
		if c == softBreak || c == '\n' {
			r = r[:i]
			break
		}
	}
	if len(r) == 0 {
		return false
	}
	_, _, ok := headingMarker(r)
	return ok
}

// spaceAtWrap reports whether a line wrapped between prev and next stood on
// a space: layout breaks a run of Latin letters, digits and signs only at a
// space (or after a hyphen or slash), so "90" ⏎ "89.974" and "100%" ⏎ "92%"
// were two cells, never 9089.974; next to CJK no space is implied. A pipe
// between cells keeps its spaces.
func spaceAtWrap(prev, next rune) bool {
	if prev == '|' || next == '|' {
		return true
	}
	if prev == 0 || next == 0 || isCJKText(prev) || isCJKText(next) || unicode.IsSpace(prev) || unicode.IsSpace(next) {
		return false
	}
	if (prev == '.' || prev == ',') && isDigitASCII(next) {
		return false // 1,286. ⏎ 40: one number, whatever put the break there
	}
	return prev != '-' && prev != '/'
}

// cellsAhead reports a line that opens with two numbers separated by a
// space (570.17 570.17): the cells of a flattened row. After a label wrapped
// at the space before them ("自治区财政资金" ⏎ "570.17 570.17") the space is
// put back, as the row reads in the text: a label glued to a run of cells
// would read as prose.
func cellsAhead(r []rune) bool {
	i := 0
	for i < len(r) && isNumberRune(r[i]) {
		i++
	}
	return i > 0 && isDigitASCII(r[0]) && i+1 < len(r) && r[i] == ' ' && isDigitASCII(r[i+1])
}

// headingAfter reports a line that opens with a numbered heading marker
// after a line that ended a sentence (prev, its last rune): a heading,
// however full the line above looked. After an unfinished sentence the
// marker is running text (…保证学校的正常运转 二、项目资金…).
func headingAfter(prev rune, line []rune) bool {
	return strings.ContainsRune("。！？；：!?;:", prev) && startsHeading(line)
}

// isNumberRune is a rune that can be part of a written number token.
func isNumberRune(r rune) bool {
	return r >= '0' && r <= '9' || r == '.' || r == ',' || r == '%' || r == '％'
}

// isCJKText is a CJK character or CJK punctuation.
func isCJKText(r rune) bool { return r >= 0x2E80 }

// tightenNumbers removes the spaces a PDF text layer puts between numbers and
// the Chinese around them: "2021 年" → "2021年", "内设科室 3 个" → "内设科室3个".
// A space between a number and CJK is dropped when the number sits in prose
// (CJK, or the start of the line, on its other side); a run of numbers
// separated by spaces, as in a flattened table row ("90 89.974 89.974"), keeps
// its spaces, because there they separate cells.
func tightenNumbers(t text) text {
	out := text{r: make([]rune, 0, len(t.r)), src: make([]int, 0, len(t.r))}
	n := len(t.r)
	for i := 0; i < n; i++ {
		r := t.r[i]
		if r != ' ' {
			out.push(r, t.src[i])
			continue
		}
		j := i
		for j < n && t.r[j] == ' ' {
			j++
		}
		if i == 0 || j == n || j-i > 2 {
			for ; i < j; i++ {
				out.push(' ', t.src[i])
			}
			i--
			continue
		}
		prev, next := t.r[i-1], t.r[j]
		drop := false
		switch {
		case isNumberRune(prev) && isHan(next):
			// number ␣ 年: drop when the number's own left side is prose.
			k := i - 1
			for k >= 0 && isNumberRune(t.r[k]) {
				k--
			}
			for k >= 0 && t.r[k] == ' ' && k > 0 && t.r[k-1] != ' ' && isCJKText(t.r[k-1]) {
				k-- // "科室 3 个": the number had a space on its left too
			}
			drop = k < 0 || t.r[k] == '\n' || isCJKText(t.r[k]) || t.r[k] == '(' || t.r[k] == '约'
		case isCJKText(prev) && prev != '|' && isDigitASCII(next) && !afterQuantity(t.r, i):
			// 年 ␣ number: drop when the number is followed by CJK, i.e. has a
			// unit — unless the CJK before the space is itself the unit of a
			// number ("≥180公里 186公里"): there the space separates cells.
			k := j
			for k < n && isNumberRune(t.r[k]) {
				k++
			}
			for k < n && k-j < 40 && t.r[k] == ' ' {
				k++
				break
			}
			drop = k < n && isHan(t.r[k])
		}
		if !drop {
			for ; i < j; i++ {
				out.push(' ', t.src[i])
			}
		}
		i = j - 1
	}
	return out
}

func isDigitASCII(r rune) bool { return r >= '0' && r <= '9' }

// afterQuantity reports whether the space at i follows a number and a short
// unit (180公里␣), which makes the space a cell boundary.
func afterQuantity(r []rune, i int) bool {
	k := i - 1
	for n := 0; k >= 0 && n < 3 && isHan(r[k]); n++ {
		k--
	}
	return k >= 0 && k < i-1 && (isDigitASCII(r[k]) || r[k] == '%')
}
