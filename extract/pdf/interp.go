package pdf

import (
	"context"
	"fmt"
	"math"

	lpdf "github.com/ledongthuc/pdf"
)

// matrix is a PDF affine transform [a b c d e f].
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// mul returns m × n: apply m first, then n.
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func (m matrix) apply(x, y float64) (float64, float64) {
	return x*m[0] + y*m[2] + m[4], x*m[1] + y*m[3] + m[5]
}

// glyph is one decoded character code as placed on the page, in default
// user space (y up); layout converts to top-left coordinates.
type glyph struct {
	text           string
	x0, y0, x1, y1 float64 // box
	bx, by         float64 // baseline origin
	size           float64 // effective font size in points
	method         string
	bold           bool
	seq            int     // content-stream order
	dx, dy         float64 // reading direction, unit vector in page space
	rare           bool    // a rare ideograph from a collection table (font.rare)
}

func hasRare(s string, rare func(rune) bool) bool {
	for _, r := range s {
		if rare(r) {
			return true
		}
	}
	return false
}

// seg is a ruling line in default user space, horizontal or vertical.
type seg struct{ x0, y0, x1, y1 float64 }

type gstate struct {
	ctm                  matrix
	font                 *font
	size, tc, tw, th, tl float64
	rise                 float64
	render               int
}

// walker interprets a page's content streams. It is built on the library's
// object access (Value.Key/Index/Reader) and zipin's own tokenizer
// (lexer.go), not on Page.Content(): Content() invents a glyph after every
// run, gives Identity-H glyphs zero width, skips Form XObjects and lets
// panics escape; GetTextByRow() ignores cm, so Chromium pages come out
// bottom-up.
type walker struct {
	ctx    context.Context
	fonts  fontCache
	glyphs []glyph
	segs   []seg
	images int
	undec  int // codes no tier could decode
	ops    int
	codes  int
	// forms caches decoded Form XObject streams: a form drawn many times
	// (a logo, a table border) is decompressed once.
	forms   map[objKey][]byte
	formsOn map[objKey]bool
	err     error
}

const (
	maxFormDepth = 12
	maxOps       = 5_000_000
	maxGlyphs    = 400_000
)

type budgetError struct{ why string }

func (e budgetError) Error() string { return e.why }

// maxContentBytes bounds one page's decoded content streams.
const maxContentBytes = 64 << 20

// contentBytes reads a page's /Contents (a stream or an array of streams,
// which concatenate) or a Form XObject. A stream that fails to decode part
// way gives what was read and an error.
func contentBytes(v lpdf.Value) ([]byte, error) {
	if v.Kind() == lpdf.Array {
		var all []byte
		var firstErr error
		for i := 0; i < v.Len() && i < 10000; i++ {
			b, err := readStream(v.Index(i), maxContentBytes)
			all = append(append(all, b...), '\n')
			if err != nil && firstErr == nil {
				firstErr = err
			}
		}
		return all, firstErr
	}
	if v.Kind() != lpdf.Stream {
		return nil, nil
	}
	return readStream(v, maxContentBytes)
}

func (w *walker) run(content lpdf.Value, res lpdf.Value, ctm matrix, depth int) {
	data, err := w.bytesOf(content)
	if err != nil && w.err == nil {
		w.err = fmt.Errorf("content stream damaged: %v", err)
	}
	gs := gstate{ctm: ctm, th: 1, size: 0}
	var stack []gstate
	tm, tlm := identity, identity
	var path []seg
	var cx, cy, sx, sy float64 // current and subpath start point, user space
	pt := func(x, y float64) (float64, float64) { return gs.ctm.apply(x, y) }
	line := func(x0, y0, x1, y1 float64) {
		ax, ay := pt(x0, y0)
		bx, by := pt(x1, y1)
		path = append(path, seg{ax, ay, bx, by})
	}
	flush := func(paint, fill bool) {
		if paint {
			w.addRules(path, fill)
		}
		path = path[:0]
	}

	showText := func(s string) {
		f := gs.font
		if f == nil {
			return
		}
		if f.gbk != nil && looksGB2312(s) {
			f = f.gbk
		}
		for len(s) > 0 {
			w.codes++
			if w.codes%65536 == 0 && w.ctx.Err() != nil {
				panic(budgetError{"time budget exhausted: " + w.ctx.Err().Error()})
			}
			n := max(1, min(f.split(s), len(s)))
			code := s[:n]
			s = s[n:]
			wid := f.width(code) / 1000
			txt := foldRadicals(f.decode(code))
			trm := matrix{gs.size * gs.th, 0, 0, gs.size, 0, gs.rise}.mul(tm).mul(gs.ctm)
			if txt == "" && !f.wordSpace(code) {
				w.undec++
			}
			if f.vertical {
				// WMode 1: the text position is the glyph's vertical origin,
				// (vx, vy) above its horizontal one; the pen moves down by w1y.
				w1y, vx, vy := f.vmetrics(code)
				if txt != "" && len(w.glyphs) < maxGlyphs {
					g := glyph{text: txt, size: math.Hypot(trm[2], trm[3]), method: f.method, bold: f.bold || gs.render == 2, seq: len(w.glyphs), rare: f.rare != nil && hasRare(txt, f.rare)}
					g.bx, g.by = trm.apply(0, 0)
					if n := math.Hypot(trm[2], trm[3]); n > 0 {
						g.dx, g.dy = -trm[2]/n, -trm[3]/n
					}
					ex := math.Max(wid, 0.1)
					ox, oy := -vx/1000, -vy/1000
					g.x0, g.y0, g.x1, g.y1 = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
					for _, p := range [4][2]float64{{ox, oy - 0.12}, {ox + ex, oy - 0.12}, {ox, oy + 0.88}, {ox + ex, oy + 0.88}} {
						x, y := trm.apply(p[0], p[1])
						g.x0, g.x1 = math.Min(g.x0, x), math.Max(g.x1, x)
						g.y0, g.y1 = math.Min(g.y0, y), math.Max(g.y1, y)
					}
					w.glyphs = append(w.glyphs, g)
				}
				ty := w1y/1000*gs.size - gs.tc
				if f.wordSpace(code) {
					ty -= gs.tw
				}
				tm = matrix{1, 0, 0, 1, 0, ty}.mul(tm)
				continue
			}
			if txt != "" && len(w.glyphs) < maxGlyphs {
				g := glyph{text: txt, size: math.Hypot(trm[2], trm[3]), method: f.method, bold: f.bold || gs.render == 2, seq: len(w.glyphs), rare: f.rare != nil && hasRare(txt, f.rare)}
				g.bx, g.by = trm.apply(0, 0)
				if n := math.Hypot(trm[0], trm[1]); n > 0 {
					g.dx, g.dy = trm[0]/n, trm[1]/n
				}
				ex := math.Max(wid, 0.1)
				xs := [4]float64{}
				ys := [4]float64{}
				xs[0], ys[0] = trm.apply(0, -0.2)
				xs[1], ys[1] = trm.apply(ex, -0.2)
				xs[2], ys[2] = trm.apply(0, 0.8)
				xs[3], ys[3] = trm.apply(ex, 0.8)
				g.x0, g.y0, g.x1, g.y1 = xs[0], ys[0], xs[0], ys[0]
				for i := 1; i < 4; i++ {
					g.x0, g.x1 = math.Min(g.x0, xs[i]), math.Max(g.x1, xs[i])
					g.y0, g.y1 = math.Min(g.y0, ys[i]), math.Max(g.y1, ys[i])
				}
				w.glyphs = append(w.glyphs, g)
			}
			tx := wid*gs.size + gs.tc
			if f.wordSpace(code) {
				tx += gs.tw
			}
			tm = matrix{1, 0, 0, 1, tx * gs.th, 0}.mul(tm)
		}
	}

	// ledongthuc keeps no object cache: every Key through an indirect
	// reference re-parses the object from the file, so fonts are looked up
	// once per resource dictionary, not once per Tf.
	var fontDict lpdf.Value
	fontDictOK := false
	byName := map[string]*font{}

	lx := &contentLexer{b: data}
	var args []operand
	for {
		v, op, ok := lx.next()
		if !ok {
			break
		}
		if op == "" {
			if len(args) < 64 {
				args = append(args, v)
			}
			continue
		}
		w.ops++
		if w.ops%4096 == 0 {
			if err := w.ctx.Err(); err != nil {
				panic(budgetError{"time budget exhausted: " + err.Error()})
			}
		}
		if w.ops > maxOps {
			panic(budgetError{"too many content operators"})
		}
		num := func(i int) float64 {
			if i < len(args) {
				return args[i].num
			}
			return 0
		}
		switch op {
		case "q":
			if len(stack) < 256 {
				stack = append(stack, gs)
			}
		case "Q":
			if n := len(stack); n > 0 {
				gs = stack[n-1]
				stack = stack[:n-1]
			}
		case "cm":
			if len(args) == 6 {
				gs.ctm = matrix{num(0), num(1), num(2), num(3), num(4), num(5)}.mul(gs.ctm)
			}
		case "BT":
			tm, tlm = identity, identity
		case "Tf":
			if len(args) == 2 {
				gs.size = num(1)
				name := args[0].s
				f, ok := byName[name]
				if !ok {
					if !fontDictOK {
						fontDict, fontDictOK = res.Key("Font"), true
					}
					if fv := fontDict.Key(name); !fv.IsNull() {
						f = w.fonts.load(fv)
					}
					byName[name] = f
				}
				gs.font = f
			}
		case "Tc":
			gs.tc = num(0)
		case "Tw":
			gs.tw = num(0)
		case "Tz":
			gs.th = num(0) / 100
		case "TL":
			gs.tl = num(0)
		case "Ts":
			gs.rise = num(0)
		case "Tr":
			gs.render = int(num(0))
		case "Td":
			tlm = matrix{1, 0, 0, 1, num(0), num(1)}.mul(tlm)
			tm = tlm
		case "TD":
			gs.tl = -num(1)
			tlm = matrix{1, 0, 0, 1, num(0), num(1)}.mul(tlm)
			tm = tlm
		case "Tm":
			if len(args) == 6 {
				tlm = matrix{num(0), num(1), num(2), num(3), num(4), num(5)}
				tm = tlm
			}
		case "T*":
			tlm = matrix{1, 0, 0, 1, 0, -gs.tl}.mul(tlm)
			tm = tlm
		case "Tj":
			if len(args) > 0 {
				showText(args[0].s)
			}
		case "'":
			tlm = matrix{1, 0, 0, 1, 0, -gs.tl}.mul(tlm)
			tm = tlm
			if len(args) > 0 {
				showText(args[len(args)-1].s)
			}
		case "\"":
			if len(args) == 3 {
				gs.tw, gs.tc = num(0), num(1)
			}
			tlm = matrix{1, 0, 0, 1, 0, -gs.tl}.mul(tlm)
			tm = tlm
			if len(args) > 0 {
				showText(args[len(args)-1].s)
			}
		case "TJ":
			if len(args) == 0 {
				break
			}
			for _, e := range args[0].arr {
				switch e.kind {
				case opString:
					showText(e.s)
				case opNumber:
					if gs.font != nil && gs.font.vertical {
						// WMode 1: the adjustment moves the pen along the column.
						tm = matrix{1, 0, 0, 1, 0, -e.num / 1000 * gs.size}.mul(tm)
						break
					}
					tx := -e.num / 1000 * gs.size * gs.th
					tm = matrix{1, 0, 0, 1, tx, 0}.mul(tm)
				}
			}
		case "m":
			cx, cy = num(0), num(1)
			sx, sy = cx, cy
		case "l":
			line(cx, cy, num(0), num(1))
			cx, cy = num(0), num(1)
		case "c":
			cx, cy = num(4), num(5)
		case "v", "y":
			cx, cy = num(2), num(3)
		case "h":
			if cx != sx || cy != sy {
				line(cx, cy, sx, sy)
			}
			cx, cy = sx, sy
		case "re":
			x, y, ww, hh := num(0), num(1), num(2), num(3)
			line(x, y, x+ww, y)
			line(x+ww, y, x+ww, y+hh)
			line(x+ww, y+hh, x, y+hh)
			line(x, y+hh, x, y)
			cx, cy, sx, sy = x, y, x, y
		case "S", "s":
			flush(true, false)
		case "f", "F", "f*", "B", "B*", "b", "b*":
			flush(true, true)
		case "n":
			flush(false, false)
		case "Do":
			if len(args) > 0 {
				w.doXObject(res.Key("XObject").Key(args[0].s), res, gs.ctm, depth)
			}
		case "BI":
			w.images++
		}
		args = args[:0]
	}
}

func (w *walker) bytesOf(v lpdf.Value) ([]byte, error) {
	k, ok := keyOf(v)
	if !ok || v.Kind() != lpdf.Stream {
		return contentBytes(v)
	}
	if b, hit := w.forms[k]; hit {
		return b, nil
	}
	b, err := contentBytes(v)
	if w.forms == nil {
		w.forms = map[objKey][]byte{}
	}
	w.forms[k] = b
	return b, err
}

func (w *walker) doXObject(x lpdf.Value, parentRes lpdf.Value, ctm matrix, depth int) {
	switch x.Key("Subtype").Name() {
	case "Image":
		w.images++
	case "Form":
		if depth >= maxFormDepth {
			return
		}
		if err := w.ctx.Err(); err != nil {
			panic(budgetError{"time budget exhausted: " + err.Error()})
		}
		k, ok := keyOf(x)
		if ok {
			if w.formsOn[k] {
				return // a form that draws itself
			}
			w.formsOn[k] = true
			defer delete(w.formsOn, k)
		}
		m := identity
		if mv := x.Key("Matrix"); mv.Len() == 6 {
			for i := range m {
				m[i] = mv.Index(i).Float64()
			}
		}
		res := x.Key("Resources")
		if res.IsNull() {
			res = parentRes
		}
		w.run(x, res, m.mul(ctm), depth+1)
	}
}

// addRules keeps the axis-parallel pieces of a painted path: stroked lines,
// and filled rectangles thin enough to be a border (producers such as
// Chromium draw table borders as filled slivers).
func (w *walker) addRules(path []seg, fill bool) {
	const tol = 0.5
	if fill {
		// Group into rectangles of four: re produces exactly that.
		if len(path)%4 == 0 {
			for i := 0; i+4 <= len(path); i += 4 {
				x0, y0, x1, y1 := bounds(path[i : i+4])
				switch {
				case y1-y0 <= 3 && x1-x0 > y1-y0:
					y := (y0 + y1) / 2
					w.segs = append(w.segs, seg{x0, y, x1, y})
				case x1-x0 <= 3 && y1-y0 > x1-x0:
					x := (x0 + x1) / 2
					w.segs = append(w.segs, seg{x, y0, x, y1})
				}
			}
		}
		return
	}
	for _, s := range path {
		switch {
		case math.Abs(s.y0-s.y1) <= tol && math.Abs(s.x0-s.x1) > tol:
			w.segs = append(w.segs, seg{math.Min(s.x0, s.x1), s.y0, math.Max(s.x0, s.x1), s.y0})
		case math.Abs(s.x0-s.x1) <= tol && math.Abs(s.y0-s.y1) > tol:
			w.segs = append(w.segs, seg{s.x0, math.Min(s.y0, s.y1), s.x0, math.Max(s.y0, s.y1)})
		}
	}
}

func bounds(p []seg) (x0, y0, x1, y1 float64) {
	x0, y0, x1, y1 = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, s := range p {
		x0 = math.Min(x0, math.Min(s.x0, s.x1))
		x1 = math.Max(x1, math.Max(s.x0, s.x1))
		y0 = math.Min(y0, math.Min(s.y0, s.y1))
		y1 = math.Max(y1, math.Max(s.y0, s.y1))
	}
	return
}
