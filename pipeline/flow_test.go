package pipeline

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"zipin/extract"
	"zipin/extract/doc"
)

// A label at the foot of a page and its number at the head of the next pair
// as they do in the same report as one text, and the facts keep the page
// and offsets of their own text.
func TestHeadlineAcrossPageBreak(t *testing.T) {
	line := func(s string) doc.Line { return doc.Line{Text: s, Box: doc.Rect{X0: 68, X1: 527}} }
	d := &doc.Document{Format: doc.FormatPDF, Pages: []doc.Page{
		{Number: 1, Method: "tounicode", Quality: 1, Blocks: []doc.Block{
			{Kind: doc.BlockParagraph, Wrapped: true, Lines: []doc.Line{line("青溪县农业农村局2023年度项目支出绩效自评报告")}},
			{Kind: doc.BlockParagraph, Wrapped: true, Lines: []doc.Line{line("2023年度高标准农田建设项目全年预算数为")}},
		}},
		{Number: 2, Method: "tounicode", Quality: 1, Blocks: []doc.Block{
			{Kind: doc.BlockParagraph, Wrapped: true, Continues: true, Lines: []doc.Line{line("128.64万元，全年执行数为125.41万元，预算执行率97.49%。")}},
		}},
	}}
	b, err := AnalyzeDocument(context.Background(), Input{Source: "t.pdf", Data: []byte("t")}, d)
	if err != nil {
		t.Fatal(err)
	}
	rep := b.Reports[0]
	// 128.64万元 = 1,286,400.00 元 = 128,640,000 分.
	if rep.BudgetYuan == nil || *rep.BudgetYuan != 128640000 {
		t.Errorf("budget = %v 分, want 128640000", rep.BudgetYuan)
	}
	pages := map[int32][]rune{}
	for _, tx := range b.Texts {
		pages[tx.Page] = []rune(tx.Text)
	}
	found := false
	for _, f := range b.Facts {
		if got := string(pages[f.Page][f.Start:f.End]); got != f.Text {
			t.Errorf("fact %q at page %d [%d,%d) reads %q", f.Text, f.Page, f.Start, f.End, got)
		}
		if f.Text == "128.64万元" && f.Page == 2 && f.Start == 0 {
			found = true
		}
	}
	if !found {
		t.Errorf("no fact 128.64万元 at page 2 offset 0: %+v", b.Facts)
	}
}

// The page-break fixtures: one paragraph of 130 amounts runs over a page
// break in Chromium's and LibreOffice's layout. Every amount is a fact on
// the page its text is on, however the break fell.
func TestAmountsAcrossPageBreakFixtures(t *testing.T) {
	for _, name := range []string{"pagebreak-chromium.pdf", "pagebreak-libreoffice.pdf"} {
		t.Run(name, func(t *testing.T) {
			path := "../testdata/pdf/" + name
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (regenerate with sh testdata/pdf/gen.sh)", err)
			}
			d, err := extract.Read(context.Background(), path, data)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Pages) < 2 || !d.Pages[1].Blocks[0].Continues {
				t.Fatalf("want page 2 to continue page 1's paragraph")
			}
			b, err := AnalyzeDocument(context.Background(), Input{Source: path, Data: data}, d)
			if err != nil {
				t.Fatal(err)
			}
			pages := map[int32][]rune{}
			for _, tx := range b.Texts {
				pages[tx.Page] = []rune(tx.Text)
			}
			seen := map[float64]bool{}
			for _, f := range b.Facts {
				if got := string(pages[f.Page][f.Start:f.End]); got != f.Text {
					t.Errorf("fact %q at page %d [%d,%d) reads %q", f.Text, f.Page, f.Start, f.End, got)
				}
				if strings.HasSuffix(f.Text, ".5万元") {
					seen[f.Value] = true
				}
			}
			// 第N批次…拨付N.5万元 for N = 1…130: N×10000 + 5000 元.
			for n := 1; n <= 130; n++ {
				if v := float64(n*10000 + 5000); !seen[v] {
					t.Errorf("amount %d.5万元 missing", n)
				}
			}
		})
	}
}

// A page break inside a fact's own text: after the number (1987.08万 ⏎ 元)
// the fact keeps the piece on its page; inside the number (1987. ⏎ 08万元)
// there is no fact, rather than a wrong 8万元.
func TestFactCutByPageBreak(t *testing.T) {
	line := func(s string) doc.Line { return doc.Line{Text: s, Box: doc.Rect{X0: 68, X1: 527}} }
	mk := func(a, b string) *doc.Document {
		return &doc.Document{Format: doc.FormatPDF, Pages: []doc.Page{
			{Number: 1, Method: "tounicode", Quality: 1, Blocks: []doc.Block{{Kind: doc.BlockParagraph, Wrapped: true, Lines: []doc.Line{line(a)}}}},
			{Number: 2, Method: "tounicode", Quality: 1, Blocks: []doc.Block{{Kind: doc.BlockParagraph, Wrapped: true, Continues: true, Lines: []doc.Line{line(b)}}}},
		}}
	}
	b, err := AnalyzeDocument(context.Background(), Input{Source: "a.pdf", Data: []byte("a")}, mk("全年共投入资金1987.08万", "元，用于农田建设。"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range b.Facts {
		got = append(got, fmt.Sprintf("p%d[%d,%d)%s=%g", f.Page, f.Start, f.End, f.Text, f.Value))
	}
	if want := "p1[7,15)1987.08万=1.98708e+07"; strings.Join(got, " ") != want {
		t.Errorf("facts %q, want %q", got, want)
	}
	b, err = AnalyzeDocument(context.Background(), Input{Source: "b.pdf", Data: []byte("b")}, mk("全年共投入资金1987.", "08万元，用于农田建设。"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range b.Facts {
		t.Errorf("fact %q = %g from a number cut by the page break", f.Text, f.Value)
	}
}
