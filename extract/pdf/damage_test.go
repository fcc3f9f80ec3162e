package pdf

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"zipin/extract/doc"
	"zipin/internal/testpdf"
)

// The damaged-file classes of the readers issue, each built from a sound
// two-page PDF written here, so that every variant of the class (which
// byte, how far off, which entry) is covered, not one public file.

const helvetica = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"

// twoPages: objects 1 catalog, 2 pages, 3-4 the pages, 5-6 their content,
// 7 the font. Page 1 shows "Budget 412.60", page 2 "Spent 398.15".
func twoPages() []byte {
	page := func(content int) string {
		return fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 7 0 R >> >> /Contents %d 0 R >>", content)
	}
	return testpdf.Build(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
		page(5), page(6),
		testpdf.Stream("", "BT /F1 12 Tf 72 700 Td (Budget 412.60) Tj ET"),
		testpdf.Stream("", "BT /F1 12 Tf 72 700 Td (Spent 398.15) Tj ET"),
		helvetica,
	)
}

var xrefEntry = regexp.MustCompile(`(?m)^(\d{10}) 00000 n `)

// shiftOffsets adds delta to every in-use xref offset.
func shiftOffsets(data []byte, delta int) []byte {
	return xrefEntry.ReplaceAllFunc(data, func(m []byte) []byte {
		n, _ := strconv.Atoi(string(m[:10]))
		return []byte(fmt.Sprintf("%010d 00000 n ", n+delta))
	})
}

func readBoth(t *testing.T, name string, data []byte) *doc.Document {
	t.Helper()
	d, err := Read(context.Background(), name, data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	text := docText(d)
	if len(d.Pages) != 2 || !strings.Contains(text, "Budget 412.60") || !strings.Contains(text, "Spent 398.15") {
		t.Fatalf("%s: %d pages, text %q", name, len(d.Pages), text)
	}
	return d
}

func hasWarning(d *doc.Document, sub string) bool {
	for _, w := range d.Warnings {
		if strings.Contains(w, sub) {
			return true
		}
	}
	return false
}

// TestHeaderByte: "%PDF-1.x" followed by any byte, not only an end of line.
func TestHeaderByte(t *testing.T) {
	for _, c := range []byte{0, ' ', '\t', 'x', 0x80, '%', 0xff} {
		data := twoPages()
		data[8] = c
		readBoth(t, fmt.Sprintf("header-%#x", c), data)
	}
}

// TestXrefRebuild: every way a table can point wrong is rebuilt, with a
// warning, and both pages are read.
func TestXrefRebuild(t *testing.T) {
	sound := twoPages()
	d := readBoth(t, "sound", sound)
	if len(d.Warnings) != 0 {
		t.Errorf("sound file warned: %q", d.Warnings)
	}
	swapped := func() []byte {
		// The entries of objects 5 and 6 (the two content streams)
		// exchanged: each points at the other object.
		b := append([]byte(nil), sound...)
		m := xrefEntry.FindAllIndex(b, -1)
		e5, e6 := string(b[m[4][0]:m[4][1]]), string(b[m[5][0]:m[5][1]])
		copy(b[m[4][0]:], e6)
		copy(b[m[5][0]:], e5)
		return b
	}
	zeroed := func() []byte {
		// The font's entry (object 7) says in use at offset 0.
		b := append([]byte(nil), sound...)
		m := xrefEntry.FindAllIndex(b, -1)
		copy(b[m[6][0]:], "0000000000")
		return b
	}
	cases := map[string][]byte{
		"entry-at-offset-0":              zeroed(),
		"size-below-highest":             bytes.Replace(sound, []byte("/Size 8 "), []byte("/Size 3 "), 1),
		"entry-points-at-another-object": swapped(),
		"comment-after-eof":              append(append([]byte(nil), sound...), "% written by a signing tool\n"...),
		"nul-padding":                    append(append([]byte(nil), sound...), make([]byte, 500)...),
	}
	for _, delta := range []int{-3, -1, 1, 2, 5} {
		cases[fmt.Sprintf("offsets%+d", delta)] = shiftOffsets(sound, delta)
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			d := readBoth(t, name, data)
			// An offset one byte early lands on the end of line before
			// "N 0 obj", which every reader accepts: no rebuild needed.
			wantWarn := !strings.Contains(name, "eof") && !strings.Contains(name, "padding") && name != "offsets-1"
			if got := hasWarning(d, "rebuilt"); got != wantWarn {
				t.Errorf("rebuilt warning %v, want %v: %q", got, wantWarn, d.Warnings)
			}
		})
	}
}

// TestXrefHugeSubsection: a subsection numbered from 2^32 (or any number
// no real file reaches) is never handed to the library, which would
// allocate a slot per number. The objects are found by scanning; a file
// whose objects hold no text is quarantined naming the damaged table.
func TestXrefHugeSubsection(t *testing.T) {
	for _, start := range []string{"4294967296", "99999999", "00000004294967296"} {
		data := bytes.Replace(twoPages(), []byte("xref\n0 8\n"), []byte("xref\n"+start+" 8\n"), 1)
		d := readBoth(t, start, data)
		if !hasWarning(d, "subsection starts at object") {
			t.Errorf("%s: warnings %q", start, d.Warnings)
		}
	}
	empty := testpdf.Build(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
		testpdf.Stream("", ""),
	)
	data := bytes.Replace(empty, []byte("xref\n0 5\n"), []byte("xref\n0 2\n"), 1)
	data = bytes.Replace(data, []byte(" n \n0000000"), []byte(" n \n4294967296 3\n0000000"), 1)
	_, err := Read(context.Background(), "huge.pdf", data)
	var u *doc.Unreadable
	if !errors.As(err, &u) || !strings.Contains(u.Error(), "cross-reference") || !strings.Contains(u.Error(), "4294967296") {
		t.Errorf("err = %v, want Unreadable naming the cross-reference subsection", err)
	}
}

// xrefStreamPDF writes the two-page PDF with an xref stream instead of a
// table (as Word and qpdf write them): W [1 4 2], rows PNG-Up predicted
// and deflated when flate is set; every offset moved by delta.
func xrefStreamPDF(delta int, flate bool) []byte {
	sound := twoPages()
	body := sound[:bytes.Index(sound, []byte("xref\n"))]
	var offs []int
	for _, h := range findObjHeads(body, -1) {
		offs = append(offs, h.numStart)
	}
	var rows []byte
	row := func(t byte, off, gen int) {
		rows = append(rows, t, byte(off>>24), byte(off>>16), byte(off>>8), byte(off), byte(gen>>8), byte(gen))
	}
	row(0, 0, 65535)
	for _, o := range offs {
		row(1, o+delta, 0)
	}
	xoff := len(body)
	row(1, xoff, 0) // the xref stream itself, object 8
	dict := "/Type /XRef /Size 9 /W [1 4 2] /Root 1 0 R"
	data := rows
	if flate {
		var pred []byte
		prev := make([]byte, 7)
		for i := 0; i < len(rows); i += 7 {
			pred = append(pred, 2)
			for k := 0; k < 7; k++ {
				pred = append(pred, rows[i+k]-prev[k])
			}
			copy(prev, rows[i:i+7])
		}
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write(pred)
		zw.Close()
		data = z.Bytes()
		dict += " /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 7 >>"
	}
	var b bytes.Buffer
	b.Write(body)
	fmt.Fprintf(&b, "8 0 obj\n<< %s /Length %d >>\nstream\n", dict, len(data))
	b.Write(data)
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", xoff)
	return b.Bytes()
}

// TestXrefStreamRebuild: an xref stream whose offsets are a few bytes off
// is rebuilt like a table; a sound one is read as it is.
func TestXrefStreamRebuild(t *testing.T) {
	for _, flate := range []bool{false, true} {
		for _, delta := range []int{0, 2, 3, -4} {
			name := fmt.Sprintf("flate=%v/offsets%+d", flate, delta)
			t.Run(name, func(t *testing.T) {
				d := readBoth(t, name, xrefStreamPDF(delta, flate))
				if got := hasWarning(d, "rebuilt"); got != (delta != 0) {
					t.Errorf("rebuilt warning %v: %q", got, d.Warnings)
				}
			})
		}
	}
}

// TestUnsupportedFilter: a file whose page content is in a filter the
// library cannot decode is quarantined naming the filter, not read as
// empty pages.
func TestUnsupportedFilter(t *testing.T) {
	for _, filter := range []string{"JBIG2Decode", "CCITTFaxDecode"} {
		data := testpdf.Build(
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
			"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
			testpdf.Stream("/Filter /"+filter, "\x80\x0b\x60\x50\x22\x0c\x0c\x85\x01"),
			helvetica,
		)
		_, err := Read(context.Background(), "f.pdf", data)
		if r := unreadableReason(err); !strings.Contains(r, "unsupported stream filter "+filter) {
			t.Errorf("%s: reason %q", filter, r)
		}
	}
}

// The reader's error is typed and does not name the file: the caller adds
// the path once (it used to read "in/b.pdf: in/b.pdf: damaged…").
func TestUnreadableLeavesThePathToTheCaller(t *testing.T) {
	_, err := Read(context.Background(), "in/b.pdf", []byte("%PDF-1.4\nnothing but a header and this line\n"))
	var u *doc.UnreadableError
	if !errors.As(err, &u) || !errors.Is(err, doc.ErrDamaged) || u.Format != doc.FormatPDF {
		t.Fatalf("err = %#v, want a damaged-PDF *doc.UnreadableError", err)
	}
	if strings.Contains(err.Error(), "b.pdf") {
		t.Errorf("reason names the file: %q", err)
	}
	if !strings.HasPrefix(err.Error(), "PDF damaged: ") {
		t.Errorf("reason %q does not start with its kind", err)
	}
}
