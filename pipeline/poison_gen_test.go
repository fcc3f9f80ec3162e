package pipeline

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"

	"zipin/internal/testpdf"
)

// The poison documents of the robustness tests, built here so each test
// says what is in its input.

// cutCMapPDF is a one-page PDF whose font's ToUnicode CMap is cut off right
// after a "<", as a truncated download leaves it.
func cutCMapPDF() []byte {
	content := "BT /F1 12 Tf 72 720 Td (ABC) Tj ET"
	cmap := "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CMapName /Cut def\n1 begincodespacerange\n<00> <FF>\nendcodespacerange\n2 beginbfchar\n<41> <4E00>\n<42> <"
	return testpdf.Build(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
		testpdf.Stream("", content),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
		testpdf.Stream("", cmap),
	)
}

// wideXLSX is a workbook of one sheet whose single row holds n cells with
// no "r" (reference) attributes, which Excel accepts; the cost of analysing
// such a row grows with the square of n.
func wideXLSX(n int) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	put := func(name, s string) {
		w, err := z.Create(name)
		if err != nil {
			panic(err)
		}
		w.Write([]byte(s))
	}
	put("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`)
	put("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	put("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="绩效自评表" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row>`)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `<c t="inlineStr"><is><t>%d%%</t></is></c>`, i%100)
	}
	b.WriteString(`</row></sheetData></worksheet>`)
	put("xl/worksheets/sheet1.xml", b.String())
	if err := z.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// denseText is a report of one line holding n amounts in 万元: n facts on
// one page.
func denseText(n int) []byte {
	var b strings.Builder
	b.WriteString("某县财政局2023年度部门整体支出绩效自评报告\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "支出%d.5万元，", i+1)
	}
	b.WriteString("\n")
	return []byte(b.String())
}
