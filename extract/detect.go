package extract

import (
	"archive/zip"
	"bytes"
	"strings"

	"zipin/extract/doc"
)

// Detect names a document's format from its leading bytes and, for zip
// containers, from the entries inside; never from the file name. It returns
// "" when the bytes match no format zipin reads.
func Detect(data []byte) doc.Format {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return doc.FormatPDF
	case hasPDFHeaderNearStart(data):
		return doc.FormatPDF
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return detectZip(data)
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return detectOLE(data)
	case knownBinary(data) != "":
		// Images and archives renamed to .doc or .pdf are common on portals;
		// some have few enough control bytes to pass for text.
		return ""
	case looksLikeHTML(data):
		return doc.FormatHTML
	case looksLikeText(data):
		return doc.FormatTXT
	}
	return ""
}

// Some producers put junk (a BOM, an HTTP header) before %PDF-; readers accept
// the header within the first KiB.
func hasPDFHeaderNearStart(data []byte) bool {
	head := data[:min(len(data), 1024)]
	return bytes.Contains(head, []byte("%PDF-"))
}

// detectZip tells a Word package from an Excel one by its part names, in
// one pass over the directory (a crafted zip may list millions of entries).
// Part names are case-insensitive, and some producers write a leading slash.
func detectZip(data []byte) doc.Format {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return ""
	}
	var word, xl bool
	for _, f := range zr.File {
		name := strings.ToLower(strings.TrimPrefix(f.Name, "/"))
		switch {
		case name == "word/document.xml":
			return doc.FormatDOCX
		case name == "xl/workbook.xml":
			return doc.FormatXLSX
		case strings.HasPrefix(name, "word/"):
			word = true
		case strings.HasPrefix(name, "xl/"):
			xl = true
		}
	}
	// A DOCX whose document.xml is missing is still a Word package; the DOCX
	// reader gives the precise reason.
	switch {
	case word:
		return doc.FormatDOCX
	case xl:
		return doc.FormatXLSX
	}
	return ""
}

// binaryMagic are formats zipin does not read whose bytes could otherwise
// be taken for text.
var binaryMagic = []struct {
	name  string
	magic string
}{
	{"JPEG image", "\xFF\xD8\xFF"},
	{"PNG image", "\x89PNG\r\n\x1a\n"},
	{"GIF image", "GIF8"},
	{"TIFF image", "II*\x00"},
	{"TIFF image", "MM\x00*"},
	{"RAR archive", "Rar!\x1a\x07"},
	{"7-Zip archive", "7z\xBC\xAF\x27\x1C"},
	{"gzip archive", "\x1F\x8B"},
	{"RTF document", "{\\rtf"},
}

// knownBinary names a recognised format zipin does not read, or "".
func knownBinary(data []byte) string {
	for _, m := range binaryMagic {
		if bytes.HasPrefix(data, []byte(m.magic)) {
			return m.name
		}
	}
	return ""
}

// detectOLE tells a legacy Word file (.doc, WPS .wps) from an Excel one
// (.xls, WPS .et) by the stream names in the compound file's directory, which
// are stored as UTF-16LE.
func detectOLE(data []byte) doc.Format {
	utf16 := func(s string) []byte {
		b := make([]byte, 0, 2*len(s))
		for i := 0; i < len(s); i++ {
			b = append(b, s[i], 0)
		}
		return b
	}
	switch {
	case bytes.Contains(data, utf16("WordDocument")):
		return doc.FormatDOC
	case bytes.Contains(data, utf16("Workbook")), bytes.Contains(data, utf16("Book")):
		return doc.FormatXLS
	case bytes.Contains(data, utf16("PowerPoint Document")), bytes.Contains(data, utf16("__substg1.0_")):
		// Slides and Outlook messages share the container but are no reports.
		return ""
	}
	return doc.FormatDOC
}

// htmlStarts are how HTML pages begin once a BOM, whitespace and comments
// are skipped: a doctype, or a tag that only HTML starts with. Fragments
// saved from portals often lack the doctype and even <html>.
var htmlStarts = [][]byte{[]byte("<!doctype html"), []byte("<html"), []byte("<head"), []byte("<body"), []byte("<meta"), []byte("<?xml version"),
	[]byte("<title"), []byte("<div"), []byte("<table"), []byte("<p>"), []byte("<p "), []byte("<h1"), []byte("<h2"), []byte("<center"),
	[]byte("<link"), []byte("<script"), []byte("<style"), []byte("<font"), []byte("<span"), []byte("<br")}

func looksLikeHTML(data []byte) bool {
	head := asciiLower(data[:min(len(data), 2048)])
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	head = bytes.TrimLeft(head, " \t\r\n")
	for bytes.HasPrefix(head, []byte("<!--")) {
		end := bytes.Index(head, []byte("-->"))
		if end < 0 {
			break
		}
		head = bytes.TrimLeft(head[end+3:], " \t\r\n")
	}
	for _, p := range htmlStarts {
		if bytes.HasPrefix(head, p) {
			if bytes.HasPrefix(p, []byte("<?xml")) && !bytes.Contains(head, []byte("<html")) {
				return false
			}
			return true
		}
	}
	return false
}

// asciiLower is a lower-case copy of b, A–Z only: HTML and SVG names are
// ASCII case-insensitive (the HTML standard), and bytes.ToLower decoded
// every rune of the 2 KB head of each Chinese text or binary file the
// import hashes (a tenth of the importing process's CPU per document).
func asciiLower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

// looksLikeText accepts anything without the control bytes binary formats are
// full of; the text reader then decides the encoding, or refuses it.
func looksLikeText(data []byte) bool {
	if len(data) == 0 {
		return false
	}
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return true
	}
	sample := data[:min(len(data), 8192)]
	bad := 0
	for _, c := range sample {
		if c == 0 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1b) {
			bad++
		}
	}
	return bad*100 <= len(sample) // at most 1% control bytes
}
