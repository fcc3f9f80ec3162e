package facts

import (
	"strings"

	"zipin/normalize"
)

// totalRows label the row of a table that holds the document's totals.
var totalRows = []string{"合计", "总计", "年度资金总额", "资金总额", "总额", "部门合计", "全部"}

// pipeCell is one cell of a table row rendered as "a | b | c".
type pipeCell struct {
	start, end int // rune offsets in the page text
	text       string
}

func splitPipeRow(r []rune, start, end int) []pipeCell {
	var cells []pipeCell
	s := start
	for i := start; i <= end; i++ {
		if i == end || r[i] == '|' {
			t := strings.TrimSpace(string(r[s:i]))
			cells = append(cells, pipeCell{s, i, t})
			s = i + 1
		}
	}
	// A row written "| a | b |" has empty cells at both ends.
	if len(cells) > 0 && cells[0].text == "" && r[start] == '|' {
		cells = cells[1:]
	}
	if len(cells) > 0 && cells[len(cells)-1].text == "" {
		cells = cells[:len(cells)-1]
	}
	return cells
}

// columnMetrics labels the facts in a table's rows by the metric their
// column header names (年初预算数 | 全年预算数 | 全年执行数 | 执行率), where the
// words before the number in the text name none, and records each fact's
// row label, so the headline can prefer the 合计 row.
func columnMetrics(p *normalize.Page, facts []Fact) {
	r := p.Runes()
	var header []pipeCell
	idx := 0
	for _, ln := range splitLines(r) {
		if !strings.Contains(string(r[ln.start:ln.end]), "|") {
			header = nil
			continue
		}
		cells := splitPipeRow(r, ln.start, ln.end)
		if isHeaderRow(cells) {
			header = cells
			continue
		}
		if header == nil || len(cells) != len(header) {
			continue
		}
		for ; idx < len(facts) && facts[idx].Start < ln.start; idx++ {
		}
		for k := idx; k < len(facts) && facts[k].Start < ln.end; k++ {
			f := &facts[k]
			col := -1
			for c, cell := range cells {
				if f.Start >= cell.start && f.End <= cell.end {
					col = c
				}
			}
			if col <= 0 {
				continue
			}
			f.row = rowLabel(cells, col)
			if f.Metric != "" {
				continue
			}
			if m, phrase := metricOfHeader(header[col].text, f.Kind); m != "" {
				f.Metric, f.label = m, phrase
			}
		}
	}
}

// isHeaderRow: at least two cells, none with a digit, one naming a metric.
func isHeaderRow(cells []pipeCell) bool {
	if len(cells) < 2 {
		return false
	}
	named := false
	for _, c := range cells {
		if strings.ContainsAny(c.text, "0123456789") {
			return false
		}
		for _, m := range metricPhrases {
			if strings.Contains(c.text, m.phrase) {
				named = true
			}
		}
	}
	return named
}

// metricOfHeader returns the metric the longest phrase in a header cell names
// for a number of this kind.
func metricOfHeader(h, kind string) (metric, phrase string) {
	for _, m := range metricPhrases {
		if contains(m.kinds, kind) && strings.Contains(h, m.phrase) && len(m.phrase) > len(phrase) {
			metric, phrase = m.metric, m.phrase
		}
	}
	return metric, phrase
}

func isTotalRow(label string) bool {
	label = strings.Trim(label, " ：:")
	for _, t := range totalRows {
		if label == t || strings.HasPrefix(label, t) {
			return true
		}
	}
	return false
}

// rowLabel is the nearest cell left of col with no digit in it: in a form
// the row's label (年度资金总额) sits just before its numbers, after the
// merged block label (项目资金（万元）).
func rowLabel(cells []pipeCell, col int) string {
	for c := col - 1; c >= 0; c-- {
		if t := cells[c].text; t != "" && !strings.ContainsAny(t, "0123456789") {
			return t
		}
	}
	return ""
}
