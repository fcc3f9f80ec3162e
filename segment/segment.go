// Package segment wraps gse, the Chinese word segmenter, with zipin's domain
// vocabulary.
//
// gse cuts a sentence with its DAG-and-HMM algorithm (Cut with hmm on), and
// what it reads of its dictionary while doing so is the frequency of the
// sentence's own substrings and the dictionary's total frequency. So instead
// of loading all 352,275 words into gse's trie per process (2.6 s and 127 MB,
// issue 20), segment keeps the dictionary as a sorted table prepared at
// generate time (dict.go, gendict.go), and for each sentence hands gse a
// dictionary of just the words in that sentence, with the same total. gse's
// cut is the same as with its full dictionary: TestSameCutsAsGse compares
// them on the shared corpus.
package segment

import (
	"strings"
	"sync"
	"time"
	"unicode/utf8"

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

// domainFreq is the frequency a domain word gets when gse's dictionary does
// not have it; words it has keep gse's frequency (gse keeps the first entry).
const domainFreq = 100000

// Segmenter cuts sentences with gse and the embedded dictionary. It is safe
// for concurrent use.
type Segmenter struct {
	dict   *table
	extra  map[string]float64 // domain words gse's dictionary lacks
	starts map[string]bool    // every prefix of a word in extra
	total  float64            // gse's total frequency, domain words included
	mu     sync.Mutex
	cache  map[string][]string // sentence → its cut, at most cacheSize
	// LoadTime is what Default spent preparing the dictionary.
	LoadTime time.Duration
}

// Default returns the process-wide segmenter, loading it on first use.
func Default() (*Segmenter, error) {
	once.Do(func() {
		t0 := time.Now()
		d, err := loadTable(zhDict)
		if err != nil {
			loadErr = err
			return
		}
		s := &Segmenter{dict: d, extra: map[string]float64{}, starts: map[string]bool{}, total: d.total, cache: map[string][]string{}}
		for _, w := range domainWords {
			if f, _ := d.search(w); f == 0 {
				s.extra[w] = domainFreq
				s.total += domainFreq
				for i := range w {
					s.starts[w[:i]] = true
				}
			}
		}
		// gse's HMM tables are package state, built once here rather than by
		// every per-sentence gse.Segmenter (NotLoadHMM below).
		var g gse.Segmenter
		g.LoadModel()
		s.LoadTime = time.Since(t0)
		shared = s
	})
	return shared, loadErr
}

// lookup returns the frequency of key (0 when it is not a word) and whether
// some word starts with key.
func (s *Segmenter) lookup(key string) (float64, bool) {
	if f, ok := s.extra[key]; ok {
		return f, true
	}
	f, prefix := s.dict.search(key)
	return f, prefix || s.starts[key]
}

// fillers are runes a report's text has no use for (Unicode noncharacters).
// One the sentence lacks keys the tokens that exist only to give gse's
// arithmetic what the whole dictionary gives it.
var fillers = []string{"\uFFFF", "\uFFFE", "\uFDD0", "\uFDD1"}

// gseFor returns a gse segmenter whose dictionary answers every lookup
// gse's cut makes on sentence as gse's whole dictionary would:
//   - the words that occur in sentence, with their frequencies;
//   - each rune of sentence that is no word but starts one: gse scores a
//     path through such a rune log(0), through an unknown rune log(1/total),
//     so the rune must exist as a prefix (a token rune+filler);
//   - a token filler carrying the rest of the total frequency, which every
//     path score divides by.
//
// Substrings that only start words matter to gse nowhere else.
func (s *Segmenter) gseFor(sentence string) *gse.Segmenter {
	g := &gse.Segmenter{NotLoadHMM: true, Dict: gse.NewDict()}
	low := sentence
	if gse.ToLower {
		low = strings.ToLower(sentence)
	}
	fill := fillers[0]
	for _, f := range fillers {
		if !strings.Contains(low, f) {
			fill = f
			break
		}
	}
	sum := 0.0
	added := map[string]bool{}
	add := func(w string, f float64) {
		if !added[w] {
			added[w] = true
			g.AddToken(w, f)
			sum += f
		}
	}
	for i := range low {
		// extend the word while some dictionary word starts with it
		for j := i; j < len(low); {
			_, size := utf8.DecodeRuneInString(low[j:])
			single := j == i
			j += size
			w := low[i:j]
			f, prefix := s.lookup(w)
			if f > 0 {
				add(w, f)
			} else if single && prefix {
				add(w+fill, 1)
			}
			if !prefix {
				break
			}
		}
	}
	g.AddToken(fill, s.total-sum)
	return g
}

// maxCut bounds the text handed to gse in one call: its cost grows badly on
// long strings, so callers pass sentences, and longer input is cut here.
const maxCut = 200

// cacheSize bounds the cuts kept: the same clauses (a form's row labels,
// the words before 万元) recur on every page and in every report of a batch.
const cacheSize = 8192

// Cut splits one sentence into words. Callers segment per sentence, not per
// document. The result is the caller's to keep and change.
func (s *Segmenter) Cut(sentence string) []string {
	s.mu.Lock()
	words, ok := s.cache[sentence]
	s.mu.Unlock()
	if !ok {
		words = s.cut(sentence)
		s.mu.Lock()
		if len(s.cache) >= cacheSize {
			clear(s.cache) // crude, but a batch's clauses fill it again at once
		}
		s.cache[sentence] = words
		s.mu.Unlock()
	}
	return append([]string(nil), words...)
}

func (s *Segmenter) cut(sentence string) []string {
	r := []rune(sentence)
	if len(r) <= maxCut {
		return s.gseFor(sentence).Cut(sentence, true)
	}
	var out []string
	for len(r) > 0 {
		n := min(len(r), maxCut)
		chunk := string(r[:n])
		out = append(out, s.gseFor(chunk).Cut(chunk, true)...)
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
