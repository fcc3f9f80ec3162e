// Command gen writes the Office fixtures of testdata/office that are built
// without LibreOffice: DOCX packages written by hand to mimic WPS Office
// (numeric style IDs, list markers in numbering.xml, vMerge/gridSpan
// tables), the 自评表 as an XLSX built with excelize (merged cells, number
// and percent formats, a formula), and a GBK portal page around the table.
// Run it through gen.sh, from the repository root.
package main

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"zipin/extract/doc"
	"zipin/extract/html"
)

const (
	src = "testdata/src/selfeval-table.html"
	out = "testdata/office"
)

func main() {
	raw, err := os.ReadFile(src)
	check(err)
	d, err := html.Read(context.Background(), src, raw)
	check(err)
	var table *doc.Table
	for _, b := range d.Pages[0].Blocks {
		if b.Kind == doc.BlockTable {
			table = b.Table
		}
	}
	if table == nil {
		log.Fatal("no table in " + src)
	}
	writeDocx(filepath.Join(out, "report-wps.docx"), reportBody(), true)
	writeDocx(filepath.Join(out, "selfeval-wps.docx"), tableBody(table), false)
	writeXlsx(filepath.Join(out, "selfeval.xlsx"), table)
	writeGBKPage(filepath.Join(out, "selfeval-gbk.html"), string(raw))
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// ---- DOCX, WPS style ----

const wNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:v="urn:schemas-microsoft-com:vml"`

func esc(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	return r.Replace(s)
}

var digits = regexp.MustCompile(`[0-9][0-9,.%]*`)

// runs splits text into runs at every number, as Word and WPS do when a
// number has its own font (Times New Roman) in a CJK paragraph.
func runs(text string) string {
	var b strings.Builder
	last := 0
	emit := func(s string) {
		if s != "" {
			fmt.Fprintf(&b, `<w:r><w:rPr><w:rFonts w:ascii="Times New Roman"/></w:rPr><w:t xml:space="preserve">%s</w:t></w:r>`, esc(s))
		}
	}
	for _, m := range digits.FindAllStringIndex(text, -1) {
		emit(text[last:m[0]])
		emit(text[m[0]:m[1]])
		last = m[1]
	}
	emit(text[last:])
	return b.String()
}

// para writes a paragraph of style styleID (numeric, as WPS writes them),
// with list numbering when numID is set.
func para(styleID string, numID, ilvl int, body string) string {
	num := ""
	if numID > 0 {
		num = fmt.Sprintf(`<w:numPr><w:ilvl w:val="%d"/><w:numId w:val="%d"/></w:numPr>`, ilvl, numID)
	}
	st := ""
	if styleID != "" {
		st = `<w:pStyle w:val="` + styleID + `"/>`
	}
	return `<w:p><w:pPr>` + st + num + `<w:spacing w:line="560"/><w:ind w:firstLine="640"/></w:pPr>` + body + `</w:p>`
}

// reportBody is the report of src/report.html. Heading markers (一、 （一）
// 1.) are not in the text: they come from numbering.xml, as in WPS files.
// Style 3 (heading 2) carries its numbering in styles.xml; the others on
// the paragraph.
func reportBody() string {
	var b strings.Builder
	b.WriteString(para("2", 0, 0, runs("青川县农业农村局2023年度部门整体支出绩效自评报告")))
	b.WriteString(para("3", 0, 0, runs("部门基本情况")))
	b.WriteString(para("4", 1, 1, runs("部门职能")))
	// A text box anchored in the paragraph, in both the DrawingML form and
	// the VML fallback, which must not be read twice.
	box := `<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>` +
		para("", 0, 0, runs("（本报告数据截至2023年12月31日）")) +
		`</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>` +
		para("", 0, 0, runs("（本报告数据截至2023年12月31日）")) +
		`</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>`
	b.WriteString(para("1", 0, 0, runs("青川县农业农村局负责统筹推进全县农业农村发展，承担粮食生产、耕地质量提升、农村人居环境整治和农业防灾减灾等工作。")+box+
		`<w:commentRangeStart w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>`))
	b.WriteString(para("4", 1, 1, runs("年度预算及执行情况")))
	// Tracked changes: the deleted figure must go, the inserted one stay.
	b.WriteString(para("1", 0, 0, runs("2023年全年预算数1,234.56万元，其中年初预算数1,100.00万元，年中追加134.56万元；全年执行数")+
		`<w:del w:id="1" w:author="a"><w:r><w:delText>1,170.00</w:delText></w:r></w:del><w:ins w:id="2" w:author="a">`+runs("1,175.30")+`</w:ins>`+
		runs("万元，预算执行率95.2%。")))
	b.WriteString(para("3", 0, 0, runs("绩效目标完成情况")))
	b.WriteString(para("4", 1, 1, runs("产出情况")))
	b.WriteString(para("5", 1, 2, runs("数量指标")))
	b.WriteString(para("1", 0, 0, runs("全年完成高标准农田建设2.3万亩，开展农技培训46场次，培训农民3,120人次。")))
	b.WriteString(para("5", 1, 2, runs("质量指标")))
	// A line break and a tab inside one paragraph.
	b.WriteString(para("1", 0, 0, runs("新建农田工程验收合格率100%，")+`<w:r><w:br/></w:r>`+runs("农产品质量安全抽检合格率98.6%。")+
		`<w:r><w:tab/></w:r>`+runs("（抽检120批次）")))
	b.WriteString(`<w:p><w:r><w:br w:type="page"/></w:r></w:p>`)
	b.WriteString(para("3", 0, 0, runs("自评结论")))
	b.WriteString(para("1", 0, 0, runs("经综合评价，本部门2023年度整体支出绩效自评得分96分，自评等级为“优”。")))
	b.WriteString(para("3", 0, 0, runs("存在的问题及改进措施")))
	b.WriteString(para("1", 0, 0, runs("部分项目前期论证不够充分，资金拨付进度前慢后快。下一步将加强项目储备，按月通报支出进度。")))
	return b.String()
}

// tableBody writes the 自评表 with merges as WPS does: gridSpan for
// horizontal merges, vMerge restart/continue for vertical ones, and a
// nested table in an appendix table.
func tableBody(t *doc.Table) string {
	var b strings.Builder
	b.WriteString(para("2", 0, 0, runs("项目支出绩效自评表")))
	b.WriteString(para("1", 0, 0, runs("（2023年度）")))
	b.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>`)
	for i := 0; i < t.Cols; i++ {
		b.WriteString(`<w:gridCol w:w="900"/>`)
	}
	b.WriteString(`</w:tblGrid>`)
	cover := map[[2]int]doc.Cell{}
	for _, c := range t.Cells {
		for r := c.Row; r < c.Row+c.RowSpan; r++ {
			for k := c.Col; k < c.Col+c.ColSpan; k++ {
				cover[[2]int{r, k}] = c
			}
		}
	}
	for r := 0; r < t.Rows; r++ {
		b.WriteString(`<w:tr>`)
		for k := 0; k < t.Cols; {
			c := cover[[2]int{r, k}]
			span := max(c.ColSpan, 1)
			pr := ""
			if span > 1 {
				pr += fmt.Sprintf(`<w:gridSpan w:val="%d"/>`, span)
			}
			text := c.Text
			switch {
			case c.RowSpan > 1 && c.Row == r:
				pr += `<w:vMerge w:val="restart"/>`
			case c.RowSpan > 1:
				pr += `<w:vMerge/>`
				text = ""
			}
			fmt.Fprintf(&b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>%s</w:tcPr><w:p>%s</w:p></w:tc>`, 900*span, pr, runs(text))
			k += span
		}
		b.WriteString(`</w:tr>`)
	}
	b.WriteString(`</w:tbl>`)
	b.WriteString(para("1", 0, 0, runs("附：资金分配明细")))
	b.WriteString(`<w:tbl><w:tr><w:tc><w:p>` + runs("乡镇") + `</w:p></w:tc><w:tc><w:p>` + runs("明细") + `</w:p></w:tc></w:tr>` +
		`<w:tr><w:tc><w:p>` + runs("城关镇") + `</w:p></w:tc><w:tc><w:tbl>` +
		`<w:tr><w:tc><w:p>` + runs("人次") + `</w:p></w:tc><w:tc><w:p>` + runs("金额（万元）") + `</w:p></w:tc></w:tr>` +
		`<w:tr><w:tc><w:p>` + runs("312") + `</w:p></w:tc><w:tc><w:p>` + runs("106.40") + `</w:p></w:tc></w:tr>` +
		`</w:tbl><w:p/></w:tc></w:tr></w:tbl>`)
	return b.String()
}

const stylesXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles ` + wNS + `>
<w:style w:type="paragraph" w:default="1" w:styleId="1"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 1"/><w:basedOn w:val="1"/><w:next w:val="1"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="3"><w:name w:val="heading 2"/><w:basedOn w:val="1"/><w:next w:val="1"/><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="4"><w:name w:val="heading 3"/><w:basedOn w:val="1"/><w:next w:val="1"/></w:style>
<w:style w:type="paragraph" w:styleId="5"><w:name w:val="heading 4"/><w:basedOn w:val="1"/><w:next w:val="1"/></w:style>
<w:style w:type="character" w:styleId="6"><w:name w:val="heading 1 Char"/></w:style>
</w:styles>`

const numberingXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering ` + wNS + `>
<w:abstractNum w:abstractNumId="0">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="nothing"/><w:lvlText w:val="%1、"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="nothing"/><w:lvlText w:val="（%2）"/></w:lvl>
<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
</w:numbering>`

func writeDocx(path, body string, extras bool) {
	f, err := os.Create(path)
	check(err)
	defer f.Close()
	z := zip.NewWriter(f)
	put := func(name, data string) {
		w, err := z.Create(name)
		check(err)
		_, err = w.Write([]byte(data))
		check(err)
	}
	put("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`)
	put("_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`)
	put("docProps/core.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>WPS fixture</dc:title><dc:creator>zipin</dc:creator></cp:coreProperties>`)
	put("word/_rels/document.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/><Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/></Relationships>`)
	put("word/styles.xml", stylesXML)
	put("word/numbering.xml", numberingXML)
	sect := `<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>`
	if extras {
		sect = `<w:sectPr><w:headerReference w:type="default" r:id="rId3"/><w:footerReference w:type="default" r:id="rId4"/><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>`
	}
	put("word/header1.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr `+wNS+`><w:p><w:r><w:t>页眉：内部资料</w:t></w:r></w:p></w:hdr>`)
	put("word/footer1.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:ftr `+wNS+`><w:p><w:r><w:t>页脚：第1页</w:t></w:r></w:p></w:ftr>`)
	put("word/comments.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments `+wNS+`><w:comment w:id="0" w:author="a"><w:p><w:r><w:t>批注：请核实</w:t></w:r></w:p></w:comment></w:comments>`)
	put("word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document `+wNS+`><w:body>`+body+sect+`</w:body></w:document>`)
	check(z.Close())
}

// ---- XLSX ----

var (
	decimalRe = regexp.MustCompile(`^-?\d+\.\d\d$`)
	numberRe  = regexp.MustCompile(`^-?\d+(\.\d)?$`)
	percentRe = regexp.MustCompile(`^(\d+\.\d)%$`)
)

// writeXlsx lays the 自评表 out as a 自评表 workbook would be: numbers as
// numbers with a two-decimal format, rates as percent-formatted fractions,
// the year total as a formula, and merged ranges.
func writeXlsx(path string, t *doc.Table) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "自评表"
	check(f.SetSheetName("Sheet1", sheet))
	two, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("0.00")})
	check(err)
	pct, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("0.0%")})
	check(err)
	cell := func(r, c int) string {
		n, err := excelize.CoordinatesToCellName(c+1, r+1)
		check(err)
		return n
	}
	for _, c := range t.Cells {
		name := cell(c.Row, c.Col)
		switch {
		case decimalRe.MatchString(c.Text):
			v, _ := strconv.ParseFloat(c.Text, 64)
			check(f.SetCellFloat(sheet, name, v, 2, 64))
			check(f.SetCellStyle(sheet, name, name, two))
		case numberRe.MatchString(c.Text):
			v, _ := strconv.ParseFloat(c.Text, 64)
			check(f.SetCellFloat(sheet, name, v, -1, 64))
		case percentRe.MatchString(c.Text):
			v, _ := strconv.ParseFloat(percentRe.FindStringSubmatch(c.Text)[1], 64)
			check(f.SetCellFloat(sheet, name, v/100, -1, 64))
			check(f.SetCellStyle(sheet, name, name, pct))
		default:
			check(f.SetCellStr(sheet, name, c.Text))
		}
		if c.RowSpan > 1 || c.ColSpan > 1 {
			check(f.MergeCell(sheet, name, cell(c.Row+c.RowSpan-1, c.Col+c.ColSpan-1)))
		}
		// The year's total spending is the sum of the two rows below it;
		// its cached value is what a reader must show.
		if c.Text == "438.20" && c.Row == 3 {
			check(f.SetCellFormula(sheet, name, fmt.Sprintf("SUM(%s:%s)", cell(4, c.Col), cell(5, c.Col))))
		}
	}
	s2, err := f.NewSheet("填报说明")
	check(err)
	_ = s2
	check(f.SetCellStr("填报说明", "A1", "填报单位：江宁县民政局"))
	check(f.SetCellStr("填报说明", "A2", "联系电话：0000-1234567"))
	check(f.SaveAs(path))
	// excelize stores a formula set on a cell as a string result; Excel
	// stores a numeric cached value with the cell's number format, which is
	// the case the reader must format. Rewrite the cell as Excel would.
	rewriteEntry(path, "xl/worksheets/sheet1.xml", func(s string) string {
		return regexp.MustCompile(`<c r="F4" s="(\d+)" t="str"><f>([^<]*)</f><v>438.20</v></c>`).
			ReplaceAllString(s, `<c r="F4" s="$1"><f>$2</f><v>438.2</v></c>`)
	})
}

// rewriteEntry replaces one entry of a zip file in place.
func rewriteEntry(path, entry string, edit func(string) string) {
	zr, err := zip.OpenReader(path)
	check(err)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, err := f.Open()
		check(err)
		b, err := io.ReadAll(rc)
		check(err)
		rc.Close()
		if f.Name == entry {
			n := edit(string(b))
			if n == string(b) {
				log.Fatalf("%s: %s: edit changed nothing", path, entry)
			}
			b = []byte(n)
		}
		w, err := zw.Create(f.Name)
		check(err)
		_, err = w.Write(b)
		check(err)
	}
	check(zw.Close())
	zr.Close()
	check(os.WriteFile(path, buf.Bytes(), 0o644))
}

func ptr[T any](v T) *T { return &v }

// ---- HTML in GBK ----

var bodyRe = regexp.MustCompile(`(?s)<h1>.*</table>`)

// writeGBKPage puts the 自评表 inside a portal template (navigation,
// breadcrumb, sidebar, footer) and encodes it in GBK with a GB2312 meta,
// as county portals serve them.
func writeGBKPage(path, src string) {
	content := bodyRe.FindString(src)
	page := `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />
<title>江宁县民政局2023年度项目支出绩效自评表_江宁县人民政府</title>
<script type="text/javascript">var siteName = "江宁县人民政府门户网站";</script>
<style>.nav li{display:inline}</style>
</head>
<body>
<div class="top"><div class="logo">江宁县人民政府</div><div class="search"><input type="text" value="请输入关键字"/><button>搜索</button></div></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li><li><a href="/zjjn/">走进江宁</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/czzj/">财政资金</a></div>
<table width="1000" align="center"><tr>
<td class="left" width="220"><div class="sidebar"><h3>财政资金</h3><ul><li><a href="/zwgk/czzj/ys/">部门预算</a></li><li><a href="/zwgk/czzj/js/">部门决算</a></li><li><a href="/zwgk/czzj/jx/">绩效评价</a></li></ul></div></td>
<td class="right" width="780"><div class="article">
<div class="info">发布时间：2024-04-12　来源：江宁县民政局</div>
` + content + `
<p>附件：<a href="/u/cms/jnx/202404/12093015abcd.xlsx">江宁县民政局2023年度项目支出绩效自评表.xlsx</a></p>
<p>附件：<a href="/u/cms/jnx/202404/12093016abce.pdf">江宁县民政局2023年度部门整体支出绩效自评报告.pdf</a></p>
</div></td></tr></table>
<div class="footer"><p>版权所有：江宁县人民政府办公室　网站标识码：0000000000</p><p><a href="/sitemap.html">网站地图</a> <a href="/contact.html">联系我们</a></p></div>
</body>
</html>
`
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(page))
	check(err)
	check(os.WriteFile(path, b, 0o644))
}
