package review

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"zipin/quantity"
	"zipin/schema"
)

// Correction actions.
const (
	ActionConfirm = "confirm"
	ActionCorrect = "correct"
)

// correctable are the reports columns an auditor can confirm or correct,
// with how a typed value is written (canonical text) and read back.
var correctable = []struct {
	field string
	get   func(r schema.Report) *string
	parse func(s string) (string, error) // canonical text of a typed value
}{
	{"title", func(r schema.Report) *string { return &r.Title }, nonEmpty},
	{"organization", func(r schema.Report) *string { return r.Organization }, nonEmpty},
	{"fiscal_year", func(r schema.Report) *string { return intText(r.FiscalYear) }, parseYear},
	{"kind", func(r schema.Report) *string { return &r.Kind }, nonEmpty},
	{"budget_yuan", func(r schema.Report) *string { return moneyText(r.BudgetYuan) }, parseMoney},
	{"executed_yuan", func(r schema.Report) *string { return moneyText(r.ExecutedYuan) }, parseMoney},
	{"execution_rate", func(r schema.Report) *string { return floatText(r.ExecutionRate) }, parseFloat},
	{"self_score", func(r schema.Report) *string { return floatText(r.SelfScore) }, parseFloat},
	{"grade", func(r schema.Report) *string { return r.Grade }, nonEmpty},
}

// ErrBadCorrection is returned for a correction that names no known target
// or whose value does not fit it.
var ErrBadCorrection = errors.New("review: bad correction")

// moneyText is an amount in 元 as corrections store it: 12500000.00.
func moneyText(m *schema.Money) *string {
	if m == nil {
		return nil
	}
	s := strings.ReplaceAll(money(*m), ",", "")
	return &s
}

func floatText(f *float64) *string {
	if f == nil {
		return nil
	}
	s := strconv.FormatFloat(*f, 'f', -1, 64)
	return &s
}

func intText(i *int32) *string {
	if i == nil {
		return nil
	}
	s := itoa(*i)
	return &s
}

func nonEmpty(s string) (string, error) {
	if s = strings.TrimSpace(s); s == "" {
		return "", fmt.Errorf("%w: empty value (to say the field should be NULL, write NULL)", ErrBadCorrection)
	}
	return s, nil
}

// parseMoney reads an amount in 元 (commas and a trailing 元 allowed),
// exactly: one finer than 1 分 is refused, not rounded.
func parseMoney(s string) (string, error) {
	m, err := quantity.ParseMoney(strings.TrimSuffix(strings.TrimSpace(s), "元"), "元")
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrBadCorrection, err)
	}
	return *moneyText(&m), nil
}

func parseFloat(s string) (string, error) {
	f, err := parseNumber(strings.TrimRight(strings.TrimSpace(s), "%分 "))
	if err != nil {
		return "", err
	}
	return strconv.FormatFloat(f, 'f', -1, 64), nil
}

func parseYear(s string) (string, error) {
	y, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || y < 1949 || y > 2200 {
		return "", fmt.Errorf("%w: %q is not a year", ErrBadCorrection, s)
	}
	return strconv.Itoa(y), nil
}

func parseNumber(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), ",", ""), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, fmt.Errorf("%w: %q is not a number", ErrBadCorrection, s)
	}
	return f, nil
}

// current is the value a target holds in the document as extracted now,
// as corrections write it; ok is false for an unknown target.
func current(doc *Doc, target string) (value *string, parse func(string) (string, error), ok bool) {
	for _, c := range correctable {
		if c.field == target {
			return c.get(doc.Report), c.parse, true
		}
	}
	if seq, found := strings.CutPrefix(target, "fact:"); found {
		n, err := strconv.Atoi(seq)
		if err != nil {
			return nil, nil, false
		}
		for _, f := range doc.Facts {
			if int(f.Seq) == n {
				return floatText(&f.Value), parseFloat, true
			}
		}
	}
	return nil, nil, false
}

// NewCorrection checks an auditor's verdict on a target of doc and returns
// the row to append. value is ignored for a confirmation; "NULL" says the
// field should be NULL.
func NewCorrection(doc *Doc, target, action, value, note, reviewer string, at time.Time) (schema.Correction, error) {
	old, parse, ok := current(doc, target)
	if !ok {
		return schema.Correction{}, fmt.Errorf("%w: %s has no %q (a headline field or fact:SEQ)", ErrBadCorrection, doc.Report.DocID, target)
	}
	if strings.TrimSpace(reviewer) == "" {
		return schema.Correction{}, fmt.Errorf("%w: who reviews? give a reviewer", ErrBadCorrection)
	}
	c := schema.Correction{DocID: doc.Report.DocID, Target: target, Action: action, OldValue: old,
		Note: strings.TrimSpace(note), Reviewer: strings.TrimSpace(reviewer),
		ExtractorVersion: doc.Report.ExtractorVersion, CorrectedAt: at.UTC().Truncate(time.Millisecond)}
	switch action {
	case ActionConfirm:
		c.NewValue = old
	case ActionCorrect:
		if strings.EqualFold(strings.TrimSpace(value), "NULL") {
			break
		}
		v, err := parse(value)
		if err != nil {
			return schema.Correction{}, fmt.Errorf("%s: %w", target, err)
		}
		c.NewValue = &v
	default:
		return schema.Correction{}, fmt.Errorf("%w: action %q (want confirm or correct)", ErrBadCorrection, action)
	}
	return c, nil
}

// reviewState is the latest correction of a target, and how the current
// extraction stands to it.
type reviewState struct {
	Action, Reviewer, Note, When string
	Old, New                     string
	// Agrees says whether the value extracted now equals the corrected one;
	// Changed whether it differs from what the auditor saw (a re-extraction
	// since).
	Agrees, Changed bool
	Count           int // corrections of this target, all told
}

// Status is how the extraction now stands to a review, in words.
func (s reviewState) Status() string {
	switch {
	case s.Agrees && s.Changed:
		return "the new extraction now agrees"
	case s.Agrees:
		return "the extraction agrees"
	case s.Changed:
		return "re-extracted since, and still disagrees"
	}
	return "applied in reports_reviewed"
}

// reviews gives each target's latest correction, as of doc's rows now.
func reviews(doc *Doc) map[string]reviewState {
	out := map[string]reviewState{}
	cs := slices.Clone(doc.Corrections)
	slices.SortStableFunc(cs, func(a, b schema.Correction) int { return a.CorrectedAt.Compare(b.CorrectedAt) })
	for _, c := range cs {
		now, _, ok := current(doc, c.Target)
		if !ok {
			now = nil
		}
		s := reviewState{Action: c.Action, Reviewer: c.Reviewer, Note: c.Note, When: c.CorrectedAt.UTC().Format("2006-01-02 15:04"),
			Old: nullText(c.OldValue), New: nullText(c.NewValue),
			Agrees: nullText(now) == nullText(c.NewValue), Changed: nullText(now) != nullText(c.OldValue),
			Count: out[c.Target].Count + 1}
		out[c.Target] = s
	}
	return out
}

func nullText(s *string) string { return cmp.Or(deref(s), "NULL") }
