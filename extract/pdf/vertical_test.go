package pdf

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"zipin/extract/doc"
	"zipin/internal/testpdf"
)

// TestVerticalWriting: WMode 1 fonts (Identity-V, UniGB-UCS2-V, GBK-EUC-V)
// read their columns top to bottom, right to left, every glyph once, with
// the pen moved down by Tj and by TJ adjustments alike; horizontal text on
// the same page comes first.
func TestVerticalWriting(t *testing.T) {
	right, left := "项目预算", "执行率"
	gb1 := map[rune]int{'项': 3931, '目': 2850, '预': 4327, '算': 3544, '执': 4531, '行': 3995, '率': 2673}
	encode := map[string]func(string) string{
		"Identity-V": func(s string) string {
			var b []byte
			for _, r := range s {
				b = append(b, byte(gb1[r]>>8), byte(gb1[r]))
			}
			return hexOf(b)
		},
		"UniGB-UCS2-V": func(s string) string { return hexOf(utf16be(s)) },
		"GBK-EUC-V":    func(s string) string { return hexOf(gbk(t, s)) },
	}
	for cmap, enc := range encode {
		for _, op := range []string{"Tj", "TJ"} {
			t.Run(cmap+"-"+op, func(t *testing.T) {
				show := func(s string) string {
					if op == "Tj" {
						return enc(s) + " Tj"
					}
					// Split the string with a zero and a small adjustment,
					// which move the pen down the column in WMode 1.
					r := []rune(s)
					return fmt.Sprintf("[%s 0 %s -20] TJ", enc(string(r[:2])), enc(string(r[2:])))
				}
				// The right column first in the stream, as writers do; the
				// left one drawn first would read the same.
				content := "BT /F1 20 Tf 1 0 0 1 400 760 Tm " + show(right) + " ET " +
					"BT /F1 20 Tf 1 0 0 1 370 760 Tm " + show(left) + " ET"
				font := fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /%s /DescendantFonts [6 0 R] >>", cmap)
				desc := "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /DW 1000 >>"
				d := readBytes(t, onePage(content, font, desc))
				lines := pageLines(d)
				if len(lines) != 2 || lines[0] != right || lines[1] != left {
					t.Errorf("lines %q, want %q then %q", lines, right, left)
				}
			})
		}
	}
	t.Run("beside-horizontal", func(t *testing.T) {
		content := "BT /F2 12 Tf 72 800 Td (Budget report) Tj ET " +
			"BT /F1 20 Tf 1 0 0 1 400 760 Tm " + encode["Identity-V"](right) + " Tj ET " +
			"BT /F1 20 Tf 1 0 0 1 370 760 Tm " + encode["Identity-V"](left) + " Tj ET"
		font := "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-V /DescendantFonts [6 0 R] >>"
		desc := "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /DW 1000 >>"
		objs := []string{
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
			"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R /F2 7 0 R >> >> /Contents 4 0 R >>",
			testpdf.Stream("", content), font, desc, helvetica,
		}
		lines := pageLines(readBytes(t, testpdf.Build(objs...)))
		if strings.Join(lines, "|") != "Budget report|"+right+"|"+left {
			t.Errorf("lines %q", lines)
		}
	})
}

func readBytes(t *testing.T, data []byte) *doc.Document {
	t.Helper()
	d, err := Read(context.Background(), "test.pdf", data)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func pageLines(d *doc.Document) []string {
	var out []string
	for _, p := range d.Pages {
		for _, b := range p.Blocks {
			for _, l := range b.Lines {
				out = append(out, l.Text)
			}
		}
	}
	return out
}
