package pdf

import (
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"zipin/extract/doc"
)

// textLine is one visual line in the flow (outside tables).
type textLine struct {
	glyphs []glyph // the inked glyphs, left to right
	spaces []glyph // the space glyphs the producer drew between them
	box    doc.Rect
	base   float64 // baseline y
	size   float64
	bold   bool
	col    int // 0 or 1 in a two-column section; -1 spans the page
	text   string
	drop   bool // page furniture
}

func (pd *pageData) layout() {
	visible := onPage(pd.glyphs, pd.width, pd.height)
	// Space glyphs carry no ink but say where the author typed a space;
	// dedupe drops them, so they are set aside and put back into lines
	// and cells next to the inked glyphs.
	gs := append(dedupe(visible), spaceGlyphs(visible)...)
	pd.tables = findTables(pd.segs)
	flow := make([]glyph, 0, len(gs))
	for _, g := range gs {
		if !placeInTable(pd.tables, g) {
			flow = append(flow, g)
		}
	}
	for _, t := range pd.tables {
		t.fill()
	}
	lines := groupLines(flow)
	pd.lines = orderColumns(lines, pd.width)
}

// onPage drops glyphs whose centre lies off the page: text parked outside
// the crop box is not shown, and some producers park leftovers there.
func onPage(gs []glyph, w, h float64) []glyph {
	out := make([]glyph, 0, len(gs))
	for _, g := range gs {
		cx, cy := (g.x0+g.x1)/2, (g.y0+g.y1)/2
		if cx >= -5 && cx <= w+5 && cy >= -5 && cy <= h+5 {
			out = append(out, g)
		}
	}
	return out
}

// dedupe drops a glyph drawn again at (almost) the same place: Word and WPS
// fake bold for fonts without a bold face by painting each run twice with a
// small offset, which would otherwise double every character.
func dedupe(gs []glyph) []glyph {
	type key struct {
		t    string
		x, y int
	}
	seen := map[key]bool{}
	out := make([]glyph, 0, len(gs))
	for _, g := range gs {
		if strings.TrimSpace(g.text) == "" {
			continue
		}
		x, y := int(math.Round(g.bx)), int(math.Round(g.by))
		dup := false
		for dx := -1; dx <= 1 && !dup; dx++ {
			for dy := -1; dy <= 1 && !dup; dy++ {
				dup = seen[key{g.text, x + dx, y + dy}]
			}
		}
		if dup {
			continue
		}
		seen[key{g.text, x, y}] = true
		out = append(out, g)
	}
	return out
}

// groupLines clusters glyphs by baseline and orders each line left to right.
func groupLines(gs []glyph) []*textLine {
	if len(gs) == 0 {
		return nil
	}
	sorted := append([]glyph(nil), gs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].by < sorted[j].by })
	var lines []*textLine
	// A line is a run of consecutive glyphs of sorted, sorted[from:i]
	// (newLine copies what it keeps).
	from := 0
	base, size := 0.0, 0.0
	flush := func(to int) {
		if l := newLine(sorted[from:to]); l != nil {
			lines = append(lines, l)
		}
		from = to
	}
	for i, g := range sorted {
		if i > from && math.Abs(g.by-base) <= 0.35*math.Max(math.Min(size, g.size), 1) {
			continue
		}
		flush(i)
		base, size = g.by, g.size
	}
	flush(len(sorted))
	// Lines with overlapping boxes but a different baseline (a superscript,
	// a raised footnote mark) stay separate; that is rare enough in reports.
	return lines
}

// newLine makes a line of glyphs on one baseline, inked and spaces mixed;
// a run of spaces alone is no line (nil).
func newLine(all []glyph) *textLine {
	nSpaces := 0
	for _, g := range all {
		if isSpaceGlyph(g) {
			nSpaces++
		}
	}
	if nSpaces == len(all) {
		return nil
	}
	gs, spaces := make([]glyph, 0, len(all)-nSpaces), make([]glyph, 0, nSpaces)
	for _, g := range all {
		if isSpaceGlyph(g) {
			spaces = append(spaces, g)
		} else {
			gs = append(gs, g)
		}
	}
	if len(gs) == 0 {
		return nil
	}
	sort.SliceStable(gs, func(i, j int) bool { return gs[i].x0 < gs[j].x0 })
	sort.SliceStable(spaces, func(i, j int) bool { return spaces[i].x0 < spaces[j].x0 })
	l := &textLine{glyphs: gs, spaces: spaces, col: -1, base: gs[0].by}
	l.box = doc.Rect{X0: math.Inf(1), Y0: math.Inf(1), X1: math.Inf(-1), Y1: math.Inf(-1)}
	sizes := make([]float64, 0, len(gs))
	bold := 0
	for _, g := range gs {
		l.box.X0, l.box.Y0 = math.Min(l.box.X0, g.x0), math.Min(l.box.Y0, g.y0)
		l.box.X1, l.box.Y1 = math.Max(l.box.X1, g.x1), math.Max(l.box.Y1, g.y1)
		sizes = append(sizes, g.size)
		if g.bold {
			bold++
		}
	}
	sort.Float64s(sizes)
	l.size = math.Round(sizes[len(sizes)/2]*10) / 10
	l.bold = bold*2 > len(gs)
	l.text = joinGlyphs(gs, spaces)
	return l
}

// isSpaceGlyph is a glyph that draws a space (U+0020, U+00A0, U+3000, …).
func isSpaceGlyph(g glyph) bool { return g.text != "" && strings.TrimSpace(g.text) == "" }

// spaceGlyphs returns the space glyphs of gs, each once: a space drawn
// twice at the same place (fake bold) is one space.
func spaceGlyphs(gs []glyph) []glyph {
	type key struct{ x, y int }
	seen := map[key]bool{}
	var out []glyph
	for _, g := range gs {
		if !isSpaceGlyph(g) {
			continue
		}
		k := key{int(math.Round(g.x0)), int(math.Round(g.by))}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, g)
	}
	return out
}

// joinGlyphs writes a line's text. Where the producer drew space glyphs
// between two glyphs, that many spaces are written: the author typed them
// (a space between CJK and Latin, the gap in "时间： 2023-03-30"). Where it
// drew none, a space goes where the gap between two glyphs is wider than a
// Latin word space (0.15 em: glyph boxes are advance widths, so letters of
// one word touch), and between CJK only where the gap is a visible column
// gap (1.5 em). spaces must be sorted by x0.
func joinGlyphs(gs, spaces []glyph) string {
	var b strings.Builder
	var prev *glyph
	k := 0 // next space glyph to consider
	for i := range gs {
		g := &gs[i]
		if prev != nil {
			// Spaces whose centre lies between the two glyphs' centres.
			lo, hi := (prev.x0+prev.x1)/2, (g.x0+g.x1)/2
			n := 0
			for ; k < len(spaces); k++ {
				c := (spaces[k].x0 + spaces[k].x1) / 2
				if c >= hi {
					break
				}
				if c > lo {
					n++
				}
			}
			gap := g.x0 - prev.x1
			em := math.Max(math.Max(prev.size, g.size), 1)
			last, _ := lastRune(prev.text)
			first, _ := firstRune(g.text)
			wide := isWide(last) || isWide(first)
			switch {
			case n > 0:
				b.WriteString(strings.Repeat(" ", n))
			case (!wide && gap > 0.15*em) || gap > 1.5*em:
				b.WriteByte(' ')
			}
		}
		b.WriteString(g.text)
		prev = g
	}
	return b.String()
}

func firstRune(s string) (rune, bool) {
	for _, r := range s {
		return r, true
	}
	return 0, false
}

func lastRune(s string) (rune, bool) {
	r := []rune(s)
	if len(r) == 0 {
		return 0, false
	}
	return r[len(r)-1], true
}

// isWide is CJK text and full-width punctuation: the characters that are
// written without spaces between them.
func isWide(r rune) bool {
	return unicode.Is(unicode.Han, r) || r >= 0x3000 && r <= 0x303F || r >= 0xFF00 && r <= 0xFFEF || r >= 0x2E80 && r <= 0x2FFF
}

// orderColumns finds a two-column layout and returns lines in reading
// order: within each band between full-width lines, the left column, then
// the right one.
func orderColumns(lines []*textLine, width float64) []*textLine {
	gutter, ok := findGutter(lines, width)
	if !ok {
		return lines
	}
	var out []*textLine
	for _, l := range lines {
		var left, right []glyph
		for _, g := range l.glyphs {
			if (g.x0+g.x1)/2 < gutter {
				left = append(left, g)
			} else {
				right = append(right, g)
			}
		}
		if len(left) > 0 && len(right) > 0 {
			gap := right[0].x0 - left[len(left)-1].x1
			if gap < 1.5*math.Max(l.size, 1) {
				out = append(out, l) // spans the gutter
				continue
			}
		}
		for _, g := range l.spaces {
			if (g.x0+g.x1)/2 < gutter {
				left = append(left, g)
			} else {
				right = append(right, g)
			}
		}
		if nl := newLine(left); nl != nil {
			nl.col = 0
			out = append(out, nl)
		}
		if nl := newLine(right); nl != nil {
			nl.col = 1
			out = append(out, nl)
		}
	}
	// Stable reorder: bands separated by spanning lines.
	var res, band0, band1 []*textLine
	flush := func() {
		res = append(res, band0...)
		res = append(res, band1...)
		band0, band1 = nil, nil
	}
	for _, l := range out {
		switch l.col {
		case 0:
			band0 = append(band0, l)
		case 1:
			band1 = append(band1, l)
		default:
			flush()
			res = append(res, l)
		}
	}
	flush()
	return res
}

// findGutter looks for a vertical strip in the middle of the page that
// glyphs of at most a few lines cross while many lines sit on each side.
func findGutter(lines []*textLine, width float64) (float64, bool) {
	// 14400 pt is the largest page PDF allows; a damaged MediaBox must not
	// size the coverage array.
	if len(lines) < 8 || !(width > 0 && width <= 14400) {
		return 0, false
	}
	n := int(width) + 1
	cover := make([]int, n)
	for _, l := range lines {
		mark := make([]bool, n)
		for _, g := range l.glyphs {
			for x := max(0, int(g.x0)); x <= min(n-1, int(g.x1)); x++ {
				mark[x] = true
			}
		}
		for x, m := range mark {
			if m {
				cover[x]++
			}
		}
	}
	limit := max(1, len(lines)/10)
	bestStart, bestLen := 0, 0
	for x := int(width * 0.3); x < int(width*0.7); {
		if cover[x] > limit {
			x++
			continue
		}
		s := x
		for x < int(width*0.7) && cover[x] <= limit {
			x++
		}
		if x-s > bestLen {
			bestStart, bestLen = s, x-s
		}
	}
	if bestLen < 10 {
		return 0, false
	}
	g := float64(bestStart) + float64(bestLen)/2
	// Each side must hold lines of running text, not a narrow column of
	// labels beside their values (a borderless form reads row by row).
	var lw, rw []float64
	for _, l := range lines {
		lx0, lx1, rx0, rx1 := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
		for _, gl := range l.glyphs {
			if gl.x1 < g {
				lx0, lx1 = math.Min(lx0, gl.x0), math.Max(lx1, gl.x1)
			} else if gl.x0 > g {
				rx0, rx1 = math.Min(rx0, gl.x0), math.Max(rx1, gl.x1)
			}
		}
		if lx1 > lx0 {
			lw = append(lw, lx1-lx0)
		}
		if rx1 > rx0 {
			rw = append(rw, rx1-rx0)
		}
	}
	if len(lw) < 4 || len(rw) < 4 {
		return 0, false
	}
	sort.Float64s(lw)
	sort.Float64s(rw)
	return g, lw[len(lw)/2] >= 0.25*width && rw[len(rw)/2] >= 0.25*width
}

var pageNumber = regexp.MustCompile(`^(?:[-—–－\s]*\d{1,4}[-—–－\s]*|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4}|(?i:page)\s*\d{1,4}(?:\s*(?i:of)\s*\d{1,4})?)$`)

var digits = regexp.MustCompile(`\d+`)

// browserStamp is what a browser prints in a page's margins when a page is
// printed with its headers and footers: the date and time (11/30/26, 9:30 PM;
// 2024/3/18 09:30) before the page's title at the top, its address before
// "1/3" at the foot. On a one-page print nothing repeats to tell it apart.
var browserStamp = regexp.MustCompile(`^(?:\d{1,2}/\d{1,2}/\d{2,4},?\s+\d{1,2}:\d{2}(?:\s*[AaPp][Mm])?|\d{4}/\d{1,2}/\d{1,2}\s+\d{1,2}:\d{2}|(?:https?|file)://\S+)(?:\s|$)`)

// removeFurniture drops page numbers and running headers/footers: lines in
// the top or bottom 10% of the page that are a page number, whose text
// (digits ignored) recurs in that band on at least half the pages, or that
// a browser printed there (browserStamp) in type smaller than the body's.
func removeFurniture(pages []*pageData) {
	band := func(pd *pageData, l *textLine) bool {
		return l.box.Y1 < pd.height*0.1 || l.box.Y0 > pd.height*0.9
	}
	// A running header in a report often repeats the title; the title
	// itself is set larger than body text and must stay.
	var sizes []float64
	for _, pd := range pages {
		for _, l := range pd.lines {
			sizes = append(sizes, l.size)
		}
	}
	body := 0.0
	if len(sizes) > 0 {
		sort.Float64s(sizes)
		body = sizes[len(sizes)/2]
	}
	seen := map[string]int{}
	for _, pd := range pages {
		keys := map[string]bool{}
		for _, l := range pd.lines {
			if band(pd, l) {
				keys[digits.ReplaceAllString(strings.TrimSpace(l.text), "#")] = true
			}
		}
		for k := range keys {
			seen[k]++
		}
	}
	for _, pd := range pages {
		for _, l := range pd.lines {
			if !band(pd, l) {
				continue
			}
			t := strings.TrimSpace(l.text)
			n := seen[digits.ReplaceAllString(t, "#")]
			if pageNumber.MatchString(t) || n >= 2 && n*2 >= len(pages) && l.size <= body+0.5 ||
				browserStamp.MatchString(t) && l.size < body {
				l.drop = true
			}
		}
	}
}

// build turns the laid-out page into the document model: runs of lines
// become paragraph blocks, and each table is put in the flow before the
// first line below its top edge.
func (pd *pageData) build() doc.Page {
	p := doc.Page{Number: pd.number, Method: pd.method, Quality: math.Round(pd.quality*1000) / 1000}
	if pd.ocrLines != nil {
		p.Blocks = []doc.Block{{Kind: doc.BlockParagraph, Lines: pd.ocrLines}}
		return p
	}
	tables := append([]*tableRegion(nil), pd.tables...)
	sort.SliceStable(tables, func(i, j int) bool { return tables[i].top < tables[j].top })
	cur := -1 // index of the open paragraph block
	var prev *textLine
	emitTables := func(y float64) {
		for len(tables) > 0 && tables[0].top <= y {
			if t := tables[0].table; t != nil {
				t.Caption = captionBefore(p.Blocks)
				p.Blocks = append(p.Blocks, doc.Block{Kind: doc.BlockTable, Table: t})
			}
			tables = tables[1:]
			cur, prev = -1, nil
		}
	}
	var kept []*textLine
	for _, l := range pd.lines {
		if !l.drop {
			kept = append(kept, l)
		}
	}
	frames, pitch := textFrames(kept), linePitches(kept)
	// A page of a few short lines does not show where lines wrap; the
	// document's other pages of the same width do.
	if _, ok := frames[-1]; ok {
		frames[-1] = pd.frame()
	}
	for _, l := range kept {
		if l.col <= 0 {
			emitTables(l.box.Y0)
		}
		if cur < 0 || prev == nil || !continues(prev, l, frames[l.col], pitch[l.size]) {
			p.Blocks = append(p.Blocks, doc.Block{Kind: doc.BlockParagraph, Wrapped: true,
				Continues: len(p.Blocks) == 0 && pd.continues})
			cur = len(p.Blocks) - 1
		}
		p.Blocks[cur].Lines = append(p.Blocks[cur].Lines, doc.Line{Text: l.text, Box: l.box, FontSize: l.size, Bold: l.bold})
		prev = l
	}
	emitTables(math.Inf(1))
	return p
}

// frame is the text area of one column of a page: where its lines start
// and where they wrap.
type frame struct{ left, right float64 }

// documentFrames gives each page the frame of the full-width text of all
// the pages of its width (to the point), for build.
func documentFrames(pages []*pageData) {
	byWidth := map[int][]*textLine{}
	for _, pd := range pages {
		w := int(math.Round(pd.width))
		for _, l := range pd.lines {
			if !l.drop && l.col < 0 {
				byWidth[w] = append(byWidth[w], l)
			}
		}
	}
	frames := map[int]frame{}
	for w, ls := range byWidth {
		frames[w] = textFrames(ls)[-1]
	}
	for _, pd := range pages {
		pd.docFrame = frames[int(math.Round(pd.width))]
	}
	// A page break that falls mid-paragraph: the last line of a page full
	// to the edge of the frame, the next page opening with a line of the
	// same type that is not indented.
	for i := 1; i < len(pages); i++ {
		prev, pd := pages[i-1], pages[i]
		last, first := lastFlowLine(prev), firstFlowLine(pd)
		if last == nil || first == nil || prev.ocrLines != nil || pd.ocrLines != nil {
			continue
		}
		pf, f := prev.frame(), pd.frame()
		em := math.Max(last.size, 1)
		pd.continues = math.Abs(last.size-first.size) <= 1 && last.bold == first.bold &&
			pf.right-last.box.X1 <= firstWordWidth(first)+0.5*em &&
			first.box.X0 <= f.left+0.8*em
	}
}

// frame is the page's full-width text frame, widened by the document's.
func (pd *pageData) frame() frame {
	var kept []*textLine
	for _, l := range pd.lines {
		if !l.drop && l.col < 0 {
			kept = append(kept, l)
		}
	}
	f, ok := textFrames(kept)[-1]
	if !ok {
		return pd.docFrame
	}
	if pd.docFrame.right > pd.docFrame.left {
		f = frame{math.Min(f.left, pd.docFrame.left), math.Max(f.right, pd.docFrame.right)}
	}
	return f
}

// lastFlowLine is the page's last line of running text, nil when the page
// ends in a table or a column.
func lastFlowLine(pd *pageData) *textLine {
	var last *textLine
	for _, l := range pd.lines {
		if !l.drop {
			last = l
		}
	}
	if last == nil || last.col >= 0 {
		return nil
	}
	for _, t := range pd.tables {
		if t.table != nil && t.top > last.box.Y0 {
			return nil
		}
	}
	return last
}

// firstFlowLine is the page's first line of running text, nil when a table
// or a column comes first.
func firstFlowLine(pd *pageData) *textLine {
	for _, l := range pd.lines {
		if l.drop {
			continue
		}
		if l.col >= 0 {
			return nil
		}
		for _, t := range pd.tables {
			if t.table != nil && t.top < l.box.Y0 {
				return nil
			}
		}
		return l
	}
	return nil
}

// textFrames finds each column's frame (col -1: lines spanning the page)
// from the second-most extreme line edges, so that one line set into the
// margin does not move it. A line's end is taken before its closing
// punctuation, which some producers (LibreOffice) let hang into the margin.
func textFrames(lines []*textLine) map[int]frame {
	x0s, x1s := map[int][]float64{}, map[int][]float64{}
	for _, l := range lines {
		x0s[l.col] = append(x0s[l.col], l.box.X0)
		x1s[l.col] = append(x1s[l.col], inkEnd(l))
	}
	out := map[int]frame{}
	for c := range x0s {
		a, b := x0s[c], x1s[c]
		sort.Float64s(a)
		sort.Sort(sort.Reverse(sort.Float64Slice(b)))
		k := min(1, len(a)-1)
		out[c] = frame{a[k], b[k]}
	}
	return out
}

// inkEnd is where a line's text ends before any closing punctuation.
func inkEnd(l *textLine) float64 {
	gs := l.glyphs
	i := len(gs) - 1
	for i > 0 {
		r, _ := firstRune(gs[i].text)
		if !strings.ContainsRune(noLineStart, r) {
			break
		}
		i--
	}
	return gs[i].x1
}

// linePitches finds, for each font size, the usual distance between the
// baselines of consecutive lines of one paragraph: the smallest distance
// (to 0.5 pt) seen at least twice. Paragraph spacing only ever adds to it,
// and on a page of short paragraphs it can be the most common distance.
func linePitches(lines []*textLine) map[float64]float64 {
	counts := map[float64]map[float64]int{}
	for i := 1; i < len(lines); i++ {
		a, b := lines[i-1], lines[i]
		d := b.base - a.base
		if a.col != b.col || a.size != b.size || d < 0.8*a.size || d > 3*a.size {
			continue
		}
		if counts[a.size] == nil {
			counts[a.size] = map[float64]int{}
		}
		counts[a.size][math.Round(d*2)/2]++
	}
	out := map[float64]float64{}
	for size, c := range counts {
		best := 0.0
		for d, k := range c {
			if k >= 2 && (best == 0 || d < best) {
				best = d
			}
		}
		if best > 0 {
			out[size] = best
		}
	}
	return out
}

// continues reports whether line l carries on the paragraph of line prev,
// read the way a person reads a page: same column, font size and weight;
// l at the usual line pitch below prev; prev full, so that l's first word
// would not have fitted after it; and l not indented (a first-line indent
// starts a paragraph), unless both lines are centred (a wrapped title).
// pitch is the usual baseline distance for the size, 0 if unknown.
func continues(prev, l *textLine, fr frame, pitch float64) bool {
	if prev.col != l.col || math.Abs(prev.size-l.size) > 1 || prev.bold != l.bold {
		return false
	}
	em := math.Max(prev.size, 1)
	d := l.base - prev.base
	if d < 0.5*em {
		return false
	}
	// Without a known pitch (a title's two lines), allow the generous line
	// spacing of large type: LibreOffice sets an 18 pt heading 2.15 em apart.
	if pitch > 0 && d > pitch+0.2*em || pitch == 0 && d > 2.5*em {
		return false
	}
	if fr.right-prev.box.X1 > firstWordWidth(l)+0.5*em {
		return false // prev ended short of the edge: the end of a paragraph
	}
	if l.box.X0 > fr.left+0.8*em {
		centre := (fr.left + fr.right) / 2
		centred := func(x *textLine) bool { return math.Abs((x.box.X0+x.box.X1)/2-centre) < em }
		if !centred(prev) || !centred(l) {
			return false
		}
	}
	return true
}

// firstWordWidth is the width of what a line breaker must keep together at
// the start of l: one CJK character, or a run of Latin letters and digits,
// with the closing punctuation that may not begin a line (，。、）》 …) and
// any Latin run glued on after it (表.docx).
func firstWordWidth(l *textLine) float64 {
	gs := l.glyphs
	end := 1
	for end < len(gs) {
		r, _ := firstRune(gs[end].text)
		prev, _ := lastRune(gs[end-1].text)
		touching := gs[end].x0-gs[end-1].x1 <= 0.15*math.Max(gs[end].size, 1)
		if !strings.ContainsRune(noLineStart, r) && (isWide(r) || isWide(prev) || !touching) {
			break
		}
		end++
	}
	return gs[end-1].x1 - gs[0].x0
}

// noLineStart is punctuation that line breakers keep off the start of a
// line (kinsoku), carrying the character before it down with it.
const noLineStart = "，。、；：！？）》」』】〕〉”’,.;:!?)]}%％"

// captionBefore takes the line right above a table as its caption when it
// is short and names a table (附表：…, 表1 …, …情况表). The line also stays in
// the flow.
func captionBefore(blocks []doc.Block) string {
	if len(blocks) == 0 || blocks[len(blocks)-1].Kind != doc.BlockParagraph {
		return ""
	}
	ls := blocks[len(blocks)-1].Lines
	if len(ls) == 0 {
		return ""
	}
	t := strings.TrimSpace(ls[len(ls)-1].Text)
	if n := len([]rune(t)); n == 0 || n > 30 || !strings.Contains(t, "表") {
		return ""
	}
	return t
}
