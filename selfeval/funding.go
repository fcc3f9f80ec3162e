package selfeval

import (
	"fmt"
	"math"
	"strings"
)

// noReading in the ambiguous list says no reading fit at all.
const noReading fundCol = -1

// fundVals is one row of the funding block: a value per column, nil where
// the cell is empty or the reading is ambiguous.
type fundVals [numFundCols]*num

func (f fundVals) empty() bool {
	for _, v := range f {
		if v != nil {
			return false
		}
	}
	return true
}

// rowInput is a funding row as read from flattened text: its cells in order
// (placeholders kept where the layout shows them), and whether the cells were
// glued together with their separators lost.
type rowInput struct {
	cols  []fundCol // the header's numeric columns, in order
	cells []string
	glued bool
	sub   bool // a 其中 row: the form leaves 分值 and 得分 empty there
}

// solveRow reads a flattened funding row. Every way of splitting glued cells
// and of placing the values under the header's columns in order is a
// reading; a reading must fit the form (a percentage only under 执行率, a
// score at most its 分值 …). If more than one reading fits, the arithmetic of
// the form (执行率 = 执行数 ÷ 预算数) chooses; a column whose value still differs
// between readings is left nil and reported.
func solveRow(in rowInput) (vals fundVals, ambiguous []fundCol) {
	var readings []fundVals
	for _, items := range itemSets(in) {
		for len(items) > len(in.cols) && items[len(items)-1] == nil {
			items = items[:len(items)-1] // trailing empty cells of a padded pipe row
		}
		if len(items) > len(in.cols) || len(items) == 0 {
			continue
		}
		exact := len(items) == len(in.cols) && !in.glued
		placeOrdered(len(items), len(in.cols), func(pos []int) {
			var r fundVals
			for i, p := range pos {
				r[in.cols[p]] = items[i]
			}
			if fits(r, in.sub, exact) {
				readings = appendUnique(readings, r)
			}
		})
	}
	if len(readings) == 0 {
		return vals, nil
	}
	if len(readings) > 1 || in.glued {
		var ok []fundVals
		for _, r := range readings {
			if arithmeticHolds(r, in.glued) {
				ok = append(ok, r)
			}
		}
		readings = ok
	}
	if len(readings) == 0 {
		return vals, []fundCol{noReading}
	}
	vals = readings[0]
	for c := range numFundCols {
		for _, r := range readings[1:] {
			if !sameNum(r[c], vals[c]) {
				vals[c] = nil
				ambiguous = append(ambiguous, c)
				break
			}
		}
	}
	return vals, ambiguous
}

// itemSets expands the cells into candidate value lists: one per way of
// splitting the glued cells (a cell that is not glued has one reading).
func itemSets(in rowInput) [][]*num {
	sets := [][]*num{nil}
	for _, c := range in.cells {
		var alts [][]*num
		switch {
		case isPlaceholder(c):
			alts = [][]*num{{nil}}
		case in.glued:
			for _, seg := range segmentations(strings.TrimSpace(c), len(in.cols)) {
				alt := make([]*num, len(seg))
				for i := range seg {
					alt[i] = &seg[i]
				}
				alts = append(alts, alt)
			}
		default:
			if n, ok := parseNum(c); ok {
				alts = [][]*num{{&n}}
			}
		}
		if len(alts) == 0 {
			return nil
		}
		var next [][]*num
		for _, s := range sets {
			for _, a := range alts {
				next = append(next, append(append([]*num(nil), s...), a...))
			}
			if len(next) > maxReadings {
				return nil // too many ways to read it: leave it to NULL
			}
		}
		sets = next
	}
	return sets
}

const maxReadings = 20000

// maxRate bounds a stated execution rate; a glued percentage takes the
// longest run of digits that stays within it ("10100%" is 10 | 100%).
const maxRate = 200

// placeOrdered calls f with every increasing choice of k positions out of n.
func placeOrdered(k, n int, f func(pos []int)) {
	pos := make([]int, k)
	var rec func(i, from int)
	rec = func(i, from int) {
		if i == k {
			f(pos)
			return
		}
		for p := from; p <= n-(k-i); p++ {
			pos[i] = p
			rec(i+1, p+1)
		}
	}
	rec(0, 0)
}

// fits holds the form's own rules for one reading, before any arithmetic.
func fits(r fundVals, sub, exact bool) bool {
	for c, v := range r {
		if v == nil {
			continue
		}
		col := fundCol(c)
		if v.pct && col != colRate {
			return false // only 执行率 is written as a percentage
		}
		if col == colRate && !v.pct && !exact {
			return false // a bare number is a rate only where every column is filled in order
		}
		if v.v < 0 {
			return false
		}
	}
	if sub && (r[colWeight] != nil || r[colScore] != nil) {
		return false // 其中 rows carry no 分值 or 得分 on the form
	}
	if w := r[colWeight]; w != nil && (w.v <= 0 || w.v > 100) {
		return false
	}
	if s := r[colScore]; s != nil {
		if s.v > 100 || r[colWeight] != nil && s.v > r[colWeight].v {
			return false
		}
	}
	if rt := r[colRate]; rt != nil && rt.v > maxRate {
		return false
	}
	return true
}

// arithmeticHolds: a stated rate is executed ÷ budget, so a reading that
// states one must place both and agree with them. Where a score sits beside
// its 分值, it is min(rate, 100%) × 分值 (the standard scoring rule). For glued
// cells (strict) the rate must be the quotient rounded to its written
// digits: no cap at 100%, since a split can always make executed huge.
func arithmeticHolds(r fundVals, strict bool) bool {
	if r[colRate] == nil {
		return true
	}
	if r[colBudget] == nil || r[colExecuted] == nil {
		return false
	}
	rate := *r[colRate]
	if strict {
		if r[colBudget].v <= 0 {
			return false
		}
		got := r[colExecuted].v / r[colBudget].v * 100
		if math.Abs(got-rate.v) > 0.5*math.Pow10(-rate.dec)+1e-9 {
			return false
		}
		if r[colScore] != nil && r[colWeight] == nil {
			return false // a score is read against its 分值
		}
		if w, s := r[colWeight], r[colScore]; w != nil && s != nil {
			if math.Abs(math.Min(rate.v, 100)/100*w.v-s.v) > 0.1+1e-9 {
				return false
			}
		}
		return true
	}
	return rateAgrees(r[colBudget].v, r[colExecuted].v, rate)
}

// rateAgrees: the stated rate equals executed ÷ budget to the precision it is
// written with (one unit of its last digit, at least 0.05), or is 100 where
// spending reached or passed the budget (forms cap the rate).
func rateAgrees(budget, executed float64, rate num) bool {
	if budget <= 0 {
		return executed == 0 && rate.v == 0
	}
	got := executed / budget * 100
	tol := math.Max(math.Pow10(-rate.dec), 0.05) + 1e-9
	if math.Abs(got-rate.v) <= tol {
		return true
	}
	return rate.v == 100 && got >= 100
}

func sameNum(a, b *num) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.v == b.v && a.pct == b.pct
}

func appendUnique(rs []fundVals, r fundVals) []fundVals {
	for _, o := range rs {
		same := true
		for c := range o {
			if !sameNum(o[c], r[c]) {
				same = false
				break
			}
		}
		if same {
			return rs
		}
	}
	return append(rs, r)
}

// totalCols are the 总分 row's columns: 分值 then 得分.
var totalCols = []fundCol{colWeight, colScore}

// solveTotal reads the 总分 row's cells as (分值, 得分). The only rules are
// that both are at most 100 and the score at most the weight.
func solveTotal(cells []string, glued bool) (weight, score *num, ambiguous bool) {
	vals, amb := solveRow(rowInput{cols: totalCols, cells: cells, glued: glued})
	return vals[colWeight], vals[colScore], len(amb) > 0
}

func fmtNum(v float64) string { return fmt.Sprintf("%g", v) }
