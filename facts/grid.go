package facts

import (
	"regexp"
	"strings"

	"zipin/lexicon"
	"zipin/normalize"
	"zipin/quantity"
)

// gridCell is one cell of a table, with its span in the page text.
type gridCell struct {
	start, end int // rune offsets in Page.Text
	text       string
}

// grid is a table as rows of cells: from the readers' Page.Tables where the
// format has them (DOCX, XLSX, HTML, PDF rulings), else from the text's
// pipe-rendered rows ("a | b | c").
type grid struct {
	start int
	rows  [][]gridCell
}

// pageGrids returns the page's tables as grids: every Page.Tables grid, then
// the runs of pipe rows in the text outside them.
func pageGrids(p *normalize.Page) []grid {
	var out []grid
	for _, t := range p.Tables {
		g := grid{start: t.Start}
		for r := range t.Cells {
			var row []gridCell
			for c, sp := range t.Cells[r] {
				row = append(row, gridCell{sp.Start, sp.End, strings.TrimSpace(t.Grid[r][c])})
			}
			g.rows = append(g.rows, row)
		}
		out = append(out, g)
	}
	r := p.Runes()
	var cur *grid
	for _, ln := range splitLines(r) {
		if p.InTable(ln.start) != nil || !strings.Contains(string(r[ln.start:ln.end]), "|") {
			if cur != nil {
				out = append(out, *cur)
				cur = nil
			}
			continue
		}
		if cur == nil {
			cur = &grid{start: ln.start}
		}
		var row []gridCell
		for _, c := range splitPipeRow(r, ln.start, ln.end) {
			row = append(row, gridCell{c.start, c.end, c.text})
		}
		cur.rows = append(cur.rows, row)
	}
	if cur != nil {
		out = append(out, *cur)
	}
	return out
}

// column is what a header cell makes of the bare numbers under it.
type column struct {
	header string
	metric Metric        // the metric its phrase names, or ""
	label  string        // that phrase
	kind   quantity.Kind // money, percent, score; "" when the header types nothing
	unit   string        // the unit the header declares (万元), if any
}

// blockLabels name a form's funding block (项目资金（万元）), never one of its
// columns, though in prose the same words label an amount.
var blockLabels = map[string]bool{"项目资金": true}

// scoreColumns head the weight and score columns of a form: their numbers
// are scores, never amounts, whatever unit the table declares elsewhere.
var scoreColumns = []string{"分值", "权重", "得分", "分数", "评分"}

// headerDecor is what a header cell adds around its name: a unit or a
// column letter in brackets, (万元), (A), （%）.
var headerDecor = regexp.MustCompile(`[（(][^（()）]{0,8}[)）]`)

// columnOf types a header cell.
func columnOf(h string) column {
	c := column{header: h}
	if m := unitHeader.FindStringSubmatch(h); m != nil {
		c.unit = m[1] + m[2]
	}
	name := headerDecor.ReplaceAllString(h, "")
	if m, ph := metricOfHeader(name, lexicon.Money); m != "" && !blockLabels[ph] {
		c.metric, c.label, c.kind = m, ph, lexicon.Money
	}
	if m, ph := metricOfHeader(name, lexicon.Percent); m != "" && len(ph) >= len(c.label) {
		c.metric, c.label, c.kind = m, ph, lexicon.Percent
	}
	for _, s := range scoreColumns {
		if strings.HasSuffix(name, s) && c.kind != lexicon.Percent {
			c.metric, c.label, c.kind = "", "", lexicon.Score
		}
	}
	if c.kind == "" && c.unit != "" {
		if cu, ok := contextUnits[c.unit]; ok {
			c.kind = cu.kind
		}
	}
	return c
}

// known reports whether a header cell, once its decoration is dropped, is
// wholly a column name: a metric phrase or a score column. Fragments of a
// flattened form are joined until they are known (年初 + 预算数).
func (c column) known() bool {
	name := headerDecor.ReplaceAllString(c.header, "")
	name = strings.TrimSpace(strings.TrimSuffix(name, "%"))
	if c.label != "" && (name == c.label || affixedHeader(name, c.label)) {
		return true
	}
	for _, s := range scoreColumns {
		if name == s {
			return true
		}
	}
	return false
}

// maxBareRate bounds a rate written without its % in a rate column: a
// larger number there is a misplaced amount, not a rate.
const maxBareRate = 200

// bareCell is a cell that holds one number and nothing else, or a percent.
// Full-width text writes the sign ％ and may group thousands with ，: a cell
// is one number, so 1，200，000 there (groups of exactly three) is grouped.
var bareCell = regexp.MustCompile(`^(?:[0-9][0-9,]*|[0-9]{1,3}(?:，[0-9]{3})+)(?:\.[0-9]+)?[%％]?$`)

// percentCell reports whether a cell's number carries a percent sign.
func percentCell(t string) bool { return strings.HasSuffix(t, "%") || strings.HasSuffix(t, "％") }

// percentSign is the percent sign as the cell writes it.
func percentSign(t string) string {
	if strings.HasSuffix(t, "％") {
		return "％"
	}
	return "%"
}

// partRows label the rows of a funding table that hold a part of the total
// (其中：中央资金): their figures never outvote the total's.
var partRows = []string{"其中", "中央", "省级", "自治区", "市级", "盟市", "县级", "旗县", "区级", "本级", "上级", "其他资金", "结转", "财政资金", "自筹"}

func isPartRow(label string) bool {
	for _, p := range partRows {
		if strings.HasPrefix(label, p) || p == "财政资金" && strings.Contains(label, p) {
			return true
		}
	}
	return false
}

// cellFacts reads the grids of a page: facts inside a data row take the
// metric their column's header names and the row's label, and a bare
// number in a cell whose column declares a kind becomes a fact of that kind
// (a money column only with a unit, from the header or the table). It
// returns the new facts; the facts passed in are updated in place.
func cellFacts(p *normalize.Page, headers []declared, facts []Fact) []Fact {
	var out []Fact
	for _, g := range pageGrids(p) {
		var cols []column
		part := false
		for _, row := range g.rows {
			if isHeaderCells(row) {
				cols = cols[:0]
				for _, c := range row {
					cols = append(cols, columnOf(c.text))
				}
				part = false
				continue
			}
			if cols == nil || len(row) != len(cols) {
				continue
			}
			label := rowLabelOf(row)
			if isPartRow(label) {
				part = true
			}
			tableUnit := declaredUnit(headers, row[0].start)
			for ci, cell := range row {
				if ci > 0 && cell.start == row[ci-1].start && cell.end == row[ci-1].end {
					continue // a merged cell, read once
				}
				f, isNew := cellFact(p, facts, cell, cols[ci], tableUnit)
				if f == nil {
					continue
				}
				f.row, f.cell, f.part = label, true, part && !isTotalRow(label)
				if isNew {
					out = append(out, *f)
				}
			}
		}
	}
	return out
}

// rowLabelOf is the last cell before the first number in the row.
func rowLabelOf(row []gridCell) string {
	label := ""
	for _, c := range row {
		if strings.ContainsAny(c.text, "0123456789") {
			break
		}
		if c.text != "" {
			label = c.text
		}
	}
	return label
}

// isHeaderCells: at least two cells, none with a digit (a 预算执行情况(10分)
// cell is a row label, and its row is no header), two naming a column: a
// metric, a unit, a score or a count.
func isHeaderCells(row []gridCell) bool {
	if len(row) < 2 {
		return false
	}
	named := 0
	for _, c := range row {
		if strings.ContainsAny(c.text, "0123456789") {
			return false
		}
		if col := columnOf(c.text); col.metric != "" || col.kind != "" || countHeader(c.text) {
			named++
		}
	}
	return named >= 2
}

// cellFact returns the fact for a cell: an existing fact inside it, given
// the column's metric where its own words named none, or a new fact for a
// bare number the column types (isNew), or nil.
func cellFact(p *normalize.Page, facts []Fact, cell gridCell, col column, tableUnit string) (f *Fact, isNew bool) {
	for k := range facts {
		f := &facts[k]
		if f.Page == p.Number && f.Start >= cell.start && f.End <= cell.end {
			if f.ctx && col.kind != f.Kind && (col.kind != "" || countHeader(col.header)) {
				retype(f, col)
			}
			// The column names the cell's number unless the cell's own
			// words do: a label the metric phrase found outside the cell
			// (in flattened text, the last header before the values) yields.
			own := f.label != "" && strings.Contains(p.Slice(cell.start, cell.end), f.label)
			if col.metric != "" && kindFits(col, f.Kind) && (f.Metric == "" || !own && f.ctx) {
				f.Metric, f.label = col.metric, col.label
			}
			return f, false
		}
	}
	t := strings.TrimSpace(cell.text)
	if col.kind == "" && countHeader(col.header) {
		col.kind = lexicon.Count
	}
	if !bareCell.MatchString(t) || col.kind == "" {
		return nil, false
	}
	raw := p.Slice(cell.start, cell.end)
	off := strings.Index(raw, t)
	if off < 0 {
		return nil, false
	}
	s := cell.start + len([]rune(raw[:off]))
	e := s + len([]rune(t))
	f = &Fact{Page: p.Number, Start: s, End: e, Text: t, Section: p.SectionAt(s)}
	num := strings.TrimSuffix(strings.TrimSuffix(t, "%"), "％")
	v, ok := quantity.ParseNumber(num)
	if !ok || v == 0 {
		return nil, false
	}
	switch {
	case percentCell(t) || col.kind == lexicon.Percent:
		// A 86% cell is a rate whatever unit the table declares.
		if col.kind != lexicon.Percent && col.kind != lexicon.Money {
			return nil, false
		}
		f.Value, f.Unit, f.UnitText, f.Kind = v, "%", percentSign(t), lexicon.Percent
		if col.kind == lexicon.Percent {
			f.Metric, f.label = col.metric, col.label
		}
		if v > 1000 || !percentCell(t) && v > maxBareRate {
			return nil, false
		}
	case col.kind == lexicon.Money:
		unit := col.unit
		if unit == "" {
			unit = tableUnit
		}
		cu, ok := contextUnits[unit]
		if !ok || cu.kind != lexicon.Money {
			return nil, false // a money column with no unit stated: the amount is unknown
		}
		f.Value, f.Unit, f.UnitText, f.Kind = quantity.Scale(num, cu.factor), cu.unit, unit, lexicon.Money
		f.Money = amount(num, cu.factor, lexicon.Money)
		f.Metric, f.label = col.metric, col.label
	case col.kind == lexicon.Count:
		if strings.Contains(num, ".") {
			return nil, false
		}
		f.Value, f.Unit, f.Kind = v, countUnit(col.header), lexicon.Count
	case col.kind == lexicon.Score:
		if v > 100 {
			return nil, false
		}
		f.Value, f.Unit, f.Kind = v, "分", lexicon.Score
	default:
		cu, ok := contextUnits[col.unit]
		if !ok {
			return nil, false
		}
		f.Value, f.Unit, f.UnitText, f.Kind = quantity.Scale(num, cu.factor), cu.unit, col.unit, cu.kind
		f.Money = amount(num, cu.factor, cu.kind)
	}
	return f, true
}

func kindFits(c column, kind quantity.Kind) bool {
	return c.kind == kind || c.kind == "" && kind == lexicon.Money
}

// countWords in a header make its column a count, whatever money unit the
// table declares elsewhere: a （元） header applies to money columns only.
var countWords = []string{"人次", "人数", "户数", "次数", "个数", "件数", "项数", "户", "次", "个", "项"}

func countHeader(h string) bool { return countUnit(h) != "" }

// countUnit is the measure word a count column's header ends with: 人次 for
// 培训人次, 户 for 户数.
func countUnit(h string) string {
	h = headerDecor.ReplaceAllString(h, "")
	for _, w := range countWords {
		if strings.HasSuffix(h, w) {
			return strings.TrimSuffix(w, "数")
		}
	}
	return ""
}

// retype corrects a bare number that a declared unit typed, from its
// column's header: a score under 分值/得分, a rate under 执行率, and no
// amount at all under a count column.
func retype(f *Fact, col column) {
	v, ok := quantity.ParseNumber(strings.TrimSuffix(f.Text, "%"))
	if !ok {
		f.drop = true
		return
	}
	switch col.kind {
	case lexicon.Score:
		f.Value, f.Unit, f.UnitText, f.Kind, f.Metric, f.label = v, "分", "", lexicon.Score, "", ""
		f.drop = v > 100
	case lexicon.Percent:
		f.Value, f.Unit, f.UnitText, f.Kind, f.Metric, f.label = v, "%", "", lexicon.Percent, col.metric, col.label
	default:
		if u := countUnit(col.header); u != "" {
			f.Value, f.Unit, f.UnitText, f.Kind, f.Metric, f.label = v, u, "", lexicon.Count, "", ""
			return
		}
		f.drop = true
	}
}
