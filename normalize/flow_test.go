package normalize

import (
	"testing"

	"zipin/extract/doc"
)

// twoPages is a PDF-like document whose paragraph runs from page 1 onto
// page 2 (the reader marked page 2's first block Continues), then a page 3
// that opens a new paragraph.
func twoPages(continues bool) *doc.Document {
	para := func(cont bool, lines ...string) doc.Block {
		b := doc.Block{Kind: doc.BlockParagraph, Wrapped: true, Continues: cont}
		for _, l := range lines {
			b.Lines = append(b.Lines, doc.Line{Text: l, Box: doc.Rect{X0: 68, X1: 527}})
		}
		return b
	}
	return &doc.Document{Format: doc.FormatPDF, Pages: []doc.Page{
		{Number: 1, Blocks: []doc.Block{para(false, "一、项目基本情况"), para(false, "2023年度本项目全年预算")}},
		{Number: 2, Blocks: []doc.Block{para(continues, "数为128.64万元。"), para(false, "二、绩效情况")}},
		{Number: 3, Blocks: []doc.Block{para(true, "自评得分96分。")}},
	}}
}

func TestFlowReadsAcrossPageBreaks(t *testing.T) {
	nd, err := Document(twoPages(true))
	if err != nil {
		t.Fatal(err)
	}
	if !nd.Pages[1].Continues {
		t.Fatal("page 2 does not continue page 1")
	}
	f := NewFlow(nd)
	if len(f.Doc.Pages) != 1 {
		t.Fatalf("%d flow pages, want 1", len(f.Doc.Pages))
	}
	fp := f.Doc.Pages[0]
	// Page 2 runs on with no break; so does page 3, which the reader says
	// continues and which does not open a heading.
	want := "一、项目基本情况\n2023年度本项目全年预算数为128.64万元。\n二、绩效情况自评得分96分。"
	if fp.Text != want {
		t.Errorf("flow text\n got %q\nwant %q", fp.Text, want)
	}
	// 128.64万元 is on page 2 at [2, 10) of its own text.
	start := len([]rune("一、项目基本情况\n2023年度本项目全年预算数为"))
	page, s, e, ok := f.Locate(1, start, start+8)
	if !ok || page != 2 || s != 2 || e != 10 {
		t.Errorf("Locate(128.64万元) = page %d [%d,%d) %v, want page 2 [2,10)", page, s, e, ok)
	}
	if got := nd.Pages[1].Slice(s, e); got != "128.64万元" {
		t.Errorf("page 2 [%d,%d) = %q", s, e, got)
	}
	// A span across the break has no page.
	if _, _, _, ok := f.Locate(1, start-3, start+3); ok {
		t.Error("a span across the page break was located")
	}
	// Headings keep their paths, at flow offsets.
	if len(fp.Headings) != 2 || fp.Headings[1].Text != "二、绩效情况" || fp.SectionAt(len(fp.Runes())-1) != "二、绩效情况" {
		t.Errorf("headings %+v", fp.Headings)
	}
	// The offset map points into the flow's raw text rune for rune.
	raw, txt := []rune(fp.Raw), fp.Runes()
	for i, r := range txt {
		if r != '\n' && raw[fp.Map[i]] != r {
			t.Fatalf("rune %d %q maps to raw %q", i, r, raw[fp.Map[i]])
		}
	}
}

func TestFlowKeepsPageBreakBetweenParagraphs(t *testing.T) {
	nd, err := Document(twoPages(false))
	if err != nil {
		t.Fatal(err)
	}
	want := "一、项目基本情况\n2023年度本项目全年预算\n数为128.64万元。\n二、绩效情况自评得分96分。"
	if got := NewFlow(nd).Doc.Pages[0].Text; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// A page that the reader says continues, but that opens with a numbered
// heading after a finished sentence, starts a section.
func TestFlowHeadingAfterSentenceBreaks(t *testing.T) {
	d := twoPages(true)
	d.Pages[1].Blocks = d.Pages[1].Blocks[:1]
	d.Pages[1].Blocks[0].Lines[0].Text = "数为128.64万元。"
	d.Pages[2].Blocks[0].Lines[0].Text = "三、自评结论"
	nd, err := Document(d)
	if err != nil {
		t.Fatal(err)
	}
	want := "一、项目基本情况\n2023年度本项目全年预算数为128.64万元。\n三、自评结论"
	if got := NewFlow(nd).Doc.Pages[0].Text; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestFlowClip(t *testing.T) {
	nd, err := Document(twoPages(true))
	if err != nil {
		t.Fatal(err)
	}
	f := NewFlow(nd)
	// 预算数为 spans the break after 预算, which ends page 1 at rune 22.
	start := len([]rune("一、项目基本情况\n2023年度本项目全年"))
	page, s, e, ok := f.Clip(1, start, start+6)
	if !ok || page != 1 || s != 20 || e != 22 {
		t.Errorf("Clip = page %d [%d,%d) %v, want page 1 [20,22)", page, s, e, ok)
	}
	if got := nd.Pages[0].Slice(s, e); got != "预算" {
		t.Errorf("clipped piece %q, want 预算", got)
	}
}

// A long document is read in runs of pages of about MaxFlowRunes, cut at a
// break between paragraphs; every source page is in exactly one run.
func TestFlowRuns(t *testing.T) {
	long := string(make([]rune, 0))
	for i := 0; i < 300; i++ {
		long += "项目资金严格实行专款专用。"
	}
	d := &doc.Document{Format: doc.FormatPDF}
	for i := 1; i <= 40; i++ {
		d.Pages = append(d.Pages, doc.Page{Number: i, Blocks: []doc.Block{{Kind: doc.BlockParagraph, Wrapped: true,
			Continues: i%2 == 0, Lines: []doc.Line{{Text: long}}}}})
	}
	nd, err := Document(d)
	if err != nil {
		t.Fatal(err)
	}
	f := NewFlow(nd)
	next := 1
	for fp, p := range f.Doc.Pages {
		if n := len(p.Runes()); n > 2*MaxFlowRunes {
			t.Errorf("flow page %d holds %d runes", fp+1, n)
		}
		if got := f.PageAt(fp+1, 0); got != next {
			t.Errorf("flow page %d starts with page %d, want %d", fp+1, got, next)
		}
		// A run never starts at a page that continues the one before.
		if next > 1 && next%2 == 0 {
			t.Errorf("flow page %d starts mid-paragraph, at page %d", fp+1, next)
		}
		next = f.PageAt(fp+1, len(p.Runes())-1) + 1
	}
	if next != 41 || len(f.Doc.Pages) < 2 {
		t.Errorf("%d flow pages ending at page %d", len(f.Doc.Pages), next-1)
	}
}
