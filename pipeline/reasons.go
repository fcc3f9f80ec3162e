package pipeline

import (
	"regexp"
	"strings"

	"zipin/isolate"
)

// reasonRules rewrite the cryptic messages a reader library lets through
// into the cause in words. Each pattern matches the library's own wording;
// the rewrite keeps what the message says about where.
var reasonRules = []struct {
	re   *regexp.Regexp
	repl string
}{
	// bytes.Reader.ReadAt with an offset computed from a corrupt xref or
	// object stream.
	{regexp.MustCompile(`(?i)^(.*?)(bytes\.Reader\.ReadAt: )?negative offset$`), "${1}corrupt file: an offset in the file points before its start"},
	// github.com/ledongthuc/pdf: the xref table says object 48 is at an
	// offset where object 8 is found.
	{regexp.MustCompile(`loading \{(\d+) \d+\}: found \{(\d+) \d+\}`), "corrupt PDF cross-reference table: object $1 is listed at an offset that holds object $2"},
	// archive/zip and compress/flate name the check, not the damage.
	{regexp.MustCompile(`zip: not a valid zip file`), "damaged ZIP package (an entry's header is not where the directory says)"},
	{regexp.MustCompile(`zip: checksum error`), "damaged ZIP package (an entry fails its CRC-32 check)"},
	{regexp.MustCompile(`flate: corrupt input before offset \d+`), "damaged compressed data"},
	// A reader that hit the end of the data mid-structure.
	{regexp.MustCompile(`^(.*?: |)(unexpected )?EOF$`), "${1}file ends early (truncated)"},
	// LibreOffice's Java warning, printed where its error should be: the
	// reason already says the conversion failed; the warning is noise.
	{regexp.MustCompile(`(?i):?\s*(\| )?warning: failed to read path from javaldx.*$`), ""},
	// A nil pointer in a reader (docx styles when a relationship points at
	// the wrong part): the worker reports the panic in one line.
	{regexp.MustCompile(`(?i)invalid memory address or nil pointer dereference`), "a part of the package is missing or of the wrong type (the reader met a nil pointer)"},
}

// Reason turns an error message into a quarantine reason: one line, the
// cause in words (reasonRules), no raw bytes, at most 300 runes.
func Reason(msg string) string {
	msg = isolate.OneLine(msg, 300)
	for _, r := range reasonRules {
		if r.re.MatchString(msg) {
			msg = r.re.ReplaceAllString(msg, r.repl)
		}
	}
	return strings.TrimSpace(msg)
}
