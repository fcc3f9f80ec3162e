package pdf

import (
	"io"
	"strconv"
	"unicode"

	lpdf "github.com/ledongthuc/pdf"
)

// cmapTable is a parsed CMap: the codespace for cutting strings into codes
// and, for a ToUnicode map, code → text.
//
// zipin parses CMaps itself instead of calling ledongthuc's Encoder():
// that decoder is only reachable for fonts whose /Encoding it knows, hides
// the codespace (needed to split strings of one- and two-byte codes), and
// scans every bfrange linearly for every code.
type cmapTable struct {
	spaces []codeRange
	single map[string]string
	ranges []bfRange
	// An encoding CMap's code → CID mappings (cidchar, cidrange).
	cidSingle map[string]int
	cidRanges []cidRange
}

type cidRange struct {
	lo, hi string
	cid    int
}

// cid maps a code through an encoding CMap's cidchar/cidrange entries.
func (m *cmapTable) cid(code string) (int, bool) {
	if c, ok := m.cidSingle[code]; ok {
		return c, true
	}
	for _, r := range m.cidRanges {
		if len(r.lo) == len(code) && r.lo <= code && code <= r.hi {
			return r.cid + codeInt(code) - codeInt(r.lo), true
		}
	}
	return 0, false
}

type codeRange struct{ lo, hi string }

type bfRange struct {
	lo, hi string
	base   string   // UTF-16BE of lo's text, incremented along the range
	list   []string // or one UTF-16BE string per code
}

const maxCMapBytes = 4 << 20

func parseCMap(v lpdf.Value) (m *cmapTable) {
	defer func() {
		if recover() != nil {
			m = nil
		}
	}()
	rc := v.Reader()
	data, err := io.ReadAll(io.LimitReader(rc, maxCMapBytes))
	rc.Close()
	if err != nil && len(data) == 0 {
		return nil
	}
	return parseCMapBytes(data)
}

func parseCMapBytes(data []byte) *cmapTable {
	m := &cmapTable{single: map[string]string{}}
	lx := &psLexer{b: data}
	var stack []psTok
	for {
		t, ok := lx.next()
		if !ok {
			break
		}
		if t.kind != tokKeyword {
			stack = append(stack, t)
			continue
		}
		switch t.s {
		case "endcodespacerange":
			for i := 0; i+1 < len(stack); i += 2 {
				if stack[i].kind == tokHex && stack[i+1].kind == tokHex {
					m.spaces = append(m.spaces, codeRange{stack[i].s, stack[i+1].s})
				}
			}
		case "endbfchar":
			for i := 0; i+1 < len(stack); i += 2 {
				if stack[i].kind == tokHex && (stack[i+1].kind == tokHex || stack[i+1].kind == tokName) {
					dst := stack[i+1].s
					if stack[i+1].kind == tokName {
						dst = utf16Of(glyphNameText(dst))
					}
					m.single[stack[i].s] = dst
				}
			}
		case "endbfrange":
			for i := 0; i+2 < len(stack); {
				lo, hi := stack[i], stack[i+1]
				if lo.kind != tokHex || hi.kind != tokHex {
					i++
					continue
				}
				r := bfRange{lo: lo.s, hi: hi.s}
				if stack[i+2].kind == tokArrayStart {
					j := i + 3
					for ; j < len(stack) && stack[j].kind != tokArrayEnd; j++ {
						r.list = append(r.list, stack[j].s)
					}
					i = j + 1
				} else {
					r.base = stack[i+2].s
					i += 3
				}
				if len(lo.s) == len(hi.s) && lo.s <= hi.s {
					m.ranges = append(m.ranges, r)
				}
			}
		case "endcidchar":
			for i := 0; i+1 < len(stack); i += 2 {
				if stack[i].kind == tokHex && stack[i+1].kind == tokNum {
					if c, err := strconv.Atoi(stack[i+1].s); err == nil && c >= 0 && len(m.cidSingle) < 1<<17 {
						if m.cidSingle == nil {
							m.cidSingle = map[string]int{}
						}
						m.cidSingle[stack[i].s] = c
					}
				}
			}
		case "endcidrange":
			for i := 0; i+2 < len(stack); i += 3 {
				lo, hi, c := stack[i], stack[i+1], stack[i+2]
				if lo.kind != tokHex || hi.kind != tokHex || c.kind != tokNum || len(lo.s) != len(hi.s) || lo.s > hi.s {
					continue
				}
				if cid, err := strconv.Atoi(c.s); err == nil && cid >= 0 && len(m.cidRanges) < 1<<16 {
					m.cidRanges = append(m.cidRanges, cidRange{lo.s, hi.s, cid})
				}
			}
		case "begincodespacerange", "beginbfchar", "beginbfrange", "begincidrange", "begincidchar", "def", "begin", "end", "findresource", "usecmap":
		default:
			continue
		}
		stack = stack[:0]
	}
	return m
}

func utf16Of(s string) string {
	var b []byte
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			hi, lo := 0xD800+(r>>10), 0xDC00+(r&0x3FF)
			b = append(b, byte(hi>>8), byte(hi), byte(lo>>8), byte(lo))
			continue
		}
		b = append(b, byte(r>>8), byte(r))
	}
	return string(b)
}

func glyphNameText(n string) string {
	if len(n) == 7 && n[:3] == "uni" {
		if x, err := strconv.ParseUint(n[3:], 16, 32); err == nil {
			return string(rune(x))
		}
	}
	return ""
}

// split returns the byte length of the code at the start of s, using the
// codespace ranges (shortest match first, as the PDF spec requires).
func (m *cmapTable) split(s string) int {
	for n := 1; n <= 4 && n <= len(s); n++ {
		for _, sp := range m.spaces {
			if len(sp.lo) == n && sp.lo <= s[:n] && s[:n] <= sp.hi {
				return n
			}
		}
	}
	return 1
}

func (m *cmapTable) lookup(code string) string {
	if t, ok := m.single[code]; ok {
		return utf16Decode(t)
	}
	for _, r := range m.ranges {
		if len(r.lo) != len(code) || code < r.lo || code > r.hi {
			continue
		}
		off := codeInt(code) - codeInt(r.lo)
		if r.list != nil {
			if off < len(r.list) {
				return utf16Decode(r.list[off])
			}
			return ""
		}
		b := []byte(r.base)
		if len(b) == 0 {
			return ""
		}
		// Add off to the last UTF-16 unit.
		n := len(b)
		if n < 2 {
			return ""
		}
		v := (int(b[n-2])<<8 | int(b[n-1])) + off
		b[n-2], b[n-1] = byte(v>>8), byte(v)
		return utf16Decode(string(b))
	}
	return ""
}

// sane says whether a ToUnicode map is worth trusting: it maps something,
// and most of what it maps is ordinary text, not private-use code points or
// controls (some producers write ToUnicode maps of glyph ids).
func (m *cmapTable) sane() bool {
	total, good := 0, 0
	check := func(s string) {
		for _, r := range utf16Decode(s) {
			total++
			if plausible(r) {
				good++
			}
		}
	}
	for _, t := range m.single {
		check(t)
		if total > 2000 {
			break
		}
	}
	for _, r := range m.ranges {
		if r.list != nil {
			for _, t := range r.list {
				check(t)
			}
		} else {
			check(r.base)
		}
	}
	return total > 0 && float64(good) >= 0.8*float64(total)
}

// plausible is the quality measure's notion of a well-decoded character in
// a Chinese report: CJK, ASCII, CJK and general punctuation, common symbols.
// Latin-1 letters count as bad: they are what GBK bytes look like when
// decoded as WinAnsi (poppler's 仿宋_GB2312 mojibake).
func plausible(r rune) bool {
	switch {
	case r == utf8Bad, r == 0:
		return false
	case r < 0x20:
		return r == '\t' || r == '\n' || r == '\r'
	case r < 0x7F:
		return true
	case r >= 0xA0 && r <= 0xBF, r == 0xD7, r == 0xF7:
		return true // Latin-1 punctuation and symbols: ° ± × ÷ ·
	case r >= 0x2000 && r <= 0x27BF: // punctuation, arrows, math, shapes, circled digits
		return true
	case r >= 0x2E80 && r <= 0x9FFF, r >= 0xF900 && r <= 0xFAFF, r >= 0x20000 && r <= 0x3FFFF:
		return unicode.Is(unicode.Han, r) || r >= 0x3000 && r <= 0x33FF
	case r >= 0xFE30 && r <= 0xFE4F, r >= 0xFF00 && r <= 0xFFEF:
		return true
	case r >= 0x391 && r <= 0x3C9:
		return true // Greek, used in formulas
	}
	return false
}

// A minimal PostScript tokenizer, enough for CMaps.
type psTokKind int

const (
	tokNum psTokKind = iota
	tokHex
	tokStr
	tokName
	tokKeyword
	tokArrayStart
	tokArrayEnd
)

type psTok struct {
	kind psTokKind
	s    string
}

type psLexer struct {
	b []byte
	i int
}

func (l *psLexer) next() (psTok, bool) {
	b := l.b
	for l.i < len(b) {
		c := b[l.i]
		switch {
		case c == '%':
			for l.i < len(b) && b[l.i] != '\n' && b[l.i] != '\r' {
				l.i++
			}
		case c <= ' ':
			l.i++
		case c == '[':
			l.i++
			return psTok{tokArrayStart, "["}, true
		case c == ']':
			l.i++
			return psTok{tokArrayEnd, "]"}, true
		case c == '<' && l.i+1 < len(b) && b[l.i+1] == '<', c == '>' && l.i+1 < len(b) && b[l.i+1] == '>':
			l.i += 2
			return psTok{tokKeyword, string(b[l.i-2 : l.i])}, true
		case c == '<':
			out, next := hexString(b, l.i+1)
			l.i = next
			return psTok{tokHex, string(out)}, true
		case c == '(':
			l.i++
			depth := 1
			var out []byte
			for l.i < len(b) && depth > 0 {
				ch := b[l.i]
				switch ch {
				case '\\':
					l.i++
					if l.i < len(b) {
						out = append(out, b[l.i])
					}
				case '(':
					depth++
					out = append(out, ch)
				case ')':
					depth--
					if depth > 0 {
						out = append(out, ch)
					}
				default:
					out = append(out, ch)
				}
				l.i++
			}
			return psTok{tokStr, string(out)}, true
		case c == '/':
			j := l.i + 1
			for j < len(b) && !isDelimOrSpace(b[j]) {
				j++
			}
			t := psTok{tokName, string(b[l.i+1 : j])}
			l.i = j
			return t, true
		case c == '{' || c == '}' || c == ')' || c == '>':
			l.i++
		default:
			j := l.i
			for j < len(b) && !isDelimOrSpace(b[j]) {
				j++
			}
			s := string(b[l.i:j])
			l.i = j
			if _, err := strconv.ParseFloat(s, 64); err == nil {
				return psTok{tokNum, s}, true
			}
			return psTok{tokKeyword, s}, true
		}
	}
	return psTok{}, false
}

func isDelimOrSpace(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return c <= ' '
}

// hexString decodes a hex string whose digits start at b[i] (just after its
// '<'): whitespace and junk between digits are skipped, and an odd final
// digit is padded with 0, as the PDF spec says. It returns the bytes and the
// index just past the closing '>'. Content streams and CMaps share it.
func hexString(b []byte, i int) ([]byte, int) {
	var out []byte
	hi, half := byte(0), false
	for i < len(b) && b[i] != '>' {
		if v, ok := hexVal(b[i]); ok {
			if half {
				out = append(out, hi<<4|v)
			} else {
				hi = v
			}
			half = !half
		}
		i++
	}
	if half {
		out = append(out, hi<<4)
	}
	return out, i + 1
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
