package selfeval

import (
	"regexp"
	"strings"

	"zipin/normalize"
)

// textIndicators reads indicator rows from flattened text where the layout
// keeps the row structure: pipe rows (one table row per line, cells between
// pipes, empty cells kept) and one cell per line ending in " |" (empty cells
// kept as a bare "|"), chunked by the header's width. One cell per line
// without pipes and space-separated runs lose empty cells; they are read by
// the shape of a row (sequenceIndicators). Glued cells are not read.
func textIndicators(r []rune, from, to int) []Indicator {
	cols, hStart, hEnd, ok := indHeader(r, from, to)
	if !ok {
		return nil
	}
	// The header's own line(s), and the lines after it.
	ls := hStart
	for ls > from && r[ls-1] != '\n' {
		ls--
	}
	le := hEnd
	for le < to && r[le] != '\n' {
		le++
	}
	headerLine := string(r[ls:le])
	if !strings.Contains(headerLine, "|") {
		return sequenceIndicators(cols, r[hEnd:to])
	}
	var lines []string
	for _, l := range strings.Split(string(r[le:to]), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return nil
	}
	var rows []indRow
	if hc := strings.Split(headerLine, "|"); !strings.Contains(headerLine, "\n") && len(hc) > len(cols) && lines[0] != "|" && !strings.HasSuffix(lines[0], " |") || strings.Count(lines[0], "|") > 2 {
		rows = pipeRowLines(headerLine, lines)
	} else {
		rows = cellLines(cols, lines)
	}
	var out []Indicator
	var carry indRow
	for _, ir := range rows {
		if ir == nil {
			break
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

// pipeRowLines reads pipe rows positionally against the header line's cells:
// a pipe row keeps every cell's place, empty ones included; "||||" padding
// past the header's width is dropped. A nil row ends the table.
func pipeRowLines(headerLine string, lines []string) []indRow {
	hc := pipeSplit(headerLine)
	at := make([]indCol, len(hc))
	for i, h := range hc {
		at[i] = indCol(isLabel(h, indColTable))
	}
	var rows []indRow
	for _, l := range lines {
		cells := pipeSplit(l)
		for len(cells) > len(hc) && cells[len(cells)-1] == "" {
			cells = cells[:len(cells)-1]
		}
		if len(cells) > len(hc) || len(cells) < 2 || anyTotal(cells) {
			break
		}
		ir := indRow{}
		for i, c := range cells {
			if at[i] >= 0 {
				ir[at[i]] = c
			}
		}
		rows = append(rows, ir)
	}
	return append(rows, nil)
}

// cellLines reads one cell per line (each ending in " |", an empty cell a
// bare "|") in chunks of the header's width; a leading row-label column
// (绩效指标 spanning the table) makes rows one cell wider.
func cellLines(cols []indCol, lines []string) []indRow {
	var cells []string
	for _, l := range lines {
		if !strings.HasSuffix(l, "|") || strings.Count(l, "|") > 1 {
			break
		}
		c := strings.TrimSpace(strings.TrimSuffix(l, "|"))
		if isTotalLabel(c) {
			break
		}
		cells = append(cells, c)
	}
	for _, width := range []int{len(cols), len(cols) + 1} {
		if len(cells) == 0 || len(cells)%width != 0 {
			continue
		}
		var rows []indRow
		good := true
		for i := 0; i < len(cells); i += width {
			chunk := cells[i : i+width]
			chunk = chunk[width-len(cols):] // drop the row-label column
			ir := indRow{}
			for k, c := range chunk {
				ir[cols[k]] = c
			}
			if !plausibleRow(ir) {
				good = false
				break
			}
			rows = append(rows, ir)
		}
		if good {
			return rows
		}
	}
	return nil
}

func anyTotal(cells []string) bool {
	for _, c := range cells {
		if isTotalLabel(c) {
			return true
		}
	}
	return false
}

// pipeSplit splits a pipe row into trimmed cells, keeping empty ones.
func pipeSplit(l string) []string {
	parts := strings.Split(l, "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
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

// indHeader finds the indicator header: a chain of at least four column
// phrases separated only by cell separators, naming the 三级指标 or 一级指标.
func indHeader(r []rune, from, to int) ([]indCol, int, int, bool) {
	ms := findPhrases(r[from:to], indColTable)
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
			return cols, from + ms[i].start, from + ms[j-1].end, true
		}
		i = j - 1
	}
	return nil, 0, 0, false
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
func narrativeGoals(nd *normalize.Doc) []Indicator {
	var out []Indicator
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
			in := Indicator{Level1: &l1, Name: name}
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
						in.Unit = new(m.unit)
					}
				}
			}
			if m := goalRateRe.FindStringSubmatch(item); m != nil {
				in.Note = new("目标完成率：" + strings.ReplaceAll(m[1], " ", ""))
			}
			out = append(out, in)
		}
	}
	return out
}

// sequenceIndicators reads rows from cells that lost their empty neighbours
// (one cell per line, or one space-separated run). A row is recognised by its
// shape: the 一级/二级 labels from the standard vocabulary, then name, target,
// actual, and two numbers (分值, 得分); a cell after the score is the row's
// note unless two numbers follow it three cells on, which makes it the next
// row's name. Reading stops at 总分 or at the first cells that fit no row.
func sequenceIndicators(cols []indCol, rest []rune) []Indicator {
	// Only the standard column order can be read by shape.
	want := []indCol{icName, icTarget, icActual, icWeight, icScore}
	k := 0
	for _, c := range cols {
		if k < len(want) && c == want[k] {
			k++
		} else if c == icOp || c == icUnit {
			return nil
		}
	}
	if k < len(want) {
		return nil
	}
	text := string(rest)
	var cells []string
	if strings.Count(text, "\n") >= strings.Count(text, " ") {
		for _, l := range strings.Split(text, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				cells = append(cells, l)
			}
		}
	} else {
		cells = strings.Fields(text)
	}
	isNum := func(i int) bool { return i < len(cells) && cellNum(cells[i]) != nil }
	var out []Indicator
	var l1, l2 string
	for i := 0; i < len(cells); {
		c := cells[i]
		if isTotalLabel(c) {
			break
		}
		if lv, ok := levelOf(c, i+1 < len(cells) && isLevel2(cells[i+1])); ok {
			if lv == 1 {
				l1, l2 = cleanLabel(c), ""
			} else {
				l2 = cleanLabel(c)
			}
			i++
			continue
		}
		if i+4 >= len(cells) || !isNum(i+3) || !isNum(i+4) || isNum(i) {
			break
		}
		ir := indRow{icLevel1: l1, icLevel2: l2, icName: c, icTarget: cells[i+1], icActual: cells[i+2], icWeight: cells[i+3], icScore: cells[i+4]}
		i += 5
		if i < len(cells) && !isTotalLabel(cells[i]) && !isLevel1(cells[i]) && !isLevel2(cells[i]) && !(isNum(i+3) && isNum(i+4)) && !isNum(i) {
			ir[icNote] = cells[i]
			i++
		}
		if in, ok := indicator(ir); ok {
			out = append(out, in)
		}
	}
	return out
}

// levelOf says whether a cell is a 一级 (1) or 二级 (2) label. 满意度指标 is
// both: it is the 一级 label when a 二级 label follows it or it carries its
// points ("满意度指标（10分）").
func levelOf(c string, nextIsLevel2 bool) (int, bool) {
	l1, l2 := isLevel1(c), isLevel2(c)
	switch {
	case l1 && l2:
		if nextIsLevel2 || level1Suffix.MatchString(c) {
			return 1, true
		}
		return 2, true
	case l1:
		return 1, true
	case l2:
		return 2, true
	}
	return 0, false
}

func isLevel1(c string) bool { return inList(cleanLabel(c), level1Labels) }
func isLevel2(c string) bool { return inList(cleanLabel(c), level2Labels) }

func inList(s string, list []string) bool {
	for _, x := range list {
		if s == x {
			return true
		}
	}
	return false
}
