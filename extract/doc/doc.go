// Package doc is the document model every reader in extract/ produces and
// normalize/ consumes: pages of text lines, in reading order, with positions
// where the format has them, plus tables as grids of cells.
//
// It is deliberately small and format-neutral so that a PDF, a DOCX, an XLSX
// sheet, an HTML page and a .txt file all look alike to the later stages.
package doc

import (
	"errors"
	"fmt"
	"strings"
)

// Format names the container a document came in, as detected from its bytes.
type Format string

const (
	FormatTXT  Format = "txt"
	FormatPDF  Format = "pdf"
	FormatDOCX Format = "docx"
	FormatXLSX Format = "xlsx"
	FormatHTML Format = "html"
	FormatDOC  Format = "doc" // legacy OLE2 Word (also .wps)
	FormatXLS  Format = "xls" // legacy OLE2 Excel (also .et)
)

// Document is one source file after extraction.
type Document struct {
	Format Format
	Title  string // a title found in the container's metadata, if any
	Pages  []Page
	// Links are hyperlinks found in the document (HTML attachments, for the harvester).
	Links []Link
	// Warnings are non-fatal problems met while reading (a damaged page, an
	// unreadable font); the document is still usable.
	Warnings []string
}

// Page is one page of a paginated format, or the whole document otherwise.
type Page struct {
	Number int // 1-based
	// Blocks are the page's content in reading order. A table appears as a
	// block of kind BlockTable at the place it occurs in the flow.
	Blocks []Block
	// Method says how the text was obtained: "text", "text-layer",
	// "gbk-cmap", "ocr", "docx", "xlsx", "html" ...
	Method string
	// Quality is 0–1, an estimate of how clean the decoding is.
	Quality float64
}

// BlockKind says what a block holds.
type BlockKind int

const (
	BlockParagraph BlockKind = iota // running text: one or more visual lines
	BlockHeading                    // a heading; Level says how deep (1 = top)
	BlockTable                      // a table; Table is set
)

// Block is a paragraph, a heading or a table.
type Block struct {
	Kind BlockKind
	// Lines are the visual lines of a paragraph or heading as they appear in
	// the source (a PDF line, a .txt line, a DOCX paragraph). normalize/ joins
	// lines wrapped mid-sentence; readers must not.
	Lines []Line
	Level int    // heading level, when known from the format (DOCX styles, HTML h1–h6)
	Table *Table // for BlockTable
	// Wrapped says the reader knows from the page geometry that Lines are
	// one paragraph wrapped by the layout (each line full to the column's
	// edge, the next at the usual line pitch and not indented): normalize/
	// joins all its lines, and never joins it to the block before or after.
	// Without it, normalize/ decides from the text alone.
	Wrapped bool
	// Continues, on a page's first block, says the paragraph is the one the
	// previous page's last line left unfinished (that line full to the edge,
	// this one not indented): the page break fell mid-paragraph.
	Continues bool
}

// Line is one visual line of text.
type Line struct {
	Text string
	// Box is the line's bounding box in page units (PDF points, origin top-left),
	// zero when the format has no geometry.
	Box Rect
	// FontSize in points, zero when unknown. Used for heading detection.
	FontSize float64
	Bold     bool
}

// Rect is an axis-aligned box with Y growing downwards.
type Rect struct{ X0, Y0, X1, Y1 float64 }

// Table is a grid. Cells holds one entry per anchor cell, in row-major order;
// a merged cell appears once, at its top-left position, with RowSpan/ColSpan.
type Table struct {
	Rows, Cols int
	Cells      []Cell
	// Caption is text immediately before the table that names it, if the reader saw one.
	Caption string
}

// Cell is one (possibly merged) table cell.
type Cell struct {
	Row, Col         int // 0-based anchor position
	RowSpan, ColSpan int // ≥ 1
	Text             string
}

// Grid expands the table into a dense Rows×Cols matrix in which every
// position covered by a merged cell holds that cell's text. This is the view
// the 自评表 extraction uses: merged 一级/二级 labels are carried down.
func (t *Table) Grid() [][]string {
	g := make([][]string, t.Rows)
	for i := range g {
		g[i] = make([]string, t.Cols)
	}
	for _, c := range t.Cells {
		rs, cs := max(c.RowSpan, 1), max(c.ColSpan, 1)
		for r := c.Row; r < c.Row+rs && r < t.Rows; r++ {
			for k := c.Col; k < c.Col+cs && k < t.Cols; k++ {
				g[r][k] = c.Text
			}
		}
	}
	return g
}

// Anchors returns, for every grid position, the index in Cells of the cell
// covering it (-1 where none does); a merged cell covers its whole span.
func (t *Table) Anchors() [][]int {
	a := make([][]int, t.Rows)
	for i := range a {
		a[i] = make([]int, t.Cols)
		for k := range a[i] {
			a[i][k] = -1
		}
	}
	for ci, c := range t.Cells {
		rs, cs := max(c.RowSpan, 1), max(c.ColSpan, 1)
		for r := max(c.Row, 0); r < c.Row+rs && r < t.Rows; r++ {
			for k := max(c.Col, 0); k < c.Col+cs && k < t.Cols; k++ {
				a[r][k] = ci
			}
		}
	}
	return a
}

// Link is a hyperlink: its visible text and its target, as written.
type Link struct {
	Text, Href string
}

// Text returns the block's lines joined by newlines, or for a table its rows
// with cells separated by " | ". It is the plain view used for hashing and debugging.
func (b Block) Text() string {
	if b.Kind == BlockTable && b.Table != nil {
		var s []byte
		for i, row := range b.Table.Grid() {
			if i > 0 {
				s = append(s, '\n')
			}
			for j, c := range row {
				if j > 0 {
					s = append(s, " | "...)
				}
				s = append(s, c...)
			}
		}
		return string(s)
	}
	var s []byte
	for i, l := range b.Lines {
		if i > 0 {
			s = append(s, '\n')
		}
		s = append(s, l.Text...)
	}
	return string(s)
}

// The kinds of unreadable input, sentinels for errors.Is on an
// *UnreadableError (as fs.ErrNotExist is for *fs.PathError). A quarantine
// summary counts documents by kind and format.
var (
	ErrEmpty       = errors.New("empty")        // no bytes, no pages, no text
	ErrDamaged     = errors.New("damaged")      // truncated, corrupt, or not the format its bytes claim
	ErrEncrypted   = errors.New("encrypted")    // a password zipin does not have
	ErrUnsupported = errors.New("unsupported")  // a format or feature zipin has no reader for
	ErrTooLarge    = errors.New("too large")    // over a limit (zip bombs, rows, cells, sheets)
	ErrTimeout     = errors.New("out of time")  // the per-document time budget ran out
	ErrToolMissing = errors.New("tool missing") // needs a program this machine lacks (qpdf, LibreOffice, tesseract)
)

var kinds = []error{ErrEmpty, ErrDamaged, ErrEncrypted, ErrUnsupported, ErrTooLarge, ErrTimeout, ErrToolMissing}

// UnreadableError is the error a reader returns for input that cannot be
// extracted. The pipeline quarantines the document and goes on; any other
// error is treated as a failure of zipin itself. Like *fs.PathError and
// *csv.ParseError it says where (Format, Page) and what (Kind, Err); unlike
// them it does not name the file: the caller adds the path, once.
type UnreadableError struct {
	Format Format // the detected format; "" when not known
	Page   int    // 1-based page the failure is on; 0 for the whole document
	Kind   error  // one of the Err* kinds above; nil when unclassified
	Err    error  // the cause in words
}

// Unreadable is the former name of UnreadableError.
type Unreadable = UnreadableError

// Error reads "PDF damaged: page 3: content stream …": format and kind first,
// so reasons of one kind share their text up to the first ": ".
func (e *UnreadableError) Error() string {
	head := strings.ToUpper(string(e.Format))
	if e.Kind != nil {
		head = strings.TrimSpace(head + " " + e.Kind.Error())
	}
	msg := ""
	if e.Err != nil {
		msg = e.Err.Error()
	}
	if e.Page > 0 {
		msg = fmt.Sprintf("page %d: %s", e.Page, msg)
	}
	if head == "" {
		return msg
	}
	return head + ": " + msg
}

// Unwrap gives both the kind and the cause to errors.Is and errors.As.
func (e *UnreadableError) Unwrap() []error {
	var errs []error
	for _, err := range []error{e.Kind, e.Err} {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// Unreadablef builds an unclassified *UnreadableError with a formatted cause.
func Unreadablef(format string, args ...any) error {
	return &UnreadableError{Err: fmt.Errorf(format, args...)}
}

// Fail builds an *UnreadableError of a kind, for a format and page (0 for
// the whole document), with a formatted cause (%w wraps).
func Fail(kind error, f Format, page int, format string, args ...any) error {
	return &UnreadableError{Format: f, Page: page, Kind: kind, Err: fmt.Errorf(format, args...)}
}

// ReasonKind is the part of a quarantine reason that names its kind ("PDF
// damaged"), for counting reasons by kind once they are text (a worker
// process sends them as text); a reason of no known kind is its own group.
func ReasonKind(reason string) string {
	head, _, ok := strings.Cut(reason, ": ")
	if !ok {
		return reason
	}
	for _, k := range kinds {
		if head == k.Error() || strings.HasSuffix(head, " "+k.Error()) {
			return head
		}
	}
	return reason
}
