package extract

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"iter"
	"regexp"
	"strings"
)

// NotAReportHead is how many leading bytes NotAReport needs: the rules look
// at magic bytes and the first lines only.
const NotAReportHead = 64 << 10

// NotAReport says what a file is when its leading bytes show it is not a
// report in any form zipin reads or could read — an image, an archive that
// is no Word or Excel package, a program, source code, JSON data — and ""
// when it could be one. head is the file's first bytes (NotAReportHead of
// them, or all of a smaller file); complete says head is the whole file.
//
// Like Detect it decides from the content, never from the name. It leaves
// alone whatever might be a report zipin fails to read (a damaged PDF, RTF,
// a compound file it does not know): those are quarantined with their
// reason instead, so nothing that could hold figures is dropped quietly.
// The rules are generic (magic numbers from the formats' specifications,
// the shape of code and JSON), never tied to one file.
func NotAReport(head []byte, complete bool) string {
	for _, m := range notReportMagic {
		if len(head) >= m.off+len(m.magic) && string(head[m.off:m.off+len(m.magic)]) == m.magic {
			return m.name
		}
	}
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06")):
		// A complete zip whose parts are neither Word's nor Excel's. A
		// head cut mid-archive cannot be listed: left to the readers.
		if complete && detectZip(head) == "" {
			return "a zip archive that is no Word or Excel document"
		}
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		switch {
		case bytes.Contains(head, utf16le("PowerPoint Document")):
			return "a PowerPoint presentation"
		case bytes.Contains(head, utf16le("__substg1.0_")):
			return "an Outlook message"
		}
	}
	if looksLikeHTML(head) || !looksLikeText(head) {
		return ""
	}
	text := bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	switch {
	case isJSONLines(text, complete):
		return "JSON lines"
	case isJSON(text, complete):
		return "JSON data"
	case isSVG(text):
		return "an SVG image"
	case isSourceCode(text, complete):
		return "source code"
	}
	return ""
}

// notReportMagic are formats that never hold a report zipin could read:
// images, archives, programs, databases, media. (RTF and unknown compound
// files are absent on purpose: they may be reports.)
var notReportMagic = []struct {
	name  string
	off   int
	magic string
}{
	{"a JPEG image", 0, "\xFF\xD8\xFF"},
	{"a PNG image", 0, "\x89PNG\r\n\x1a\n"},
	{"a GIF image", 0, "GIF87a"},
	{"a GIF image", 0, "GIF89a"},
	{"a TIFF image", 0, "II*\x00"},
	{"a TIFF image", 0, "MM\x00*"},
	{"a WebP image", 8, "WEBP"},
	{"an ICO image", 0, "\x00\x00\x01\x00"},
	{"a RAR archive", 0, "Rar!\x1a\x07"},
	{"a 7-Zip archive", 0, "7z\xBC\xAF\x27\x1C"},
	{"a gzip archive", 0, "\x1F\x8B\x08"},
	{"an xz archive", 0, "\xFD7zXZ\x00"},
	{"a zstd archive", 0, "\x28\xB5\x2F\xFD"},
	{"a tar archive", 257, "ustar"},
	{"an ELF program", 0, "\x7FELF"},
	{"a Java class file", 0, "\xCA\xFE\xBA\xBE"},
	{"a WebAssembly module", 0, "\x00asm"},
	{"an SQLite database", 0, "SQLite format 3\x00"},
	{"a Parquet file", 0, "PAR1"},
	{"an MP3 file", 0, "ID3\x03"},
	{"an MP3 file", 0, "ID3\x04"},
	{"a video or audio file (ISO media)", 4, "ftyp"},
}

func utf16le(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		b = append(b, s[i], 0)
	}
	return b
}

// isJSON: one JSON object or array. A head cut short counts when it is
// valid up to the cut.
func isJSON(text []byte, complete bool) bool {
	t := bytes.TrimLeft(text, " \t\r\n")
	if len(t) == 0 || t[0] != '{' && t[0] != '[' {
		return false
	}
	if complete {
		return json.Valid(t)
	}
	dec := json.NewDecoder(bytes.NewReader(t))
	for n := 0; ; n++ {
		if _, err := dec.Token(); err != nil {
			return n > 1 && (errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF))
		}
	}
}

// isJSONLines: every line (but a last one cut by the head) is a JSON object
// or array, at least two of them.
func isJSONLines(text []byte, complete bool) bool {
	n := 0
	for l := range headLines(text, complete) {
		l = bytes.TrimSpace(l)
		if len(l) == 0 {
			continue
		}
		if l[0] != '{' && l[0] != '[' || !json.Valid(l) {
			return false
		}
		n++
	}
	return n >= 2
}

func isSVG(text []byte) bool {
	head := asciiLower(text[:min(len(text), 1024)])
	head = bytes.TrimLeft(head, " \t\r\n")
	return bytes.HasPrefix(head, []byte("<svg")) || bytes.HasPrefix(head, []byte("<?xml")) && bytes.Contains(head, []byte("<svg"))
}

// codeStarts open lines that only programs have; codeEnds close them.
// A report's lines are prose and tables in Chinese, which end in full-width
// punctuation or figures: a file where most lines look like code is code.
var (
	codeStarts = []string{"//", "/*", "*/", "* ", "#include", "#define", "#!", "package ", "import ", "import(", "func ", "def ",
		"class ", "return", "const ", "var ", "let ", "function ", "public ", "private ", "static ", "if (", "if ", "for ", "} ",
		"<?php", "using ", "namespace ", "from ", "@", "end", "else"}
	codeEnds = []string{"{", "}", ";", "(", ")", "[", "]", ",", ":", "*/", "=>", "`"}
)

// codeOpenings are the first statements of source files (after comments):
// a Go or Java package clause, a C include, a shebang, a PHP tag.
var codeOpenings = regexp.MustCompile(`^(package [A-Za-z_][\w.]*;?|#include\s*[<"]|#!/|<\?php|import [\w.{*"']|from [\w.]+ import |using [\w.]+;|"use strict")`)

// isSourceCode: the first statement opens a source file, or at least 5 of
// the first 200 non-blank lines, and at least 60% of them, start or end as
// program lines do.
func isSourceCode(text []byte, complete bool) bool {
	total, code := 0, 0
	opening := true
	for b := range headLines(text, complete) {
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		l := string(b)
		if opening && codeOpenings.MatchString(l) {
			return true
		}
		if !hasAnyPrefix(l, []string{"//", "/*", "* ", "*/"}) && l != "*" {
			opening = false // comments may come first
		}
		total++
		if hasAnyPrefix(l, codeStarts) || hasAnySuffix(l, codeEnds) {
			code++
		}
		if total == 200 || (total-code)*100 > 40*200 {
			// More than 40 % of 200 lines are not code: the share
			// cannot reach 60 % whatever follows (reports stop here).
			break
		}
	}
	return total >= 5 && code*100 >= 60*total
}

// headLines yields the lines of a head, without its last line when the
// head is cut (complete false) and has more than one: that line may be cut
// too. It splits lazily, since the callers stop early and a head is 64 KB.
func headLines(text []byte, complete bool) iter.Seq[[]byte] {
	if !complete {
		if i := bytes.LastIndexByte(text, '\n'); i >= 0 {
			text = text[:i]
		}
	}
	return bytes.SplitSeq(text, []byte("\n"))
}

func hasAnyPrefix(s string, ps []string) bool {
	for _, p := range ps {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func hasAnySuffix(s string, ps []string) bool {
	for _, p := range ps {
		if strings.HasSuffix(s, p) {
			return true
		}
	}
	return false
}
