package selfeval

import (
	"regexp"
	"strings"

	"zipin/normalize"
	"zipin/schema"
)

// textIndicators reads indicator rows from flattened text where the layout
// keeps the row structure: pipe rows (one table row per line, cells between
// pipes, empty cells kept) and one cell per line ending in " |" (empty cells
// kept as a bare "|"), chunked by the header's width. One cell per line
// without pipes and space-separated runs lose empty cells, so a row cannot be
// told from the next; those are not read.
func textIndicators(r []rune, from, to int) []schema.Indicator {
	cols, end, ok := indHeader(r, from, to)
	if !ok {
		return nil
	}
	// Rows start on the line after the header's last cell.
	for end < to && r[end] != '\n' {
		end++
	}
	lines := strings.Split(string(r[end:to]), "\n")
	var cells [][]string // rows
	cellPerLine := false
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		parts := splitPipes(l)
		if len(parts) == 1 && strings.HasSuffix(l, "|") {
			cellPerLine = true
		}
		cells = append(cells, parts)
	}
	var rows [][]string
	if cellPerLine {
		var flatCells []string
		for _, c := range cells {
			if len(c) != 1 {
				break
			}
			flatCells = append(flatCells, c[0])
		}
		for i := 0; i+len(cols) <= len(flatCells); i += len(cols) {
			rows = append(rows, flatCells[i:i+len(cols)])
		}
	} else {
		rows = cells
	}
	var out []schema.Indicator
	var carry indRow
	for _, row := range rows {
		if len(row) == 0 {
			continue
		}
		if isTotalLabel(row[0]) || len(row) > 1 && isTotalLabel(row[1]) {
			break
		}
		if len(row) == len(cols)+1 {
			row = row[1:] // the 绩效指标 label column
		}
		if len(row) > len(cols) || len(row) < len(cols)-2 {
			break // not a row of this table
		}
		// Merged 一级/二级 cells are written once: right-align and carry them.
		ir := indRow{}
		off := len(cols) - len(row)
		for i, c := range row {
			ir[cols[i+off]] = c
		}
		for _, k := range []indCol{icLevel1, icLevel2} {
			if strings.TrimSpace(ir[k]) == "" && carry != nil {
				ir[k] = carry[k]
			}
		}
		if !plausibleRow(ir) {
			break
		}
		carry = ir
		if in, ok := indicator(ir); ok {
			out = append(out, in)
		}
	}
	return out
}

// plausibleRow: weight and score cells hold numbers or nothing.
func plausibleRow(ir indRow) bool {
	for _, k := range []indCol{icWeight, icScore} {
		s := strings.TrimSpace(ir[k])
		if s != "" && !isPlaceholder(s) && cellNum(s) == nil {
			return false
		}
	}
	return true
}

func isTotalLabel(s string) bool {
	c := cleanLabel(s)
	for _, t := range totalRowPhrases {
		if c == t {
			return true
		}
	}
	return false
}

// splitPipes splits "a | b ||| c |" into its cells, keeping inner empty cells
// and dropping the empty ends the pipes frame.
func splitPipes(l string) []string {
	if strings.TrimSpace(l) == "|" {
		return []string{""} // one empty cell, one cell per line
	}
	parts := strings.Split(l, "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	if len(parts) > 0 && parts[0] == "" && strings.HasPrefix(strings.TrimSpace(l), "|") {
		parts = parts[1:]
	}
	return parts
}

// indHeader finds the indicator header: a chain of at least four column
// phrases separated only by cell separators, naming the 三级指标 or 一级指标.
func indHeader(r []rune, from, to int) ([]indCol, int, bool) {
	ms := findPhrases(r[from:to], asTable(indColPhrases))
	for i := 0; i < len(ms); i++ {
		cols := []indCol{indCol(ms[i].key)}
		j := i + 1
		for ; j < len(ms); j++ {
			gap := strings.TrimSpace(strings.NewReplacer("|", "", "\n", "").Replace(string(r[from+ms[j-1].end : from+ms[j].start])))
			if gap != "" {
				break
			}
			cols = append(cols, indCol(ms[j].key))
		}
		has := map[indCol]bool{}
		for _, c := range cols {
			has[c] = true
		}
		if len(cols) >= 4 && (has[icName] || has[icLevel1]) && len(has) == len(cols) {
			return cols, from + ms[j-1].end, true
		}
		i = j - 1
	}
	return nil, 0, false
}

// goalItemRe splits the numbered 绩效目标 list: ①绩效目标：… 完成情况：… 目标完成率：100%.
var (
	goalItemRe   = regexp.MustCompile(`[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]\s*绩效目标[:：]`)
	goalActualRe = regexp.MustCompile(`完成情况[:：]`)
	goalRateRe   = regexp.MustCompile(`目标完成率[:：]\s*(\d+(?:\.\d+)?\s*[%％])`)
)

// narrativeGoals reads the numbered 绩效目标 list of the report's prose as
// indicators with level1 = 绩效目标: the goal as the name, 完成情况 as the
// actual, 目标完成率 in the note (and as the actual where 完成情况 is a rate).
func narrativeGoals(nd *normalize.Doc) []schema.Indicator {
	var out []schema.Indicator
	for pi := range nd.Pages {
		text := strings.ReplaceAll(nd.Pages[pi].Text, "\n", "")
		locs := goalItemRe.FindAllStringIndex(text, -1)
		for k, loc := range locs {
			end := len(text)
			if k+1 < len(locs) {
				end = locs[k+1][0]
			}
			item := text[loc[1]:end]
			if c := strings.IndexAny(item, "①②③④⑤⑥⑦⑧⑨⑩"); c >= 0 {
				item = item[:c]
			}
			name, rest, _ := strings.Cut(item, "完成情况")
			name = strings.TrimRight(strings.TrimSpace(name), "。；;，,")
			if name == "" {
				continue
			}
			l1 := "绩效目标"
			in := schema.Indicator{Level1: &l1, Name: name}
			if goalActualRe.MatchString("完成情况" + rest) {
				actual := strings.TrimLeft(rest, ":：")
				if i := strings.Index(actual, "目标完成率"); i >= 0 {
					actual = actual[:i]
				}
				actual = strings.TrimRight(strings.TrimSpace(actual), "。；;，,")
				if actual != "" {
					in.ActualText = &actual
					m := parseMeasure(actual)
					in.ActualValue = m.value
					if m.unit != "" && m.value != nil {
						in.Unit = schema.Ptr(m.unit)
					}
				}
			}
			if m := goalRateRe.FindStringSubmatch(item); m != nil {
				in.Note = schema.Ptr("目标完成率：" + strings.ReplaceAll(m[1], " ", ""))
			}
			out = append(out, in)
		}
	}
	return out
}
