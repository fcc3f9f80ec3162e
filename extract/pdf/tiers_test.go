package pdf

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"golang.org/x/text/encoding/simplifiedchinese"

	"zipin/internal/testpdf"
)

// onePage builds a one-page PDF: objects 1 catalog, 2 pages, 3 page,
// 4 content, 5 the font F1, then extra objects from 6 on.
func onePage(content, font string, extra ...string) []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
		testpdf.Stream("", content),
		font,
	}
	return testpdf.Build(append(objs, extra...)...)
}

func hexOf(b []byte) string { return fmt.Sprintf("<%X>", b) }

func gbk(t testing.TB, s string) []byte {
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func utf16be(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u>>8), byte(u))
	}
	return b
}

type tierCase struct {
	name, method, want string
	pdf                []byte
}

func tierCases(t testing.TB) []tierCase {
	var cases []tierCase
	// Tier 2: GBK-EUC-H, a non-embedded CIDFont (issue2128r's set-up).
	{
		want := "绩效自评得分96分"
		cases = append(cases, tierCase{"GBK-EUC-H", methodCJKCMap, want, onePage(
			"BT /F1 12 Tf 72 700 Td "+hexOf(gbk(t, want))+" Tj ET",
			"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /GBK-EUC-H /DescendantFonts [6 0 R] >>",
			"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R /DW 1000 >>",
			"<< /Type /FontDescriptor /FontName /SimSun /Flags 6 /FontBBox [0 -141 1000 859] /ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 700 /StemV 80 >>",
		)})
	}
	// Tier 2: UniGB-UTF16-H, with a character outside the BMP.
	{
		want := "预算执行率95.2%𠀀"
		cases = append(cases, tierCase{"UniGB-UTF16-H", methodCJKCMap, want, onePage(
			"BT /F1 12 Tf 72 700 Td "+hexOf(utf16be(want))+" Tj ET",
			"<< /Type /Font /Subtype /Type0 /BaseFont /AdobeHeitiStd-Regular /Encoding /UniGB-UTF16-H /DescendantFonts [6 0 R] >>",
			"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /AdobeHeitiStd-Regular /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 5 >> /DW 1000 >>",
		)})
	}
	// Tier 3: a "WinAnsi" TrueType font named 仿宋_GB2312 in GBK bytes, not
	// embedded, whose codes are GBK pairs (Word on Chinese Windows).
	{
		want := "项目支出绩效自评表"
		name := ""
		for _, c := range gbk(t, "仿宋") {
			name += fmt.Sprintf("#%02X", c)
		}
		widths := strings.TrimSpace(strings.Repeat("500 ", 224))
		cases = append(cases, tierCase{"GBK-in-WinAnsi", methodGBKWinAns, want, onePage(
			"BT /F1 16 Tf 72 700 Td "+hexOf(gbk(t, want))+" Tj ET",
			"<< /Type /Font /Subtype /TrueType /BaseFont /"+name+"_GB2312 /Encoding /WinAnsiEncoding /FirstChar 32 /LastChar 255 /Widths ["+widths+"] /FontDescriptor 6 0 R >>",
			"<< /Type /FontDescriptor /FontName /"+name+"_GB2312 /Flags 32 /FontBBox [0 -140 1000 860] /ItalicAngle 0 /Ascent 860 /Descent -140 /CapHeight 700 /StemV 80 >>",
		)})
	}
	// Tier 3 without the name: an unknown non-embedded TrueType font whose
	// "WinAnsi" strings pair up as GB 2312 codes; Latin in it stays Latin.
	{
		want := "自评得分96分 Total"
		widths := strings.TrimSpace(strings.Repeat("500 ", 224))
		cases = append(cases, tierCase{"GBK-in-WinAnsi-unnamed", methodGBKWinAns, want, onePage(
			"BT /F1 16 Tf 72 700 Td "+hexOf(gbk(t, "自评得分96分"))+" Tj 150 0 Td (Total) Tj ET",
			"<< /Type /Font /Subtype /TrueType /BaseFont /Font0 /Encoding /WinAnsiEncoding /FirstChar 32 /LastChar 255 /Widths ["+widths+"] >>",
		)})
	}
	// Tier 4: Identity-H with an embedded TrueType subset and no
	// ToUnicode; CIDs go through a CIDToGIDMap stream. The second font has
	// no cmap table, only uniXXXX glyph names.
	for caseName, fontFile := range map[string]string{"Identity-H-no-ToUnicode": "subset.ttf", "Identity-H-post-names": "subset-nocmap.ttf"} {
		ttf, err := os.ReadFile(fixtureDir + "/" + fontFile)
		if err != nil {
			t.Fatalf("subset.ttf: %v (regenerate with sh testdata/pdf/gen.sh)", err)
		}
		gids := readGIDs(t)
		want := "项目支出绩效自评表"
		var codes, c2g []byte
		c2g = append(c2g, 0, 0) // CID 0 → .notdef
		for i, r := range []rune(want) {
			cid := i + 1
			codes = append(codes, byte(cid>>8), byte(cid))
			g := gids[r]
			c2g = append(c2g, byte(g>>8), byte(g))
		}
		cases = append(cases, tierCase{caseName, methodCIDCMap, want, onePage(
			"BT /F1 12 Tf 72 700 Td "+hexOf(codes)+" Tj ET",
			"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+WenQuanYiMicroHei /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
			"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+WenQuanYiMicroHei /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R /DW 1000 /CIDToGIDMap 9 0 R >>",
			"<< /Type /FontDescriptor /FontName /ABCDEF+WenQuanYiMicroHei /Flags 4 /FontBBox [0 -200 1000 800] /ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 /FontFile2 8 0 R >>",
			testpdf.Stream("", string(ttf)),
			testpdf.Stream("", string(c2g)),
		)})
	}
	return cases
}

func readGIDs(t testing.TB) map[rune]int {
	f, err := os.Open(fixtureDir + "/subset-gids.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[rune]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) == 2 {
			g, _ := strconv.Atoi(fs[1])
			m[[]rune(fs[0])[0]] = g
		}
	}
	return m
}

func tierPDFs(t testing.TB) [][]byte {
	var out [][]byte
	for _, c := range tierCases(t) {
		out = append(out, c.pdf)
	}
	return out
}

// TestFontTiers: each decoding tier on a minimal PDF gives exactly the text
// and names itself in Page.Method.
func TestFontTiers(t *testing.T) {
	for _, c := range tierCases(t) {
		t.Run(c.name, func(t *testing.T) {
			d, err := Read(context.Background(), c.name, c.pdf)
			if err != nil {
				t.Fatal(err)
			}
			p := d.Pages[0]
			got := strings.ReplaceAll(docText(d), "\n", "")
			if got != c.want || p.Method != c.method || p.Quality != 1 {
				t.Errorf("got %q method %q quality %v, want %q %q 1", got, p.Method, p.Quality, c.want, c.method)
			}
		})
	}
}

// TestBadPageSurvives: a page whose content stream is broken becomes a
// warning; the other page is still read.
func TestBadPageSurvives(t *testing.T) {
	font := "<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /UniGB-UCS2-H /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /DW 1000 >>] >>"
	data := testpdf.Build(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /Resources << /Font << /F1 5 0 R >> >> /MediaBox [0 0 595 842] >>",
		"<< /Type /Page /Parent 2 0 R /Contents 6 0 R >>",
		"<< /Type /Page /Parent 2 0 R /Contents 7 0 R >>",
		font,
		testpdf.Stream("", "BT /F1 12 Tf 72 700 Td "+hexOf(utf16be("第一页正文"))+" Tj ET"),
		testpdf.Stream("/Filter /FlateDecode", "this is not zlib data at all"),
	)
	d, err := Read(context.Background(), "bad-page.pdf", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Pages) != 2 || !strings.Contains(docText(d), "第一页正文") {
		t.Fatalf("pages %d text %q", len(d.Pages), docText(d))
	}
	if len(d.Warnings) == 0 || !strings.Contains(d.Warnings[0], "page 2") {
		t.Errorf("warnings %q, want one naming page 2", d.Warnings)
	}
}

// TestFormCycleAndSpacing: a Form XObject that draws itself is drawn once;
// TJ offsets and word gaps give spaces between Latin words only.
func TestFormCycleAndSpacing(t *testing.T) {
	font := "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding /FirstChar 32 /LastChar 126 /Widths [" + strings.TrimSpace(strings.Repeat("500 ", 95)) + "] >>"
	cjk := "<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /UniGB-UCS2-H /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /DW 1000 >>] >>"
	form := testpdf.Stream("/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F1 5 0 R /F2 7 0 R >> /XObject << /X1 6 0 R >> >>",
		"BT /F1 10 Tf 72 700 Td [(Budget)-300(total)] TJ ET BT /F2 10 Tf 72 680 Td "+hexOf(utf16be("自评"))+" Tj /F1 10 Tf (96) Tj ET /X1 Do")
	data := testpdf.Build(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /X1 6 0 R >> >> /Contents 4 0 R >>",
		testpdf.Stream("", "q 1 0 0 1 0 0 cm /X1 Do Q"),
		font,
		form,
		cjk,
	)
	d, err := Read(context.Background(), "form.pdf", data)
	if err != nil {
		t.Fatal(err)
	}
	if got := docText(d); got != "Budget total\n自评96\n" {
		t.Errorf("text %q, want %q", got, "Budget total\n自评96\n")
	}
}

// TestContentSyntax: an inline image's binary data does not swallow the
// text after it; ' and " move to the next line; octal and line-continuation
// escapes in literal strings are decoded.
func TestContentSyntax(t *testing.T) {
	font := "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding /FirstChar 32 /LastChar 126 /Widths [" + strings.TrimSpace(strings.Repeat("500 ", 95)) + "] >>"
	data := onePage("BT /F1 10 Tf 14 TL 72 700 Td (a\\051b\\\nc) Tj (two) ' 2 1 (three) \" ET "+
		"q 10 0 0 10 0 0 cm BI /W 2 /H 2 /BPC 8 /CS /G ID \x00\xff(\x8f]EI  EI Q BT /F1 10 Tf 72 600 Td (after) Tj ET", font)
	d, err := Read(context.Background(), "syntax.pdf", data)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := docText(d), "a)bc\ntwo\nthree\nafter\n"; got != want {
		t.Errorf("text %q, want %q", got, want)
	}
}

// TestDeepNesting: a run of "[" does not overflow the stack.
func TestDeepNesting(t *testing.T) {
	data := onePage("BT "+strings.Repeat("[", 1<<20)+" ET", "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	if _, err := Read(context.Background(), "deep.pdf", data); err != nil {
		t.Fatal(err)
	}
}

// multiPage builds a PDF whose pages share one UCS-2 CJK font F1; each
// content is a list of (x, y-from-top, size, text) lines.
type pline struct {
	x, top, size float64
	text         string
}

func multiPage(pages ...[]pline) []byte {
	n := len(pages)
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>", ""}
	kids := ""
	font := fmt.Sprintf("%d 0 R", 3+2*n)
	for i, p := range pages {
		var c strings.Builder
		for _, l := range p {
			fmt.Fprintf(&c, "BT /F1 %g Tf %g %g Td %s Tj ET\n", l.size, l.x, 842-l.top, hexOf(utf16be(l.text)))
		}
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /Contents %d 0 R >>", 4+2*i),
			testpdf.Stream("", c.String()))
		kids += fmt.Sprintf("%d 0 R ", 3+2*i)
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d /MediaBox [0 0 595 842] /Resources << /Font << /F1 %s >> >> >>", kids, n, font)
	objs = append(objs, "<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /UniGB-UCS2-H /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /DW 1000 >>] >>")
	return testpdf.Build(objs...)
}

// TestFurnitureRules: page numbers in their usual forms and a running
// header go; a title equal to the header, set large, stays; a number in
// the body stays.
func TestFurnitureRules(t *testing.T) {
	body := func(s string) pline { return pline{72, 300, 12, s} }
	data := multiPage(
		[]pline{{72, 40, 9, "青溪县财政局绩效评价报告"}, {150, 80, 22, "青溪县财政局绩效评价报告"}, body("第一页正文"), {72, 320, 12, "7"}, {290, 810, 9, "- 1 -"}},
		[]pline{{72, 40, 9, "青溪县财政局绩效评价报告"}, body("第二页正文"), {260, 810, 9, "第 2 页 共 3 页"}},
		[]pline{{72, 40, 9, "青溪县财政局绩效评价报告"}, body("第三页正文"), {290, 810, 9, "3"}},
	)
	d, err := Read(context.Background(), "furniture.pdf", data)
	if err != nil {
		t.Fatal(err)
	}
	var pages []string
	for _, p := range d.Pages {
		var ls []string
		for _, b := range p.Blocks {
			for _, l := range b.Lines {
				ls = append(ls, l.Text)
			}
		}
		pages = append(pages, strings.Join(ls, "|"))
	}
	want := []string{"青溪县财政局绩效评价报告|第一页正文|7", "第二页正文", "第三页正文"}
	if !reflect.DeepEqual(pages, want) {
		t.Errorf("pages %q, want %q", pages, want)
	}
}

// TestFakeBold: WPS/Word fake bold (the run drawn twice, slightly offset,
// or drawn with fill+stroke) gives the text once, marked bold.
func TestFakeBold(t *testing.T) {
	font := "<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /UniGB-UCS2-H /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /DW 1000 >>] >>"
	s := hexOf(utf16be("一、基本情况"))
	data := onePage("BT /F1 16 Tf 72 700 Td "+s+" Tj ET BT /F1 16 Tf 72.35 700 Td "+s+" Tj ET "+
		"BT 2 Tr /F1 12 Tf 72 650 Td "+hexOf(utf16be("（一）部门职能"))+" Tj ET", font)
	d, err := Read(context.Background(), "bold.pdf", data)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range d.Pages[0].Blocks {
		for _, l := range b.Lines {
			got = append(got, fmt.Sprintf("%s/%v/%g", l.Text, l.Bold, l.FontSize))
		}
	}
	want := []string{"一、基本情况/false/16", "（一）部门职能/true/12"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("lines %q, want %q", got, want)
	}
}

// TestRotatedPage: a /Rotate 90 page is read in display order.
func TestRotatedPage(t *testing.T) {
	font := "<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /UniGB-UCS2-H /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /DW 1000 >>] >>"
	// Runs go up the unrotated page (0 1 -1 0 Tm), so they read left to
	// right once the page is turned; the run at x=100 displays above the
	// one at x=130.
	data := testpdf.Build(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Rotate 90 /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
		testpdf.Stream("", "BT /F1 12 Tf 0 1 -1 0 100 100 Tm "+hexOf(utf16be("第一行"))+" Tj 0 1 -1 0 130 100 Tm "+hexOf(utf16be("第二行"))+" Tj ET"),
		font,
	)
	d, err := Read(context.Background(), "rot.pdf", data)
	if err != nil {
		t.Fatal(err)
	}
	if got := docText(d); got != "第一行\n第二行\n" {
		t.Errorf("text %q", got)
	}
}

// TestJunkAroundPDF: bytes before %PDF- and after %%EOF (portal
// downloads) do not stop the reader.
func TestJunkAroundPDF(t *testing.T) {
	c := tierCases(t)[0]
	data := append([]byte("\xef\xbb\xbfHTTP/1.1 200 OK\r\n\r\n"), c.pdf...)
	data = append(data, bytes.Repeat([]byte{0}, 4096)...)
	d, err := Read(context.Background(), "junk.pdf", data)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(docText(d)); got != c.want {
		t.Errorf("text %q, want %q", got, c.want)
	}
}

// TestRotatedByCTM: a landscape page drawn on portrait media with a
// rotating cm (no /Rotate) still reads line by line.
func TestRotatedByCTM(t *testing.T) {
	font := "<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /UniGB-UCS2-H /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /DW 1000 >>] >>"
	// 0 1 -1 0 595 0 cm: landscape user space turned onto the portrait page.
	data := onePage("q 0 1 -1 0 595 0 cm BT /F1 12 Tf 72 500 Td "+hexOf(utf16be("横向表格标题"))+" Tj 0 -20 Td "+hexOf(utf16be("第二行内容"))+" Tj ET Q", font)
	d, err := Read(context.Background(), "landscape.pdf", data)
	if err != nil {
		t.Fatal(err)
	}
	if got := docText(d); got != "横向表格标题\n第二行内容\n" {
		t.Errorf("text %q", got)
	}
}

// TestFormNotColumns: a borderless form (short labels left, values right)
// reads row by row, not as two columns.
func TestFormNotColumns(t *testing.T) {
	var rows []pline
	for i, kv := range [][2]string{{"项目名称", "城乡困难群众临时救助资金"}, {"主管部门", "江宁县民政局"}, {"实施单位", "江宁县社会救助服务中心"},
		{"年初预算", "四百二十万元"}, {"全年预算", "四百六十五万元"}, {"全年执行", "四百三十八万元"}, {"执行率", "百分之九十四"}, {"自评得分", "九十五分"}} {
		top := 200 + 30*float64(i)
		rows = append(rows, pline{72, top, 12, kv[0]}, pline{330, top, 12, kv[1]})
	}
	d, err := Read(context.Background(), "form.pdf", multiPage(rows))
	if err != nil {
		t.Fatal(err)
	}
	if got := docText(d); !strings.HasPrefix(got, "项目名称 城乡困难群众临时救助资金\n主管部门 江宁县民政局\n") {
		t.Errorf("text %q", got)
	}
}

// TestOffPageText: text parked outside the page box is not read.
func TestOffPageText(t *testing.T) {
	d, err := Read(context.Background(), "offpage.pdf", multiPage([]pline{{72, 100, 12, "页面正文"}, {900, 100, 12, "页面之外"}, {72, -300, 12, "上方之外"}}))
	if err != nil {
		t.Fatal(err)
	}
	if got := docText(d); got != "页面正文\n" {
		t.Errorf("text %q", got)
	}
}

// TestHugeNumbers: an xref /Size or an object number in the billions is
// refused or ignored, not allocated for.
func TestHugeNumbers(t *testing.T) {
	c := tierCases(t)[0]
	big := bytes.Replace(c.pdf, []byte("/Size 8"), []byte("/Size 4000000000"), 1)
	if bytes.Equal(big, c.pdf) {
		t.Fatal("fixture has no /Size 8 to replace")
	}
	if _, err := Read(context.Background(), "size.pdf", big); err == nil {
		t.Errorf("a /Size of 4e9 was accepted")
	}
	// Without a usable xref, repair meets an object number of 9999999.
	junk := append(append([]byte(nil), c.pdf[:bytes.LastIndex(c.pdf, []byte("xref"))]...), []byte("\n9999999 0 obj\n<< >>\nendobj\n")...)
	start := time.Now()
	d, err := Read(context.Background(), "objnum.pdf", junk)
	if err != nil || strings.TrimSpace(docText(d)) != c.want {
		t.Errorf("err %v", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("repair took %v", el)
	}
}
