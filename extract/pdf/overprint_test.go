package pdf

import (
	"strings"
	"testing"
)

// TestOverprint: text drawn several times at nearly the same place (a
// shadow 1.5 pt off, fake bold 0.4 pt off, a CAD title block drawn ten
// times) comes out once; the same character repeated in running text
// ("1100", "……") is kept.
func TestOverprint(t *testing.T) {
	title := hexOf(utf16be("项目支出绩效自评表"))
	var cad strings.Builder
	for i := 0; i < 10; i++ {
		cad.WriteString("BT /F1 14 Tf 100 600 Td " + hexOf(utf16be("北斗星")) + " Tj ET ")
	}
	font := "<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /UniGB-UCS2-H /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /DW 1000 >>] >>"
	content := "BT /F1 12 Tf 101.5 698.5 Td " + title + " Tj ET " + // the shadow, drawn first
		"BT /F1 12 Tf 100 700 Td " + title + " Tj ET " +
		"BT /F1 12 Tf 100.4 700 Td " + title + " Tj ET " + // fake bold
		cad.String() +
		"BT /F1 12 Tf 100 500 Td " + hexOf(utf16be("预算1100万元……")) + " Tj ET"
	d := readBytes(t, onePage(content, font))
	got := strings.Join(pageLines(d), "|")
	want := "项目支出绩效自评表|北斗星|预算1100万元……"
	if got != want {
		t.Errorf("lines %q, want %q", got, want)
	}
}
