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
	objHeader = regexp.MustCompile(`(?m)(?:^|[\r\n\s])(\d{1,7})\s+(\d{1,5})\s+obj\b`)
	rootRef   = regexp.MustCompile(`/Root\s+(\d+)\s+(\d+)\s+R`)
	infoRef   = regexp.MustCompile(`/Info\s+(\d+)\s+(\d+)\s+R`)
	encRef    = regexp.MustCompile(`/Encrypt\s+(\d+)\s+(\d+)\s+R`)
	idArray   = regexp.MustCompile(`/ID\s*\[[^\]]{0,400}\]`)
	catalog   = regexp.MustCompile(`/Type\s*/Catalog\b`)
)

const maxRepairObjects = 1 << 20

// repairXref returns data with a rebuilt xref section appended, or nil when
// no object or no catalog can be found.
func repairXref(data []byte) []byte {
	type entry struct {
		off int
		gen int
	}
	objs := map[int]entry{}
	maxNum := 0
	var offs []int
	for _, m := range objHeader.FindAllSubmatchIndex(data, maxRepairObjects) {
		start := m[2] // the object number
		num, err1 := strconv.Atoi(string(data[m[2]:m[3]]))
		gen, err2 := strconv.Atoi(string(data[m[4]:m[5]]))
		if err1 != nil || err2 != nil || num == 0 {
			continue
		}
		objs[num] = entry{start, gen} // a later definition (an update) wins
		maxNum = max(maxNum, num)
		offs = append(offs, start)
	}
	if len(objs) == 0 {
		return nil
	}
	ref := func(re *regexp.Regexp) string {
		all := re.FindAllSubmatch(data, -1)
		if len(all) == 0 {
			return ""
		}
		m := all[len(all)-1]
		return fmt.Sprintf("%s %s R", m[1], m[2])
	}
	root := ref(rootRef)
	if root == "" {
		// No trailer survived: the catalog is the object holding /Type /Catalog.
		loc := catalog.FindIndex(data)
		if loc == nil {
			return nil
		}
		best := -1
		for num, e := range objs {
			if e.off < loc[0] && (best < 0 || e.off > objs[best].off) {
				best = num
			}
		}
		if best < 0 {
			return nil
		}
		root = fmt.Sprintf("%d %d R", best, objs[best].gen)
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
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %s", maxNum+1, root)
	if info := ref(infoRef); info != "" {
		fmt.Fprintf(&b, " /Info %s", info)
	}
	if enc := ref(encRef); enc != "" {
		fmt.Fprintf(&b, " /Encrypt %s", enc)
		if ids := idArray.FindAll(data, -1); len(ids) > 0 {
			fmt.Fprintf(&b, " %s", ids[len(ids)-1])
		}
	}
	fmt.Fprintf(&b, " >>\nstartxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes()
}
