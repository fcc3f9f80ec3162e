package extract

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"zipin/extract/doc"
	"zipin/extract/docx/tables"
)

func zipOf(t testing.TB, parts map[string]string) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for name, s := range parts {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(s))
	}
	z.Close()
	return buf.Bytes()
}

func TestDetect(t *testing.T) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte("一、部门基本情况\n全年预算数1,234.56万元"))
	cases := []struct {
		name string
		data []byte
		want doc.Format
	}{
		{"pdf", []byte("%PDF-1.7\n..."), doc.FormatPDF},
		{"docx", zipOf(t, map[string]string{"[Content_Types].xml": "", "word/document.xml": ""}), doc.FormatDOCX},
		{"docx upper-case part names", zipOf(t, map[string]string{"Word/Document.xml": ""}), doc.FormatDOCX},
		{"docx without document.xml", zipOf(t, map[string]string{"word/styles.xml": ""}), doc.FormatDOCX},
		{"xlsx", zipOf(t, map[string]string{"xl/workbook.xml": ""}), doc.FormatXLSX},
		{"plain zip", zipOf(t, map[string]string{"a.txt": "x"}), ""},
		{"html with doctype", []byte("<!DOCTYPE html><html><body>x</body></html>"), doc.FormatHTML},
		{"html fragment", []byte("\r\n<div class=\"content\"><p>正文</p></div>"), doc.FormatHTML},
		{"html after a comment", []byte("<!-- saved from url=(0055) -->\n<table><tr><td>x</td></tr></table>"), doc.FormatHTML},
		{"gbk text", gbk, doc.FormatTXT},
		{"jpeg renamed", append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'}, bytes.Repeat([]byte("A"), 500)...), ""},
		{"png renamed", []byte("\x89PNG\r\n\x1a\n" + strings.Repeat("x", 200)), ""},
		{"ole word", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, []byte("W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t\x00")...), doc.FormatDOC},
		{"ole powerpoint", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, []byte("P\x00o\x00w\x00e\x00r\x00P\x00o\x00i\x00n\x00t\x00 \x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t\x00")...), ""},
		{"ole excel", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, []byte("W\x00o\x00r\x00k\x00b\x00o\x00o\x00k\x00")...), doc.FormatXLS},
	}
	for _, c := range cases {
		if got := Detect(c.data); got != c.want {
			t.Errorf("%s: Detect = %q, want %q", c.name, got, c.want)
		}
	}
}

// Fixtures of every format, detected from bytes whatever their names.
func TestDetectFixtures(t *testing.T) {
	want := map[string]doc.Format{".docx": doc.FormatDOCX, ".xlsx": doc.FormatXLSX, ".html": doc.FormatHTML, ".doc": doc.FormatDOC, ".xls": doc.FormatXLS}
	files, _ := filepath.Glob("../testdata/office/*.*")
	for _, f := range files {
		w, ok := want[filepath.Ext(f)]
		if !ok {
			continue
		}
		b, _ := os.ReadFile(f)
		if got := Detect(b); got != w {
			t.Errorf("%s: %q, want %q", f, got, w)
		}
	}
}

// bomb is a DOCX whose document.xml declares size bytes: the directory
// alone must stop it, before anything is inflated.
func bomb(t testing.TB, size int) []byte {
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestSpeed)
	fw.Write(bytes.Repeat([]byte(" "), 1<<16))
	fw.Close()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	w, err := z.CreateRaw(&zip.FileHeader{Name: "word/document.xml", Method: zip.Deflate,
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: uint64(size)})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(comp.Bytes())
	z.Close()
	return buf.Bytes()
}

// lyingBomb declares 100 bytes for an entry that inflates to size bytes.
func lyingBomb(t testing.TB, size int) []byte { return lyingBombIn(t, "word/document.xml", size, nil) }

// lyingBombIn puts the lying entry under name, beside the given parts.
func lyingBombIn(t testing.TB, name string, size int, parts map[string]string) []byte {
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestSpeed)
	chunk := bytes.Repeat([]byte("<"), 1<<20)
	for n := 0; n < size; n += len(chunk) {
		fw.Write(chunk)
	}
	fw.Close()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for n, s := range parts {
		pw, _ := z.Create(n)
		pw.Write([]byte(s))
	}
	w, err := z.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate,
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: 100})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(comp.Bytes())
	z.Close()
	return buf.Bytes()
}

// denseDocx is a valid DOCX of n tiny paragraphs, four elements each.
func denseDocx(t testing.TB, n int) []byte {
	var b strings.Builder
	b.WriteString(`<w:document xmlns:w="w"><w:body>`)
	for i := 0; i < n; i++ {
		b.WriteString(`<w:p><w:r><w:t>x</w:t></w:r></w:p>`)
	}
	b.WriteString(`</w:body></w:document>`)
	return zipOf(t, map[string]string{"word/document.xml": b.String()})
}

func manyEntries(t testing.TB, n int) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for i := 0; i < n; i++ {
		z.Create(fmt.Sprintf("word/media/image%d.png", i))
	}
	z.Close()
	return buf.Bytes()
}

// workbookParts are the parts of a one-sheet workbook but its sheet.
var workbookParts = map[string]string{
	"[Content_Types].xml":        `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
	"_rels/.rels":                `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
	"xl/workbook.xml":            `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
	"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
}

// emptyRowsXLSX is a workbook whose one sheet has n empty <row> elements.
func emptyRowsXLSX(t testing.TB, n int) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	put := func(name, s string) {
		w, _ := z.Create(name)
		w.Write([]byte(s))
	}
	for n, c := range workbookParts {
		put(n, c)
	}
	w, _ := z.Create("xl/worksheets/sheet1.xml")
	w.Write([]byte(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`))
	for i := 1; i <= n; i++ {
		fmt.Fprintf(w, `<row r="%d"/>`, i)
	}
	w.Write([]byte(`</sheetData></worksheet>`))
	z.Close()
	return buf.Bytes()
}

// peakHeap runs f while sampling the heap, and returns the highest heap
// in use above the level before f.
func peakHeap(f func()) uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	f()
	close(done)
	<-stopped
	runtime.ReadMemStats(&ms)
	if ms.HeapInuse > peak.Load() {
		peak.Store(ms.HeapInuse)
	}
	if p := peak.Load(); p > base {
		return p - base
	}
	return 0
}

// TestBadInputReasons: each hostile or broken input is quarantined through
// extract.Read with a reason that names the problem, and reading them all
// keeps the heap far below 300 MB.
func TestBadInputReasons(t *testing.T) {
	gbkPage, err := os.ReadFile("../testdata/office/selfeval-gbk.html")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"zip bomb (declared 300 MB)", bomb(t, 300<<20), "zip bomb"},
		{"zip bomb (declares 100 bytes, inflates 120 MB)", lyingBomb(t, 120<<20), "zip bomb"},
		{"xlsx whose sheet declares 100 bytes, inflates 120 MB", lyingBombIn(t, "xl/worksheets/sheet1.xml", 120<<20, workbookParts), "zip bomb"},
		{"docx of 12 MB with 1.6M elements", denseDocx(t, 400_000), "XML elements"},
		{"zip with 20000 entries", manyEntries(t, 20000), "20000 entries"},
		{"docx missing document.xml", zipOf(t, map[string]string{"[Content_Types].xml": "<Types/>", "word/styles.xml": "<w:styles/>"}), "no main document part"},
		{"renamed jpeg", append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0}, bytes.Repeat([]byte{0x80, 0}, 4000)...), "unrecognized format"},
		{"xlsx with 1,000,000 empty rows", emptyRowsXLSX(t, 1_000_000), "no cell values"},
		{"truncated html", gbkPage[:320], "truncated"},
		{"docx with a DTD", zipOf(t, map[string]string{"word/document.xml": `<!DOCTYPE x [<!ENTITY a "b">]><w:document/>`}), "entity expansion refused"},
	}
	for _, c := range cases {
		var err error
		peak := peakHeap(func() { _, err = Read(context.Background(), c.name, c.data) })
		var u *doc.Unreadable
		if !errors.As(err, &u) {
			t.Errorf("%s: got %v, want an Unreadable", c.name, err)
			continue
		}
		if !strings.Contains(u.Error(), c.want) {
			t.Errorf("%s: reason %q does not mention %q", c.name, u.Error(), c.want)
		}
		t.Logf("%-50s peak heap %4d MB  reason: %s", c.name, peak>>20, u.Error())
		if peak > 300<<20 {
			t.Errorf("%s: peak heap %d MB, over 300 MB", c.name, peak>>20)
		}
	}
}

// TestSelfEvalPDFGrid compares the PDF renderings of the 自评表, when the
// PDF reader's fixtures are there, with the grid every other format gives.
func TestSelfEvalPDFGrid(t *testing.T) {
	pdfs, _ := filepath.Glob("../testdata/pdf/table-*.pdf")
	if len(pdfs) == 0 {
		t.Skip("no testdata/pdf/table-*.pdf fixtures")
	}
	b, err := os.ReadFile("../testdata/office/selfeval-wps.docx")
	if err != nil {
		t.Fatal(err)
	}
	d, err := Read(context.Background(), "selfeval-wps.docx", b)
	if err != nil {
		t.Fatal(err)
	}
	want := tables.Trimmed(d.Pages[0].Blocks[2].Table)
	for _, p := range pdfs {
		b, _ := os.ReadFile(p)
		pd, err := Read(context.Background(), p, b)
		if err != nil {
			t.Logf("%s: %v", p, err)
			continue
		}
		same := false
		for _, pg := range pd.Pages {
			for _, bl := range pg.Blocks {
				if bl.Kind == doc.BlockTable && reflect.DeepEqual(tables.Trimmed(bl.Table), want) {
					same = true
				}
			}
		}
		if !same {
			t.Errorf("%s: no table with the grid DOCX, XLSX and HTML give", filepath.Base(p))
		}
	}
}
