package facts

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"zipin/internal/testenv"
)

// TestStartScanAsExpression: each startScan finds what its expression
// finds, at the same offsets, in the text fixtures, the shared corpus's
// texts and random strings of the words that matter.
func TestStartScanAsExpression(t *testing.T) {
	scans := map[string]*startScan{"gradeScan": gradeScan, "checkScan": checkScan, "multiProjectScan": multiProjectScan, "unitHeaderScan": unitHeaderScan}
	var texts []string
	for _, pat := range []string{"../testdata/text/*.txt", "../testdata/selfeval/*.txt", "../testdata/blind/*.txt", "../samples/*.txt", filepath.Join(testenv.CorpusPath("real"), "*.txt")} {
		m, _ := filepath.Glob(pat)
		for _, f := range m {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			texts = append(texts, string(b))
		}
	}
	if len(texts) < 10 {
		t.Fatalf("only %d texts found", len(texts))
	}
	found := map[string]int{}
	for _, s := range texts {
		for name, sc := range scans {
			want, got := sc.re.FindAllStringSubmatchIndex(s, -1), sc.findAll(s)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: %v, the expression %v in %.80q…", name, got, want, s)
			}
			found[name] += len(want)
		}
	}
	for name := range scans {
		if found[name] == 0 {
			t.Errorf("%s: no match in any text: the comparison proves nothing", name)
		}
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	var parts []string
	for _, sc := range scans {
		parts = append(parts, sc.starts...)
	}
	parts = append(parts, " ", "\n", "：", ":", "|", "“", "为", "是", "优", "优 秀", "良好", "中等", "差", "秀", "个", "项目", "专项", "绩效自评项目",
		"共", "共计", "万元", "元", "亿元", "%", "人", "）", ")", "（", "(", "单位", "12", "x", "的")
	for n := 0; n < 20000; n++ {
		var b strings.Builder
		for k := rng.IntN(10); k >= 0; k-- {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		s := b.String()
		for name, sc := range scans {
			if got, want := sc.findAll(s), sc.re.FindAllStringSubmatchIndex(s, -1); !reflect.DeepEqual(got, want) {
				t.Fatalf("seed %d, %s: %q: %v, the expression %v", seed, name, s, got, want)
			}
		}
	}
}
