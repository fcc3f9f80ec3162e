package quantity

import (
	"math"
	"testing"

	"zipin/lexicon"
)

// grammarCases are phrases in the style of real reports, each with the one
// quantity zipin must read from it. Written for this test, not copied.
var grammarCases = []struct {
	in       string
	text     string // expected span
	value    float64
	unit     string
	kind     Kind
	approx   string
	op       string
	unitText string
}{
	// Arabic numbers, separators, decimals
	{"部门预算总额11,605.29万元", "11,605.29万元", 116052900, "元", lexicon.Money, "", "", "万元"},
	{"全年执行数1,234,567.80元", "1,234,567.80元", 1234567.8, "元", lexicon.Money, "", "", "元"},
	{"项目金额46.00万元", "46.00万元", 460000, "元", lexicon.Money, "", "", "万元"},
	{"拨付资金 803.74 万元", "803.74 万元", 8037400, "元", lexicon.Money, "", "", "万元"},
	{"全年预算数13565.97万元", "13565.97万元", 135659700, "元", lexicon.Money, "", "", "万元"},
	{"支付启动资金748500元", "748500元", 748500, "元", lexicon.Money, "", "", "元"},
	{"共安排2.5亿元", "2.5亿元", 250000000, "元", lexicon.Money, "", "", "亿元"},
	{"结余资金3千元", "3千元", 3000, "元", lexicon.Money, "", "", "千元"},
	{"安排资金19204.096万。", "19204.096万", 192040960, "元", lexicon.Money, "", "", "万"},
	{"省级资金290.36万(一般公共预算)", "290.36万", 2903600, "元", lexicon.Money, "", "", "万"},
	{"到位资金0.5万元", "0.5万元", 5000, "元", lexicon.Money, "", "", "万元"},
	{"累计发放补贴12,000元", "12,000元", 12000, "元", lexicon.Money, "", "", "元"},
	{"合计1,000万元", "1,000万元", 10000000, "元", lexicon.Money, "", "", "万元"},
	{"人均补助1200元", "1200元", 1200, "元", lexicon.Money, "", "", "元"},
	{"经费8.8万元", "8.8万元", 88000, "元", lexicon.Money, "", "", "万元"},
	{"捐赠物资价值2万余元", "2万余元", 20000, "元", lexicon.Money, "余", "", "万余元"},
	// counts and measure words
	{"救助困难退役军人467户", "467户", 467, "户", lexicon.Count, "", "", "户"},
	{"安置自主就业退役士兵297名", "297名", 297, "名", lexicon.Count, "", "", "名"},
	{"走访慰问7864人次", "7864人次", 7864, "人次", lexicon.Count, "", "", "人次"},
	{"举办培训班12期", "12期", 12, "期", lexicon.Count, "", "", "期"},
	{"送戏下乡197场", "197场", 197, "场", lexicon.Count, "", "", "场"},
	{"开展活动35场次", "35场次", 35, "场次", lexicon.Count, "", "", "场次"},
	{"撰写心得体会35篇", "35篇", 35, "篇", lexicon.Count, "", "", "篇"},
	{"新建文化礼堂67家", "67家", 67, "家", lexicon.Count, "", "", "家"},
	{"覆盖学校14所", "14所", 14, "所", lexicon.Count, "", "", "所"},
	{"组建志愿服务队伍8支", "8支", 8, "支", lexicon.Count, "", "", "支"},
	{"抽检3批次", "3批次", 3, "批次", lexicon.Count, "", "", "批次"},
	{"购置设备174台", "174台", 174, "台", lexicon.Count, "", "", "台"},
	{"配发防护装备60套", "60套", 60, "套", lexicon.Count, "", "", "套"},
	{"印发宣传手册5000册", "5000册", 5000, "册", lexicon.Count, "", "", "册"},
	{"流通图书116559册次", "116559册次", 116559, "册次", lexicon.Count, "", "", "册次"},
	{"受理案件48件", "48件", 48, "件", lexicon.Count, "", "", "件"},
	{"实施项目共15个", "15个", 15, "个", lexicon.Count, "", "", "个"},
	{"完成整改措施193条", "193条", 193, "条", lexicon.Count, "", "", "条"},
	{"维修桥梁6座", "6座", 6, "座", lexicon.Count, "", "", "座"},
	{"更新车辆3辆", "3辆", 3, "辆", lexicon.Count, "", "", "辆"},
	{"排查隐患21处", "21处", 21, "处", lexicon.Count, "", "", "处"},
	{"发放慰问信 2.5 万余封", "2.5 万余封", 25000, "封", lexicon.Count, "余", "", "万余封"},
	{"服务群众3.2万人次", "3.2万人次", 32000, "人次", lexicon.Count, "", "", "万人次"},
	{"参与群众逾20多万人次", "逾20多万人次", 200000, "人次", lexicon.Count, "逾多", "", "多万人次"},
	{"补贴农机具200余台", "200余台", 200, "台", lexicon.Count, "余", "", "余台"},
	{"培训农民约1500人", "约1500人", 1500, "人", lexicon.Count, "约", "", "人"},
	{"惠及近3000户", "近3000户", 3000, "户", lexicon.Count, "近", "", "户"},
	{"受益群众超5万人", "超5万人", 50000, "人", lexicon.Count, "超", "", "万人"},
	{"服务对象1000人以上", "1000人以上", 1000, "人", lexicon.Count, "以上", "", "人"},
	{"参训人员不足50人", "不足50人", 50, "人", lexicon.Count, "不足", "", "人"},
	{"接待来访200人左右", "200人左右", 200, "人", lexicon.Count, "左右", "", "人"},
	{"服务时长4355多小时", "4355多小时", 4355, "小时", lexicon.Duration, "多", "", "多小时"},
	// Chinese numerals
	{"我校本年度项目为一个", "一个", 1, "个", lexicon.Count, "", "", "个"},
	{"共建成三座", "三座", 3, "座", lexicon.Count, "", "", "座"},
	{"培训两期", "两期", 2, "期", lexicon.Count, "", "", "期"},
	{"共计一百二十三人", "一百二十三人", 123, "人", lexicon.Count, "", "", "人"},
	{"共有十五个", "十五个", 15, "个", lexicon.Count, "", "", "个"},
	{"资金壹佰万元", "壹佰万元", 1000000, "元", lexicon.Money, "", "", "万元"},
	{"共计贰仟叁佰元", "贰仟叁佰元", 2300, "元", lexicon.Money, "", "", "元"},
	{"计两千零五人", "两千零五人", 2005, "人", lexicon.Count, "", "", "人"},
	{"为三万五千人", "三万五千人", 35000, "人", lexicon.Count, "", "", "人"},
	{"达一千二百万元", "一千二百万元", 12000000, "元", lexicon.Money, "", "", "万元"},
	{"完成二十项", "二十项", 20, "项", lexicon.Count, "", "", "项"},
	{"共有1.2万户", "1.2万户", 12000, "户", lexicon.Count, "", "", "万户"},
	// percents
	{"预算执行率86.0%", "86.0%", 86, "%", lexicon.Percent, "", "", "%"},
	{"完成率100％", "100％", 100, "%", lexicon.Percent, "", "", "％"},
	{"预算执行率34.3% 。", "34.3%", 34.3, "%", lexicon.Percent, "", "", "%"},
	{"合格率≥100百分比", "≥100百分比", 100, "%", lexicon.Percent, "", "≥", "百分比"},
	{"满意度达到百分之九十五", "百分之九十五", 95, "%", lexicon.Percent, "", "", "百分之"},
	{"覆盖率百分之98", "百分之98", 98, "%", lexicon.Percent, "", "", "百分之"},
	{"较上年提高2.3个百分点", "2.3个百分点", 2.3, "个百分点", lexicon.Other, "", "", "个百分点"},
	{"下降1.5百分点", "1.5百分点", 1.5, "个百分点", lexicon.Other, "", "", "百分点"},
	{"增长31.39%", "31.39%", 31.39, "%", lexicon.Percent, "", "", "%"},
	{"满意度90%以上", "90%以上", 90, "%", lexicon.Percent, "以上", "", "%"},
	{"实际完成率约95%", "约95%", 95, "%", lexicon.Percent, "约", "", "%"},
	// scores
	{"自评得分92.8分", "92.8分", 92.8, "分", lexicon.Score, "", "", "分"},
	{"绩效评分100分", "100分", 100, "分", lexicon.Score, "", "", "分"},
	{"投入指标25分", "25分", 25, "分", lexicon.Score, "", "", "分"},
	{"自评分数为 92.8 分", "92.8 分", 92.8, "分", lexicon.Score, "", "", "分"},
	// durations
	{"项目周期12个月", "12个月", 12, "个月", lexicon.Duration, "", "", "个月"},
	{"在10个工作日内发放", "10个工作日", 10, "工作日", lexicon.Duration, "", "", "个工作日"},
	{"连续运行3年", "3年", 3, "年", lexicon.Duration, "", "", "年"},
	{"累计培训48小时", "48小时", 48, "小时", lexicon.Duration, "", "", "小时"},
	{"工期180天", "180天", 180, "天", lexicon.Duration, "", "", "天"},
	{"服务期限两年", "两年", 2, "年", lexicon.Duration, "", "", "年"},
	// area, and lengths, which are not area
	{"总建筑面积约1000㎡", "约1000㎡", 1000, "㎡", lexicon.Area, "约", "", "㎡"},
	{"维修道路32.63公里", "32.63公里", 32.63, "公里", lexicon.Other, "", "", "公里"}, // a length is not an area
	{"建筑层高约4.3m", "约4.3m", 4.3, "米", lexicon.Other, "约", "", "m"},
	{"新建高标准农田1.5万亩", "1.5万亩", 15000, "亩", lexicon.Area, "", "", "万亩"},
	{"改造校舍2,400平方米", "2,400平方米", 2400, "㎡", lexicon.Area, "", "", "平方米"},
	{"整治河道12.6千米", "12.6千米", 12.6, "公里", lexicon.Other, "", "", "千米"},
	{"绿化面积300平米", "300平米", 300, "㎡", lexicon.Area, "", "", "平米"},
	// comparators in targets
	{"≥95%", "≥95%", 95, "%", lexicon.Percent, "", "≥", "%"},
	{"≤120万元", "≤120万元", 1200000, "元", lexicon.Money, "", "≤", "万元"},
	{"=100%", "=100%", 100, "%", lexicon.Percent, "", "=", "%"},
	{"﹦12个", "﹦12个", 12, "个", lexicon.Count, "", "=", "个"},
	{"＞90%", "＞90%", 90, "%", lexicon.Percent, "", ">", "%"},
	{"＜5%", "＜5%", 5, "%", lexicon.Percent, "", "<", "%"},
	{"不低于98%", "不低于98%", 98, "%", lexicon.Percent, "", "≥", "%"},
	{"不超过30万元", "不超过30万元", 300000, "元", lexicon.Money, "", "≤", "万元"},
	{"不少于1200人次", "不少于1200人次", 1200, "人次", lexicon.Count, "", "≥", "人次"},
	{"项目数量≥50个", "≥50个", 50, "个", lexicon.Count, "", "≥", "个"},
	// full-width digits
	{"预算数１２３．５万元", "１２３．５万元", 1235000, "元", lexicon.Money, "", "", "万元"},
	{"受益２００户", "２００户", 200, "户", lexicon.Count, "", "", "户"},
}

func TestGrammar(t *testing.T) {
	for _, c := range grammarCases {
		qs := Find(foldDigits(c.in))
		if len(qs) != 1 {
			t.Errorf("%s: want 1 quantity, got %d: %+v", c.in, len(qs), qs)
			continue
		}
		q := qs[0]
		wantText := foldDigits(c.text)
		if q.Text != wantText || math.Abs(q.Value-c.value) > 1e-9*math.Max(1, c.value) || q.Unit != c.unit || q.Kind != c.kind || q.Approx != c.approx || q.Op != c.op || q.UnitText != foldDigits(c.unitText) {
			t.Errorf("%s:\n got  text=%q value=%v unit=%s kind=%s approx=%q op=%q unitText=%q\n want text=%q value=%v unit=%s kind=%s approx=%q op=%q unitText=%q",
				c.in, q.Text, q.Value, q.Unit, q.Kind, q.Approx, q.Op, q.UnitText,
				wantText, c.value, c.unit, c.kind, c.approx, c.op, c.unitText)
		}
		// The span must be exactly where the text is.
		r := []rune(foldDigits(c.in))
		if string(r[q.Start:q.End]) != q.Text {
			t.Errorf("%s: span [%d,%d) is %q, not %q", c.in, q.Start, q.End, string(r[q.Start:q.End]), q.Text)
		}
	}
}

func TestRanges(t *testing.T) {
	cases := []struct {
		in        string
		low, high float64
		unit      string
	}{
		{"每批次5-10个", 5, 10, "个"},
		{"培训5至10人", 5, 10, "人"},
		{"工期3～6个月", 3, 6, "个月"},
		{"补助200-500元", 200, 500, "元"},
		{"覆盖率85%~95%", 85, 95, "%"},
	}
	for _, c := range cases {
		qs := Find(c.in)
		if len(qs) < 1 || qs[0].Value != c.low || qs[0].ValueHigh == nil || *qs[0].ValueHigh != c.high || qs[0].Unit != c.unit {
			t.Errorf("%s: got %+v", c.in, qs)
		}
	}
}

// distractors must never become quantities.
var distractors = []string{
	"联系电话：0551-6321458",
	"联系人及电话 李某 0873—3856546",
	"手机13912345678",
	"邮编：230001",
	"2021年",
	"截至2024年12月31日",
	"2022年度部门整体支出",
	"发布日期：2023-04-17",
	"按照《关于开展绩效自评的通知》(许发〔2021〕13号)文件要求",
	"文号：财预[2020]10号",
	"项目编码51000021R000000019951",
	"报表编号:510000_0013zp",
	"一是加强预算编制绩效管理",
	"二是完善项目绩效管理责任",
	"1.加强管理制度建设",
	"(1)项目立项背景",
	"（一）部门概况",
	"65岁以上老年人",
	"80周岁以上",
	"x万元",
	"20xx年地方投入",
	"xx%",
	"第3项",
	"第二名",
	"统一部署",
	"唯一标准",
	"进一步加强",
	"“四个意识”",
	"“两个维护”",
	"一次性经济补助",
	"全国一体化政务大数据体系",
	"十四五规划",
	"2019-05-22T04:56:35Z",
	"预算执行率(B/A×100%)",
	"三大职能",
	"分别是办公室",
	"人员经费",
	"12月31日",
	"2023 年",
	"〔2018〕130号",
	"第1次会议",
	"每年一次",
	"某某局",
}

func TestDistractors(t *testing.T) {
	for _, d := range distractors {
		if qs := Find(d); len(qs) != 0 {
			t.Errorf("%s: distractor read as %+v", d, qs)
		}
	}
}

// Distractors next to real figures must not hide them, nor be read with them.
func TestMixed(t *testing.T) {
	in := "截至2021年12月31日，到位项目资金150万元，联系电话0873-3856546，实际使用149.70万元。"
	qs := Find(in)
	if len(qs) != 2 || qs[0].Value != 1500000 || qs[1].Value != 1497000 {
		t.Fatalf("got %+v", qs)
	}
}

func TestParseChinese(t *testing.T) {
	cases := map[string]float64{
		"一": 1, "十": 10, "十五": 15, "二十": 20, "一百二十三": 123, "两千零五": 2005, "三万五千": 35000,
		"一亿二千万": 120000000, "壹佰": 100, "贰仟叁佰": 2300, "玖拾玖": 99, "二〇二一": 2021, "零": 0,
		"一千零一": 1001, "十万": 100000, "五百万": 5000000,
	}
	for in, want := range cases {
		got, ok := ParseChinese(in)
		if !ok || got != want {
			t.Errorf("ParseChinese(%s) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "百", "一二三四五六七八九十", "万"} {
		if v, ok := ParseChinese(bad); ok && bad != "一二三四五六七八九十" {
			t.Errorf("ParseChinese(%q) = %v, want failure", bad, v)
		}
	}
}

func TestParseNumber(t *testing.T) {
	cases := map[string]float64{
		"11,605.29": 11605.29, "46.00": 46, "１２３": 123, "1.2万": 12000, "3千": 3000, "2.5亿": 250000000,
		"一百二十三": 123, "两": 2,
	}
	for in, want := range cases {
		got, ok := ParseNumber(in)
		if !ok || math.Abs(got-want) > 1e-9 {
			t.Errorf("ParseNumber(%s) = %v, %v; want %v", in, got, ok, want)
		}
	}
}

func TestScaleIsExact(t *testing.T) {
	if got := Scale("13565.97", 1e4); got != 135659700 {
		t.Errorf("Scale = %v", got)
	}
	if got := Scale("0.01", 1e4); got != 100 {
		t.Errorf("Scale = %v", got)
	}
	if got := Scale("1,234.5", 1e8); got != 123450000000 {
		t.Errorf("Scale = %v", got)
	}
}

func TestNumbers(t *testing.T) {
	ns := Numbers("年度资金总额: | 808.1 | 692.98 | 86%")
	if len(ns) != 2 || ns[0].Value != 808.1 || ns[1].Value != 692.98 {
		t.Fatalf("got %+v", ns)
	}
}
