// Package tables holds the table-grid logic the DOCX, XLSX and HTML readers
// share, so that one 自评表 gives the same doc.Table whichever format it came in.
package tables

import (
	"strings"

	"zipin/extract/doc"
)

// Compact removes grid columns and rows at which no cell is anchored. Such a
// column exists only because a producer split the grid finer than any cell
// boundary (Word's tblGrid after column-width edits, an HTML colspan="2"
// whose two halves are never used apart, a sheet column that is merged
// everywhere). Removing it loses nothing, and it makes renderings from
// different producers, and the PDF reader's ruling-line grid, agree.
func Compact(t *doc.Table) {
	if t == nil || t.Rows == 0 || t.Cols == 0 {
		return
	}
	colUsed := make([]bool, t.Cols+1)
	rowUsed := make([]bool, t.Rows+1)
	for _, c := range t.Cells {
		if c.Col < t.Cols {
			colUsed[c.Col] = true
		}
		if c.Row < t.Rows {
			rowUsed[c.Row] = true
		}
	}
	colMap := remap(colUsed, t.Cols)
	rowMap := remap(rowUsed, t.Rows)
	for i := range t.Cells {
		c := &t.Cells[i]
		end := min(c.Col+max(c.ColSpan, 1), t.Cols)
		c.Col, c.ColSpan = colMap[c.Col], max(colMap[end]-colMap[c.Col], 1)
		end = min(c.Row+max(c.RowSpan, 1), t.Rows)
		c.Row, c.RowSpan = rowMap[c.Row], max(rowMap[end]-rowMap[c.Row], 1)
	}
	t.Cols, t.Rows = colMap[t.Cols], rowMap[t.Rows]
}

// remap gives each old index its new one; index n maps to the new count.
func remap(used []bool, n int) []int {
	m := make([]int, n+1)
	k := 0
	for i := 0; i < n; i++ {
		m[i] = k
		if used[i] {
			k++
		}
	}
	m[n] = k
	return m
}

// Span is one cell as a row-oriented source writes it (HTML td, an XLSX
// merge anchor): its text and how far it extends.
type Span struct {
	Text             string
	RowSpan, ColSpan int
}

// FromRows places cells row by row the way HTML does: each cell takes the
// next column not covered by a rowspan from above. maxCells bounds the grid
// (a hostile colspan="100000" must not allocate without end).
func FromRows(rows [][]Span, maxCells int) *doc.Table {
	t := &doc.Table{Rows: len(rows)}
	covered := map[[2]int]bool{}
	for r, row := range rows {
		col := 0
		for _, s := range row {
			for covered[[2]int{r, col}] {
				col++
			}
			rs, cs := max(s.RowSpan, 1), max(s.ColSpan, 1)
			rs = min(rs, len(rows)-r)
			if len(covered)+rs*cs > maxCells {
				cs, rs = 1, 1
			}
			t.Cells = append(t.Cells, doc.Cell{Row: r, Col: col, RowSpan: rs, ColSpan: cs, Text: s.Text})
			for i := r; i < r+rs; i++ {
				for j := col; j < col+cs; j++ {
					covered[[2]int{i, j}] = true
				}
			}
			col += cs
			t.Cols = max(t.Cols, col)
		}
	}
	for k := range covered {
		t.Cols = max(t.Cols, k[1]+1)
	}
	Compact(t)
	return t
}

// Trimmed returns the table's grid with each cell's whitespace trimmed: the
// view in which renderings from different formats are compared.
func Trimmed(t *doc.Table) [][]string {
	g := t.Grid()
	for _, row := range g {
		for j := range row {
			row[j] = strings.TrimSpace(row[j])
		}
	}
	return g
}
