package quantity

import (
	"math"
	"testing"

	"zipin/lexicon"
)

// formCase is one sentence in the style of a report with the one quantity
// the grammar must read from it. Values are written by hand from the words.
type formCase struct {
	in     string
	text   string  // the span
	value  float64 // in the base unit; the lower end of a range
	high   float64 // the upper end of a range, 0 when none
	unit   string
	kind   Kind
	approx string
}

// numeralForms covers every way a report writes a number that issue 13
// lists, each with neighbours that must keep their old reading.
var numeralForms = []formCase{
	// 点 decimals in Chinese numerals, in every position.
	{"全年预算执行率为九十七点三％，较上年提高", "九十七点三％", 97.3, 0, "%", lexicon.Percent, ""},
	{"经综合评价，自评得分八十八点五分，等级为良", "八十八点五分", 88.5, 0, "分", lexicon.Score, ""},
	{"群众满意度达到百分之九十六点四。", "百分之九十六点四", 96.4, 0, "%", lexicon.Percent, ""},
	{"累计下达资金一点五万元用于维修", "一点五万元", 15000, 0, "元", lexicon.Money, ""},
	{"全县共投入三点二亿元", "三点二亿元", 320000000, 0, "元", lexicon.Money, ""},
	{"服务群众二点五万人次", "二点五万人次", 25000, 0, "人次", lexicon.Count, ""},
	{"项目完成率为九十点零五％", "九十点零五％", 90.05, 0, "%", lexicon.Percent, ""},
	{"项目得分十点五分", "十点五分", 10.5, 0, "分", lexicon.Score, ""},
	{"执行率零点八五％", "零点八五％", 0.85, 0, "%", lexicon.Percent, ""},
	// the elided trailing unit: the last digit stands for the next lower place
	{"全年共接待群众一万三人次，同比增长", "一万三人次", 13000, 0, "人次", lexicon.Count, ""},
	{"帮扶困难家庭四千五户", "四千五户", 4500, 0, "户", lexicon.Count, ""},
	{"受益群众达两万六人", "两万六人", 26000, 0, "人", lexicon.Count, ""},
	{"发放补贴一百五人", "一百五人", 150, 0, "人", lexicon.Count, ""},
	{"安排资金一亿二万元", "一亿二万元", 100020000, 0, "元", lexicon.Money, ""},
	{"共有一万零三人参加", "一万零三人", 10003, 0, "人", lexicon.Count, ""},
	{"共计一万三千五百人", "一万三千五百人", 13500, 0, "人", lexicon.Count, ""},
	{"共计十五人", "十五人", 15, 0, "人", lexicon.Count, ""},
	// adjacent digits: an approximate range, the pair kept as the qualifier
	{"每年开展督查两三次", "两三次", 2, 3, "次", lexicon.Count, "两三"},
	{"每村配备四五个信息员", "四五个", 4, 5, "个", lexicon.Count, "四五"},
	{"新增六七十户脱贫户", "六七十户", 60, 70, "户", lexicon.Count, "六七"},
	{"受灾三四十户", "三四十户", 30, 40, "户", lexicon.Count, "三四"},
	{"每次培训一两天", "一两天", 1, 2, "天", lexicon.Duration, "一两"},
	{"参加培训的有三四百人", "三四百人", 300, 400, "人", lexicon.Count, "三四"},
	{"需资金七八万元", "七八万元", 70000, 80000, "元", lexicon.Money, "七八"},
	{"约两三次", "约两三次", 2, 3, "次", lexicon.Count, "约两三"},
	{"全镇一千七八百户", "一千七八百户", 1700, 1800, "户", lexicon.Count, "七八"},
	// signs, where they are signs and not dashes
	{"年末结余资金为-8.6万元。", "-8.6万元", -86000, 0, "元", lexicon.Money, ""},
	{"业务收入增长-4.1%，主要原因", "-4.1%", -4.1, 0, "%", lexicon.Percent, ""},
	{"同比增幅为负4.1%", "负4.1%", -4.1, 0, "%", lexicon.Percent, ""},
	{"较上年减少负二十人", "负二十人", -20, 0, "人", lexicon.Count, ""},
	{"结余：−3.25万元", "−3.25万元", -32500, 0, "元", lexicon.Money, ""},
	{"项目资金10-20万元", "10-20万元", 100000, 200000, "元", lexicon.Money, ""},
	{"每批次5-10个", "5-10个", 5, 10, "个", lexicon.Count, ""},
	{"覆盖率85%-95%", "85%-95%", 85, 95, "%", lexicon.Percent, ""},
	// Arabic digits with 千/百 before 万/亿, and 亿…万 compounds
	{"总投资3亿2千万元，其中", "3亿2千万元", 320000000, 0, "元", lexicon.Money, ""},
	{"申请资金6千万元", "6千万元", 60000000, 0, "元", lexicon.Money, ""},
	{"下达补助4百万元", "4百万元", 4000000, 0, "元", lexicon.Money, ""},
	{"批复总投资1亿零800万元。", "1亿零800万元", 108000000, 0, "元", lexicon.Money, ""},
	{"累计投入2亿3500万元", "2亿3500万元", 235000000, 0, "元", lexicon.Money, ""},
	{"到位资金1.5千万元", "1.5千万元", 15000000, 0, "元", lexicon.Money, ""},
	{"结余资金3千元", "3千元", 3000, 0, "元", lexicon.Money, ""},
	{"整治河道12.6千米", "12.6千米", 12.6, 0, "公里", lexicon.Other, ""},
	{"共安排一亿二千万元", "一亿二千万元", 120000000, 0, "元", lexicon.Money, ""},
	// 成 as tenths, kind percent
	{"群众满意度较上年提高了两成", "两成", 20, 0, "%", lexicon.Percent, ""},
	{"八成以上的农户参加了合作社", "八成以上", 80, 0, "%", lexicon.Percent, "以上"},
	{"项目区覆盖率达六成五", "六成五", 65, 0, "%", lexicon.Percent, ""},
	{"完成九成，剩余部分", "九成", 90, 0, "%", lexicon.Percent, ""},
	// the unwritten 一 after a qualifier, before 余/多, after 百分之
	{"培训基层干部百余人次", "百余人次", 100, 0, "人次", lexicon.Count, "余"},
	{"惠及千余户群众", "千余户", 1000, 0, "户", lexicon.Count, "余"},
	{"捐赠物资价值万余元", "万余元", 10000, 0, "元", lexicon.Money, "余"},
	{"参与群众近万人", "近万人", 10000, 0, "人", lexicon.Count, "近"},
	{"项目总投资超千万元", "超千万元", 10000000, 0, "元", lexicon.Money, "超"},
	{"群众满意度达到百分之百", "百分之百", 100, 0, "%", lexicon.Percent, ""},
	{"参训人数十五人", "十五人", 15, 0, "人", lexicon.Count, ""},
	{"新增十余个服务站点", "十余个", 10, 0, "个", lexicon.Count, "余"},
	// what already worked and must keep working
	{"实际支出一百九十万零三千九百七十一元", "一百九十万零三千九百七十一元", 1903971, 0, "元", lexicon.Money, ""},
	{"发放问卷两千份", "两千份", 2000, 0, "份", lexicon.Count, ""},
	{"完成造林1.2万余亩", "1.2万余亩", 12000, 0, "亩", lexicon.Area, "余"},
	{"全省投入一万五千亿元", "一万五千亿元", 1500000000000, 0, "元", lexicon.Money, ""},
	{"满意度达到百分之八十五", "百分之八十五", 85, 0, "%", lexicon.Percent, ""},
	{"预算数１２３．５万元", "１２３．５万元", 1235000, 0, "元", lexicon.Money, ""},
	{"部门预算总额11,605.29万元", "11,605.29万元", 116052900, 0, "元", lexicon.Money, ""},
	{"下降1.5百分点", "1.5百分点", 1.5, 0, "个百分点", lexicon.Other, ""},
	{"合格率≥100百分比", "≥100百分比", 100, 0, "%", lexicon.Percent, ""},
}

func TestNumeralForms(t *testing.T) {
	for _, c := range numeralForms {
		in := foldDigits(c.in)
		qs := Find(in)
		if len(qs) != 1 {
			t.Errorf("%s: want 1 quantity, got %d: %+v", c.in, len(qs), qs)
			continue
		}
		q := qs[0]
		high := 0.0
		if q.ValueHigh != nil {
			high = *q.ValueHigh
		}
		if q.Text != foldDigits(c.text) || !near(q.Value, c.value) || !near(high, c.high) || q.Unit != c.unit || q.Kind != c.kind || q.Approx != c.approx {
			t.Errorf("%s:\n got  %q %v–%v %s %s approx=%q\n want %q %v–%v %s %s approx=%q",
				c.in, q.Text, q.Value, high, q.Unit, q.Kind, q.Approx, c.text, c.value, c.high, c.unit, c.kind, c.approx)
		}
		if r := []rune(in); string(r[q.Start:q.End]) != q.Text {
			t.Errorf("%s: span [%d,%d) is %q, not %q", c.in, q.Start, q.End, string(r[q.Start:q.End]), q.Text)
		}
		if !near(q.InUnit*q.Factor, q.Value) {
			t.Errorf("%s: InUnit %v × Factor %v ≠ Value %v", c.in, q.InUnit, q.Factor, q.Value)
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// numeralDistractors must not become quantities, or not these ones: each
// sentence holds a dash, a 点 or a pair of digits that is no number.
var numeralDistractors = []string{
	"会议于下午三点五分召开",
	"上午九点三十分开始",
	"“十四五”时期",
	"十四五规划纲要",
	"三五成群",
	"一成不变",
	"成本核算",
	"二〇二一年度",
	"二〇二一年",
	"2021-2023年",
	"1月-3月",
	"负责人",
	"重点项目三点建议",
	"编号A-3",
	"〔2021〕-3号",
	"联系电话：0551-6321458",
	"一二级指标",
	"服务百姓生活",
	"万物互联",
	"吸引数十人参加",
	"投入几十万元",
	"几百人",
	"千万不能放松",
	"为每一名学员建立档案",
	"会议于上午9点30分开始",
	"14时30分",
	"十点三十分",
}

func TestNumeralDistractors(t *testing.T) {
	for _, d := range numeralDistractors {
		if qs := Find(d); len(qs) != 0 {
			t.Errorf("%s: read as %+v", d, qs)
		}
	}
}

// Several quantities in one sentence keep their own spans: a range dash is
// not a sign, a sign after a range is.
func TestSignsAndDashes(t *testing.T) {
	in := "计划投入10-20万元，实际结余-3万元，增幅-4.1%。"
	qs := Find(in)
	want := []struct {
		text      string
		low, high float64
	}{{"10-20万元", 100000, 200000}, {"-3万元", -30000, 0}, {"-4.1%", -4.1, 0}}
	if len(qs) != len(want) {
		t.Fatalf("got %+v", qs)
	}
	for k, w := range want {
		h := 0.0
		if qs[k].ValueHigh != nil {
			h = *qs[k].ValueHigh
		}
		if qs[k].Text != w.text || !near(qs[k].Value, w.low) || !near(h, w.high) {
			t.Errorf("%d: got %q %v–%v, want %q %v–%v", k, qs[k].Text, qs[k].Value, h, w.text, w.low, w.high)
		}
	}
}

// 1亿零800万元 is one amount, not 1亿 and 800万元.
func TestCompoundIsOneFact(t *testing.T) {
	qs := Find("项目批复总投资1亿零800万元，已全部到位。")
	if len(qs) != 1 || qs[0].Value != 108000000 {
		t.Fatalf("got %+v", qs)
	}
}

func TestParseNumberForms(t *testing.T) {
	cases := map[string]float64{
		"九十七点三": 97.3, "八十八点五": 88.5, "一万三": 13000, "四千五": 4500, "两万六": 26000,
		"3亿2千万": 320000000, "6千万": 60000000, "4百万": 4000000, "1亿零800万": 108000000,
		"-8.6": -8.6, "一点五万": 15000, "一亿二千万": 120000000, "一万零三": 10003, "一亿二": 120000000, "一亿二万": 100020000,
	}
	for in, want := range cases {
		got, ok := ParseNumber(in)
		if !ok || !near(got, want) {
			t.Errorf("ParseNumber(%s) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, bad := range []string{"两三", "三五", "3万2", "九点三十", "五百三千", "亿"} {
		if v, ok := ParseNumber(bad); ok {
			t.Errorf("ParseNumber(%q) = %v, want failure", bad, v)
		}
	}
}

func TestNumbersSigned(t *testing.T) {
	ns := Numbers("结余 | -8.6 | 12.5 | 2021-2023")
	// 2021 is a bare number as before; the 2023 after its dash is not -2023.
	if len(ns) != 3 || ns[0].Text != "-8.6" || ns[0].Value != -8.6 || ns[0].Start != 5 || ns[1].Value != 12.5 || ns[2].Value != 2021 {
		t.Fatalf("got %+v", ns)
	}
	// 6千万元 is a mixed numeral for Find, not a bare 6.
	if ns := Numbers("申请资金6千万元"); len(ns) != 0 {
		t.Fatalf("got %+v", ns)
	}
}

// unitForms: Latin units and symbols (issue 12, class 11). A length is not
// an area; each keeps the unit as written as its base.
var unitForms = []formCase{
	{"新建排水管网3.5km，", "3.5km", 3.5, 0, "公里", lexicon.Other, ""},
	{"铺设管道1200m，", "1200m", 1200, 0, "米", lexicon.Other, ""},
	{"改造校舍2400m²，", "2400m²", 2400, 0, "㎡", lexicon.Area, ""},
	{"硬化场地800㎡", "800㎡", 800, 0, "㎡", lexicon.Area, ""},
	{"治理水土流失12.5km²", "12.5km²", 12.5, 0, "平方公里", lexicon.Area, ""},
	{"板材厚度不小于12mm", "不小于12mm", 12, 0, "毫米", lexicon.Other, ""},
	{"管径30cm", "30cm", 30, 0, "厘米", lexicon.Other, ""},
	{"最大降雨量达120mm/24h", "120mm/24h", 120, 0, "mm/24h", lexicon.Other, ""},
	{"清运垃圾560t", "560t", 560, 0, "吨", lexicon.Other, ""},
	{"发放种子2,500kg", "2,500kg", 2500, 0, "公斤", lexicon.Other, ""},
	{"年发电量1.2万kW·h", "1.2万kW·h", 12000, 0, "kW·h", lexicon.Other, ""},
	{"节约用电3000kWh", "3000kWh", 3000, 0, "kW·h", lexicon.Other, ""},
	{"新增装机容量50MW", "50MW", 50, 0, "MW", lexicon.Other, ""},
	{"蓄水600立方米", "600立方米", 600, 0, "m³", lexicon.Other, ""},
	{"服务半径约5 km", "约5 km", 5, 0, "公里", lexicon.Other, "约"},
	{"采购药品5 mg装", "", 0, 0, "", "", ""}, // mg is not m
	{"孕产妇死亡率控制在0.5‰以内", "0.5‰以内", 0.05, 0, "%", lexicon.Percent, "以内"},
	{"产值增长1.5倍", "1.5倍", 1.5, 0, "倍", lexicon.Other, ""},
	{"项目涉及16乡镇", "16乡镇", 16, 0, "乡镇", lexicon.Count, ""},
	{"覆盖全县18个乡镇（街道）", "18个乡镇", 18, 0, "乡镇", lexicon.Count, ""},
	{"惠及3个社区", "3个社区", 3, 0, "社区", lexicon.Count, ""},
	{"涉及126个行政村", "126个行政村", 126, 0, "行政村", lexicon.Count, ""},
}

func TestUnitForms(t *testing.T) {
	for _, c := range unitForms {
		qs := Find(c.in)
		if c.text == "" {
			if len(qs) != 0 {
				t.Errorf("%s: read as %+v", c.in, qs)
			}
			continue
		}
		if len(qs) != 1 || qs[0].Text != c.text || !near(qs[0].Value, c.value) || qs[0].Unit != c.unit || qs[0].Kind != c.kind || qs[0].Approx != c.approx {
			t.Errorf("%s: got %+v, want %q %v %s %s", c.in, qs, c.text, c.value, c.unit, c.kind)
		}
	}
}

// TestTarget: a 自评表 cell reads through the same grammar as prose, with
// the words only targets use (达到, 内) and bounds (以上 ≥) as comparators.
func TestTarget(t *testing.T) {
	for _, c := range []struct {
		in, op     string
		inUnit     float64
		unit, rest string
		ok         bool
	}{
		{"≥95%", "≥", 95, "%", "", true},
		{"不小于95%", "≥", 95, "%", "", true},
		{"大于或等于90%", "≥", 90, "%", "", true},
		{"≤120万元", "≤", 120, "万元", "", true},
		{"12个月内", "≤", 12, "个月", "", true},
		{"3天以内", "≤", 3, "天", "", true},
		{"90%以上", "≥", 90, "%", "", true},
		{"90%及以上", "≥", 90, "%", "", true},
		{">=85", "≥", 85, "", "", true},
		{"达到百分之九十", "≥", 90, "百分之", "", true},
		{"100百分比", "", 100, "百分比", "", true},
		{"5篇/年", "", 5, "篇", "/年", true},
		{"不少于1,500人次", "≥", 1500, "人次", "", true},
		{"≥八成", "≥", 8, "成", "", true},
		{"达成预期指标", "", 0, "", "", false},
		{"2023年", "", 0, "", "", false},
	} {
		q, rest, ok := Target(c.in)
		if ok != c.ok || ok && (q.Op != c.op || !near(q.InUnit, c.inUnit) || q.WrittenUnit != c.unit || rest != c.rest) {
			t.Errorf("Target(%q) = %q %v %q rest %q, %v; want %q %v %q rest %q, %v", c.in, q.Op, q.InUnit, q.WrittenUnit, rest, ok, c.op, c.inUnit, c.unit, c.rest, c.ok)
		}
	}
	// In prose a bound stays a qualifier and 达到 a verb.
	qs := Find("满意度达到90%以上")
	if len(qs) != 1 || qs[0].Op != "" || qs[0].Approx != "以上" || qs[0].Text != "90%以上" {
		t.Errorf("prose: got %+v", qs)
	}
}
