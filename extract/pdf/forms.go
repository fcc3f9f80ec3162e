package pdf

import (
	"math"
	"unicode/utf8"

	lpdf "github.com/ledongthuc/pdf"
)

// A filled AcroForm keeps its values in the widget annotations, not in the
// page's content: each widget's normal appearance stream (/AP /N) draws
// the value, and /V holds it as text. drawWidgets draws the appearances
// where the widgets sit (PDF 32000-1 §12.5.5: the form's BBox, transformed
// by its Matrix, is fitted to the annotation's Rect), so layout reads the
// values with the page text in reading order; a field without an
// appearance gets its /V laid out in its Rect.

// maxWidgets bounds the annotations read on one page.
const maxWidgets = 4096

func (w *walker) drawWidgets(page, dr lpdf.Value, base matrix) {
	annots := page.Key("Annots")
	for i := 0; i < annots.Len() && i < maxWidgets; i++ {
		a := annots.Index(i)
		if st := a.Key("Subtype").Name(); st != "Widget" && st != "FreeText" {
			continue
		}
		if a.Key("F").Int64()&(1<<1|1<<5) != 0 { // Hidden, NoView
			continue
		}
		rect := a.Key("Rect")
		if rect.Len() != 4 {
			continue
		}
		rx0, ry0, rx1, ry1 := rect.Index(0).Float64(), rect.Index(1).Float64(), rect.Index(2).Float64(), rect.Index(3).Float64()
		if rx1 < rx0 {
			rx0, rx1 = rx1, rx0
		}
		if ry1 < ry0 {
			ry0, ry1 = ry1, ry0
		}
		if fieldKey(a, "FT").Name() == "Btn" {
			// Check boxes and radio buttons draw a ZapfDingbats glyph whose
			// code is a digit ("4" for ✔); they read as ☑/☐ as in DOCX.
			// Push buttons (flag bit 17) carry no value.
			if fieldKey(a, "Ff").Int64()&(1<<16) == 0 {
				box := "☐"
				if s := a.Key("AS").Name(); s != "" && s != "Off" {
					box = "☑"
				}
				w.layValue(box, rx0, ry0, rx1, ry1, base)
			}
			continue
		}
		ap := a.Key("AP").Key("N")
		if ap.Kind() == lpdf.Dict { // appearance states: a check box
			ap = ap.Key(a.Key("AS").Name())
		}
		if ap.Kind() == lpdf.Stream {
			w.drawAppearance(ap, dr, rx0, ry0, rx1, ry1, base)
			continue
		}
		if v := fieldValue(a); v != "" {
			w.layValue(v, rx0, ry0, rx1, ry1, base)
		}
	}
}

// drawAppearance runs an appearance stream fitted to the widget's Rect.
func (w *walker) drawAppearance(ap, dr lpdf.Value, rx0, ry0, rx1, ry1 float64, base matrix) {
	m := identity
	if mv := ap.Key("Matrix"); mv.Len() == 6 {
		for i := range m {
			m[i] = mv.Index(i).Float64()
		}
	}
	bb := ap.Key("BBox")
	if bb.Len() != 4 {
		return
	}
	// The BBox's corners through Matrix, and their bounds.
	bx0, by0, bx1, by1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, c := range [4][2]int{{0, 1}, {2, 1}, {0, 3}, {2, 3}} {
		x, y := m.apply(bb.Index(c[0]).Float64(), bb.Index(c[1]).Float64())
		bx0, bx1 = math.Min(bx0, x), math.Max(bx1, x)
		by0, by1 = math.Min(by0, y), math.Max(by1, y)
	}
	if bx1-bx0 < 1e-6 || by1-by0 < 1e-6 {
		return
	}
	sx, sy := (rx1-rx0)/(bx1-bx0), (ry1-ry0)/(by1-by0)
	fit := matrix{sx, 0, 0, sy, rx0 - sx*bx0, ry0 - sy*by0}
	res := ap.Key("Resources")
	if res.IsNull() {
		res = dr
	}
	if k, ok := keyOf(ap); ok {
		if w.formsOn[k] {
			return
		}
		w.formsOn[k] = true
		defer delete(w.formsOn, k)
	}
	w.run(ap, res, m.mul(fit).mul(base), 1)
}

// fieldValue is a text field's /V, inherited from its parent fields.
func fieldValue(a lpdf.Value) string {
	if v := fieldKey(a, "V"); v.Kind() == lpdf.String {
		return v.Text()
	}
	return ""
}

// fieldKey looks an inheritable field attribute up the field tree.
func fieldKey(a lpdf.Value, key string) lpdf.Value {
	for i := 0; i < 16 && !a.IsNull(); i++ {
		if v := a.Key(key); !v.IsNull() {
			return v
		}
		a = a.Key("Parent")
	}
	return lpdf.Value{}
}

// layValue places a value without an appearance on one line at the left of
// its Rect, ideographs one em wide and other characters half an em.
func (w *walker) layValue(v string, rx0, ry0, rx1, ry1 float64, base matrix) {
	size := math.Min(12, math.Max(4, (ry1-ry0)*0.7))
	x, y := rx0+2, ry0+(ry1-ry0-size)/2+0.2*size
	for _, r := range v {
		if len(w.glyphs) >= maxGlyphs {
			return
		}
		adv := size / 2
		if utf8.RuneLen(r) >= 3 && isWide(r) {
			adv = size
		}
		if r == '\n' || r == '\r' {
			r = ' '
		}
		g := glyph{text: string(r), size: size, method: methodToUnicode, seq: len(w.glyphs)}
		if n := math.Hypot(base[0], base[1]); n > 0 {
			g.dx, g.dy = base[0]/n, base[1]/n
		}
		g.bx, g.by = base.apply(x, y)
		ax, ay := base.apply(x, y-0.2*size)
		bx, by := base.apply(x+adv, y+0.8*size)
		g.x0, g.x1 = math.Min(ax, bx), math.Max(ax, bx)
		g.y0, g.y1 = math.Min(ay, by), math.Max(ay, by)
		if r != ' ' {
			w.glyphs = append(w.glyphs, g)
		}
		x += adv
	}
}
