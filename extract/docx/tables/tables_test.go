package tables

import (
	"reflect"
	"testing"

	"zipin/extract/doc"
)

func TestFromRowsAndCompact(t *testing.T) {
	// An HTML-style table whose last two columns are only ever used together
	// (colspan="2" everywhere), and a rowspan that later rows flow around.
	rows := [][]Span{
		{{Text: "a", RowSpan: 2}, {Text: "b"}, {Text: "c", ColSpan: 2}},
		{{Text: "d"}, {Text: "e", ColSpan: 2}},
		{{Text: "f"}, {Text: "g"}, {Text: "h", ColSpan: 2}},
	}
	tb := FromRows(rows, 1000)
	want := [][]string{{"a", "b", "c"}, {"a", "d", "e"}, {"f", "g", "h"}}
	if got := tb.Grid(); !reflect.DeepEqual(got, want) || tb.Cols != 3 {
		t.Errorf("grid %q (%d cols), want %q", got, tb.Cols, want)
	}
	if c := tb.Cells[2]; c.Col != 2 || c.ColSpan != 1 {
		t.Errorf("c after compaction: %+v", c)
	}
}

func TestFromRowsBoundsHostileSpans(t *testing.T) {
	rows := [][]Span{{{Text: "x", RowSpan: 1000, ColSpan: 1000}}, {{Text: "y"}}}
	tb := FromRows(rows, 5000)
	if tb.Rows != 2 {
		t.Errorf("rows %d", tb.Rows)
	}
	for _, c := range tb.Cells {
		if c.Row+c.RowSpan > tb.Rows || c.Col+c.ColSpan > tb.Cols {
			t.Errorf("cell %+v outside %d×%d", c, tb.Rows, tb.Cols)
		}
	}
}

func TestCompactKeepsAnchoredGrid(t *testing.T) {
	tb := &doc.Table{Rows: 2, Cols: 2, Cells: []doc.Cell{
		{Row: 0, Col: 0, RowSpan: 1, ColSpan: 1, Text: "1"}, {Row: 0, Col: 1, RowSpan: 1, ColSpan: 1, Text: "2"},
		{Row: 1, Col: 0, RowSpan: 1, ColSpan: 2, Text: "3"},
	}}
	Compact(tb)
	if tb.Rows != 2 || tb.Cols != 2 {
		t.Errorf("compacted a grid whose every column is anchored: %d×%d", tb.Rows, tb.Cols)
	}
}
