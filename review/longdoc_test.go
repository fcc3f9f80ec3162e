package review

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"zipin/dataset"
	"zipin/schema"
)

// The long report: an invented county bureau's 60-page self-evaluation of
// its projects, one project per page with its budget, spending, rate and
// beneficiaries, three 自评表 whose indicators sit under merged level1 and
// level2 cells, evidence for the headline fields with rejected candidates,
// and warnings about the rate, a project and the score.
const (
	longPages    = 60
	longDocID    = "1f0c3a9e5b7d2468ace013579bdf2468ace013579bdf2468ace013579bdf2468"
	longRatePage = 3  // the page stating the overall rate the warning is about
	longPartPage = 41 // a page stating a part of the budget (rejected)
)

// longWarnings are the long report's warnings, in order.
var longWarnings = []string{
	"execution_rate: stated 97.00% but executed ÷ budget = 95.80%",
	"P2: 自评表 total score 92 differs from the sum of its indicators' scores 90",
	"self_score 101.00 is over 100",
}

// longLine is one page's prose; %d is the page, the amounts follow.
const longLine = "第%d页 项目%d：农村饮水安全巩固提升工程。全年预算数%s万元，实际支出%s万元，预算执行率%s%%，受益人口%d人。"

// longDoc builds the long report's rows. Random amounts come from seed
// (logged), so a failure can be replayed.
func longDoc(t *testing.T, seed uint64) *schema.Batch {
	t.Logf("long report seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	b := &schema.Batch{}
	seq := int32(0)
	addFact := func(page int32, text, find, metric, kind, unit string, value float64) {
		at := strings.Index(text, find)
		start := int32(len([]rune(text[:at])))
		seq++
		m := metric
		b.Facts = append(b.Facts, schema.Fact{DocID: longDocID, Seq: seq, Page: page, Start: start,
			End: start + int32(len([]rune(find))), Text: find, Value: value, Unit: unit, UnitText: unit,
			Kind: kind, Metric: &m})
	}
	pageText := map[int32]string{}
	for p := int32(1); p <= longPages; p++ {
		budget := 100 + rng.IntN(900)
		spent := budget - rng.IntN(50)
		rate := fmt.Sprintf("%.2f", float64(spent)/float64(budget)*100)
		people := 1000 + rng.IntN(9000)
		text := fmt.Sprintf(longLine, p, p, itoa(budget), itoa(spent), rate, people)
		switch p {
		case 2:
			text += "\n全年预算数合计：12500万元，实际支出11975万元。"
		case longRatePage:
			text += "\n总体预算执行率为97%。"
		case longPartPage:
			text += "\n其中中央补助资金3000万元。"
		}
		pageText[p] = text
		b.Texts = append(b.Texts, schema.Text{DocID: longDocID, Page: p, Text: text, Method: "text", Quality: 1})
		addFact(p, text, itoa(budget)+"万元", "budget_total", "money", "元", float64(budget)*1e4)
		addFact(p, text, itoa(spent)+"万元", "executed", "money", "元", float64(spent)*1e4)
		addFact(p, text, rate+"%", "execution_rate", "percent", "%", float64(spent)/float64(budget)*100)
		addFact(p, text, itoa(people)+"人", "", "count", "人", float64(people))
		b.Facts[len(b.Facts)-1].Metric = nil
	}
	addFact(2, pageText[2], "12500万元", "budget_total", "money", "元", 1.25e8)
	addFact(2, pageText[2], "11975万元", "executed", "money", "元", 1.1975e8)
	addFact(longRatePage, pageText[longRatePage], "97%", "execution_rate", "percent", "%", 97)
	addFact(longPartPage, pageText[longPartPage], "3000万元", "budget", "money", "元", 3e7)

	span := func(page int32, s string) (int32, int32) {
		text := pageText[page]
		at := int32(len([]rune(text[:strings.Index(text, s)])))
		return at, at + int32(len([]rune(s)))
	}
	ev := func(field, value string, page int32, find, label, source string, chosen bool, reason string) schema.Evidence {
		s, e := span(page, find)
		return schema.Evidence{Field: field, Value: value, Page: page, Start: s, End: e, Label: label, Source: source, Scope: "document", Chosen: chosen, Reason: reason}
	}
	org := "某县水利局"
	year := int32(2023)
	budget, executed := schema.Money(12500000000), schema.Money(11975000000)
	score := 101.0
	b.Reports = []schema.Report{{
		DocID: longDocID, Source: "samples/某县水利局2023年度项目支出绩效自评报告.pdf", Format: "pdf", Pages: longPages,
		Title: "某县水利局2023年度项目支出绩效自评报告", Kind: "project", Organization: &org, FiscalYear: &year,
		BudgetYuan: &budget, ExecutedYuan: &executed, SelfScore: &score,
		Warnings:         longWarnings,
		ExtractorVersion: "test", ExtractedAt: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC),
		Evidence: []schema.Evidence{
			ev("budget", "125000000", 2, "12500万元", "全年预算数合计", "label", true, "stated total (合计/共计/总计 or a total row) settles its parts"),
			ev("budget", "30000000", longPartPage, "3000万元", "其中中央补助资金", "label", false, "a part of the stated total"),
			ev("executed", "119750000", 2, "11975万元", "实际支出", "label", true, "strongest label"),
			ev("execution_rate", "97", longRatePage, "97%", "总体预算执行率", "label", false, "labels of equal strength state different values; NULL"),
		},
	}}
	for p := int32(1); p <= 3; p++ {
		name := fmt.Sprintf("农村饮水安全巩固提升工程（第%d标段）", p)
		b.Projects = append(b.Projects, schema.Project{DocID: longDocID, ProjectSeq: p, Project: &name, Page: 50 + p})
		for i, ind := range []struct{ l1, l2, name string }{
			{"产出指标", "数量指标", "新建供水管网长度"},
			{"产出指标", "数量指标", "改造水厂数量"},
			{"产出指标", "质量指标", "水质达标率"},
			{"产出指标", "时效指标", "工程完工及时率"},
			{"效益指标", "社会效益指标", "受益人口"},
			{"效益指标", "可持续影响指标", "工程设计使用年限"},
			{"满意度指标", "服务对象满意度指标", "受益群众满意度"},
		} {
			l1, l2 := ind.l1, ind.l2
			b.Indicators = append(b.Indicators, schema.Indicator{DocID: longDocID, ProjectSeq: p, Seq: int32(i + 1),
				Level1: &l1, Level2: &l2, Name: ind.name})
		}
	}
	return b
}

// writeLong writes the long report as a dataset and loads it.
func writeLong(t *testing.T) (*Data, *schema.Batch) {
	t.Helper()
	dir := t.TempDir()
	b := longDoc(t, uint64(time.Now().UnixNano()))
	writeBatch(t, dir, b)
	d, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return d, b
}

// writeBatch commits a batch to the dataset in dir.
func writeBatch(t *testing.T, dir string, b *schema.Batch) {
	t.Helper()
	ds, err := dataset.Open(dir, "test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ds.Commit(b); err != nil {
		t.Fatal(err)
	}
}
