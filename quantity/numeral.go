package quantity

import (
	"strconv"
	"strings"
)

// chineseDigits maps every way of writing a digit, everyday and formal (大写).
var chineseDigits = map[rune]int{
	'零': 0, '〇': 0, '○': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5,
	'六': 6, '七': 7, '八': 8, '九': 9,
	'壹': 1, '贰': 2, '貳': 2, '叁': 3, '參': 3, '肆': 4, '伍': 5, '陆': 6, '陸': 6,
	'柒': 7, '捌': 8, '玖': 9,
}

// chineseSmallUnits multiply within a 万 section.
var chineseSmallUnits = map[rune]int{'十': 10, '拾': 10, '百': 100, '佰': 100, '千': 1000, '仟': 1000}

// chineseBigUnits close a section.
var chineseBigUnits = map[rune]float64{'万': 1e4, '萬': 1e4, '亿': 1e8, '億': 1e8}

func isChineseNumeralRune(r rune) bool {
	_, d := chineseDigits[r]
	_, s := chineseSmallUnits[r]
	_, b := chineseBigUnits[r]
	return d || s || b
}

// ParseChinese reads a Chinese numeral: 一百二十三, 十五, 两千零五, 壹万贰仟,
// 三万五千, and digit strings such as 二〇二一. It reports false for text that
// is not a well-formed numeral.
func ParseChinese(s string) (float64, bool) {
	r := []rune(s)
	if len(r) == 0 {
		return 0, false
	}
	// A run of bare digits (二〇二一) is positional.
	positional := true
	for _, c := range r {
		if _, ok := chineseDigits[c]; !ok {
			positional = false
			break
		}
	}
	if positional {
		if len(r) == 1 {
			return float64(chineseDigits[r[0]]), true
		}
		v := 0.0
		for _, c := range r {
			v = v*10 + float64(chineseDigits[c])
		}
		return v, true
	}
	var total, section float64
	digit := -1
	for i, c := range r {
		if d, ok := chineseDigits[c]; ok {
			if digit >= 0 && d != 0 && chineseDigits[r[i-1]] != 0 {
				return 0, false // two digits in a row in a non-positional numeral
			}
			digit = d
			continue
		}
		if u, ok := chineseSmallUnits[c]; ok {
			if digit < 0 {
				if u != 10 { // only 十 may stand alone: 十五 = 15
					return 0, false
				}
				digit = 1
			}
			section += float64(digit * u)
			digit = -1
			continue
		}
		if u, ok := chineseBigUnits[c]; ok {
			if digit > 0 {
				section += float64(digit)
			}
			if section == 0 && total == 0 {
				return 0, false
			}
			if u > 1e4 {
				total = (total + section) * u
			} else {
				total += section * u
			}
			section, digit = 0, -1
			continue
		}
		return 0, false
	}
	if digit > 0 {
		section += float64(digit)
	}
	return total + section, true
}

// ParseNumber reads a number as written in a report: Arabic with thousands
// separators (11,605.29), full-width digits, Chinese numerals (一百二十三,
// 壹佰), and mixed forms with a multiplier (1.2万, 3千, 2.5亿).
func ParseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(foldDigits(s))
	if s == "" {
		return 0, false
	}
	r := []rune(s)
	mult := 1.0
	switch r[len(r)-1] {
	case '万', '萬':
		mult = 1e4
	case '亿', '億':
		mult = 1e8
	case '千', '仟':
		mult = 1e3
	case '百', '佰':
		mult = 100
	}
	if mult != 1 && len(r) > 1 && isASCIIDigit(r[len(r)-2]) {
		v, ok := parseArabic(string(r[:len(r)-1]))
		return v * mult, ok
	}
	if isASCIIDigit(r[0]) {
		return parseArabic(s)
	}
	return ParseChinese(s)
}

func parseArabic(s string) (float64, bool) {
	s = strings.ReplaceAll(s, ",", "")
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
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

// scaleDecimal multiplies a decimal string by factor (a power of ten ≥ 1) by
// moving the point, so 13565.97万 becomes exactly 135659700 instead of
// 135659699.99999999.
func scaleDecimal(num string, factor float64) float64 {
	num = strings.ReplaceAll(num, ",", "")
	shift := 0
	for f := factor; f >= 10; f /= 10 {
		shift++
	}
	if float64Pow10(shift) != factor {
		v, _ := strconv.ParseFloat(num, 64)
		return v * factor
	}
	intPart, frac, _ := strings.Cut(num, ".")
	for ; shift > 0; shift-- {
		if frac != "" {
			intPart += frac[:1]
			frac = frac[1:]
		} else {
			intPart += "0"
		}
	}
	if frac != "" {
		intPart += "." + frac
	}
	v, _ := strconv.ParseFloat(intPart, 64)
	return v
}

func float64Pow10(n int) float64 {
	v := 1.0
	for ; n > 0; n-- {
		v *= 10
	}
	return v
}

// Scale returns the decimal number num (as written, with thousands
// separators allowed) times a power of ten, without binary rounding error.
func Scale(num string, factor float64) float64 { return scaleDecimal(num, factor) }
