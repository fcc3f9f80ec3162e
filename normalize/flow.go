package normalize

import "sort"

// Flow is a document's pages read on across their breaks, the way a person
// reads: a label at the foot of one page and its number at the head of the
// next, or a table header's unit (万元) above rows that run onto the next
// page, belong together. The facts stage reads Flow.Doc, whose pages each
// hold a run of consecutive source pages in order, and Locate maps a span of
// one back to the source page it lies on, so that provenance stays per page
// (texts.page).
//
// A page break is written as a line break, or as nothing where the reader
// found the paragraph to run on into the next page (doc.Block.Continues; a
// space where the break stood between two Latin runs).
//
// A run is cut where it has reached MaxFlowRunes at a break that does not
// fall mid-paragraph (and in any case at twice that): the facts stage's
// cost grows faster than the length of the text it reads at once.
type Flow struct {
	Doc   *Doc
	parts [][]part // for each flow page, the source pages it holds
}

// part is one source page inside a flow page.
type part struct {
	start, end int // rune offsets of the page's text in the flow page's text
	num        int // the source page's number
}

// MaxFlowRunes bounds the text of one flow page (a few dense pages).
const MaxFlowRunes = 6000

// NewFlow reads d's pages on across their breaks.
func NewFlow(d *Doc) *Flow {
	f := &Flow{Doc: &Doc{Format: d.Format, Title: d.Title}}
	var cur *flowPage
	for i := range d.Pages {
		p := &d.Pages[i]
		n := len(p.Runes())
		if cur != nil && cur.size() >= MaxFlowRunes && (!p.Continues || cur.size()+n > 2*MaxFlowRunes) {
			f.add(cur)
			cur = nil
		}
		if cur == nil {
			cur = &flowPage{page: Page{
				Number:        len(f.Doc.Pages) + 1,
				Method:        p.Method,
				Quality:       p.Quality,
				SectionBefore: p.SectionBefore,
			}}
		} else {
			cur.separate(p)
		}
		cur.append(p)
	}
	if cur != nil {
		f.add(cur)
	}
	return f
}

// flowPage is a flow page being built.
type flowPage struct {
	page      Page
	text, raw []rune
	m         []int
	parts     []part
}

func (c *flowPage) size() int { return len(c.text) }

// separate writes the break before source page p.
func (c *flowPage) separate(p *Page) {
	var last rune
	if len(c.text) > 0 {
		last = c.text[len(c.text)-1]
	}
	sep := "\n"
	if p.Continues && !headingAfter(last, p.Runes()) {
		sep = ""
		if next := p.Runes(); len(next) > 0 && (spaceAtWrap(last, next[0]) || isCJKText(last) && cellsAhead(next)) {
			sep = " "
		}
	}
	for _, r := range sep {
		c.m = append(c.m, len(c.raw))
		c.raw = append(c.raw, r)
		c.text = append(c.text, r)
	}
}

// append adds source page p's text, headings and tables at the end.
func (c *flowPage) append(p *Page) {
	off, rawOff := len(c.text), len(c.raw)
	c.text = append(c.text, p.Runes()...)
	c.parts = append(c.parts, part{off, len(c.text), p.Number})
	c.raw = append(c.raw, []rune(p.Raw)...)
	for _, x := range p.Map[:len(p.Map)-1] {
		c.m = append(c.m, x+rawOff)
	}
	for _, h := range p.Headings {
		h.Start += off
		h.End += off
		c.page.Headings = append(c.page.Headings, h)
	}
	for _, t := range p.Tables {
		t.Start += off
		t.End += off
		cells := make([][]Span, len(t.Cells))
		for r, row := range t.Cells {
			cells[r] = make([]Span, len(row))
			for k, s := range row {
				cells[r][k] = Span{s.Start + off, s.End + off}
			}
		}
		t.Cells = cells
		c.page.Tables = append(c.page.Tables, t)
	}
	c.page.Quality = min(c.page.Quality, p.Quality)
}

func (f *Flow) add(c *flowPage) {
	c.page.Text = string(c.text)
	c.page.Raw = string(c.raw)
	c.page.Map = append(c.m, len(c.raw))
	f.Doc.Pages = append(f.Doc.Pages, c.page)
	f.parts = append(f.parts, c.parts)
}

// find returns the source page of flow page fp that holds offset off (the
// one before a break for an offset in the break).
func (f *Flow) find(fp, off int) (part, bool) {
	if fp < 1 || fp > len(f.parts) {
		return part{}, false
	}
	ps := f.parts[fp-1]
	i := sort.Search(len(ps), func(i int) bool { return ps[i].start > off }) - 1
	if i < 0 {
		return part{}, false
	}
	return ps[i], true
}

// Locate maps the span [start, end) of flow page fp to its source page: the
// page's number and the span's offsets in that page's text. ok is false
// when the span runs across a page break or lies in the break itself.
func (f *Flow) Locate(fp, start, end int) (page, s, e int, ok bool) {
	p, ok := f.find(fp, start)
	if !ok || start > p.end || end > p.end || start > end {
		return 0, 0, 0, false
	}
	return p.num, start - p.start, end - p.start, true
}

// Clip maps the part of the span [start, end) of flow page fp that lies on
// the source page of start: for a span a page break cuts, the piece before
// the break.
func (f *Flow) Clip(fp, start, end int) (page, s, e int, ok bool) {
	p, ok := f.find(fp, start)
	if !ok || start >= p.end || start > end {
		return 0, 0, 0, false
	}
	return p.num, start - p.start, min(end, p.end) - p.start, true
}

// PageAt is the number of the source page that holds offset off of flow
// page fp, 0 if none.
func (f *Flow) PageAt(fp, off int) int {
	p, _ := f.find(fp, off)
	return p.num
}
