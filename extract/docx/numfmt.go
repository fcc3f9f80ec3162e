package docx

import (
	"strconv"
	"strings"
)

// numberFormats renders a list counter for each OOXML numFmt value that
// Chinese reports use. Unknown formats fall back to decimal.
var numberFormats = map[string]func(int) string{
	"decimal":                      strconv.Itoa,
	"decimalZero":                  func(n int) string { return pad2(n) },
	"decimalFullWidth":             func(n int) string { return fullWidth(strconv.Itoa(n)) },
	"decimalFullWidth2":            func(n int) string { return fullWidth(strconv.Itoa(n)) },
	"decimalHalfWidth":             strconv.Itoa,
	"decimalEnclosedCircle":        func(n int) string { return enclosed(n, '①', 20) },
	"decimalEnclosedCircleChinese": func(n int) string { return enclosed(n, '①', 20) },
	"decimalEnclosedParen":         func(n int) string { return enclosed(n, '⑴', 20) },
	"decimalEnclosedFullstop":      func(n int) string { return enclosed(n, '⒈', 20) },
	"chineseCounting":              func(n int) string { return chinese(n, chineseDigits, false) },
	"chineseCountingThousand":      func(n int) string { return chinese(n, chineseDigits, false) },
	"taiwaneseCounting":            func(n int) string { return chinese(n, chineseDigits, false) },
	"taiwaneseCountingThousand":    func(n int) string { return chinese(n, chineseDigits, false) },
	"japaneseCounting":             func(n int) string { return chinese(n, chineseDigits, false) },
	"ideographDigital":             func(n int) string { return digitsEach(n, "〇一二三四五六七八九") },
	"chineseLegalSimplified":       func(n int) string { return chinese(n, legalDigits, true) },
	"ideographLegalTraditional":    func(n int) string { return chinese(n, legalDigits, true) },
	"ideographTraditional":         func(n int) string { return cycle(n, "甲乙丙丁戊己庚辛壬癸") },
	"ideographZodiac":              func(n int) string { return cycle(n, "子丑寅卯辰巳午未申酉戌亥") },
	"upperLetter":                  func(n int) string { return letters(n, 'A') },
	"lowerLetter":                  func(n int) string { return letters(n, 'a') },
	"upperRoman":                   func(n int) string { return roman(n) },
	"lowerRoman":                   func(n int) string { return strings.ToLower(roman(n)) },
	"bullet":                       func(int) string { return "" },
	"none":                         func(int) string { return "" },
}

func formatNumber(format string, n int) string {
	if f, ok := numberFormats[format]; ok {
		return f(n)
	}
	return strconv.Itoa(n)
}

var (
	chineseDigits = []rune("零一二三四五六七八九")
	legalDigits   = []rune("零壹贰叁肆伍陆柒捌玖")
)

// chinese writes n (below 10000) in Chinese counting: 十一, 二十, 一百零五.
// In counting style a leading 一十 is written 十; legal style keeps 壹拾.
func chinese(n int, digits []rune, legal bool) string {
	if n <= 0 || n >= 10000 {
		return strconv.Itoa(n)
	}
	units := []rune("千百十")
	if legal {
		units = []rune("仟佰拾")
	}
	var b []rune
	zero := false
	for i, p := range []int{1000, 100, 10} {
		d := n / p % 10
		switch {
		case d == 0 && len(b) > 0:
			zero = true
		case d != 0:
			if zero {
				b = append(b, digits[0])
				zero = false
			}
			if !(d == 1 && p == 10 && len(b) == 0 && !legal) {
				b = append(b, digits[d])
			}
			b = append(b, units[i])
		}
	}
	if d := n % 10; d != 0 {
		if zero {
			b = append(b, digits[0])
		}
		b = append(b, digits[d])
	}
	return string(b)
}

func digitsEach(n int, set string) string {
	ds := []rune(set)
	var b []rune
	for _, c := range strconv.Itoa(n) {
		b = append(b, ds[c-'0'])
	}
	return string(b)
}

func cycle(n int, set string) string {
	r := []rune(set)
	if n <= 0 {
		return strconv.Itoa(n)
	}
	return string(r[(n-1)%len(r)])
}

func enclosed(n int, first rune, count int) string {
	if n >= 1 && n <= count {
		return string(first + rune(n-1))
	}
	return strconv.Itoa(n)
}

func letters(n int, a rune) string {
	if n <= 0 {
		return strconv.Itoa(n)
	}
	// Word repeats the letter past Z: AA, BB, ….
	return strings.Repeat(string(a+rune((n-1)%26)), (n-1)/26+1)
}

func roman(n int) string {
	if n <= 0 || n >= 4000 {
		return strconv.Itoa(n)
	}
	vals := []int{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	syms := []string{"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"}
	var b strings.Builder
	for i, v := range vals {
		for n >= v {
			b.WriteString(syms[i])
			n -= v
		}
	}
	return b.String()
}

func pad2(n int) string {
	if n >= 0 && n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func fullWidth(s string) string {
	r := []rune(s)
	for i, c := range r {
		if c >= '0' && c <= '9' {
			r[i] = c - '0' + '０'
		}
	}
	return string(r)
}
