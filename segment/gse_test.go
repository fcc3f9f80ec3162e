package segment

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-ego/gse"

	"zipin/internal/testenv"
)

// TestSameCutsAsGse proves the per-sentence dictionary cuts as gse does with
// its whole dictionary loaded (gse.NewEmbed plus the domain words, as this
// package did before): every sentence of the shared corpus's text reports,
// and the short windows before and after each number that facts cuts.
func TestSameCutsAsGse(t *testing.T) {
	testenv.Slow(t, "loads gse's whole dictionary, seconds")
	var texts []string
	for _, sub := range []string{"seed", "real"} {
		files, _ := filepath.Glob(filepath.Join(testenv.Corpus(t, sub), "*.txt"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			texts = append(texts, string(b))
		}
	}
	if len(texts) < 10 {
		t.Fatalf("only %d corpus texts", len(texts))
	}
	full, err := gse.NewEmbed("zh_s")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range domainWords {
		if err := full.AddToken(w, domainFreq, "n"); err != nil {
			t.Fatal(err)
		}
	}
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	n, diff := 0, 0
	check := func(sentence string) {
		if sentence == "" {
			return
		}
		n++
		want := strings.Join(full.Cut(sentence, true), "/")
		got := strings.Join(s.gseFor(sentence).Cut(sentence, true), "/")
		if got != want && diff < 20 {
			diff++
			t.Errorf("%q:\n got %s\nwant %s", sentence, got, want)
		}
	}
	for _, text := range texts {
		for _, sentence := range strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune("。；;\n", r) }) {
			r := []rune(sentence)
			if len(r) <= maxCut {
				check(sentence)
			}
			// and windows cut anywhere, so that a word is split at both ends
			for i := 0; i+16 <= len(r); i += 2 {
				check(string(r[i : i+16]))
			}
			// facts cuts up to 16 runes before and 12 after a number
			for i, c := range r {
				if c >= '0' && c <= '9' && (i == 0 || r[i-1] < '0' || r[i-1] > '9') {
					check(string(r[max(0, i-16):i]))
					check(string(r[i:min(len(r), i+12)]))
				}
			}
		}
	}
	t.Logf("%d sentences and windows cut the same", n-diff)
	if n < 10000 {
		t.Errorf("only %d sentences compared", n)
	}
}
