package quantity

import (
	"math"
	"math/big"
	"strings"
)

// A numeral is read in two steps. lexNumeral cuts the run of numeral
// characters at a position into tokens (an Arabic number, a Chinese digit with
// its 点 decimals, a pair of adjacent digits such as 两三, a positional run such
// as 二〇二一, a small unit 十百千, a big unit 万亿, a 零), and evalNumeral gives
// the value of a token sequence by the rules of Chinese numerals. Every rule of
// the numeral grammar lives in one of these two functions; the tables below
// are the characters they read.

// chineseDigits maps every way of writing a digit, everyday and formal (大写).
var chineseDigits = map[rune]int{
	'零': 0, '〇': 0, '○': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5,
	'六': 6, '七': 7, '八': 8, '九': 9,
	'壹': 1, '贰': 2, '貳': 2, '叁': 3, '參': 3, '肆': 4, '伍': 5, '陆': 6, '陸': 6,
	'柒': 7, '捌': 8, '玖': 9,
}

// chineseSmallUnits multiply within a 万 section.
var chineseSmallUnits = map[rune]int64{'十': 10, '拾': 10, '百': 100, '佰': 100, '千': 1000, '仟': 1000}

// chineseBigUnits close a section.
var chineseBigUnits = map[rune]int64{'万': 1e4, '萬': 1e4, '亿': 1e8, '億': 1e8}

// decimalPoint is the 点 of 九十七点三 and 一点五万.
const decimalPoint = '点'

// maxNumeralRunes bounds a numeral: the longest a report writes is about 15
// runes (一百九十万零三千九百七十一, 1,234,567,890.12); a longer run is a code
// or a table glued together, and bounding it keeps the arithmetic small.
const maxNumeralRunes = 32

// maxMagnitude is the largest value a report's quantity has: 1000万亿 is
// more than a national budget, and above it a float loses the 分.
const maxMagnitude = 1e15

func isChineseDigit(r rune) bool { _, ok := chineseDigits[r]; return ok }
func isZero(r rune) bool         { return r == '零' || r == '〇' || r == '○' }

func isChineseNumeralRune(r rune) bool {
	_, s := chineseSmallUnits[r]
	_, b := chineseBigUnits[r]
	return isChineseDigit(r) || s || b
}

type tokKind uint8

const (
	tArabic tokKind = iota // 3, 1,200, 8.6
	tDigit                 // one Chinese digit, with the 点 decimals after it (七点三)
	tZero                  // 零 inside a numeral: 两千零五, 1亿零800万
	tPair                  // two adjacent digits, an approximation: 两三, 六七 (十)
	tRun                   // three or more digits read positionally: 二〇二一
	tSmall                 // 十 百 千
	tBig                   // 万 亿
)

type token struct {
	kind       tokKind
	lo, hi     *big.Rat // the value of a digit, Arabic number or run; hi differs for a pair
	frac       bool     // decimals after a unit with no digit of their own: the 点五 of 十点五
	unit       int64    // tSmall and tBig
	start, end int      // rune offsets in the text
}

func (t token) isNumber() bool { return t.kind <= tRun && t.kind != tZero }

// lexNumeral cuts the numeral run at i into tokens. It stops at the first
// character that cannot continue a numeral, and returns nil for a run
// longer than maxNumeralRunes.
func lexNumeral(r []rune, i int) []token {
	var toks []token
	start := i
	last := func() (tokKind, bool) {
		if len(toks) == 0 {
			return 0, false
		}
		return toks[len(toks)-1].kind, true
	}
	for i < len(r) {
		if i-start > maxNumeralRunes {
			return nil
		}
		c := r[i]
		k, any := last()
		switch {
		case isASCIIDigit(c):
			// An Arabic number starts a numeral or follows a unit or 零
			// (3亿2千万, 1亿零800万); never a digit (三3).
			if any && k != tSmall && k != tBig && k != tZero {
				return toks
			}
			text, end := readArabic(r, i)
			if end-start > maxNumeralRunes {
				return nil
			}
			toks = append(toks, token{kind: tArabic, lo: ratOf(text), start: i, end: end})
			i = end
		case isChineseDigit(c):
			if any && (k == tArabic || k == tDigit || k == tPair || k == tRun) {
				return toks
			}
			// 零 after a unit is a place holder (两千零五).
			if any && isZero(c) {
				toks = append(toks, token{kind: tZero, start: i, end: i + 1})
				i++
				continue
			}
			j := i
			for j < len(r) && isChineseDigit(r[j]) {
				if j++; j-start > maxNumeralRunes {
					return nil
				}
			}
			switch n := j - i; {
			case n >= 3 && !any:
				v := new(big.Rat)
				for _, d := range r[i:j] {
					v.Mul(v, big.NewRat(10, 1)).Add(v, big.NewRat(int64(chineseDigits[d]), 1))
				}
				toks = append(toks, token{kind: tRun, lo: v, start: i, end: j})
				i = j
			case n == 2 && adjacentPair(r[i], r[i+1]) && !(k == tSmall && len(toks) == 1 && toks[0].unit == 10):
				// 两三次, 六七十户; not 十四五 (the plan), where 十 leads.
				toks = append(toks, token{kind: tPair, lo: digitRat(r[i]), hi: digitRat(r[i+1]), start: i, end: j})
				i = j
			default:
				// One digit, and its 点 decimals: 九十七点三, 一点五万.
				t := token{kind: tDigit, lo: digitRat(c), start: i, end: i + 1}
				i++
				if frac, end := readChineseDecimals(r, i); end > i {
					t.lo, _ = new(big.Rat).SetString(string('0'+rune(chineseDigits[c])) + "." + frac)
					t.end, i = end, end
				}
				toks = append(toks, t)
			}
		default:
			if u, ok := chineseSmallUnits[c]; ok {
				toks = append(toks, token{kind: tSmall, unit: u, start: i, end: i + 1})
				// 十点五, 九十点零五: decimals right after the unit.
				if frac, end := readChineseDecimals(r, i+1); end > i+1 {
					v, _ := new(big.Rat).SetString("0." + frac)
					toks = append(toks, token{kind: tDigit, lo: v, frac: true, start: i + 1, end: end})
					i = end
					continue
				}
			} else if u, ok := chineseBigUnits[c]; ok {
				toks = append(toks, token{kind: tBig, unit: u, start: i, end: i + 1})
			} else {
				return toks
			}
			i++
		}
	}
	return toks
}

// readChineseDecimals reads the 点 and the digits after it at i, and returns
// the digits as ASCII and the end. The decimals must not run into 十百千:
// 九点三十分 is a time of day, not 9.3.
func readChineseDecimals(r []rune, i int) (string, int) {
	if i >= len(r) || r[i] != decimalPoint {
		return "", i
	}
	j := i + 1
	var b strings.Builder
	for j < len(r) && isChineseDigit(r[j]) {
		b.WriteRune('0' + rune(chineseDigits[r[j]]))
		j++
	}
	if b.Len() == 0 {
		return "", i
	}
	if j < len(r) {
		if _, small := chineseSmallUnits[r[j]]; small || r[j] == decimalPoint {
			return "", i
		}
	}
	return b.String(), j
}

// adjacentPair: two digits one apart that a writer uses for "about":
// 一两, 两三, 三四 … 八九.
func adjacentPair(a, b rune) bool {
	da, db := chineseDigits[a], chineseDigits[b]
	return da >= 1 && db == da+1
}

func digitRat(c rune) *big.Rat { return big.NewRat(int64(chineseDigits[c]), 1) }

// ratOf reads an Arabic decimal with optional thousands separators and sign.
func ratOf(s string) *big.Rat {
	v, ok := new(big.Rat).SetString(thousandsPlain.Replace(s))
	if !ok {
		return new(big.Rat)
	}
	return v
}

// readArabic reads digits with thousands groups (exactly three digits after
// each comma) and a decimal part at i.
//
// A full-width comma groups thousands too (３，４０８户, 1，234.5万元, as
// full-width text writes them), but it is also the clause comma, so it is
// read as a separator only where nothing else fits: one to three digits
// before the first, exactly three after each, and a unit right after the
// number (3，4，5 and 共12，345 stay a list).
func readArabic(r []rune, i int) (string, int) {
	j := i
	for j < len(r) && isASCIIDigit(r[j]) && j-i <= maxNumeralRunes {
		j++
	}
	lead, wide := j-i, false
	for j+3 < len(r) && j-i <= maxNumeralRunes && (r[j] == ',' || r[j] == '，' && lead <= 3) && isASCIIDigit(r[j+1]) && isASCIIDigit(r[j+2]) && isASCIIDigit(r[j+3]) && (j+4 >= len(r) || !isASCIIDigit(r[j+4])) {
		wide = wide || r[j] == '，'
		j += 4
	}
	if j+1 < len(r) && r[j] == '.' && isASCIIDigit(r[j+1]) {
		j++
		for j < len(r) && isASCIIDigit(r[j]) && j-i <= maxNumeralRunes {
			j++
		}
	}
	if wide {
		if _, n := matchUnit(r, j); n == 0 {
			return readArabic(r[:i+lead], i) // no unit: the comma ends a clause
		}
	}
	return string(r[i:j]), j
}

// thousandsPlain drops both the ASCII and the full-width thousands separator.
var thousandsPlain = strings.NewReplacer(",", "", "，", "")

// evalNumeral gives the value of a token sequence, and for a sequence with
// an adjacent pair (六七十) the value with the pair's upper digit as hi; hi is
// nil otherwise. It reports false for a sequence that is no numeral.
//
// The rules: digits multiply the small unit after them and sections close at
// 万/亿 (一百九十万零三千九百七十一); 亿 multiplies what came before it when a
// smaller big unit precedes it (一万五千亿); 零 marks a skipped place; a digit
// written right after a unit with no 零 counts the next lower place (一万三 =
// 13000, 四千五 = 4500, 十五 = 15); a run of three or more digits is
// positional (二〇二一); an Arabic number stands where a digit would (3亿2千万).
func evalNumeral(toks []token) (lo, hi *big.Rat, ok bool) {
	pair := -1
	for k, t := range toks {
		if t.kind == tPair {
			if pair >= 0 {
				return nil, nil, false
			}
			pair = k
		}
	}
	lo, ok = evalWith(toks, false)
	if !ok || pair < 0 {
		return lo, nil, ok
	}
	hi, ok = evalWith(toks, true)
	return lo, hi, ok
}

func evalWith(toks []token, high bool) (*big.Rat, bool) {
	if len(toks) == 0 {
		return nil, false
	}
	if toks[0].kind == tRun || toks[0].kind == tArabic && len(toks) == 1 {
		if len(toks) > 1 {
			return nil, false
		}
		return new(big.Rat).Set(toks[0].lo), true
	}
	total, section := new(big.Rat), new(big.Rat)
	var digit *big.Rat // the pending digit, nil when none
	var digitTok tokKind
	var lastUnit int64   // the unit before the pending digit (0: none, or a 零 between)
	var sectionMax int64 // the smallest small unit so far in this section, for order
	bigSeen := int64(0)
	content := false // anything since the last big unit
	for k, t := range toks {
		switch t.kind {
		case tArabic, tDigit, tPair:
			if digit != nil {
				return nil, false // two numbers in a row
			}
			digit = t.lo
			if t.kind == tPair && high {
				digit = t.hi
			}
			digitTok = t.kind
			lastUnit = 0
			if k > 0 && !t.frac && (toks[k-1].kind == tSmall || toks[k-1].kind == tBig) {
				lastUnit = toks[k-1].unit
			}
			content = true
		case tZero:
			if digit != nil || k == 0 {
				return nil, false
			}
		case tSmall:
			if digit == nil {
				// Only 十 stands alone, and only at a section's start: 十五, 二十万零十.
				if t.unit != 10 || section.Sign() != 0 {
					return nil, false
				}
				digit = big.NewRat(1, 1)
			}
			if sectionMax != 0 && t.unit >= sectionMax {
				return nil, false // 五百三千
			}
			sectionMax = t.unit
			section.Add(section, new(big.Rat).Mul(digit, big.NewRat(t.unit, 1)))
			digit = nil
			content = true
		case tBig:
			if digit != nil {
				section.Add(section, digit)
				digit = nil
			}
			if !content {
				return nil, false // 万 with nothing before it, 亿万
			}
			u := big.NewRat(t.unit, 1)
			if bigSeen != 0 && bigSeen < t.unit {
				total.Add(total, section).Mul(total, u) // 一万五千亿
			} else {
				total.Add(total, section.Mul(section, u))
			}
			bigSeen = max(bigSeen, t.unit)
			section, sectionMax, content = new(big.Rat), 0, false
		default:
			return nil, false
		}
	}
	if digit != nil {
		if lastUnit > 0 {
			// The elided place: 一万三 is 1万3千, 四千五 is 4千5百.
			if digitTok == tArabic {
				return nil, false // 3万2: no report writes it
			}
			if lastUnit > 10 && !digit.IsInt() {
				return nil, false // 一万三点五
			}
			digit = new(big.Rat).Mul(digit, big.NewRat(lastUnit, 10))
		}
		section.Add(section, digit)
	}
	return total.Add(total, section), true
}

// numeral is a number read from a text, with its value.
type numeral struct {
	text       string
	start, end int
	lo, hi     *big.Rat // hi is set for an adjacent-digit pair (两三): the upper end
	pair       string   // the pair as written, the approximation's qualifier
	chinese    bool     // written with Chinese digits, so a range pairs like with like
	positional bool     // a run such as 二〇二一
}

// readNumber reads an Arabic, Chinese or mixed number at i: the longest
// prefix of the numeral run that evaluates, with a trailing multiplier left
// for the unit matcher where it multiplies the whole number (1.2万余亩,
// 3千元, 三万人; but 3亿2千万元 keeps its 万, which multiplies only 2千).
func readNumber(r []rune, i int) (numeral, bool) {
	if i >= len(r) {
		return numeral{}, false
	}
	if _, big := chineseBigUnits[r[i]]; big {
		return numeral{}, false
	}
	if isASCIIDigit(r[i]) {
		// The common case, a plain Arabic number (86.0%, 467户), skips the
		// numeral lexer.
		text, end := readArabic(r, i)
		if end-i <= maxNumeralRunes && (end >= len(r) || !isChineseNumeralRune(r[end])) {
			return numeral{text: text, start: i, end: end, lo: ratOf(text)}, true
		}
	}
	return fromTokens(r, i, lexNumeral(r, i), true)
}

// readImplicitOne reads a numeral that starts with its unit, the 一 left
// unwritten: 百余人, 千余户, 万余元, 近万人, 超千万元, 百分之百. The caller
// decides where a report means that (after a qualifier, before 余/多, after
// 百分之); elsewhere 百 and 万 start words (百姓, 万物).
func readImplicitOne(r []rune, i int) (numeral, bool) {
	if i >= len(r) || r[i] == '十' || r[i] == '拾' {
		return numeral{}, false
	}
	_, small := chineseSmallUnits[r[i]]
	_, large := chineseBigUnits[r[i]]
	if !small && !large {
		return numeral{}, false
	}
	one := token{kind: tDigit, lo: big.NewRat(1, 1), start: i, end: i}
	return fromTokens(r, i, append([]token{one}, lexNumeral(r, i)...), false)
}

// fromTokens evaluates the longest prefix of toks that is a numeral and,
// with peel, leaves a trailing multiplier to the unit matcher.
func fromTokens(r []rune, i int, toks []token, peel bool) (numeral, bool) {
	n := len(toks)
	var lo, hi *big.Rat
	for ; n > 0; n-- {
		var ok bool
		if lo, hi, ok = evalNumeral(toks[:n]); ok {
			break
		}
	}
	if n == 0 || toks[n-1].end == i {
		return numeral{}, false
	}
	if peel && n > 1 && peels(r, toks[:n]) {
		if l, h, ok := evalNumeral(toks[:n-1]); ok {
			lo, hi, n = l, h, n-1
		}
	}
	toks = toks[:n]
	nm := numeral{
		start: i, end: toks[n-1].end, lo: lo, hi: hi,
		chinese: !isASCIIDigit(r[i]), positional: toks[0].kind == tRun,
	}
	nm.text = string(r[nm.start:nm.end])
	for _, t := range toks {
		if t.kind == tPair {
			nm.pair = string(r[t.start:t.end])
		}
	}
	return nm, true
}

// peels reports whether the last token of a numeral is a multiplier the
// unit matcher reads instead: a big unit no larger unit precedes (三万,
// 一万五千亿, 6千万), or 千/百 after an Arabic number where a unit starts with
// it (3千元, 12.6千米, 100百分比).
func peels(r []rune, toks []token) bool {
	t := toks[len(toks)-1]
	switch t.kind {
	case tBig:
		for _, p := range toks[:len(toks)-1] {
			if p.kind == tBig && p.unit >= t.unit {
				return false
			}
		}
		return true
	case tSmall:
		if len(toks) != 2 || toks[0].kind != tArabic {
			return false
		}
		_, n := matchUnit(r, t.start)
		return n > 1
	}
	return false
}

// ParseChinese reads a Chinese numeral: 一百二十三, 十五, 两千零五, 壹万贰仟,
// 三万五千, 九十七点三, 一万三 (13000), and digit runs such as 二〇二一. It
// reports false for text that is not one well-formed numeral; an adjacent
// pair (两三) is a range, which ParseChinese does not give.
func ParseChinese(s string) (float64, bool) {
	r := []rune(s)
	if len(r) == 0 || isASCIIDigit(r[0]) {
		return 0, false
	}
	return parseWhole(r)
}

// parseWhole reads all of r as one numeral with a single value.
func parseWhole(r []rune) (float64, bool) {
	if _, big := chineseBigUnits[r[0]]; big {
		return 0, false
	}
	toks := lexNumeral(r, 0)
	if len(toks) == 0 || toks[len(toks)-1].end != len(r) {
		return 0, false
	}
	lo, hi, ok := evalNumeral(toks)
	if !ok || hi != nil {
		return 0, false
	}
	return finite(lo)
}

func finite(v *big.Rat) (float64, bool) {
	f, _ := v.Float64()
	if math.IsInf(f, 0) || math.IsNaN(f) || math.Abs(f) >= maxMagnitude {
		return 0, false
	}
	return f, true
}

// ParseNumber reads a number as written in a report: Arabic with thousands
// separators (11,605.29), full-width digits, Chinese numerals (一百二十三,
// 壹佰, 八十八点五), and mixed forms with multipliers (1.2万, 3千, 2.5亿,
// 3亿2千万).
func ParseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(foldDigits(s))
	if s == "" {
		return 0, false
	}
	r := []rune(s)
	neg := false
	if r[0] == '-' || r[0] == '−' {
		neg, r = true, r[1:]
		if len(r) == 0 {
			return 0, false
		}
	}
	v, ok := parseWhole(r)
	if neg {
		v = -v
	}
	return v, ok
}

// arabicPlain drops thousands separators and writes any minus sign as '-',
// the form big.Rat reads.
var arabicPlain = strings.NewReplacer(",", "", "，", "", "−", "-", "－", "-")

func parseArabic(s string) (float64, bool) {
	v, ok := new(big.Rat).SetString(arabicPlain.Replace(s))
	if !ok {
		return 0, false
	}
	return finite(v)
}

func foldDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r == '．':
			return '.'
		case r == '，':
			return ','
		}
		return r
	}, s)
}

func isASCIIDigit(r rune) bool { return r >= '0' && r <= '9' }

// scaled returns v times factor as the float nearest the exact product, so
// 13565.97万 is exactly 135659700 and not 135659699.99999999.
func scaled(v *big.Rat, factor float64) float64 {
	f := new(big.Rat)
	if _, ok := f.SetString(formatFactor(factor)); !ok {
		f.SetFloat64(factor)
	}
	x, _ := new(big.Rat).Mul(v, f).Float64()
	return x
}

// formatFactor writes a unit factor (1e4, 0.001) as a decimal, so that a
// factor meant as 0.001 is 1/1000 and not the binary float next to it.
func formatFactor(f float64) string {
	return big.NewFloat(f).Text('g', 15)
}

// Scale returns the decimal number num (as written, with thousands
// separators and an optional sign) times factor, as the float nearest the
// exact product: Scale("13565.97", 1e4) is exactly 135659700.
func Scale(num string, factor float64) float64 {
	v, ok := new(big.Rat).SetString(arabicPlain.Replace(strings.TrimSpace(num)))
	if !ok {
		return 0
	}
	return scaled(v, factor)
}
