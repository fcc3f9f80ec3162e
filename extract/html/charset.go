package html

import (
	"bytes"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// metaCharset finds a charset declaration anywhere in the head: portal
// templates often put it after kilobytes of scripts, beyond the 1024-byte
// prescan of the HTML standard.
var metaCharset = regexp.MustCompile(`(?i)<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_\-:.]+)`)

// gbLabels are the labels of the GB family; all are decoded as GB18030,
// their superset, since pages labelled GB2312 routinely use GBK characters.
var gbLabels = map[string]bool{"gb2312": true, "gbk": true, "gb18030": true, "x-gbk": true, "cp936": true, "windows-936": true, "euc-cn": true, "hz-gb-2312": false}

// DecodePage returns an HTML page as UTF-8 and the name of the encoding
// used. The harvester reads list pages with it too, so a portal page decodes
// the same way whether it is a report or a list of them.
// Order: byte-order mark, a declared charset (checked against the bytes, as
// pages are mislabelled), valid UTF-8, and otherwise GB18030, the
// encoding of almost every non-UTF-8 Chinese government page.
func DecodePage(data []byte) (string, string) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return string(bytes.ToValidUTF8(data[3:], []byte("\uFFFD"))), "utf-8"
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return with(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), data), "utf-16le"
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return with(unicode.UTF16(unicode.BigEndian, unicode.UseBOM), data), "utf-16be"
	}
	label := ""
	if m := metaCharset.FindSubmatch(data[:min(len(data), 64<<10)]); m != nil {
		label = strings.ToLower(string(m[1]))
	}
	valid := utf8.Valid(data)
	switch {
	case valid && !isASCII(data):
		// Non-ASCII text that is valid UTF-8 is UTF-8 whatever the label
		// says (GBK text almost never is); CMS templates keep a GB2312
		// meta after the site moved to UTF-8.
		return string(data), "utf-8"
	case gbLabels[label]:
		return with(simplifiedchinese.GB18030, data), "gb18030"
	case label == "utf-8" || label == "utf8" || label == "":
		if valid {
			return string(data), "utf-8"
		}
		return with(simplifiedchinese.GB18030, data), "gb18030"
	}
	if enc, name := charset.Lookup(label); enc != nil {
		// A Latin label on a page full of high bytes is an old template's
		// default, not the truth: GB18030 is then far likelier.
		if (name == "windows-1252" || name == "iso-8859-1") && !valid && gbDecodes(data) {
			return with(simplifiedchinese.GB18030, data), "gb18030"
		}
		return with(enc, data), name
	}
	if valid {
		return string(data), "utf-8"
	}
	return with(simplifiedchinese.GB18030, data), "gb18030"
}

func with(enc encoding.Encoding, data []byte) string {
	b, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		// Decoders replace invalid sequences; an error here means the
		// transform gave up, so fall back to the bytes as UTF-8.
		return string(bytes.ToValidUTF8(data, []byte("\uFFFD")))
	}
	return string(b)
}

func gbDecodes(data []byte) bool {
	b, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	return err == nil && bytes.Count(b, []byte("\uFFFD")) == 0
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}
