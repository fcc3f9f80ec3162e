package normalize

import (
	"strings"
	"sync"
	"unicode"

	"github.com/longbridgeapp/opencc"
)

// foldWidth turns full-width digits and Latin letters into ASCII and the
// ideographic space into a space. CJK punctuation（，：）is kept as written:
// later stages match both forms. A full-width full stop between digits is a
// decimal point (１２．５), so it folds too.
func foldWidth(t text) text {
	out := text{r: make([]rune, 0, len(t.r)), src: make([]int, 0, len(t.r))}
	for i, r := range t.r {
		switch {
		case r >= '０' && r <= '９', r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ':
			r = r - '０' + '0'
		case r == '．' && i > 0 && i+1 < len(t.r) && isDigitAny(t.r[i-1]) && isDigitAny(t.r[i+1]):
			r = '.'
		case r == '\u3000', r == '\u00a0', r == '\u2002', r == '\u2003', r == '\u2009':
			r = ' '
		case r == '\u200b', r == '\ufeff': // zero-width junk from web pages
			continue
		}
		out.push(r, t.src[i])
	}
	return out
}

func isDigitAny(r rune) bool { return r >= '0' && r <= '9' || r >= '０' && r <= '９' }

// glossOpen/close are the brackets a pinyin gloss sits in: 萬(wàn)元.
var glossBrackets = map[rune]rune{'(': ')', '（': '）'}

// stripGlosses removes pinyin glosses written after a CJK character:
// "萬(wàn)元" → "萬元". A gloss is one syllable of lowercase Latin letters with
// at least one tone mark (or a tone digit), so "(一)" or "(2021)" are untouched.
func stripGlosses(t text) text {
	out := text{r: make([]rune, 0, len(t.r)), src: make([]int, 0, len(t.r))}
	for i := 0; i < len(t.r); i++ {
		r := t.r[i]
		if closeR, ok := glossBrackets[r]; ok && i > 0 && isHan(t.r[i-1]) {
			if j := glossEnd(t.r, i+1, closeR); j > 0 {
				i = j
				continue
			}
		}
		out.push(r, t.src[i])
	}
	return out
}

// glossEnd returns the index of the closing bracket if r[from:] holds a
// pinyin syllable followed by it, else -1.
func glossEnd(r []rune, from int, closeR rune) int {
	toned := false
	n := 0
	for j := from; j < len(r) && j < from+8; j++ {
		c := r[j]
		switch {
		case c == closeR || c == ')' || c == '）':
			if n > 0 && n <= 7 && toned {
				return j
			}
			return -1
		case c >= 'a' && c <= 'z':
		case c >= '1' && c <= '5' && n > 0:
			toned = true
		case strings.ContainsRune("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ", c):
			toned = true
		default:
			return -1
		}
		n++
	}
	return -1
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

var (
	t2sOnce sync.Once
	t2s     *opencc.OpenCC
	t2sErr  error
)

// toSimplified converts traditional script to simplified with OpenCC's
// maintained t2s dictionaries (phrases first, then characters). Offsets stay
// exact: a line whose conversion keeps its length maps rune for rune; one
// whose phrase conversion changes length is converted character by character.
func toSimplified(t text) (text, error) {
	t2sOnce.Do(func() { t2s, t2sErr = opencc.New("t2s") })
	if t2sErr != nil {
		return t, t2sErr
	}
	if !hasTraditional(t.r) {
		return t, nil
	}
	out := text{r: make([]rune, 0, len(t.r)), src: make([]int, 0, len(t.r))}
	start := 0
	for i := 0; i <= len(t.r); i++ {
		if i < len(t.r) && t.r[i] != '\n' {
			continue
		}
		line := t.r[start:i]
		if !hasTraditional(line) {
			for k, r := range line {
				out.push(r, t.src[start+k])
			}
			if i < len(t.r) {
				out.push('\n', t.src[i])
			}
			start = i + 1
			continue
		}
		conv, err := t2s.Convert(string(line))
		cr := []rune(conv)
		if err != nil || len(cr) != len(line) {
			cr = make([]rune, len(line))
			for k, r := range line {
				cr[k] = r
				if c, err := t2s.Convert(string(r)); err == nil && len([]rune(c)) == 1 {
					cr[k] = []rune(c)[0]
				}
			}
		}
		for k, r := range cr {
			out.push(r, t.src[start+k])
		}
		if i < len(t.r) {
			out.push('\n', t.src[i])
		}
		start = i + 1
	}
	return out, nil
}

// traditionalRunes caches, per character, whether t2s changes it on its own.
// Most report text is already simplified: a line none of whose characters
// change is left alone, which saves the dictionary walk on nearly every line.
var traditionalRunes sync.Map // rune → bool

func hasTraditional(rs []rune) bool {
	for _, c := range rs {
		if c < 0x3400 {
			continue
		}
		v, ok := traditionalRunes.Load(c)
		if !ok {
			conv, err := t2s.Convert(string(c))
			v = err == nil && conv != string(c)
			traditionalRunes.Store(c, v)
		}
		if v.(bool) {
			return true
		}
	}
	return false
}
