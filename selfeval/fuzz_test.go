package selfeval

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"zipin/extract/doc"
	"zipin/extract/text"
	"zipin/normalize"
)

// FuzzExtract: no text makes the extraction panic, and what it writes keeps
// its invariants (scores and weights within bounds only where read as such).
func FuzzExtract(f *testing.F) {
	files, _ := filepath.Glob("../testdata/selfeval/*.txt")
	for _, fn := range files {
		b, err := os.ReadFile(fn)
		if err == nil {
			f.Add(string(b))
		}
	}
	f.Add("年度资金总额303|0 |\n|\n总分")
	f.Fuzz(func(t *testing.T, s string) {
		d := &doc.Document{Format: doc.FormatTXT, Pages: []doc.Page{{Number: 1, Blocks: text.Blocks(s)}}}
		nd, err := normalize.Document(d)
		if err != nil {
			return
		}
		st := time.Now()
		r := Extract(nd)
		if d := time.Since(st); d > 2*time.Second {
			t.Fatalf("Extract took %v", d)
		}
		for _, p := range r.Projects {
			if p.TotalScore != nil && p.TotalWeight != nil && *p.TotalScore > *p.TotalWeight {
				t.Errorf("total score %v above its weight %v", *p.TotalScore, *p.TotalWeight)
			}
		}
	})
}
