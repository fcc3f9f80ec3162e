package pdf

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/traditionalchinese"
)

// TestLegacyCMaps: non-embedded CID fonts whose predefined CMap carries a
// legacy charset of the Japan1, CNS1 and Korea1 collections are decoded
// from the codes alone, with no ToUnicode map.
func TestLegacyCMaps(t *testing.T) {
	cases := []struct {
		cmap, ordering, text string
		enc                  encoding.Encoding
	}{
		{"EUC-H", "Japan1", "予算の執行率", japanese.EUCJP},
		{"90ms-RKSJ-H", "Japan1", "予算の執行率", japanese.ShiftJIS},
		{"B5pc-H", "CNS1", "預算執行率", traditionalchinese.Big5},
		{"ETen-B5-H", "CNS1", "預算執行率", traditionalchinese.Big5},
		{"KSC-EUC-H", "Korea1", "예산 집행률", korean.EUCKR},
	}
	for _, c := range cases {
		t.Run(c.cmap, func(t *testing.T) {
			code, err := c.enc.NewEncoder().Bytes([]byte(c.text))
			if err != nil {
				t.Fatal(err)
			}
			font := fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /Gothic /Encoding /%s /DescendantFonts [6 0 R] >>", c.cmap)
			desc := fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType0 /BaseFont /Gothic /CIDSystemInfo << /Registry (Adobe) /Ordering (%s) /Supplement 2 >> /FontDescriptor 7 0 R >>", c.ordering)
			data := onePage("BT /F1 12 Tf 72 700 Td "+hexOf(code)+" Tj ET", font, desc,
				"<< /Type /FontDescriptor /FontName /Gothic /Flags 4 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>")
			pd, err := readPageForTest(data, 1)
			if err != nil {
				t.Fatal(err)
			}
			var got strings.Builder
			for _, g := range pd.glyphs {
				got.WriteString(g.text)
			}
			if strings.ReplaceAll(got.String(), " ", "") != strings.ReplaceAll(c.text, " ", "") {
				t.Errorf("text %q, want %q", got.String(), c.text)
			}
		})
	}
}
