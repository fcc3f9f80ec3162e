package quantity

// Kinds of quantity (the facts.kind column).
const (
	Money    = "money"
	Count    = "count"
	Percent  = "percent"
	Score    = "score"
	Duration = "duration"
	Area     = "area" // area and length
	Other    = "other"
)

// unitDef is one unit as written: its base unit, its kind, and the factor
// that turns a value in this unit into the base unit.
type unitDef struct {
	written string
	base    string
	kind    string
	factor  float64
}

// units is the unit table. A domain expert extends zipin by adding rows here.
// Matching takes the longest written form, so 万元 wins over 万 and 个月 over 个.
var units = []unitDef{
	// money, in 元
	{"元", "元", Money, 1},
	{"千元", "元", Money, 1e3},
	{"万元", "元", Money, 1e4},
	{"亿元", "元", Money, 1e8},
	{"万", "元", Money, 1e4}, // "安排资金19204.096万": a bare 万 in a report is money
	{"亿", "元", Money, 1e8},
	// percent and percentage points
	{"%", "%", Percent, 1},
	{"％", "%", Percent, 1},
	{"百分比", "%", Percent, 1}, // "≥100百分比", as some templates print the % unit
	{"成", "%", Percent, 10},  // 两成 = 20%, 六成五 = 65%
	{"个百分点", "个百分点", Other, 1},
	{"百分点", "个百分点", Other, 1},
	// scores
	{"分", "分", Score, 1},
	// durations
	{"小时", "小时", Duration, 1},
	{"个小时", "小时", Duration, 1},
	{"天", "天", Duration, 1},
	{"个工作日", "工作日", Duration, 1},
	{"工作日", "工作日", Duration, 1},
	{"个月", "个月", Duration, 1},
	{"年", "年", Duration, 1},
	{"周", "周", Duration, 1},
	{"分钟", "分钟", Duration, 1},
	// area and length
	{"㎡", "㎡", Area, 1},
	{"m²", "㎡", Area, 1},
	{"m2", "㎡", Area, 1},
	{"平方米", "㎡", Area, 1},
	{"平米", "㎡", Area, 1},
	{"平方公里", "平方公里", Area, 1},
	{"公顷", "公顷", Area, 1},
	{"亩", "亩", Area, 1},
	{"公里", "公里", Area, 1},
	{"千米", "公里", Area, 1},
	{"km", "公里", Area, 1},
	{"米", "米", Area, 1},
	{"m", "m", Area, 1},
	// counts: measure words
	{"户", "户", Count, 1}, {"人", "人", Count, 1}, {"人次", "人次", Count, 1}, {"名", "名", Count, 1},
	{"个", "个", Count, 1}, {"件", "件", Count, 1}, {"场", "场", Count, 1}, {"场次", "场次", Count, 1},
	{"篇", "篇", Count, 1}, {"封", "封", Count, 1}, {"期", "期", Count, 1}, {"家", "家", Count, 1},
	{"所", "所", Count, 1}, {"支", "支", Count, 1}, {"批次", "批次", Count, 1}, {"批", "批", Count, 1},
	{"台", "台", Count, 1}, {"套", "套", Count, 1}, {"册", "册", Count, 1}, {"册次", "册次", Count, 1},
	{"次", "次", Count, 1}, {"项", "项", Count, 1}, {"条", "条", Count, 1}, {"座", "座", Count, 1},
	{"处", "处", Count, 1}, {"辆", "辆", Count, 1}, {"张", "张", Count, 1}, {"份", "份", Count, 1},
	{"本", "本", Count, 1}, {"部", "部", Count, 1}, {"间", "间", Count, 1}, {"棵", "棵", Count, 1},
	{"株", "株", Count, 1}, {"头", "头", Count, 1}, {"只", "只", Count, 1}, {"所学校", "所", Count, 1},
	{"宗", "宗", Count, 1}, {"起", "起", Count, 1}, {"例", "例", Count, 1}, {"位", "位", Count, 1},
	{"团", "团", Count, 1}, {"队", "队", Count, 1}, {"村", "村", Count, 1}, {"栋", "栋", Count, 1},
	{"盏", "盏", Count, 1}, {"块", "块", Count, 1}, {"根", "根", Count, 1}, {"箱", "箱", Count, 1},
	{"吨", "吨", Other, 1}, {"公斤", "公斤", Other, 1}, {"千克", "公斤", Other, 1}, {"斤", "斤", Other, 1},
	{"床", "床", Count, 1}, {"户次", "户次", Count, 1}, {"人/次", "人次", Count, 1}, {"家次", "家次", Count, 1},
}

// unitBlockers are characters that, right after a unit, show the unit
// character was really the start of another word: "一次性" is not 1 次,
// "3分别" is not 3 分, "5个别" is not 5 个.
var unitBlockers = map[string]string{
	"次": "性数", // 一次性, 次数
	"分": "钟别之配类期批局析管项布解散担摊值数",
	"个": "别体人案",
	"人": "民员均才口大工",
	"名": "称单义额录",
	"件": "事",
	"期": "间限末初满",
	"家": "庭属",
	"所": "有以在属得需",
	"支": "出付持撑部",
	"台": "账",
	"部": "门分署",
	"项": "目",
	"条": "件例款",
	"处": "理置",
	"本": "级单部年项次",
	"起": "来步",
	"位": "于置",
	"年": "度底初末以来前后份中龄级",
	"天": "然",
	"米": "粮",
	"m": "abcdefghijklmnopqrstuvwxyz",
	"周": "边年转岁",
	"场": "所地景",
	"套": "餐",
	"册": "子",
	"队": "伍",
	"团": "队体",
	"头": "部",
	"块": "钱",
	"张": "贴",
	"份": "额",
	"间": "接",
	"批": "准复示",
	"例": "如",
	"户": "籍口外",
	"元": "旦宵素",
	"万": "物事一",
	"亿": "万",
	"成": "不为员本果效功立熟就绩交型品都长群败",
}

// tenthsUnits are the units after which a digit counts tenths of the unit:
// 六成五 is 6.5成 = 65%.
var tenthsUnits = map[string]bool{"成": true}
