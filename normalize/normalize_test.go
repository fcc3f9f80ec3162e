package normalize

import (
	"strings"
	"testing"

	"zipin/extract/doc"
	textreader "zipin/extract/text"
)

func page(s string) *doc.Document {
	return &doc.Document{Format: doc.FormatTXT, Pages: []doc.Page{{Number: 1, Blocks: textreader.Blocks(s), Method: "text", Quality: 1}}}
}

func normalized(t *testing.T, s string) Page {
	t.Helper()
	nd, err := Document(page(s))
	if err != nil {
		t.Fatal(err)
	}
	return nd.Pages[0]
}

func TestString(t *testing.T) {
	cases := []struct{ in, want string }{
		// width folding: digits and Latin fold, CJK punctuation stays
		{"预算数１２３．５万元", "预算数123.5万元"},
		{"ＡＢＣ项目（一期）：完成", "ABC项目（一期）：完成"},
		{"执行率９５％", "执行率95％"},
		{"全年\u3000预算", "全年 预算"},
		// spaces a text layer puts between numbers and CJK
		{"2021 年", "2021年"},
		{"救助 467 户 221.58 万元", "救助467户221.58万元"},
		{"局本部内设科室 3 个，分别是", "局本部内设科室3个，分别是"},
		{"部门预算总金额 803.74 万元其中", "部门预算总金额803.74万元其中"},
		// but not between the cells of a flattened table row
		{"本年财政拨款 90 89.974 89.974 上年结转", "本年财政拨款 90 89.974 89.974 上年结转"},
		{"年度资金总额: 0 0 0 10 0 0", "年度资金总额: 0 0 0 10 0 0"},
		{"道路里程 ≥180公里 186公里 10 10", "道路里程 ≥180公里 186公里 10 10"},
		// pinyin glosses
		{"預算資金1465萬(wàn)元", "预算资金1465万元"},
		{"執(zhí)行率34.3%", "执行率34.3%"},
		{"(一)资金安排", "(一)资金安排"},
		{"项目(2021)年", "项目(2021)年"},
		// traditional to simplified
		{"績效目標分解下達情況", "绩效目标分解下达情况"},
		{"補貼農機具200余臺", "补贴农机具200余台"},
		{"已经是简体", "已经是简体"},
	}
	for _, c := range cases {
		if got := String(c.in); got != c.want {
			t.Errorf("String(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestJoinWrappedLines(t *testing.T) {
	// A PDF text layer: prose wrapped at a fixed width with blank lines in
	// between, one heading, and a short line ending a paragraph.
	src := strings.Join([]string{
		"一、基本情况",
		"",
		"职能配置：负责退役军人思想政治和管理保障体系建设",
		"",
		"等工作，褒扬彰显退役军人等为党、国家和人民牺牲奉献的",
		"",
		"精神风范和价值导向；负责军队转业干部的移交安置工作。",
		"",
		"（二）年度总体工作",
		"",
		"Annual report of the bureau, written in English words",
		"continues here on the next line.",
	}, "\n")
	p := normalized(t, src)
	want := "一、基本情况\n" +
		"职能配置：负责退役军人思想政治和管理保障体系建设等工作，褒扬彰显退役军人等为党、国家和人民牺牲奉献的精神风范和价值导向；负责军队转业干部的移交安置工作。\n" +
		"（二）年度总体工作\n" +
		"Annual report of the bureau, written in English words continues here on the next line."
	if p.Text != want {
		t.Errorf("got\n%s\nwant\n%s", p.Text, want)
	}
}

func TestLongCellBeforeLabelIsNotJoined(t *testing.T) {
	src := strings.Join([]string{
		"年度总体目标", "", "预期目标", "",
		"完成全县农村公路养护里程一千二百公里，优良路率达到百分之八十以上并持续提升",
		"", "实际完成情况", "",
		"完成全县农村公路养护里程一千二百零六公里，优良路率达到百分之八十三点五",
		"", "绩效指标", "", "一级指标",
	}, "\n")
	p := normalized(t, src)
	for _, want := range []string{"持续提升\n实际完成情况\n", "三点五\n绩效指标"} {
		if !strings.Contains(p.Text, want) {
			t.Errorf("cells joined: %q", p.Text)
		}
	}
}

func TestCellsPerLineAreNotJoined(t *testing.T) {
	src := "年初预算数\n全年预算数\n全年执行数\n861.10\n2030.12\n2030.12\n"
	p := normalized(t, src)
	if p.Text != strings.TrimSpace(src) {
		t.Errorf("cells were joined: %q", p.Text)
	}
	pipes := "项目名称 |\n某某项目 |\n主管部门 |\n某某局 |"
	if p := normalized(t, pipes); p.Text != pipes {
		t.Errorf("pipe cells were joined: %q", p.Text)
	}
}

// The offset map is exact: every rune of the normalized text that a step did
// not change is the raw rune it maps to, and the map never goes backwards.
func TestOffsetMap(t *testing.T) {
	src := "績效目標 2021 年\n\n救助 467 户 221.58 萬(wàn)元，预算数１２３．５万元。\n（一）部门概况"
	p := normalized(t, src)
	raw := []rune(p.Raw)
	txt := p.Runes()
	if len(p.Map) != len(txt)+1 {
		t.Fatalf("map has %d entries for %d runes", len(p.Map), len(txt))
	}
	for i, r := range txt {
		if i > 0 && p.Map[i] < p.Map[i-1] {
			t.Fatalf("map goes backwards at %d", i)
		}
		src := raw[p.Map[i]]
		if r != src && String(string(src)) != string(r) && !(r == '\n' || r == ' ') && !(r == '.' && src == '．') {
			t.Errorf("rune %d %q maps to raw %q", i, r, src)
		}
	}
	if got := p.Text; !strings.Contains(got, "救助467户221.58万元") {
		t.Errorf("text %q", got)
	}
}

func TestHeadingsAndSections(t *testing.T) {
	src := strings.Join([]string{
		"某县民政局2023年度部门整体支出绩效自评报告",
		"一、部门基本情况",
		"（一）部门职能",
		"内设股室6个。",
		"(二)重点工作任务",
		"1.兜底保障",
		"全年发放低保金2815.36万元。",
		"（1）城市低保",
		"①资金发放",
		"二、预算执行情况",
		"全年预算数4655.02万元。",
		"1.5万亩农田不是标题。",
	}, "\n")
	nd, err := Document(page(src))
	if err != nil {
		t.Fatal(err)
	}
	p := &nd.Pages[0]
	var levels []int
	for _, h := range p.Headings {
		levels = append(levels, h.Level)
	}
	if got, want := levels, []int{1, 2, 2, 3, 4, 5, 1}; !equalInts(got, want) {
		t.Errorf("heading levels %v, want %v", got, want)
	}
	off := strings.Index(p.Text, "2815.36")
	if got := p.SectionAt(len([]rune(p.Text[:off]))); got != "一、部门基本情况 > (二)重点工作任务 > 1.兜底保障" {
		t.Errorf("section = %q", got)
	}
	off = strings.Index(p.Text, "4655.02")
	if got := p.SectionAt(len([]rune(p.Text[:off]))); got != "二、预算执行情况" {
		t.Errorf("section = %q", got)
	}
}

func TestTablesRenderedWithCellSpans(t *testing.T) {
	tbl := &doc.Table{Rows: 2, Cols: 3, Cells: []doc.Cell{
		{Row: 0, Col: 0, RowSpan: 2, ColSpan: 1, Text: "项目资金（万元）"},
		{Row: 0, Col: 1, RowSpan: 1, ColSpan: 1, Text: "全年预算数"},
		{Row: 0, Col: 2, RowSpan: 1, ColSpan: 1, Text: "全年执行数"},
		{Row: 1, Col: 1, RowSpan: 1, ColSpan: 1, Text: "４６５．５０"},
		{Row: 1, Col: 2, RowSpan: 1, ColSpan: 1, Text: "438.20"},
	}}
	d := &doc.Document{Pages: []doc.Page{{Number: 1, Blocks: []doc.Block{
		{Kind: doc.BlockParagraph, Lines: []doc.Line{{Text: "表1 资金情况"}}},
		{Kind: doc.BlockTable, Table: tbl},
	}}}}
	nd, err := Document(d)
	if err != nil {
		t.Fatal(err)
	}
	p := &nd.Pages[0]
	if len(p.Tables) != 1 {
		t.Fatalf("%d tables", len(p.Tables))
	}
	tb := p.Tables[0]
	if tb.Grid[1][0] != "项目资金（万元）" || tb.Grid[1][1] != "465.50" || tb.Grid[1][2] != "438.20" {
		t.Errorf("grid %q", tb.Grid)
	}
	for r := range tb.Grid {
		for c := range tb.Grid[r] {
			sp := tb.Cells[r][c]
			if got := p.Slice(sp.Start, sp.End); got != tb.Grid[r][c] {
				t.Errorf("cell %d,%d span %q, grid %q", r, c, got, tb.Grid[r][c])
			}
		}
	}
	if p.InTable(tb.Cells[1][1].Start) == nil {
		t.Error("cell offset not inside the table")
	}
}

// TestMergedCellOnce: a cell merged across many grid columns (a fine-grid
// form) is written once in the page text; the grid still carries it to
// every position, each pointing at that one span, so a number in it is one
// fact with one source.
func TestMergedCellOnce(t *testing.T) {
	const cols = 12
	tbl := &doc.Table{Rows: 3, Cols: cols, Cells: []doc.Cell{
		{Row: 0, Col: 0, RowSpan: 1, ColSpan: cols, Text: "项目预算412.60万元"},
		{Row: 1, Col: 0, RowSpan: 2, ColSpan: 2, Text: "单位"},
		{Row: 1, Col: 2, RowSpan: 1, ColSpan: cols - 2, Text: "县财政局"},
		{Row: 2, Col: 2, RowSpan: 1, ColSpan: 1, Text: "甲"},
	}}
	d := &doc.Document{Pages: []doc.Page{{Number: 1, Blocks: []doc.Block{{Kind: doc.BlockTable, Table: tbl}}}}}
	nd, err := Document(d)
	if err != nil {
		t.Fatal(err)
	}
	p := &nd.Pages[0]
	for _, s := range []string{"412.60", "单位", "县财政局"} {
		if n := strings.Count(p.Text, s); n != 1 {
			t.Errorf("%q appears %d times in %q", s, n, p.Text)
		}
	}
	tb := p.Tables[0]
	first := tb.Cells[0][0]
	for c := 0; c < cols; c++ {
		if tb.Grid[0][c] != "项目预算412.60万元" || tb.Cells[0][c] != first {
			t.Errorf("row 0 col %d: %q at %v, want the merged cell at %v", c, tb.Grid[0][c], tb.Cells[0][c], first)
		}
	}
	if tb.Grid[2][1] != "单位" || tb.Cells[2][1] != tb.Cells[1][0] || tb.Grid[2][3] != "" {
		t.Errorf("row 2: %q %v", tb.Grid[2], tb.Cells[2])
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// wrappedPage is a page as the PDF reader gives it: paragraphs whose lines
// the page geometry showed to be wrapped by the layout (doc.Block.Wrapped).
func wrappedPage(paras ...[]string) *doc.Document {
	p := doc.Page{Number: 1, Method: "tounicode", Quality: 1}
	for _, lines := range paras {
		b := doc.Block{Kind: doc.BlockParagraph, Wrapped: true}
		for _, l := range lines {
			b.Lines = append(b.Lines, doc.Line{Text: l, Box: doc.Rect{X0: 68, X1: 527}})
		}
		p.Blocks = append(p.Blocks, b)
	}
	return &doc.Document{Format: doc.FormatPDF, Pages: []doc.Page{p}}
}

// Where the reader settled a paragraph from the geometry, its lines are
// joined whatever the text looks like (a line ending in 。 or a short
// last-word line), and paragraphs are never joined to each other, even a
// wide one without final punctuation.
func TestWrappedBlocksFollowTheReader(t *testing.T) {
	d := wrappedPage(
		[]string{"关于2023年度高标准农田建设补助资金", "绩效自评情况的报告"},
		[]string{"发布时间: 2024-03-18 09:30 信息来源: 青溪县农业农村局 阅读次数"},
		[]string{"项目资金严格实行专款专用并按进度拨付。资金拨付程序合规。", "受益群众满意。"},
		[]string{"本项目自评得", "分96分，评价等级为优。"},
		[]string{"Annual report of the", "bureau"},
		[]string{"项目区灌溉保证率 | ≥85% | 87% | 10 | 10", "| 灌排工程全部建成"},
		// a pinyin gloss parted from its character by the wrap
		[]string{"農機購置補", "(bǔ)貼資金"},
		// a numbered heading after a finished sentence starts a line;
		// after an unfinished one it is running text
		[]string{"共开展技术指导4次。", "2.效益指标完成情况分析"},
		[]string{"保障学校的正常运转", "二、项目资金使用及管理情况"},
		// cells of a flattened row wrapped at the space between them
		[]string{"本年财政拨款 90", "89.974 89.974"},
		[]string{"其中：中央财政资金 3144.00 3144.00 自治区财政资金", "570.17 570.17 盟市财政资金"},
		[]string{"执行率 100%", "92% 10 10 2023-", "03-18"},
	)
	nd, err := Document(d)
	if err != nil {
		t.Fatal(err)
	}
	want := "关于2023年度高标准农田建设补助资金绩效自评情况的报告\n" +
		"发布时间: 2024-03-18 09:30 信息来源: 青溪县农业农村局 阅读次数\n" +
		"项目资金严格实行专款专用并按进度拨付。资金拨付程序合规。受益群众满意。\n" +
		"本项目自评得分96分，评价等级为优。\n" +
		"Annual report of the bureau\n" +
		"项目区灌溉保证率 | ≥85% | 87% | 10 | 10 | 灌排工程全部建成\n" +
		"农机购置补贴资金\n" +
		"共开展技术指导4次。\n2.效益指标完成情况分析\n" +
		"保障学校的正常运转二、项目资金使用及管理情况\n" +
		"本年财政拨款 90 89.974 89.974\n" +
		"其中：中央财政资金 3144.00 3144.00 自治区财政资金 570.17 570.17 盟市财政资金\n" +
		"执行率 100% 92% 10 10 2023-03-18"
	if got := nd.Pages[0].Text; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// The offset map still points every rune at the reader's text.
	p := nd.Pages[0]
	raw, txt := []rune(p.Raw), p.Runes()
	for i, r := range txt {
		if r == '\n' || r == ' ' {
			continue
		}
		if j := p.Map[i]; j < 0 || j >= len(raw) {
			t.Fatalf("rune %d %q maps outside the raw text (%d)", i, r, j)
		}
	}
	if i := strings.Index(p.Text, "96分"); i < 0 || string(raw[p.Map[len([]rune(p.Text[:i]))]]) != "9" {
		t.Errorf("96分 does not map to the raw 9")
	}
}
