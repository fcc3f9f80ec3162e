package pdf

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
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
	var zero []int64 // in-use entries at offset 0
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
			dict, highest, d = checkXrefTable(data, s+4, highest, &zero)
			if d != nil {
				return d
			}
		default:
			num, _, isObj := objectAt(data, s)
			if !isObj {
				return &xrefDamage{reason: fmt.Sprintf("cross-reference offset %d points at no xref section", off)}
			}
			// An xref stream.
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
			var d *xrefDamage
			if highest, d = checkXrefStream(data, s, s+end+len("stream"), highest); d != nil {
				return d
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
	if num, ok := zeroOffset(data, zero); ok {
		return &xrefDamage{reason: fmt.Sprintf("cross-reference entry for object %d is at offset 0 while the object is in the file", num)}
	}
	return nil
}

// zeroOffset reports the first of nums that is defined ("N G obj") in
// data: an object the table lost.
func zeroOffset(data []byte, nums []int64) (int64, bool) {
	if len(nums) == 0 {
		return 0, false
	}
	want := make(map[int64]bool, len(nums))
	for _, n := range nums {
		want[n] = true
	}
	// Each "obj" keyword, read backwards as "N G obj" (bytes.Index is far
	// faster than the repair scan's regular expression).
	for pos := 0; pos < len(data); {
		i := bytes.Index(data[pos:], []byte("obj"))
		if i < 0 {
			break
		}
		j := pos + i
		pos = j + 3
		k := j
		digits := func() (int64, bool) {
			for k > 0 && isWhite(data[k-1]) {
				k--
			}
			end := k
			for k > 0 && end-k < 10 && data[k-1] >= '0' && data[k-1] <= '9' {
				k--
			}
			if k == end {
				return 0, false
			}
			n, err := strconv.ParseInt(string(data[k:end]), 10, 64)
			return n, err == nil
		}
		if k == 0 || !isWhite(data[k-1]) {
			continue // endobj, or a name
		}
		if _, ok := digits(); !ok {
			continue
		}
		if n, ok := digits(); ok && (k == 0 || isWhite(data[k-1]) || isDelimOrSpace(data[k-1])) && want[n] {
			return n, true
		}
	}
	return 0, false
}

// checkXrefTable checks a classic table starting after its "xref" keyword
// and returns its trailer dictionary and the highest in-use object number.
func checkXrefTable(data []byte, i int, highest int64, zero *[]int64) ([]byte, int64, *xrefDamage) {
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
			if !inUse {
				continue
			}
			if off == 0 {
				// The library reads an in-use entry at offset 0 as a
				// missing object. Some writers mark unused numbers so; an
				// object that does exist would be lost silently, which
				// checkXref tells by looking for it (zeroOffset).
				if num > 0 && len(*zero) < 64 {
					*zero = append(*zero, num)
				}
				continue
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

// maxXrefStream bounds the decoded size of an xref stream checked here.
const maxXrefStream = 64 << 20

// checkXrefStream decodes the xref stream whose dictionary starts at s and
// whose data follows the "stream" keyword at i, and checks each type 1
// entry (an offset) as checkXrefTable does. A stream it cannot decode
// (an indirect /Length, an unusual filter) is left to the library.
func checkXrefStream(data []byte, s, i int, highest int64) (int64, *xrefDamage) {
	dict, ok := (&objParser{b: data, i: skipObjHeader(data, s)}).value().(pdfDict)
	if !ok {
		return highest, nil
	}
	if i < len(data) && data[i] == '\r' {
		i++
	}
	if i < len(data) && data[i] == '\n' {
		i++
	}
	n, ok := dict["Length"].(int64)
	if !ok || n <= 0 || int64(i)+n > int64(len(data)) {
		return highest, nil
	}
	raw := data[i : i+int(n)]
	switch f := dict["Filter"].(type) {
	case nil:
	case pdfName:
		if f != "FlateDecode" {
			return highest, nil
		}
		zr, err := zlib.NewReader(bytes.NewReader(raw))
		if err != nil {
			return highest, nil
		}
		raw, err = io.ReadAll(io.LimitReader(zr, maxXrefStream))
		if err != nil && len(raw) == 0 {
			return highest, nil
		}
	default:
		return highest, nil
	}
	var w [3]int
	wa, _ := dict["W"].([]any)
	if len(wa) != 3 {
		return highest, &xrefDamage{reason: "xref stream /W unreadable"}
	}
	for k := range w {
		v, _ := wa[k].(int64)
		if v < 0 || v > 8 {
			return highest, &xrefDamage{reason: "xref stream /W out of range"}
		}
		w[k] = int(v)
	}
	row := w[0] + w[1] + w[2]
	if row == 0 {
		return highest, nil
	}
	if parms, _ := dict["DecodeParms"].(pdfDict); parms != nil && parms.int("Predictor") >= 10 {
		cols := int(parms.int("Columns"))
		if cols != row {
			return highest, nil
		}
		raw = unpredictPNG(raw, cols)
	}
	index := []int64{0, dict.int("Size")}
	if ia, ok := dict["Index"].([]any); ok {
		index = index[:0]
		for _, v := range ia {
			x, _ := v.(int64)
			index = append(index, x)
		}
	}
	field := func(b []byte) int64 {
		var x int64
		for _, c := range b {
			x = x<<8 | int64(c)
		}
		return x
	}
	pos := 0
	for k := 0; k+1 < len(index); k += 2 {
		for j := int64(0); j < index[k+1] && pos+row <= len(raw); j++ {
			e := raw[pos : pos+row]
			pos += row
			typ := int64(1)
			if w[0] > 0 {
				typ = field(e[:w[0]])
			}
			if typ != 1 {
				continue
			}
			num, off := index[k]+j, field(e[w[0]:w[0]+w[1]])
			if off == 0 {
				continue
			}
			highest = max(highest, num)
			if off >= int64(len(data)) {
				return highest, &xrefDamage{reason: fmt.Sprintf("object %d's offset %d is outside the file", num, off)}
			}
			if got, _, ok := objectAt(data, skipSpace(data, int(off))); !ok || got != num {
				return highest, &xrefDamage{reason: fmt.Sprintf("cross-reference entry for object %d points at offset %d, which holds no such object", num, off)}
			}
		}
	}
	return highest, nil
}

// unpredictPNG undoes the PNG row predictors (PDF 32000-1 §7.4.4.4) of
// rows of cols bytes, each with its filter-type byte first.
func unpredictPNG(raw []byte, cols int) []byte {
	out := make([]byte, 0, len(raw))
	prev := make([]byte, cols)
	for i := 0; i+cols+1 <= len(raw); i += cols + 1 {
		ft, cur := raw[i], append([]byte(nil), raw[i+1:i+1+cols]...)
		for k := range cur {
			var left, upLeft byte
			if k > 0 {
				left, upLeft = cur[k-1], prev[k-1]
			}
			up := prev[k]
			switch ft {
			case 1:
				cur[k] += left
			case 2:
				cur[k] += up
			case 3:
				cur[k] += byte((int(left) + int(up)) / 2)
			case 4:
				p := int(left) + int(up) - int(upLeft)
				pa, pb, pc := abs(p-int(left)), abs(p-int(up)), abs(p-int(upLeft))
				switch {
				case pa <= pb && pa <= pc:
					cur[k] += left
				case pb <= pc:
					cur[k] += up
				default:
					cur[k] += upLeft
				}
			}
		}
		out = append(out, cur...)
		prev = cur
	}
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
