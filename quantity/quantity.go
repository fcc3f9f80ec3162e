// Package quantity is zipin's number grammar for Chinese reports: Arabic,
// Chinese and mixed numerals (11,605.29, 一百九十万零三千九百七十一, 九十七点三,
// 一万三 = 13000, 3亿2千万), adjacent-digit approximations (六七十 = 60–70),
// signs (-8.6, 负4.1), multipliers (万, 亿), units and their kinds, 成 as
// tenths, approximation qualifiers, comparators, ranges, and the distractors
// (dates, phone numbers, codes, list numbering, times of day, placeholders)
// that must never become facts.
//
// Where each rule lives: the numeral rules in numeral.go (lexNumeral,
// evalNumeral, readNumber); units, comparators and qualifiers are data in
// package lexicon, indexed in units.go; the quantity around a number (sign,
// range, unit, qualifiers) in scan; the distractors in isDistractor and
// numberBoundaryOK. Find reads prose; Target reads a 自评表 cell with the
// same rules.
package quantity

import (
	"math/big"
	"strings"
	"unicode"

	"zipin/lexicon"
)

// Quantity is one number with its unit, found in a text.
type Quantity struct {
	Start, End int    // rune offsets of the whole span in the input
	Text       string // the span as written: qualifier, number and unit
	Number     string // the number as written ("11,605.29", "两")
	// Value is the number in the base unit Unit: the written number times
	// the unit's Factor (120万元 is 1200000, base 元; 六成五 is 65, base %;
	// 3.2万人次 is 32000, base 人次), as the float nearest the exact product.
	Value     float64
	ValueHigh *float64 // the upper end of a range (5-10个), in Unit like Value
	Unit      string   // the base unit (元, %, 分, 人次 …)
	// Money is, for a quantity of kind money, Value exactly, in 分 (Value
	// 1234567 元 is Money 123456700); nil for other kinds and for an amount
	// written finer than 1 分 (12.345元) or beyond DECIMAL(18,2), which no
	// money column can hold as stated.
	Money    *Money
	UnitText string // the unit as written, with multiplier and qualifier (万余封)
	Kind     Kind
	Approx   string // 约 / 余 / 多 / 逾 / 近 / 超 / 以上 / 以下 / 不足 / 左右 / 两三 …, as written
	Op       string // ≥ ≤ > < = for targets

	// The quantity in the unit as written, for a form that keeps it so
	// (≤120万元 is InUnit 120, WrittenUnit 万元, Factor 1e4; Value is 1200000).
	InUnit      float64
	WrittenUnit string  // UnitText without its qualifiers (万余封 → 万封)
	Factor      float64 // Value = InUnit × Factor
}

// rangeSeps join the two ends of a range: 5-10个, 5至10个.
var rangeSeps = []string{"-", "－", "~", "～", "—", "至", "到"}

// chineseAllowedBefore are the characters after which a lone 一 is the
// number one (为一个, 共一名) and not part of a word (统一, 唯一, 进一步).
// 每 is not one of them: 每一名学员 is each student, not a count of 1.
const chineseAllowedBefore = "为共有计达约近逾超仅和与及是到至等开设建办培发举招完成了帮聘派组增减各占涉对向给"

// Find returns every quantity in s, in order. Numbers without a unit are not
// quantities; see Numbers for those.
func Find(s string) []Quantity {
	r := []rune(s)
	var out []Quantity
	for i := 0; i < len(r); {
		if !mayStart(r[i]) {
			i++
			continue
		}
		q, ok := scan(r, i, false)
		if !ok {
			i++
			continue
		}
		q.Text = string(r[q.Start:q.End])
		out = append(out, q)
		i = q.End
	}
	return out
}

// signs are the minus signs a report writes before a number: 结余资金为-8.6万元,
// 增长-4.1%, 负4.1%. A hyphen is a sign only where it cannot be a range dash or
// part of a date, code or phone number (see signAt).
var signs = []string{"-", "−", "－", "负"}

// signAt returns the length in runes of a minus sign at i, or 0. A sign must
// touch its number, and the rune before a hyphen must be none of those that
// end a number, a code or a unit (2021-05, 10-20万元, A-3, 1月-3月, 5%-8%):
// there the hyphen is a dash. 负 is a sign only before a digit or numeral.
func signAt(r []rune, i int) int {
	if i+1 >= len(r) {
		return 0
	}
	next := r[i+1]
	switch r[i] {
	case '负':
		if isASCIIDigit(next) || isChineseDigit(next) {
			return 1
		}
		return 0
	case '-', '−', '－':
		if !isASCIIDigit(next) {
			return 0
		}
		if i == 0 {
			return 1
		}
		p := r[i-1]
		if p < 0x80 && (unicode.IsLetter(p) || unicode.IsDigit(p) || p == '_' || p == '.' || p == '/' || p == '-' || p == '%' || p == ')') ||
			isChineseNumeralRune(p) || strings.ContainsRune(dashBefore, p) || unitEnd[p] {
			return 0
		}
		return 1
	}
	return 0
}

// dashBefore are the runes after which a hyphen joins two things rather than
// signing a number: closing brackets, 月/日/号/时 of dates and times, percent.
const dashBefore = "）】〕］」』”’％月日号时点期级第"

// unitEnd holds the last rune of every unit in the table: after 5个 or 3年 a
// hyphen is a range dash (5个-10个).
var unitEnd = func() map[rune]bool {
	m := map[rune]bool{}
	for _, u := range lexicon.Units {
		r := []rune(u.Written)
		m[r[len(r)-1]] = true
	}
	return m
}()

// scan tries to read a quantity starting at i (at a prefix, a sign or a
// number). In a target cell (cell set) the words only targets use count too
// (达到, 内), a bounding qualifier is the comparator (90%以上 is ≥ 90) and
// the unit may be missing (>=85).
func scan(r []rune, i int, cell bool) (Quantity, bool) {
	q := Quantity{Start: i}
	j := i
	if p, n := matchPrefix(r, j, cell); n > 0 {
		q.Op, q.Approx = p.op, p.approx
		j += n
		for j < len(r) && r[j] == ' ' {
			j++
		}
	}
	neg := false
	if n := signAt(r, j); n > 0 {
		neg, j = true, j+n
	}
	var unitText, written strings.Builder
	approx := q.Approx
	// 百分之九十五 / 百分之95 / 百分之九十六点四
	percentWords := hasAt(r, j, "百分之")
	if percentWords {
		j += 3
	}
	numStart := j
	nm, ok := readNumber(r, numStart)
	if !ok {
		nm, ok = readImplicitOne(r, numStart)
		// The unwritten 一 only where a report means it: 近万人, 百余人, 百分之百.
		ok = ok && (q.Approx != "" || percentWords || matchAny(r, nm.end, innerSuffixes) != "")
	}
	if !ok || !numberBoundaryOK(r, numStart, nm.end) || percentWords && nm.hi != nil {
		return q, false
	}
	chinese := nm.chinese
	q.Number = nm.text
	lo, hi := nm.lo, nm.hi
	if nm.pair != "" {
		approx = joinApprox(approx, nm.pair)
	}
	k := nm.end
	var u lexicon.Unit
	mult := 1.0
	if percentWords {
		u, _ = lexicon.UnitOf("%")
		unitText.WriteString("百分之")
		written.WriteString("百分之")
	} else {
		// range: 5-10个, 五至十个
		if hi == nil && !neg {
			if h, hend, ok := rangeEnd(r, k, nm); ok {
				hi, k = h, hend
			}
		}
		// The unit may follow one space that a text layer inserted: "803.74 万元".
		if k < len(r) && r[k] == ' ' && !chinese {
			if _, n := matchUnit(r, k+1); n > 0 || matchAny(r, k+1, innerSuffixes) != "" {
				k++
			}
		}
		if a := matchAny(r, k, innerSuffixes); a != "" { // 20多万人次, 200余台
			approx = joinApprox(approx, a)
			unitText.WriteString(a)
			k += len([]rune(a))
		}
		var un int
		u, un = matchUnit(r, k)
		if un == 0 && !cell {
			return q, false
		}
		// 万/亿 followed by another unit is a multiplier: 2.5万余封, 3.2万人次, 1.5万亩.
		if u.Multiplier && k+un < len(r) {
			k2 := k + un
			a2 := matchAny(r, k2, innerSuffixes)
			if u2, n2 := matchUnit(r, k2+len([]rune(a2))); n2 > 0 && (u2.Kind != lexicon.Money || a2 != "" && u2.Written == "元") {
				mult = u.Factor
				unitText.WriteString(u.Written + a2)
				written.WriteString(u.Written)
				approx = joinApprox(approx, a2)
				k = k2 + len([]rune(a2))
				u, un = u2, n2
			}
		}
		unitText.WriteString(u.Written)
		written.WriteString(u.Written)
		k += un
		// A digit after 成 counts its tenths: 六成五 is 65%.
		if u.Tenths && chinese && hi == nil && k < len(r) && isChineseDigit(r[k]) && !isZero(r[k]) && (k+1 >= len(r) || !isChineseNumeralRune(r[k+1])) {
			lo = new(big.Rat).Add(lo, big.NewRat(int64(chineseDigits[r[k]]), 10))
			k++
		}
		// A range with the unit on both ends: 85%~95%.
		if hi == nil && !neg && un > 0 {
			for _, sep := range rangeSeps {
				if !hasAt(r, k, sep) {
					continue
				}
				hs := k + len([]rune(sep))
				if h, ok := readNumber(r, hs); ok && h.chinese == chinese && h.hi == nil && hasAt(r, h.end, u.Written) && h.lo.Cmp(lo) > 0 {
					hi, k = h.lo, h.end+un
				}
				break
			}
		}
	}
	if u.Factor == 0 {
		u.Factor = 1 // a cell's bare number
	}
	suffixes := approxSuffixes
	if cell {
		suffixes = append(append([]string(nil), approxSuffixes...), targetSuffixes...)
	}
	if a := matchAny(r, k, suffixes); a != "" {
		approx = joinApprox(approx, a)
		k += len([]rune(a))
		if cell && q.Op == "" {
			q.Op = boundOf[a]
		}
	}
	q.End = k
	q.Unit, q.Kind, q.UnitText, q.Approx, q.WrittenUnit = u.Base, u.Kind, unitText.String(), approx, written.String()
	factor := u.Factor * mult
	q.Factor = factor
	sign := func(v float64) float64 {
		if neg {
			return -v
		}
		return v
	}
	v, ok := finite(new(big.Rat).Mul(lo, ratFactor(factor)))
	if !ok {
		return q, false
	}
	q.Value = sign(v)
	if u.Kind == lexicon.Money {
		exact := new(big.Rat).Mul(lo, ratFactor(factor))
		if neg {
			exact.Neg(exact)
		}
		if m, err := moneyOf(exact); err == nil {
			q.Money = &m
		}
	}
	if in, ok := finite(lo); ok {
		q.InUnit = sign(in)
	}
	if hi != nil {
		hv, ok := finite(new(big.Rat).Mul(hi, ratFactor(factor)))
		if !ok {
			return q, false
		}
		q.ValueHigh = &hv
	}
	if isDistractor(r, q, numStart, nm, u) {
		return q, false
	}
	return q, true
}

// Target reads a target or actual cell of a 自评表 as one quantity: ≥95%,
// ≤120万元 (InUnit 120, WrittenUnit 万元), 不小于95%, 大于或等于90%, 90%以上
// (Op ≥), 12个月内 (Op ≤), 达到百分之九十, >=85 (no unit). The quantity must
// start the cell; rest is what follows it, trimmed (a unit the table lacks,
// such as 篇/年). It reports false for a cell that does not start with one
// (达成预期指标, 2023年12月底前 is a date).
func Target(s string) (q Quantity, rest string, ok bool) {
	r := []rune(strings.TrimSpace(s))
	if len(r) == 0 || !mayStart(r[0]) {
		return Quantity{}, "", false
	}
	q, ok = scan(r, 0, true)
	if !ok {
		return Quantity{}, "", false
	}
	q.Text = string(r[q.Start:q.End])
	return q, strings.TrimSpace(string(r[q.End:])), true
}

// rangeEnd reads the upper end of a range written after its lower end at j
// (5-10个, 10-20万元, 五至十个): a number in the same script, larger than the
// lower end.
func rangeEnd(r []rune, j int, low numeral) (*big.Rat, int, bool) {
	for _, sep := range rangeSeps {
		if !hasAt(r, j, sep) {
			continue
		}
		hs := j + len([]rune(sep))
		h, ok := readNumber(r, hs)
		if ok && h.chinese == low.chinese && h.hi == nil && h.lo.Cmp(low.lo) > 0 {
			return h.lo, h.end, true
		}
		return nil, j, false
	}
	return nil, j, false
}

// ratFactor returns a unit factor as an exact rational; the factors of the
// unit table, alone and after 万/亿, are made once (callers never modify them).
func ratFactor(f float64) *big.Rat {
	if v, ok := knownFactors[f]; ok {
		return v
	}
	return makeFactor(f)
}

var knownFactors = func() map[float64]*big.Rat {
	m := map[float64]*big.Rat{}
	for _, u := range lexicon.Units {
		for _, mult := range []float64{1, 1e4, 1e8} {
			m[u.Factor*mult] = makeFactor(u.Factor * mult)
		}
	}
	return m
}()

func makeFactor(f float64) *big.Rat {
	v, ok := new(big.Rat).SetString(formatFactor(f))
	if !ok {
		v = new(big.Rat).SetFloat64(f)
	}
	return v
}

func joinApprox(a, b string) string {
	if a == "" {
		return b
	}
	return a + b
}

func hasAt(r []rune, i int, s string) bool {
	for _, c := range s {
		if i >= len(r) || r[i] != c {
			return false
		}
		i++
	}
	return true
}

func matchAny(r []rune, i int, words []string) string {
	best := ""
	for _, w := range words {
		if len(w) > len(best) && hasAt(r, i, w) {
			best = w
		}
	}
	return best
}

func matchPrefix(r []rune, i int, cell bool) (prefix, int) {
	var best prefix
	n := 0
	if !prefixFirst[r[i]] {
		return best, 0
	}
	for k, p := range prefixes {
		if l := prefixLen[k]; l > n && (cell || !p.target) && hasAt(r, i, p.written) {
			best, n = p, l
		}
	}
	return best, n
}

// prefixFirst and prefixLen make the scan cheap: most runes start nothing.
var prefixFirst, prefixLen = func() (map[rune]bool, []int) {
	first := map[rune]bool{'百': true}
	lens := make([]int, len(prefixes))
	for k, p := range prefixes {
		r := []rune(p.written)
		first[r[0]] = true
		lens[k] = len(r)
	}
	return first, lens
}()

// mayStart reports whether a quantity can start at r: a digit, a Chinese
// numeral, or the first rune of a qualifier or comparator.
func mayStart(r rune) bool {
	return isASCIIDigit(r) || isChineseNumeralRune(r) || prefixFirst[r] || signFirst[r]
}

var signFirst = func() map[rune]bool {
	m := map[rune]bool{}
	for _, s := range signs {
		m[[]rune(s)[0]] = true
	}
	return m
}()

func matchUnit(r []rune, i int) (lexicon.Unit, int) {
	if i >= len(r) {
		return lexicon.Unit{}, 0
	}
	for _, u := range unitsByFirst[r[i]] {
		if !hasAt(r, i, u.Written) {
			continue
		}
		n := len([]rune(u.Written))
		if i+n < len(r) && strings.ContainsRune(u.NotBefore, r[i+n]) {
			continue
		}
		// A Latin unit must not run into more Latin letters: "5 mg" is not 5 m.
		if u.Written[0] < 0x80 && unicode.IsLetter(rune(u.Written[0])) && i+n < len(r) && r[i+n] < 0x80 && unicode.IsLetter(r[i+n]) {
			continue
		}
		return u, n
	}
	return lexicon.Unit{}, 0
}

// numberBoundaryOK rejects numbers glued to codes and identifiers: a number
// must not continue a run of Latin letters or digits (R000019951, zp13) or
// sit inside a larger numeral.
func numberBoundaryOK(r []rune, start, end int) bool {
	if start > 0 {
		p := r[start-1]
		if p < 0x80 && (unicode.IsLetter(p) || unicode.IsDigit(p) || p == '_' || p == '.' || p == '/') {
			return false
		}
		if isASCIIDigit(r[start]) && p == '-' && start > 1 && isASCIIDigit(r[start-2]) {
			return false // 0873-3856546, 2021-05-22
		}
		if !isASCIIDigit(r[start]) && isChineseNumeralRune(p) {
			return false
		}
		// The decimals of a number read or rejected before: the 五 of 三点五.
		if !isASCIIDigit(r[start]) && p == decimalPoint && start > 1 && isChineseNumeralRune(r[start-2]) {
			return false
		}
	}
	if end < len(r) && isASCIIDigit(r[end-1]) {
		n := r[end]
		if n == '_' {
			return false
		}
		// 20xx, 2.5x: a placeholder, not a number
		if n == 'x' || n == 'X' || n == '×' {
			return false
		}
	}
	return true
}

// indefiniteBefore are the runes that make a bare 十 after them indefinite:
// 数十人 (dozens), 几十万元; 人数十五人 keeps its 15.
const indefiniteBefore = "数几"

// clockWords before a Chinese 点 number with 分 make it a time of day
// (下午三点五分), not a score.
var clockWords = []string{"上午", "下午", "中午", "晚上", "早上", "凌晨", "傍晚", "早晨"}

// isDistractor applies the rules that tell a dated, coded or ordinal number
// from a quantity.
func isDistractor(r []rune, q Quantity, numStart int, nm numeral, u lexicon.Unit) bool {
	start := numStart
	if q.Start < start && signAt(r, start-1) > 0 {
		start-- // rules about what precedes a number look before its sign
	}
	before := func(k int) rune {
		if start-k < 0 {
			return 0
		}
		return r[start-k]
	}
	// Ordinals: 第3项, 第二名. Formulas: (B/A×100%).
	if strings.ContainsRune("第×*÷/", before(1)) {
		return true
	}
	// Indefinite numbers: 数十人, 几十万元, 若干 are not ten of anything.
	if (nm.text == "十" || nm.text == "拾") && strings.ContainsRune(indefiniteBefore, before(1)) {
		return true
	}
	// Years: 2021年 and 二〇二一年 are dates, not durations; 20多年 or 3年 is a duration.
	if u.Written == "年" && (!nm.chinese || nm.positional) && q.Value >= 1900 && q.Value <= 2100 && !strings.Contains(q.Number, ".") {
		return true
	}
	// Document numbers: 〔2021〕13号 — 号 is not a unit, but a year in brackets before a count is.
	if b := before(1); b == '〕' || b == ']' || b == '】' {
		return true
	}
	// Phone numbers: 0873—3856546, 020-12345678.
	if strings.ContainsRune("-—－", before(1)) && isASCIIDigit(before(2)) {
		return true
	}
	// Ages: 65岁 is not a unit, so never reaches here; 65周岁 neither.
	if nm.chinese {
		// One-character numerals inside words: 统一, 唯一, 一体化; in quotes: “四个意识”.
		b := before(1)
		if nm.end-numStart == 1 && r[numStart] == '一' && b != 0 && (unicode.Is(unicode.Han, b) && !strings.ContainsRune(chineseAllowedBefore, b)) {
			return true
		}
		if strings.ContainsRune("“\"「『‘", b) {
			return true
		}
		// A time of day: 下午三点五分.
		if u.Written == "分" && strings.ContainsRune(nm.text, decimalPoint) {
			for _, w := range clockWords {
				if start >= len([]rune(w)) && string(r[start-len([]rune(w)):start]) == w {
					return true
				}
			}
		}
		// 一是, 二是 never reach here; 十四五 has no unit.
	}
	// A time of day in digits: 9点30分, 14时30分 (the minutes are no score).
	if u.Written == "分" && strings.ContainsRune("点时", before(1)) && (isASCIIDigit(before(2)) || isChineseNumeralRune(before(2))) {
		return true
	}
	// Placeholder amounts: x万元 never parse; "xx%" neither.
	return false
}

// Number is a bare number in a text, with no unit of its own.
type Number struct {
	Start, End int
	Text       string  // as written, with its sign (-8.6, −8.6)
	Value      float64 // the number itself, unitless: the caller's context gives the unit
}

// Numbers returns the Arabic numbers in s that carry no unit, skipping those
// glued to codes. The facts stage types them from their context (a column
// headed 万元). A minus sign that touches a number is read as in prose
// (signAt); the number's span and text include it.
func Numbers(s string) []Number {
	r := []rune(s)
	var out []Number
	for i := 0; i < len(r); {
		if !isASCIIDigit(r[i]) || (i > 0 && (isASCIIDigit(r[i-1]) || r[i-1] == '.' || r[i-1] == ',')) {
			i++
			continue
		}
		_, end := readArabic(r, i)
		if !numberBoundaryOK(r, i, end) || end-i > maxNumeralRunes {
			i = max(end, i+1)
			continue
		}
		if _, n := matchUnit(r, end); n > 0 || end < len(r) && isChineseNumeralRune(r[end]) {
			i = end // a quantity (3万元) or a mixed numeral (6千万元): Find reads those
			continue
		}
		start := i
		if i > 0 && r[i-1] != '负' && signAt(r, i-1) > 0 {
			start = i - 1
		}
		v, _ := parseArabic(string(r[start:end]))
		out = append(out, Number{Start: start, End: end, Text: string(r[start:end]), Value: v})
		i = end
	}
	return out
}
