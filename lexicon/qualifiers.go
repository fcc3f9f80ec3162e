package lexicon

// Comparator is a word or symbol before a number that bounds it, as targets
// write them: 不低于95%, ≥95%, 大于或等于90%.
type Comparator struct {
	Written string
	Op      string // ≥ ≤ > < =
	// TargetOnly is set for words that bound a number only in a target
	// cell: 达到95% is a target of ≥ 95%; in prose 达到 is a verb.
	TargetOnly bool
}

// Comparators, before the number. Matching takes the longest.
var Comparators = []Comparator{
	{Written: "不低于", Op: "≥"}, {Written: "不少于", Op: "≥"}, {Written: "不小于", Op: "≥"},
	{Written: "大于等于", Op: "≥"}, {Written: "大于或等于", Op: "≥"}, {Written: "高于或等于", Op: "≥"},
	{Written: "≥", Op: "≥"}, {Written: "≧", Op: "≥"}, {Written: ">=", Op: "≥"}, {Written: "＞=", Op: "≥"}, {Written: "＞＝", Op: "≥"},
	{Written: "不高于", Op: "≤"}, {Written: "不超过", Op: "≤"}, {Written: "不大于", Op: "≤"}, {Written: "不多于", Op: "≤"},
	{Written: "小于等于", Op: "≤"}, {Written: "小于或等于", Op: "≤"}, {Written: "低于或等于", Op: "≤"},
	{Written: "≤", Op: "≤"}, {Written: "≦", Op: "≤"}, {Written: "<=", Op: "≤"}, {Written: "＜=", Op: "≤"}, {Written: "＜＝", Op: "≤"},
	{Written: ">", Op: ">"}, {Written: "＞", Op: ">"}, {Written: "大于", Op: ">"}, {Written: "高于", Op: ">"},
	{Written: "<", Op: "<"}, {Written: "＜", Op: "<"}, {Written: "小于", Op: "<"}, {Written: "低于", Op: "<"},
	{Written: "=", Op: "="}, {Written: "﹦", Op: "="}, {Written: "＝", Op: "="},
	{Written: "达到", Op: "≥", TargetOnly: true},
}

// Qualifier is a word written with a number that makes it approximate or
// states a bound: 约1500人, 200余台, 90%以上, 12个月内.
type Qualifier struct {
	Written string
	// After is set for a word written after the number or its unit.
	After bool
	// Inner is set for 余 and 多, which may also stand between the number
	// and its unit (200余台, 2.5万余封, 20多万人次).
	Inner bool
	// Bound is the comparator the word states in a target cell (以上 ≥,
	// 以内 ≤); "" for a plain approximation (约, 左右). In prose the word
	// stays a qualifier: 服务对象1000人以上 is approx 以上, not a target.
	Bound string
	// TargetOnly is set for words read only in a target cell: 12个月内.
	TargetOnly bool
}

// Qualifiers, before and after the number. Matching takes the longest.
var Qualifiers = []Qualifier{
	{Written: "约"}, {Written: "大约"}, {Written: "约为"}, {Written: "逾"}, {Written: "近"}, {Written: "将近"},
	{Written: "接近"}, {Written: "超"}, {Written: "超过"}, {Written: "不足"}, {Written: "不到"},
	{Written: "余", After: true, Inner: true}, {Written: "多", After: true, Inner: true},
	{Written: "以上", After: true, Bound: "≥"}, {Written: "及以上", After: true, Bound: "≥"},
	{Written: "以下", After: true, Bound: "≤"}, {Written: "及以下", After: true, Bound: "≤"},
	{Written: "以内", After: true, Bound: "≤"}, {Written: "之内", After: true, Bound: "≤", TargetOnly: true},
	{Written: "内", After: true, Bound: "≤", TargetOnly: true},
	{Written: "左右", After: true}, {Written: "上下", After: true},
}
