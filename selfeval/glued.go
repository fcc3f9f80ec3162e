package selfeval

import "strings"

// GluedPart is one number of a run of funding cells glued together
// (285.3285.3100% → 285.3 | 285.3 | 100%), with its place in the run.
type GluedPart struct {
	Start, End int    // rune offsets in the run
	Text       string // as written, with its % if any
	Value      float64
	Column     string // the funding column: 年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分
}

// SplitFundingRun reads a run of glued funding cells under the columns its
// header names (header cells as written; nil for the standard form's
// order), the form's arithmetic choosing between the ways to split it, as
// the 自评表 reader does. sub marks a 其中 row (no 分值 or 得分). ok is false
// when no single reading fits: then none of the run is a fact.
func SplitFundingRun(run string, header []string, sub bool) (parts []GluedPart, ok bool) {
	cols := standardFundCols
	if header != nil {
		cols = nil
		for _, h := range header {
			c := matchCell(h, fundColTable)
			if c < 0 {
				return nil, false
			}
			cols = append(cols, fundCol(c))
		}
	}
	vals, amb := solveRow(rowInput{cols: cols, cells: []string{run}, glued: true, sub: sub})
	if len(amb) > 0 || vals.empty() {
		return nil, false
	}
	r := []rune(strings.ReplaceAll(run, "％", "%"))
	at := 0
	for _, c := range cols {
		v := vals[c]
		if v == nil {
			continue
		}
		t := []rune(v.text)
		if at+len(t) > len(r) || string(r[at:at+len(t)]) != v.text {
			return nil, false
		}
		parts = append(parts, GluedPart{Start: at, End: at + len(t), Text: v.text, Value: v.v, Column: c.String()})
		at += len(t)
	}
	if at != len(r) {
		return nil, false // the reading left digits unread
	}
	return parts, true
}
