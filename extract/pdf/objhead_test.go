package pdf

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"
	"time"
)

// objHeaderRE is the expression findObjHeads stands for (see there).
var objHeaderRE = regexp.MustCompile(`(?m)(?:^|[\r\n\s])(\d{1,7})\s+(\d{1,5})\s+obj\b`)

func objHeadsRE(data []byte, limit int) []objHead {
	var out []objHead
	for _, m := range objHeaderRE.FindAllSubmatchIndex(data, limit) {
		out = append(out, objHead{m[0], m[2], m[3], m[4], m[5], m[1]})
	}
	return out
}

// TestFindObjHeadsAsExpression: the scanner finds what the expression finds,
// at the same offsets, in every fixture PDF and in random byte strings made
// of the characters that matter (digits, each kind of white space, vertical
// tab, which is not PDF white space, "obj" and its neighbours, UTF-8 bytes).
func TestFindObjHeadsAsExpression(t *testing.T) {
	var files []string
	for _, dir := range []string{fixtureDir, corpusDir} {
		m, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
		files = append(files, m...)
	}
	if len(files) < 10 {
		t.Fatalf("only %d fixture PDFs found under %s", len(files), fixtureDir)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want, got := objHeadsRE(data, -1), findObjHeads(data, -1)
		if len(want) == 0 {
			t.Errorf("%s: no object header at all", f)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %d headers found, the expression finds %d; first: %v, %v", f, len(got), len(want), first(got), first(want))
		}
		if got, want := findObjHeads(data, 3), objHeadsRE(data, 3); !reflect.DeepEqual(got, want) {
			t.Errorf("%s, at most 3: %v, the expression %v", f, got, want)
		}
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	parts := []string{"0", "1", "12", "1234567", "12345678", "99999", "123456", " ", "  ", "\n", "\r\n", "\t", "\f", "\v",
		"obj", "obj", "obj", "endobj", "objx", "obj_", "obj<<", "x", "_", "\xe4\xb8\xad", "\xe4", "R", "%"}
	for n := 0; n < 20000; n++ {
		var b []byte
		for k := rng.IntN(12); k >= 0; k-- {
			b = append(b, parts[rng.IntN(len(parts))]...)
		}
		if got, want := findObjHeads(b, -1), objHeadsRE(b, -1); !reflect.DeepEqual(got, want) {
			t.Fatalf("seed %d: %q: %v, the expression %v", seed, b, got, want)
		}
	}
}

func first(h []objHead) any {
	if len(h) == 0 {
		return nil
	}
	return h[0]
}
