//go:build ignore

// gendict writes zh_s.dict, gse's simplified-Chinese dictionary in the
// form segment loads without parsing or building a trie: every token gse
// keeps after loading (its key, after gse's own splitting and lowercasing,
// and its frequency), sorted by key bytes, one "key\tfreq" a line, after a
// first line "total\t<gse's total frequency>".
//
//	go generate ./segment
//
// Rerun it when go.mod moves gse to another version; the equivalence test
// (ZIPIN_SLOW=1 go test ./segment) proves the table cuts like gse.NewEmbed.
package main

import (
	"bufio"
	"fmt"
	"log"
	"math"
	"os"
	"sort"

	"github.com/go-ego/gse"
)

func main() {
	seg, err := gse.NewEmbed("zh_s")
	if err != nil {
		log.Fatal(err)
	}
	d := seg.Dictionary()
	type entry struct {
		key  string
		freq float64
	}
	entries := make([]entry, 0, d.NumTokens())
	seen := map[string]bool{}
	for i := range d.Tokens {
		tok := &d.Tokens[i]
		k, f := tok.Text(), tok.Freq()
		// gse keeps the first token of a key; frequencies are counts, so
		// sums stay exact in float64 and the table stores integers.
		if seen[k] || f != math.Trunc(f) || f <= 0 {
			log.Fatalf("token %q freq %v: duplicate or not a positive count", k, f)
		}
		seen[k] = true
		entries = append(entries, entry{k, f})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].key < entries[j].key })

	out, err := os.CreateTemp(".", "zh_s.dict.*")
	if err != nil {
		log.Fatal(err)
	}
	w := bufio.NewWriter(out)
	fmt.Fprintf(w, "total\t%.0f\n", d.TotalFreq())
	for _, e := range entries {
		fmt.Fprintf(w, "%s\t%.0f\n", e.key, e.freq)
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := out.Sync(); err != nil {
		log.Fatal(err)
	}
	if err := out.Chmod(0o644); err != nil {
		log.Fatal(err)
	}
	if err := out.Close(); err != nil {
		log.Fatal(err)
	}
	if err := os.Rename(out.Name(), "zh_s.dict"); err != nil {
		log.Fatal(err)
	}
	log.Printf("zh_s.dict: %d tokens, total frequency %.0f", len(entries), d.TotalFreq())
}
