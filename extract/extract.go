// Package extract turns a document's bytes into the format-neutral model of
// extract/doc. Each format has its own reader package; this package detects
// the format from the bytes and dispatches.
package extract

import (
	"context"
	"path/filepath"
	"runtime/debug"
	"strings"

	"zipin/extract/doc"
	"zipin/extract/docx"
	"zipin/extract/html"
	"zipin/extract/legacy"
	"zipin/extract/pdf"
	"zipin/extract/text"
	"zipin/extract/xlsx"
)

// Reader reads one format. name is only for messages.
type Reader func(ctx context.Context, name string, data []byte) (*doc.Document, error)

// readers maps each format to its reader. A format without a reader here is
// quarantined with a reason naming it.
var readers = map[doc.Format]Reader{
	doc.FormatTXT:  text.Read,
	doc.FormatDOCX: docx.Read,
	doc.FormatXLSX: xlsx.Read,
	doc.FormatHTML: html.Read,
	doc.FormatDOC:  legacy.ReadDOC,
	doc.FormatXLS:  legacy.ReadXLS,
	doc.FormatPDF:  pdf.Read,
}

// Read detects the format of data and extracts it. Input that cannot be read
// yields a *doc.UnreadableError whose Kind and Err name the problem (name is
// not in it: the caller adds the path); a panic inside a
// reader is caught and reported the same way, so one bad file never stops a run.
func Read(ctx context.Context, name string, data []byte) (d *doc.Document, err error) {
	if len(data) == 0 {
		return nil, doc.Fail(doc.ErrEmpty, "", 0, "empty file (0 bytes)")
	}
	f := Detect(data)
	if f == "" {
		return nil, doc.Fail(doc.ErrUnsupported, "", 0, "unrecognized format: binary content that is not PDF, Office, HTML or text")
	}
	r, ok := readers[f]
	if !ok {
		return nil, doc.Fail(doc.ErrUnsupported, f, 0, "no reader for %s documents in this build", f)
	}
	defer func() {
		if p := recover(); p != nil {
			d, err = nil, doc.Unreadablef("%s reader crashed: %v%s", f, p, crashSite(debug.Stack()))
		}
	}()
	d, err = r(ctx, name, data)
	if err != nil {
		return nil, err
	}
	if d.Format == "" {
		d.Format = f
	}
	if len(d.Pages) == 0 {
		return nil, doc.Fail(doc.ErrEmpty, f, 0, "no pages")
	}
	return d, nil
}

// crashSite names, in one line, the project source line where a reader
// panicked (" (at extract/docx/styles.go:39)"), so a quarantine reason points
// a developer at the bug without carrying a multi-line stack trace.
func crashSite(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	for i, l := range lines {
		// Frames are a function line then a tab-indented "file:line +0x…"
		// line; skip the runtime, the recover and this package's own frame.
		if !strings.HasPrefix(l, "zipin/") || strings.HasPrefix(l, "zipin/extract.Read") || i+1 >= len(lines) {
			continue
		}
		loc := strings.TrimSpace(lines[i+1])
		if k := strings.LastIndex(loc, " +0x"); k > 0 {
			loc = loc[:k]
		}
		if k := strings.Index(loc, "/extract/"); k >= 0 {
			loc = loc[k+1:]
		} else {
			loc = filepath.Base(loc)
		}
		return " (at " + loc + ")"
	}
	return ""
}
