package docx

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"zipin/extract/doc"
)

const office = "../../testdata/office"

type blk struct {
	Kind  doc.BlockKind
	Level int
	Text  string
}

func blocks(d *doc.Document) [][]blk {
	var out [][]blk
	for _, p := range d.Pages {
		var ps []blk
		for _, b := range p.Blocks {
			ps = append(ps, blk{b.Kind, b.Level, b.Text()})
		}
		out = append(out, ps)
	}
	return out
}

func read(t *testing.T, name string) *doc.Document {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(office, name))
	if err != nil {
		t.Fatal(err)
	}
	d, err := Read(context.Background(), name, b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return d
}

const H, P = doc.BlockHeading, doc.BlockParagraph

// The report of testdata/office/src/report.html, as both producers must give it.
var reportPage1 = []blk{
	{H, 1, "青川县农业农村局2023年度部门整体支出绩效自评报告"},
	{H, 2, "一、部门基本情况"},
	{H, 3, "（一）部门职能"},
	{P, 0, "青川县农业农村局负责统筹推进全县农业农村发展，承担粮食生产、耕地质量提升、农村人居环境整治和农业防灾减灾等工作。"},
	{H, 3, "（二）年度预算及执行情况"},
	{P, 0, "2023年全年预算数1,234.56万元，其中年初预算数1,100.00万元，年中追加134.56万元；全年执行数1,175.30万元，预算执行率95.2%。"},
	{H, 2, "二、绩效目标完成情况"},
	{H, 3, "（一）产出情况"},
	{H, 4, "1.数量指标"},
	{P, 0, "全年完成高标准农田建设2.3万亩，开展农技培训46场次，培训农民3,120人次。"},
	{H, 4, "2.质量指标"},
	{P, 0, "新建农田工程验收合格率100%，农产品质量安全抽检合格率98.6%。"},
}

var reportPage2 = []blk{
	{H, 2, "三、自评结论"},
	{P, 0, "经综合评价，本部门2023年度整体支出绩效自评得分96分，自评等级为“优”。"},
	{H, 2, "四、存在的问题及改进措施"},
	{P, 0, "部分项目前期论证不够充分，资金拨付进度前慢后快。下一步将加强项目储备，按月通报支出进度。"},
}

func TestReportLibreOffice(t *testing.T) {
	d := read(t, "report-lo.docx")
	got := blocks(d)
	want := [][]blk{reportPage1, reportPage2}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("blocks:\n got %v\nwant %v", got, want)
	}
	if d.Title != "青川县农业农村局2023年度部门整体支出绩效自评报告" {
		t.Errorf("title %q", d.Title)
	}
	if d.Pages[0].Method != "docx" || d.Pages[1].Number != 2 {
		t.Errorf("page metadata: %+v", d.Pages[1])
	}
}

// The WPS-style package differs where WPS files do: numeric style IDs,
// markers from numbering.xml, a text box, tracked changes, a line break and
// a tab inside a paragraph, header, footer and comment parts.
func TestReportWPS(t *testing.T) {
	d := read(t, "report-wps.docx")
	got := blocks(d)
	p1 := append([]blk{}, reportPage1[:4]...)
	p1 = append(p1, blk{P, 0, "（本报告数据截至2023年12月31日）"}) // the text box, once
	p1 = append(p1, reportPage1[4:11]...)
	p1 = append(p1, blk{P, 0, "新建农田工程验收合格率100%，\n农产品质量安全抽检合格率98.6%。\t（抽检120批次）"})
	want := [][]blk{p1, reportPage2}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("blocks:\n got %v\nwant %v", got, want)
	}
	all := ""
	for _, p := range got {
		for _, b := range p {
			all += b.Text + "\n"
		}
	}
	for _, absent := range []string{"页眉", "页脚", "批注", "1,170.00"} {
		if strings.Contains(all, absent) {
			t.Errorf("body holds %q (header, footer, comment or deleted text)", absent)
		}
	}
	// Lines: the w:br splits the paragraph into two visual lines.
	last := d.Pages[0].Blocks[len(d.Pages[0].Blocks)-1]
	if len(last.Lines) != 2 {
		t.Errorf("w:br paragraph has %d lines, want 2", len(last.Lines))
	}
}

func TestNestedTable(t *testing.T) {
	d := read(t, "selfeval-wps.docx")
	bs := d.Pages[0].Blocks
	n := len(bs)
	outer, inner := bs[n-2], bs[n-1]
	if outer.Kind != doc.BlockTable || inner.Kind != doc.BlockTable {
		t.Fatalf("last blocks are %v, %v; want the outer table then the nested one", outer.Kind, inner.Kind)
	}
	if got := outer.Table.Grid(); !reflect.DeepEqual(got, [][]string{{"乡镇", "明细"}, {"城关镇", "人次 金额（万元）\n312 106.40"}}) {
		t.Errorf("outer grid %q", got)
	}
	if got := inner.Table.Grid(); !reflect.DeepEqual(got, [][]string{{"人次", "金额（万元）"}, {"312", "106.40"}}) {
		t.Errorf("nested grid %q", got)
	}
}

func TestNumberFormats(t *testing.T) {
	cases := []struct {
		f    string
		n    int
		want string
	}{
		{"chineseCounting", 1, "一"}, {"chineseCounting", 10, "十"}, {"chineseCounting", 11, "十一"},
		{"chineseCounting", 20, "二十"}, {"chineseCounting", 105, "一百零五"}, {"chineseCounting", 110, "一百一十"},
		{"chineseCountingThousand", 1001, "一千零一"}, {"chineseLegalSimplified", 12, "壹拾贰"},
		{"decimal", 7, "7"}, {"decimalZero", 7, "07"}, {"decimalEnclosedCircle", 3, "③"},
		{"upperLetter", 28, "BB"}, {"lowerRoman", 14, "xiv"}, {"ideographTraditional", 2, "乙"},
		{"decimalFullWidth", 12, "１２"}, {"unknownFormat", 5, "5"},
	}
	for _, c := range cases {
		if got := formatNumber(c.f, c.n); got != c.want {
			t.Errorf("%s(%d) = %q, want %q", c.f, c.n, got, c.want)
		}
	}
}

// pkg builds a DOCX-like zip from name → content.
func pkg(t testing.TB, parts map[string]string) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for name, s := range parts {
		// Stored, not deflated: a deflate writer costs ~1 MB to set up, which
		// would dominate each fuzz execution.
		w, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(s))
	}
	z.Close()
	return buf.Bytes()
}

const docStart = `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`

func reason(t *testing.T, data []byte) string {
	t.Helper()
	d, err := Read(context.Background(), "t.docx", data)
	var u *doc.Unreadable
	if !errors.As(err, &u) {
		t.Fatalf("got %v, %v; want an Unreadable", d, err)
	}
	return u.Error()
}

func TestUnreadable(t *testing.T) {
	cases := []struct {
		name  string
		parts map[string]string
		want  string
	}{
		{"no document.xml", map[string]string{"[Content_Types].xml": "<Types/>", "word/styles.xml": "<w:styles/>"}, "no main document part"},
		{"DTD", map[string]string{"word/document.xml": `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]>` + docStart + `<w:p><w:r><w:t>&a;</w:t></w:r></w:p></w:body></w:document>`}, "entity expansion refused"},
		{"empty body", map[string]string{"word/document.xml": docStart + `<w:p/></w:body></w:document>`}, "holds no text"},
		{"no body", map[string]string{"word/document.xml": `<w:document xmlns:w="x"/>`}, "no w:body"},
		{"not XML", map[string]string{"word/document.xml": "\x00\x01garbage<<<"}, "word/document.xml"},
		{"deep nesting", map[string]string{"word/document.xml": docStart + strings.Repeat("<w:customXml>", 100000) + "</w:body></w:document>"}, "nested deeper than 256"},
	}
	for _, c := range cases {
		if got := reason(t, pkg(t, c.parts)); !strings.Contains(got, c.want) {
			t.Errorf("%s: reason %q, want it to mention %q", c.name, got, c.want)
		}
	}
	if got := reason(t, []byte("PK\x03\x04 truncated")); !strings.Contains(got, "DOCX damaged: zip container") {
		t.Errorf("truncated zip: %q", got)
	}
}

// TestVMergeAndGridBefore covers merges the fixtures do not: a vMerge
// continuing under a gridSpan, and a row starting after w:gridBefore.
func TestVMergeAndGridBefore(t *testing.T) {
	body := docStart + `<w:tbl>
<w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>A</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>B</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>C</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc><w:p><w:r><w:t>D</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>E</w:t></w:r></w:p></w:tc></w:tr>
</w:tbl></w:body></w:document>`
	d, err := Read(context.Background(), "t", pkg(t, map[string]string{"word/document.xml": body}))
	if err != nil {
		t.Fatal(err)
	}
	tb := d.Pages[0].Blocks[0].Table
	c := func(r, k, rs, cs int, s string) doc.Cell {
		return doc.Cell{Row: r, Col: k, RowSpan: rs, ColSpan: cs, Text: s}
	}
	want := []doc.Cell{c(0, 0, 2, 2, "A"), c(0, 2, 1, 1, "B"), c(1, 2, 1, 1, "C"), c(2, 1, 1, 1, "D"), c(2, 2, 1, 1, "E")}
	if !reflect.DeepEqual(tb.Cells, want) || tb.Rows != 3 || tb.Cols != 3 {
		t.Errorf("cells %+v (%d×%d), want %+v", tb.Cells, tb.Rows, tb.Cols, want)
	}
}

const fuzzNumbering = `<w:numbering xmlns:w="w"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl><w:lvl w:ilvl="1"><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl><w:lvl w:ilvl="2"><w:lvlText w:val="%3."/><w:isLgl/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="3"/></w:lvlOverride></w:num></w:numbering>`

const fuzzStyles = `<w:styles xmlns:w="w"><w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 1"/><w:basedOn w:val="3"/></w:style><w:style w:type="paragraph" w:styleId="3"><w:name w:val="x"/><w:basedOn w:val="2"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style></w:styles>`

func TestSymbolsAndAlternateContent(t *testing.T) {
	body := docStart + `<w:p><w:r><w:t>救助人次</w:t><w:sym w:font="Symbol" w:char="F0B3"/><w:t>1200</w:t></w:r>` +
		`<mc:AlternateContent xmlns:mc="m"><mc:Choice Requires="w14"><w:r><w:t>人次</w:t></w:r></mc:Choice><mc:Fallback><w:r><w:t>人次</w:t></w:r></mc:Fallback></mc:AlternateContent>` +
		`<w:r><w:sym w:font="Wingdings" w:char="F0FC"/></w:r></w:p></w:body></w:document>`
	d, err := Read(context.Background(), "t", pkg(t, map[string]string{"word/document.xml": body}))
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Pages[0].Blocks[0].Text(); got != "救助人次≥1200人次☑" {
		t.Errorf("got %q", got)
	}
}

// TestTickBoxes: a 自评表's grade options with Wingdings / Wingdings 2 tick
// boxes (as Word's Insert Symbol writes them, with and without the F000
// offset) read as ☑ and ☐, so that the ticked option is the grade.
func TestTickBoxes(t *testing.T) {
	sym := func(font, char string) string {
		return `<w:r><w:sym w:font="` + font + `" w:char="` + char + `"/></w:r>`
	}
	opt := func(s string) string { return `<w:r><w:t xml:space="preserve">` + s + ` </w:t></w:r>` }
	for name, c := range map[string]struct{ on, off [2]string }{
		"Wingdings":   {[2]string{"Wingdings", "F0FE"}, [2]string{"Wingdings", "F0A8"}},
		"Wingdings 2": {[2]string{"Wingdings 2", "F052"}, [2]string{"Wingdings 2", "F0A3"}},
		"no-offset":   {[2]string{"Wingdings 2", "0052"}, [2]string{"Wingdings 2", "00A3"}},
		"cross":       {[2]string{"Wingdings", "F0FD"}, [2]string{"Wingdings", "F06F"}},
	} {
		on, off := sym(c.on[0], c.on[1]), sym(c.off[0], c.off[1])
		body := docStart + `<w:p><w:r><w:t>评价等级：</w:t></w:r>` + off + opt("优") + on + opt("良") + off + opt("中") + off + opt("差") + `</w:p></w:body></w:document>`
		d, err := Read(context.Background(), "t", pkg(t, map[string]string{"word/document.xml": body}))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(d.Pages[0].Blocks[0].Text()); got != "评价等级：☐优 ☑良 ☐中 ☐差" {
			t.Errorf("%s: got %q", name, got)
		}
	}
	// The same boxes typed as letters in a Wingdings 2 run (R ticked, £
	// empty), as WPS writes them.
	wd := func(s string) string {
		return `<w:r><w:rPr><w:rFonts w:ascii="Wingdings 2" w:hAnsi="Wingdings 2"/></w:rPr><w:t>` + s + `</w:t></w:r>`
	}
	body := docStart + `<w:p><w:r><w:t>评价等级：</w:t></w:r>` + wd("£") + opt("优") + wd("R") + opt("良") + wd("£") + opt("中") + `</w:p></w:body></w:document>`
	d, err := Read(context.Background(), "t", pkg(t, map[string]string{"word/document.xml": body}))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(d.Pages[0].Blocks[0].Text()); got != "评价等级：☐优 ☑良 ☐中" {
		t.Errorf("Wingdings 2 run: got %q", got)
	}
}

func FuzzDocx(f *testing.F) {
	for _, n := range []string{"report-wps.docx", "report-lo.docx", "selfeval-wps.docx", "selfeval-lo.docx"} {
		b, err := os.ReadFile(filepath.Join(office, n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	// The document part alone, so the fuzzer mutates XML rather than
	// deflate streams.
	f.Add(pkg(f, map[string]string{"word/document.xml": docStart + `<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>x</w:t><w:br w:type="page"/><w:tab/></w:r></w:p><w:tbl><w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/><w:gridSpan w:val="2"/></w:tcPr><w:p/></w:tc></w:tr></w:tbl></w:body></w:document>`,
		"word/numbering.xml": `<w:numbering xmlns:w="w"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>`}))
	// Raw document.xml seeds: inputs that are not a zip are wrapped as the
	// document part, so most executions reach the XML walker instead of
	// failing in inflate.
	for _, n := range []string{"report-wps.docx", "selfeval-wps.docx"} {
		b, _ := os.ReadFile(filepath.Join(office, n))
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range zr.File {
			if e.Name == "word/document.xml" {
				rc, _ := e.Open()
				x, _ := io.ReadAll(rc)
				rc.Close()
				f.Add(x)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !bytes.HasPrefix(data, []byte("PK")) {
			data = pkg(t, map[string]string{"word/document.xml": string(data), "word/numbering.xml": fuzzNumbering, "word/styles.xml": fuzzStyles})
		}
		d, err := Read(context.Background(), "fuzz.docx", data)
		if err != nil {
			var u *doc.Unreadable
			if !errors.As(err, &u) {
				t.Fatalf("error that is not Unreadable: %v", err)
			}
			return
		}
		for _, p := range d.Pages {
			for _, b := range p.Blocks {
				if b.Kind == doc.BlockTable {
					b.Table.Grid()
					for _, c := range b.Table.Cells {
						if c.Row < 0 || c.Col < 0 || c.Row+c.RowSpan > b.Table.Rows || c.Col+c.ColSpan > b.Table.Cols {
							t.Fatalf("cell %+v outside %d×%d", c, b.Table.Rows, b.Table.Cols)
						}
					}
				}
			}
		}
	})
}

// TestStylesAndNumberingCutShort: a styles.xml or numbering.xml cut off
// before its root element closes (a truncated download, a damaged package)
// costs only formatting. It once dereferenced the missing root and crashed
// the reader, quarantining a readable report.
func TestStylesAndNumberingCutShort(t *testing.T) {
	body := docStart + `<w:p><w:r><w:t>全年预算数120万元</w:t></w:r></w:p></w:body></w:document>`
	for _, cut := range []string{"", "<", "<w:sty", `<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:style w:type="paragraph" w:styleId="1"><w:name w:val="hea`} {
		parts := map[string]string{
			"word/document.xml":  body,
			"word/styles.xml":    cut,
			"word/numbering.xml": strings.Replace(cut, "styles", "numbering", 1),
		}
		d, err := Read(context.Background(), "t.docx", pkg(t, parts))
		if err != nil {
			t.Fatalf("styles.xml %q: %v", cut, err)
		}
		if got := d.Pages[0].Blocks[0].Text(); !strings.Contains(got, "全年预算数120万元") {
			t.Errorf("styles.xml %q: first line %q", cut, got)
		}
	}
}
