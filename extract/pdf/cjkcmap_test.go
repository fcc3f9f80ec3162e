package pdf

import (
	"fmt"
	"strings"
	"testing"

	"zipin/internal/testpdf"

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

// TestCIDCollection: Identity-H codes of a CIDFont that names a registered
// collection and has no ToUnicode and no usable embedded cmap are CIDs of
// that collection. The CIDs here were read by hand from Adobe's legacy
// CMaps (GB-EUC-H, EUC-H, B5pc-H, KSC-EUC-H), not from the Unicode CMaps
// zipin's tables come from.
func TestCIDCollection(t *testing.T) {
	cases := []struct {
		name, subtype, ordering, file, text string
		cids                                []int
	}{
		{"STSong-Light", "CIDFontType0", "GB1", "", "项目预算执行率", []int{3931, 2850, 4327, 3544, 4531, 3995, 2673}},
		{"KozMinPro-Regular", "CIDFontType0", "Japan1", "", "予算執行率", []int{3879, 2185, 2277, 2022, 3952}},
		{"MSungStd-Light", "CIDFontType0", "CNS1", "", "預算執行率", []int{3947, 4177, 2626, 1041, 2847}},
		{"HYSMyeongJo-Medium", "CIDFontType0", "Korea1", "", "예산", []int{2520, 2193}},
		// An embedded TrueType subset whose program has no usable cmap.
		{"ABCDEF+SimSun", "CIDFontType2", "GB1", "/FontFile2 8 0 R", "万元", []int{3747, 4333}},
	}
	for _, c := range cases {
		t.Run(c.ordering+"-"+c.subtype, func(t *testing.T) {
			var code []byte
			for _, cid := range c.cids {
				code = append(code, byte(cid>>8), byte(cid))
			}
			font := fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H /DescendantFonts [6 0 R] >>", c.name)
			desc := fmt.Sprintf("<< /Type /Font /Subtype /%s /BaseFont /%s /CIDSystemInfo << /Registry (Adobe) /Ordering (%s) /Supplement 2 >> /FontDescriptor 7 0 R /DW 1000 >>", c.subtype, c.name, c.ordering)
			fd := fmt.Sprintf("<< /Type /FontDescriptor /FontName /%s /Flags 4 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 %s >>", c.name, c.file)
			data := onePage("BT /F1 12 Tf 72 700 Td "+hexOf(code)+" Tj ET", font, desc, fd, testpdf.Stream("", "not a font program"))
			pd, err := readPageForTest(data, 1)
			if err != nil {
				t.Fatal(err)
			}
			var got strings.Builder
			for _, g := range pd.glyphs {
				got.WriteString(g.text)
			}
			if got.String() != c.text || pd.method != methodCIDColl {
				t.Errorf("text %q method %s, want %q by %s", got.String(), pd.method, c.text, methodCIDColl)
			}
		})
	}
	// A TrueType subset that names Adobe-Japan1 while its codes are glyph
	// ids: the table gives rare ideographs (嘆囈貭鍔), so the page counts as
	// badly decoded and goes to OCR instead of into the dataset.
	font0 := "<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+80000001 /Encoding /Identity-H /DescendantFonts [6 0 R] >>"
	desc0 := "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+80000001 /CIDSystemInfo << /Registry (Adobe) /Ordering (Japan1) /Supplement 2 >> >>"
	pd0, err := readPageForTest(onePage("BT /F1 12 Tf 72 700 Td <0B7011671A650BF30B7011671A650BF3> Tj ET", font0, desc0), 1)
	if err != nil || pd0.quality >= 0.5 || !pd0.needsOCR() {
		t.Errorf("glyph ids read as Japan1 CIDs: quality %.2f, needs OCR %v (err %v)", pd0.quality, pd0.needsOCR(), err)
	}
	// Ordering Identity names no collection: the codes stay undecoded
	// (and the page goes to OCR), never read as GB1 CIDs.
	font := "<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /DescendantFonts [6 0 R] >>"
	desc := "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /X /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>"
	pd, err := readPageForTest(onePage("BT /F1 12 Tf 72 700 Td <0F5B> Tj ET", font, desc), 1)
	if err != nil || len(pd.glyphs) > 0 && strings.TrimSpace(pd.glyphs[0].text) != "" {
		t.Errorf("Identity ordering decoded as %q (err %v)", pd.glyphs[0].text, err)
	}
}

// TestEmbeddedEncodingCMap: a CIDFont whose encoding is an embedded CMap
// stream: its cidchar/cidrange entries map codes to collection CIDs, and
// an embedded copy of a predefined CMap (by /CMapName) is that CMap.
func TestEmbeddedEncodingCMap(t *testing.T) {
	desc := "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /DW 1000 >>"
	// Codes 0101–0104 → 项目预算 (GB1 3931 2850 4327 3544, read from
	// GB-EUC-H), and a one-code range 0201 → 万 3747.
	cmap := "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Custom-H def\n" +
		"1 begincodespacerange <0000> <FFFF> endcodespacerange\n" +
		"4 begincidchar <0101> 3931 <0102> 2850 <0103> 4327 <0104> 3544 endcidchar\n" +
		"1 begincidrange <0201> <0201> 3747 endcidrange\n" +
		"endcmap CMapName currentdict /CMap defineresource pop end end"
	font := "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding 7 0 R /DescendantFonts [6 0 R] >>"
	pd, err := readPageForTest(onePage("BT /F1 12 Tf 72 700 Td <01010102010301040201> Tj ET", font, desc, testpdf.Stream("/Type /CMap /CMapName /Custom-H", cmap)), 1)
	if err != nil {
		t.Fatal(err)
	}
	var got strings.Builder
	for _, g := range pd.glyphs {
		got.WriteString(g.text)
	}
	if got.String() != "项目预算万" {
		t.Errorf("custom CMap: text %q, want 项目预算万", got.String())
	}
	// An embedded GBK-EUC-H.
	font2 := "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding 7 0 R /DescendantFonts [6 0 R] >>"
	pd, err = readPageForTest(onePage("BT /F1 12 Tf 72 700 Td "+hexOf(gbk(t, "预算执行率"))+" Tj ET", font2, desc, testpdf.Stream("/Type /CMap /CMapName /GBK-EUC-H", "% a copy of Adobe's GBK-EUC-H")), 1)
	if err != nil {
		t.Fatal(err)
	}
	got.Reset()
	for _, g := range pd.glyphs {
		got.WriteString(g.text)
	}
	if got.String() != "预算执行率" {
		t.Errorf("embedded GBK-EUC-H: text %q", got.String())
	}
}
