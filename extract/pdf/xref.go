package pdf

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
)

// zipin reads the cross-reference sections itself, before the library does,
// to decide whether they can be trusted. The library believes every entry:
// it drops objects numbered at or above the trailer's /Size (a whole family
// of real files has a /Size that is too small), reads whatever sits at an
// offset that is a few bytes off, and allocates one table slot per object
// number up to a subsection's start (2^32 costs 137 GB). Any of these makes
// the reader rebuild the table by scanning for objects (repair.go), as
// poppler does; the reason is kept for the warning and, when the rebuild
// fails too, for the quarantine.

// xrefDamage is what is wrong with the file's cross-reference data.
type xrefDamage struct {
	reason string
	// fatal: the library must not see the original table at all (it would
	// allocate without bound); only a rebuilt table may be used.
	fatal bool
}

// maxObjectNumber bounds the object numbers of a plausible file: one table
// slot per number is allocated up to the largest (same bound as /Size).
const maxObjectNumber = maxXrefSize

var (
	sizeKey  = regexp.MustCompile(`/Size\s+(\d{1,19})`)
	prevKey  = regexp.MustCompile(`/Prev\s+(\d{1,19})`)
	indexKey = regexp.MustCompile(`/Index\s*\[([\d\s]*)\]`)
)

// checkXref follows startxref and the /Prev chain and checks every section:
// subsections within bounds, each in-use entry pointing at "N G obj" of its
// own number, no entry at or above /Size. It returns nil for a table the
// library can be trusted with.
func checkXref(data []byte) *xrefDamage {
	i := bytes.LastIndex(data, []byte("startxref"))
	if i < 0 {
		return &xrefDamage{reason: "no startxref"}
	}
	off, _, ok := readInt(data, i+9)
	if !ok || off <= 0 || off >= int64(len(data)) {
		return &xrefDamage{reason: "startxref points outside the file"}
	}
	size, highest := int64(-1), int64(-1)
	seen := map[int64]bool{}
	for hops := 0; off > 0 && hops < 64 && !seen[off]; hops++ {
		seen[off] = true
		if off >= int64(len(data)) {
			return &xrefDamage{reason: fmt.Sprintf("/Prev offset %d is outside the file", off)}
		}
		s := skipSpace(data, int(off))
		var dict []byte
		switch {
		case bytes.HasPrefix(data[s:], []byte("xref")):
			var d *xrefDamage
			dict, highest, d = checkXrefTable(data, s+4, highest)
			if d != nil {
				return d
			}
		default:
			num, _, isObj := objectAt(data, s)
			if !isObj {
				return &xrefDamage{reason: fmt.Sprintf("cross-reference offset %d points at no xref section", off)}
			}
			// An xref stream: its entries are compressed; bounds are
			// checked here, entries that point wrong show when an object
			// fails to load.
			end := bytes.Index(data[s:min(len(data), s+4096)], []byte("stream"))
			if end < 0 {
				return &xrefDamage{reason: fmt.Sprintf("xref stream object %d has no stream", num)}
			}
			dict = data[s : s+end]
			if m := indexKey.FindSubmatch(dict); m != nil {
				f := bytes.Fields(m[1])
				for k := 0; k+1 < len(f); k += 2 {
					a, err1 := strconv.ParseInt(string(f[k]), 10, 64)
					n, err2 := strconv.ParseInt(string(f[k+1]), 10, 64)
					if err1 != nil || err2 != nil || a > maxObjectNumber || n > maxObjectNumber {
						return &xrefDamage{reason: fmt.Sprintf("xref stream subsection %s %s is beyond any real file", f[k], f[k+1]), fatal: true}
					}
				}
			}
		}
		if size < 0 {
			if m := sizeKey.FindSubmatch(dict); m != nil {
				size, _ = strconv.ParseInt(string(m[1]), 10, 64)
			}
		}
		off = 0
		if m := prevKey.FindSubmatch(dict); m != nil {
			off, _ = strconv.ParseInt(string(m[1]), 10, 64)
		}
	}
	if size >= 0 && highest >= size {
		return &xrefDamage{reason: fmt.Sprintf("trailer /Size %d is below object %d", size, highest)}
	}
	return nil
}

// checkXrefTable checks a classic table starting after its "xref" keyword
// and returns its trailer dictionary and the highest in-use object number.
func checkXrefTable(data []byte, i int, highest int64) ([]byte, int64, *xrefDamage) {
	for {
		i = skipSpace(data, i)
		if i >= len(data) {
			return nil, highest, &xrefDamage{reason: "cross-reference table runs to the end of the file"}
		}
		if bytes.HasPrefix(data[i:], []byte("trailer")) {
			end := bytes.Index(data[i:], []byte("startxref"))
			if end < 0 {
				end = min(len(data)-i, 4096)
			}
			return data[i : i+end], highest, nil
		}
		start, j, ok1 := readInt(data, i)
		count, j, ok2 := readInt(data, j)
		if !ok1 || !ok2 {
			return nil, highest, &xrefDamage{reason: "cross-reference subsection header unreadable"}
		}
		if start > maxObjectNumber || count > maxObjectNumber || start+count > maxObjectNumber {
			return nil, highest, &xrefDamage{reason: fmt.Sprintf("cross-reference subsection starts at object %d, beyond any real file", start), fatal: true}
		}
		i = j
		for k := int64(0); k < count; k++ {
			off, j, ok1 := readInt(data, i)
			_, j, ok2 := readInt(data, j)
			j = skipSpace(data, j)
			if !ok1 || !ok2 || j >= len(data) || data[j] != 'n' && data[j] != 'f' {
				return nil, highest, &xrefDamage{reason: fmt.Sprintf("cross-reference entry for object %d unreadable", start+k)}
			}
			inUse := data[j] == 'n'
			i = j + 1
			num := start + k
			if !inUse || off == 0 {
				continue // the library, like the format, ignores these
			}
			highest = max(highest, num)
			if off >= int64(len(data)) {
				return nil, highest, &xrefDamage{reason: fmt.Sprintf("object %d's offset %d is outside the file", num, off)}
			}
			if got, _, ok := objectAt(data, skipSpace(data, int(off))); !ok || got != num {
				return nil, highest, &xrefDamage{reason: fmt.Sprintf("cross-reference entry for object %d points at offset %d, which holds no such object", num, off)}
			}
		}
	}
}

// objectAt reads "N G obj" at i.
func objectAt(data []byte, i int) (num, gen int64, ok bool) {
	num, j, ok1 := readInt(data, i)
	gen, j, ok2 := readInt(data, j)
	j = skipSpace(data, j)
	if !ok1 || !ok2 || !bytes.HasPrefix(data[j:], []byte("obj")) {
		return 0, 0, false
	}
	return num, gen, true
}

// readInt reads an unsigned decimal integer after optional white space.
func readInt(data []byte, i int) (int64, int, bool) {
	i = skipSpace(data, i)
	j := i
	for j < len(data) && j-i < 19 && data[j] >= '0' && data[j] <= '9' {
		j++
	}
	if j == i || j < len(data) && data[j] >= '0' && data[j] <= '9' {
		return 0, j, false
	}
	n, err := strconv.ParseInt(string(data[i:j]), 10, 64)
	return n, j, err == nil
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && isWhite(data[i]) {
		i++
	}
	return i
}
