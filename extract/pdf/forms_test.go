package pdf

import (
	"strings"
	"testing"

	"zipin/internal/testpdf"
)

// TestFormFields: values that live only in a filled form's widgets — drawn
// by an appearance stream, or only in /V — are read where they sit, after
// their labels; a hidden widget is not.
func TestFormFields(t *testing.T) {
	font := "<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /UniGB-UCS2-H /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /DW 1000 >>] >>"
	labels := "BT /F1 12 Tf 72 700 Td " + hexOf(utf16be("项目名称：")) + " Tj ET " +
		"BT /F1 12 Tf 72 670 Td " + hexOf(utf16be("预算金额（万元）：")) + " Tj ET " +
		"BT /F1 12 Tf 72 640 Td " + hexOf(utf16be("自评得分：")) + " Tj ET " +
		"BT /F1 12 Tf 72 610 Td " + hexOf(utf16be("评价等级：")) + " Tj ET " +
		"BT /F1 12 Tf 150 610 Td " + hexOf(utf16be("优")) + " Tj ET " +
		"BT /F1 12 Tf 190 610 Td " + hexOf(utf16be("良")) + " Tj ET"
	// The appearance is drawn in its own space: BBox 0 0 200 20, scaled
	// by Matrix 0.5 and so fitted twice as large into the Rect.
	ap := testpdf.Stream("/Type /XObject /Subtype /Form /BBox [0 0 200 20] /Matrix [0.5 0 0 0.5 0 0] /Resources << /Font << /F1 5 0 R >> >>",
		"/Tx BMC BT /F1 12 Tf 4 8 Td "+hexOf(utf16be("乡村道路硬化"))+" Tj ET EMC")
	page := "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R /Annots [6 0 R 7 0 R 8 0 R 9 0 R 11 0 R 12 0 R] >>"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R 7 0 R 8 0 R 9 0 R 11 0 R 12 0 R] >> >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		page,
		testpdf.Stream("", labels),
		font,
		"<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /Rect [170 692 370 712] /AP << /N 10 0 R >> /V <FEFF4E614E5190538DEF786C5316> >>",
		"<< /Type /Annot /Subtype /Widget /FT /Tx /T (budget) /Rect [190 666 290 686] /V (412.60) >>",
		"<< /Type /Annot /Subtype /Widget /FT /Tx /T (score) /Rect [140 636 240 656] /V (92.5) >>",
		"<< /Type /Annot /Subtype /Widget /FT /Tx /T (note) /F 2 /Rect [72 600 300 620] /V (hidden draft) >>",
		ap,
		// Check boxes whose appearances draw ZapfDingbats "4": one off, one on.
		"<< /Type /Annot /Subtype /Widget /FT /Btn /T (g1) /Rect [136 608 148 620] /AS /Off /AP << /N << /Yes 10 0 R /Off 10 0 R >> >> >>",
		"<< /Type /Annot /Subtype /Widget /FT /Btn /T (g2) /Rect [176 608 188 620] /AS /Yes /AP << /N << /Yes 10 0 R /Off 10 0 R >> >> >>",
	}
	d := readBytes(t, testpdf.Build(objs...))
	got := strings.Join(pageLines(d), "|")
	want := "项目名称：乡村道路硬化|预算金额（万元）：412.60|自评得分：92.5|评价等级：☐优☑良"
	if strings.ReplaceAll(got, " ", "") != want {
		t.Errorf("lines %q, want %q", got, want)
	}
	if strings.Contains(got, "hidden") {
		t.Error("hidden widget read")
	}
}
