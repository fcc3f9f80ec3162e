package lexicon

// Kind is the kind of a quantity: one of the constants below, written as is
// in the facts.kind column of ../shared/CONTRACT.md.
type Kind string

// Kinds of quantity (the facts.kind column of ../shared/CONTRACT.md).
const (
	Money    Kind = "money"
	Count    Kind = "count"
	Percent  Kind = "percent"
	Score    Kind = "score"
	Duration Kind = "duration"
	Area     Kind = "area" // area only: a length is Other, so 3 km never reads as a surface
	Other    Kind = "other"
)

// Unit is one unit as written in a report.
type Unit struct {
	Written string  // as written: 万元, 人次, ㎡, km
	Base    string  // the unit a value is stored in: 元, %, 人次, ㎡, 公里
	Kind    Kind    // Money, Count, …
	Factor  float64 // base units per written unit: 万元 → 1e4 元
	// NotBefore lists the runes that, right after the unit, show its
	// character starts another word instead: 一次性 is not 1 次, 3分别 not 3 分.
	NotBefore string
	// Tenths is set when a digit written after the unit counts tenths of
	// it: 六成五 is 6.5成 = 65%.
	Tenths bool
	// Multiplier is set for 万 and 亿, which before another unit multiply
	// it (3.2万人次, 1.5万亩) and alone are money (安排资金19204.096万).
	Multiplier bool
}

// Units is the unit table. Matching takes the longest written form, so 万元
// wins over 万, 个月 over 个 and mm/24h over mm. Lengths, masses, volumes,
// power and energy keep the unit as written as their base (no conversion
// between 米 and 公里), so a value reads as the report wrote it.
var Units = []Unit{
	// money, in 元
	{Written: "元", Base: "元", Kind: Money, Factor: 1, NotBefore: "旦宵素"},
	{Written: "千元", Base: "元", Kind: Money, Factor: 1e3},
	{Written: "万元", Base: "元", Kind: Money, Factor: 1e4},
	{Written: "亿元", Base: "元", Kind: Money, Factor: 1e8},
	{Written: "万", Base: "元", Kind: Money, Factor: 1e4, NotBefore: "物事一", Multiplier: true},
	{Written: "亿", Base: "元", Kind: Money, Factor: 1e8, NotBefore: "万", Multiplier: true},
	// percent and percentage points
	{Written: "%", Base: "%", Kind: Percent, Factor: 1},
	{Written: "％", Base: "%", Kind: Percent, Factor: 1},
	{Written: "百分比", Base: "%", Kind: Percent, Factor: 1}, // "≥100百分比", as some templates print the % unit
	{Written: "成", Base: "%", Kind: Percent, Factor: 10, Tenths: true, NotBefore: "不为员本果效功立熟就绩交型品都长群败"},
	{Written: "‰", Base: "%", Kind: Percent, Factor: 0.1}, // 0.5‰ = 0.05%
	{Written: "个百分点", Base: "个百分点", Kind: Other, Factor: 1},
	{Written: "倍", Base: "倍", Kind: Other, Factor: 1, NotBefore: "增数加感"},
	{Written: "百分点", Base: "个百分点", Kind: Other, Factor: 1},
	// scores
	{Written: "分", Base: "分", Kind: Score, Factor: 1, NotBefore: "钟别之配类期批局析管项布解散担摊值数"},
	// durations
	{Written: "小时", Base: "小时", Kind: Duration, Factor: 1},
	{Written: "个小时", Base: "小时", Kind: Duration, Factor: 1},
	{Written: "天", Base: "天", Kind: Duration, Factor: 1, NotBefore: "然"},
	{Written: "个工作日", Base: "工作日", Kind: Duration, Factor: 1},
	{Written: "工作日", Base: "工作日", Kind: Duration, Factor: 1},
	{Written: "个月", Base: "个月", Kind: Duration, Factor: 1},
	{Written: "年", Base: "年", Kind: Duration, Factor: 1, NotBefore: "度底初末以来前后份中龄级"},
	{Written: "周", Base: "周", Kind: Duration, Factor: 1, NotBefore: "边年转岁"},
	{Written: "分钟", Base: "分钟", Kind: Duration, Factor: 1},
	// area
	{Written: "㎡", Base: "㎡", Kind: Area, Factor: 1},
	{Written: "m²", Base: "㎡", Kind: Area, Factor: 1},
	{Written: "m2", Base: "㎡", Kind: Area, Factor: 1},
	{Written: "平方米", Base: "㎡", Kind: Area, Factor: 1},
	{Written: "平米", Base: "㎡", Kind: Area, Factor: 1},
	{Written: "平方公里", Base: "平方公里", Kind: Area, Factor: 1},
	{Written: "km²", Base: "平方公里", Kind: Area, Factor: 1},
	{Written: "k㎡", Base: "平方公里", Kind: Area, Factor: 1},
	{Written: "公顷", Base: "公顷", Kind: Area, Factor: 1},
	{Written: "亩", Base: "亩", Kind: Area, Factor: 1},
	// length: not area
	{Written: "公里", Base: "公里", Kind: Other, Factor: 1},
	{Written: "千米", Base: "公里", Kind: Other, Factor: 1},
	{Written: "km", Base: "公里", Kind: Other, Factor: 1},
	{Written: "KM", Base: "公里", Kind: Other, Factor: 1},
	{Written: "米", Base: "米", Kind: Other, Factor: 1, NotBefore: "粮"},
	{Written: "m", Base: "米", Kind: Other, Factor: 1},
	{Written: "厘米", Base: "厘米", Kind: Other, Factor: 1},
	{Written: "cm", Base: "厘米", Kind: Other, Factor: 1},
	{Written: "毫米", Base: "毫米", Kind: Other, Factor: 1},
	{Written: "mm", Base: "毫米", Kind: Other, Factor: 1},
	{Written: "mm/24h", Base: "mm/24h", Kind: Other, Factor: 1}, // rainfall intensity
	// volume
	{Written: "立方米", Base: "m³", Kind: Other, Factor: 1},
	{Written: "m³", Base: "m³", Kind: Other, Factor: 1},
	{Written: "m3", Base: "m³", Kind: Other, Factor: 1},
	// mass
	{Written: "吨", Base: "吨", Kind: Other, Factor: 1},
	{Written: "t", Base: "吨", Kind: Other, Factor: 1},
	{Written: "公斤", Base: "公斤", Kind: Other, Factor: 1},
	{Written: "千克", Base: "公斤", Kind: Other, Factor: 1},
	{Written: "kg", Base: "公斤", Kind: Other, Factor: 1},
	{Written: "斤", Base: "斤", Kind: Other, Factor: 1},
	// power and energy
	{Written: "千瓦", Base: "kW", Kind: Other, Factor: 1},
	{Written: "kW", Base: "kW", Kind: Other, Factor: 1},
	{Written: "KW", Base: "kW", Kind: Other, Factor: 1},
	{Written: "兆瓦", Base: "MW", Kind: Other, Factor: 1},
	{Written: "MW", Base: "MW", Kind: Other, Factor: 1},
	{Written: "千瓦时", Base: "kW·h", Kind: Other, Factor: 1},
	{Written: "kW·h", Base: "kW·h", Kind: Other, Factor: 1},
	{Written: "kW•h", Base: "kW·h", Kind: Other, Factor: 1},
	{Written: "kW.h", Base: "kW·h", Kind: Other, Factor: 1},
	{Written: "kWh", Base: "kW·h", Kind: Other, Factor: 1},
	{Written: "KWh", Base: "kW·h", Kind: Other, Factor: 1},
	{Written: "kwh", Base: "kW·h", Kind: Other, Factor: 1},
	// counts: measure words
	{Written: "户", Base: "户", Kind: Count, Factor: 1, NotBefore: "籍口外"},
	{Written: "人", Base: "人", Kind: Count, Factor: 1, NotBefore: "民员均才口大工"},
	{Written: "人次", Base: "人次", Kind: Count, Factor: 1},
	{Written: "名", Base: "名", Kind: Count, Factor: 1, NotBefore: "称单义额录"},
	{Written: "个", Base: "个", Kind: Count, Factor: 1, NotBefore: "别体人案"},
	{Written: "件", Base: "件", Kind: Count, Factor: 1, NotBefore: "事"},
	{Written: "场", Base: "场", Kind: Count, Factor: 1, NotBefore: "所地景"},
	{Written: "场次", Base: "场次", Kind: Count, Factor: 1},
	{Written: "篇", Base: "篇", Kind: Count, Factor: 1},
	{Written: "封", Base: "封", Kind: Count, Factor: 1},
	{Written: "期", Base: "期", Kind: Count, Factor: 1, NotBefore: "间限末初满"},
	{Written: "家", Base: "家", Kind: Count, Factor: 1, NotBefore: "庭属"},
	{Written: "所", Base: "所", Kind: Count, Factor: 1, NotBefore: "有以在属得需"},
	{Written: "支", Base: "支", Kind: Count, Factor: 1, NotBefore: "出付持撑部"},
	{Written: "批次", Base: "批次", Kind: Count, Factor: 1},
	{Written: "批", Base: "批", Kind: Count, Factor: 1, NotBefore: "准复示"},
	{Written: "台", Base: "台", Kind: Count, Factor: 1, NotBefore: "账"},
	{Written: "套", Base: "套", Kind: Count, Factor: 1, NotBefore: "餐"},
	{Written: "册", Base: "册", Kind: Count, Factor: 1, NotBefore: "子"},
	{Written: "册次", Base: "册次", Kind: Count, Factor: 1},
	{Written: "次", Base: "次", Kind: Count, Factor: 1, NotBefore: "性数"},
	{Written: "项", Base: "项", Kind: Count, Factor: 1, NotBefore: "目"},
	{Written: "条", Base: "条", Kind: Count, Factor: 1, NotBefore: "件例款"},
	{Written: "座", Base: "座", Kind: Count, Factor: 1},
	{Written: "处", Base: "处", Kind: Count, Factor: 1, NotBefore: "理置"},
	{Written: "辆", Base: "辆", Kind: Count, Factor: 1},
	{Written: "张", Base: "张", Kind: Count, Factor: 1, NotBefore: "贴"},
	{Written: "份", Base: "份", Kind: Count, Factor: 1, NotBefore: "额"},
	{Written: "本", Base: "本", Kind: Count, Factor: 1, NotBefore: "级单部年项次"},
	{Written: "部", Base: "部", Kind: Count, Factor: 1, NotBefore: "门分署"},
	{Written: "间", Base: "间", Kind: Count, Factor: 1, NotBefore: "接"},
	{Written: "棵", Base: "棵", Kind: Count, Factor: 1},
	{Written: "株", Base: "株", Kind: Count, Factor: 1},
	{Written: "头", Base: "头", Kind: Count, Factor: 1, NotBefore: "部"},
	{Written: "只", Base: "只", Kind: Count, Factor: 1},
	{Written: "所学校", Base: "所", Kind: Count, Factor: 1},
	{Written: "宗", Base: "宗", Kind: Count, Factor: 1},
	{Written: "起", Base: "起", Kind: Count, Factor: 1, NotBefore: "来步"},
	{Written: "例", Base: "例", Kind: Count, Factor: 1, NotBefore: "如"},
	{Written: "位", Base: "位", Kind: Count, Factor: 1, NotBefore: "于置"},
	{Written: "团", Base: "团", Kind: Count, Factor: 1, NotBefore: "队体"},
	{Written: "队", Base: "队", Kind: Count, Factor: 1, NotBefore: "伍"},
	{Written: "村", Base: "村", Kind: Count, Factor: 1},
	{Written: "行政村", Base: "行政村", Kind: Count, Factor: 1},
	{Written: "个行政村", Base: "行政村", Kind: Count, Factor: 1},
	{Written: "乡镇", Base: "乡镇", Kind: Count, Factor: 1, NotBefore: "级长干府"},
	{Written: "个乡镇", Base: "乡镇", Kind: Count, Factor: 1, NotBefore: "级长干府"},
	{Written: "社区", Base: "社区", Kind: Count, Factor: 1, NotBefore: "级"},
	{Written: "个社区", Base: "社区", Kind: Count, Factor: 1, NotBefore: "级"},
	{Written: "栋", Base: "栋", Kind: Count, Factor: 1},
	{Written: "盏", Base: "盏", Kind: Count, Factor: 1},
	{Written: "块", Base: "块", Kind: Count, Factor: 1, NotBefore: "钱"},
	{Written: "根", Base: "根", Kind: Count, Factor: 1},
	{Written: "箱", Base: "箱", Kind: Count, Factor: 1},
	{Written: "床", Base: "床", Kind: Count, Factor: 1},
	{Written: "户次", Base: "户次", Kind: Count, Factor: 1},
	{Written: "人/次", Base: "人次", Kind: Count, Factor: 1},
	{Written: "家次", Base: "家次", Kind: Count, Factor: 1},
}

// UnitOf returns the row for a unit exactly as written (万元, ㎡), for a
// stage that reads a unit from a header (项目资金（万元）) rather than after
// a number.
func UnitOf(written string) (Unit, bool) {
	for _, u := range Units {
		if u.Written == written {
			return u, true
		}
	}
	return Unit{}, false
}
