package pdf

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
)

// Downloaded reports are often damaged at the end (a cut-off transfer) or
// carry a stale xref table (edited by hand, re-saved badly). The library
// then refuses the file; poppler rebuilds the table by scanning for
// objects, and so does zipin: it appends a fresh xref section and trailer
// and lets the library read that.

var (
	rootRef = regexp.MustCompile(`/Root\s+(\d+)\s+(\d+)\s+R`)
	infoRef = regexp.MustCompile(`/Info\s+(\d+)\s+(\d+)\s+R`)
	encRef  = regexp.MustCompile(`/Encrypt\s+(\d+)\s+(\d+)\s+R`)
	idArray = regexp.MustCompile(`/ID\s*\[[^\]]{0,400}\]`)
	catalog = regexp.MustCompile(`/Type\s*/Catalog\b`)
)

const maxRepairObjects = 1 << 20

// objHead is one object header "N G obj" found in a file: byte offsets of
// the match (from the white space or line start before N to the end of
// "obj"), of N and of G.
type objHead struct {
	start, numStart, numEnd, genStart, genEnd, end int
}

// findObjHeads returns the object headers of data in order, at most limit
// (all when limit < 0): a run of 1–7 digits at the start of data or after
// white space, white space, 1–5 digits, white space, and "obj" not followed
// by a letter, digit or '_' — what the regular expression
// (?m)(?:^|[\r\n\s])(\d{1,7})\s+(\d{1,5})\s+obj\b matches, white space
// being PDF's and the expression's [\t\n\f\r ]. It looks for "obj" and
// reads backwards from it, which is dozens of times faster than the
// expression over a file of compressed streams, and a damaged or
// encrypted file is scanned this way whole (twice when it is decrypted).
func findObjHeads(data []byte, limit int) []objHead {
	var out []objHead
	for i := 0; limit < 0 || len(out) < limit; {
		k := bytes.Index(data[i:], []byte("obj"))
		if k < 0 {
			break
		}
		k += i
		i = k + len("obj")
		if h, ok := objHeadBefore(data, k); ok {
			out = append(out, h)
		}
	}
	return out
}

// objHeadBefore reads "N G " backwards from the "obj" at data[k:].
func objHeadBefore(data []byte, k int) (objHead, bool) {
	h := objHead{end: k + len("obj")}
	if h.end < len(data) && isWordByte(data[h.end]) {
		return h, false
	}
	j := skipBack(data, k, isSpaceByte)
	if j == k {
		return h, false
	}
	h.genEnd = j
	h.genStart = skipBack(data, j, isDigitByte)
	if n := h.genEnd - h.genStart; n < 1 || n > 5 {
		return h, false
	}
	j = skipBack(data, h.genStart, isSpaceByte)
	if j == h.genStart {
		return h, false
	}
	h.numEnd = j
	h.numStart = skipBack(data, j, isDigitByte)
	if n := h.numEnd - h.numStart; n < 1 || n > 7 {
		return h, false
	}
	switch {
	case h.numStart == 0:
		h.start = 0
	case isSpaceByte(data[h.numStart-1]):
		h.start = h.numStart - 1
	default:
		return h, false
	}
	return h, true
}

// skipBack returns the start of the run of bytes satisfying in that ends
// at data[end].
func skipBack(data []byte, end int, in func(byte) bool) int {
	for end > 0 && in(data[end-1]) {
		end--
	}
	return end
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

func isWordByte(c byte) bool {
	return isDigitByte(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

type xentry struct {
	off, gen int
}

// repairXref returns data with a rebuilt xref section appended, or nil when
// no object or no catalog can be found. Objects inside object streams
// (PDF 1.5, as Word writes them) are found in a second pass that reads the
// object streams through a first rebuilt table, and the final section is
// then an xref stream, which can point into object streams.
func repairXref(data []byte) []byte {
	objs, maxNum, root, extra := scanObjects(data)
	if objs == nil {
		return nil
	}
	var stms []int
	for num, e := range objs {
		head := data[e.off:min(len(data), e.off+300)]
		if bytes.Contains(head, []byte("/ObjStm")) {
			stms = append(stms, num)
		}
	}
	first := appendXrefTable(data, objs, maxNum, root, extra, stms)
	if len(stms) == 0 {
		return first
	}
	r, err := newReader(first)
	if err != nil {
		return first
	}
	type inStream struct{ stm, idx int }
	packed := map[int]inStream{}
	list := r.Trailer().Key("ZipinObjStm")
	for i, stm := range stms {
		v := list.Index(i)
		body, _ := readStream(v, 64<<20)
		n, firstOff := int(v.Key("N").Int64()), int(v.Key("First").Int64())
		if n <= 0 || firstOff <= 0 || firstOff > len(body) {
			continue
		}
		lx := &psLexer{b: body[:firstOff]}
		type member struct{ num, off int }
		var members []member
		for k := 0; k < n; k++ {
			a, ok1 := lx.next()
			o, ok2 := lx.next()
			if !ok1 || !ok2 {
				break
			}
			num, err1 := strconv.Atoi(a.s)
			off, err2 := strconv.Atoi(o.s)
			if err1 != nil || err2 != nil || num <= 0 || num > 10*len(objs)+10000 {
				continue
			}
			members = append(members, member{num, off})
			if _, top := objs[num]; !top {
				packed[num] = inStream{stm, k}
				maxNum = max(maxNum, num)
			}
		}
		// The catalog may itself be packed, with the trailer lost.
		for k, m := range members {
			end := len(body)
			if k+1 < len(members) {
				end = firstOff + members[k+1].off
			}
			start := firstOff + m.off
			if root == "" && start >= 0 && start < end && end <= len(body) && catalog.Match(body[start:end]) {
				root = fmt.Sprintf("%d 0 R", m.num)
			}
		}
	}
	if root == "" {
		return first
	}
	// The xref stream: type 1 = offset, type 2 = (object stream, index).
	size := maxNum + 2
	var rows bytes.Buffer
	for n := 0; n < size-1; n++ {
		switch {
		case objs[n] != (xentry{}) && n > 0:
			e := objs[n]
			rows.Write([]byte{1, byte(e.off >> 24), byte(e.off >> 16), byte(e.off >> 8), byte(e.off), byte(e.gen >> 8), byte(e.gen)})
		case packed[n] != (inStream{}):
			p := packed[n]
			rows.Write([]byte{2, byte(p.stm >> 24), byte(p.stm >> 16), byte(p.stm >> 8), byte(p.stm), byte(p.idx >> 8), byte(p.idx)})
		default:
			rows.Write([]byte{0, 0, 0, 0, 0, 0xFF, 0xFF})
		}
	}
	var b bytes.Buffer
	b.Write(data)
	b.WriteString("\n")
	off := b.Len()
	rows.Write([]byte{1, byte(off >> 24), byte(off >> 16), byte(off >> 8), byte(off), 0, 0})
	fmt.Fprintf(&b, "%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root %s%s /Length %d >>\nstream\n", size-1, size, root, extra, rows.Len())
	b.Write(rows.Bytes())
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", off)
	return b.Bytes()
}

// scanObjects finds every "N G obj" in data, the catalog reference and the
// trailer entries worth keeping (/Info, /Encrypt, /ID).
func scanObjects(data []byte) (objs map[int]xentry, maxNum int, root, extra string) {
	objs = map[int]xentry{}
	for _, h := range findObjHeads(data, maxRepairObjects) {
		start := h.numStart // the object number
		num, err1 := strconv.Atoi(string(data[h.numStart:h.numEnd]))
		gen, err2 := strconv.Atoi(string(data[h.genStart:h.genEnd]))
		if err1 != nil || err2 != nil || num == 0 {
			continue
		}
		objs[num] = xentry{start, gen} // a later definition (an update) wins
		maxNum = max(maxNum, num)
	}
	if len(objs) == 0 {
		return nil, 0, "", ""
	}
	// An object number far beyond the count found is damage (or an attack:
	// the table has one entry per number up to the largest).
	limit := 10*len(objs) + 10000
	maxNum = 0
	for num := range objs {
		if num > limit {
			delete(objs, num)
		} else {
			maxNum = max(maxNum, num)
		}
	}
	ref := func(re *regexp.Regexp) string {
		all := re.FindAllSubmatch(data, -1)
		if len(all) == 0 {
			return ""
		}
		m := all[len(all)-1]
		return fmt.Sprintf("%s %s R", m[1], m[2])
	}
	root = ref(rootRef)
	if root == "" {
		// No trailer survived: the catalog is the object holding /Type /Catalog.
		if loc := catalog.FindIndex(data); loc != nil {
			best := -1
			for num, e := range objs {
				if e.off < loc[0] && (best < 0 || e.off > objs[best].off) {
					best = num
				}
			}
			if best >= 0 {
				root = fmt.Sprintf("%d %d R", best, objs[best].gen)
			}
		}
	}
	if info := ref(infoRef); info != "" {
		extra += " /Info " + info
	}
	if enc := ref(encRef); enc != "" {
		extra += " /Encrypt " + enc
		if ids := idArray.FindAll(data, -1); len(ids) > 0 {
			extra += " " + string(ids[len(ids)-1])
		}
	}
	return objs, maxNum, root, extra
}

// appendXrefTable appends a classic xref table and trailer. stms, the
// object streams, are listed under a private trailer key so that the
// second pass can reach them through the library.
func appendXrefTable(data []byte, objs map[int]xentry, maxNum int, root, extra string, stms []int) []byte {
	if root == "" && len(stms) == 0 {
		return nil
	}
	var b bytes.Buffer
	b.Write(data)
	b.WriteString("\n")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", maxNum+1)
	for n := 1; n <= maxNum; n++ {
		if e, ok := objs[n]; ok {
			fmt.Fprintf(&b, "%010d %05d n \n", e.off, e.gen)
		} else {
			b.WriteString("0000000000 65535 f \n")
		}
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d", maxNum+1)
	if root != "" {
		fmt.Fprintf(&b, " /Root %s", root)
	}
	b.WriteString(extra)
	if len(stms) > 0 {
		b.WriteString(" /ZipinObjStm [")
		for _, n := range stms {
			fmt.Fprintf(&b, "%d %d R ", n, objs[n].gen)
		}
		b.WriteString("]")
	}
	fmt.Fprintf(&b, " >>\nstartxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes()
}
