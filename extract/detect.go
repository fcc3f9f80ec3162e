package extract

import (
	"archive/zip"
	"bytes"

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

func detectZip(data []byte) doc.Format {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return ""
	}
	for _, f := range zr.File {
		switch {
		case f.Name == "word/document.xml" || f.Name == "[Content_Types].xml" && hasEntryPrefix(zr, "word/"):
			return doc.FormatDOCX
		case f.Name == "xl/workbook.xml" || f.Name == "[Content_Types].xml" && hasEntryPrefix(zr, "xl/"):
			return doc.FormatXLSX
		}
	}
	// A DOCX whose document.xml is missing is still a Word package; the DOCX
	// reader gives the precise reason.
	if hasEntryPrefix(zr, "word/") {
		return doc.FormatDOCX
	}
	return ""
}

func hasEntryPrefix(zr *zip.Reader, prefix string) bool {
	for _, f := range zr.File {
		if len(f.Name) >= len(prefix) && f.Name[:len(prefix)] == prefix {
			return true
		}
	}
	return false
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
	}
	return doc.FormatDOC
}

func looksLikeHTML(data []byte) bool {
	head := bytes.ToLower(data[:min(len(data), 2048)])
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	head = bytes.TrimLeft(head, " \t\r\n")
	for _, p := range [][]byte{[]byte("<!doctype html"), []byte("<html"), []byte("<head"), []byte("<body"), []byte("<meta"), []byte("<?xml version")} {
		if bytes.HasPrefix(head, p) {
			if bytes.HasPrefix(p, []byte("<?xml")) && !bytes.Contains(head, []byte("<html")) {
				return false
			}
			return true
		}
	}
	return false
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
