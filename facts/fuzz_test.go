package facts

import (
	"os"
	"path/filepath"
	"testing"

	"zipin/extract/doc"
	textreader "zipin/extract/text"
	"zipin/normalize"
)

// FuzzAnalyze: any text gives facts whose spans are their text in the
// page, and never panics. Seeds are the text fixtures.
func FuzzAnalyze(f *testing.F) {
	for _, dir := range []string{"../testdata/text/headline", "../testdata/text/heldout"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(string(b))
			}
		}
	}
	f.Add("总分10098\n分值 得分\n全年预算数\n|\n12 |\n年度资金总额5050481096%9.6")
	f.Fuzz(func(t *testing.T, s string) {
		res := analyze(t, s)
		for _, x := range res.Facts {
			if x.Page != 1 {
				continue
			}
			r := []rune(normalizedText(t, s))
			if x.Start < 0 || x.End > len(r) || x.Start > x.End || string(r[x.Start:x.End]) != x.Text {
				t.Fatalf("fact %q at [%d,%d) does not match its text", x.Text, x.Start, x.End)
			}
		}
	})
}

func normalizedText(t *testing.T, s string) string {
	d := &doc.Document{Format: doc.FormatTXT, Pages: []doc.Page{{Number: 1, Blocks: textreader.Blocks(s)}}}
	nd, err := normalize.Document(d)
	if err != nil || len(nd.Pages) == 0 {
		return ""
	}
	return nd.Pages[0].Text
}
