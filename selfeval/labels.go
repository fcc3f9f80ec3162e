package selfeval

import (
	"regexp"
	"sort"
	"strings"
)

// This file holds the vocabulary of the 自评表 as data: the phrases each
// column header and row label is written with across the templates in use
// (the Ministry of Finance form, provincial budget-system exports, central
// transfer-payment forms). Extend a list to teach the extractor a new
// template; order within a list does not matter (longer phrases win).

// fundCol is a column of the funding block.
type fundCol int

const (
	colInitial  fundCol = iota // 年初预算数
	colBudget                  // 全年预算数 (the adjusted budget)
	colExecuted                // 全年执行数
	colWeight                  // 分值 of the execution-rate indicator
	colRate                    // 执行率
	colScore                   // 得分
	numFundCols
)

var fundColNames = [...]string{"年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"}

func (c fundCol) String() string {
	if c < 0 || c >= numFundCols {
		return "?"
	}
	return fundColNames[c]
}

// standardFundCols is the column order of the standard form, used when a
// flattened table lost its header.
var standardFundCols = []fundCol{colInitial, colBudget, colExecuted, colWeight, colRate, colScore}

// fundColPhrases: header text → funding column.
var fundColPhrases = map[fundCol][]string{
	colInitial:  {"年初预算数", "年初预算", "年初数"},
	colBudget:   {"全年预算数", "全年预算", "调整后预算数", "调整后预算", "预算调整数", "调整预算数"},
	colExecuted: {"全年执行数", "全年执行", "预算执行数", "实际执行数", "执行数", "实际支出数"},
	colWeight:   {"分值", "权重"},
	colRate:     {"预算执行率", "执行率"},
	colScore:    {"自评得分", "得分"},
}

// fundRow is a row of the funding block.
type fundRow int

const (
	rowTotal  fundRow = iota // 年度资金总额
	rowFiscal                // 其中：财政拨款
	rowCarry                 // 上年结转
	rowOther                 // 其他资金
)

// fundRowPhrases: row label → funding row. 其中 and colons around them are
// ignored when matching.
var fundRowPhrases = map[fundRow][]string{
	rowTotal:  {"年度资金总额", "资金总额"},
	rowFiscal: {"财政拨款", "财政资金", "本年财政拨款", "当年财政拨款"},
	rowCarry:  {"上年结转", "上年结余"},
	rowOther:  {"其他资金", "单位资金", "财政专户管理资金"},
}

// fundTotalCells label the total row when they are the whole cell (budget
// system exports write a bare 总额).
var fundTotalCells = []string{"总额", "合计", "总计"}

// fundBlockStarts open the funding block in flattened text; the header
// phrases are looked for after the last of these before 年度资金总额.
var fundBlockStarts = []string{"项目资金", "资金投入情况", "预算执行情况", "年度预算申请", "年度预算数", "资金情况"}

// projectFields: label → project field. The value is the next cell.
type projField int

const (
	fieldProject projField = iota
	fieldDepartment
	fieldImplementer
	// fieldOther are labels that contain a field's phrase but are not that
	// field: the central ministry of a transfer payment is not the local
	// 主管部门 the report's unit answers to.
	fieldOther
	numFields
)

var projFieldPhrases = map[projField][]string{
	fieldProject:     {"项目名称", "转移支付(项目)名称", "转移支付（项目）名称", "转移支付名称"},
	fieldDepartment:  {"主管部门", "地方主管部门", "预算部门", "预算部门、单位名称", "预算单位名称", "部门(单位)名称", "部门（单位）名称"},
	fieldImplementer: {"实施单位", "资金使用单位", "项目实施单位"},
	fieldOther:       {"中央主管部门"},
}

// projStopPhrases end a project field's value in flattened text: the next
// label of the form.
var projStopPhrases = []string{
	"主管部门", "实施单位", "项目资金", "资金投入情况", "年度资金总额", "预算执行情况", "项目基本情况",
	"项目负责人", "年初预算数", "中央主管部门", "地方主管部门", "资金使用单位", "联系电话", "项目属性",
}

// indCol is a column of the indicator table.
type indCol int

const (
	icLevel1 indCol = iota
	icLevel2
	icName
	icOp // 指标性质 (some exports put ≥ = ≤ in a column of their own)
	icTarget
	icUnit // 度量单位
	icActual
	icWeight
	icScore
	icNote
	numIndCols
)

// indColPhrases: header text → indicator column.
var indColPhrases = map[indCol][]string{
	icLevel1: {"一级指标", "一级 指标"},
	icLevel2: {"二级指标", "二级 指标"},
	icName:   {"三级指标", "三级 指标", "具体指标"},
	icOp:     {"指标性质"},
	icTarget: {"年度指标值", "年度 指标值", "指标值", "年度目标值", "目标值", "预期指标值"},
	icUnit:   {"度量单位", "计量单位"},
	icActual: {"实际完成值", "实际 完成值", "全年实际完成值", "完成值", "实际完成情况"},
	icWeight: {"分值", "分 值", "权重"},
	icScore:  {"得分", "得 分", "自评得分"},
	icNote:   {"偏差原因分析及改进措施", "偏差原因分析", "未完成原因分析", "原因分析", "备注", "偏差原因"},
}

// level1Labels and level2Labels are the standard indicator vocabulary (the
// 2021 framework adds 成本指标 as a 一级 label, with 经济/社会/生态环境成本指标
// under it). Flattened rows that lost their empty cells are read by it.
var (
	level1Labels = []string{"产出指标", "效益指标", "满意度指标", "成本指标"}
	level2Labels = []string{"数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标",
		"生态效益指标", "可持续影响指标", "服务对象满意度指标", "满意度指标", "经济成本指标", "社会成本指标",
		"生态环境成本指标"}
)

// totalRowPhrases label the indicator table's total row.
var totalRowPhrases = []string{"总分", "合计", "总计"}

// unitRe finds the money unit a block label declares: （万元） or （元）,
// also with a missing closing bracket as some exports print it.
var unitRe = regexp.MustCompile(`(?:[（(]\s*|单位\s*[:：]\s*)(万元|元)`)

// level1Suffix strips "（50分）" from "产出指标（50分）".
var level1Suffix = regexp.MustCompile(`\s*[（(]\s*\d+(?:\.\d+)?\s*分?\s*[)）]\s*$`)

// cleanLabel strips what decorates a label but is not its name: spaces the
// PDF layer inserts between characters, 其中, colons, score suffixes.
func cleanLabel(s string) string {
	s = strings.TrimSpace(s)
	// The score suffix ends in a closing parenthesis; most cells have none,
	// and the expression would still read each of them through.
	if strings.HasSuffix(s, ")") || strings.HasSuffix(s, "）") {
		s = level1Suffix.ReplaceAllString(s, "")
	}
	return strings.Join(strings.Fields(s), "")
}

// phraseMatch is one phrase found in a text.
type phraseMatch struct {
	start, end int // rune offsets
	key        int
	phrase     string
}

// findPhrases finds non-overlapping occurrences of the phrases in r, longer
// phrases first at each position, scanning left to right.
func findPhrases(r []rune, table map[int][]string) []phraseMatch {
	type ph struct {
		rs  []rune
		key int
	}
	var all []ph
	for k, list := range table {
		for _, p := range list {
			all = append(all, ph{[]rune(p), k})
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if len(all[i].rs) != len(all[j].rs) {
			return len(all[i].rs) > len(all[j].rs)
		}
		return string(all[i].rs) < string(all[j].rs)
	})
	var out []phraseMatch
	for i := 0; i < len(r); {
		hit := false
		for _, p := range all {
			if hasRunes(r, i, p.rs) {
				out = append(out, phraseMatch{i, i + len(p.rs), p.key, string(p.rs)})
				i += len(p.rs)
				hit = true
				break
			}
		}
		if !hit {
			i++
		}
	}
	return out
}

func hasRunes(r []rune, i int, p []rune) bool {
	if i+len(p) > len(r) {
		return false
	}
	for k, c := range p {
		if r[i+k] != c {
			return false
		}
	}
	return true
}

// matchCell returns the key whose phrase the cell contains (after
// cleaning), preferring the longest phrase, or -1.
func matchCell(cell string, table map[int][]string) int {
	c := cleanLabel(cell)
	best, bestLen := -1, 0
	for k, list := range table {
		for _, p := range list {
			p = strings.ReplaceAll(p, " ", "")
			if strings.Contains(c, p) && (len(p) > bestLen || len(p) == bestLen && k < best) {
				best, bestLen = k, len(p)
			}
		}
	}
	return best
}

// The phrase tables as the generic matchers take them, converted once
// rather than for every cell a form's rows are matched against.
var (
	fundColTable   = asTable(fundColPhrases)
	fundRowTable   = asTable(fundRowPhrases)
	projFieldTable = asTable(projFieldPhrases)
	indColTable    = asTable(indColPhrases)
)

// asTable converts a typed phrase table for the generic matchers.
func asTable[K ~int](m map[K][]string) map[int][]string {
	out := make(map[int][]string, len(m))
	for k, v := range m {
		out[int(k)] = v
	}
	return out
}
