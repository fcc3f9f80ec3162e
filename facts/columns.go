package facts

import (
	"slices"
	"strings"
	"zipin/quantity"
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

// metricOfHeader returns the metric the longest phrase in a header cell names
// for a number of this kind.
func metricOfHeader(h string, kind quantity.Kind) (metric Metric, phrase string) {
	for _, m := range metricPhrases {
		if slices.Contains(m.kinds, kind) && strings.Contains(h, m.phrase) && len(m.phrase) > len(phrase) {
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

// headerPrefixes and headerSuffixes are words a form writes around a column
// name without changing what the column holds: 年度预算数 is the 年度预算
// column, 本年实际支出数 the 实际支出 one. A header cell so written is a
// known column, not a cell to drop (dropping it shifts every value after it
// one column to the left).
var (
	headerPrefixes = []string{"本年度", "年度", "全年", "本年", "当年", "项目"}
	headerSuffixes = []string{"金额", "数", "额"}
)

// affixedHeader reports whether name is label with at most one prefix and
// one suffix of headerPrefixes and headerSuffixes around it.
func affixedHeader(name, label string) bool {
	i := strings.Index(name, label)
	if i < 0 {
		return false
	}
	pre, suf := name[:i], name[i+len(label):]
	return (pre == "" || slices.Contains(headerPrefixes, pre)) && (suf == "" || slices.Contains(headerSuffixes, suf))
}
