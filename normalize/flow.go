package normalize

import "sort"

// Flow is a document's pages read as one text, the way a person reads on
// across a page break: a label at the foot of one page and its number at the
// head of the next, or a table header's unit (万元) above rows that run onto
// the next page, belong together. The facts stage reads Flow.Doc, whose one
// page holds every page's text in order, and Locate maps a span of it back
// to the page it lies on, so that provenance stays per page (texts.page).
//
// A page break is written as a line break, or as nothing where the reader
// found the paragraph to run on into the next page (doc.Block.Continues; a
// space between two Latin words).
type Flow struct {
	Doc    *Doc
	starts []int // rune offset in the flow text where each page's text starts
	ends   []int // … and ends
	nums   []int // the pages' numbers
}

// NewFlow reads d's pages as one. A document of one page is its own flow.
func NewFlow(d *Doc) *Flow {
	f := &Flow{}
	if len(d.Pages) == 0 {
		f.Doc = d
		return f
	}
	var text, raw []rune
	var m []int
	fp := Page{
		Number:        d.Pages[0].Number,
		Method:        d.Pages[0].Method,
		Quality:       d.Pages[0].Quality,
		SectionBefore: d.Pages[0].SectionBefore,
	}
	for i := range d.Pages {
		p := &d.Pages[i]
		if i > 0 {
			sep := "\n"
			var last rune
			if len(text) > 0 {
				last = text[len(text)-1]
			}
			if p.Continues && !headingAfter(last, p.Runes()) {
				sep = ""
				if next := p.Runes(); len(next) > 0 && (spaceAtWrap(last, next[0]) || isCJKText(last) && cellsAhead(next)) {
					sep = " "
				}
			}
			for _, r := range sep {
				m = append(m, len(raw))
				raw = append(raw, r)
				text = append(text, r)
			}
		}
		off, rawOff := len(text), len(raw)
		f.starts = append(f.starts, off)
		f.nums = append(f.nums, p.Number)
		text = append(text, p.Runes()...)
		f.ends = append(f.ends, len(text))
		raw = append(raw, []rune(p.Raw)...)
		for _, x := range p.Map[:len(p.Map)-1] {
			m = append(m, x+rawOff)
		}
		for _, h := range p.Headings {
			h.Start += off
			h.End += off
			fp.Headings = append(fp.Headings, h)
		}
		for _, t := range p.Tables {
			t.Start += off
			t.End += off
			cells := make([][]Span, len(t.Cells))
			for r, row := range t.Cells {
				cells[r] = make([]Span, len(row))
				for c, s := range row {
					cells[r][c] = Span{s.Start + off, s.End + off}
				}
			}
			t.Cells = cells
			fp.Tables = append(fp.Tables, t)
		}
		fp.Quality = min(fp.Quality, p.Quality)
	}
	fp.Text = string(text)
	fp.Raw = string(raw)
	fp.Map = append(m, len(raw))
	f.Doc = &Doc{Format: d.Format, Title: d.Title, Pages: []Page{fp}}
	return f
}

// Locate maps the span [start, end) of the flow text to its page: the
// page's number and the span's offsets in that page's text. ok is false
// when the span runs across a page break or lies in the break itself.
func (f *Flow) Locate(start, end int) (page, s, e int, ok bool) {
	if len(f.starts) == 0 {
		return 0, start, end, false
	}
	i := sort.Search(len(f.starts), func(i int) bool { return f.starts[i] > start }) - 1
	if i < 0 || start > f.ends[i] || end > f.ends[i] || start > end {
		return 0, 0, 0, false
	}
	return f.nums[i], start - f.starts[i], end - f.starts[i], true
}

// PageAt is the number of the page that holds flow offset off (the page
// before a break for an offset in the break).
func (f *Flow) PageAt(off int) int {
	if len(f.nums) == 0 {
		return 0
	}
	i := sort.Search(len(f.starts), func(i int) bool { return f.starts[i] > off }) - 1
	return f.nums[max(i, 0)]
}

// Clip maps the part of the flow span [start, end) that lies on the page of
// start: for a span a page break cuts, the piece before the break.
func (f *Flow) Clip(start, end int) (page, s, e int, ok bool) {
	if len(f.starts) == 0 {
		return 0, 0, 0, false
	}
	i := sort.Search(len(f.starts), func(i int) bool { return f.starts[i] > start }) - 1
	if i < 0 || start >= f.ends[i] || start > end {
		return 0, 0, 0, false
	}
	return f.nums[i], start - f.starts[i], min(end, f.ends[i]) - f.starts[i], true
}
