// Package segment wraps gse, the Chinese word segmenter, with zipin's domain
// vocabulary. The dictionary is loaded once per process from the copy
// embedded in the binary (gse.NewEmbed), because gse.New reads dictionary
// files from the module cache, which a built binary does not have.
package segment

import (
	"strings"
	"sync"
	"time"

	"github.com/go-ego/gse"
)

// domainWords are budget-performance terms gse's general dictionary splits
// apart. Each becomes one token, so the words before a number can be matched
// against the metric phrases whole. A domain expert may extend the list.
var domainWords = []string{
	"预算执行率", "全年预算数", "全年执行数", "年初预算数", "调整后预算", "自评得分", "自评分数",
	"绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "目标完成率",
	"预算完成率", "执行率", "项目支出", "基本支出", "财政拨款", "上年结转", "年度资金总额",
	"绩效自评", "自评报告", "自评表", "部门整体支出", "满意度", "综合评价得分", "偏差原因",
	"实际支出", "实际到位资金", "资金到位率", "三公经费", "公用经费", "人员经费",
}

var (
	once    sync.Once
	shared  *Segmenter
	loadErr error
)

// Segmenter is a loaded gse segmenter. It is safe for concurrent use.
type Segmenter struct {
	seg      gse.Segmenter
	LoadTime time.Duration
}

// Default returns the process-wide segmenter, loading it on first use.
func Default() (*Segmenter, error) {
	once.Do(func() {
		t0 := time.Now()
		seg, err := gse.NewEmbed("zh_s")
		if err != nil {
			loadErr = err
			return
		}
		for _, w := range domainWords {
			if err := seg.AddToken(w, 100000, "n"); err != nil {
				loadErr = err
				return
			}
		}
		shared = &Segmenter{seg: seg, LoadTime: time.Since(t0)}
	})
	return shared, loadErr
}

// maxCut bounds the text handed to gse in one call: its cost grows badly on
// long strings, so callers pass sentences, and longer input is cut here.
const maxCut = 200

// Cut splits one sentence into words. Callers segment per sentence, not per document.
func (s *Segmenter) Cut(sentence string) []string {
	r := []rune(sentence)
	if len(r) <= maxCut {
		return s.seg.Cut(sentence, true)
	}
	var out []string
	for len(r) > 0 {
		n := min(len(r), maxCut)
		out = append(out, s.seg.Cut(string(r[:n]), true)...)
		r = r[n:]
	}
	return out
}

// LastWords returns up to n words ending at the end of text, nearest last,
// skipping punctuation and spaces.
func (s *Segmenter) LastWords(text string, n int) []string {
	words := s.Cut(text)
	var out []string
	for i := len(words) - 1; i >= 0 && len(out) < n; i-- {
		w := strings.TrimSpace(words[i])
		if w == "" || isPunct(w) {
			continue
		}
		out = append([]string{w}, out...)
	}
	return out
}

func isPunct(w string) bool {
	for _, r := range w {
		if !strings.ContainsRune("，。、；：,.;:！？!?（）()《》“”\"'|", r) {
			return false
		}
	}
	return true
}
