package selfeval

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"zipin/normalize"
)

// gridMode is the part of the form the reader is in.
type gridMode int

const (
	modeNone gridMode = iota
	modeFunding
	modeGoal
	modeIndicators
)

// gridReader walks a document's tables row by row. A form may span several
// tables (one per PDF page), so the state carries over between tables of the
// same shape.
type gridReader struct {
	out     []*project
	cur     *project
	mode    gridMode
	fundIdx map[fundCol]int
	indIdx  map[indCol]int
	goalIdx [2]int
	width   int // columns of the last table, to tell a continuation from a new table
}

// fromGrids reads the 自评表 from the tables the readers found.
func fromGrids(nd *normalize.Doc) []*project {
	g := &gridReader{}
	for pi := range nd.Pages {
		p := &nd.Pages[pi]
		for ti := range p.Tables {
			g.table(p, &p.Tables[ti])
		}
	}
	g.flush()
	return g.out
}

func (g *gridReader) flush() {
	if g.cur != nil && g.cur.hasData() {
		g.out = append(g.out, g.cur)
	}
	g.cur = nil
}

func (g *gridReader) project(p *normalize.Page, t *normalize.Table) *project {
	if g.cur == nil {
		g.cur = newProject(p.Number, t.Start)
	}
	return g.cur
}

// cell is one distinct cell of a grid row: merged cells, which the grid
// repeats at every position they cover, appear once, at their first column.
type cell struct {
	col  int
	text string
}

func distinct(t *normalize.Table, r int) []cell {
	row := t.Grid[r]
	var out []cell
	for c, s := range row {
		if c > 0 {
			same := row[c-1] == s
			if r < len(t.Cells) && c < len(t.Cells[r]) {
				same = t.Cells[r][c] == t.Cells[r][c-1] && s == row[c-1]
			}
			if same {
				continue
			}
		}
		out = append(out, cell{c, strings.TrimSpace(s)})
	}
	return out
}

func (g *gridReader) table(p *normalize.Page, t *normalize.Table) {
	width := 0
	if len(t.Grid) > 0 {
		width = len(t.Grid[0])
	}
	if width != g.width {
		g.mode = modeNone // a table of another shape is not this form's continuation
	}
	g.width = width
	for r := range t.Grid {
		g.row(p, t, r)
	}
}

// parens are a label's qualifiers: （万元）, (A), （B/A×100%）, （盖章）.
var parens = regexp.MustCompile(`[（(][^（）()]*[)）]`)

// isLabel: a short cell that is a form label, not content that happens to
// contain the phrase.
func isLabel(s string, table map[int][]string) int {
	c := cleanLabel(s)
	bare := c
	if strings.ContainsAny(c, "(（") {
		bare = parens.ReplaceAllString(c, "")
	}
	if utf8.RuneCountInString(bare) > 14 {
		return -1
	}
	return matchCell(c, table)
}

func (g *gridReader) row(p *normalize.Page, t *normalize.Table, r int) {
	cells := distinct(t, r)
	row := t.Grid[r]

	// Project labels: 项目名称 | value, 主管部门 | value | 实施单位 | value.
	found := false
	for i, c := range cells {
		f := isLabel(c.text, projFieldTable)
		if f < 0 || i+1 >= len(cells) {
			continue
		}
		v := cells[i+1].text
		if isLabel(v, projFieldTable) >= 0 || isLabel(v, fundColTable) >= 0 || isLabel(v, indColTable) >= 0 {
			continue // a header row that names a 项目名称 column, not a form's label
		}
		if projField(f) == fieldProject && g.cur != nil && (g.cur.hasData() || g.cur.field[fieldProject] != "") {
			g.flush()
		}
		g.project(p, t).setField(projField(f), v)
		found = true
	}
	if found {
		g.mode = modeNone
		return
	}

	// Header rows.
	fund := map[fundCol]int{}
	ind := map[indCol]int{}
	for _, c := range cells {
		if k := isLabel(c.text, fundColTable); k >= 0 {
			if _, ok := fund[fundCol(k)]; !ok {
				fund[fundCol(k)] = c.col
			}
		}
		if k := isLabel(c.text, indColTable); k >= 0 {
			if _, ok := ind[indCol(k)]; !ok {
				ind[indCol(k)] = c.col
			}
		}
	}
	_, hasName := ind[icName]
	_, hasL1 := ind[icLevel1]
	if len(ind) >= 4 && (hasName || hasL1) {
		g.indIdx, g.mode = ind, modeIndicators
		g.project(p, t)
		return
	}
	_, hasB := fund[colBudget]
	_, hasE := fund[colExecuted]
	if len(fund) >= 3 && (hasB || hasE) {
		if g.cur != nil && len(g.cur.rows) > 0 {
			g.flush() // a second funding block without its own 项目名称: a new form
		}
		g.fundIdx, g.mode = fund, modeFunding
		g.project(p, t)
		g.unitFrom(row)
		return
	}
	if gi, ok := goalHeader(cells); ok {
		g.goalIdx, g.mode = gi, modeGoal
		return
	}

	switch g.mode {
	case modeFunding:
		g.fundingRow(p, t, row)
	case modeGoal:
		tg, ac := strings.TrimSpace(row[g.goalIdx[0]]), strings.TrimSpace(row[g.goalIdx[1]])
		if tg != "" && tg != ac {
			in := goalIndicator(tg, ac)
			g.project(p, t).inds = append(g.project(p, t).inds, in)
		}
		g.mode = modeNone
	case modeIndicators:
		g.indicatorRow(p, t, cells, row)
	}
}

func (g *gridReader) unitFrom(row []string) {
	for _, s := range row {
		if m := unitRe.FindStringSubmatch(s); m != nil {
			g.cur.unit = map[string]float64{"万元": 10000, "元": 1}[m[1]]
			return
		}
	}
}

func (g *gridReader) fundingRow(p *normalize.Page, t *normalize.Table, row []string) {
	first := len(row)
	for _, i := range g.fundIdx {
		first = min(first, i)
	}
	label := -1
	for c := 0; c < first && c < len(row); c++ {
		if k := matchCell(row[c], fundRowTable); k >= 0 {
			label = k
		}
		for _, tc := range fundTotalCells {
			if cleanLabel(row[c]) == tc {
				label = int(rowTotal)
			}
		}
	}
	if label < 0 {
		g.mode = modeNone
		return
	}
	pr := g.project(p, t)
	if pr.unit == 0 {
		g.unitFrom(row[:first])
	}
	var v fundVals
	for c, i := range g.fundIdx {
		if i < len(row) {
			if n, ok := parseNum(row[i]); ok {
				v[c] = &n
			}
		}
	}
	pr.setRow(fundRow(label), v, nil)
}

// goalHeader finds the 预期目标 / 实际完成情况 header of the goal block.
func goalHeader(cells []cell) ([2]int, bool) {
	gi := [2]int{-1, -1}
	for _, c := range cells {
		switch cleanLabel(c.text) {
		case "预期目标", "年度目标", "总体目标", "项目年度目标":
			gi[0] = c.col
		case "实际完成情况", "全年实际完成情况", "年度目标完成情况", "实际完成":
			gi[1] = c.col
		}
	}
	return gi, gi[0] >= 0 && gi[1] >= 0
}

func (g *gridReader) indicatorRow(p *normalize.Page, t *normalize.Table, cells []cell, row []string) {
	pr := g.project(p, t)
	wcol, hasW := g.indIdx[icWeight]
	for i, c := range cells {
		if hasW && c.col >= wcol {
			break
		}
		lbl := cleanLabel(c.text)
		for _, tp := range totalRowPhrases {
			if lbl == tp {
				g.totalRow(pr, cells[i+1:])
				g.mode = modeNone
				return
			}
		}
	}
	ir := indRow{}
	for k, i := range g.indIdx {
		if i < len(row) {
			ir[k] = row[i]
		}
	}
	if in, ok := indicator(ir); ok {
		pr.inds = append(pr.inds, in)
	}
}

// totalRow reads 总分's 分值 and 得分: the numeric cells after the label, in
// order. Templates misalign this row (a label spanning one column too few),
// so position only decides when a single number is written.
func (g *gridReader) totalRow(pr *project, cells []cell) {
	var nums []cell
	for _, c := range cells {
		if isPlaceholder(c.text) {
			continue
		}
		if _, ok := parseNum(c.text); ok {
			nums = append(nums, c)
		}
	}
	switch len(nums) {
	case 1:
		n, _ := parseNum(nums[0].text)
		switch nums[0].col {
		case g.indIdx[icWeight]:
			pr.total.weight = &n
		case g.indIdx[icScore]:
			pr.total.score = &n
		default:
			pr.warnf("总分 row holds one number %s under neither 分值 nor 得分; left NULL", n.text)
		}
	case 2:
		w, s, amb := solveTotal([]string{nums[0].text, nums[1].text}, false)
		pr.total.weight, pr.total.score = w, s
		if amb || w == nil {
			pr.warnf("总分 row %s | %s does not read as 分值 | 得分; left NULL", nums[0].text, nums[1].text)
		}
	}
}

// goalIndicator records the 年度总体目标 as an indicator row, so that the
// goal and what was achieved can be queried with the rest.
func goalIndicator(target, actual string) Indicator {
	in := Indicator{Name: "年度总体目标"}
	l := "年度总体目标"
	in.Level1 = &l
	if target != "" {
		in.TargetText = &target
	}
	if actual != "" && !isPlaceholder(actual) {
		in.ActualText = &actual
	}
	return in
}
