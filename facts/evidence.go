package facts

// Candidate is one value considered for a headline field, kept as evidence of
// the decision so that a reviewer sees why a field holds its value or is NULL.
//
// Every headline field (organization, kind, year, budget, executed, rate,
// self_score, grade) is decided among candidates ranked by a data table; the
// chosen one has Chosen set, and each rejected one says why in Reason.
type Candidate struct {
	Field string // the headline field: "organization", "budget", "rate", …
	// Value is the candidate as text: a name, or a number in the field's
	// unit (元 for money, % for rate, 分 for score), formatted without
	// exponent.
	Value string
	Page  int // 1-based page of the span; 0 when not from the text
	Start int // rune offset of the span in the page's normalized text
	End   int // rune offset just past the span
	// Label is the phrase that named the value (单位名称, 全年预算数, 合计 …).
	Label string
	// Source is where the candidate came from: "label" (a labelled field),
	// "title", "table" (a grid cell or total row), "form" (the 自评表),
	// "signature" (the closing block), "prose".
	Source string
	// Scope is what the value is about: "document", "project", "section".
	Scope  string
	Chosen bool
	// Reason says why it was chosen or rejected, in a few words
	// ("strongest label", "sub-score under 产出", "conflicts with 合计").
	Reason string
}
