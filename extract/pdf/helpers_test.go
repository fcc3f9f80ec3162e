package pdf

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
	"unicode"

	"zipin/extract/doc"
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
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return d
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
