// Package selfeval extracts the 绩效自评表 (the performance self-evaluation
// form) from a normalized document: one `projects` row per form, with its
// funding block and totals, and one `indicators` row per indicator line.
//
// It reads the form from real table grids (PDF, DOCX, XLSX and HTML readers)
// and from text where the grid was flattened (one cell per line, pipe rows,
// space-separated runs, glued cells). From flattened text a figure is
// written only where the numbers admit one reading under the form's column
// order and arithmetic; otherwise it is NULL and a warning says why. See
// docs/selfeval.md.
package selfeval

import (
	"fmt"
	"math"
	"sort"

	"zipin/normalize"
	"zipin/quantity"
)

// Result is what Extract finds in one document.
type Result struct {
	Projects   []Project
	Indicators []Indicator // of every project in order, then the document's own goals
	// Warnings are cross-check findings and ambiguities, each prefixed with
	// the project it concerns ("P2: …"); P0 is the document itself.
	Warnings []string
}

// Project is one 自评表 of a document: its header fields, the 年度资金总额
// row of its funding block and its 总分 row.
type Project struct {
	Seq  int // 1-based, in reading order (page, then position on the page)
	Page int // where the table starts
	// Name (项目名称), Department (主管部门) and Implementer (实施单位) are
	// nil where the form leaves them empty.
	Name, Department, Implementer *string
	// BudgetInitial (年初预算数), Budget (全年预算数) and Executed (全年执行数)
	// are exact, in 分: the cells times the block's unit (万元 unless it
	// states another). Nil where the form states none, where no reading of
	// a flattened row fits, or where the amount is finer than 1 分; a
	// warning says which.
	BudgetInitial, Budget, Executed *quantity.Money
	ExecutionRate                   *float64 // 执行率, in %
	TotalWeight, TotalScore         *float64 // the 总分 row's 分值 and 得分, in 分
	Warnings                        []string
}

// Indicator is one indicator line of a 自评表, or one numbered goal of the
// report's prose (ProjectSeq 0).
type Indicator struct {
	ProjectSeq int // the Project's Seq; 0 for the document's own goals
	Seq        int // 1-based within its project
	// Level1 and Level2 are the 一级/二级指标 labels, nil where blank.
	Level1, Level2 *string
	Name           string
	// TargetText and ActualText are the cells as written; TargetOp the
	// comparator of the target (≥ ≤ > < =). TargetValue and ActualValue are
	// the numbers in Unit as written, not in a base unit (≤1.6万元 is 1.6
	// with Unit 万元; 88.6% is 88.6 with Unit %); nil where the cell states
	// no number.
	TargetText, TargetOp *string
	TargetValue          *float64
	ActualText           *string
	ActualValue          *float64
	Unit                 *string
	Weight, Score        *float64 // 分值 and 得分, in 分
	Note                 *string  // 偏差原因分析及改进措施, or the goal's 目标完成率
}

// project collects one 自评表 while it is read.
type project struct {
	page  int
	pos   int // ordering key within the page (rune offset)
	field [numFields]string
	// unit is how many 元 one money unit of the funding block is (10000 for
	// 万元); 0 until the block states it.
	unit     float64
	cols     []fundCol // the funding header's columns (flattened text)
	rows     map[fundRow]fundVals
	ambig    map[fundRow][]fundCol
	total    struct{ weight, score *num }
	inds     []Indicator
	warnings []string
}

func newProject(page, pos int) *project {
	return &project{page: page, pos: pos, rows: map[fundRow]fundVals{}, ambig: map[fundRow][]fundCol{}}
}

// hasData: the form gave something besides its labels. A funding-like
// header alone (a budget execution table) is not a 自评表.
func (p *project) hasData() bool {
	return len(p.rows) > 0 || len(p.inds) > 0 || p.total.weight != nil || p.total.score != nil
}

func (p *project) warnf(format string, args ...any) {
	p.warnings = append(p.warnings, fmt.Sprintf(format, args...))
}

func (p *project) setField(f projField, v string) {
	if p.field[f] == "" && v != "" {
		p.field[f] = v
	}
}

func (p *project) setRow(r fundRow, v fundVals, amb []fundCol) {
	if _, ok := p.rows[r]; ok {
		return // the first row with this label is the form's; later ones are sub-sub rows
	}
	p.rows[r] = v
	if len(amb) > 0 {
		p.ambig[r] = amb
	}
}

// Extract reads every 自评表 in the document.
func Extract(nd *normalize.Doc) *Result {
	var ps []*project
	ps = append(ps, fromGrids(nd)...)
	ps = append(ps, fromText(nd)...)
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].page != ps[j].page {
			return ps[i].page < ps[j].page
		}
		return ps[i].pos < ps[j].pos
	})
	res := &Result{}
	for i, p := range ps {
		seq := i + 1
		row, inds := p.finish()
		row.Seq = seq
		for k := range inds {
			inds[k].ProjectSeq = seq
			inds[k].Seq = k + 1
		}
		res.Projects = append(res.Projects, row)
		res.Indicators = append(res.Indicators, inds...)
		for _, w := range row.Warnings {
			res.Warnings = append(res.Warnings, fmt.Sprintf("P%d: %s", seq, w))
		}
	}
	goals := narrativeGoals(nd)
	for k := range goals {
		goals[k].ProjectSeq = 0 // the document's own goals, not a form's
		goals[k].Seq = k + 1
	}
	res.Indicators = append(res.Indicators, goals...)
	return res
}

// finish turns the collected form into rows and runs the cross-checks.
func (p *project) finish() (Project, []Indicator) {
	row := Project{Page: p.page}
	for f, ptr := range []**string{&row.Name, &row.Department, &row.Implementer} {
		if p.field[f] != "" {
			*ptr = new(p.field[f])
		}
	}
	fund, from := p.funding()
	unit := p.unit
	if unit == 0 && !fund.empty() {
		unit = 10000
		p.warnf("funding block states no unit; the standard form's 万元 assumed")
	}
	money := func(c fundCol) *quantity.Money {
		if fund[c] == nil {
			return nil
		}
		m, err := quantity.ScaleMoney(fund[c].text, unit)
		if err != nil {
			p.warnf("%s of 年度资金总额 %s: %v; left NULL", c, fund[c].text, err)
			return nil
		}
		return &m
	}
	row.BudgetInitial = money(colInitial)
	row.Budget = money(colBudget)
	row.Executed = money(colExecuted)
	if r := fund[colRate]; r != nil {
		row.ExecutionRate = new(r.v)
	}
	for _, c := range p.ambig[from] {
		if c == noReading {
			p.warnf("no reading of the 年度资金总额 row fits the form's columns and arithmetic; left NULL")
			continue
		}
		p.warnf("%s of 年度资金总额 has more than one reading; left NULL", c)
	}
	if p.total.weight != nil {
		row.TotalWeight = new(p.total.weight.v)
	}
	if p.total.score != nil {
		row.TotalScore = new(p.total.score.v)
	}
	p.crossCheck(fund)
	row.Warnings = p.warnings
	return row, p.inds
}

// funding returns the project's funding figures: the 年度资金总额 row, or,
// where that row is empty or all zero while its 其中 rows are filled, the
// one filled 其中 row (a common filling error: the total row left at 0).
func (p *project) funding() (fundVals, fundRow) {
	tot := p.rows[rowTotal]
	if !zeroOrEmpty(tot) {
		return tot, rowTotal
	}
	var filled []fundRow
	for _, r := range []fundRow{rowFiscal, rowCarry, rowOther} {
		if v, ok := p.rows[r]; ok && !zeroOrEmpty(v) {
			filled = append(filled, r)
		}
	}
	if len(filled) == 1 {
		if _, ok := p.rows[rowTotal]; ok {
			p.warnf("年度资金总额 is empty or zero while a 其中 row is filled; funding taken from that row")
		}
		v := p.rows[filled[0]]
		v[colWeight], v[colScore] = nil, nil
		return v, filled[0]
	}
	if len(filled) > 1 {
		p.warnf("年度资金总额 is empty or zero and several 其中 rows are filled; funding left NULL")
	}
	return tot, rowTotal
}

func zeroOrEmpty(v fundVals) bool {
	for _, c := range []fundCol{colInitial, colBudget, colExecuted} {
		if v[c] != nil && v[c].v != 0 {
			return false
		}
	}
	return true
}

// crossCheck adds the form's internal consistency findings.
func (p *project) crossCheck(fund fundVals) {
	b, e, r := fund[colBudget], fund[colExecuted], fund[colRate]
	if b != nil && e != nil && r != nil && !rateAgrees(b.v, e.v, *r) {
		p.warnf("stated 执行率 %s differs from 执行数 ÷ 预算数 = %.2f%%", r.text, e.v/b.v*100)
	}
	w, s := fund[colWeight], fund[colScore]
	if w != nil && s != nil && r != nil {
		want := math.Min(r.v, 100) / 100 * w.v
		if math.Abs(want-s.v) > 0.1+1e-9 {
			p.warnf("execution-rate score %s differs from min(执行率,100%%) × 分值 = %.2f", s.text, want)
		}
	}
	if w != nil && s != nil && s.v > w.v {
		p.warnf("execution-rate score %s exceeds its 分值 %s", s.text, w.text)
	}
	sumS, sumW, allS, allW, scored := 0.0, 0.0, true, true, false
	if s != nil {
		sumS += s.v
	}
	if w != nil {
		sumW += w.v
	}
	for _, in := range p.inds {
		if in.Weight == nil && in.Score == nil {
			continue // the goal row, unscored lines
		}
		scored = true
		if in.Weight == nil {
			allW = false
		} else {
			sumW += *in.Weight
		}
		if in.Score == nil {
			allS = false
		} else {
			sumS += *in.Score
		}
		if in.Score != nil && in.Weight != nil && *in.Score > *in.Weight+1e-9 {
			p.warnf("indicator %q: score %g exceeds its 分值 %g", in.Name, *in.Score, *in.Weight)
		}
		if missesTarget(in) {
			p.warnf("indicator %q: 完成值 %s misses the target %s yet keeps full marks", in.Name, deref(in.ActualText), deref(in.TargetText))
		}
	}
	// Where the execution-rate score or 分值 was not read, a shortfall may be
	// just that; only an excess is then a finding.
	if t := p.total.score; t != nil && scored && allS && math.Abs(sumS-t.v) > 0.01 && (s != nil || sumS > t.v) {
		p.warnf("indicator scores add up to %s, the 总分 row says %s", fmtNum(round2(sumS)), t.text)
	}
	if t := p.total.weight; t != nil && scored && allW && math.Abs(sumW-t.v) > 0.01 && (w != nil || sumW > t.v) {
		p.warnf("indicator 分值 add up to %s, the 总分 row says %s", fmtNum(round2(sumW)), t.text)
	}
}

// missesTarget: a quantitative target the 完成值 does not reach, scored in full.
func missesTarget(in Indicator) bool {
	if in.TargetOp == nil || in.TargetValue == nil || in.ActualValue == nil || in.Score == nil || in.Weight == nil {
		return false
	}
	if *in.Score < *in.Weight {
		return false
	}
	t, a := *in.TargetValue, *in.ActualValue
	switch *in.TargetOp {
	case "≥":
		return a < t
	case ">":
		return a <= t
	case "≤":
		return a > t
	case "<":
		return a >= t
	case "=":
		return a != t
	}
	return false
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
