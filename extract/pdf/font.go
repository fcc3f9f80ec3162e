package pdf

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf16"

	lpdf "github.com/ledongthuc/pdf"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"

	"zipin/extract/pdf/cid2uni"
)

// Decoding tiers, recorded per page in doc.Page.Method. The order is the
// order of trust: a sane ToUnicode map is the producer's own statement of
// the text, the rest are inferences.
const (
	methodToUnicode = "tounicode"
	methodCJKCMap   = "cjk-cmap"
	methodGBKWinAns = "gbk-winansi"
	methodCIDCMap   = "cid-cmap"
	methodCIDColl   = "cid-collection"
	methodSimple    = "simple-encoding"
	methodOCR       = "ocr"
)

// font is what the content-stream walker needs from a PDF font: how to cut a
// string into character codes, what each code means and how wide it is.
type font struct {
	name   string
	method string
	bold   bool
	// split returns the length in bytes of the code starting at s[0].
	split func(s string) int
	// decode maps one code to text; "" for a code that cannot be decoded.
	decode func(code string) string
	// width is the advance of one code in glyph space (1/1000 em).
	width func(code string) float64
	// gbk, for a non-embedded simple font with an unknown name, is the same
	// font read as GBK; the walker switches to it for strings whose high
	// bytes all pair up as GB 2312 codes.
	gbk *font
	// space reports whether the code is the single-byte 32 that Tw applies to.
	wordSpace func(code string) bool
	// vertical: WMode 1 (a -V CMap). vmetrics gives a code's vertical
	// displacement w1y and position vector (vx, vy), in 1/1000 em
	// (PDF 32000-1 §9.7.4.3: /W2, /DW2, default [880 -1000]).
	vertical bool
	vmetrics func(code string) (w1y, vx, vy float64)
	// rare, for a font decoded through a collection table, flags
	// ideographs outside the collection's common set.
	rare func(rune) bool
}

func oneByte(string) int { return 1 }

// gbkSplit cuts GB 2312/GBK byte strings: a lead byte 0x81–0xFE starts a
// two-byte code, anything else is one byte.
func gbkSplit(s string) int {
	if len(s) >= 2 && s[0] >= 0x81 && s[0] <= 0xFE {
		return 2
	}
	return 1
}

func twoBytes(s string) int { return min(2, len(s)) }

// utf16Split keeps surrogate pairs together.
func utf16Split(s string) int {
	if len(s) >= 4 && s[0] >= 0xD8 && s[0] <= 0xDB {
		return 4
	}
	return min(2, len(s))
}

func gbkDecode(code string) string {
	if len(code) == 1 && code[0] < 0x80 {
		return code
	}
	out, err := simplifiedchinese.GBK.NewDecoder().String(code)
	if err != nil || strings.ContainsRune(out, utf8Bad) {
		return ""
	}
	return out
}

// eucJPSplit: 0x8E and A1–FE lead two-byte codes, 0x8F a three-byte one.
func eucJPSplit(s string) int {
	switch {
	case len(s) >= 3 && s[0] == 0x8F:
		return 3
	case len(s) >= 2 && (s[0] == 0x8E || s[0] >= 0xA1 && s[0] <= 0xFE):
		return 2
	}
	return 1
}

// sjisSplit: 81–9F and E0–FC lead two-byte Shift-JIS codes.
func sjisSplit(s string) int {
	if len(s) >= 2 && (s[0] >= 0x81 && s[0] <= 0x9F || s[0] >= 0xE0 && s[0] <= 0xFC) {
		return 2
	}
	return 1
}

// legacyDecode decodes one code of a legacy double-byte charset.
func legacyDecode(e encoding.Encoding) func(string) string {
	return func(code string) string {
		if len(code) == 1 && code[0] < 0x80 {
			return code
		}
		out, err := e.NewDecoder().String(code)
		if err != nil || strings.ContainsRune(out, utf8Bad) {
			return ""
		}
		return out
	}
}

func utf16Decode(code string) string {
	if len(code)%2 != 0 {
		return ""
	}
	u := make([]uint16, 0, len(code)/2)
	for i := 0; i+1 < len(code); i += 2 {
		u = append(u, uint16(code[i])<<8|uint16(code[i+1]))
	}
	return string(utf16.Decode(u))
}

const utf8Bad = '\uFFFD'

// predefinedCMaps are the predefined CMaps whose codes can be decoded
// without the CMap file itself: the GB ones carry GB 2312/GBK codes, the
// Uni ones UCS-2/UTF-16, and the Japanese, Korean and traditional Chinese
// ones (Adobe-Japan1, -Korea1, -CNS1) EUC-JP, Shift-JIS, EUC-KR/UHC and
// Big Five. ledongthuc knows only UniGB-UCS2-H and returns raw bytes for
// the rest, which is why zipin decodes them itself. Names: PDF 32000-1
// Table 118.
var predefinedCMaps = map[string]struct {
	split  func(string) int
	decode func(string) string
}{
	"GBK-EUC-H":     {gbkSplit, gbkDecode},
	"GBK-EUC-V":     {gbkSplit, gbkDecode},
	"GB-EUC-H":      {gbkSplit, gbkDecode},
	"GB-EUC-V":      {gbkSplit, gbkDecode},
	"GBpc-EUC-H":    {gbkSplit, gbkDecode},
	"GBpc-EUC-V":    {gbkSplit, gbkDecode},
	"GBK2K-H":       {gbkSplit, gbkDecode},
	"GBK2K-V":       {gbkSplit, gbkDecode},
	"GBKp-EUC-H":    {gbkSplit, gbkDecode},
	"GBKp-EUC-V":    {gbkSplit, gbkDecode},
	"UniGB-UCS2-H":  {twoBytes, utf16Decode},
	"UniGB-UCS2-V":  {twoBytes, utf16Decode},
	"UniGB-UTF16-H": {utf16Split, utf16Decode},
	"UniGB-UTF16-V": {utf16Split, utf16Decode},

	"EUC-H":          {eucJPSplit, legacyDecode(japanese.EUCJP)},
	"EUC-V":          {eucJPSplit, legacyDecode(japanese.EUCJP)},
	"90ms-RKSJ-H":    {sjisSplit, legacyDecode(japanese.ShiftJIS)},
	"90ms-RKSJ-V":    {sjisSplit, legacyDecode(japanese.ShiftJIS)},
	"90msp-RKSJ-H":   {sjisSplit, legacyDecode(japanese.ShiftJIS)},
	"90msp-RKSJ-V":   {sjisSplit, legacyDecode(japanese.ShiftJIS)},
	"90pv-RKSJ-H":    {sjisSplit, legacyDecode(japanese.ShiftJIS)},
	"83pv-RKSJ-H":    {sjisSplit, legacyDecode(japanese.ShiftJIS)},
	"KSC-EUC-H":      {gbkSplit, legacyDecode(korean.EUCKR)},
	"KSC-EUC-V":      {gbkSplit, legacyDecode(korean.EUCKR)},
	"KSCms-UHC-H":    {gbkSplit, legacyDecode(korean.EUCKR)},
	"KSCms-UHC-V":    {gbkSplit, legacyDecode(korean.EUCKR)},
	"KSCms-UHC-HW-H": {gbkSplit, legacyDecode(korean.EUCKR)},
	"KSCms-UHC-HW-V": {gbkSplit, legacyDecode(korean.EUCKR)},
	"KSCpc-EUC-H":    {gbkSplit, legacyDecode(korean.EUCKR)},
	"B5pc-H":         {gbkSplit, legacyDecode(traditionalchinese.Big5)},
	"B5pc-V":         {gbkSplit, legacyDecode(traditionalchinese.Big5)},
	"ETen-B5-H":      {gbkSplit, legacyDecode(traditionalchinese.Big5)},
	"ETen-B5-V":      {gbkSplit, legacyDecode(traditionalchinese.Big5)},
	"ETenms-B5-H":    {gbkSplit, legacyDecode(traditionalchinese.Big5)},
	"ETenms-B5-V":    {gbkSplit, legacyDecode(traditionalchinese.Big5)},
	"HKscs-B5-H":     {gbkSplit, legacyDecode(traditionalchinese.Big5)},
	"HKscs-B5-V":     {gbkSplit, legacyDecode(traditionalchinese.Big5)},
	"UniJIS-UCS2-H":  {twoBytes, utf16Decode},
	"UniJIS-UCS2-V":  {twoBytes, utf16Decode},
	"UniJIS-UTF16-H": {utf16Split, utf16Decode},
	"UniJIS-UTF16-V": {utf16Split, utf16Decode},
	"UniCNS-UCS2-H":  {twoBytes, utf16Decode},
	"UniCNS-UCS2-V":  {twoBytes, utf16Decode},
	"UniCNS-UTF16-H": {utf16Split, utf16Decode},
	"UniCNS-UTF16-V": {utf16Split, utf16Decode},
	"UniKS-UCS2-H":   {twoBytes, utf16Decode},
	"UniKS-UCS2-V":   {twoBytes, utf16Decode},
	"UniKS-UTF16-H":  {utf16Split, utf16Decode},
	"UniKS-UTF16-V":  {utf16Split, utf16Decode},
}

// fontCache keeps parsed fonts for the whole document: Word output repeats
// the same font object on every page, and parsing its ToUnicode or embedded
// cmap once per page is what made ledongthuc's Content() slow.
type fontCache map[objKey]*font

func (c fontCache) load(v lpdf.Value) *font {
	k, ok := keyOf(v)
	if ok {
		if f := c[k]; f != nil {
			return f
		}
	}
	f := loadFont(v)
	if ok {
		c[k] = f
	}
	return f
}

func loadFont(v lpdf.Value) *font {
	base := v.Key("BaseFont").Name()
	f := &font{name: base, bold: isBoldName(base)}
	desc := v.Key("FontDescriptor")
	if v.Key("Subtype").Name() == "Type0" {
		loadType0(f, v)
		desc = v.Key("DescendantFonts").Index(0).Key("FontDescriptor")
	} else {
		loadSimple(f, v)
	}
	if flags := desc.Key("Flags").Int64(); flags&(1<<18) != 0 {
		f.bold = true
	}
	if desc.Key("FontWeight").Float64() >= 600 {
		f.bold = true
	}
	return f
}

func isBoldName(base string) bool {
	b := strings.ToLower(base)
	for _, w := range []string{"bold", "heavy", "black", "demi"} {
		if strings.Contains(b, w) {
			return true
		}
	}
	return false
}

func loadType0(f *font, v lpdf.Value) {
	desc := v.Key("DescendantFonts").Index(0)
	enc := v.Key("Encoding")
	encName := enc.Name()
	f.split = twoBytes
	if enc.Kind() == lpdf.Stream {
		// An embedded copy of a predefined CMap is that CMap.
		if n := enc.Key("CMapName").Name(); predefinedCMaps[n].split != nil {
			encName = n
		}
	}
	var pre, hasPre = predefinedCMaps[encName]
	var encCMap *cmapTable // an embedded encoding CMap mapping codes to CIDs
	if hasPre {
		f.split = pre.split
	} else if enc.Kind() == lpdf.Stream {
		// An embedded encoding CMap: take its codespace for splitting.
		if cm := parseCMap(enc); cm != nil && len(cm.spaces) > 0 {
			f.split = cm.split
			if len(cm.cidSingle) > 0 || len(cm.cidRanges) > 0 {
				encCMap = cm
			}
		}
	}
	// Widths: /W is keyed by CID. Identity-H makes code = CID; for the
	// predefined GB CMaps the CID needs the CMap tables zipin does not ship,
	// so those fonts get the usual full width for two-byte codes and half
	// width for one-byte codes, which is what the Adobe-GB1 fonts use.
	dw := desc.Key("DW").Float64()
	if desc.Key("DW").IsNull() {
		dw = 1000
	}
	w := cidWidths(desc.Key("W"))
	identity := !hasPre
	// toCID maps a code to its CID: through the embedded CMap, or as the
	// code itself for Identity-H/V.
	toCID := func(code string) string { return code }
	if encCMap != nil {
		toCID = func(code string) string {
			c, ok := encCMap.cid(code)
			if !ok {
				return ""
			}
			return string([]byte{byte(c >> 8), byte(c)})
		}
	}
	f.vertical = strings.HasSuffix(encName, "-V") || enc.Kind() == lpdf.Stream && enc.Key("WMode").Int64() == 1
	if f.vertical {
		f.vmetrics = verticalMetrics(desc, identity, func(code string) float64 { return f.width(code) })
	}
	f.width = func(code string) float64 {
		if identity {
			if x, ok := w[codeInt(toCID(code))]; ok {
				return x
			}
			return dw
		}
		if len(code) == 1 {
			return 500
		}
		return 1000
	}
	f.wordSpace = func(code string) bool { return len(code) == 1 && code[0] == ' ' }

	// The tiers in order of trust. A code the first tier cannot map (a
	// ToUnicode map with gaps) falls through to the next one.
	type tier struct {
		method string
		decode func(string) string
	}
	var tiers []tier
	if tu := v.Key("ToUnicode"); tu.Kind() == lpdf.Stream {
		if cm := parseCMap(tu); cm != nil && cm.sane() {
			tiers = append(tiers, tier{methodToUnicode, cm.lookup})
		}
	}
	// Identity codes are CIDs; when the CIDFont names a registered
	// collection, the collection's table gives their text. For a CFF CIDFont
	// or a font that is not embedded that is the font's own statement; an
	// embedded TrueType font's cmap is trusted first.
	var coll *tier
	if identity && (encName == "Identity-H" || encName == "Identity-V" || encCMap != nil) {
		if dec := collectionDecoder(desc); dec != nil {
			if encCMap != nil {
				byCID := dec
				dec = func(code string) string { return byCID(toCID(code)) }
			}
			coll = &tier{methodCIDColl, dec}
			si := desc.Key("CIDSystemInfo")
			f.rare = rareIdeograph(si.Key("Registry").Text() + "-" + si.Key("Ordering").Text())
		}
	}
	collFirst := coll != nil && desc.Key("Subtype").Name() != "CIDFontType2"
	if hasPre {
		tiers = append(tiers, tier{methodCJKCMap, pre.decode})
	} else if len(tiers) == 0 {
		if collFirst {
			tiers = append(tiers, *coll)
			coll = nil
		}
		if dec := cidFontCmap(desc); dec != nil {
			tiers = append(tiers, tier{methodCIDCMap, dec})
		}
	} else {
		// Behind a ToUnicode map the embedded font is parsed only if a
		// code is missing from the map.
		var dec func(string) string
		loaded := false
		tiers = append(tiers, tier{methodCIDCMap, func(code string) string {
			if !loaded {
				dec, loaded = cidFontCmap(desc), true
			}
			if dec == nil {
				return ""
			}
			return dec(code)
		}})
	}
	if coll != nil {
		tiers = append(tiers, *coll)
	}
	switch len(tiers) {
	case 0:
		f.method = methodSimple
		f.decode = func(string) string { return "" }
	case 1:
		f.method, f.decode = tiers[0].method, tiers[0].decode
	default:
		f.method = tiers[0].method
		f.decode = func(code string) string {
			for _, t := range tiers {
				if s := t.decode(code); s != "" {
					return s
				}
			}
			return ""
		}
	}
}

// collectionDecoder maps CIDs through the table of the CIDFont's
// CIDSystemInfo collection (Adobe-GB1, -CNS1, -Japan1, -Korea1), or
// returns nil.
func collectionDecoder(cidFont lpdf.Value) func(string) string {
	si := cidFont.Key("CIDSystemInfo")
	table := cid2uni.Table(si.Key("Registry").Text() + "-" + si.Key("Ordering").Text())
	if table == nil {
		return nil
	}
	return func(code string) string {
		if cid := codeInt(code); cid > 0 && cid < len(table) && table[cid] != 0 {
			return string(table[cid])
		}
		return ""
	}
}

// verticalMetrics reads /DW2 and /W2 of a CIDFont. Only Identity codes
// are CIDs; for the other CMaps the defaults apply.
func verticalMetrics(desc lpdf.Value, identity bool, width func(string) float64) func(string) (float64, float64, float64) {
	vy, w1 := 880.0, -1000.0
	if d := desc.Key("DW2"); d.Len() == 2 {
		vy, w1 = d.Index(0).Float64(), d.Index(1).Float64()
	}
	type vm struct{ w1y, vx, vy float64 }
	per := map[int]vm{}
	if identity {
		a := desc.Key("W2")
		for i := 0; i < a.Len() && len(per) < 1<<16; {
			c := int(a.Index(i).Int64())
			next := a.Index(i + 1)
			if next.Kind() == lpdf.Array {
				for j := 0; j+2 < next.Len(); j += 3 {
					per[c+j/3] = vm{next.Index(j).Float64(), next.Index(j + 1).Float64(), next.Index(j + 2).Float64()}
				}
				i += 2
				continue
			}
			c2 := int(next.Int64())
			m := vm{a.Index(i + 2).Float64(), a.Index(i + 3).Float64(), a.Index(i + 4).Float64()}
			for k := c; k <= c2 && k-c < 1<<16; k++ {
				per[k] = m
			}
			i += 5
		}
	}
	return func(code string) (float64, float64, float64) {
		if m, ok := per[codeInt(code)]; ok && identity {
			return m.w1y, m.vx, m.vy
		}
		return w1, width(code) / 2, vy
	}
}

// rareIdeograph returns, for a collection, whether an ideograph is outside
// the common set of its charset: GB 2312 level 1 for Adobe-GB1, JIS X 0208
// level 1 for Adobe-Japan1, Big Five's frequent block for Adobe-CNS1 (some
// 97–99% of running text). A font that names a collection while its codes
// are really glyph ids (a TrueType subset with an Identity CIDToGIDMap)
// decodes into rare characters (嘆囈貭鍔 for 中国文件), and grade() sends
// such a page to OCR. nil for Adobe-Korea1, whose text is mostly Hangul.
func rareIdeograph(collection string) func(rune) bool {
	var enc encoding.Encoding
	var lo, hi byte
	switch collection {
	case "Adobe-GB1":
		enc, lo, hi = simplifiedchinese.GBK, 0xB0, 0xD7
	case "Adobe-Japan1":
		enc, lo, hi = japanese.EUCJP, 0xB0, 0xCF
	case "Adobe-CNS1":
		enc, lo, hi = traditionalchinese.Big5, 0xA4, 0xC6
	default:
		return nil
	}
	var cache sync.Map
	return func(r rune) bool {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
		if v, ok := cache.Load(r); ok {
			return v.(bool)
		}
		b, err := enc.NewEncoder().String(string(r))
		rare := err != nil || len(b) != 2 || b[0] < lo || b[0] > hi
		cache.Store(r, rare)
		return rare
	}
}

// cidWidths reads a CIDFont /W array: c [w1 w2 ...] or c1 c2 w.
func cidWidths(w lpdf.Value) map[int]float64 {
	out := map[int]float64{}
	n := w.Len()
	for i := 0; i < n && len(out) < 1<<16; {
		c := int(w.Index(i).Int64())
		next := w.Index(i + 1)
		if next.Kind() == lpdf.Array {
			for j := 0; j < next.Len(); j++ {
				out[c+j] = next.Index(j).Float64()
			}
			i += 2
			continue
		}
		c2 := int(next.Int64())
		x := w.Index(i + 2).Float64()
		for k := c; k <= c2 && k-c < 1<<16; k++ {
			out[k] = x
		}
		i += 3
	}
	return out
}

func codeInt(code string) int {
	n := 0
	for i := 0; i < len(code); i++ {
		n = n<<8 | int(code[i])
	}
	return n
}

func loadSimple(f *font, v lpdf.Value) {
	first := int(v.Key("FirstChar").Int64())
	wv := v.Key("Widths")
	widths := make([]float64, wv.Len())
	for i := range widths {
		widths[i] = wv.Index(i).Float64()
	}
	missing := v.Key("FontDescriptor").Key("MissingWidth").Float64()
	// Type 3 widths are in the font's own glyph space, scaled by FontMatrix
	// rather than by 1/1000.
	if fm := v.Key("FontMatrix"); v.Key("Subtype").Name() == "Type3" && fm.Len() == 6 && fm.Index(0).Float64() != 0 {
		scale := fm.Index(0).Float64() * 1000
		for i := range widths {
			widths[i] *= scale
		}
		missing *= scale
	}
	byteWidth := func(b byte) float64 {
		i := int(b) - first
		if i >= 0 && i < len(widths) {
			return widths[i]
		}
		if missing > 0 {
			return missing
		}
		return 500
	}
	f.split = oneByte
	f.width = func(code string) float64 {
		w := 0.0
		for i := 0; i < len(code); i++ {
			w += byteWidth(code[i])
		}
		return w
	}
	f.wordSpace = func(code string) bool { return code == " " }

	if gbkWinAnsi(v) {
		// Word on Chinese Windows writes non-embedded 仿宋_GB2312-style
		// TrueType fonts as "WinAnsi" while the codes are GBK double bytes.
		// The width of a pair is the sum of its two byte widths.
		// A pair that is not GBK (Latin-1 text in the same font) is decoded
		// byte by byte as WinAnsi instead of being lost.
		win := (&lpdf.Font{V: v}).Encoder()
		f.method, f.split = methodGBKWinAns, gbkSplit
		f.decode = func(code string) string {
			if s := gbkDecode(code); s != "" {
				return s
			}
			return win.Decode(code)
		}
		return
	}
	if tu := v.Key("ToUnicode"); tu.Kind() == lpdf.Stream {
		if cm := parseCMap(tu); cm != nil && cm.sane() {
			f.method, f.decode = methodToUnicode, cm.lookup
			return
		}
	}
	// For plain Latin simple fonts ledongthuc's encoders (WinAnsi,
	// MacRoman, Differences) are right; they work per byte, so calling them
	// per code is safe.
	lf := lpdf.Font{V: v}
	enc := lf.Encoder()
	f.method = methodSimple
	f.decode = func(code string) string { return enc.Decode(code) }
	if notEmbedded(v) && (v.Key("Encoding").IsNull() || v.Key("Encoding").Name() == "WinAnsiEncoding") {
		g := *f
		g.method, g.split = methodGBKWinAns, gbkSplit
		g.decode = func(code string) string {
			if s := gbkDecode(code); s != "" {
				return s
			}
			return enc.Decode(code)
		}
		f.gbk = &g
	}
}

func notEmbedded(v lpdf.Value) bool {
	d := v.Key("FontDescriptor")
	for _, k := range []string{"FontFile", "FontFile2", "FontFile3"} {
		if !d.Key(k).IsNull() {
			return false
		}
	}
	return v.Key("Subtype").Name() == "TrueType" || v.Key("Subtype").Name() == "Type1"
}

// looksGB2312 says whether every byte ≥ 0x80 in s pairs with the next one
// into a GB 2312 code (lead A1–F7, trail A1–FE), at least twice: Latin-1
// text in a WinAnsi font almost never does.
func looksGB2312(s string) bool {
	pairs := 0
	for i := 0; i < len(s); i++ {
		if s[i] < 0x80 {
			continue
		}
		if i+1 >= len(s) || s[i] < 0xA1 || s[i] > 0xF7 || s[i+1] < 0xA1 || s[i+1] > 0xFE {
			return false
		}
		pairs++
		i++
	}
	return pairs >= 2
}

// gbkWinAnsi recognises the 公文 font: a simple TrueType font that is not
// embedded and whose BaseFont is a GBK-encoded Chinese name (or a known
// Chinese font family), so its "WinAnsi" bytes are GBK pairs.
func gbkWinAnsi(v lpdf.Value) bool {
	if !notEmbedded(v) {
		return false
	}
	if e := v.Key("Encoding"); e.Kind() == lpdf.Dict {
		return false
	}
	base := v.Key("BaseFont").Name()
	if name := gbkDecode(strings.SplitN(base, ",", 2)[0]); name != "" && hasHan(name) {
		return true
	}
	lb := strings.ToLower(base)
	for _, fam := range chineseFamilies {
		if strings.Contains(lb, fam) {
			return true
		}
	}
	return false
}

var chineseFamilies = []string{"simsun", "simhei", "simfang", "simkai", "fangsong", "kaiti", "nsimsun", "fzxiaobiaosong", "fzxbs", "_gb2312", "stsong", "stfangsong", "stkaiti", "microsoftyahei"}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
