//go:build ignore

// gen writes the selfeval fixtures: fictional 自评表 forms as an HTML grid with
// merged cells, and the same form flattened the ways real pages lose their
// grid. Run from the repository root:
//
//	go run testdata/selfeval/gen.go
//
// The content is invented (no real report's text); selfeval's tests check
// every cell of every file against the form described here.
package main

import (
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"
)

// c is one cell: its text and how many rows and columns it spans.
type c struct {
	t      string
	rs, cs int
}

func t(s string) c                { return c{s, 1, 1} }
func span(s string, rs, cs int) c { return c{s, rs, cs} }

// formRoad is a project form in 万元 with merged cells throughout: the funding
// label spans four rows, 一级/二级 labels span their indicators, 一级 labels
// carry their points ("产出指标（50分）").
func formRoad() [][]c {
	return [][]c{
		{span("项目名称", 1, 2), span("乡村道路养护专项资金", 1, 7)},
		{span("主管部门", 1, 2), span("青溪县交通运输局", 1, 3), t("实施单位"), span("青溪县公路养护中心", 1, 3)},
		{span("项目资金（万元）", 4, 2), t(""), t("年初预算数"), t("全年预算数"), t("全年执行数"), t("分值"), t("执行率"), t("得分")},
		{t("年度资金总额"), t("260.00"), t("285.40"), t("271.13"), t("10"), t("95.0%"), t("9.5")},
		{t("其中：本年财政拨款"), t("260.00"), t("270.40"), t("256.13"), t("—"), t("94.7%"), t("—")},
		{t("上年结转资金"), t("0.00"), t("15.00"), t("15.00"), t("—"), t("100.0%"), t("—")},
		{span("年度总体目标", 2, 1), span("预期目标", 1, 4), span("实际完成情况", 1, 4)},
		{span("完成县乡道路日常养护不少于180公里，及时处治路面病害，保障群众安全出行。", 1, 4), span("全年养护县乡道路186公里，处治坑槽、裂缝等病害2.3万平方米。", 1, 4)},
		{span("绩效指标", 9, 1), t("一级指标"), t("二级指标"), t("三级指标"), t("年度指标值"), t("实际完成值"), t("分值"), t("得分"), t("偏差原因分析及改进措施")},
		{span("产出指标（50分）", 5, 1), span("数量指标", 2, 1), t("日常养护里程"), t("≥180公里"), t("186公里"), t("15"), t("15"), t("")},
		{t("病害处治面积"), t("≥2万平方米"), t("2.3万平方米"), t("10"), t("10"), t("")},
		{t("质量指标"), t("养护路段优良率"), t("≥85%"), t("88.6%"), t("10"), t("10"), t("")},
		{t("时效指标"), t("养护任务完成时限"), t("12个月内"), t("12个月"), t("5"), t("5"), t("")},
		{t("成本指标"), t("每公里养护成本"), t("≤1.6万元"), t("1.46万元"), t("10"), t("10"), t("")},
		{span("效益指标（30分）", 2, 1), t("社会效益指标"), t("群众出行条件改善"), t("效果明显"), t("达成预期指标"), t("15"), t("14"), t("雨季部分村道积水，下年度增设排水边沟。")},
		{t("可持续影响指标"), t("道路使用年限延长"), t("≥2年"), t("2年"), t("15"), t("15"), t("")},
		{t("满意度指标（10分）"), t("服务对象满意度指标"), t("沿线群众满意度"), t("100百分比"), t("96百分比"), t("10"), t("9"), t("")},
		{span("总分", 1, 6), t("100"), t("97.5"), t("")},
	}
}

// formMeals is a second project, in 元 with thousands separators.
func formMeals() [][]c {
	return [][]c{
		{span("项目名称", 1, 2), span("老年人助餐服务补贴", 1, 7)},
		{span("主管部门", 1, 2), span("青溪县民政局", 1, 3), t("实施单位"), span("青溪县养老服务指导中心", 1, 3)},
		{span("项目资金（元）", 3, 2), t(""), t("年初预算数"), t("全年预算数"), t("全年执行数"), t("分值"), t("执行率"), t("得分")},
		{t("年度资金总额"), t("1,200,000.00"), t("1,150,000.00"), t("1,092,500.00"), t("10"), t("95%"), t("9.5")},
		{t("其中：当年财政拨款"), t("1,200,000.00"), t("1,150,000.00"), t("1,092,500.00"), t("—"), t("95%"), t("—")},
		{span("绩效指标", 4, 1), t("一级指标"), t("二级指标"), t("三级指标"), t("年度指标值"), t("实际完成值"), t("分值"), t("得分"), t("偏差原因分析及改进措施")},
		{t("产出指标"), t("数量指标"), t("助餐服务人次"), t("≥3万人次"), t("3.2万人次"), t("40"), t("40"), t("")},
		{t("效益指标"), t("社会效益指标"), t("老年人就餐便利度"), t("明显提升"), t("明显提升"), t("40"), t("38"), t("午餐时段排队较长，已增设取餐窗口。")},
		{t("满意度指标"), t("服务对象满意度指标"), t("就餐老人满意度"), t("≥90%"), t("93%"), t("10"), t("10"), t("")},
		{span("总分", 1, 6), t("100"), t("97.5"), t("")},
	}
}

// formFlawed breaks each cross-check once: the execution-rate score is not
// 80% × 10, one score exceeds its 分值, one actual misses its target with
// full marks, and the scores do not add up to 总分.
func formFlawed() [][]c {
	return [][]c{
		{span("项目名称", 1, 2), span("农村公厕管护经费", 1, 7)},
		{span("项目资金（万元）", 2, 2), t(""), t("年初预算数"), t("全年预算数"), t("全年执行数"), t("分值"), t("执行率"), t("得分")},
		{t("年度资金总额"), t("50.00"), t("50.00"), t("40.00"), t("10"), t("80%"), t("10")},
		{span("绩效指标", 4, 1), t("一级指标"), t("二级指标"), t("三级指标"), t("年度指标值"), t("实际完成值"), t("分值"), t("得分"), t("偏差原因分析及改进措施")},
		{t("产出指标"), t("数量指标"), t("管护公厕座数"), t("≥120座"), t("120座"), t("30"), t("32"), t("")},
		{t("产出指标"), t("质量指标"), t("公厕完好率"), t("≥95%"), t("90%"), t("30"), t("30"), t("")},
		{t("满意度指标"), t("服务对象满意度指标"), t("村民满意度"), t("≥90%"), t("92%"), t("30"), t("28"), t("")},
		{span("总分", 1, 6), t("100"), t("95"), t("")},
	}
}

// formSystem is a provincial budget-system export: a bare 总额 row label,
// 调整后预算数 / 权重 headers with the unit on a group label, a separate
// 指标性质 and 度量单位 column, a 合计 row.
func formSystem() [][]c {
	return [][]c{
		{t("项目名称"), span("空气质量自动监测站运维经费", 1, 9)},
		{t("主管部门"), span("青溪县生态环境分局", 1, 4), t("实施单位（盖章）"), span("青溪县环境监测站", 1, 4)},
		{span("预算执行情况（10分）", 4, 1), t("年度预算数（万元）"), t("年初预算"), t("调整后预算数"), t("预算执行数"), t("预算执行率"), t("权重"), t("得分"), span("原因", 1, 2)},
		{t("总额"), t("56.00"), t("58.40"), t("55.48"), t("95.00%"), t("10"), t("9.5"), span("", 1, 2)},
		{t("其中：财政资金"), t("56.00"), t("58.40"), t("55.48"), t("95.00%"), t("/"), t("/"), span("", 1, 2)},
		{t("其他资金"), t(""), t(""), t(""), t(""), t("/"), t("/"), span("", 1, 2)},
		{span("绩效指标（90分）", 1, 10)},
		{t("一级指标"), t("二级指标"), t("三级指标"), t("指标性质"), t("指标值"), t("度量单位"), t("完成值"), t("权重"), t("得分"), t("未完成原因分析")},
		{t("产出指标"), t("数量指标"), t("监测站点运维数量"), t("≥"), t("24"), t("个"), t("24"), t("30"), t("30"), t("")},
		{t("产出指标"), t("质量指标"), t("数据有效率"), t("≥"), t("90"), t("%"), t("93.5"), t("20"), t("20"), t("")},
		{t("效益指标"), t("社会效益指标"), t("空气质量优良天数比率"), t("≥"), t("85"), t("%"), t("83.2"), t("20"), t("16"), t("春季沙尘天气偏多")},
		{t("满意度指标"), t("服务对象满意度指标"), t("公众满意度"), t("≥"), t("90"), t("%"), t("92"), t("20"), t("20"), t("")},
		{span("合计", 1, 7), t("100"), t("95.5"), t("")},
	}
}

// formTransfer is a central transfer-payment form: (A)/(B) headers, a
// central ministry beside the local 主管部门, no 年初预算数, no scores.
func formTransfer() [][]c {
	return [][]c{
		{t("转移支付（项目）名称"), span("农机购置补贴资金", 1, 5)},
		{t("中央主管部门"), span("农业农村部", 1, 5)},
		{t("地方主管部门"), span("青溪县农业农村局", 1, 2), t("资金使用单位"), span("青溪县农机服务站", 1, 2)},
		{span("资金投入情况（万元）", 4, 1), t(""), t("全年预算数（A）"), t("全年执行数（B）"), span("预算执行率（B/A×100%）", 1, 2)},
		{t("年度资金总额："), t("412.6"), t("398.3"), span("96.5%", 1, 2)},
		{t("其中：中央财政资金"), t("400"), t("386.3"), span("96.6%", 1, 2)},
		{t("地方财政资金"), t("12.6"), t("12"), span("95.2%", 1, 2)},
		{span("绩效指标", 4, 1), t("一级指标"), t("二级指标"), t("三级指标"), t("指标值"), t("全年实际完成值")},
		{span("产出指标", 2, 1), t("数量指标"), t("补贴机具数量"), t("≥260台（套）"), t("274台（套）")},
		{t("时效指标"), t("补贴资金兑付及时率"), t("≥95%"), t("97.1%")},
		{t("效益指标"), t("社会效益指标"), t("农作物耕种收综合机械化率"), t("≥75%"), t("76.3%")},
	}
}

// formDept is a department-level form: the unit's name instead of a
// project, 自评得分 that is only the execution-rate score, a unit label
// missing its closing bracket.
func formDept() [][]c {
	return [][]c{
		{t("预算部门、单位名称"), span("青溪县统计局", 1, 7)},
		{span("年度预算申请（万元", 2, 1), t(""), t("年初预算数"), t("全年预算数"), t("全年执行数"), t("分值"), t("执行率"), t("自评得分")},
		{t("年度资金总额"), t("318.40"), t("342.75"), t("336.90"), t("10"), t("98.29%"), t("9.8")},
		{span("年度总体目标", 2, 1), span("预期目标", 1, 3), span("实际完成情况", 1, 4)},
		{span("按时完成常规统计调查任务，数据质量达标。", 1, 3), span("完成全部常规统计调查任务，数据差错率低于规定标准。", 1, 4)},
	}
}

// formDeptWrapped is formDept with long goal cells that end without a full
// stop, which a wrapped-line joiner takes for one sentence running on.
func formDeptWrapped() [][]c {
	f := formDept()
	f[4] = []c{span("按时保质完成本年度各项常规统计调查和专项调查任务并确保主要统计数据真实准确完整及时", 1, 3),
		span("全年完成常规统计调查和专项调查任务共计二十三项主要统计数据经复核未发现重大差错情况", 1, 4)}
	return append(f, []c{t("说明"), span("本表数据来源于部门决算报表和统计业务管理台账并经单位财务部门与业务科室共同复核确认无误", 1, 7)})
}

// grid lays the cells out on a rows×cols grid; covered positions point at
// their anchor so that each flattening can decide what to write there.
type pos struct {
	cell   *c
	anchor bool
}

func layout(rows [][]c) [][]pos {
	width := 0
	for _, cl := range rows[0] {
		width += cl.cs
	}
	g := make([][]pos, len(rows))
	for i := range g {
		g[i] = make([]pos, width)
	}
	for r, row := range rows {
		col := 0
		for i := range row {
			cl := &row[i]
			for col < width && g[r][col].cell != nil {
				col++
			}
			for dr := 0; dr < cl.rs && r+dr < len(g); dr++ {
				for dc := 0; dc < cl.cs && col+dc < width; dc++ {
					g[r+dr][col+dc] = pos{cl, dr == 0 && dc == 0}
				}
			}
			col += cl.cs
		}
	}
	return g
}

func htmlDoc(title string, forms ...[][]c) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" + title + "</title></head><body>\n")
	for _, f := range forms {
		b.WriteString("<h2>项目支出绩效自评表</h2>\n<p>（2024年度）</p>\n<table border=\"1\">\n")
		for _, row := range f {
			b.WriteString("<tr>")
			for _, cl := range row {
				attr := ""
				if cl.rs > 1 {
					attr += fmt.Sprintf(" rowspan=\"%d\"", cl.rs)
				}
				if cl.cs > 1 {
					attr += fmt.Sprintf(" colspan=\"%d\"", cl.cs)
				}
				b.WriteString("<td" + attr + ">" + html.EscapeString(cl.t) + "</td>")
			}
			b.WriteString("</tr>\n")
		}
		b.WriteString("</table>\n")
	}
	b.WriteString("</body></html>\n")
	return b.String()
}

// anchors lists each merged cell once, in reading order: what a converter
// that loses the grid writes.
func anchors(rows [][]c) [][]string {
	var out [][]string
	for _, row := range rows {
		var r []string
		for _, cl := range row {
			r = append(r, cl.t)
		}
		out = append(out, r)
	}
	return out
}

const head = "项目支出绩效自评表\n（2024年度）\n"

// cellPerLine: every cell on its own line, a blank line between cells, empty
// cells lost (a portal's "copy text" of a Word table).
func cellPerLine(rows [][]c) string {
	var cells []string
	for _, r := range anchors(rows) {
		for _, s := range r {
			if s != "" {
				cells = append(cells, s)
			}
		}
	}
	return head + "\n" + strings.Join(cells, "\n\n") + "\n"
}

// pipeCells: every grid position on its own line ending in " |", a covered
// or empty position as a bare "|" (a budget-system export).
func pipeCells(rows [][]c) string {
	var b strings.Builder
	b.WriteString(head)
	for _, row := range layout(rows) {
		for _, p := range row {
			if p.anchor && p.cell.t != "" {
				b.WriteString(p.cell.t + " |\n")
			} else {
				b.WriteString("|\n")
			}
		}
	}
	return b.String()
}

// pipeRows: one grid row per line, cells between pipes, covered positions
// empty, each row padded with "||||" (a markdown-like scrape).
func pipeRows(rows [][]c) string {
	var b strings.Builder
	b.WriteString(head)
	for _, row := range layout(rows) {
		var cells []string
		for _, p := range row {
			if p.anchor {
				cells = append(cells, p.cell.t)
			} else {
				cells = append(cells, "")
			}
		}
		b.WriteString(strings.Join(cells, " | ") + " ||||\n")
	}
	return b.String()
}

// spaceLine: the whole form on one line, cells separated by single spaces.
func spaceLine(rows [][]c) string {
	var cells []string
	for _, r := range anchors(rows) {
		for _, s := range r {
			if s != "" {
				cells = append(cells, s)
			}
		}
	}
	return strings.ReplaceAll(head, "\n", " ") + strings.Join(cells, " ") + "\n"
}

// spaceLineLabelsAfter is spaceLine as a PDF text layer writes it when the
// funding rows' labels are centred vertically: each label after its numbers.
func spaceLineLabelsAfter(rows [][]c) string {
	after := map[string]bool{"年度资金总额": true, "其中：本年财政拨款": true, "上年结转资金": true}
	var cells []string
	for _, r := range anchors(rows) {
		var label string
		for _, s := range r {
			switch {
			case after[s]:
				label = s
			case s != "":
				cells = append(cells, s)
			}
		}
		if label != "" {
			cells = append(cells, label)
		}
	}
	return strings.ReplaceAll(head, "\n", " ") + strings.Join(cells, " ") + "\n"
}

// glued: the cells run together with no separator at all.
func glued(rows [][]c) string {
	var b strings.Builder
	b.WriteString("项目支出绩效自评表（2024年度）")
	for _, r := range anchors(rows) {
		for _, s := range r {
			if s != "—" {
				b.WriteString(s)
			}
		}
	}
	return b.String() + "\n"
}

// formAmbiguous is a glued form whose funding digits split more than one way
// under the form's arithmetic: 1|1|1|1|100% and 11|11|100% both hold.
const formAmbiguous = "项目名称村级档案数字化补助主管部门青溪县档案馆实施单位青溪县档案馆项目资金（万元）年初预算数全年预算数全年执行数分值执行率得分年度资金总额1111100%其中：当年财政拨款上年结转资金其他资金\n"

// goals is the narrative 绩效目标 list of a report's prose.
const goals = `三、绩效目标完成情况
本年度预算安排的绩效目标完成情况如下：
①绩效目标：完成全县农村公路日常养护，保障道路通行。完成情况：100%。目标完成率：100%。
②绩效目标：开展农村客运站点安全检查。完成情况：检查站点46个。目标完成率：100.0%。
③绩效目标：推进“四好农村路”示范创建。完成情况：示范创建已通过市级验收。目标完成率：95%。
`

func main() {
	dir := filepath.Join("testdata", "selfeval")
	files := map[string]string{
		"merged.html":            htmlDoc("乡村道路养护专项资金绩效自评表", formRoad()),
		"two-projects.html":      htmlDoc("项目支出绩效自评表", formRoad(), formMeals()),
		"flawed.html":            htmlDoc("农村公厕管护经费绩效自评表", formFlawed()),
		"cell-per-line.txt":      cellPerLine(formRoad()),
		"pipe-cells.txt":         pipeCells(formRoad()),
		"pipe-rows.txt":          pipeRows(formRoad()),
		"one-table.html":         htmlDoc("项目支出绩效自评表", append(formRoad(), formMeals()...)),
		"dept-wrapped-lines.txt": cellPerLine(formDeptWrapped()),
		"labels-after.txt":       spaceLineLabelsAfter(formRoad()),
		"space-line.txt":         spaceLine(formRoad()),
		"glued.txt":              glued(formRoad()) + glued(formMeals()),
		"glued-ambiguous.txt":    formAmbiguous,
		"goals.txt":              goals,
		"system.html":            htmlDoc("空气质量自动监测站运维经费绩效自评表", formSystem()),
		"transfer.html":          htmlDoc("农机购置补贴资金绩效自评表", formTransfer()),
		"dept.html":              htmlDoc("部门整体支出绩效自评表", formDept()),
		"system-cells.txt":       pipeCells(formSystem()),
		"transfer-rows.txt":      pipeRows(formTransfer()),
		"dept-lines.txt":         cellPerLine(formDept()),
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
