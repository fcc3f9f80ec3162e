//go:build duckdb

package query

import (
	"context"
	"fmt"
	"testing"
	"time"

	"zipin/dataset"
	"zipin/query/fixture"
	"zipin/schema"
)

// reports_reviewed applies the latest correction of each field, and
// corrections_status says whether the extraction agrees with it.
func TestReportsReviewed(t *testing.T) {
	dir := t.TempDir()
	if _, err := fixture.Write(dir); err != nil {
		t.Fatal(err)
	}
	ds, err := dataset.Open(dir, "test")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	s := func(v string) *string { return &v }
	// Education2023: the budget was first corrected to 5,200,000.00, then to
	// 5,100,000.00 (the later one counts); the rate was confirmed; a fact
	// was corrected. Undated: its year was given.
	for _, c := range []schema.Correction{
		{DocID: fixture.Education2023, Target: "budget_yuan", Action: "correct", OldValue: s("5000000.00"), NewValue: s("5200000.00"), Reviewer: "王审计", CorrectedAt: at},
		{DocID: fixture.Education2023, Target: "budget_yuan", Action: "correct", OldValue: s("5000000.00"), NewValue: s("5100000.00"), Note: "第3页 调整后预算", Reviewer: "王审计", CorrectedAt: at.Add(time.Minute)},
		{DocID: fixture.Education2023, Target: "execution_rate", Action: "confirm", OldValue: s("98"), NewValue: s("98"), Reviewer: "李审计", CorrectedAt: at},
		{DocID: fixture.Undated, Target: "fiscal_year", Action: "correct", NewValue: s("2021"), Reviewer: "李审计", CorrectedAt: at},
		{DocID: fixture.Education2023, Target: "fact:4", Action: "correct", OldValue: s("6320"), NewValue: s("6230"), Reviewer: "李审计", CorrectedAt: at},
	} {
		if _, err := ds.AppendCorrections([]schema.Correction{c}); err != nil {
			t.Fatal(err)
		}
	}
	e, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	r, err := e.Run(ctx, `SELECT doc_id, budget_yuan, execution_rate, fiscal_year, array_to_string(reviewed, ' ') AS reviewed FROM reports_reviewed ORDER BY doc_id`)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, row := range cells(t, r)[1:] {
		got[row[0]] = fmt.Sprint(row[1:])
	}
	for doc, want := range map[string]string{
		fixture.Education2023:    "[5100000.00 98 2023 budget_yuan execution_rate fact:4]",
		fixture.Undated:          "[  2021 fiscal_year]",
		fixture.CivilAffairs2022: "[12500000.00 95 2022 ]",
	} {
		if got[doc] != want {
			t.Errorf("%s: reviewed %s, want %s", doc, got[doc], want)
		}
	}
	// The view keeps every column of reports, in order.
	a, err := e.Run(ctx, `SELECT * FROM reports LIMIT 0`)
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.Run(ctx, `SELECT * EXCLUDE (reviewed) FROM reports_reviewed LIMIT 0`)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(a.Columns, a.Types) != fmt.Sprint(b.Columns, b.Types) {
		t.Errorf("reports_reviewed columns %v %v, want %v %v", b.Columns, b.Types, a.Columns, a.Types)
	}

	r, err = e.Run(ctx, `SELECT seq, value, reviewed FROM facts_reviewed WHERE doc_id = ? AND seq IN (3, 4) ORDER BY seq`, fixture.Education2023)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(cells(t, r)[1:]); got != "[[3 98 false] [4 6230 true]]" {
		t.Errorf("facts_reviewed: %s", got)
	}

	r, err = e.Run(ctx, `SELECT target, new_value, reviews, agrees FROM corrections_status WHERE doc_id = ? ORDER BY target`, fixture.Education2023)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"target", "new_value", "reviews", "agrees"},
		{"budget_yuan", "5100000.00", "2", "false"}, {"execution_rate", "98", "1", "true"}, {"fact:4", "6230", "1", "false"}}
	if fmt.Sprint(cells(t, r)) != fmt.Sprint(want) {
		t.Errorf("corrections_status: %v, want %v", cells(t, r), want)
	}
}
