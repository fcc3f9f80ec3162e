package selfeval

import (
	"strings"

	"zipin/quantity"
)

// num is one number read from a form cell.
type num struct {
	v    float64
	pct  bool   // written with a percent sign
	text string // as written
	dec  int    // digits after the decimal point, for rounding tolerances
}

// placeholders are the cell contents forms use for "nothing here". They
// occupy a column but carry no value.
var placeholders = map[string]bool{
	"": true, "—": true, "——": true, "-": true, "－": true, "/": true, "／": true,
	"无": true, "_": true, "—-": true, "--": true, "/ ": true,
}

func isPlaceholder(s string) bool { return placeholders[strings.TrimSpace(s)] }

// parseNum reads a cell that holds exactly one number: optional thousands
// separators, an optional decimal part, an optional percent sign. Anything
// else (units, words) is not a bare number.
func parseNum(s string) (num, bool) {
	s = strings.TrimSpace(s)
	pct := false
	for _, suf := range []string{"%", "％"} {
		if strings.HasSuffix(s, suf) {
			pct, s = true, strings.TrimSpace(strings.TrimSuffix(s, suf))
		}
	}
	raw := s
	if strings.Contains(s, ",") {
		if !thousands(s) {
			return num{}, false
		}
		s = strings.ReplaceAll(s, ",", "")
	}
	if s == "" || !validDigits(s) {
		return num{}, false
	}
	// The digits are checked above (a form cell holds a bare Arabic
	// number); its value is read by the one number grammar, quantity.
	v, ok := quantity.ParseNumber(s)
	if !ok {
		return num{}, false
	}
	dec := 0
	if i := strings.IndexByte(s, '.'); i >= 0 {
		dec = len(s) - i - 1
	}
	t := raw
	if pct {
		t += "%"
	}
	return num{v: v, pct: pct, text: t, dec: dec}, true
}

// validDigits: digits with at most one interior decimal point.
func validDigits(s string) bool {
	dot := false
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
		case r == '.' && !dot && i > 0 && i < len(s)-1:
			dot = true
		default:
			return false
		}
	}
	return true
}

// thousands checks "11,605.29"-style grouping.
func thousands(s string) bool {
	intPart := s
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart = s[:i]
	}
	groups := strings.Split(intPart, ",")
	if len(groups[0]) == 0 || len(groups[0]) > 3 {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return false
		}
	}
	return true
}

// cellNum reads a score, weight or amount cell: a bare number, a number with
// 分 or 万元 after it; placeholders and words give nothing.
func cellNum(s string) *float64 {
	s = strings.TrimSpace(s)
	if isPlaceholder(s) {
		return nil
	}
	if n, ok := parseNum(s); ok {
		return &n.v
	}
	for _, suf := range []string{"分", "万元", "元"} {
		if t := strings.TrimSuffix(s, suf); t != s {
			if n, ok := parseNum(t); ok {
				return &n.v
			}
		}
	}
	return nil
}

// segmentations lists every way a run of glued digits ("303010100%") splits
// into well-formed numbers: no leading zeros (except "0" and "0.x"), at most
// maxDecimals digits after a point. A percent sign ends the rate, which takes
// the longest run of digits before it that is a rate of at most maxRate
// (forms print a rate with all its digits, so "10100%" is 10 | 100%, not
// 101 | 0%); numbers after it (the score) split freely. The caller decides
// between the splittings with the form's arithmetic.
func segmentations(run string, maxPieces int) [][]num {
	run = strings.ReplaceAll(run, "％", "%")
	before, after, hasPct := strings.Cut(run, "%")
	if !hasPct {
		return splitDigits(run, maxPieces)
	}
	if strings.Contains(after, "%") || before == "" {
		return nil
	}
	// The rate: the longest valid suffix of before.
	rateAt := -1
	for i := 0; i < len(before); i++ {
		part := before[i:]
		if !wellFormed(part) {
			continue
		}
		if n, ok := parseNum(part); ok && n.v <= maxRate && n.dec <= maxRateDecimals {
			rateAt = i
			break
		}
	}
	if rateAt < 0 {
		return nil
	}
	rate, _ := parseNum(before[rateAt:] + "%")
	heads := [][]num{nil}
	if rateAt > 0 {
		heads = splitDigits(before[:rateAt], maxPieces-1)
	}
	tails := [][]num{nil}
	if after != "" {
		tails = splitDigits(after, maxPieces-1)
	}
	var out [][]num
	for _, h := range heads {
		for _, t := range tails {
			seg := append(append(append([]num(nil), h...), rate), t...)
			out = append(out, seg)
		}
	}
	return out
}

// splitDigits lists every split of a digit run into at most maxPieces
// well-formed numbers (a row has no more cells than columns).
func splitDigits(run string, maxPieces int) [][]num {
	if len(run) == 0 || len(run) > maxGlued || maxPieces <= 0 {
		return nil
	}
	var out [][]num
	over, steps := false, 0
	// The search reads the same piece run[i:j] once for each way of
	// splitting what comes before it: each is parsed once, here.
	type piece struct {
		n          num
		ok, parsed bool
	}
	pieces := make([]piece, len(run)*maxPiece)
	pieceAt := func(i, j int) (num, bool) {
		p := &pieces[i*maxPiece+j-i-1]
		if !p.parsed {
			p.parsed = true
			if part := run[i:j]; wellFormed(part) {
				p.n, p.ok = parseNum(part)
			}
		}
		return p.n, p.ok
	}
	var rec func(i int, acc []num)
	rec = func(i int, acc []num) {
		if over {
			return
		}
		if i == len(run) {
			out = append(out, append([]num(nil), acc...))
			over = len(out) > maxSplits
			return
		}
		if len(acc) == maxPieces || len(run)-i > (maxPieces-len(acc))*maxPiece {
			return // the rest cannot fit in the pieces left
		}
		if steps++; steps > maxSplits*20 {
			over = true
			return
		}
		for j := i + 1; j <= len(run) && j-i <= maxPiece; j++ {
			if n, ok := pieceAt(i, j); ok {
				rec(j, append(acc, n))
			}
		}
	}
	rec(0, nil)
	if over {
		return nil // too many ways to read it: leave it to NULL
	}
	return out
}

// maxSplits bounds the splittings of one glued run; past it the run says
// too little to settle anything.
const maxSplits = 5000

const (
	maxGlued    = 64 // longer runs are codes, not glued cells
	maxPiece    = 20 // "999,999,999.99" and then some
	maxDecimals = 6  // 万元 with 元 precision needs 4; allow a little more
	// maxRateDecimals: forms print a rate with at most two decimals.
	maxRateDecimals = 2
)

// wellFormed: a number as a form would print it. Thousands separators,
// where written, must group correctly: they are what keeps glued amounts in
// 元 apart.
func wellFormed(s string) bool {
	if strings.Contains(s, ",") {
		if !thousands(s) {
			return false
		}
		s = strings.ReplaceAll(s, ",", "")
	}
	if !validDigits(s) {
		return false
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if len(intPart) > 1 && intPart[0] == '0' {
		return false
	}
	if hasDot && len(frac) > maxDecimals {
		return false
	}
	return true
}
