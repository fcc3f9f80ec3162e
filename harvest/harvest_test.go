package harvest_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"zipin/dataset"
	"zipin/harvest"
	"zipin/harvest/portaltest"
	"zipin/samples"
	"zipin/schema"
)

// Test timings: tiny, so the suite stays fast, but large enough to measure.
const (
	testRate       = 20 * time.Millisecond
	testCrawlDelay = 60 * time.Millisecond // site A's robots.txt; slower than testRate, so it wins
	testTimeout    = 2 * time.Second       // the portal's hanging page hangs 5 s; a 304 on a loaded machine takes far less
)

func TestMain(m *testing.M) {
	// The kill and lock tests run the harvester in a child process: this
	// same test binary, told so by the environment.
	if os.Getenv("ZIPIN_HARVEST_CHILD") == "1" {
		os.Exit(childMain())
	}
	os.Exit(m.Run())
}

func childMain() int {
	cfg, err := harvest.LoadConfig(os.Getenv("ZIPIN_HARVEST_CONFIG"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "zipin:", err)
		return harvest.ExitCode(nil, err)
	}
	sum, err := harvest.Run(context.Background(), harvest.Options{Config: cfg, Out: os.Getenv("ZIPIN_HARVEST_OUT"),
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		fmt.Fprintln(os.Stderr, "zipin:", err)
	}
	return harvest.ExitCode(sum, err)
}

// withSamples fills the portal's documents from the embedded sample
// reports: the .txt ones as text, and the first real PDF, DOCX and XLSX
// among them, if any (otherwise the portal generates simple ones).
func withSamples(t testing.TB, o *portaltest.Options) {
	dir := t.TempDir()
	paths, err := samples.WriteTo(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		switch filepath.Ext(p) {
		case ".txt":
			o.Texts = append(o.Texts, b)
		case ".pdf":
			o.PDF = first(o.PDF, b)
		case ".docx":
			o.DOCX = first(o.DOCX, b)
		case ".xlsx":
			o.XLSX = first(o.XLSX, b)
		}
	}
}

func first(a, b []byte) []byte {
	if a != nil {
		return a
	}
	return b
}

func newPortal(t testing.TB, o portaltest.Options) *portaltest.Portal {
	if o.Texts == nil {
		withSamples(t, &o)
	}
	if o.CrawlDelay == 0 {
		o.CrawlDelay = testCrawlDelay
	}
	if o.Hang == 0 {
		o.Hang = 5 * time.Second
	}
	p := portaltest.New(o)
	t.Cleanup(p.Close)
	return p
}

// configText is the portal's harvest config as an operator writes it on
// day one: one url per section, nothing about titles, pages or files. Only
// the politeness settings are the tests' own, to keep the suite fast.
func configText(p *portaltest.Portal) string {
	return fmt.Sprintf(`
user_agent = "zipin-harvest/test"
contact = "mailto:data@example.org"
rate = "%s"
timeout = "%s"
retries = 3
backoff = "10ms"
max_retry_after = "5s"

[[source]]
name = "A"
url = "%s"

[[source]]
name = "B"
url = "%s"

[[source]]
name = "C"
url = "%s"

[[source]]
name = "C-feed"
type = "feed"
url = "%s/gk/rss.xml"
`, testRate, testTimeout, p.ListURL("A"), p.ListURL("B"), p.ListURL("C"), p.C.URL)
}

func writeConfig(t testing.TB, p *portaltest.Portal) (string, *harvest.Config) {
	path := filepath.Join(t.TempDir(), "harvest.toml")
	if err := os.WriteFile(path, []byte(configText(p)), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := harvest.LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, cfg
}

func run(t testing.TB, cfg *harvest.Config, out string) *harvest.Summary {
	t.Helper()
	sum, err := harvest.Run(context.Background(), harvest.Options{Config: cfg, Out: out, Log: testLog(t)})
	if err != nil {
		t.Fatalf("harvest: %v", err)
	}
	for _, f := range sum.Failures {
		t.Logf("failure: %s %s: %v", f.Source, f.URL, f.Err)
	}
	return sum
}

func testLog(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

func openCatalog(t testing.TB, out string) *sql.DB {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(out, harvest.CatalogFile)+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// okHits counts the successful (2xx) requests per path, robots.txt aside.
func okHits(hits []portaltest.Hit) map[string]int {
	n := map[string]int{}
	for _, h := range hits {
		if h.Status >= 200 && h.Status < 300 && h.Path != "/robots.txt" {
			n[h.Site+h.Path]++
		}
	}
	return n
}

// lookAlikeURLs are the portal's look-alike documents, as the harvester
// keeps them: the notice's blank form, and the guide published as a page.
func lookAlikeURLs(p *portaltest.Portal) map[string]string {
	out := map[string]string{}
	for _, r := range p.LookAlikes("C") {
		switch {
		case len(r.Files) > 0:
			out[p.C.URL+r.Files[0].Path] = r.LookAlike
		case r.Page != "":
			out[p.C.URL+portaltest.DetailPath("C", r.ID)] = r.LookAlike
		}
	}
	return out
}

// checkDataset asserts the dataset and the catalog agree with the portal:
// every distinct report attachment kept once, ingested once, traceable to
// its URL; every look-alike kept for audit, recorded with its reason, and
// not in the dataset.
func checkDataset(t *testing.T, p *portaltest.Portal, out string) {
	t.Helper()
	files := p.Files()
	db := openCatalog(t, out)
	// The look-alikes: kept, judged by content, never ingested.
	lookalike := map[string]bool{}
	for u, what := range lookAlikeURLs(p) {
		var sha, status, reason string
		db.QueryRow(`SELECT o.sha256, o.ingest_status, o.ingest_reason FROM harvest_originals o JOIN harvest_urls u ON u.sha256 = o.sha256 WHERE u.url = ?`, u).Scan(&sha, &status, &reason)
		if status != "lookalike" || !strings.HasPrefix(reason, "not a report: ") {
			t.Errorf("look-alike %s (%s): ingest status %q reason %q; want lookalike with a reason", u, what, status, reason)
		}
		lookalike[sha] = true
	}
	// Originals on disk: exactly one per distinct content, named by it.
	var kept []string
	filepath.WalkDir(filepath.Join(out, "originals"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			kept = append(kept, filepath.Base(path))
		}
		return nil
	})
	if len(kept) != len(files)+len(lookalike) {
		t.Errorf("originals on disk: %d files, want %d reports + %d look-alikes: %v", len(kept), len(files), len(lookalike), kept)
	}
	for _, k := range kept {
		sha := strings.Split(k, ".")[0]
		if _, ok := files[sha]; !ok && !lookalike[sha] {
			t.Errorf("original %s matches no attachment the portal serves", k)
		}
	}
	var n, pending int
	db.QueryRow(`SELECT count(*), sum(ingested_at = '') FROM harvest_originals`).Scan(&n, &pending)
	if n != len(files)+len(lookalike) || pending != 0 {
		t.Errorf("harvest_originals: %d rows, %d not ingested; want %d rows, all ingested", n, pending, len(files)+len(lookalike))
	}
	// Every reports row is unique and traceable to a URL whose file has its sha.
	reports, err := dataset.ReadTable[schema.Report](out, schema.TableReports)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range reports {
		if seen[r.DocID] {
			t.Errorf("reports: doc_id %s twice", r.DocID)
		}
		seen[r.DocID] = true
		if lookalike[r.DocID] {
			t.Errorf("reports: look-alike %s (%s) was ingested", r.DocID[:12], r.Title)
		}
		if r.SourceURL == nil {
			t.Errorf("reports: %s has no source_url", r.DocID)
			continue
		}
		var sha string
		db.QueryRow(`SELECT sha256 FROM harvest_urls WHERE url = ?`, *r.SourceURL).Scan(&sha)
		if sha != r.DocID {
			t.Errorf("reports: %s has source_url %s, which the catalog ties to %q", r.DocID, *r.SourceURL, sha)
		}
	}
	// The formats with a reader in this build must be in the dataset; the
	// others may be quarantined, but must have been tried.
	for sha, f := range files {
		if strings.HasSuffix(f.Path, ".txt") && !seen[sha] {
			t.Errorf("text attachment %s (%s) is not in reports", f.Path, sha[:12])
		}
	}
	// What the catalog says was ingested is in the dataset.
	rows, err := db.Query(`SELECT sha256 FROM harvest_originals WHERE ingest_status IN ('ok', 'skipped')`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var sha string
		rows.Scan(&sha)
		if !seen[sha] {
			t.Errorf("catalog says %s was ingested; reports has no such doc_id", sha[:12])
		}
	}
	rows.Close()
	var untried int
	db.QueryRow(`SELECT count(*) FROM harvest_originals WHERE ingest_status = ''`).Scan(&untried)
	if untried > 0 {
		t.Errorf("%d originals never ingested", untried)
	}
	// Site A's reports: the full title (cut on the list, without the
	// site's name on the detail page), the publication date, the detail page.
	for _, r := range p.Reports("A") {
		if r.ID == p.Hidden().ID {
			continue
		}
		var title, published, detail string
		err := db.QueryRow(`SELECT title, published, detail_url FROM harvest_originals WHERE url = ?`, p.A.URL+r.Files[0].Path).Scan(&title, &published, &detail)
		if err != nil {
			t.Errorf("report %d of A: %v", r.ID, err)
			continue
		}
		if want := p.A.URL + portaltest.DetailPath("A", r.ID); title != r.Title || published != r.Published || detail != want {
			t.Errorf("report %d of A recorded as title %q published %q detail %q; want %q %q %q", r.ID, title, published, detail, r.Title, r.Published, want)
		}
	}
}

func TestHarvestIncremental(t *testing.T) {
	p := newPortal(t, portaltest.Options{})
	_, cfg := writeConfig(t, p)
	out := t.TempDir()
	files := p.Files()

	// 1. The first run, from one url per section, sweeps every list to its
	// end and fetches every report once, through every fault; the
	// look-alikes are kept for audit and not ingested.
	t0 := time.Now()
	s1 := run(t, cfg, out)
	t.Logf("first run: %+v in %s", *s1, time.Since(t0))
	hits := p.Hits()
	if s1.New != len(files)+2 || s1.Duplicates != 1 || s1.Failed != 0 || s1.Disallowed != 1 || s1.LookAlikes != 2 {
		t.Errorf("first run: new %d dup %d failed %d disallowed %d look-alikes %d; want new %d (+2 look-alikes kept) dup 1 failed 0 disallowed 1 look-alikes 2",
			s1.New, s1.Duplicates, s1.Failed, s1.Disallowed, s1.LookAlikes, len(files)+2)
	}
	if s1.Ingested+s1.Quarantined != len(files) {
		t.Errorf("first run: ingested %d + quarantined %d, want %d documents", s1.Ingested, s1.Quarantined, len(files))
	}
	for path, n := range okHits(hits) {
		if n != 1 {
			t.Errorf("%s fetched %d times, want once", path, n)
		}
	}
	for _, site := range []string{"A", "B", "C"} {
		for _, r := range p.Reports(site) {
			for _, f := range r.Files {
				if site == "A" && r.ID == p.Hidden().ID {
					continue
				}
				if okHits(hits)[site+f.Path] != 1 {
					t.Errorf("attachment %s%s not fetched", site, f.Path)
				}
			}
		}
	}
	// Every list page was visited: A to the 404 past its last page, B
	// through its createPageHTML pages, C past a first page with no report.
	for _, want := range []string{"A/xxgk/jxpj/index_5.html", "B/col/jx/index_4.html", "C/gk/list_6.html"} {
		if okHits(hits)[want] != 1 {
			t.Errorf("list page %s not visited", want)
		}
	}
	end := false
	for _, h := range hits {
		end = end || h.Path == "/xxgk/jxpj/index_6.html" && h.Status == 404
	}
	if !end {
		t.Error("A's next link past the last page was not followed to its 404")
	}
	checkFaults(t, hits)
	checkPoliteness(t, p, hits)
	checkDataset(t, p, out)

	// 2. Nothing new: one conditional request per source, robots.txt
	// included, each answered 304.
	p.ResetHits()
	s2 := run(t, cfg, out)
	t.Logf("second run: %+v", *s2)
	if s2.New != 0 || s2.Ingested != 0 || s2.Failed != 0 || s2.Pages != 4 || s2.Unchanged != 4 {
		t.Errorf("second run: %+v; want 4 list pages, all unchanged, nothing new or ingested", *s2)
	}
	hits = p.Hits()
	logRequests(t, "second run", hits)
	if len(hits) != 3+4 {
		t.Errorf("second run: %d requests, want 7 (3 robots.txt, 4 sources)", len(hits))
	}
	for _, h := range hits {
		if !h.Conditional() || h.Status != 304 {
			t.Errorf("second run: %s%s status %d conditional %v; want only 304s to conditional requests", h.Site, h.Path, h.Status, h.Conditional())
		}
	}

	// 3. A report published on A's first page: the third run fetches just
	// it, its detail page and attachment; it stops at the first known link.
	fresh := p.Publish("A")
	p.ResetHits()
	s3 := run(t, cfg, out)
	t.Logf("third run: %+v", *s3)
	if s3.New != 1 || s3.Ingested != 1 || s3.Failed != 0 {
		t.Errorf("third run: %+v; want 1 new, 1 ingested", *s3)
	}
	hits = p.Hits()
	logRequests(t, "third run", hits)
	var got []string
	for path := range okHits(hits) {
		got = append(got, path)
	}
	sort.Strings(got)
	want := []string{"A" + fresh.Files[0].Path, "A/xxgk/jxpj/index.html", fmt.Sprintf("A/xxgk/jxpj/t%d.html", fresh.ID)}
	sort.Strings(want)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("third run fetched %v, want just %v (and 304s)", got, want)
	}
	checkDataset(t, p, out)

	// 4. --sweep pages every list to its end again: A's pages have shifted
	// by one report (6 pages now), B has 5, C 6, the feed 1; nothing is new.
	s4, err := harvest.Run(context.Background(), harvest.Options{Config: cfg, Out: out, Log: testLog(t), Sweep: true})
	if err != nil {
		t.Fatal(err)
	}
	if s4.Pages != 6+5+6+1 || s4.New != 0 || s4.Failed != 0 {
		t.Errorf("sweep: %+v; want 18 list pages, nothing new, nothing failed", *s4)
	}
}

// logRequests prints a run's requests, for the closing note's figures.
func logRequests(t *testing.T, run string, hits []portaltest.Hit) {
	t.Helper()
	var b strings.Builder
	for _, h := range hits {
		fmt.Fprintf(&b, "\n  %s %s -> %d (conditional %v)", h.Site, h.Path, h.Status, h.Conditional())
	}
	t.Logf("%s: %d requests:%s", run, len(hits), b.String())
}

// checkFaults asserts each injected fault was met and got past.
func checkFaults(t *testing.T, hits []portaltest.Hit) {
	t.Helper()
	var saw503, sawHang, sawTrunc bool
	for i, h := range hits {
		switch {
		case h.Status == 503:
			saw503 = true
			// Retry-After: 1 was honoured: the retry came a second later.
			for _, h2 := range hits[i+1:] {
				if h2.Path == h.Path && h2.Site == h.Site {
					if d := h2.At.Sub(h.At); d < time.Second {
						t.Errorf("retry of %s after %s, before Retry-After's 1s", h.Path, d)
					}
					break
				}
			}
		case h.Status == 0 && strings.HasSuffix(h.Path, ".html"):
			sawHang = true
		case h.Status == 0:
			sawTrunc = true
		}
	}
	if !saw503 || !sawHang || !sawTrunc {
		t.Errorf("faults met: 503 %v, timeout %v, truncated %v; want all", saw503, sawHang, sawTrunc)
	}
}

// checkPoliteness asserts robots.txt and the per-host interval were
// respected. The gaps are measured on the portal's side, from the moment
// each request reached its handler: the fetcher starts a request no sooner
// than the interval after the previous answer came back, and that answer
// was sent after the previous request was stamped, so every gap the portal
// records is at least the interval however loaded the machine is.
func checkPoliteness(t *testing.T, p *portaltest.Portal, hits []portaltest.Hit) {
	t.Helper()
	bySite := map[string][]portaltest.Hit{}
	for _, h := range hits {
		bySite[h.Site] = append(bySite[h.Site], h)
		if strings.Contains(h.Path, "/private/") || strings.HasPrefix(h.Path, "/admin/") {
			t.Errorf("fetched %s%s, which robots.txt disallows", h.Site, h.Path)
		}
		if !strings.Contains(h.UserAgent, "zipin-harvest/test") || !strings.Contains(h.UserAgent, "mailto:data@example.org") {
			t.Errorf("User-Agent %q lacks the name or the contact", h.UserAgent)
		}
	}
	for site, hs := range bySite {
		if hs[0].Path != "/robots.txt" {
			t.Errorf("site %s: first request %s, want /robots.txt", site, hs[0].Path)
		}
		n := 0
		for _, h := range hs {
			if h.Path == "/robots.txt" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("site %s: robots.txt fetched %d times in one run", site, n)
		}
		// robots.txt is read before the Crawl-delay is known: the gap after
		// it keeps the configured rate.
		shortest := time.Hour
		for i := 1; i < len(hs); i++ {
			d := hs[i].At.Sub(hs[i-1].At)
			want := intervalOf(site)
			if i == 1 {
				want = testRate
			}
			if d < want {
				t.Errorf("site %s: %s then %s reached the portal %s apart; want ≥ %s", site, hs[i-1].Path, hs[i].Path, d, want)
			}
			if i > 1 {
				shortest = min(shortest, d)
			}
		}
		t.Logf("site %s: %d requests, shortest gap %s (interval %s)", site, len(hs), shortest, intervalOf(site))
	}
}

// intervalOf is the spacing a site's requests must keep: site A's
// robots.txt Crawl-delay is slower than the configured rate, so it wins.
func intervalOf(site string) time.Duration {
	if site == "A" {
		return testCrawlDelay
	}
	return testRate
}
