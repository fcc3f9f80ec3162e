package pdf

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
	"unicode"

	"zipin/extract/doc"
	"zipin/internal/testenv"
)

// cjkOf keeps only Han characters: the comparison the corpus defines.
func cjkOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// docText is every line and table cell of the document in order, a merged
// cell once (as texts has it), not once per grid position it covers.
func docText(d *doc.Document) string {
	var b strings.Builder
	for _, p := range d.Pages {
		for _, bl := range p.Blocks {
			if bl.Kind == doc.BlockTable && bl.Table != nil {
				t := bl.Table
				for i, row := range t.Anchors() {
					for j, ci := range row {
						if j > 0 {
							b.WriteString(" | ")
						}
						if ci >= 0 && t.Cells[ci].Row == i && t.Cells[ci].Col == j {
							b.WriteString(t.Cells[ci].Text)
						}
					}
					b.WriteByte('\n')
				}
				continue
			}
			b.WriteString(bl.Text())
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func readFile(t testing.TB, path string) *doc.Document {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := Read(ctx, path, data)
	needTools(t, path, d, err)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return d
}

// needTools ends the test through testenv.Missing (a skip, or a failure
// when CI is set) when reading name showed that the document needs a
// program this machine lacks: a quarantine of kind doc.ErrToolMissing
// (tesseract for a scanned document, qpdf for an AES-256 variant zipin's own
// decryption does not handle), or a warning that a page went without OCR,
// whose text is then missing. Both messages name the Debian packages.
func needTools(t testing.TB, name string, d *doc.Document, err error) {
	t.Helper()
	if errors.Is(err, doc.ErrToolMissing) {
		testenv.Missing(t, "%s: %v", name, err)
	}
	if d == nil {
		return
	}
	for _, w := range d.Warnings {
		if strings.Contains(w, ocrInstall) {
			testenv.Missing(t, "%s: %s", name, w)
		}
	}
}

func methods(d *doc.Document) []string {
	var m []string
	for _, p := range d.Pages {
		m = append(m, p.Method)
	}
	return m
}

func readPageForTest(data []byte, page int) (*pageData, error) {
	r, err := openReader(data)
	if err != nil {
		return nil, err
	}
	return readPage(context.Background(), r, pageList(r)[page-1], page, fontCache{})
}
