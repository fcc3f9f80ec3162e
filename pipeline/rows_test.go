package pipeline

import (
	"context"
	"fmt"
	"os"
	"testing"
)

// TestRowsOfAForm: rows is where the 自评表 become rows: each projects and
// indicators row gets the document's doc_id and fiscal year there, the
// amounts go in as exact 分 (285.4万元 is 285400000 分), and the reports
// row's budget is the form's, the form weighed in its evidence.
func TestRowsOfAForm(t *testing.T) {
	data, err := os.ReadFile("../testdata/selfeval/cell-per-line.txt")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Analyze(context.Background(), Input{Source: "cell-per-line.txt", Data: data})
	if err != nil {
		t.Fatal(err)
	}
	id, rep := DocID(data), b.Reports[0]
	if len(b.Projects) != 1 || len(b.Indicators) != 9 {
		t.Fatalf("%d projects, %d indicators; want 1 and 9 (the goal and 8 indicators)", len(b.Projects), len(b.Indicators))
	}
	if fmtYear(rep.FiscalYear) != "2024" {
		t.Errorf("report year %s, want 2024 (（2024年度）)", fmtYear(rep.FiscalYear))
	}
	p := b.Projects[0]
	if p.DocID != id || p.ProjectSeq != 1 || p.Page != 1 || fmtYear(p.FiscalYear) != fmtYear(rep.FiscalYear) {
		t.Errorf("project keys %s %d page %d year %s, want %s 1 page 1 year %s", p.DocID, p.ProjectSeq, p.Page, fmtYear(p.FiscalYear), id, fmtYear(rep.FiscalYear))
	}
	if p.BudgetInitialYuan == nil || *p.BudgetInitialYuan != 260000000 || p.BudgetYuan == nil || *p.BudgetYuan != 285400000 ||
		p.ExecutedYuan == nil || *p.ExecutedYuan != 271130000 {
		t.Errorf("amounts %v %v %v 分, want 260000000 285400000 271130000", p.BudgetInitialYuan, p.BudgetYuan, p.ExecutedYuan)
	}
	for _, in := range b.Indicators {
		if in.DocID != id || in.ProjectSeq != 1 || fmtYear(in.FiscalYear) != fmtYear(rep.FiscalYear) {
			t.Errorf("indicator %d %q: doc %s project %d year %s", in.Seq, in.Name, in.DocID, in.ProjectSeq, fmtYear(in.FiscalYear))
		}
	}
	if rep.BudgetYuan == nil || *rep.BudgetYuan != 285400000 {
		t.Errorf("report budget %v 分, want the form's 285400000", rep.BudgetYuan)
	}
	form := false
	for _, e := range rep.Evidence {
		form = form || e.Field == "budget" && e.Source == "form" && e.Page == 1 && e.Value == "2854000"
	}
	if !form {
		t.Errorf("no evidence of the form's budget: %+v", rep.Evidence)
	}
}

func fmtYear(y *int32) string {
	if y == nil {
		return "NULL"
	}
	return fmt.Sprint(*y)
}
