package selfeval

import (
	"strings"
	"unicode"

	"zipin/normalize"
)

// flat is the document's text outside its real tables, all pages joined, as
// runes, with where each page starts. Table renderings are blanked out
// because fromGrids reads them.
//
// Where normalization took out a separator between two cells, it is put
// back from the page's offset map: the space between a number-with-unit and
// the next cell ("≥180公里 186公里" became "≥180公里186公里"), and the line
// break between two cells of a one-cell-per-line table that looked like a
// wrapped sentence. Offsets into flat are therefore not page offsets; the
// forms record pages, not offsets.
type flat struct {
	r     []rune
	pages []int // rune offset where each page starts
	nums  []int // page numbers
}

func flatten(nd *normalize.Doc) *flat {
	f := &flat{}
	for pi := range nd.Pages {
		p := &nd.Pages[pi]
		rs := append([]rune(nil), p.Runes()...)
		for _, t := range p.Tables {
			for i := t.Start; i < t.End && i < len(rs); i++ {
				if rs[i] != '\n' {
					rs[i] = ' '
				}
			}
		}
		raw := []rune(p.Raw)
		f.pages = append(f.pages, len(f.r))
		f.nums = append(f.nums, p.Number)
		for i, c := range rs {
			f.r = append(f.r, c)
			if i+1 < len(rs) && i+1 < len(p.Map) {
				if sep := removedSep(raw, p.Map[i], p.Map[i+1]); sep != 0 && c != '\n' && rs[i+1] != '\n' {
					f.r = append(f.r, sep)
				}
			}
		}
		f.r = append(f.r, '\n')
	}
	return f
}

// removedSep returns the separator normalization removed between two kept
// runes at raw offsets a and b: a line break if the raw text between them
// held one, a space if it held only spaces, else 0.
func removedSep(raw []rune, a, b int) rune {
	if b-a < 2 || b > len(raw) || a < 0 {
		return 0
	}
	sep := ' '
	for _, c := range raw[a+1 : b] {
		switch c {
		case '\n', '\r':
			sep = '\n'
		case ' ', '\t':
		default:
			return 0
		}
	}
	return sep
}

// pageAt returns the page number and the offset within that page.
func (f *flat) pageAt(off int) (int, int) {
	i := len(f.pages) - 1
	for i > 0 && f.pages[i] > off {
		i--
	}
	if i < 0 {
		return 1, off
	}
	return f.nums[i], off - f.pages[i]
}

// fromText reads forms whose grid was flattened into text. Each 年度资金总额
// (or a bare 总额 cell right after the funding header) anchors one form.
func fromText(nd *normalize.Doc) []*project {
	f := flatten(nd)
	anchors := fundAnchors(f.r)
	var out []*project
	prevEnd := 0
	for k, a := range anchors {
		next := len(f.r)
		if k+1 < len(anchors) {
			next = anchors[k+1].start
		}
		// The form's head: its project labels sit between the previous form and this anchor.
		headStart := prevEnd
		if i := lastIndex(f.r, headStart, a.start, fieldPhrases(fieldProject)); i >= 0 {
			headStart = i
		}
		cols, unit, hdrEnd, ok := readFundHeader(f.r, headStart, a.start)
		if !ok || proseAmount(f.r, a.end) {
			// 资金总额 in running text ("项目资金总额500万元"), not a form's row.
			continue
		}
		pg, off := f.pageAt(headStart)
		p := newProject(pg, off)
		readProjectFields(p, f.r, headStart, a.start)
		p.unit, p.cols = unit, cols
		// Labels after their numbers (a PDF text layer that centres the row
		// label vertically writes it last): then every row reads backwards.
		pre := numericCells(f.r, hdrEnd, a.start)
		var vals fundVals
		var amb []fundCol
		end, cells := a.end, true
		if pre != nil {
			vals, amb = solveRow(rowInput{cols: cols, cells: pre})
		} else {
			vals, amb, end, cells = readFundRow(f.r, a.end, cols, false)
		}
		if !cells {
			continue // a label with no cells after it: prose, or a header listing
		}
		p.setRow(rowTotal, vals, amb)
		// Form boundary for the rest: the next form's head.
		formEnd := next
		if k+1 < len(anchors) {
			if i := lastIndex(f.r, end, next, fieldPhrases(fieldProject)); i >= 0 {
				formEnd = i
			}
		}
		readSubRows(p, f.r, end, formEnd, pre != nil)
		readTextTotal(p, f.r, end, formEnd)
		if g, ok := readTextGoal(f.r, end, formEnd); ok {
			p.inds = append(p.inds, g)
		}
		p.inds = append(p.inds, textIndicators(f.r, end, formEnd)...)
		out = append(out, p)
		prevEnd = formEnd
	}
	return out
}

// proseAmount: the number after the label carries a unit, as in a sentence;
// a form's cell holds the bare number under a unit-stating header.
func proseAmount(r []rune, i int) bool {
	for i < len(r) && (r[i] == ':' || r[i] == '：' || r[i] == ' ' || r[i] == '为') {
		i++
	}
	j := i
	for j < len(r) && isNumRune(r[j]) {
		j++
	}
	if j == i {
		return false
	}
	for j < len(r) && r[j] == ' ' {
		j++
	}
	rest := string(r[j:min(j+2, len(r))])
	return strings.HasPrefix(rest, "万") || strings.HasPrefix(rest, "元") || strings.HasPrefix(rest, "亿")
}

func fieldPhrases(f projField) []string { return projFieldPhrases[f] }

type anchor struct{ start, end int }

// fundAnchors finds each 年度资金总额 row label, and the bare 总额 some
// exports use, which counts only as a whole cell.
func fundAnchors(r []rune) []anchor {
	var out []anchor
	for _, m := range findPhrases(r, map[int][]string{0: fundRowPhrases[rowTotal], 1: {"总额"}}) {
		if m.key == 1 && !(m.start == 0 || isSep(r[m.start-1])) {
			continue
		}
		if m.key == 1 && !cellEnds(r, m.end) {
			continue
		}
		out = append(out, anchor{m.start, m.end})
	}
	return out
}

func isSep(c rune) bool { return c == '\n' || c == '|' || unicode.IsSpace(c) }

// cellEnds: what follows a label is a separator or a colon, the label
// stands alone in its cell.
func cellEnds(r []rune, i int) bool {
	return i >= len(r) || isSep(r[i]) || r[i] == ':' || r[i] == '：'
}

// lastIndex returns the start of the last occurrence of any phrase in r[from:to), or -1.
func lastIndex(r []rune, from, to int, phrases []string) int {
	best := -1
	for _, m := range findPhrases(r[from:to], map[int][]string{0: phrases}) {
		best = from + m.start
	}
	return best
}

// readProjectFields reads 项目名称 / 主管部门 / 实施单位: the value is what
// follows the label up to the next cell separator or the next label.
func readProjectFields(p *project, r []rune, from, to int) {
	all := map[int][]string{}
	for f, ps := range projFieldPhrases {
		all[int(f)] = ps
	}
	for _, m := range findPhrases(r[from:to], all) {
		i := from + m.end
		// "实施单位（盖章）" and a colon belong to the label.
		for _, deco := range []string{"(盖章)", "（盖章）"} {
			rest := strings.TrimLeft(string(r[i:min(i+8, to)]), " ")
			if strings.HasPrefix(rest, deco) {
				i += len([]rune(deco)) + (len([]rune(string(r[i:min(i+8, to)]))) - len([]rune(rest)))
			}
		}
		for i < to && (r[i] == ' ' || r[i] == '|' || r[i] == ':' || r[i] == '：' || r[i] == '\n') {
			i++
		}
		j := i
		for j < to && r[j] != '|' && r[j] != '\n' && !startsAny(r, j, projStopPhrases) {
			j++
		}
		v := strings.TrimSpace(string(r[i:j]))
		if v != "" && len([]rune(v)) <= 60 && !isPlaceholder(v) {
			p.setField(projField(m.key), v)
		}
	}
}

func startsAny(r []rune, i int, phrases []string) bool {
	for _, p := range phrases {
		if hasRunes(r, i, []rune(p)) {
			return true
		}
	}
	return false
}

// readFundHeader finds the funding header's columns, in the order written,
// after the last block opener (项目资金, 资金投入情况 …) before the anchor, and
// the money unit the block declares.
func readFundHeader(r []rune, from, anchorAt int) ([]fundCol, float64, int, bool) {
	start := max(from, anchorAt-160)
	if i := lastIndex(r, from, anchorAt, fundBlockStarts); i >= 0 {
		start = i
	}
	var cols []fundCol
	seen := map[fundCol]bool{}
	end := anchorAt
	for _, m := range findPhrases(r[start:anchorAt], fundColTable) {
		end = start + m.end
		c := fundCol(m.key)
		if !seen[c] {
			seen[c] = true
			cols = append(cols, c)
		}
	}
	unit := 0.0
	if m := unitRe.FindStringSubmatch(string(r[start:anchorAt])); m != nil {
		unit = map[string]float64{"万元": 10000, "元": 1}[m[1]]
	}
	if len(cols) < 2 || !seen[colBudget] && !seen[colExecuted] {
		return standardFundCols, unit, end, false
	}
	return cols, unit, end, true
}

// numericCells returns the cells of r[from:to) if every one is a number or a
// placeholder (and at least one is a number), else nil. Numbers between the
// header and the first row label mean the labels follow their numbers.
func numericCells(r []rune, from, to int) []string {
	if from >= to {
		return nil
	}
	toks := strings.FieldsFunc(string(r[from:to]), func(c rune) bool {
		return unicode.IsSpace(c) || c == '|' || c == ':' || c == '：'
	})
	nums := 0
	for _, t := range toks {
		if _, ok := parseNum(t); ok {
			nums++
		} else if !isPlaceholder(t) {
			return nil
		}
	}
	if nums == 0 {
		return nil
	}
	return toks
}

// readCells reads the value cells that follow a row label at i: numbers and
// placeholders, up to the next label. Pipe layouts keep their empty cells
// (they hold a column's place); a number glued to the label means the
// separators were lost, and the caller must split it.
func readCells(r []rune, i int) (cells []string, glued bool, end int) {
	for i < len(r) && (r[i] == ':' || r[i] == '：') {
		i++
	}
	if i < len(r) && r[i] >= '0' && r[i] <= '9' {
		for {
			j := i
			for j < len(r) && isNumRune(r[j]) {
				j++
			}
			cells = append(cells, string(r[i:j]))
			// Another glued run only after plain spaces.
			k := j
			for k < len(r) && r[k] == ' ' {
				k++
			}
			if k == j || k >= len(r) || !(r[k] >= '0' && r[k] <= '9') {
				return cells, true, j
			}
			i = k
		}
	}
	// Pipe layout if a pipe comes before the next letter.
	pipe := false
	for k := i; k < len(r) && k < i+400; k++ {
		if r[k] == '|' {
			pipe = true
			break
		}
		if unicode.Is(unicode.Han, r[k]) {
			break
		}
	}
	if pipe {
		// The text before the first pipe is the rest of the label's cell.
		k := i
		for k < len(r) && r[k] != '|' {
			k++
		}
		if strings.TrimSpace(string(r[i:k])) != "" {
			return nil, false, i
		}
		for k < len(r) && r[k] == '|' && len(cells) < 16 {
			j := k + 1
			for j < len(r) && r[j] != '|' {
				j++
			}
			c := strings.TrimSpace(string(r[k+1 : j]))
			if !isPlaceholder(c) {
				if _, ok := parseNum(c); !ok {
					return cells, false, k + 1
				}
			}
			cells = append(cells, c)
			k = j
		}
		return cells, false, k
	}
	for len(cells) < 16 {
		k := i
		for k < len(r) && unicode.IsSpace(r[k]) {
			k++
		}
		j := k
		for j < len(r) && !unicode.IsSpace(r[j]) {
			j++
		}
		tok := string(r[k:j])
		if tok == "" {
			return cells, false, i
		}
		if _, ok := parseNum(tok); !ok && !isPlaceholder(tok) {
			return cells, false, i
		}
		if isPlaceholder(tok) && tok != "—" && tok != "/" && tok != "-" {
			return cells, false, i
		}
		cells = append(cells, tok)
		i = j
	}
	return cells, false, i
}

func isNumRune(c rune) bool {
	return c >= '0' && c <= '9' || c == '.' || c == ',' || c == '%' || c == '％'
}

// readFundRow reads and solves the row whose label ends at i; ok is false
// when no value cell follows the label at all.
func readFundRow(r []rune, i int, cols []fundCol, sub bool) (vals fundVals, amb []fundCol, end int, ok bool) {
	cells, glued, end := readCells(r, i)
	if len(cells) == 0 {
		return fundVals{}, nil, end, false
	}
	vals, amb = solveRow(rowInput{cols: cols, cells: cells, glued: glued, sub: sub})
	return vals, amb, end, true
}

// fundStops end the funding block in flattened text.
var fundStops = []string{"年度总体目标", "总体目标", "绩效指标", "一级指标", "资金管理情况", "年度目标"}

// readSubRows reads the 其中 rows after the total row, up to the goal block.
func readSubRows(p *project, r []rune, from, to int, labelsAfter bool) {
	stop := to
	for _, m := range findPhrases(r[from:to], map[int][]string{0: fundStops}) {
		stop = from + m.start
		break
	}
	subs := map[int][]string{}
	for k, v := range fundRowPhrases {
		if k != rowTotal {
			subs[int(k)] = v
		}
	}
	prev := from
	for _, m := range findPhrases(r[from:stop], subs) {
		var vals fundVals
		var amb []fundCol
		if labelsAfter {
			if cells := numericCells(r, prev, from+m.start); cells != nil {
				vals, amb = solveRow(rowInput{cols: p.cols, cells: cells, sub: true})
			}
			prev = from + m.end
		} else {
			vals, amb, _, _ = readFundRow(r, from+m.end, p.cols, true)
		}
		p.setRow(fundRow(m.key), vals, amb)
	}
}

// readTextTotal reads the 总分 row: 分值 then 得分.
func readTextTotal(p *project, r []rune, from, to int) {
	for _, m := range findPhrases(r[from:to], map[int][]string{0: {"总分"}, 1: {"合计"}}) {
		if m.key == 1 && !cellEnds(r, from+m.end) {
			continue
		}
		cells, glued, _ := readCells(r, from+m.end)
		if len(cells) == 0 {
			continue
		}
		for len(cells) > 0 && isPlaceholder(cells[0]) {
			cells = cells[1:] // the label's own merged span
		}
		w, s, amb := solveTotal(cells, glued)
		if amb {
			p.warnf("总分 row %q admits more than one reading as 分值 | 得分; left NULL", strings.Join(cells, " "))
		}
		p.total.weight, p.total.score = w, s
		return
	}
}

// goalHeads are the goal block's header cells, in order.
var goalHeads = map[int][]string{0: {"预期目标"}, 1: {"实际完成情况", "全年实际完成情况"}}

// readTextGoal reads the goal block where cells are delimited by lines or
// pipes: the two cells after the 预期目标 / 实际完成情况 header. Space-separated
// and glued text cannot say where the goal ends, so they are not read.
func readTextGoal(r []rune, from, to int) (Indicator, bool) {
	ms := findPhrases(r[from:to], goalHeads)
	for i := 0; i+1 < len(ms); i++ {
		a, b := ms[i], ms[i+1]
		if a.key != 0 || b.key != 1 {
			continue
		}
		gap := strings.Trim(string(r[from+a.end:from+b.start]), " |\n")
		end := from + b.end
		if gap != "" || end >= to || !(r[end] == '\n' || r[end] == '|' || r[end] == ' ' && end+1 < to && r[end+1] == '|') {
			continue
		}
		var cells []string
		for _, line := range strings.Split(string(r[end:to]), "\n") {
			for _, c := range strings.Split(line, "|") {
				if c = strings.TrimSpace(c); c != "" && c != "年度总体目标" {
					cells = append(cells, c)
				}
			}
			if len(cells) >= 2 {
				break
			}
		}
		if len(cells) == 0 || isFormLabel(cells[0]) {
			return Indicator{}, false
		}
		actual := ""
		if len(cells) > 1 && !isFormLabel(cells[1]) {
			actual = cells[1]
		}
		return goalIndicator(cells[0], actual), true
	}
	return Indicator{}, false
}

// isFormLabel: a cell that opens the next part of the form.
func isFormLabel(c string) bool {
	c = cleanLabel(c)
	return strings.HasPrefix(c, "绩效指标") || isLabel(c, indColTable) >= 0 || isTotalLabel(c)
}
