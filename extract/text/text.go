// Package text reads plain-text reports. Most .txt exports from Chinese
// portals are GBK; others are UTF-8 (with or without a BOM) or UTF-16 with a
// BOM. Decoding uses golang.org/x/text. A few undecodable bytes (at most 1%
// of the characters) become U+FFFD, counted in the page's Quality and named
// in a warning; text that is mostly invalid in all of these encodings is
// refused rather than guessed at.
package text

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"zipin/extract/doc"
)

// Read decodes data and splits it into pages (at form feeds), paragraphs (at
// blank lines) and lines. A few undecodable bytes (a stray 0x80 in a UTF-8
// report) become U+FFFD: each page's Quality is the share of its characters
// that decoded, and the document carries a warning.
func Read(_ context.Context, _ string, data []byte) (*doc.Document, error) {
	s, enc, replaced, err := decode(data)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(s) == "" {
		return nil, doc.Fail(doc.ErrEmpty, doc.FormatTXT, 0, "no text: the file holds only whitespace")
	}
	d := &doc.Document{Format: doc.FormatTXT}
	if replaced > 0 {
		d.Warnings = append(d.Warnings, fmt.Sprintf("%d undecodable byte sequence(s) in %s text replaced by U+FFFD", replaced, enc))
	}
	for i, pageText := range strings.Split(s, "\f") {
		q := 1.0
		if replaced > 0 {
			if n := utf8.RuneCountInString(pageText); n > 0 {
				q = 1 - float64(strings.Count(pageText, "\uFFFD"))/float64(n)
			}
		}
		d.Pages = append(d.Pages, doc.Page{
			Number:  i + 1,
			Blocks:  Blocks(pageText),
			Method:  "text-" + enc,
			Quality: q,
		})
	}
	return d, nil
}

// Blocks splits text into paragraph blocks at blank lines, keeping each
// line as written. A blank page yields one empty paragraph, so that page
// numbering is kept.
func Blocks(s string) []doc.Block {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var blocks []doc.Block
	var cur []doc.Line
	flush := func() {
		if len(cur) > 0 {
			blocks = append(blocks, doc.Block{Kind: doc.BlockParagraph, Lines: cur})
			cur = nil
		}
	}
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) == "" {
			flush()
			continue
		}
		cur = append(cur, doc.Line{Text: l})
	}
	flush()
	if len(blocks) == 0 {
		blocks = []doc.Block{{Kind: doc.BlockParagraph}}
	}
	return blocks
}

// Decode detects the encoding of data and returns it as UTF-8 with the
// encoding's name ("utf-8", "utf-16le", "utf-16be", "gb18030"). Up to 1% of
// the characters (at most maxReplaced) may be undecodable; they become
// U+FFFD. More than that is refused as *doc.Unreadable.
func Decode(data []byte) (string, string, error) {
	s, enc, _, err := decode(data)
	return s, enc, err
}

// maxReplaced bounds the replacement characters of one document: a file
// with more undecodable sequences is damaged, not a report with a stray byte.
const maxReplaced = 1000

// allowedReplacements is 1% of the characters, at most maxReplaced.
func allowedReplacements(runes int) int { return min(runes/100, maxReplaced) }

func decode(data []byte) (string, string, int, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		s, n := lenientUTF8(data[3:])
		if n > allowedReplacements(utf8.RuneCountInString(s)) {
			return "", "", 0, doc.Fail(doc.ErrDamaged, doc.FormatTXT, 0, "invalid UTF-8 after a UTF-8 byte-order mark at byte %d (%d undecodable sequences)", 3+invalidUTF8At(data[3:]), n)
		}
		return s, "utf-8", n, nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return decodeCounted(data, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), "utf-16le")
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return decodeCounted(data, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), "utf-16be")
	case utf8.Valid(data):
		return string(data), "utf-8", 0, nil
	}
	// Not valid UTF-8: either UTF-8 with a few stray bytes, or GB18030 (a
	// superset of GBK and GB2312). UTF-8 is tried first: GBK read as UTF-8
	// fails at nearly every character, while UTF-8 read as GB18030 often
	// decodes "validly" into nonsense, so GB18030's count proves nothing.
	u8, nu8 := lenientUTF8(data)
	if nu8 <= allowedReplacements(utf8.RuneCountInString(u8)) {
		return u8, "utf-8", nu8, nil
	}
	gb, _, ngb, gbErr := decodeCounted(data, simplifiedchinese.GB18030, "gb18030")
	if gbErr == nil {
		return gb, "gb18030", ngb, nil
	}
	var u *doc.UnreadableError
	if errors.As(gbErr, &u) {
		gbErr = u.Err // its kind and format are this error's: say them once
	}
	return "", "", 0, doc.Fail(doc.ErrDamaged, doc.FormatTXT, 0, "not UTF-8 (invalid at byte %d) and not GBK/GB18030 either: %w", invalidUTF8At(data), gbErr)
}

// lenientUTF8 decodes data as UTF-8, each invalid sequence becoming U+FFFD,
// and counts them.
func lenientUTF8(data []byte) (string, int) {
	var b strings.Builder
	b.Grow(len(data))
	n := 0
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			n++
		}
		b.WriteRune(r)
		i += size
	}
	return b.String(), n
}

// decodeCounted decodes with e, counting the byte sequences e does not
// define (x/text turns them into U+FFFD), and refuses more than 1% of them.
func decodeCounted(data []byte, e encoding.Encoding, name string) (string, string, int, error) {
	out, err := e.NewDecoder().Bytes(data)
	if err != nil {
		return "", "", 0, doc.Fail(doc.ErrDamaged, doc.FormatTXT, 0, "invalid %s: %v", name, err)
	}
	n := bytes.Count(out, []byte("\uFFFD"))
	if n > 0 && bytes.Contains(data, []byte("\uFFFD")) {
		n = 0 // the replacement character is in the file itself
	}
	if n > allowedReplacements(utf8.RuneCount(out)) {
		i := bytes.Index(out, []byte("\uFFFD"))
		return "", "", 0, doc.Fail(doc.ErrDamaged, doc.FormatTXT, 0, "invalid or truncated %s: %d undecodable byte sequences, the first near output byte %d", name, n, i)
	}
	return string(out), name, n, nil
}

func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}
