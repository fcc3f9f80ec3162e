package isolate

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// OneLine makes s fit a quarantine reason: one line (line breaks become
// " | "), no control characters or invalid UTF-8 (raw file bytes that a
// reader's message quoted become "?"), at most max runes (then "…").
func OneLine(s string, max int) string {
	var b strings.Builder
	n, space := 0, false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\n' || r == '\r':
			if b.Len() > 0 && !space {
				b.WriteString(" | ")
				n += 3
				space = true
			}
			continue
		case r == '\t' || r == ' ':
			if space {
				continue
			}
			r, space = ' ', true
		case r == utf8.RuneError && size == 1, !unicode.IsPrint(r) && !unicode.IsSpace(r):
			r, space = '?', false
		default:
			space = false
		}
		if n >= max {
			return strings.TrimSpace(b.String()) + "…"
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimSuffix(strings.TrimSpace(b.String()), " |")
}
