//go:build ignore

// gen.go writes the CID → Unicode tables of the four Adobe CJK character
// collections from Adobe's own Unicode CMaps (cmap-resources, BSD-3-Clause;
// Debian ships them in poppler-data under /usr/share/poppler/cMap). Each
// Uni…-UTF32 CMap maps code points to CIDs; inverted, it gives the text of
// a CID. Run from this folder: go run gen.go [cMap folder]
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
)

// Per collection, the CMaps in order of preference: horizontal forms
// first, so that a CID reachable from both gets the horizontal text;
// vertical CMaps add the vertical-form CIDs (their text is the same
// character).
var collections = []struct {
	name  string
	cmaps []string
}{
	{"Adobe-GB1", []string{"UniGB-UTF32-H", "UniGB-UTF32-V"}},
	{"Adobe-CNS1", []string{"UniCNS-UTF32-H", "UniCNS-UTF32-V"}},
	{"Adobe-Japan1", []string{"UniJIS-UTF32-H", "UniJIS2004-UTF32-H", "UniJISX0213-UTF32-H", "UniJIS-UTF32-V", "UniJIS2004-UTF32-V"}},
	{"Adobe-Korea1", []string{"UniKS-UTF32-H", "UniKS-UTF32-V"}},
}

var (
	cidchar  = regexp.MustCompile(`^<([0-9a-fA-F]+)>\s+(\d+)`)
	cidrange = regexp.MustCompile(`^<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s+(\d+)`)
)

// rank orders candidate code points for one CID: unified ideographs and
// ordinary characters before compatibility ideographs, radicals, private
// use and presentation forms; then the lowest.
func rank(r rune) int {
	switch {
	case r >= 0xE000 && r <= 0xF8FF, r >= 0xF0000:
		return 4
	case r >= 0xF900 && r <= 0xFAFF, r >= 0x2F800 && r <= 0x2FA1F:
		return 3
	case r >= 0x2E80 && r <= 0x2FDF:
		return 2
	case r >= 0xFE10 && r <= 0xFE4F: // vertical and compatibility forms
		return 1
	}
	return 0
}

func main() {
	dir := "/usr/share/poppler/cMap"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	for _, c := range collections {
		table := map[int]rune{}
		for k, name := range c.cmaps {
			pass := map[int]rune{}
			f, err := os.Open(filepath.Join(dir, c.name, name))
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			add := func(cid int, r rune) {
				if old, ok := pass[cid]; !ok || rank(r) < rank(old) || rank(r) == rank(old) && r < old {
					pass[cid] = r
				}
			}
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				line := bytes.TrimSpace(sc.Bytes())
				if m := cidrange.FindSubmatch(line); m != nil {
					lo, _ := strconv.ParseUint(string(m[1]), 16, 32)
					hi, _ := strconv.ParseUint(string(m[2]), 16, 32)
					cid, _ := strconv.Atoi(string(m[3]))
					for u := lo; u <= hi; u++ {
						add(cid+int(u-lo), rune(u))
					}
				} else if m := cidchar.FindSubmatch(line); m != nil {
					u, _ := strconv.ParseUint(string(m[1]), 16, 32)
					cid, _ := strconv.Atoi(string(m[2]))
					add(cid, rune(u))
				}
			}
			f.Close()
			for cid, r := range pass {
				// Later CMaps only fill gaps (JIS2004 glyph variants,
				// vertical forms).
				if _, ok := table[cid]; !ok || k == 0 {
					table[cid] = r
				}
			}
		}
		n := 0
		for cid := range table {
			n = max(n, cid+1)
		}
		raw := make([]byte, 4*n)
		for cid, r := range table {
			binary.LittleEndian.PutUint32(raw[4*cid:], uint32(r))
		}
		var out bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&out, gzip.BestCompression)
		zw.Write(raw)
		zw.Close()
		if err := os.WriteFile(c.name+".bin.gz", out.Bytes(), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("%s: %d CIDs mapped of %d, %d bytes\n", c.name, len(table), n, out.Len())
	}
}
