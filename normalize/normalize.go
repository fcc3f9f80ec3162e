// Package normalize turns an extracted document into clean page text with an
// exact offset map back to the reader's page text: full-width folding,
// pinyin glosses stripped, traditional script converted to simplified, wrapped
// lines joined, spaces inside numbers-with-units removed, and a section tree
// from the numbered headings. Every offset a later stage writes points into
// Page.Text.
package normalize

import (
	"sort"
	"strings"

	"zipin/extract/doc"
)

// Doc is a normalized document.
type Doc struct {
	Format doc.Format
	Title  string
	Pages  []Page
}

// Page is one page's normalized text.
type Page struct {
	Number  int
	Text    string // the normalized text; texts.text
	Raw     string // the reader's page text that Map points into; the visual lines of a paragraph the reader found wrapped (doc.Block.Wrapped) are separated by U+2028, not "\n"
	Map     []int  // Map[i] is the rune offset in Raw of rune i of Text; len = runes(Text)+1
	Method  string
	Quality float64
	// Headings found on this page, in order, with their full section path.
	Headings []Heading
	// Tables on this page, with the place their rendering occupies in Text.
	Tables []Table
	// SectionBefore is the section path in force at the top of the page.
	SectionBefore string
	// Continues says the page begins in the middle of the previous page's
	// last paragraph (doc.Block.Continues on its first block).
	Continues bool

	runes []rune
}

// Heading is a numbered or styled heading line.
type Heading struct {
	Start, End int // rune offsets of the heading line in Text
	Level      int
	Text       string
	Path       string // "一、基本情况 > （二）年度总体工作"
}

// Table is a table as rendered into the page text: one line per row, cells
// separated by " | ". Cells[r][c] is the span of that grid position's text in
// Text (merged cells repeat the anchor's span).
type Table struct {
	Start, End int
	Grid       [][]string // normalized cell text, merged cells carried to every position
	Cells      [][]Span
	Source     *doc.Table
}

// Span is a rune range [Start, End) in Page.Text.
type Span struct{ Start, End int }

// Runes returns the page text as runes (cached), for rune-offset slicing.
func (p *Page) Runes() []rune {
	if p.runes == nil {
		p.runes = []rune(p.Text)
	}
	return p.runes
}

// Slice returns Text[start:end) in runes.
func (p *Page) Slice(start, end int) string {
	r := p.Runes()
	if start < 0 || end > len(r) || start > end {
		return ""
	}
	return string(r[start:end])
}

// SectionAt returns the heading path in force at rune offset off.
func (p *Page) SectionAt(off int) string {
	i := sort.Search(len(p.Headings), func(i int) bool { return p.Headings[i].Start > off })
	if i == 0 {
		return p.SectionBefore
	}
	return p.Headings[i-1].Path
}

// InTable returns the table whose rendering covers rune offset off, or nil.
func (p *Page) InTable(off int) *Table {
	for i := range p.Tables {
		if off >= p.Tables[i].Start && off < p.Tables[i].End {
			return &p.Tables[i]
		}
	}
	return nil
}

// String normalizes a snippet the way page text is normalized (no line
// joining context, no headings). Rules and eval use it to compare text.
func String(s string) string {
	t, err := chars(newText(s))
	if err != nil {
		return s
	}
	return tightenNumbers(t).String()
}

// chars applies the character-level steps.
func chars(t text) (text, error) {
	t = foldWidth(t)
	t = stripGlosses(t)
	return toSimplified(t)
}

// Document normalizes every page of d.
func Document(d *doc.Document) (*Doc, error) {
	out := &Doc{Format: d.Format, Title: d.Title}
	var stack []Heading
	for _, p := range d.Pages {
		raw, tableRaw, breaks := renderPage(p)
		t, err := chars(newText(raw))
		if err != nil {
			return nil, err
		}
		t = joinWrapped(t, isTableLine, breaks)
		// A pinyin gloss that a line break had parted from its character
		// (補⏎(bǔ)貼) is next to it now.
		t = stripGlosses(t)
		t = tightenNumbers(t)
		np := Page{
			Number:  p.Number,
			Text:    t.String(),
			Raw:     raw,
			Method:  p.Method,
			Quality: p.Quality,
		}
		if len(p.Blocks) > 0 {
			np.Continues = p.Blocks[0].Continues
		}
		np.Map = append(t.src, len([]rune(raw)))
		np.SectionBefore = pathOf(stack)
		stack = np.findHeadings(stack, p)
		np.Tables = np.placeTables(tableRaw)
		out.Pages = append(out.Pages, np)
	}
	return out, nil
}

// rawTable records where a table's cells were rendered in the raw page text.
type rawTable struct {
	src       *doc.Table
	start     int
	end       int
	cellStart [][]int // raw rune offset of each grid position's text
	cellEnd   [][]int
}

// renderPage lays out a page's blocks as the raw page text: lines as written,
// blocks separated by a blank line, tables one row per line with " | " between cells.
// The lines of a block the reader found to be one wrapped paragraph
// (doc.Block.Wrapped) are separated by a soft break, which joinWrapped
// removes; breaks records the line breaks that end such a block, by raw
// rune offset of the "\n", as settled: never joined.
func renderPage(p doc.Page) (raw string, tables []rawTable, breaks map[int]bool) {
	var b strings.Builder
	n := 0 // runes written
	write := func(s string) {
		b.WriteString(s)
		n += len([]rune(s))
	}
	breaks = map[int]bool{}
	for bi, blk := range p.Blocks {
		if bi > 0 {
			if blk.Wrapped || p.Blocks[bi-1].Wrapped {
				breaks[n] = false
			}
			write("\n\n")
		}
		if blk.Kind == doc.BlockTable && blk.Table != nil {
			t := blk.Table
			rt := rawTable{src: t, start: n}
			for ri, row := range t.Anchors() {
				if ri > 0 {
					write("\n")
				}
				starts, ends := make([]int, len(row)), make([]int, len(row))
				for ci, anchor := range row {
					if ci > 0 {
						write(" | ")
					}
					starts[ci], ends[ci] = n, n
					if anchor < 0 {
						continue
					}
					c := t.Cells[anchor]
					if c.Row != ri || c.Col != ci {
						// A merged cell's text is written once, at its
						// top-left position; the positions it covers
						// point there, so the grid still carries it and
						// every fact in it has one source span.
						if c.Row == ri {
							starts[ci], ends[ci] = starts[c.Col], ends[c.Col]
						} else if c.Row >= 0 && c.Row < len(rt.cellStart) && c.Col >= 0 {
							starts[ci], ends[ci] = rt.cellStart[c.Row][c.Col], rt.cellEnd[c.Row][c.Col]
						}
						continue
					}
					// A cell's own line breaks would split the row.
					write(strings.Join(strings.Fields(c.Text), " "))
					ends[ci] = n
				}
				rt.cellStart = append(rt.cellStart, starts)
				rt.cellEnd = append(rt.cellEnd, ends)
			}
			rt.end = n
			tables = append(tables, rt)
			continue
		}
		for li, l := range blk.Lines {
			if li > 0 {
				if blk.Wrapped {
					write(string(softBreak))
				} else {
					write("\n")
				}
			}
			write(l.Text)
		}
	}
	return b.String(), tables, breaks
}

// isTableLine marks rendered table rows and pipe-flattened cells, which are
// never joined to their neighbours.
func isTableLine(line []rune) bool {
	s := string(line)
	return strings.Contains(s, " | ") || strings.HasSuffix(s, "|") || strings.HasPrefix(s, "|")
}

// toText maps a raw rune offset to the first normalized offset at or after it.
func (p *Page) toText(raw int) int {
	return sort.SearchInts(p.Map[:len(p.Map)-1], raw)
}

func (p *Page) placeTables(raws []rawTable) []Table {
	var out []Table
	for _, rt := range raws {
		t := Table{Start: p.toText(rt.start), End: p.toText(rt.end), Source: rt.src}
		for r := range rt.cellStart {
			var row []string
			var spans []Span
			for c := range rt.cellStart[r] {
				s, e := p.toText(rt.cellStart[r][c]), p.toText(rt.cellEnd[r][c])
				spans = append(spans, Span{s, e})
				row = append(row, strings.TrimSpace(p.Slice(s, e)))
			}
			t.Grid = append(t.Grid, row)
			t.Cells = append(t.Cells, spans)
		}
		out = append(out, t)
	}
	return out
}

// findHeadings scans the page's lines for numbered headings (and headings the
// format marked, such as DOCX heading styles), updating the section stack.
func (p *Page) findHeadings(stack []Heading, src doc.Page) []Heading {
	styled := map[string]int{}
	for _, b := range src.Blocks {
		if b.Kind == doc.BlockHeading && b.Level > 0 {
			styled[String(strings.TrimSpace(b.Text()))] = b.Level
		}
	}
	r := p.Runes()
	start := 0
	for i := 0; i <= len(r); i++ {
		if i < len(r) && r[i] != '\n' {
			continue
		}
		line := r[start:i]
		if len(line) > 0 && !isTableLine(line) {
			level, _, ok := headingMarker(line)
			if lv, isStyled := styled[string(line)]; isStyled && !ok {
				level, ok = lv, true
			}
			if ok {
				h := Heading{Start: start, End: i, Level: level, Text: headingText(line)}
				for len(stack) > 0 && stack[len(stack)-1].Level >= level {
					stack = stack[:len(stack)-1]
				}
				stack = append(stack, h)
				h.Path = pathOf(stack)
				p.Headings = append(p.Headings, h)
			}
		}
		start = i + 1
	}
	return stack
}

func pathOf(stack []Heading) string {
	parts := make([]string, len(stack))
	for i, h := range stack {
		parts[i] = h.Text
	}
	return strings.Join(parts, " > ")
}
