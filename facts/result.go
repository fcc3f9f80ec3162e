// Package facts turns normalized report text into typed facts: quantities
// with units and provenance, the report's headline fields, and cross-checks.
package facts

import (
	"zipin/quantity"
	"zipin/schema"
)

// Fact is one quantity found in the text, with its exact place.
type Fact struct {
	Page       int
	Start, End int    // rune offsets into the page's normalized text
	Text       string // the exact span
	Value      float64
	ValueHigh  *float64      // upper end of a range
	Unit       string        // base unit: 元, %, 分, 个百分点, or the measure word
	UnitText   string        // the unit as written
	Kind       quantity.Kind // money, count, percent, score, duration, area, other
	Approx     string
	Op         string // ≥ ≤ > < = for targets
	Metric     Metric
	Subject    string
	Section    string

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

// Headline is what goes into the reports row.
type Headline struct {
	Title         string
	Kind          string
	Organization  *string
	FiscalYear    *int
	BudgetYuan    *float64
	ExecutedYuan  *float64
	ExecutionRate *float64
	SelfScore     *float64
	Grade         *string
	Warnings      []string
	// Evidence holds the candidates weighed for each field, chosen and
	// rejected, in field order.
	Evidence []Candidate
}

// Result is everything the facts stage finds in one document.
type Result struct {
	Facts      []Fact
	Headline   Headline
	Projects   []schema.Project   // doc_id and fiscal_year are filled by the caller
	Indicators []schema.Indicator // likewise
}
