package eval

import (
	"bytes"
	"strings"
	"testing"

	"zipin/schema"
)

// The gold units as the labels write them, with the base-unit values
// worked out by hand from docs/SCHEMA.md (money in 元, counts multiplied out).
func TestBaseValue(t *testing.T) {
	for _, c := range []struct {
		value float64
		unit  string
		want  float64
	}{
		{120.5, "万元", 1205000},
		{3, "亿元", 300000000},
		{7, "千元", 7000},
		{2.5, "百万元", 2500000},
		{86, "元", 86},
		{2.5, "万余封", 25000},
		{1.2, "万人次", 12000},
		{15, "个", 15},
		{95, "%", 95},
		{97.6, "分", 97.6},
		{4.3, "m", 4.3},
		{2, "千米", 2}, // a unit, not 千 × 米
		{3, "千克", 3},
		{1000, "㎡", 1000},
		{600, "元/人(原文缺'元')", 600},
	} {
		if got := BaseValue(c.value, c.unit); got != c.want {
			t.Errorf("BaseValue(%g, %q) = %g, want %g", c.value, c.unit, got, c.want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// goldA is a hand-labelled project report; the two renderings below are
// scored against it.
var goldA = Gold{
	ID: "A", Kind: "project", Year: ptr(2023), Department: ptr("青山县文化和旅游局"),
	BudgetWan: ptr(120.5), ExecWan: ptr(118.0), RatePct: ptr(97.93), SelfScore: ptr(95.0), Grade: ptr("优"),
	Facts: []GoldFact{
		{Text: "预算资金120.5万元", Value: 120.5, Unit: "万元"},
		{Text: "惠及群众 3200 人", Value: 3200, Unit: "人"},
		{Text: "戏曲进乡村)162.00万元", Value: 162, Unit: "万元"},
	},
}

var goldB = Gold{ID: "B", Kind: "department", Year: ptr(2022)}

func dataset() *Dataset {
	txt := "青山县文化和旅游局2023年度项目支出绩效自评报告\n预算资金120.5万元，实际支出118万元。惠及群众3200人。其中戏曲进乡村)162.00万元。"
	// The PDF rendering: the space before 3200 became a line break, and
	// the page ends inside 戏曲进乡村.
	pdf1 := "青山县文化和旅游局2023年度项目支出绩效自评报告\n预算资金120.5万元，实际支出118万元。惠及群众\n3200人。其中戏曲进乡"
	pdf2 := "村)162.00万元。"
	return &Dataset{
		Reports: []schema.Report{
			{DocID: "txt-doc", Format: "txt", Kind: "project", FiscalYear: ptr(int32(2023)),
				Organization: ptr("青山县文化和旅游局"), BudgetYuan: ptr(schema.Money(120500000)), ExecutedYuan: ptr(schema.Money(118000000)),
				ExecutionRate: ptr(97.93), SelfScore: ptr(95.0), Grade: ptr("优")},
			// The PDF's organization is lost and its budget is wrong.
			{DocID: "pdf-doc", Format: "pdf", Kind: "project", FiscalYear: ptr(int32(2023)),
				BudgetYuan: ptr(schema.Money(12050000)), ExecutedYuan: ptr(schema.Money(118000000)),
				ExecutionRate: ptr(97.93), SelfScore: ptr(95.0), Grade: ptr("优")},
		},
		Texts: []schema.Text{
			{DocID: "txt-doc", Page: 1, Text: txt},
			{DocID: "pdf-doc", Page: 1, Text: pdf1},
			{DocID: "pdf-doc", Page: 2, Text: pdf2},
		},
		Facts: []schema.Fact{
			{DocID: "txt-doc", Page: 1, Start: 30, End: 37, Text: "120.5万元", Value: 1205000},
			{DocID: "txt-doc", Page: 1, Start: 52, End: 57, Text: "3200人", Value: 3200},
			{DocID: "txt-doc", Page: 1, Start: 66, End: 74, Text: "162.00万元", Value: 1620000},
			{DocID: "pdf-doc", Page: 1, Start: 30, End: 37, Text: "120.5万元", Value: 1205000},
			{DocID: "pdf-doc", Page: 1, Start: 53, End: 58, Text: "3200人", Value: 3200},
			{DocID: "pdf-doc", Page: 2, Start: 2, End: 10, Text: "162.00万元", Value: 1620000},
			// Offsets one rune off: provenance must count it as inexact.
			{DocID: "pdf-doc", Page: 1, Start: 43, End: 47, Text: "118万元", Value: 1180000},
		},
	}
}

func TestCompareScoresEveryRenderingPerFormat(t *testing.T) {
	docs := []Doc{
		{GoldID: "A", DocID: "txt-doc", Name: "A.txt"},
		{GoldID: "A", DocID: "pdf-doc", Name: "A.pdf"},
		{GoldID: "A", DocID: "docx-doc", Name: "A.docx"}, // quarantined: no report
	}
	res := Compare([]Gold{goldA, goldB}, docs, dataset())

	if res.Docs != 2 {
		t.Errorf("Docs = %d, want 2 (A.txt and A.pdf)", res.Docs)
	}
	if strings.Join(res.Missing, ",") != "A.docx" {
		t.Errorf("Missing = %v, want [A.docx]", res.Missing)
	}
	if strings.Join(res.Unmatched, ",") != "B" {
		t.Errorf("Unmatched = %v, want [B]", res.Unmatched)
	}
	if got := res.FormatNames(); strings.Join(got, ",") != "pdf,txt" {
		t.Fatalf("formats = %v, want [pdf txt]", got)
	}
	txt, pdf := res.Formats["txt"], res.Formats["pdf"]

	// Gold A states 8 headline values. The text gets all 8; the PDF
	// predicts 7 (no organization) of which 6 are right (budget wrong).
	for _, c := range []struct {
		name                  string
		r                     *Result
		gold, predicted, good int
	}{
		{"txt", txt, 8, 8, 8},
		{"pdf", pdf, 8, 7, 6},
		{"all", res, 16, 15, 14},
	} {
		h := c.r.Headline()
		if h.Gold != c.gold || h.Predicted != c.predicted || h.Correct != c.good {
			t.Errorf("%s headline = %+v, want gold %d predicted %d correct %d", c.name, h, c.gold, c.predicted, c.good)
		}
	}
	if f := pdf.Fields["organization"]; f.Gold != 1 || f.Predicted != 0 || f.Correct != 0 {
		t.Errorf("pdf organization = %+v", f)
	}
	if f := pdf.Fields["budget"]; f.Gold != 1 || f.Predicted != 1 || f.Correct != 0 {
		t.Errorf("pdf budget = %+v", f)
	}

	// All three gold facts are found in both renderings: in the PDF one
	// span has a line break for its space, one runs across the page break.
	if txt.FoundFacts != 3 || txt.GoldFacts != 3 {
		t.Errorf("txt facts %d/%d, want 3/3", txt.FoundFacts, txt.GoldFacts)
	}
	if pdf.FoundFacts != 3 || pdf.GoldFacts != 3 {
		t.Errorf("pdf facts %d/%d, want 3/3; misses %q", pdf.FoundFacts, pdf.GoldFacts, pdf.Misses)
	}

	// Provenance: the text's 3 facts are exact; 3 of the PDF's 4.
	if txt.Facts != 3 || txt.ExactOffsets != 3 {
		t.Errorf("txt provenance %d/%d, want 3/3", txt.ExactOffsets, txt.Facts)
	}
	if pdf.Facts != 4 || pdf.ExactOffsets != 3 {
		t.Errorf("pdf provenance %d/%d, want 3/4", pdf.ExactOffsets, pdf.Facts)
	}
	if res.Facts != 7 || res.ExactOffsets != 6 {
		t.Errorf("overall provenance %d/%d, want 6/7", res.ExactOffsets, res.Facts)
	}

	var out bytes.Buffer
	res.Print(&out, false, false)
	for _, want := range []string{
		"documents: 2 evaluated (1 pdf, 1 txt), 1 missing (A.docx); 1 gold ids with no file here",
		"headline           16     15     14     93.3%   87.5%",
		"fact recall:       6/6 = 100.0%",
		"provenance exact:  6/7 = 85.7%",
		"format pdf     1 docs  headline  85.7% /  75.0%  fact recall 3/3 = 100.0%  provenance 3/4 = 75.0%",
		"format txt     1 docs  headline 100.0% / 100.0%",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// A gold fact is found only where a fact with its value overlaps its span:
// the right value elsewhere on the page does not count.
func TestFactNeedsValueAndSpan(t *testing.T) {
	g := Gold{ID: "C", Kind: "project", Facts: []GoldFact{{Text: "完成率98%", Value: 98, Unit: "%"}}}
	ds := &Dataset{
		Reports: []schema.Report{{DocID: "c", Format: "txt", Kind: "project"}},
		Texts:   []schema.Text{{DocID: "c", Page: 1, Text: "满意度98%，完成率95%。"}},
		Facts: []schema.Fact{
			{DocID: "c", Page: 1, Start: 3, End: 6, Text: "98%", Value: 98},
			{DocID: "c", Page: 1, Start: 10, End: 13, Text: "95%", Value: 95},
		},
	}
	res := Compare([]Gold{g}, []Doc{{GoldID: "C", DocID: "c", Name: "C.txt"}}, ds)
	if res.FoundFacts != 0 || res.GoldFacts != 1 {
		t.Errorf("facts %d/%d, want 0/1", res.FoundFacts, res.GoldFacts)
	}
}
