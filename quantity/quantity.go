// Package quantity is zipin's number grammar for Chinese reports: Arabic and
// Chinese numerals, multipliers (万, 亿), units and their kinds, approximation
// qualifiers, comparators, ranges, and the distractors (dates, phone numbers,
// codes, list numbering, ages, placeholders) that must never become facts.
package quantity

import (
	"sort"
	"strings"
	"unicode"
)

// Quantity is one number with its unit, found in a text.
type Quantity struct {
	Start, End int    // rune offsets of the whole span in the input
	Text       string // the span as written: qualifier, number and unit
	Number     string // the number as written ("11,605.29", "两")
	Value      float64
	ValueHigh  *float64 // the upper end of a range (5-10个)
	Unit       string   // the base unit (元, %, 分, 人次 …)
	UnitText   string   // the unit as written, with multiplier and qualifier (万余封)
	Kind       string
	Approx     string // 约 / 余 / 多 / 逾 / 近 / 超 / 以上 / 以下 / 不足 / 左右 …, as written
	Op         string // ≥ ≤ > < = for targets
}

// prefix is a word written before a number that qualifies it.
type prefix struct {
	written string
	op      string // comparator, if it is one
	approx  string // approximation, if it is one
}

// prefixes, longest first at match time.
var prefixes = []prefix{
	{"不低于", "≥", ""}, {"不少于", "≥", ""}, {"不小于", "≥", ""}, {"大于等于", "≥", ""}, {"大于或等于", "≥", ""},
	{"≥", "≥", ""}, {"≧", "≥", ""}, {">=", "≥", ""}, {"＞=", "≥", ""},
	{"不高于", "≤", ""}, {"不超过", "≤", ""}, {"不大于", "≤", ""}, {"不多于", "≤", ""}, {"小于等于", "≤", ""}, {"小于或等于", "≤", ""},
	{"≤", "≤", ""}, {"≦", "≤", ""}, {"<=", "≤", ""}, {"＜=", "≤", ""},
	{">", ">", ""}, {"＞", ">", ""}, {"大于", ">", ""}, {"高于", ">", ""},
	{"<", "<", ""}, {"＜", "<", ""}, {"小于", "<", ""}, {"低于", "<", ""},
	{"=", "=", ""}, {"﹦", "=", ""}, {"＝", "=", ""},
	{"约", "", "约"}, {"大约", "", "大约"}, {"约为", "", "约"}, {"逾", "", "逾"}, {"近", "", "近"}, {"将近", "", "将近"},
	{"接近", "", "接近"}, {"超", "", "超"}, {"超过", "", "超过"}, {"不足", "", "不足"}, {"不到", "", "不到"},
}

// approxSuffixes follow the number or the unit.
var approxSuffixes = []string{"余", "多", "以上", "以下", "左右", "以内", "上下"}

// rangeSeps join the two ends of a range: 5-10个, 5至10个.
var rangeSeps = []string{"-", "－", "~", "～", "—", "至", "到"}

// chineseAllowedBefore are the characters after which a lone 一 is the
// number one (为一个, 共一名) and not part of a word (统一, 唯一, 进一步).
const chineseAllowedBefore = "为共有计达约近逾超仅和与及是到至等开设建办培发举招完成了帮聘派组增减各每占涉对向给"

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
		q, ok := scan(r, i)
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

// scan tries to read a quantity starting at i (at a prefix or a number).
func scan(r []rune, i int) (Quantity, bool) {
	q := Quantity{Start: i}
	j := i
	if p, n := matchPrefix(r, j); n > 0 {
		q.Op, q.Approx = p.op, p.approx
		j += n
		for j < len(r) && r[j] == ' ' {
			j++
		}
		// A second qualifier: 逾20多万人次 stacks 逾 with 多 later; 约近 is rare.
	}
	// 百分之九十五 / 百分之95
	if hasAt(r, j, "百分之") {
		numStart := j + 3
		num, end, ok := readNumber(r, numStart)
		if !ok || !numberBoundaryOK(r, numStart, end) {
			return q, false
		}
		v, _ := ParseNumber(num)
		q.Number, q.Value, q.Unit, q.UnitText, q.Kind, q.End = num, v, "%", "百分之", Percent, end
		return q, true
	}
	numStart := j
	num, end, ok := readNumber(r, numStart)
	if !ok || !numberBoundaryOK(r, numStart, end) {
		return q, false
	}
	chinese := !isASCIIDigit(r[numStart])
	q.Number = num
	j = end
	// range: 5-10个
	var high string
	for _, sep := range rangeSeps {
		if hasAt(r, j, sep) {
			h, hend, ok := readNumber(r, j+len([]rune(sep)))
			if ok && (isASCIIDigit(r[j+len([]rune(sep))]) == !chinese) {
				lv, _ := ParseNumber(num)
				hv, _ := ParseNumber(h)
				if hv > lv {
					high, j = h, hend
				}
			}
			break
		}
	}
	// The unit may follow one space that a text layer inserted: "803.74 万元".
	k := j
	if k < len(r) && r[k] == ' ' && !chinese {
		k++
	}
	var unitText strings.Builder
	approx := q.Approx
	mult := 1.0
	if a := matchAny(r, k, approxSuffixes[:2]); a != "" { // 20多万人次, 200余台
		approx = joinApprox(approx, a)
		unitText.WriteString(a)
		k += len([]rune(a))
	}
	u, un := matchUnit(r, k)
	if un == 0 {
		return q, false
	}
	// 万/亿 followed by another unit is a multiplier: 2.5万余封, 3.2万人次, 1.5万亩.
	if (u.written == "万" || u.written == "亿") && k+un < len(r) {
		k2 := k + un
		a2 := matchAny(r, k2, approxSuffixes[:2])
		if u2, n2 := matchUnit(r, k2+len([]rune(a2))); n2 > 0 && (u2.kind != Money || a2 != "" && u2.written == "元") {
			mult = u.factor
			unitText.WriteString(u.written + a2)
			approx = joinApprox(approx, a2)
			k = k2 + len([]rune(a2))
			u, un = u2, n2
		}
	}
	unitText.WriteString(u.written)
	k += un
	// A range with the unit on both ends: 85%~95%.
	if high == "" {
		for _, sep := range rangeSeps {
			if !hasAt(r, k, sep) {
				continue
			}
			hs := k + len([]rune(sep))
			if h, hend, ok := readNumber(r, hs); ok && isASCIIDigit(r[hs]) != chinese && hasAt(r, hend, u.written) {
				lv, _ := ParseNumber(num)
				if hv, _ := ParseNumber(h); hv > lv {
					high, k = h, hend+un
				}
			}
			break
		}
	}
	if a := matchAny(r, k, approxSuffixes); a != "" {
		approx = joinApprox(approx, a)
		k += len([]rune(a))
	}
	q.End = k
	q.Unit, q.Kind, q.UnitText, q.Approx = u.base, u.kind, unitText.String(), approx
	factor := u.factor * mult
	if chinese {
		v, ok := ParseNumber(num)
		if !ok {
			return q, false
		}
		q.Value = v * factor
	} else {
		q.Value = scaleDecimal(strings.TrimSpace(num), factor)
	}
	if high != "" {
		hv := scaleDecimal(high, factor)
		if chinese {
			v, _ := ParseNumber(high)
			hv = v * factor
		}
		q.ValueHigh = &hv
	}
	if isDistractor(r, q, numStart, end, u, chinese) {
		return q, false
	}
	return q, true
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

func matchPrefix(r []rune, i int) (prefix, int) {
	var best prefix
	n := 0
	if !prefixFirst[r[i]] {
		return best, 0
	}
	for k, p := range prefixes {
		if l := prefixLen[k]; l > n && hasAt(r, i, p.written) {
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
	return isASCIIDigit(r) || isChineseNumeralRune(r) || prefixFirst[r]
}

// unitsByLength lists the unit table longest written form first.
var unitsByLength = func() []unitDef {
	u := append([]unitDef(nil), units...)
	sort.SliceStable(u, func(a, b int) bool { return len([]rune(u[a].written)) > len([]rune(u[b].written)) })
	return u
}()

func matchUnit(r []rune, i int) (unitDef, int) {
	for _, u := range unitsByLength {
		if !hasAt(r, i, u.written) {
			continue
		}
		n := len([]rune(u.written))
		if i+n < len(r) && strings.ContainsRune(unitBlockers[u.written], r[i+n]) {
			continue
		}
		// A Latin unit must not run into more Latin letters: "5 mg" is not 5 m.
		if u.written[0] < 0x80 && unicode.IsLetter(rune(u.written[0])) && i+n < len(r) && r[i+n] < 0x80 && unicode.IsLetter(r[i+n]) {
			continue
		}
		return u, n
	}
	return unitDef{}, 0
}

// readNumber reads an Arabic or Chinese number at i.
func readNumber(r []rune, i int) (string, int, bool) {
	if i >= len(r) {
		return "", i, false
	}
	if isASCIIDigit(r[i]) {
		j := i
		for j < len(r) && isASCIIDigit(r[j]) {
			j++
		}
		// thousands groups: exactly three digits after each comma
		for j+3 < len(r) && r[j] == ',' && isASCIIDigit(r[j+1]) && isASCIIDigit(r[j+2]) && isASCIIDigit(r[j+3]) && (j+4 >= len(r) || !isASCIIDigit(r[j+4])) {
			j += 4
		}
		if j+1 < len(r) && r[j] == '.' && isASCIIDigit(r[j+1]) {
			j++
			for j < len(r) && isASCIIDigit(r[j]) {
				j++
			}
		}
		return string(r[i:j]), j, true
	}
	if isChineseNumeralRune(r[i]) {
		if _, big := chineseBigUnits[r[i]]; big {
			return "", i, false
		}
		j := i
		for j < len(r) && isChineseNumeralRune(r[j]) {
			j++
		}
		// A trailing 万/亿 may be the unit (三万元): leave it for the unit
		// matcher when the numeral stands without it.
		for j > i+1 {
			if _, big := chineseBigUnits[r[j-1]]; !big {
				break
			}
			if _, ok := ParseChinese(string(r[i : j-1])); !ok {
				break
			}
			j--
		}
		s := string(r[i:j])
		if _, ok := ParseChinese(s); !ok {
			return "", i, false
		}
		return s, j, true
	}
	return "", i, false
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

// isDistractor applies the rules that tell a dated, coded or ordinal number
// from a quantity.
func isDistractor(r []rune, q Quantity, numStart, numEnd int, u unitDef, chinese bool) bool {
	before := func(k int) rune {
		if numStart-k < 0 {
			return 0
		}
		return r[numStart-k]
	}
	// Ordinals: 第3项, 第二名. Formulas: (B/A×100%).
	if strings.ContainsRune("第×*÷/", before(1)) {
		return true
	}
	// Years: 2021年 is a date, not a duration; 20多年 or 3年 is a duration.
	if u.written == "年" && !chinese && q.Value >= 1900 && q.Value <= 2100 && !strings.Contains(q.Number, ".") {
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
	if chinese {
		// One-character numerals inside words: 统一, 唯一, 一体化; in quotes: “四个意识”.
		b := before(1)
		if numEnd-numStart == 1 && r[numStart] == '一' && b != 0 && (unicode.Is(unicode.Han, b) && !strings.ContainsRune(chineseAllowedBefore, b)) {
			return true
		}
		if strings.ContainsRune("“\"「『‘", b) {
			return true
		}
		// 一是, 二是 never reach here; 十四五 has no unit.
	}
	// Placeholder amounts: x万元 never parse; "xx%" neither.
	return false
}

// Number is a bare number in a text, with no unit of its own.
type Number struct {
	Start, End int
	Text       string
	Value      float64
}

// Numbers returns the Arabic numbers in s that carry no unit, skipping those
// glued to codes. The facts stage types them from their context (a column
// headed 万元).
func Numbers(s string) []Number {
	r := []rune(s)
	var out []Number
	for i := 0; i < len(r); {
		if !isASCIIDigit(r[i]) || (i > 0 && (isASCIIDigit(r[i-1]) || r[i-1] == '.' || r[i-1] == ',')) {
			i++
			continue
		}
		num, end, ok := readNumber(r, i)
		if !ok || !numberBoundaryOK(r, i, end) {
			i = max(end, i+1)
			continue
		}
		if _, n := matchUnit(r, end); n > 0 {
			i = end
			continue
		}
		v, _ := parseArabic(num)
		out = append(out, Number{Start: i, End: end, Text: num, Value: v})
		i = end
	}
	return out
}
