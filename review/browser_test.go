package review

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zipin/internal/testenv"
	"zipin/query/fixture"
)

// screenshot is where the browser test leaves its picture of a review page
// (described in docs/query.md) when ZIPIN_UPDATE_SCREENSHOT=1; otherwise the
// picture goes to the test's temporary folder, so a test run never rewrites a
// tracked file.
const screenshot = "../testdata/review/review.png"

// browser starts headless Chromium; without it the test skips, or fails
// when CI is set (testenv.Tool).
func browser(t *testing.T) context.Context {
	t.Helper()
	exe := testenv.Tool(t, "chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 900),
	)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	if _, err := chromedp.Run(bctx, chromedp.Evaluate[int]("1")); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	return bctx
}

// shownFact is a highlighted fact as the browser lays it out.
type shownFact struct {
	ID      string  `json:"id"`
	Text    string  `json:"text"`
	BG      string  `json:"bg"`
	Width   float64 `json:"width"`
	Kind    string  `json:"kind"`
	Tooltip string  `json:"tooltip"`
}

const shownFactsJS = `[...document.querySelectorAll("mark.fact")].map(m => ({
  id: m.id, text: m.textContent, bg: getComputedStyle(m).backgroundColor,
  width: m.getBoundingClientRect().width, kind: m.dataset.kind, tooltip: m.title}))`

// run runs one browser action and fails the test on an error.
func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// The review pages, opened from files as an auditor would, highlight every
// fact at its own text in a visible colour, show the warning of the report
// whose rate is inconsistent and link it to the rate; the server lists and
// filters the documents.
func TestReviewInBrowser(t *testing.T) {
	d, b := loadFixture(t)
	ctx := browser(t)
	dir := t.TempDir()

	for _, r := range b.Reports {
		doc, _ := d.Doc(r.DocID)
		path := filepath.Join(dir, r.DocID+".html")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := Render(f, doc, ""); err != nil {
			t.Fatal(err)
		}
		f.Close()
		if err := chromedp.Do(ctx, chromedp.Navigate("file://"+path)); err != nil {
			t.Fatal(err)
		}
		shown := run(t, ctx, chromedp.Evaluate[[]shownFact](shownFactsJS))
		byID := map[string]shownFact{}
		for _, s := range shown {
			byID[s.ID] = s
		}
		n := 0
		for _, fact := range b.Facts {
			if fact.DocID != r.DocID {
				continue
			}
			n++
			s, ok := byID[fmt.Sprintf("f-%d", fact.Seq)]
			switch {
			case !ok:
				t.Errorf("%s: fact #%d %q not highlighted", r.Title, fact.Seq, fact.Text)
			case s.Text != fact.Text:
				t.Errorf("%s: fact #%d highlights %q, want %q", r.Title, fact.Seq, s.Text, fact.Text)
			case s.BG == "rgba(0, 0, 0, 0)" || s.BG == "transparent" || s.Width == 0:
				t.Errorf("%s: fact #%d not visibly highlighted (background %s, width %v)", r.Title, fact.Seq, s.BG, s.Width)
			case s.Kind != fact.Kind || !strings.Contains(s.Tooltip, "value: ") || !strings.Contains(s.Tooltip, "approx: "):
				t.Errorf("%s: fact #%d kind %s, tooltip %q", r.Title, fact.Seq, s.Kind, s.Tooltip)
			}
		}
		if len(shown) != n {
			t.Errorf("%s: %d highlights for %d facts", r.Title, len(shown), n)
		}
		// Different kinds get different colours.
		colour := map[string]string{}
		for _, s := range shown {
			if c, seen := colour[s.Kind]; seen && c != s.BG {
				t.Errorf("%s: kind %s in two colours", r.Title, s.Kind)
			}
			colour[s.Kind] = s.BG
		}
		for k1, c1 := range colour {
			for k2, c2 := range colour {
				if k1 < k2 && c1 == c2 {
					t.Errorf("%s: kinds %s and %s share colour %s", r.Title, k1, k2, c1)
				}
			}
		}
		warn := run(t, ctx, chromedp.Evaluate[string](
			`(w => w && w.offsetHeight > 0 ? w.innerText : "")(document.getElementById("warnings"))`))
		if hasWarn := strings.Contains(warn, fixture.RateWarning); hasWarn != (r.DocID == fixture.Education2023) {
			t.Errorf("%s: warnings box shows %q", r.Title, warn)
		}
	}

	// The warning links to the stated rate, and a click on a highlight shows
	// its details.
	edu := "file://" + filepath.Join(dir, fixture.Education2023+".html")
	rate := factSeq(b, fixture.Education2023, "execution_rate")
	if err := chromedp.Do(ctx,
		chromedp.Navigate(edu),
		chromedp.Click(chromedp.CSS("#warnings a")),
	); err != nil {
		t.Fatal(err)
	}
	loc := run(t, ctx, chromedp.Location())
	if !strings.HasSuffix(loc, rate) {
		t.Errorf("warning link went to %s, want %s", loc, rate)
	}
	inView := run(t, ctx, chromedp.Evaluate[bool](fmt.Sprintf(
		`(r => r.top >= 0 && r.bottom <= innerHeight)(document.getElementById(%q).getBoundingClientRect())`, rate[1:])))
	if !inView {
		t.Error("the rate the warning links to is not scrolled into view")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(rate))); err != nil {
		t.Fatal(err)
	}
	detail := run(t, ctx, chromedp.Evaluate[string](
		`(d => getComputedStyle(d).display === "none" ? "" : d.textContent)(document.getElementById("detail"))`))
	if !strings.Contains(detail, "metric: execution_rate") || !strings.Contains(detail, "value: 98 %") {
		t.Errorf("detail box shows %q", detail)
	}

	// The screenshot: the inconsistent report, from the top.
	if err := chromedp.Do(ctx, chromedp.Navigate(edu), chromedp.WaitVisible(chromedp.CSS("#warnings"))); err != nil {
		t.Fatal(err)
	}
	png := run(t, ctx, chromedp.FullScreenshot(100))
	shot := filepath.Join(t.TempDir(), "review.png")
	if os.Getenv("ZIPIN_UPDATE_SCREENSHOT") == "1" {
		shot = screenshot
	}
	if err := os.MkdirAll(filepath.Dir(shot), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Fatal(err)
	}

	// The server: the list, a filter, and a review page through a link.
	sctx, stop := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- Serve(sctx, "127.0.0.1:0", d, func(a string) { addrc <- a }) }()
	var base string
	select {
	case a := <-addrc:
		base = "http://" + a
	case err := <-done:
		t.Fatal(err)
	}
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()
	rowsJS := `[...document.querySelectorAll("tr.doc")].map(r => r.dataset.doc)`
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/")); err != nil {
		t.Fatal(err)
	}
	if rows := run(t, ctx, chromedp.Evaluate[[]string](rowsJS)); len(rows) != len(b.Reports) {
		t.Errorf("list shows %d documents, want %d", len(rows), len(b.Reports))
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/?"+url.Values{"warnings": {"yes"}}.Encode()),
		chromedp.Click(chromedp.CSS("tr.doc a")),
		chromedp.WaitVisible(chromedp.CSS("#warnings")),
	); err != nil {
		t.Fatal(err)
	}
	if loc := run(t, ctx, chromedp.Location()); loc != base+"/doc/"+fixture.Education2023 {
		t.Errorf("the filtered list opened %s", loc)
	}
}
