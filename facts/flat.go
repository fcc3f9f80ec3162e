package facts

import (
	"fmt"
	"strings"

	"zipin/lexicon"
	"zipin/normalize"
	"zipin/quantity"
)

// A form flattened to text loses its grid: one cell per line, cells
// separated by spaces, and header cells split over several lines (年初 ⏎
// 预算数 ⏎ 全年 ⏎ 预算数 ⏎ 全年 ⏎ 执行数 ⏎ 分值 ⏎ 执行率 ⏎ 得分), then the
// values. flatRows rebuilds the header row from the run of label cells —
// joining fragments until each is a known column name — and maps the values
// that follow, row by row, to its columns.

// token is one cell of flattened text.
type token struct {
	start, end int
	text       string
}

// tokens splits text into cells at line breaks, pipes and spaces.
func tokens(r []rune, from, to int) []token {
	var out []token
	s := -1
	for i := from; i <= to; i++ {
		sep := i == to || r[i] == '\n' || r[i] == '|' || r[i] == ' ' || r[i] == '\t' || r[i] == '\u3000'
		if sep {
			if s >= 0 {
				out = append(out, token{s, i, string(r[s:i])})
				s = -1
			} else if i < to && r[i] == '|' && lineEmptyBefore(r, from, i) {
				// a line that is only "|": an empty cell of a form
				// flattened one cell per line
				out = append(out, token{i, i, ""})
			}
			continue
		}
		if s < 0 {
			s = i
		}
	}
	return out
}

func lineEmptyBefore(r []rune, from, i int) bool {
	for j := i - 1; j >= from; j-- {
		switch r[j] {
		case '\n':
			return true
		case ' ', '\t':
			continue
		default:
			return false
		}
	}
	return true
}

func isValueToken(t string) bool { return bareCell.MatchString(t) }

// isCellValue is a value or an empty cell.
func isCellValue(t string) bool { return t == "" || isValueToken(t) }

// isLabelToken is a short cell of words: no digit outside a bracket, a Han
// character, at most 16 runes.
func isLabelToken(t string) bool {
	if len([]rune(t)) > 16 || strings.ContainsAny(headerDecor.ReplaceAllString(t, ""), "0123456789") {
		return false
	}
	for _, c := range t {
		if c >= 0x3400 {
			return true
		}
	}
	return false
}

// maxFragments is how many cells one header may be split over.
const maxFragments = 3

// headerPrefix parses the longest run of column names at the start of
// labels, joining fragments; it returns the columns and the cells used.
func headerPrefix(labels []token) ([]column, int) {
	var cols []column
	i := 0
	for i < len(labels) {
		found := 0
		for n := min(maxFragments, len(labels)-i); n >= 1; n-- {
			var b strings.Builder
			for _, t := range labels[i : i+n] {
				b.WriteString(t.text)
			}
			if c := columnOf(b.String()); c.known() {
				cols = append(cols, c)
				found = n
				break
			}
		}
		if found == 0 && len(cols) > 0 && i+1 < len(labels) && columnLike(labels[i].text) {
			// A column the table does not know (资金到位数) keeps its place,
			// so the values after it stay under their own columns; it
			// types nothing.
			cols = append(cols, column{header: labels[i].text})
			found = 1
		}
		if found == 0 {
			// A header glued by line joining to the row label after it
			// (全年执行数年度资金总额): the known name, then the label.
			if c, ok := gluedHeader(labels[i].text); ok && len(cols) > 0 {
				cols = append(cols, c)
				i++
			}
			break
		}
		i += found
	}
	// An unknown column is kept only between known ones.
	for len(cols) > 0 && cols[len(cols)-1].kind == "" && cols[len(cols)-1].metric == "" {
		cols = cols[:len(cols)-1]
		i--
	}
	return cols, i
}

// columnLike is a short cell that reads as a column name of a funding
// block: it ends as one does (…数, …率, …额, …值, …金).
func columnLike(s string) bool {
	r := []rune(headerDecor.ReplaceAllString(s, ""))
	return len(r) >= 2 && len(r) <= 8 && strings.ContainsRune("数率额值金", r[len(r)-1])
}

// gluedHeader reads a cell that starts with a column name and goes on with
// other words.
func gluedHeader(s string) (column, bool) {
	best := column{}
	for _, m := range metricPhrases {
		if strings.HasPrefix(s, m.phrase) && len(s) > len(m.phrase) && len(m.phrase) > len(best.header) {
			if c := columnOf(m.phrase); c.known() {
				best = c
			}
		}
	}
	// A score column glued to the funding row label after it
	// (得分年度资金总额): the column, when the rest is such a label.
	for _, sc := range scoreColumns {
		if rest, ok := strings.CutPrefix(s, sc); ok && best.header == "" && (isFundRowLabel(rest) || isTotalRow(rest)) {
			best = columnOf(sc)
		}
	}
	return best, best.header != ""
}

// flatRows reads the flattened forms of a page (outside its grids) and
// returns their cells as facts, updating facts already found in them.
func flatRows(p *normalize.Page, headers []declared, toks []token, facts []Fact) (out []Fact, warns []string) {
	r := p.Runes()
	for i := 0; i < len(toks); {
		if p.InTable(toks[i].start) != nil || !isLabelToken(toks[i].text) {
			i++
			continue
		}
		j := i
		for j < len(toks) && isLabelToken(toks[j].text) && p.InTable(toks[j].start) == nil {
			j++
		}
		k := j
		for k < len(toks) && isValueToken(toks[k].text) {
			k++
		}
		// The header is the first place in the label run from which at
		// least two cells parse as column names, followed (after at most a
		// few cells: a text column such as 原因, the row label 总额) by
		// exactly one value per column, or by a glued run of them. With
		// one value fewer, either the header's last "column" is the row's
		// label (… 资金执行率 预算资金 268.5 …) or its first is the block's
		// label carrying the unit (年度预算数（万元） 年初预算 调整后预算数 …);
		// otherwise the cells do not line up and none is read.
		var cols []column
		e, misfit := j, 0
		first := valueRun(toks, j)
		glued := j < len(toks) && gluedRun.MatchString(toks[j].text)
		for s := i; s < j-1; s++ {
			c, n := headerPrefix(toks[s:j])
			if len(c) < 2 || j-(s+n) > 4 {
				continue
			}
			switch {
			case first == len(c) || glued:
				cols, e = c, s+n
			case first == len(c)-1 && len(c) > 2 && c[0].unit != "":
				cols, e = c[1:], s+n
			case first == len(c)-1 && len(c) > 2 && s+n == j:
				cols, e = c[:len(c)-1], j-1
			default:
				misfit = len(c)
			}
			break // the first header decides, read or not
		}
		if cols == nil {
			if misfit > 0 && first > 1 {
				// A wrong value is worse than a missing one: the numbers
				// under a header they do not line up with keep no label
				// the header cells before them would give by position. A
				// lone number after a header is no row of the form.
				warns = append(warns, fmt.Sprintf("page %d: flattened form: %d values under %d columns; its values are left unread", p.Number, first, misfit))
				unlabel(facts, p.Number, toks[j:j+first])
			}
			i = max(j, i+1)
			continue
		}
		unit := flatUnit(r, headers, toks[e-1].end, toks[j-1].end)
		at, part, label := e, false, ""
		for {
			// optional row label cells, then exactly len(cols) values
			l := at
			for l < len(toks) && isLabelToken(toks[l].text) && l-at < 4 {
				l++
			}
			if v := l; v < len(toks) && !isCellValue(toks[v].text) {
				// a run of glued cells: split by the form's arithmetic
				names := make([]string, len(cols))
				for c := range cols {
					names[c] = cols[c].header
				}
				if fs, ok := gluedFacts(p, facts, toks[v], names, unit); ok {
					out = append(out, fs...)
					at = v + 1
					continue
				}
			}
			v := l
			filled := 0
			for v < len(toks) && isCellValue(toks[v].text) {
				if toks[v].text != "" {
					filled++
				}
				v++
			}
			// exactly one value per column: more or fewer means the cells
			// do not line up with the header, and none is read
			if v-l != len(cols) || filled == 0 {
				if at == e && filled > 0 {
					warns = append(warns, fmt.Sprintf("page %d: flattened form row %q: %d values under %d columns; its values are left unread", p.Number, rowName(toks, at, l), v-l, len(cols)))
					unlabel(facts, p.Number, toks[l:v])
				}
				break
			}
			if why := misaligned(cols, toks[l:v]); why != "" {
				warns = append(warns, fmt.Sprintf("page %d: flattened form row %q: %s; its values are left unread", p.Number, rowName(toks, at, l), why))
				unlabel(facts, p.Number, toks[l:v])
				break
			}
			if l > at {
				label = toks[l-1].text
				if isPartRow(label) {
					part = true
				}
			}
			for c := range cols {
				t := toks[l+c]
				f, isNew := cellFact(p, facts, gridCell{t.start, t.end, t.text}, cols[c], unit)
				if f == nil {
					continue
				}
				f.row, f.cell, f.part = label, true, part && !isTotalRow(label)
				if isNew && !hasSpan(out, f.Start, f.End) {
					out = append(out, *f)
				}
			}
			at = l + len(cols)
			if v > at {
				break // more values than columns: the run ends here
			}
		}
		i = max(at, j)
	}
	return out, warns
}

// misaligned says why the values of a flattened row, one per column, are
// not in the header's order, or "": a percent under a column that holds no
// percent, a score above 100 (an amount shifted into the score column).
func misaligned(cols []column, vals []token) string {
	for c, t := range vals {
		if percentCell(t.text) && cols[c].kind != lexicon.Percent && cols[c].kind != "" {
			return fmt.Sprintf("%s under the %s column", t.text, cols[c].header)
		}
		if v, ok := quantity.ParseNumber(t.text); ok && cols[c].kind == lexicon.Score && v > 100 {
			return fmt.Sprintf("%s under the %s column", t.text, cols[c].header)
		}
	}
	return ""
}

// rowName is the row's label cell, or "" where the row has none.
func rowName(toks []token, at, l int) string {
	if l > at {
		return toks[l-1].text
	}
	return ""
}

// unlabel takes back the metric the text's labels gave the bare numbers of
// a flattened row that could not be aligned: the label before such a cell
// is a header cell, the same guess by position the row refused.
func unlabel(facts []Fact, page int, vals []token) {
	if len(vals) == 0 {
		return
	}
	from, to := vals[0].start, vals[len(vals)-1].end
	for k := range facts {
		if f := &facts[k]; f.Page == page && f.Start >= from && f.End <= to {
			f.Metric, f.label = "", ""
		}
	}
}

// flatUnit is the money unit in force for a flattened form: declared before
// it, or — as a flattened spreadsheet often puts the block label 资金投入情况
// （万元） after its numbers — within the same paragraph just after it.
func flatUnit(r []rune, headers []declared, from, to int) string {
	if u := declaredUnit(headers, from); contextUnits[u].kind == lexicon.Money {
		return u
	}
	end := min(len(r), to+flatUnitAfter)
	if i := strings.Index(string(r[to:end]), "\n\n"); i >= 0 {
		end = to + len([]rune(string(r[to:end])[:i]))
	}
	if m := unitHeader.FindStringSubmatch(string(r[to:end])); m != nil {
		if cu, ok := contextUnits[m[1]+m[2]]; ok && cu.kind == lexicon.Money {
			return m[1] + m[2]
		}
	}
	return ""
}

// flatUnitAfter is how far after a flattened form its unit may be declared, in runes.
const flatUnitAfter = 400

func hasSpan(fs []Fact, start, end int) bool {
	for _, f := range fs {
		if f.Start == start && f.End == end {
			return true
		}
	}
	return false
}

// valueRun counts the value cells from toks[i].
func valueRun(toks []token, i int) int {
	n := 0
	for i+n < len(toks) && isCellValue(toks[i+n].text) {
		n++
	}
	return n
}
