// Package text reads plain-text reports. Most .txt exports from Chinese
// portals are GBK; others are UTF-8 (with or without a BOM) or UTF-16 with a
// BOM. Decoding uses golang.org/x/text, and is strict: text that is valid in
// none of these encodings is refused rather than guessed at.
package text

import (
	"bytes"
	"context"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"zipin/extract/doc"
)

// Read decodes data and splits it into pages (at form feeds), paragraphs (at
// blank lines) and lines.
func Read(_ context.Context, _ string, data []byte) (*doc.Document, error) {
	s, enc, err := Decode(data)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(s) == "" {
		return nil, doc.Unreadablef("no text: the file holds only whitespace")
	}
	d := &doc.Document{Format: doc.FormatTXT}
	for i, pageText := range strings.Split(s, "\f") {
		d.Pages = append(d.Pages, doc.Page{
			Number:  i + 1,
			Blocks:  Blocks(pageText),
			Method:  "text-" + enc,
			Quality: 1,
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
// encoding's name ("utf-8", "utf-16le", "utf-16be", "gb18030").
func Decode(data []byte) (string, string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		rest := data[3:]
		if !utf8.Valid(rest) {
			return "", "", doc.Unreadablef("invalid UTF-8 after a UTF-8 byte-order mark at byte %d", 3+invalidUTF8At(rest))
		}
		return string(rest), "utf-8", nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return decodeStrict(data, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), "utf-16le")
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return decodeStrict(data, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), "utf-16be")
	case utf8.Valid(data):
		return string(data), "utf-8", nil
	}
	// Not UTF-8: GB18030 is a superset of GBK and GB2312, so one decoder covers all three.
	s, enc, err := decodeStrict(data, simplifiedchinese.GB18030, "gb18030")
	if err != nil {
		return "", "", doc.Unreadablef("not UTF-8 (invalid at byte %d) and not GBK/GB18030 either: %v", invalidUTF8At(data), err)
	}
	return s, enc, nil
}

// decodeStrict decodes and refuses any byte sequence the encoding does not
// define, which x/text would otherwise turn into U+FFFD.
func decodeStrict(data []byte, e encoding.Encoding, name string) (string, string, error) {
	out, err := e.NewDecoder().Bytes(data)
	if err != nil {
		return "", "", doc.Unreadablef("invalid %s: %v", name, err)
	}
	if i := bytes.Index(out, []byte("\uFFFD")); i >= 0 && !bytes.Contains(data, []byte("\uFFFD")) {
		return "", "", doc.Unreadablef("invalid or truncated %s: an undecodable byte sequence near output byte %d", name, i)
	}
	return string(out), name, nil
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
