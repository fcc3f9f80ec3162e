// Package docx reads Word 2007+ documents (.docx, and the .docx that WPS and
// LibreOffice write) into the document model of extract/doc.
//
// github.com/nguyenthenguyen/docx was considered for opening the package: it
// is a template find-and-replace library that hands back the raw
// word/document.xml, but it inflates every part (headers, footers, media)
// with unbounded reads and does not expose styles.xml or numbering.xml. A
// zip bomb would exhaust memory inside it before any check of ours ran, so
// the package is opened with archive/zip behind the limits of package opc,
// and the XML is walked here with encoding/xml.
package docx

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"zipin/extract/doc"
	"zipin/extract/docx/opc"
	"zipin/extract/docx/tables"
)

// Read extracts the body of a DOCX: paragraphs (runs joined, list markers
// rendered), headings with their levels, tables with merged cells, and
// text boxes. Headers, footers, comments and deleted revisions are left out.
// The document is one page unless it has explicit page or section breaks.
func Read(ctx context.Context, name string, data []byte) (*doc.Document, error) {
	return ReadLimits(ctx, name, data, opc.DefaultLimits)
}

// ReadLimits is Read with explicit package limits.
func ReadLimits(ctx context.Context, name string, data []byte, lim opc.Limits) (*doc.Document, error) {
	pkg, err := opc.Open("DOCX", data, lim)
	if err != nil {
		return nil, err
	}
	main, err := mainPart(pkg)
	if err != nil {
		return nil, err
	}
	body, err := pkg.Read(main)
	if err != nil {
		if errors.Is(err, opc.ErrMissing) {
			return nil, doc.Fail(doc.ErrDamaged, doc.FormatDOCX, 0, "the package has no main document part (%s missing)", main)
		}
		return nil, err
	}
	d := &doc.Document{Format: doc.FormatDOCX}
	root, err := parseTree(body)
	if err != nil {
		if root == nil {
			return nil, doc.Fail(doc.ErrDamaged, doc.FormatDOCX, 0, "%s: %v", main, err)
		}
		d.Warnings = append(d.Warnings, main+": "+err.Error())
	}
	r := &reader{ctx: ctx, styles: parseStyles(optionalTree(pkg, main, "styles", d)), num: parseNumbering(optionalTree(pkg, main, "numbering", d))}
	bodyNode := root.path("document", "body")
	if bodyNode == nil {
		return nil, doc.Fail(doc.ErrDamaged, doc.FormatDOCX, 0, "%s has no w:body element", main)
	}
	r.blocks(bodyNode)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r.newPage()
	// A break at the very end leaves an empty last page that no renderer shows.
	for len(r.pages) > 1 && len(r.pages[len(r.pages)-1].Blocks) == 0 {
		r.pages = r.pages[:len(r.pages)-1]
	}
	empty := true
	for i := range r.pages {
		r.pages[i].Number = i + 1
		r.pages[i].Method = "docx"
		r.pages[i].Quality = 1
		if len(r.pages[i].Blocks) > 0 {
			empty = false
		}
	}
	if empty {
		return nil, doc.Fail(doc.ErrEmpty, doc.FormatDOCX, 0, "the document body holds no text")
	}
	d.Pages = r.pages
	d.Title = coreTitle(pkg)
	d.Warnings = append(d.Warnings, r.warnings...)
	return d, nil
}

// mainPart finds the main document through the package relationships, as
// producers may name it otherwise (document2.xml); word/document.xml is the
// fallback.
func mainPart(pkg *opc.Package) (string, error) {
	rels, err := relationships(pkg, "_rels/.rels")
	if err != nil {
		return "", err
	}
	for _, r := range rels {
		if strings.HasSuffix(r.Type, "/officeDocument") {
			if t := strings.ToLower(strings.TrimPrefix(r.Target, "/")); pkg.Has(t) {
				return t, nil
			}
		}
	}
	return "word/document.xml", nil
}

// relationship is one entry of a package's .rels part.
type relationship struct {
	Type   string `xml:"Type,attr"`
	Target string `xml:"Target,attr"`
}

// relationships reads a .rels part. A missing or unparsable one has no
// relationships; only an error reading the package is returned.
func relationships(pkg *opc.Package, part string) ([]relationship, error) {
	b, err := pkg.Read(part)
	if errors.Is(err, opc.ErrMissing) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var x struct {
		Rels []relationship `xml:"Relationship"`
	}
	if opc.Unmarshal(b, &x) != nil {
		return nil, nil
	}
	return x.Rels, nil
}

// optionalTree reads a part related to the main document by type suffix
// ("styles", "numbering"); a missing or broken one only costs formatting.
func optionalTree(pkg *opc.Package, main, typ string, d *doc.Document) *node {
	part := ""
	rels, _ := relationships(pkg, relsName(main)) // a read error surfaces below, reading the part
	for _, r := range rels {
		if strings.HasSuffix(r.Type, "/"+typ) {
			part = resolve(main, r.Target)
		}
	}
	if part == "" || !pkg.Has(part) {
		part = "word/" + typ + ".xml"
	}
	b, err := pkg.Read(part)
	if err != nil {
		if !errors.Is(err, opc.ErrMissing) {
			d.Warnings = append(d.Warnings, err.Error())
		}
		return nil
	}
	n, err := parseTree(b)
	if err != nil {
		d.Warnings = append(d.Warnings, part+": "+err.Error())
	}
	return n
}

func relsName(part string) string {
	i := strings.LastIndex(part, "/")
	return part[:i+1] + "_rels/" + part[i+1:] + ".rels"
}

func resolve(from, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.ToLower(strings.TrimPrefix(target, "/"))
	}
	dir := from[:strings.LastIndex(from, "/")+1]
	for strings.HasPrefix(target, "../") {
		target = target[3:]
		dir = dir[:strings.LastIndex(strings.TrimSuffix(dir, "/"), "/")+1]
	}
	return strings.ToLower(dir + target)
}

func coreTitle(pkg *opc.Package) string {
	b, err := pkg.Read("docProps/core.xml")
	if err != nil {
		return ""
	}
	var x struct {
		Title string `xml:"title"`
	}
	if opc.Unmarshal(b, &x) != nil {
		return ""
	}
	return strings.TrimSpace(x.Title)
}

// reader walks the body, filling pages.
type reader struct {
	ctx      context.Context
	styles   *styles
	num      *numbering
	pages    []doc.Page
	cur      []doc.Block
	warnings []string
	depth    int // table nesting, bounded against crafted input
}

func (r *reader) newPage() {
	r.pages = append(r.pages, doc.Page{Blocks: r.cur})
	r.cur = nil
}

// containers are elements whose children are block content, transparently.
// mc:AlternateContent is looked through to its mc:Choice: the Fallback
// twin was dropped when the tree was built.
var containers = map[string]bool{"customXml": true, "ins": true, "moveTo": true, "smartTag": true, "body": true, "txbxContent": true, "AlternateContent": true, "Choice": true}

// blocks walks block-level content: paragraphs, tables, content controls.
func (r *reader) blocks(n *node) {
	for _, k := range n.kids {
		if r.ctx.Err() != nil {
			return
		}
		switch {
		case k.name == "p":
			r.paragraph(k)
		case k.name == "tbl":
			r.table(k)
		case k.name == "sdt":
			r.blocks(k.child("sdtContent"))
		case containers[k.name]:
			r.blocks(k)
		}
	}
}

// para is a paragraph's content: lines split at w:br, parts split at page
// breaks, and the text boxes anchored in it.
type para struct {
	parts [][]string // parts[i] are the lines before the i-th page break
	boxes []*node
}

func (p *para) write(s string) {
	if len(p.parts) == 0 {
		p.parts = [][]string{{""}}
	}
	part := p.parts[len(p.parts)-1]
	part[len(part)-1] += s
}

func (p *para) newLine() {
	p.write("")
	part := &p.parts[len(p.parts)-1]
	*part = append(*part, "")
}

func (p *para) pageBreak() {
	p.write("")
	p.parts = append(p.parts, []string{""})
}

// inline are elements whose children are runs, transparently.
var inline = map[string]bool{"hyperlink": true, "ins": true, "moveTo": true, "smartTag": true, "fldSimple": true, "customXml": true, "dir": true, "bdo": true, "sdtContent": true, "rubyBase": true, "AlternateContent": true, "Choice": true}

func (r *reader) inline(p *para, n *node) {
	for _, k := range n.kids {
		switch {
		case k.name == "r":
			r.run(p, k)
		case k.name == "sdt":
			r.inline(p, k.child("sdtContent"))
		case k.name == "ruby":
			r.inline(p, k.child("rubyBase"))
		case inline[k.name]:
			r.inline(p, k)
		}
	}
}

func (r *reader) run(p *para, n *node) {
	// A run set in Wingdings or Wingdings 2 is tick boxes typed as letters
	// (WPS writes 评价等级：R优 £良): its characters map like a w:sym's.
	tick := tickFonts[n.attr("tickFont")]
	for _, k := range n.kids {
		switch k.name {
		case "t":
			if tick != nil {
				var b strings.Builder
				for _, c := range k.text {
					if u, ok := tick[c&^0xF000]; ok && (c < 0x100 || c >= 0xF000 && c <= 0xF0FF) {
						b.WriteRune(u)
					}
				}
				p.write(b.String())
				continue
			}
			p.write(k.text)
		case "tab", "ptab":
			p.write("\t")
		case "br":
			switch k.attr("type") {
			case "page":
				p.pageBreak()
			default:
				p.newLine()
			}
		case "cr":
			p.newLine()
		case "noBreakHyphen":
			p.write("-")
		case "sym":
			p.write(symbol(k.attr("font"), k.attr("char")))
		case "drawing", "pict", "AlternateContent", "object":
			collectBoxes(k, &p.boxes)
		}
	}
}

// symbolFont maps the Symbol-font code points Word inserts for the
// comparison signs of 自评表 targets (≥1200人次) and a few others to Unicode.
var symbolFont = map[rune]rune{0xB3: '≥', 0xA3: '≤', 0xB9: '≠', 0xB1: '±', 0xB4: '×', 0xB8: '÷', 0xB0: '°', 0xD6: '√', 0xBB: '≈', 0x3E: '>', 0x3C: '<', 0x3D: '='}

// tickFonts maps the tick-box glyphs of Wingdings and Wingdings 2 (Word's
// Insert Symbol, and WPS 自评表 templates' 评价等级：☑优 □良 …) to ☑ (ticked:
// a box with a check or a cross, a check mark) and ☐ (empty box), the
// characters the grade rule reads. Code points after Microsoft's
// Wingdings-to-Unicode tables.
var tickFonts = map[string]map[rune]rune{
	"wingdings": {
		0xFE: '☑', 0xFD: '☑', 0x78: '☑', 0xFC: '☑', 0xFB: '☐', // ☑ ☒ ☒ ✓, ✗ (not ticked)
		0xA8: '☐', 0x6F: '☐', 0x71: '☐', 0x72: '☐', // ◻ □ ❑ ❒
	},
	"wingdings 2": {
		0x52: '☑', 0x53: '☑', 0x54: '☑', 0x50: '☑', 0x4F: '☐', // ☑ ☒ ☒ ✓, ✗
		0xA3: '☐', 0x2A: '☐', // □ □
	},
}

// symbol renders a w:sym: in the Symbol font via symbolFont, tick boxes
// in Wingdings via tickFonts, in other fonts as the character itself
// unless it lies in the private-use area (other Wingdings glyphs carry no
// text).
func symbol(font, char string) string {
	v, err := strconv.ParseUint(char, 16, 32)
	if err != nil {
		return ""
	}
	c := rune(v)
	if c >= 0xF000 && c <= 0xF0FF {
		c -= 0xF000
	}
	if m := tickFonts[strings.ToLower(strings.TrimSpace(font))]; m != nil {
		if u, ok := m[c]; ok {
			return string(u)
		}
		return ""
	}
	if strings.EqualFold(font, "Symbol") {
		if u, ok := symbolFont[c]; ok {
			return string(u)
		}
	}
	if rune(v) >= 0xF000 && rune(v) <= 0xF0FF {
		return ""
	}
	if c < 0x20 || (c >= 0xE000 && c <= 0xF8FF) {
		return ""
	}
	return string(c)
}

// collectBoxes finds text box contents inside a drawing.
func collectBoxes(n *node, out *[]*node) {
	for _, k := range n.kids {
		if k.name == "txbxContent" {
			*out = append(*out, k)
			continue
		}
		collectBoxes(k, out)
	}
}

// paraInfo reads a paragraph's heading level and list marker.
func (r *reader) paraInfo(n *node) (level int, marker string) {
	ppr := n.child("pPr")
	sid := ppr.val("pStyle")
	level = r.styles.level(sid)
	if v := ppr.val("outlineLvl"); v != "" {
		if l, err := strconv.Atoi(v); err == nil {
			level = 0
			if l >= 0 && l < 9 {
				level = l + 1
			}
		}
	}
	numID, ilvl := r.styles.numbering(sid)
	if np := ppr.child("numPr"); np != nil {
		if v := np.val("numId"); v != "" {
			numID = v
		}
		if v := np.val("ilvl"); v != "" {
			ilvl, _ = strconv.Atoi(v)
		}
	}
	if numID != "" {
		marker = r.num.marker(numID, ilvl)
	}
	return level, marker
}

func (r *reader) paragraph(n *node) {
	ppr := n.child("pPr")
	if ppr.onOff("pageBreakBefore") && len(r.cur) > 0 {
		r.newPage()
	}
	level, marker := r.paraInfo(n)
	var p para
	r.inline(&p, n)
	for i, lines := range p.parts {
		if i > 0 {
			r.newPage()
		}
		if i == 0 && marker != "" && len(lines) > 0 {
			lines[0] = marker + strings.TrimLeft(lines[0], " \t\u3000")
		}
		r.emit(lines, level)
	}
	for _, b := range p.boxes {
		r.blocks(b)
	}
	// A section break in a paragraph's properties starts a new page unless
	// the section is continuous.
	if sp := ppr.child("sectPr"); sp != nil && sp.val("type") != "continuous" {
		r.newPage()
	}
}

// emit adds a paragraph or heading block with the non-blank lines, trimmed:
// leading full-width spaces are indentation, not content.
func (r *reader) emit(lines []string, level int) {
	var ls []doc.Line
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l != "" {
			ls = append(ls, doc.Line{Text: l})
		}
	}
	if len(ls) == 0 {
		return
	}
	b := doc.Block{Kind: doc.BlockParagraph, Lines: ls}
	if level > 0 {
		b.Kind, b.Level = doc.BlockHeading, level
	}
	r.cur = append(r.cur, b)
}

// cellText renders a cell's (or text box's) block content as text: one
// line per paragraph, nested tables as their rows. Nested tables are also
// returned, to be emitted as blocks of their own after the outer table.
func (r *reader) cellText(n *node, nested *[]doc.Block) string {
	var lines []string
	var walk func(n *node)
	walk = func(n *node) {
		for _, k := range n.kids {
			switch {
			case k.name == "p":
				_, marker := r.paraInfo(k)
				var p para
				r.inline(&p, k)
				first := true
				for _, part := range p.parts {
					for _, l := range part {
						l = strings.TrimSpace(l)
						if first && marker != "" {
							l = marker + l
						}
						first = false
						if l != "" {
							lines = append(lines, l)
						}
					}
				}
				for _, b := range p.boxes {
					walk(b)
				}
			case k.name == "tbl":
				if t, inner := r.buildTable(k); t != nil {
					for _, row := range t.Grid() {
						lines = append(lines, strings.Join(nonEmpty(row), " "))
					}
					*nested = append(*nested, doc.Block{Kind: doc.BlockTable, Table: t})
					*nested = append(*nested, inner...)
				}
			case k.name == "sdt":
				walk(k.child("sdtContent"))
			case containers[k.name]:
				walk(k)
			}
		}
	}
	walk(n)
	return strings.Join(lines, "\n")
}

func nonEmpty(row []string) []string {
	var out []string
	for i, s := range row {
		if s != "" && (i == 0 || row[i-1] != s) { // a merged cell once
			out = append(out, s)
		}
	}
	return out
}

func (r *reader) table(n *node) {
	t, nested := r.buildTable(n)
	if t == nil {
		return
	}
	r.cur = append(r.cur, doc.Block{Kind: doc.BlockTable, Table: t})
	r.cur = append(r.cur, nested...)
}

// maxTableDepth bounds nesting; real reports nest two levels at most.
const maxTableDepth = 8

// buildTable turns a w:tbl into a doc.Table: w:gridSpan widens a cell,
// w:vMerge="restart" opens a vertical merge that following rows' bare
// w:vMerge cells continue, and w:gridBefore skips leading grid columns.
func (r *reader) buildTable(n *node) (*doc.Table, []doc.Block) {
	if r.depth >= maxTableDepth {
		r.warnings = append(r.warnings, "tables nested deeper than 8 levels were skipped")
		return nil, nil
	}
	r.depth++
	defer func() { r.depth-- }()
	var nested []doc.Block
	t := &doc.Table{}
	open := map[int]int{} // grid column → index in t.Cells of the cell a vMerge would continue
	rows := kidsThrough(n, "tr")
	for ri, tr := range rows {
		col := atoiMin(tr.path("trPr", "gridBefore").attr("val"), 0)
		for _, tc := range kidsThrough(tr, "tc") {
			pr := tc.child("tcPr")
			span := max(atoiMin(pr.val("gridSpan"), 1), 1)
			if span > 1000 {
				span = 1000
			}
			if hm := pr.child("hMerge"); hm != nil && hm.attr("val") != "restart" && len(t.Cells) > 0 {
				last := &t.Cells[len(t.Cells)-1]
				if last.Row == ri {
					last.ColSpan += span
					col += span
					continue
				}
			}
			if vm := pr.child("vMerge"); vm != nil && vm.attr("val") != "restart" {
				if i, ok := open[col]; ok {
					c := &t.Cells[i]
					c.RowSpan = ri - c.Row + 1
					col += max(c.ColSpan, span)
					continue
				}
			}
			text := r.cellText(tc, &nested)
			t.Cells = append(t.Cells, doc.Cell{Row: ri, Col: col, RowSpan: 1, ColSpan: span, Text: text})
			open[col] = len(t.Cells) - 1
			col += span
		}
		t.Cols = max(t.Cols, col)
	}
	t.Rows = len(rows)
	if t.Rows == 0 || len(t.Cells) == 0 {
		return nil, nested
	}
	tables.Compact(t)
	return t, nested
}

// kidsThrough lists the children named name, looking through the wrappers
// (content controls, custom XML, tracked insertions) that may enclose rows
// and cells.
func kidsThrough(n *node, name string) []*node {
	var out []*node
	for _, k := range n.kids {
		switch {
		case k.name == name:
			out = append(out, k)
		case k.name == "sdt":
			out = append(out, kidsThrough(k.child("sdtContent"), name)...)
		case k.name == "customXml" || k.name == "ins" || k.name == "moveTo":
			out = append(out, kidsThrough(k, name)...)
		}
	}
	return out
}

func atoiMin(s string, def int) int {
	if s == "" {
		return def
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 {
		return def
	}
	return v
}
