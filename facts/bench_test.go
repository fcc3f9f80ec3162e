package facts

import (
	"fmt"
	"strings"
	"testing"

	"zipin/extract/doc"
	textreader "zipin/extract/text"
	"zipin/normalize"
	"zipin/segment"
)

// The facts stage must grow with the length of what it reads, not its
// square. These benchmarks build the two shapes that were reported slow and
// run the stage at N and 4N: linear work shows ns/op ×4, quadratic ×16.
//
//	go test -run - -bench 'WideRow|LongText' ./facts/
//
// A wide row is a one-row sheet (XLSX) of N cells: a money header, then
// score labels, percentages split over two cells and bare amounts.
// A long text is one page of prose with N numbers under a 万元 header,
// the way a long PDF reads when it is taken as one text.

func BenchmarkWideRow(b *testing.B) {
	for _, n := range []int{1000, 4000} {
		b.Run(fmt.Sprintf("cells=%d", n), func(b *testing.B) {
			benchFacts(b, wideRowDoc(n))
		})
	}
}

func BenchmarkLongText(b *testing.B) {
	for _, n := range []int{1000, 4000} {
		b.Run(fmt.Sprintf("numbers=%d", n), func(b *testing.B) {
			benchFacts(b, longTextDoc(n))
		})
	}
}

func benchFacts(b *testing.B, d *doc.Document) {
	nd, err := normalize.Document(d)
	if err != nil {
		b.Fatal(err)
	}
	seg, err := segment.Default()
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		extractFacts(nd, seg)
	}
}

// wideRowDoc is one sheet of one row of n cells.
func wideRowDoc(n int) *doc.Document {
	cells := []string{"项目资金（万元）", "1500", "评价得分", "91.5", "100", "%", "年初预算数", "230.5", "培训人次", "12"}
	t := &doc.Table{Rows: 1, Cols: n}
	for c := 0; c < n; c++ {
		t.Cells = append(t.Cells, doc.Cell{Row: 0, Col: c, RowSpan: 1, ColSpan: 1, Text: cells[c%len(cells)]})
	}
	return &doc.Document{Format: doc.FormatXLSX, Pages: []doc.Page{{Number: 1, Method: "xlsx", Quality: 1,
		Blocks: []doc.Block{{Kind: doc.BlockHeading, Level: 1, Lines: []doc.Line{{Text: "Sheet1"}}}, {Kind: doc.BlockTable, Table: t}}}}}
}

// longTextDoc is one page of prose and cell lines holding about n numbers.
func longTextDoc(n int) *doc.Document {
	var s strings.Builder
	for i := 0; i < n/4; i++ {
		fmt.Fprintf(&s, "项目资金（万元）：年初预算数%d，全年执行数%d.5。\n", 100+i%900, 90+i%800)
		fmt.Fprintf(&s, "评价得分 | %d.%d |\n", 80+i%20, i%10)
		fmt.Fprintf(&s, "受益群众%d人次，满意度%d%%。\n", 1000+i, 90+i%10)
	}
	return &doc.Document{Format: doc.FormatTXT, Pages: []doc.Page{{Number: 1, Blocks: textreader.Blocks(s.String())}}}
}
