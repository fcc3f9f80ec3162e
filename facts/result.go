// Package facts turns normalized report text into typed facts: quantities
// with units and provenance, the report's headline fields, and cross-checks.
package facts

import (
	"zipin/quantity"
)

// Fact is one quantity found in the text, with its exact place.
type Fact struct {
	Page       int
	Start, End int    // rune offsets into the page's normalized text
	Text       string // the exact span
	// Value is the quantity in its base unit Unit: 元 for money (120万元 is
	// 1200000), % for rates, 分 for scores, the measure word for counts
	// (3.2万人次 is 32000 人次); the float nearest the exact value.
	Value     float64
	ValueHigh *float64 // upper end of a range, in Unit like Value
	// Money is, for kind money, Value exactly, in 分; nil for other kinds
	// and for an amount stated finer than 1 分, which no money column can
	// hold as stated.
	Money    *quantity.Money
	Unit     string        // base unit: 元, %, 分, 个百分点, or the measure word
	UnitText string        // the unit as written
	Kind     quantity.Kind // money, count, percent, score, duration, area, other
	Approx   string
	Op       string // ≥ ≤ > < = for targets
	Metric   Metric
	Subject  string
	Section  string

	label       string  // the metric phrase that named it, for ranking headline candidates
	conditional bool    // the label states a condition on the number (未达到90%), not its value
	row         string  // the label of the table row it sits in, if any
	cell        bool    // read from a grid cell
	part        bool    // in a row that holds a part of the total (其中：中央资金)
	perUnit     bool    // an amount per person, household or period (每人300元), not a total
	item        bool    // in a sentence that is one item of a list (一是…)
	project     bool    // about one project of a summary of several, not the report's
	ctx         bool    // a bare number typed by a unit declared around it, not by its own words
	drop        bool    // its column shows the context typing was wrong (a 人次 count under a 元 table)
	total       bool    // stated as a total (合计, 共计, 总计): it settles its parts
	sub         string  // for a score: the dimension (投入, 产出 …) it is a sub-score of
	full        float64 // for a score: the full mark stated with it (分值100分)
}

// Headline is the report's own figures: what goes into its reports row.
// A field is nil where the document does not settle it.
type Headline struct {
	Title        string
	Kind         string
	Organization *string
	FiscalYear   *int
	// Budget and Executed are the year's budget and spending, exact in 分.
	Budget, Executed *quantity.Money
	ExecutionRate    *float64 // in %
	SelfScore        *float64 // in 分, out of 100
	Grade            *string
	Warnings         []string
	// Evidence holds the candidates weighed for each field, chosen and
	// rejected, in field order.
	Evidence []Candidate
}

// Result is everything the facts stage finds in one document's text. The
// 自评表 are selfeval's; Reconcile joins them to the headline.
type Result struct {
	Facts    []Fact
	Headline Headline
}
