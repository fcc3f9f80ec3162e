package facts

import "zipin/lexicon"

// Metric is a canonical metric label: one of the constants below, written as
// is in the facts.metric column.
type Metric string

// Canonical metric labels (the facts.metric column).
const (
	BudgetTotal        Metric = "budget_total"
	BudgetInitial      Metric = "budget_initial"
	Executed           Metric = "executed"
	ExecutionRate      Metric = "execution_rate"
	SelfScore          Metric = "self_score"
	GoalCompletionRate Metric = "goal_completion_rate"
	Satisfaction       Metric = "satisfaction_rate"
	ReceivedFunds      Metric = "funds_received"
)

// metricPhrase is a label that, written shortly before a number, names what
// the number is. kinds restricts it to numbers of those kinds: 执行率 names a
// percent, never an amount. The table is data: a domain expert reads and
// extends it. Longer phrases win over shorter ones they contain.
type metricPhrase struct {
	phrase string
	metric Metric
	kinds  []lexicon.Kind
}

var money = []lexicon.Kind{lexicon.Money}
var percent = []lexicon.Kind{lexicon.Percent}
var score = []lexicon.Kind{lexicon.Score}

var metricPhrases = []metricPhrase{
	{"全年预算数", BudgetTotal, money},
	{"全年预算", BudgetTotal, money},
	{"调整后预算数", BudgetTotal, money},
	{"调整后预算", BudgetTotal, money},
	{"调整预算", BudgetTotal, money},
	{"年度预算", BudgetTotal, money},
	{"预算总金额", BudgetTotal, money},
	{"预算总额", BudgetTotal, money},
	{"总预算", BudgetTotal, money},
	{"预算数", BudgetTotal, money},
	{"预算资金", BudgetTotal, money},
	{"项目预算", BudgetTotal, money},
	{"计划投资", BudgetTotal, money},
	{"总投资", BudgetTotal, money},
	{"投入资金", BudgetTotal, money},
	{"安排资金", BudgetTotal, money},
	// Budget labels built as 预算 + 安排/批复 + 数/资金/金额, and the
	// weakest: 项目资金 (the project's funds, where nothing stronger names
	// the budget).
	{"预算安排数", BudgetTotal, money},
	{"预算批复数", BudgetTotal, money},
	{"年度预算安排", BudgetTotal, money},
	{"预算安排资金", BudgetTotal, money},
	{"预算金额", BudgetTotal, money},
	{"项目资金", BudgetTotal, money},
	{"年初预算数", BudgetInitial, money},
	{"年初预算", BudgetInitial, money},
	{"年初批复预算", BudgetInitial, money},
	{"全年执行数", Executed, money},
	{"全年执行", Executed, money},
	{"执行数", Executed, money},
	{"预算执行数", Executed, money},
	{"实际支出", Executed, money},
	{"全年支出", Executed, money},
	{"实际使用", Executed, money},
	{"已使用", Executed, money},
	{"已支出", Executed, money},
	{"执行金额", Executed, money},
	{"发放", Executed, money},
	{"支出共计", Executed, money},
	{"支付", Executed, money},
	{"已拨付", Executed, money},
	{"完成拨付", Executed, money},
	{"执行资金", Executed, money},
	{"决算数", Executed, money},
	{"实际到位", ReceivedFunds, money},
	{"到位资金", ReceivedFunds, money},
	{"到位项目资金", ReceivedFunds, money},
	{"预算执行率", ExecutionRate, percent},
	{"执行率", ExecutionRate, percent},
	{"预算完成率", ExecutionRate, percent},
	{"支付率", ExecutionRate, percent},
	{"资金执行率", ExecutionRate, percent},
	{"完成预算的", ExecutionRate, percent},
	{"完成率", ExecutionRate, percent},
	{"预算执行进度", ExecutionRate, percent},
	{"自评得分", SelfScore, score},
	{"自评分数", SelfScore, score},
	{"自评总分", SelfScore, score},
	{"绩效评分", SelfScore, score},
	{"评价得分", SelfScore, score},
	{"综合评价得分", SelfScore, score},
	{"总分", SelfScore, score},
	{"综合得分", SelfScore, score},
	{"最终得分", SelfScore, score},
	{"自评结果", SelfScore, score},
	{"综合评分", SelfScore, score},
	{"自评综合得分", SelfScore, score},
	{"目标完成率", GoalCompletionRate, percent},
	{"目标实现率", GoalCompletionRate, percent},
	{"满意度", Satisfaction, percent},
}

// metricWindow is how far back, in runes within the same clause, a label may
// stand from its number.
const metricWindow = 16
