package harvest_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"zipin/harvest"
	"zipin/harvest/portaltest"
	"zipin/samples"
	"zipin/schema"
)

// Test timings: tiny, so the suite stays fast, but large enough to measure.
const (
	testRate       = 20 * time.Millisecond
	testCrawlDelay = 60 * time.Millisecond // site A's robots.txt; slower than testRate, so it wins
	testTimeout    = 400 * time.Millisecond
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
	p := portaltest.New(o)
	t.Cleanup(p.Close)
	return p
}

// configText is the portal's harvest config, as a user would write it.
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
title_pattern = "绩效自评|自评报告"
attachments = ["txt", "pdf", "docx", "xlsx"]
region = "福建省福州市"

[[source]]
name = "B"
url = "%s"
page_url = "%s/col/jx?page={page}"
url_pattern = "/go\\?id="
attachments = ["docx", "xlsx"]

[[source]]
name = "C"
url = "%s"
attachments = ["pdf"]

[[source]]
name = "C-feed"
type = "feed"
url = "%s/gk/rss.xml"
attachments = ["pdf"]
`, testRate, testTimeout, p.ListURL("A"), p.ListURL("B"), p.B.URL, p.ListURL("C"), p.C.URL)
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

// sent is the client's side of the request log: when each request left,
// after the rate limiter let it go.
type sent struct {
	at   time.Time
	host string
	path string
}

type recorder struct {
	mu   sync.Mutex
	log  []sent
	next http.RoundTripper
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.log = append(r.log, sent{time.Now(), req.URL.Host, req.URL.RequestURI()})
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

func (r *recorder) take() []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.log
	r.log = nil
	return l
}

var requests = &recorder{next: http.DefaultTransport}

func run(t testing.TB, cfg *harvest.Config, out string) *harvest.Summary {
	t.Helper()
	sum, err := harvest.Run(context.Background(), harvest.Options{Config: cfg, Out: out, Log: testLog(t), Transport: requests})
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

// checkDataset asserts the dataset and the catalog agree with the portal:
// every distinct attachment kept once, ingested once, traceable to its URL.
func checkDataset(t *testing.T, p *portaltest.Portal, out string) {
	t.Helper()
	files := p.Files()
	// Originals on disk: exactly one per distinct content, named by it.
	var kept []string
	filepath.WalkDir(filepath.Join(out, "originals"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			kept = append(kept, filepath.Base(path))
		}
		return nil
	})
	if len(kept) != len(files) {
		t.Errorf("originals on disk: %d files, want %d: %v", len(kept), len(files), kept)
	}
	for _, k := range kept {
		sha := strings.Split(k, ".")[0]
		if _, ok := files[sha]; !ok {
			t.Errorf("original %s matches no attachment the portal serves", k)
		}
	}
	db := openCatalog(t, out)
	var n, pending int
	db.QueryRow(`SELECT count(*), sum(ingested_at = '') FROM harvest_originals`).Scan(&n, &pending)
	if n != len(files) || pending != 0 {
		t.Errorf("harvest_originals: %d rows, %d not ingested; want %d rows, all ingested", n, pending, len(files))
	}
	// Every reports row is unique and traceable to a URL whose file has its sha.
	reports, err := schema.ReadTable[schema.Report](out, schema.TableReports)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range reports {
		if seen[r.DocID] {
			t.Errorf("reports: doc_id %s twice", r.DocID)
		}
		seen[r.DocID] = true
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
}

func TestHarvestIncremental(t *testing.T) {
	p := newPortal(t, portaltest.Options{})
	_, cfg := writeConfig(t, p)
	out := t.TempDir()
	files := p.Files()

	// 1. The first run fetches everything once, through every fault.
	t0 := time.Now()
	requests.take()
	s1 := run(t, cfg, out)
	t.Logf("first run: %+v in %s", *s1, time.Since(t0))
	hits := p.Hits()
	if s1.New != len(files) || s1.Duplicates != 1 || s1.Failed != 0 || s1.Disallowed != 1 {
		t.Errorf("first run: new %d dup %d failed %d disallowed %d; want new %d dup 1 failed 0 disallowed 1",
			s1.New, s1.Duplicates, s1.Failed, s1.Disallowed, len(files))
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
	checkFaults(t, hits)
	checkPoliteness(t, p, hits, requests.take())
	checkDataset(t, p, out)

	// 2. The second run asks only conditionally, and everything is unchanged.
	p.ResetHits()
	s2 := run(t, cfg, out)
	t.Logf("second run: %+v", *s2)
	if s2.New != 0 || s2.Ingested != 0 || s2.Failed != 0 || s2.Pages != 4 || s2.Unchanged != 4 {
		t.Errorf("second run: %+v; want 4 list pages, all unchanged, nothing new or ingested", *s2)
	}
	for _, h := range p.Hits() {
		if h.Path == "/robots.txt" {
			continue
		}
		if !h.Conditional() || h.Status != 304 {
			t.Errorf("second run: %s%s status %d conditional %v; want only 304s to conditional requests", h.Site, h.Path, h.Status, h.Conditional())
		}
	}

	// 3. A report published on A's first page: the third run fetches just it.
	fresh := p.Publish("A")
	p.ResetHits()
	s3 := run(t, cfg, out)
	t.Logf("third run: %+v", *s3)
	if s3.New != 1 || s3.Ingested != 1 || s3.Failed != 0 {
		t.Errorf("third run: %+v; want 1 new, 1 ingested", *s3)
	}
	var got []string
	for path := range okHits(p.Hits()) {
		if !strings.Contains(path, "index") && !strings.Contains(path, "/col/jx") && !strings.Contains(path, "list") {
			got = append(got, path)
		}
	}
	sort.Strings(got)
	want := []string{"A" + fresh.Files[0].Path, fmt.Sprintf("A/xxgk/jxpj/t%d.html", fresh.ID)}
	sort.Strings(want)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("third run fetched %v, want just %v", got, want)
	}
	checkDataset(t, p, out)
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
					if d := h2.At.Sub(h.At); d < 950*time.Millisecond {
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

// checkPoliteness asserts robots.txt and the per-host rate were respected.
func checkPoliteness(t *testing.T, p *portaltest.Portal, hits []portaltest.Hit, log []sent) {
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
		// The server's clock sees requests with scheduling jitter (two
		// shared cores): on its side, check the mean spacing.
		interval := intervalOf(site)
		if span, n := hs[len(hs)-1].At.Sub(hs[1].At), len(hs)-2; span < time.Duration(n)*interval*9/10 {
			t.Errorf("site %s: %d requests in %s; want ≥ %s apart on average", site, n+1, span, interval)
		}
		t.Logf("site %s: %d requests", site, len(hs))
	}
	// The client's log is stamped as each request leaves, after the
	// fetcher's spacing; on two shared cores a goroutine may still be
	// descheduled between the two, so each gap may fall short by a little,
	// never by half, and on average the interval holds.
	hostSite := map[string]string{strings.TrimPrefix(p.A.URL, "http://"): "A", strings.TrimPrefix(p.B.URL, "http://"): "B", strings.TrimPrefix(p.C.URL, "http://"): "C"}
	last := map[string]sent{}
	total := map[string]time.Duration{}
	gaps := map[string]int{}
	for _, s := range log {
		site := hostSite[s.host]
		if site == "" {
			t.Errorf("request to %s, not the portal", s.host)
			continue
		}
		if prev, ok := last[site]; ok && prev.path != "/robots.txt" {
			d := s.at.Sub(prev.at)
			if d < intervalOf(site)/2 {
				t.Errorf("site %s: %s then %s sent %s apart; want ≥ %s", site, prev.path, s.path, d, intervalOf(site))
			}
			total[site] += d
			gaps[site]++
		}
		last[site] = s
	}
	for site, n := range gaps {
		if mean := total[site] / time.Duration(n); mean < intervalOf(site)-time.Millisecond {
			t.Errorf("site %s: requests %s apart on average; want ≥ %s", site, mean, intervalOf(site))
		}
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
