// Package xlsx reads Excel 2007+ workbooks (.xlsx, and the .xlsx that WPS
// and LibreOffice write) with github.com/xuri/excelize/v2: one page per
// sheet, holding the sheet name as a heading and its used range as a table.
//
// excelize formats each value as the sheet displays it (number formats,
// percentages, dates, formulas' cached results), which is what a reader of
// the 自评表 sees and what the later stages parse. Merged ranges are read
// by a streaming scan of the sheet XML instead of excelize's GetMergeCells,
// which would unmarshal the whole worksheet: a sheet of a million empty
// rows would cost hundreds of MB that way.
package xlsx

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"zipin/extract/doc"
	"zipin/extract/docx/opc"
	"zipin/extract/docx/tables"
)

// Limits bound one workbook. Real 自评表 sheets have tens of rows.
type Limits struct {
	Package   opc.Limits
	MaxRows   int // non-empty rows over all sheets
	MaxCells  int // grid cells of the used ranges over all sheets
	MaxSheets int
}

// maxEmptyRun is how many consecutive empty rows end the reading of a sheet.
const maxEmptyRun = 65536

var DefaultLimits = Limits{Package: opc.DefaultLimits, MaxRows: 100_000, MaxCells: 2_000_000, MaxSheets: 500}

// Read extracts every sheet of an XLSX workbook.
func Read(ctx context.Context, name string, data []byte) (*doc.Document, error) {
	return ReadLimits(ctx, name, data, DefaultLimits)
}

// ReadLimits is Read with explicit limits.
func ReadLimits(ctx context.Context, name string, data []byte, lim Limits) (*doc.Document, error) {
	// The package is checked and its parts sized by opc first: excelize
	// inflates every part on open, so a bomb must be stopped before it.
	pkg, err := opc.Open("XLSX", data, lim.Package)
	if err != nil {
		return nil, err
	}
	parts, err := sheetParts(pkg)
	if err != nil {
		return nil, err
	}
	if len(parts) > lim.MaxSheets {
		return nil, doc.Fail(doc.ErrTooLarge, doc.FormatXLSX, 0, "%d sheets, more than the limit of %d", len(parts), lim.MaxSheets)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    lim.Package.MaxTotal,
		UnzipXMLSizeLimit: min(16<<20, lim.Package.MaxTotal),
	})
	if err != nil {
		return nil, doc.Fail(doc.ErrDamaged, doc.FormatXLSX, 0, "cannot open workbook: %v", err)
	}
	defer f.Close()

	d := &doc.Document{Format: doc.FormatXLSX}
	if p, err := f.GetDocProps(); err == nil && p != nil {
		d.Title = strings.TrimSpace(p.Title)
	}
	budget := budget{rows: lim.MaxRows, cells: lim.MaxCells}
	anyValue := false
	var empties []string
	for i, sheet := range f.GetSheetList() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		page := doc.Page{Number: i + 1, Method: "xlsx", Quality: 1,
			Blocks: []doc.Block{{Kind: doc.BlockHeading, Level: 1, Lines: []doc.Line{{Text: sheet}}}}}
		t, warn, err := readSheet(ctx, f, pkg, parts[sheet], sheet, &budget)
		if err != nil {
			return nil, err
		}
		if warn != "" {
			d.Warnings = append(d.Warnings, warn)
		}
		if t != nil {
			page.Blocks = append(page.Blocks, doc.Block{Kind: doc.BlockTable, Table: t})
			anyValue = true
		} else {
			empties = append(empties, fmt.Sprintf("%q", sheet))
		}
		d.Pages = append(d.Pages, page)
	}
	if !anyValue {
		return nil, doc.Fail(doc.ErrEmpty, doc.FormatXLSX, 0, "no cell values in any sheet (%s)", strings.Join(empties, ", "))
	}
	return d, nil
}

type budget struct{ rows, cells int }

// readSheet streams one sheet's rows and returns its used range as a table,
// or nil when the sheet holds no value.
func readSheet(ctx context.Context, f *excelize.File, pkg *opc.Package, part, sheet string, b *budget) (*doc.Table, string, error) {
	// The sheet part is read through opc first: excelize swallows a part
	// that inflates past its declared size and shows an empty sheet.
	merges, err := mergeRanges(pkg, part)
	if err != nil {
		return nil, "", err
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		// Chart sheets and dialog sheets have no cells.
		return nil, fmt.Sprintf("sheet %q: %v", sheet, err), nil
	}
	defer rows.Close()
	// Only non-empty rows are kept, so a sheet of a million empty <row>
	// elements costs a scan, not memory.
	type row struct {
		n     int
		cells []string
	}
	var kept []row
	var warn string
	r, lastKept := 0, 0
	minCol, maxCol := -1, -1
	for rows.Next() {
		r++
		if r%4096 == 0 && ctx.Err() != nil {
			return nil, "", ctx.Err()
		}
		cols, err := rows.Columns()
		if err != nil {
			return nil, "", doc.Fail(doc.ErrDamaged, doc.FormatXLSX, 0, "sheet %q, row %d: %v", sheet, r, err)
		}
		first, last := -1, -1
		for j, c := range cols {
			if strings.TrimSpace(c) != "" {
				if first < 0 {
					first = j
				}
				last = j
			}
		}
		if first < 0 {
			// Templates format whole columns, leaving a million empty
			// <row> elements; a report's data never resumes after such a gap.
			if r-lastKept > maxEmptyRun {
				warn = fmt.Sprintf("sheet %q: stopped reading after %d consecutive empty rows (row %d)", sheet, maxEmptyRun, r)
				break
			}
			continue
		}
		lastKept = r
		if b.rows--; b.rows < 0 {
			return nil, "", doc.Fail(doc.ErrTooLarge, doc.FormatXLSX, 0, "sheet %q: more than %d non-empty rows in the workbook (row %d); not a report table", sheet, DefaultLimits.MaxRows, r)
		}
		if minCol < 0 || first < minCol {
			minCol = first
		}
		maxCol = max(maxCol, last)
		kept = append(kept, row{r - 1, cols[:last+1]})
	}
	if err := rows.Error(); err != nil {
		return nil, "", doc.Fail(doc.ErrDamaged, doc.FormatXLSX, 0, "sheet %q after row %d: %v", sheet, r, err)
	}
	if len(kept) == 0 {
		return nil, "", nil
	}
	r0, r1 := kept[0].n, kept[len(kept)-1].n
	// A merged range anchored in the used range extends it (a label merged
	// down over rows that hold nothing else).
	for _, m := range merges {
		if m[0] >= r0 && m[0] <= r1 && m[1] >= minCol && m[1] <= maxCol {
			r1, maxCol = max(r1, m[2]), max(maxCol, m[3])
		}
	}
	nr, nc := r1-r0+1, maxCol-minCol+1
	if b.cells -= nr * nc; b.cells < 0 {
		return nil, "", doc.Fail(doc.ErrTooLarge, doc.FormatXLSX, 0, "sheet %q: used range %d×%d exceeds the cell limit of %d", sheet, nr, nc, DefaultLimits.MaxCells)
	}
	// Values go into a grid; merged ranges then become one anchor cell each.
	grid := make([][]string, nr)
	for _, k := range kept {
		g := make([]string, nc)
		for j := minCol; j < len(k.cells); j++ {
			g[j-minCol] = k.cells[j]
		}
		grid[k.n-r0] = g
	}
	covered := map[[2]int]*[4]int{}
	for i := range merges {
		m := &merges[i]
		// Clip to the used range; a merge wholly outside it is formatting only.
		m[0], m[1] = m[0]-r0, m[1]-minCol
		m[2], m[3] = min(m[2]-r0, nr-1), min(m[3]-minCol, nc-1)
		if m[0] < 0 || m[1] < 0 || m[0] >= nr || m[1] >= nc || m[2] < m[0] || m[3] < m[1] {
			continue
		}
		for i := m[0]; i <= m[2]; i++ {
			for j := m[1]; j <= m[3]; j++ {
				covered[[2]int{i, j}] = m
			}
		}
	}
	t := &doc.Table{Rows: nr, Cols: nc}
	for i := 0; i < nr; i++ {
		for j := 0; j < nc; j++ {
			text := ""
			if grid[i] != nil {
				text = grid[i][j]
			}
			if m := covered[[2]int{i, j}]; m != nil {
				if m[0] != i || m[1] != j {
					continue
				}
				t.Cells = append(t.Cells, doc.Cell{Row: i, Col: j, RowSpan: m[2] - m[0] + 1, ColSpan: m[3] - m[1] + 1, Text: text})
				continue
			}
			t.Cells = append(t.Cells, doc.Cell{Row: i, Col: j, RowSpan: 1, ColSpan: 1, Text: text})
		}
	}
	tables.Compact(t)
	return t, warn, nil
}

// sheetParts maps each sheet name to its worksheet part, from
// xl/workbook.xml and its relationships.
func sheetParts(pkg *opc.Package) (map[string]string, error) {
	b, err := pkg.Read("xl/workbook.xml")
	if err != nil {
		if errors.Is(err, opc.ErrMissing) {
			return nil, doc.Fail(doc.ErrDamaged, doc.FormatXLSX, 0, "the package has no workbook part (xl/workbook.xml missing)")
		}
		return nil, err
	}
	var wb struct {
		Sheets []struct {
			Name  string     `xml:"name,attr"`
			Attrs []xml.Attr `xml:",any,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := opc.Unmarshal(b, &wb); err != nil {
		return nil, doc.Fail(doc.ErrDamaged, doc.FormatXLSX, 0, "xl/workbook.xml: %v", err)
	}
	rels, err := pkg.Rels("xl/workbook.xml")
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, s := range wb.Sheets {
		for _, a := range s.Attrs {
			if a.Name.Local == "id" {
				m[s.Name] = rels[a.Value]
			}
		}
	}
	return m, nil
}

// mergeRanges reads the <mergeCells> of a sheet part as 0-based
// [row0, col0, row1, col1] ranges, streaming past the cell data.
func mergeRanges(pkg *opc.Package, part string) ([][4]int, error) {
	if part == "" {
		return nil, nil
	}
	b, err := pkg.Read(part)
	if errors.Is(err, opc.ErrMissing) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	// mergeCells follows sheetData; skip the bulk of the part by searching
	// from the end of the cell data.
	if i := bytes.LastIndex(b, []byte("sheetData>")); i >= 0 {
		b = b[i:]
	}
	i := bytes.Index(b, []byte("mergeCells"))
	if i < 0 {
		return nil, nil
	}
	b = b[bytes.LastIndexByte(b[:i], '<'):]
	dec := opc.NewDecoder(b)
	var out [][4]int
	for {
		tok, err := dec.Token()
		if err == io.EOF || err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "mergeCell" {
				continue
			}
			for _, a := range t.Attr {
				if a.Name.Local != "ref" {
					continue
				}
				from, to, ok := strings.Cut(a.Value, ":")
				if !ok {
					to = from
				}
				c0, r0, err1 := excelize.CellNameToCoordinates(from)
				c1, r1, err2 := excelize.CellNameToCoordinates(to)
				if err1 == nil && err2 == nil {
					out = append(out, [4]int{min(r0, r1) - 1, min(c0, c1) - 1, max(r0, r1) - 1, max(c0, c1) - 1})
				}
			}
		case xml.EndElement:
			if t.Name.Local == "mergeCells" {
				return out, nil
			}
		}
	}
	return out, nil
}
