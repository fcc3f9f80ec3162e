// Package testpdf writes small raw PDFs for tests, so a test can say, object
// by object, what is in the PDF it reads (a cut ToUnicode CMap, a bad
// filter, a form XObject) without a binary fixture.
package testpdf

import (
	"bytes"
	"fmt"
)

// Build writes a PDF 1.4 file from object bodies, object i+1 being objs[i]
// (object 1 must be the catalog), with a binary-marker comment, a correct
// xref table of byte offsets and a trailer whose /Root is object 1.
func Build(objs ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// Stream is a stream object's body: the dictionary entries dict (without
// << >>) plus a /Length of len(data) bytes, then data unfiltered.
func Stream(dict, data string) string {
	return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
}
