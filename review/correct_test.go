package review

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zipin/dataset"
	"zipin/pipeline"
	"zipin/schema"
)

// farmReport is an invented county report, written by hand: its budget is
// 850万元 = 8,500,000.00 元.
const farmReport = `某县农业农村局2023年度高标准农田建设项目绩效自评报告

一、项目基本情况
2023年度高标准农田建设项目全年预算数为850万元，实际支出820万元，预算执行率96.47%。

二、绩效目标完成情况
新建高标准农田1.2万亩，受益农户3200户。

三、自评结论
经自评，该项目自评得分92分，评价等级为优。
`

// ingestFarm extracts the report into the dataset at out (again, with force).
func ingestFarm(t *testing.T, out, path string, force bool) {
	t.Helper()
	sum, err := pipeline.Ingest(context.Background(), pipeline.Options{Out: out, Force: force, Isolate: pipeline.IsolateNone, Jobs: 1}, []string{path})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Count(pipeline.StatusOK) != 1 {
		t.Fatalf("ingest: %+v", sum)
	}
}

// statusLog wraps a handler and records the status of every POST.
type statusLog struct {
	mu    sync.Mutex
	posts []int
	next  http.Handler
}

func (s *statusLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &statusWriter{ResponseWriter: w, code: 200}
	s.next.ServeHTTP(rec, r)
	if r.Method == http.MethodPost {
		s.mu.Lock()
		s.posts = append(s.posts, rec.code)
		s.mu.Unlock()
	}
}

func (s *statusLog) last() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.posts...)
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) { w.code = code; w.ResponseWriter.WriteHeader(code) }

// An auditor corrects the budget in Chromium; the correction is on the page
// after a reload, in the corrections table (and through reports_reviewed in
// DuckDB), and outlasts a re-extraction with --force. A page of another
// origin cannot post one, even with the token.
func TestCorrectInBrowser(t *testing.T) {
	ctx := browser(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	path := filepath.Join(dir, "高标准农田2023.txt")
	if err := os.WriteFile(path, []byte(farmReport), 0o644); err != nil {
		t.Fatal(err)
	}
	ingestFarm(t, out, path, false)
	serve := func() (*Data, string, *statusLog, string) {
		d, err := Load(out)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Reports) != 1 {
			t.Fatalf("%d reports", len(d.Reports))
		}
		log := &statusLog{next: Handler(d)}
		srv := httptest.NewServer(log)
		t.Cleanup(srv.Close)
		return d, srv.URL, log, d.Reports[0].DocID
	}
	d, base, log, id := serve()
	if got := deref(moneyText(d.Reports[0].BudgetYuan)); got != "8500000.00" {
		t.Fatalf("extracted budget %s, want 8500000.00", got)
	}
	page := base + "/doc/" + id
	reviewText := `(e => e ? e.innerText : "")(document.getElementById("review-budget_yuan"))`

	// Correct the budget through the form.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(page),
		chromedp.Click(chromedp.CSS(`#headline details.correct summary`)), // the first: title
		chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("#headline details.correct").forEach(d => d.open = true)`),
		chromedp.SetValue(chromedp.CSS(`form[data-target="budget_yuan"] input[name=value]`), "8,800,000"),
		chromedp.SetValue(chromedp.CSS(`form[data-target="budget_yuan"] input[name=note]`), "第2页 调整后预算880万元"),
		chromedp.SetValue(chromedp.CSS(`form[data-target="budget_yuan"] input[name=reviewer]`), "王审计"),
		chromedp.Click(chromedp.CSS(`form[data-target="budget_yuan"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#review-budget_yuan")),
	); err != nil {
		t.Fatal(err)
	}
	want := "corrected to 8800000.00 by 王审计"
	if got := run(t, ctx, chromedp.Evaluate[string](reviewText)); !strings.Contains(got, want) || !strings.Contains(got, "调整后预算880万元") || !strings.Contains(got, "was 8500000.00") {
		t.Errorf("after saving, the page shows %q", got)
	}
	if loc := run(t, ctx, chromedp.Location()); loc != page+"#field-budget_yuan" {
		t.Errorf("after saving at %s", loc)
	}
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitReady(chromedp.CSS("#headline"))); err != nil {
		t.Fatal(err)
	}
	if got := run(t, ctx, chromedp.Evaluate[string](reviewText)); !strings.Contains(got, want) {
		t.Errorf("after a reload, the page shows %q", got)
	}
	rows, err := dataset.ReadTable[schema.Correction](out, schema.TableCorrections)
	if err != nil || len(rows) != 1 {
		t.Fatalf("corrections table: %v, %+v", err, rows)
	}
	if c := rows[0]; c.DocID != id || c.Target != "budget_yuan" || c.Action != "correct" || deref(c.OldValue) != "8500000.00" ||
		deref(c.NewValue) != "8800000.00" || c.Reviewer != "王审计" || c.Note != "第2页 调整后预算880万元" || time.Since(c.CorrectedAt) > time.Hour {
		t.Errorf("correction row %+v", c)
	}
	checkReviewed(t, out, id, "8800000.00")

	// A click on a fact puts it into the fact form; confirm it.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#f-2")),
		chromedp.SetValue(chromedp.CSS(`#correct-fact select[name=action]`), "confirm"),
		chromedp.SetValue(chromedp.CSS(`#correct-fact input[name=reviewer]`), "李审计"),
		chromedp.Click(chromedp.CSS(`#correct-fact button`)),
		chromedp.WaitVisible(chromedp.CSS("li.fact-review")),
	); err != nil {
		t.Fatal(err)
	}
	if got := run(t, ctx, chromedp.Evaluate[string](`document.querySelector("li.fact-review").innerText`)); !strings.Contains(got, "fact #2 ✔ confirmed by 李审计") || !strings.Contains(got, "the extraction agrees") {
		t.Errorf("fact review shows %q", got)
	}

	// A page of another origin posts a correction with the right token: the
	// browser sends its Origin and Sec-Fetch-Site, and the server refuses.
	token := run(t, ctx, chromedp.Evaluate[string](`document.querySelector("input[name=token]").value`))
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!DOCTYPE html><title>elsewhere</title><p>another site`)
	}))
	defer evil.Close()
	form := url.Values{"token": {token}, "target": {"budget_yuan"}, "action": {"correct"}, "value": {"1"}, "reviewer": {"mallory"}}
	if err := chromedp.Do(ctx, chromedp.Navigate(evil.URL)); err != nil {
		t.Fatal(err)
	}
	res := run(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(`fetch(%q, {method: "POST", headers: {"Content-Type": "application/x-www-form-urlencoded"}, body: %q}).then(r => "status " + r.status, e => "blocked")`,
		page+"/corrections", form.Encode()), chromedp.EvalAwaitPromise))
	if p := log.last(); len(p) != 3 || p[2] != http.StatusForbidden {
		t.Errorf("cross-origin POST (%s): statuses of the POSTs %v, want the third refused with 403", res, p)
	}
	// Without the token, even from no browser at all.
	resp, err := http.PostForm(page+"/corrections", url.Values{"target": {"budget_yuan"}, "action": {"confirm"}, "reviewer": {"curl"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a POST without the token: %d", resp.StatusCode)
	}
	if rows, _ := dataset.ReadTable[schema.Correction](out, schema.TableCorrections); len(rows) != 2 {
		t.Errorf("%d corrections after refused posts, want 2", len(rows))
	}

	// Re-extract with --force: the correction stays, and the page says the
	// extraction still disagrees with it.
	before := d.Reports[0].ExtractedAt
	ingestFarm(t, out, path, true)
	d2, base2, _, _ := serve()
	if !d2.Reports[0].ExtractedAt.After(before) {
		t.Errorf("not re-extracted: extracted_at %v, before %v", d2.Reports[0].ExtractedAt, before)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base2+"/doc/"+id), chromedp.WaitReady(chromedp.CSS("#headline"))); err != nil {
		t.Fatal(err)
	}
	if got := run(t, ctx, chromedp.Evaluate[string](reviewText)); !strings.Contains(got, want) || !strings.Contains(got, "applied in reports_reviewed") {
		t.Errorf("after --force, the page shows %q", got)
	}
	checkReviewed(t, out, id, "8800000.00")
}

// A re-extraction that now finds the corrected value agrees with the
// correction; one that finds something else again disagrees.
func TestReviewStatus(t *testing.T) {
	s := func(v string) *string { return &v }
	m := schema.Money(880000000)
	doc := &Doc{Report: schema.Report{DocID: "d", BudgetYuan: &m}, Corrections: []schema.Correction{
		{DocID: "d", Target: "budget_yuan", Action: ActionCorrect, OldValue: s("8500000.00"), NewValue: s("8800000.00")},
		{DocID: "d", Target: "self_score", Action: ActionCorrect, OldValue: s("92"), NewValue: s("90")},
		{DocID: "d", Target: "grade", Action: ActionConfirm, OldValue: nil, NewValue: nil},
	}}
	r := reviews(doc)
	for target, want := range map[string]string{
		"budget_yuan": "the new extraction now agrees",
		"self_score":  "re-extracted since, and still disagrees",
		"grade":       "the extraction agrees",
	} {
		if got := r[target].Status(); got != want {
			t.Errorf("%s: %q, want %q", target, got, want)
		}
	}
	if _, err := NewCorrection(doc, "budget_yuan", ActionCorrect, "八百万", "", "王", time.Now()); err == nil {
		t.Error("a budget in words accepted")
	}
	if _, err := NewCorrection(doc, "fact:9", ActionConfirm, "", "", "王", time.Now()); err == nil {
		t.Error("a fact the document lacks accepted")
	}
	c, err := NewCorrection(doc, "budget_yuan", ActionCorrect, "8,900,000.5 元", "", "王", time.Now())
	if err != nil || deref(c.NewValue) != "8900000.50" || deref(c.OldValue) != "8800000.00" {
		t.Errorf("correction %+v, %v", c, err)
	}
}
