package pdf

import (
	"math"
	"sort"
	"strings"

	"zipin/extract/doc"
)

// tableRegion is a table found from ruling lines, in page coordinates.
type tableRegion struct {
	top, bottom, left, right float64
	xs, ys                   []float64 // grid lines
	cellOf                   [][]int   // grid position → index in cells
	cells                    []cellBuild
	table                    *doc.Table
}

type cellBuild struct {
	cell   doc.Cell
	glyphs []glyph
}

const (
	snap      = 2.0 // points: lines closer than this are the same grid line
	maxRules  = 4000
	minCellPt = 3.0
)

type hseg struct{ y, x0, x1 float64 }
type vseg struct{ x, y0, y1 float64 }

// findTables builds grids from the page's ruling lines: connected sets of
// horizontal and vertical rules, their distinct positions as grid lines, and
// missing rule pieces between grid cells as merged cells.
func findTables(segs []seg) []*tableRegion {
	if len(segs) > maxRules {
		segs = segs[:maxRules]
	}
	var hs []hseg
	var vs []vseg
	for _, s := range segs {
		if s.y0 == s.y1 {
			hs = append(hs, hseg{s.y0, s.x0, s.x1})
		} else {
			vs = append(vs, vseg{s.x0, s.y0, s.y1})
		}
	}
	hs, vs = mergeH(hs), mergeV(vs)
	if len(hs) < 2 || len(vs) < 2 {
		return nil
	}
	// Union-find over rules that touch.
	parent := make([]int, len(hs)+len(vs))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for i, h := range hs {
		for j, v := range vs {
			if v.x >= h.x0-snap && v.x <= h.x1+snap && h.y >= v.y0-snap && h.y <= v.y1+snap {
				parent[find(i)] = find(len(hs) + j)
			}
		}
	}
	groups := map[int][2][]int{}
	for i := range hs {
		g := groups[find(i)]
		g[0] = append(g[0], i)
		groups[find(i)] = g
	}
	for j := range vs {
		g := groups[find(len(hs)+j)]
		g[1] = append(g[1], j)
		groups[find(len(hs)+j)] = g
	}
	var out []*tableRegion
	for _, g := range groups {
		if len(g[0]) < 2 || len(g[1]) < 2 {
			continue
		}
		var gh []hseg
		var gv []vseg
		for _, i := range g[0] {
			gh = append(gh, hs[i])
		}
		for _, j := range g[1] {
			gv = append(gv, vs[j])
		}
		if t := buildGrid(gh, gv); t != nil {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].top < out[j].top })
	return out
}

func mergeH(hs []hseg) []hseg {
	sort.Slice(hs, func(i, j int) bool {
		if math.Abs(hs[i].y-hs[j].y) > 0.01 {
			return hs[i].y < hs[j].y
		}
		return hs[i].x0 < hs[j].x0
	})
	var out []hseg
	for _, h := range hs {
		if n := len(out); n > 0 && math.Abs(out[n-1].y-h.y) <= 1 && h.x0 <= out[n-1].x1+snap {
			out[n-1].x1 = math.Max(out[n-1].x1, h.x1)
			continue
		}
		out = append(out, h)
	}
	return out
}

func mergeV(vs []vseg) []vseg {
	sort.Slice(vs, func(i, j int) bool {
		if math.Abs(vs[i].x-vs[j].x) > 0.01 {
			return vs[i].x < vs[j].x
		}
		return vs[i].y0 < vs[j].y0
	})
	var out []vseg
	for _, v := range vs {
		if n := len(out); n > 0 && math.Abs(out[n-1].x-v.x) <= 1 && v.y0 <= out[n-1].y1+snap {
			out[n-1].y1 = math.Max(out[n-1].y1, v.y1)
			continue
		}
		out = append(out, v)
	}
	return out
}

// cluster returns the distinct positions, merging those within snap and
// dropping slivers narrower than a cell could be (double borders).
func cluster(xs []float64) []float64 {
	sort.Float64s(xs)
	var out []float64
	for _, x := range xs {
		if n := len(out); n > 0 && x-out[n-1] <= minCellPt {
			continue
		}
		out = append(out, x)
	}
	return out
}

func buildGrid(hs []hseg, vs []vseg) *tableRegion {
	var xv, yv []float64
	for _, v := range vs {
		xv = append(xv, v.x)
	}
	for _, h := range hs {
		yv = append(yv, h.y)
	}
	xs, ys := cluster(xv), cluster(yv)
	rows, cols := len(ys)-1, len(xs)-1
	if rows < 1 || cols < 1 || rows*cols < 2 || rows > 500 || cols > 100 {
		return nil
	}
	near := func(a, b float64) bool { return math.Abs(a-b) <= minCellPt }
	// hasV: is there a rule at grid x xi across row r?
	hasV := func(xi, r int) bool {
		mid := (ys[r] + ys[r+1]) / 2
		for _, v := range vs {
			if near(v.x, xs[xi]) && v.y0 <= mid && v.y1 >= mid {
				return true
			}
		}
		return false
	}
	hasH := func(yi, c int) bool {
		mid := (xs[c] + xs[c+1]) / 2
		for _, h := range hs {
			if near(h.y, ys[yi]) && h.x0 <= mid && h.x1 >= mid {
				return true
			}
		}
		return false
	}
	id := make([]int, rows*cols)
	for i := range id {
		id[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for id[i] != i {
			id[i] = id[id[i]]
			i = id[i]
		}
		return i
	}
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			if c+1 < cols && !hasV(c+1, r) {
				id[find(r*cols+c)] = find(r*cols + c + 1)
			}
			if r+1 < rows && !hasH(r+1, c) {
				id[find(r*cols+c)] = find((r+1)*cols + c)
			}
		}
	}
	t := &tableRegion{top: ys[0], bottom: ys[rows], left: xs[0], right: xs[cols], xs: xs, ys: ys}
	t.cellOf = make([][]int, rows)
	index := map[int]int{}
	type ext struct{ r0, c0, r1, c1 int }
	exts := map[int]*ext{}
	for r := 0; r < rows; r++ {
		t.cellOf[r] = make([]int, cols)
		for c := 0; c < cols; c++ {
			root := find(r*cols + c)
			e := exts[root]
			if e == nil {
				e = &ext{r, c, r, c}
				exts[root] = e
			}
			e.r0, e.c0 = min(e.r0, r), min(e.c0, c)
			e.r1, e.c1 = max(e.r1, r), max(e.c1, c)
		}
	}
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			root := find(r*cols + c)
			i, ok := index[root]
			if !ok {
				e := exts[root]
				i = len(t.cells)
				index[root] = i
				t.cells = append(t.cells, cellBuild{cell: doc.Cell{Row: e.r0, Col: e.c0, RowSpan: e.r1 - e.r0 + 1, ColSpan: e.c1 - e.c0 + 1}})
			}
			t.cellOf[r][c] = i
		}
	}
	if len(t.cells) < 2 {
		return nil // a box around text, not a table
	}
	t.table = &doc.Table{Rows: rows, Cols: cols}
	return t
}

// placeInTable gives a glyph to the table cell under its centre.
func placeInTable(ts []*tableRegion, g glyph) bool {
	cx, cy := (g.x0+g.x1)/2, (g.y0+g.y1)/2
	for _, t := range ts {
		if cx < t.left || cx > t.right || cy < t.top || cy > t.bottom {
			continue
		}
		c := sort.SearchFloat64s(t.xs, cx) - 1
		r := sort.SearchFloat64s(t.ys, cy) - 1
		c = max(0, min(c, len(t.xs)-2))
		r = max(0, min(r, len(t.ys)-2))
		i := t.cellOf[r][c]
		t.cells[i].glyphs = append(t.cells[i].glyphs, g)
		return true
	}
	return false
}

// fill writes each cell's text: its lines joined with nothing between them
// (a wrapped cell is one value: "86.0" + "%"), or a space where both sides
// are Latin letters.
func (t *tableRegion) fill() {
	t.table.Cells = t.table.Cells[:0]
	for _, cb := range t.cells {
		var b strings.Builder
		for _, l := range groupLines(cb.glyphs) {
			s := strings.TrimSpace(l.text)
			if s == "" {
				continue
			}
			if b.Len() > 0 {
				last, _ := lastRune(b.String())
				first, _ := firstRune(s)
				if isLatin(last) && isLatin(first) {
					b.WriteByte(' ')
				}
			}
			b.WriteString(s)
		}
		c := cb.cell
		c.Text = b.String()
		t.table.Cells = append(t.table.Cells, c)
	}
}

func isLatin(r rune) bool { return r < 0x250 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') }

// mergeContinuedTables joins a table that ends one page with the table that
// opens the next when their columns line up, so a 自评表 split by a page
// break comes out whole, on the page where it starts. A header row repeated
// on the continuation page is dropped.
func mergeContinuedTables(d *doc.Document, pages []*pageData) {
	var open *doc.Block // the table that ends the previous page
	var openXs []float64
	for i := range d.Pages {
		p := &d.Pages[i]
		if open != nil && len(p.Blocks) > 0 && p.Blocks[0].Kind == doc.BlockTable {
			next := p.Blocks[0].Table
			if r := regionOf(pages[i], next); r != nil && sameColumns(openXs, r.xs) {
				open.Table = appendRows(open.Table, next)
				p.Blocks = p.Blocks[1:]
				if len(p.Blocks) == 0 {
					continue // the whole page continues the table; keep it open
				}
			}
		}
		open = nil
		if n := len(p.Blocks); n > 0 && p.Blocks[n-1].Kind == doc.BlockTable {
			if r := regionOf(pages[i], p.Blocks[n-1].Table); r != nil {
				open, openXs = &p.Blocks[n-1], r.xs
			}
		}
	}
}

func appendRows(a, b *doc.Table) *doc.Table {
	skip := 0
	ga, gb := a.Grid(), b.Grid()
	if len(gb) > 0 && len(ga) > 0 && equalRow(ga[0], gb[0]) {
		skip = 1
	}
	m := *a
	m.Cells = append([]doc.Cell(nil), a.Cells...)
	for _, c := range b.Cells {
		if c.Row < skip {
			continue
		}
		c.Row += a.Rows - skip
		m.Cells = append(m.Cells, c)
	}
	m.Rows += b.Rows - skip
	return &m
}

func regionOf(pd *pageData, t *doc.Table) *tableRegion {
	for _, r := range pd.tables {
		if r.table == t {
			return r
		}
	}
	return nil
}

func sameColumns(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > 3 {
			return false
		}
	}
	return true
}

func equalRow(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	nonEmpty := false
	for i := range a {
		if a[i] != b[i] {
			return false
		}
		nonEmpty = nonEmpty || a[i] != ""
	}
	return nonEmpty
}
