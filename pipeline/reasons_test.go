package pipeline

import "testing"

// The cryptic reasons met in an adversarial run, each with the words an
// auditor should read instead (written by hand).
func TestReasonNamesTheCause(t *testing.T) {
	for in, want := range map[string]string{
		"bytes.Reader.ReadAt: negative offset":            "corrupt file: an offset in the file points before its start",
		"PDF: xref: bytes.Reader.ReadAt: negative offset": "PDF: xref: corrupt file: an offset in the file points before its start",
		"malformed PDF: loading {48 0}: found {8 0}":      "malformed PDF: corrupt PDF cross-reference table: object 48 is listed at an offset that holds object 8",
		"EOF":                               "file ends early (truncated)",
		"XLSX: sheet \"a\": unexpected EOF": "XLSX: sheet \"a\": file ends early (truncated)",
		"PDF: missing %%EOF":                "PDF: missing %%EOF",
		"doc: LibreOffice could not convert the file to docx (damaged or encrypted?): Warning: failed to read path from javaldx": "doc: LibreOffice could not convert the file to docx (damaged or encrypted?)",
		"internal error while reading the DOCX: runtime error: invalid memory address or nil pointer dereference":                "internal error while reading the DOCX: runtime error: a part of the package is missing or of the wrong type (the reader met a nil pointer)",
		"DOCX: entry _rels/.rels: zip: not a valid zip file":                                                                     "DOCX: entry _rels/.rels: damaged ZIP package (an entry's header is not where the directory says)",
		"DOCX: entry word/document.xml: damaged data: zip: checksum error":                                                       "DOCX: entry word/document.xml: damaged data: damaged ZIP package (an entry fails its CRC-32 check)",
		"XLSX: cannot open workbook: flate: corrupt input before offset 109":                                                     "XLSX: cannot open workbook: damaged compressed data",
		"two\nlines \x00\xff": "two | lines ??",
	} {
		if got := Reason(in); got != want {
			t.Errorf("Reason(%q)\n = %q\nwant %q", in, got, want)
		}
	}
}
