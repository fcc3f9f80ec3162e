package segment

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/go-ego/gse"
)

func TestDomainWordsAreTokens(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	words := s.Cut("本年度预算执行率为86.0%，自评得分92.8分")
	joined := "/" + strings.Join(words, "/") + "/"
	for _, w := range []string{"/预算执行率/", "/自评得分/"} {
		if !strings.Contains(joined, w) {
			t.Errorf("%s not one token in %s", w, joined)
		}
	}
	if got := s.LastWords("应急救助资金", 2); len(got) == 0 || got[len(got)-1] != "资金" {
		t.Errorf("LastWords = %v", got)
	}
}

func TestLongInputIsCut(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("全面加强预算绩效管理，", 100)
	if got := strings.Join(s.Cut(long), ""); got != long {
		t.Error("cutting in chunks lost text")
	}
}

// BenchmarkLoad measures what preparing the embedded table costs each
// process: time per load and the heap it keeps.
func BenchmarkLoad(b *testing.B) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	t0 := time.Now()
	var keep *table
	for i := 0; i < b.N; i++ {
		t, err := loadTable(zhDict)
		if err != nil {
			b.Fatal(err)
		}
		keep = t
	}
	elapsed := time.Since(t0)
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(elapsed.Milliseconds())/float64(b.N), "ms/load")
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MB-heap-kept")
	runtime.KeepAlive(keep)
}

// BenchmarkLoadGseEmbed measures what gse's own loading of the same
// dictionary costs (gse.NewEmbed), which this package no longer pays.
func BenchmarkLoadGseEmbed(b *testing.B) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	t0 := time.Now()
	var keep []gse.Segmenter
	for i := 0; i < b.N; i++ {
		seg, err := gse.NewEmbed("zh_s")
		if err != nil {
			b.Fatal(err)
		}
		keep = append(keep[:0], seg)
	}
	elapsed := time.Since(t0)
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(elapsed.Milliseconds())/float64(b.N), "ms/load")
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MB-heap-kept")
	runtime.KeepAlive(keep)
}

func BenchmarkCutSentence(b *testing.B) {
	s, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	sentence := "全年开展家庭医生签约服务5.6万人次，完成适龄儿童免疫规划疫苗接种12480剂次"
	b.SetBytes(int64(len(sentence)))
	for i := 0; i < b.N; i++ {
		s.cut(sentence) // uncached: what a new clause costs
	}
}

// TestPrefixRunes: gse scores a path through a rune that starts a word but is
// none (the 1 of 15, which starts 1号店) as impossible, so 调减至15人 cuts at
// the longer first word, not at the likelier 调/减至 (减至 111 > 调减 18).
func TestPrefixRunes(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"调减至15人": "调减/至/15/人",
		"编制调减至":  "编制/调/减至",
	} {
		if got := strings.Join(s.Cut(in), "/"); got != want {
			t.Errorf("Cut(%s) = %s, want %s", in, got, want)
		}
	}
}
