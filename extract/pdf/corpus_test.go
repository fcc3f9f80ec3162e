package pdf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const corpusDir = "../../../shared/corpus/pdf"

// TestCorpus: every real-world PDF recovers all CJK characters of its
// expected text, in order.
func TestCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.pdf"))
	if len(files) == 0 {
		t.Skipf("shared corpus not found at %s (it lives beside the repository as ../shared/corpus/pdf)", corpusDir)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			want, err := os.ReadFile(strings.TrimSuffix(f, ".pdf") + ".expected.txt")
			if err != nil {
				t.Skip("no expected text")
			}
			d := readFile(t, f)
			got := cjkOf(docText(d))
			if w := cjkOf(string(want)); got != w {
				t.Errorf("CJK text\n got %q\nwant %q\nmethods %v", got, w, methods(d))
			}
		})
	}
}
