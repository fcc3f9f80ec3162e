package pdf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zipin/internal/testenv"
)

// corpusDir holds the shared corpus's real-world PDFs (ZIPIN_CORPUS).
var corpusDir = testenv.CorpusPath("pdf")

// TestCorpus: every real-world PDF recovers all CJK characters of its
// expected text, in order.
func TestCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(testenv.Corpus(t, "pdf"), "*.pdf"))
	if len(files) == 0 {
		t.Fatalf("no PDFs in %s", corpusDir)
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
