package review

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The long report's page renders every merged level1/level2 cell once, and
// shows each headline field's candidates with their reasons, linked to
// their spans.
func TestLongReportTablesAndEvidence(t *testing.T) {
	d, _ := writeLong(t)
	page := render(t, d, longDocID)
	cells := findAll(t, page, func(tag string, _ map[string]string) bool { return tag == "td" })
	count := map[string]int{}
	span := map[string]string{}
	for _, c := range cells {
		count[c.text]++
		span[c.text] = c.attrs["rowspan"]
	}
	// 3 forms: 产出指标 over 4 rows, 数量指标 over 2, each once per form.
	for text, want := range map[string][2]string{"产出指标": {"3", "4"}, "数量指标": {"3", "2"}, "效益指标": {"3", "2"}, "质量指标": {"3", ""}} {
		if fmt.Sprint(count[text]) != want[0] || span[text] != want[1] {
			t.Errorf("%s: %d cells, rowspan %q; want %s cells, rowspan %q", text, count[text], span[text], want[0], want[1])
		}
	}
	// The budget's evidence: the chosen total on page 2, the rejected part
	// on page 41, each a link to its fact.
	lis := findAll(t, page, func(tag string, a map[string]string) bool {
		return tag == "li" && (a["class"] == "chosen" || a["class"] == "rejected")
	})
	var got []string
	for _, li := range lis {
		got = append(got, li.attrs["class"]+": "+li.text)
	}
	joined := strings.Join(got, "\n")
	for _, want := range []string{
		"chosen: ✔ 125000000 · 全年预算数合计 (label, document, p.2) stated total",
		"rejected: ✘ 30000000 · 其中中央补助资金 (label, document, p.41) a part of the stated total",
		"rejected: ✘ 97 · 总体预算执行率 (label, document, p.3) labels of equal strength",
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("evidence lacks %q; shows:\n%s", want, joined)
		}
	}
}

// An auditor finds their way through the 60-page report in Chromium: by the
// page index and the jump box, warning after warning, fact after fact of a
// metric, and by searching the text; the headline table stays in view.
func TestNavigateLongReport(t *testing.T) {
	d, b := writeLong(t)
	ctx := browser(t)
	path := filepath.Join(t.TempDir(), "long.html")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := d.Doc(longDocID)
	if err := Render(f, doc, ""); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+path)); err != nil {
		t.Fatal(err)
	}
	hash := func() string { return run(t, ctx, chromedp.Evaluate[string]("location.hash")) }
	// inView says whether the element's top is on screen, below the header.
	inView := func(id string) bool {
		return run(t, ctx, chromedp.Evaluate[bool](fmt.Sprintf(
			`(r => r.top >= 0 && r.top < innerHeight)(document.getElementById(%q).getBoundingClientRect())`, id)))
	}
	pageOf := func(id string) string {
		return run(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.getElementById(%q).closest("section.page").dataset.page`, id)))
	}

	// The page index has every page; a click goes there.
	if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#pageindex a").length`)); n != longPages {
		t.Errorf("page index lists %d pages, want %d", n, longPages)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#pageindex a[data-page="45"]`))); err != nil {
		t.Fatal(err)
	}
	if h := hash(); h != "#page-45" || !inView("page-45") {
		t.Errorf("page index link went to %q (page 45 in view: %v)", h, inView("page-45"))
	}
	// The jump box.
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#jump-page"), "37"),
		chromedp.Click(chromedp.CSS(`#jump button`)),
	); err != nil {
		t.Fatal(err)
	}
	if h := hash(); h != "#page-37" || !inView("page-37") {
		t.Errorf("jump to 37 went to %q", h)
	}
	// The headline fields and the warnings stay on screen, deep in the report.
	for _, id := range []string{"headline", "warnings", "nav"} {
		if !inView(id) {
			t.Errorf("#%s is not in view at page 37", id)
		}
	}

	// Warning after warning: the rate's goes to the stated rate on page 3
	// (its rejected evidence), the project's to its row in the projects
	// table, and on.
	rateFact := ""
	for _, f := range b.Facts {
		if f.Page == longRatePage && f.Text == "97%" {
			rateFact = fmt.Sprintf("#f-%d", f.Seq)
		}
	}
	for i, want := range []string{rateFact, "#project-2"} {
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#warn-next"))); err != nil {
			t.Fatal(err)
		}
		if h := hash(); h != want {
			t.Errorf("warning %d went to %q, want %q", i+1, h, want)
		} else if !inView(strings.TrimPrefix(h, "#")) {
			t.Errorf("warning %d: %s not scrolled into view", i+1, h)
		}
		cur := run(t, ctx, chromedp.Evaluate[string](`document.querySelector("#warnings li.current").innerText`))
		if !strings.HasPrefix(cur, longWarnings[i]) {
			t.Errorf("warning %d: current is %q", i+1, cur)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#warn-prev"))); err != nil {
		t.Fatal(err)
	}
	if h := hash(); h != rateFact {
		t.Errorf("previous warning went to %q, want %q", h, rateFact)
	}
	// The key n goes to the next warning.
	if err := chromedp.Do(ctx, chromedp.KeyEvent("n")); err != nil {
		t.Fatal(err)
	}
	if h := hash(); h != "#project-2" {
		t.Errorf("key n went to %q, want #project-2", h)
	}
	// The rate warning's page is marked in the index.
	if !run(t, ctx, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector('#pageindex a[data-page="%d"]').classList.contains("has-warn")`, longRatePage))) {
		t.Error("the rate warning's page is not marked in the page index")
	}

	// Fact after fact of the metric executed: page 1's, then page 2's.
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#metric"), "executed"),
		chromedp.Click(chromedp.CSS("#fact-next")),
	); err != nil {
		t.Fatal(err)
	}
	first := strings.TrimPrefix(hash(), "#")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#fact-next"))); err != nil {
		t.Fatal(err)
	}
	second := strings.TrimPrefix(hash(), "#")
	if !strings.HasPrefix(first, "f-") || pageOf(first) != "1" || pageOf(second) != "2" {
		t.Errorf("next executed fact: %s (page %s), then %s (page %s)", first, pageOf(first), second, pageOf(second))
	}
	// executed facts: one per page plus the total on page 2.
	if c := run(t, ctx, chromedp.Evaluate[string](`document.getElementById("fact-count").textContent`)); c != fmt.Sprintf("2 / %d", longPages+1) {
		t.Errorf("fact counter shows %q", c)
	}

	// Search: a phrase on one page is found once and selected; one on
	// every page is counted on each.
	search := func(q string) (count, selected, page string) {
		if err := chromedp.Do(ctx,
			chromedp.SetValue(chromedp.CSS("#q"), q),
			chromedp.Click(chromedp.CSS("#q-next")),
		); err != nil {
			t.Fatal(err)
		}
		count = run(t, ctx, chromedp.Evaluate[string](`document.getElementById("q-count").textContent`))
		selected = run(t, ctx, chromedp.Evaluate[string](`getSelection().toString()`))
		page = run(t, ctx, chromedp.Evaluate[string](`(n => (n.nodeType === 3 ? n.parentNode : n).closest("section.page").dataset.page)(getSelection().anchorNode)`))
		return
	}
	if c, s, p := search("其中中央补助资金"); c != "1 / 1" || s != "其中中央补助资金" || p != fmt.Sprint(longPartPage) {
		t.Errorf("search: count %q, selected %q on page %s", c, s, p)
	}
	// A phrase that crosses a highlight's edge (万元，实际) is found too.
	if c, s, _ := search("万元，实际支出"); c != fmt.Sprintf("1 / %d", longPages+1) || s != "万元，实际支出" {
		t.Errorf("search across a highlight: count %q, selected %q", c, s)
	}
	if c, _, p := search("万元，实际支出"); c != fmt.Sprintf("2 / %d", longPages+1) || p != "2" {
		t.Errorf("second hit: count %q on page %s", c, p)
	}
}
