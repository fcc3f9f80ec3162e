package selfeval

import (
	"reflect"
	"testing"

	"zipin/quantity"
)

// The fixtures under testdata/selfeval are written by testdata/selfeval/gen.go.
func fixture(t *testing.T, name string) *Result {
	t.Helper()
	return Extract(readDoc(t, "../testdata/selfeval/"+name))
}

// roadProject is formRoad's projects row; roadIndicators its indicator rows
// (the goal row first, as the grid gives it).
func roadProject(seq int) Project {
	return Project{
		Seq: seq, Name: s("乡村道路养护专项资金"), Department: s("青溪县交通运输局"), Implementer: s("青溪县公路养护中心"),
		BudgetInitial: wan("260"), Budget: wan("285.4"), Executed: wan("271.13"), ExecutionRate: f(95),
		TotalWeight: f(100), TotalScore: f(97.5), Page: 1,
	}
}

func roadGoal() Indicator {
	return ind("年度总体目标", "", "年度总体目标", "完成县乡道路日常养护不少于180公里，及时处治路面病害，保障群众安全出行。", "", nil,
		"全年养护县乡道路186公里，处治坑槽、裂缝等病害2.3万平方米。", nil, "", nil, nil, "")
}

func roadIndicators() []Indicator {
	return []Indicator{
		ind("产出指标", "数量指标", "日常养护里程", "≥180公里", "≥", f(180), "186公里", f(186), "公里", f(15), f(15), ""),
		ind("产出指标", "数量指标", "病害处治面积", "≥2万平方米", "≥", f(2), "2.3万平方米", f(2.3), "万平方米", f(10), f(10), ""),
		ind("产出指标", "质量指标", "养护路段优良率", "≥85%", "≥", f(85), "88.6%", f(88.6), "%", f(10), f(10), ""),
		ind("产出指标", "时效指标", "养护任务完成时限", "12个月内", "≤", f(12), "12个月", f(12), "个月", f(5), f(5), ""),
		ind("产出指标", "成本指标", "每公里养护成本", "≤1.6万元", "≤", f(1.6), "1.46万元", f(1.46), "万元", f(10), f(10), ""),
		ind("效益指标", "社会效益指标", "群众出行条件改善", "效果明显", "", nil, "达成预期指标", nil, "", f(15), f(14), "雨季部分村道积水，下年度增设排水边沟。"),
		ind("效益指标", "可持续影响指标", "道路使用年限延长", "≥2年", "≥", f(2), "2年", f(2), "年", f(15), f(15), ""),
		ind("满意度指标", "服务对象满意度指标", "沿线群众满意度", "100百分比", "", f(100), "96百分比", f(96), "%", f(10), f(9), ""),
	}
}

func mealsProject(seq int) Project {
	m := func(yuan int64) *quantity.Money { x := quantity.Money(yuan * 100); return &x }
	return Project{
		Seq: seq, Name: s("老年人助餐服务补贴"), Department: s("青溪县民政局"), Implementer: s("青溪县养老服务指导中心"),
		BudgetInitial: m(1200000), Budget: m(1150000), Executed: m(1092500), ExecutionRate: f(95),
		TotalWeight: f(100), TotalScore: f(97.5), Page: 1,
	}
}

func mealsIndicators() []Indicator {
	return []Indicator{
		ind("产出指标", "数量指标", "助餐服务人次", "≥3万人次", "≥", f(3), "3.2万人次", f(3.2), "万人次", f(40), f(40), ""),
		ind("效益指标", "社会效益指标", "老年人就餐便利度", "明显提升", "", nil, "明显提升", nil, "", f(40), f(38), "午餐时段排队较长，已增设取餐窗口。"),
		ind("满意度指标", "服务对象满意度指标", "就餐老人满意度", "≥90%", "≥", f(90), "93%", f(93), "%", f(10), f(10), ""),
	}
}

// numbered sets project_seq and seq as Extract numbers them.
func numbered(seq int, in []Indicator) []Indicator {
	out := append([]Indicator(nil), in...)
	for i := range out {
		out[i].ProjectSeq, out[i].Seq = seq, i+1
	}
	return out
}

func TestMergedGrid(t *testing.T) {
	r := fixture(t, "merged.html")
	sameRows(t, "projects", r.Projects, []Project{roadProject(1)})
	sameRows(t, "indicators", r.Indicators, numbered(1, append([]Indicator{roadGoal()}, roadIndicators()...)))
	if len(r.Warnings) > 0 {
		t.Errorf("consistent form, got warnings %q", r.Warnings)
	}
}

// TestTwoProjects: two forms in one document, as two tables and stacked in
// one table.
func TestTwoProjects(t *testing.T) {
	for _, file := range []string{"two-projects.html", "one-table.html"} {
		t.Run(file, func(t *testing.T) { twoProjects(t, file) })
	}
}

func twoProjects(t *testing.T, file string) {
	r := fixture(t, file)
	sameRows(t, "projects", r.Projects, []Project{roadProject(1), mealsProject(2)})
	want := numbered(1, append([]Indicator{roadGoal()}, roadIndicators()...))
	want = append(want, numbered(2, mealsIndicators())...)
	sameRows(t, "indicators", r.Indicators, want)
	if len(r.Warnings) > 0 {
		t.Errorf("consistent forms, got warnings %q", r.Warnings)
	}
}

// TestFlattenedLayouts: the same form with its grid lost in each of the ways
// real pages lose it. The funding block, project labels and totals come back
// from all of them; the goal from those that delimit cells by lines or
// pipes; indicator rows from all of them (by position where empty cells are
// kept, by the shape of a row where they are lost).
func TestFlattenedLayouts(t *testing.T) {
	for _, tc := range []struct {
		file       string
		indicators []Indicator
	}{
		{"cell-per-line.txt", append([]Indicator{roadGoal()}, roadIndicators()...)},
		{"pipe-cells.txt", append([]Indicator{roadGoal()}, roadIndicators()...)},
		{"pipe-rows.txt", append([]Indicator{roadGoal()}, roadIndicators()...)},
		{"space-line.txt", roadIndicators()},
		{"labels-after.txt", roadIndicators()},
	} {
		t.Run(tc.file, func(t *testing.T) {
			r := fixture(t, tc.file)
			sameRows(t, "projects", r.Projects, []Project{roadProject(1)})
			sameRows(t, "indicators", r.Indicators, numbered(1, tc.indicators))
			if len(r.Warnings) > 0 {
				t.Errorf("consistent form, got warnings %q", r.Warnings)
			}
		})
	}
}

// TestGlued: two forms whose cells lost every separator, one in 万元 and one
// in 元 with thousands separators; each digit run splits one way only.
func TestGlued(t *testing.T) {
	r := fixture(t, "glued.txt")
	sameRows(t, "projects", r.Projects, []Project{roadProject(1), mealsProject(2)})
	if len(r.Indicators) != 0 || len(r.Warnings) != 0 {
		t.Errorf("glued indicator cells are not read; got %d rows, warnings %q", len(r.Indicators), r.Warnings)
	}
}

// TestGluedAmbiguous: 1111100% reads as 1|1|1|1|100% and as 11|11|100%; the
// amounts stay NULL with a warning, the rate (100% in every reading) is kept.
func TestGluedAmbiguous(t *testing.T) {
	r := fixture(t, "glued-ambiguous.txt")
	own := []string{
		"年初预算数 of 年度资金总额 has more than one reading; left NULL",
		"全年预算数 of 年度资金总额 has more than one reading; left NULL",
		"全年执行数 of 年度资金总额 has more than one reading; left NULL",
		"分值 of 年度资金总额 has more than one reading; left NULL",
	}
	sameRows(t, "projects", r.Projects, []Project{{
		Seq: 1, Name: s("村级档案数字化补助"), Department: s("青溪县档案馆"), Implementer: s("青溪县档案馆"),
		ExecutionRate: f(100), Page: 1, Warnings: own,
	}})
	var want []string
	for _, w := range own {
		want = append(want, "P1: "+w)
	}
	if !reflect.DeepEqual(r.Warnings, want) {
		t.Errorf("warnings\n got %q\nwant %q", r.Warnings, want)
	}
}

// TestCrossChecks: a form that breaks each check once.
func TestCrossChecks(t *testing.T) {
	r := fixture(t, "flawed.html")
	sameRows(t, "projects", r.Projects, []Project{{
		Seq: 1, Name: s("农村公厕管护经费"),
		BudgetInitial: wan("50"), Budget: wan("50"), Executed: wan("40"), ExecutionRate: f(80),
		TotalWeight: f(100), TotalScore: f(95), Page: 1,
		Warnings: []string{
			"execution-rate score 10 differs from min(执行率,100%) × 分值 = 8.00",
			`indicator "管护公厕座数": score 32 exceeds its 分值 30`,
			`indicator "公厕完好率": 完成值 90% misses the target ≥95% yet keeps full marks`,
			"indicator scores add up to 100, the 总分 row says 95",
		},
	}})
	sameRows(t, "indicators", r.Indicators, numbered(1, []Indicator{
		ind("产出指标", "数量指标", "管护公厕座数", "≥120座", "≥", f(120), "120座", f(120), "座", f(30), f(32), ""),
		ind("产出指标", "质量指标", "公厕完好率", "≥95%", "≥", f(95), "90%", f(90), "%", f(30), f(30), ""),
		ind("满意度指标", "服务对象满意度指标", "村民满意度", "≥90%", "≥", f(90), "92%", f(92), "%", f(30), f(28), ""),
	}))
	if len(r.Warnings) != 4 || r.Warnings[0][:4] != "P1: " {
		t.Errorf("want the four findings prefixed P1, got %q", r.Warnings)
	}
}

// TestNarrativeGoals: the numbered 绩效目标 list becomes level1 = 绩效目标 rows
// of the document itself (project_seq 0).
func TestNarrativeGoals(t *testing.T) {
	r := fixture(t, "goals.txt")
	if len(r.Projects) != 0 {
		t.Errorf("prose goals are not a form, got %d projects", len(r.Projects))
	}
	want := []Indicator{
		ind("绩效目标", "", "完成全县农村公路日常养护，保障道路通行", "", "", nil, "100%", f(100), "%", nil, nil, "目标完成率：100%"),
		ind("绩效目标", "", "开展农村客运站点安全检查", "", "", nil, "检查站点46个", nil, "", nil, nil, "目标完成率：100.0%"),
		ind("绩效目标", "", "推进“四好农村路”示范创建", "", "", nil, "示范创建已通过市级验收", nil, "", nil, nil, "目标完成率：95%"),
	}
	sameRows(t, "indicators", r.Indicators, numbered(0, want))
}

// TestOtherTemplates: three other templates in use, each as a real grid and
// flattened the way such pages usually are; both give the same rows.
func TestOtherTemplates(t *testing.T) {
	system := []Project{{
		Seq: 1, Name: s("空气质量自动监测站运维经费"), Department: s("青溪县生态环境分局"), Implementer: s("青溪县环境监测站"),
		BudgetInitial: wan("56"), Budget: wan("58.4"), Executed: wan("55.48"), ExecutionRate: f(95),
		TotalWeight: f(100), TotalScore: f(95.5), Page: 1,
	}}
	systemInd := numbered(1, []Indicator{
		ind("产出指标", "数量指标", "监测站点运维数量", "≥24个", "≥", f(24), "24", f(24), "个", f(30), f(30), ""),
		ind("产出指标", "质量指标", "数据有效率", "≥90%", "≥", f(90), "93.5", f(93.5), "%", f(20), f(20), ""),
		ind("效益指标", "社会效益指标", "空气质量优良天数比率", "≥85%", "≥", f(85), "83.2", f(83.2), "%", f(20), f(16), "春季沙尘天气偏多"),
		ind("满意度指标", "服务对象满意度指标", "公众满意度", "≥90%", "≥", f(90), "92", f(92), "%", f(20), f(20), ""),
	})
	transfer := []Project{{
		Seq: 1, Name: s("农机购置补贴资金"), Department: s("青溪县农业农村局"), Implementer: s("青溪县农机服务站"),
		Budget: wan("412.6"), Executed: wan("398.3"), ExecutionRate: f(96.5), Page: 1,
	}}
	transferInd := numbered(1, []Indicator{
		ind("产出指标", "数量指标", "补贴机具数量", "≥260台（套）", "≥", f(260), "274台（套）", f(274), "台（套）", nil, nil, ""),
		ind("产出指标", "时效指标", "补贴资金兑付及时率", "≥95%", "≥", f(95), "97.1%", f(97.1), "%", nil, nil, ""),
		ind("效益指标", "社会效益指标", "农作物耕种收综合机械化率", "≥75%", "≥", f(75), "76.3%", f(76.3), "%", nil, nil, ""),
	})
	// 自评得分 9.8 here is the execution-rate score, not the form's total.
	dept := []Project{{
		Seq: 1, Department: s("青溪县统计局"),
		BudgetInitial: wan("318.4"), Budget: wan("342.75"), Executed: wan("336.9"), ExecutionRate: f(98.29), Page: 1,
	}}
	deptInd := numbered(1, []Indicator{
		ind("年度总体目标", "", "年度总体目标", "按时完成常规统计调查任务，数据质量达标。", "", nil, "完成全部常规统计调查任务，数据差错率低于规定标准。", nil, "", nil, nil, ""),
	})
	for _, tc := range []struct {
		files []string
		p     []Project
		in    []Indicator
	}{
		{[]string{"system.html", "system-cells.txt"}, system, systemInd},
		{[]string{"transfer.html", "transfer-rows.txt"}, transfer, transferInd},
		{[]string{"dept.html", "dept-lines.txt"}, dept, deptInd},
		// Long cells without a full stop, which normalization joins as a
		// wrapped sentence: the line breaks come back from its offset map.
		{[]string{"dept-wrapped-lines.txt"}, dept, numbered(1, []Indicator{
			ind("年度总体目标", "", "年度总体目标", "按时保质完成本年度各项常规统计调查和专项调查任务并确保主要统计数据真实准确完整及时", "", nil,
				"全年完成常规统计调查和专项调查任务共计二十三项主要统计数据经复核未发现重大差错情况", nil, "", nil, nil, ""),
		})},
	} {
		for _, file := range tc.files {
			t.Run(file, func(t *testing.T) {
				r := fixture(t, file)
				sameRows(t, "projects", r.Projects, tc.p)
				sameRows(t, "indicators", r.Indicators, tc.in)
				if len(r.Warnings) > 0 {
					t.Errorf("consistent form, got warnings %q", r.Warnings)
				}
			})
		}
	}
}
