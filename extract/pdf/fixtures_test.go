package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"zipin/extract/doc"
	"zipin/internal/testenv"
)

const fixtureDir = "../../testdata/pdf"

func fixture(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(fixtureDir, name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("fixture %s missing (regenerate with sh testdata/pdf/gen.sh): %v", name, err)
	}
	return p
}

var (
	headRE    = regexp.MustCompile(`(?s)<head>.*?</head>|<!--.*?-->`)
	tagRE     = regexp.MustCompile(`<[^>]*>`)
	sourceFor = map[string]string{
		"report-chromium.pdf":    "../../testdata/src/report-pdf.html",
		"report-libreoffice.pdf": "../../testdata/src/report-pdf.html",
		"twocol-chromium.pdf":    "../../testdata/pdf/src-twocol.html",
		"longtable-chromium.pdf": "../../testdata/pdf/src-longtable.html",
		"table-chromium.pdf":     "../../testdata/src/selfeval-table.html",
		"table-libreoffice.pdf":  "../../testdata/src/selfeval-table.html",
		"table-cairo.pdf":        "../../testdata/src/selfeval-table.html",
		"table-gs.pdf":           "../../testdata/src/selfeval-table.html",
		"table-xobject.pdf":      "../../testdata/src/selfeval-table.html",
		"enc-empty-user.pdf":     "../../testdata/src/selfeval-table.html",
		"table-objstm.pdf":       "../../testdata/src/selfeval-table.html",
	}
)

// htmlText is the visible text of a source document, in document order.
func htmlText(t testing.TB, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := headRE.ReplaceAllString(string(b), "")
	return html.UnescapeString(tagRE.ReplaceAllString(s, "\n"))
}

// flowText is the document's text with each table cell once, in row-major
// anchor order: the order the cells have in the HTML source.
func flowText(d *doc.Document) string {
	var b strings.Builder
	for _, p := range d.Pages {
		for _, bl := range p.Blocks {
			if bl.Kind == doc.BlockTable {
				for _, c := range bl.Table.Cells {
					b.WriteString(c.Text)
					b.WriteByte('\n')
				}
				continue
			}
			b.WriteString(bl.Text())
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// TestFixtureText: each producer's PDF gives exactly the source's CJK text,
// in order, with nothing extra (running headers, page numbers, doubled
// table text) and nothing missing.
func TestFixtureText(t *testing.T) {
	for pdfName, src := range sourceFor {
		t.Run(pdfName, func(t *testing.T) {
			d := readFile(t, fixture(t, pdfName))
			got, want := cjkOf(flowText(d)), cjkOf(htmlText(t, src))
			if got != want {
				t.Errorf("CJK text differs at rune %d\n got %s\nwant %s", diffAt(got, want), got, want)
			}
			for _, p := range d.Pages {
				if p.Quality < 0.99 || p.Method != methodToUnicode {
					t.Errorf("page %d: method %q quality %.3f, want tounicode ≥ 0.99", p.Number, p.Method, p.Quality)
				}
			}
		})
	}
}

func diffAt(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	for i := range min(len(ra), len(rb)) {
		if ra[i] != rb[i] {
			return i
		}
	}
	return min(len(ra), len(rb))
}

// TestTableGridAcrossProducers: the 自评表 comes out as the same grid, with
// the merged cells of the source, whoever made the PDF.
func TestTableGridAcrossProducers(t *testing.T) {
	var ref [][]string
	for _, name := range []string{"table-chromium.pdf", "table-libreoffice.pdf", "table-cairo.pdf", "table-gs.pdf", "table-xobject.pdf"} {
		d := readFile(t, fixture(t, name))
		tabs := tablesOf(d)
		if len(tabs) != 1 {
			t.Errorf("%s: %d tables, want 1", name, len(tabs))
			continue
		}
		tb := tabs[0]
		if tb.Rows != 17 || tb.Cols != 9 {
			t.Errorf("%s: %dx%d grid, want 17x9", name, tb.Rows, tb.Cols)
		}
		g := tb.Grid()
		if ref == nil {
			ref = g
			checkSelfEvalGrid(t, name, tb)
			continue
		}
		if !reflect.DeepEqual(g, ref) {
			t.Errorf("%s: grid differs from table-chromium.pdf\n got %q\nwant %q", name, g, ref)
		}
	}
}

func checkSelfEvalGrid(t *testing.T, name string, tb *doc.Table) {
	g := tb.Grid()
	cell := func(r, c int) string {
		if r < len(g) && c < len(g[r]) {
			return g[r][c]
		}
		return "<none>"
	}
	checks := []struct {
		r, c int
		want string
	}{
		{0, 0, "项目名称"}, {0, 2, "城乡困难群众临时救助资金"}, {0, 8, "城乡困难群众临时救助资金"},
		{2, 0, "项目资金（万元）"}, {5, 1, "项目资金（万元）"}, // rowspan 4 × colspan 2
		{3, 2, "年度资金总额"}, {3, 7, "94.1%"}, {3, 8, "9.4"},
		{4, 2, "其中：当年财政拨款"}, // wrapped in the cell, joined
		{8, 0, "绩效指标"}, {16, 0, "绩效指标"}, {9, 1, "产出指标"}, {12, 1, "产出指标"},
		{12, 8, "部分乡镇审批材料补正时间较长，下一步压缩审批时限。"},
		{16, 1, "总分"}, {16, 5, "总分"}, {16, 7, "95.4"},
	}
	for _, c := range checks {
		if got := cell(c.r, c.c); got != c.want {
			t.Errorf("%s: cell (%d,%d) = %q, want %q", name, c.r, c.c, got, c.want)
		}
	}
	var anchor *doc.Cell
	for i := range tb.Cells {
		if tb.Cells[i].Row == 2 && tb.Cells[i].Col == 0 {
			anchor = &tb.Cells[i]
		}
	}
	if anchor == nil || anchor.RowSpan != 4 || anchor.ColSpan != 2 {
		t.Errorf("%s: 项目资金 cell = %+v, want rowspan 4 colspan 2", name, anchor)
	}
}

func tablesOf(d *doc.Document) []*doc.Table {
	var out []*doc.Table
	for _, p := range d.Pages {
		for _, b := range p.Blocks {
			if b.Kind == doc.BlockTable {
				out = append(out, b.Table)
			}
		}
	}
	return out
}

// TestFurniture: the Chromium report carries a running header and "- n -"
// page numbers in its margins; none of it reaches the text, while the title
// (which shares words with the header) stays.
func TestFurniture(t *testing.T) {
	d := readFile(t, fixture(t, "report-chromium.pdf"))
	if len(d.Pages) < 2 {
		t.Fatalf("%d pages, want ≥ 2", len(d.Pages))
	}
	all := docText(d)
	if strings.Contains(all, "青溪县农业农村局部门整体支出绩效自评报告") {
		t.Errorf("running header kept:\n%s", all)
	}
	if regexp.MustCompile(`(?m)^\s*-\s*\d+\s*-\s*$`).MatchString(all) {
		t.Errorf("page number kept:\n%s", all)
	}
	if !strings.Contains(all, "青溪县农业农村局2023年度部门整体支出绩效自评报告") {
		t.Errorf("title lost")
	}
	// The raw page does have the furniture: prove the test can fail.
	raw, _ := os.ReadFile(fixture(t, "report-chromium.pdf"))
	pd, err := readPageForTest(raw, 2)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range pd.lines {
		found = found || strings.TrimSpace(l.text) == "- 2 -"
	}
	if !found {
		t.Errorf("fixture has no '- 2 -' footer on page 2; the furniture test proves nothing")
	}
}

// TestReportLayout: line geometry, font sizes, the table in the flow.
func TestReportLayout(t *testing.T) {
	d := readFile(t, fixture(t, "report-libreoffice.pdf"))
	p := d.Pages[0]
	first := p.Blocks[0].Lines[0]
	if first.Text != "青溪县农业农村局2023年度部门整体支出绩效自评报告" || first.FontSize != 18 || !first.Bold {
		t.Errorf("title line = %+v", first)
	}
	if first.Box.Y0 <= 0 || first.Box.Y0 > 200 || first.Box.X1 <= first.Box.X0 {
		t.Errorf("title box %+v not near the top of the page", first.Box)
	}
	var prevY float64
	sawTable := false
	for _, b := range p.Blocks {
		if b.Kind == doc.BlockTable {
			sawTable = true
			if g := b.Table.Grid(); len(g) != 5 || g[4][4] != "95.2%" || g[0][1] != "预算数（万元）" || g[0][2] != "预算数（万元）" {
				t.Errorf("budget table grid = %q", g)
			}
			continue
		}
		for _, l := range b.Lines {
			if l.Box.Y0 < prevY {
				t.Errorf("line %q above the previous one", l.Text)
			}
			prevY = l.Box.Y0
			if strings.Contains(l.Text, "598.20") {
				t.Errorf("table text also in the flow: %q", l.Text)
			}
		}
	}
	if !sawTable {
		t.Errorf("budget table not found on page 1")
	}
	if !strings.Contains(docText(d), "年初预算数1,234.56万元") {
		t.Errorf("numbers not joined with their CJK context")
	}
}

// TestTwoColumns: the left column is read before the right one.
func TestTwoColumns(t *testing.T) {
	all := docText(readFile(t, fixture(t, "twocol-chromium.pdf")))
	order := []string{"左栏第一段", "左栏第二段", "左栏第三段", "右栏第一段", "右栏第二段", "右栏第三段"}
	last := -1
	for _, s := range order {
		i := strings.Index(all, s)
		if i < 0 || i < last {
			t.Fatalf("%s out of order in\n%s", s, all)
		}
		last = i
	}
}

// TestAES256: AES-256 with an empty user password opens without any
// tool installed, also with a %comment after %%EOF; with a password it is
// quarantined with a reason that says why.
func TestAES256(t *testing.T) {
	empty, _ := os.ReadFile(fixture(t, "enc256-empty-user.pdf"))
	locked, _ := os.ReadFile(fixture(t, "enc256-user.pdf"))
	want := tablesOf(readFile(t, fixture(t, "table-libreoffice.pdf")))[0].Grid()
	t.Setenv("PATH", t.TempDir()) // no qpdf
	for name, data := range map[string][]byte{
		"enc256.pdf":         empty,
		"enc256-comment.pdf": append(append([]byte(nil), empty...), "%signed by a portal\n"...),
	} {
		d, err := Read(context.Background(), name, data)
		if err != nil || len(tablesOf(d)) != 1 || !reflect.DeepEqual(tablesOf(d)[0].Grid(), want) {
			t.Errorf("%s: err %v, want the table", name, err)
		}
	}
	_, err := Read(context.Background(), "enc256-user.pdf", locked)
	if r := unreadableReason(err); !strings.Contains(r, "user password") {
		t.Errorf("reason %q, want a user-password reason", r)
	}
}

func unreadableReason(err error) string {
	var u *doc.Unreadable
	if errors.As(err, &u) {
		return u.Error()
	}
	return fmt.Sprintf("not Unreadable: %v", err)
}

// TestEncryption: every standard scheme opens with the empty user
// password and gives the plain file's table; a real password quarantines.
func TestEncryption(t *testing.T) {
	plain := readFile(t, fixture(t, "table-libreoffice.pdf"))
	want := tablesOf(plain)[0].Grid()
	for _, name := range []string{"enc-empty-user.pdf", "enc-rc4-40.pdf", "enc-rc4-128.pdf", "enc-aes128-clearmeta.pdf"} {
		d := readFile(t, fixture(t, name))
		if tabs := tablesOf(d); len(tabs) != 1 || !reflect.DeepEqual(tabs[0].Grid(), want) {
			t.Errorf("%s: %d tables, want the plain file's table; text %q", name, len(tabs), docText(d))
		}
		// The title is an encrypted string of the Info dictionary.
		if d.Title != "项目支出绩效自评表" {
			t.Errorf("%s: title %q", name, d.Title)
		}
	}
	for _, name := range []string{"enc-user.pdf", "enc-rc4-40-user.pdf"} {
		data, _ := os.ReadFile(fixture(t, name))
		_, err := Read(context.Background(), name, data)
		if r := unreadableReason(err); !strings.Contains(r, "user password") {
			t.Errorf("%s: reason %q, want one naming the password", name, r)
		}
	}
}

// TestDamaged: truncated and corrupted files give an error or warnings,
// never a panic or a hang.
func TestDamaged(t *testing.T) {
	for _, name := range []string{"table-libreoffice.pdf", "report-chromium.pdf", "table-xobject.pdf"} {
		data, _ := os.ReadFile(fixture(t, name))
		for _, cut := range []int{0, 9, len(data) / 3, len(data) / 2, len(data) - 40} {
			d, err := Read(context.Background(), name, data[:cut])
			var u *doc.Unreadable
			if err == nil && d == nil || err != nil && !errors.As(err, &u) {
				t.Errorf("%s cut at %d: d=%v err=%v, want a document or *doc.Unreadable", name, cut, d != nil, err)
			}
		}
		// Flip bytes inside the body but keep the xref intact.
		bad := append([]byte(nil), data...)
		for i := len(bad) / 4; i < len(bad)/2; i += 97 {
			bad[i] ^= 0x5A
		}
		_, err := Read(context.Background(), name, bad)
		var u *doc.Unreadable
		if err != nil && !errors.As(err, &u) {
			t.Errorf("%s corrupted: err = %v, want *doc.Unreadable", name, err)
		}
	}
}

// TestOCR: a scanned page is OCRed when tesseract is installed, and the
// document is quarantined with install instructions when it is not.
func TestOCR(t *testing.T) {
	data, _ := os.ReadFile(fixture(t, "scan.pdf"))
	t.Run("missing", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		_, err := Read(context.Background(), "scan.pdf", data)
		var u *doc.Unreadable
		if !errors.As(err, &u) || !strings.Contains(u.Error(), "tesseract-ocr-chi-sim") {
			t.Errorf("err = %v, want Unreadable naming tesseract-ocr-chi-sim", err)
		}
	})
	t.Run("tesseract", func(t *testing.T) {
		if err := ocrTools(); err != nil {
			testenv.Missing(t, "OCR tools unavailable (%v): %s", err, ocrInstall)
		}
		d, err := Read(context.Background(), "scan.pdf", data)
		if err != nil {
			t.Fatal(err)
		}
		p := d.Pages[0]
		text := docText(d)
		want := cjkOf("两栏排版的绩效简报 左栏第一段：本简报用于检验阅读顺序。县财政局组织各预算单位开展年度绩效自评")
		if got := inOrder(want, cjkOf(text)); p.Method != methodOCR || p.Quality <= 0.5 || got < 0.9 {
			t.Errorf("method %q quality %.2f, %.0f%% of the expected CJK in order; text %q", p.Method, p.Quality, got*100, text)
		}
	})
}

// TestContinuedTable: a table broken over two pages, with its header row
// repeated on the second, comes back as one table on the page where it
// starts, with the header once and its caption.
func TestContinuedTable(t *testing.T) {
	d := readFile(t, fixture(t, "longtable-chromium.pdf"))
	if len(d.Pages) != 2 {
		t.Fatalf("%d pages, want 2 (the fixture must break the table)", len(d.Pages))
	}
	tabs := tablesOf(d)
	if len(tabs) != 1 {
		t.Fatalf("%d tables, want 1", len(tabs))
	}
	for _, b := range d.Pages[1].Blocks {
		if b.Kind == doc.BlockTable {
			t.Errorf("table left on page 2")
		}
	}
	g := tabs[0].Grid()
	if len(g) != 61 || g[0][0] != "序号" || g[60][1] != "第60号村道路面硬化工程" || g[60][3] != "90.0%" {
		t.Errorf("merged table: %d rows, first %q, last %q", len(g), g[0], g[len(g)-1])
	}
	for i := 1; i < len(g); i++ {
		if g[i][0] != strconv.Itoa(i) {
			t.Fatalf("row %d starts %q: rows lost, doubled or out of order", i, g[i][0])
		}
	}
	if tabs[0].Caption != "附表：项目资金明细" {
		t.Errorf("caption %q", tabs[0].Caption)
	}
}

// TestRepairXref: a file whose startxref points nowhere, or that was cut
// off before its xref table, is read by rebuilding the table, with a
// warning; a PDF 2.0 header is accepted.
func TestRepairXref(t *testing.T) {
	data, _ := os.ReadFile(fixture(t, "table-libreoffice.pdf"))
	want := readFile(t, fixture(t, "table-libreoffice.pdf"))
	i := bytes.LastIndex(data, []byte("startxref"))
	stale := append(append([]byte(nil), data[:i]...), []byte("startxref\n12345\n%%EOF\n")...)
	cut := data[:bytes.LastIndex(data, []byte("xref"))]
	v20 := append([]byte(nil), data...)
	copy(v20, "%PDF-2.0")
	// With object streams, the pages live inside them and the table is an
	// xref stream; cut the file where that stream starts.
	objstm, _ := os.ReadFile(fixture(t, "table-objstm.pdf"))
	sx := bytes.LastIndex(objstm, []byte("startxref"))
	xoff, err := strconv.Atoi(strings.Fields(string(objstm[sx+len("startxref"):]))[0])
	if err != nil || xoff <= 0 || xoff >= len(objstm) {
		t.Fatalf("table-objstm.pdf: startxref %d: %v", xoff, err)
	}
	objstmCut := objstm[:xoff]
	for name, b := range map[string][]byte{"stale": stale, "cut": cut, "pdf-2.0": v20, "objstm-cut": objstmCut} {
		d, err := Read(context.Background(), name, b)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !reflect.DeepEqual(tablesOf(d)[0].Grid(), tablesOf(want)[0].Grid()) {
			t.Errorf("%s: grid differs", name)
		}
		rebuilt := len(d.Warnings) > 0 && strings.Contains(d.Warnings[0], "rebuilt")
		if rebuilt != (name != "pdf-2.0") {
			t.Errorf("%s: warnings %q", name, d.Warnings)
		}
	}
}
