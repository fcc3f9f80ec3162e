package pdf

import (
	"bytes"
	"strconv"
)

// zipin tokenizes content streams itself (the bytes come from the library's
// Value.Reader) instead of running them through pdf.Interpret: Interpret's
// lexer reads the binary data of an inline image (BI … ID … EI) as PDF
// tokens, so an image's stray "(" swallows the rest of the page silently,
// and it allocates a Value per operand.

type operandKind uint8

const (
	opNumber operandKind = iota
	opString
	opName
	opArray
	opOther // dicts, booleans, null: carried but not interpreted
)

type operand struct {
	kind operandKind
	num  float64
	s    string
	arr  []operand
}

type contentLexer struct {
	b     []byte
	i     int
	depth int // array nesting: bounded, a run of "[" must not overflow the stack
}

// next returns the next operand or operator; op is set for an operator.
func (l *contentLexer) next() (v operand, op string, ok bool) {
	b := l.b
	for l.i < len(b) {
		c := b[l.i]
		switch {
		case c == '%':
			for l.i < len(b) && b[l.i] != '\n' && b[l.i] != '\r' {
				l.i++
			}
		case isWhite(c):
			l.i++
		case c == '(':
			return operand{kind: opString, s: l.literal()}, "", true
		case c == '<' && l.i+1 < len(b) && b[l.i+1] == '<':
			l.skipDict()
			return operand{kind: opOther}, "", true
		case c == '<':
			return operand{kind: opString, s: l.hex()}, "", true
		case c == '[' && l.depth >= 32:
			l.i++
		case c == '[':
			l.i++
			l.depth++
			var arr []operand
			for {
				v, op, ok := l.next()
				if !ok || op == "]" {
					break
				}
				if op == "" && len(arr) < 1<<16 {
					arr = append(arr, v)
				}
			}
			l.depth--
			return operand{kind: opArray, arr: arr}, "", true
		case c == ']':
			l.i++
			return operand{}, "]", true
		case c == '/':
			j := l.i + 1
			for j < len(b) && !isDelimOrSpace(b[j]) {
				j++
			}
			v := operand{kind: opName, s: unescapeName(b[l.i+1 : j])}
			l.i = j
			return v, "", true
		case c == ')' || c == '>' || c == '{' || c == '}':
			l.i++ // stray delimiter
		default:
			j := l.i
			for j < len(b) && !isDelimOrSpace(b[j]) {
				j++
			}
			if j == l.i {
				l.i++
				continue
			}
			w := b[l.i:j]
			l.i = j
			if c == '+' || c == '-' || c == '.' || c >= '0' && c <= '9' {
				if f, err := strconv.ParseFloat(string(w), 64); err == nil {
					return operand{kind: opNumber, num: f}, "", true
				}
				if f, ok := lenientNumber(w); ok {
					return operand{kind: opNumber, num: f}, "", true
				}
			}
			switch string(w) {
			case "true", "false", "null":
				return operand{kind: opOther}, "", true
			case "BI":
				l.skipInlineImage()
				return operand{}, "BI", true
			}
			return operand{}, string(w), true
		}
	}
	return operand{}, "", false
}

func isWhite(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

// lenientNumber accepts what producers write and strict parsing refuses,
// such as "--5" or "1.2.3"; it reads the longest valid prefix.
func lenientNumber(w []byte) (float64, bool) {
	for n := len(w) - 1; n > 0; n-- {
		if f, err := strconv.ParseFloat(string(w[:n]), 64); err == nil {
			return f, true
		}
	}
	return 0, false
}

func unescapeName(b []byte) string {
	if bytes.IndexByte(b, '#') < 0 {
		return string(b)
	}
	var out []byte
	for i := 0; i < len(b); i++ {
		if b[i] == '#' && i+2 < len(b) {
			h, ok1 := hexVal(b[i+1])
			lo, ok2 := hexVal(b[i+2])
			if ok1 && ok2 {
				out = append(out, h<<4|lo)
				i += 2
				continue
			}
		}
		out = append(out, b[i])
	}
	return string(out)
}

func (l *contentLexer) literal() string {
	b := l.b
	l.i++ // (
	depth := 1
	var out []byte
	for l.i < len(b) {
		c := b[l.i]
		l.i++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return string(out)
			}
		case '\\':
			if l.i >= len(b) {
				return string(out)
			}
			e := b[l.i]
			l.i++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.i < len(b) && b[l.i] == '\n' {
					l.i++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && l.i < len(b) && b[l.i] >= '0' && b[l.i] <= '7'; k++ {
						v = v*8 + int(b[l.i]-'0')
						l.i++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		out = append(out, c)
	}
	return string(out)
}

func (l *contentLexer) hex() string {
	out, next := hexString(l.b, l.i+1)
	l.i = next
	return string(out)
}

// skipDict passes over a << … >> dictionary (marked-content properties),
// nested ones and strings inside included.
func (l *contentLexer) skipDict() {
	depth := 0
	for l.i < len(l.b) {
		switch {
		case bytes.HasPrefix(l.b[l.i:], []byte("<<")):
			depth++
			l.i += 2
		case bytes.HasPrefix(l.b[l.i:], []byte(">>")):
			depth--
			l.i += 2
			if depth == 0 {
				return
			}
		case l.b[l.i] == '(':
			l.literal()
		default:
			l.i++
		}
	}
}

// skipInlineImage passes over an inline image's parameters and binary data:
// from BI to the ID keyword, then to an EI that stands alone between white
// space (the data itself can contain "EI").
func (l *contentLexer) skipInlineImage() {
	b := l.b
	for {
		_, op, ok := l.next()
		if !ok {
			return
		}
		if op == "ID" {
			break
		}
	}
	if l.i < len(b) && isWhite(b[l.i]) {
		l.i++
	}
	for j := l.i; j+1 < len(b); j++ {
		if b[j] == 'E' && b[j+1] == 'I' && (j == 0 || isWhite(b[j-1])) && (j+2 == len(b) || isWhite(b[j+2]) || isDelimOrSpace(b[j+2])) {
			l.i = j + 2
			return
		}
	}
	l.i = len(b)
}
