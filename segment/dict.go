package segment

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
)

//go:generate go run gendict.go

// zhDict is gse's simplified-Chinese dictionary as gse holds it after
// loading (see gendict.go): "total\t<sum of frequencies>", then one
// "key\tfreq" a line sorted by key bytes. It is searched where it lies in
// the binary, so there is nothing to load: gse.NewEmbed instead parses
// 352,275 lines, inserts each into a double-array trie and pre-segments
// every token (2.6 s and 127 MB of heap per process, issue 20).
//
//go:embed zh_s.dict
var zhDict string

// table is the sorted dictionary.
type table struct {
	body  string  // the "key\tfreq\n" lines
	total float64 // gse's total frequency over all tokens
}

// DictError reports a malformed dictionary table: Line is 1-based.
type DictError struct {
	Line int
	Err  error
}

func (e *DictError) Error() string { return fmt.Sprintf("dictionary line %d: %v", e.Line, e.Err) }
func (e *DictError) Unwrap() error { return e.Err }

func loadTable(text string) (*table, error) {
	head, body, ok := strings.Cut(text, "\n")
	name, num, _ := strings.Cut(head, "\t")
	total, err := strconv.ParseFloat(num, 64)
	if !ok || name != "total" || err != nil || total <= 0 {
		return nil, &DictError{Line: 1, Err: fmt.Errorf("want total\\t<count>, have %q", head)}
	}
	if body == "" || !strings.HasSuffix(body, "\n") {
		return nil, &DictError{Line: 2, Err: fmt.Errorf("no entries, or no final newline")}
	}
	return &table{body: body, total: total}, nil
}

// search returns the frequency of key (0 when key is not a word) and
// whether any word starts with key. It bisects the lines by byte offset.
func (t *table) search(key string) (freq float64, prefix bool) {
	b := t.body
	lo, hi := 0, len(b) // lo is a line start; the first key >= key starts in [lo, hi]
	for lo < hi {
		mid := lo + (hi-lo)/2
		start := lo + strings.LastIndexByte(b[lo:mid], '\n') + 1
		end := start + strings.IndexByte(b[start:], '\n')
		k, _, _ := strings.Cut(b[start:end], "\t")
		if k < key {
			lo = end + 1
		} else {
			hi = start
		}
	}
	if lo >= len(b) {
		return 0, false
	}
	line := b[lo : lo+strings.IndexByte(b[lo:], '\n')]
	k, f, _ := strings.Cut(line, "\t")
	if k == key {
		n, _ := strconv.ParseFloat(f, 64)
		return n, true
	}
	return 0, strings.HasPrefix(k, key)
}
