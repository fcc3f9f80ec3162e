package harvest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"zipin/harvest"
)

func TestRobots(t *testing.T) {
	const txt = `# comment
User-agent: *
Disallow: /
Crawl-delay: 9

User-agent: Googlebot
User-agent: zipin-harvest
Disallow: /private/
Allow: /private/public/
Disallow: /*.php$
Disallow: /tmp
Allow: /tmp/ok$
Crawl-delay: 2.5
Sitemap: https://example.org/sitemap.xml
`
	r := harvest.ParseRobots([]byte(txt), "zipin-harvest/1.0")
	for path, want := range map[string]bool{
		"/":                        true,
		"/xxgk/index.html":         true,
		"/private/a.html":          false,
		"/private/public/a.html":   true, // the longer Allow wins
		"/index.php":               false,
		"/index.php?x=1":           true, // $ anchors the end
		"/tmp/x":                   false,
		"/tmp/ok":                  true,
		"/robots.txt":              true,
		"/private/public":          false, // the Allow needs the slash
		"/PRIVATE/a.html":          true,  // paths are case-sensitive
		"/col/jx?page=2":           true,
		"/private/public/?q=1&r=2": true,
	} {
		if got := r.Allowed(path); got != want {
			t.Errorf("Allowed(%q) = %v, want %v", path, got, want)
		}
	}
	if r.CrawlDelay != 2500*time.Millisecond {
		t.Errorf("Crawl-delay %s, want 2.5s", r.CrawlDelay)
	}
	// Another agent gets the * group.
	other := harvest.ParseRobots([]byte(txt), "otherbot")
	if other.Allowed("/xxgk/") || other.CrawlDelay != 9*time.Second {
		t.Errorf("* group: allowed %v delay %s, want disallowed, 9s", other.Allowed("/xxgk/"), other.CrawlDelay)
	}
	// Allow wins a tie of equal length.
	tie := harvest.ParseRobots([]byte("User-agent: *\nDisallow: /a\nAllow: /a\n"), "x")
	if !tie.Allowed("/a") {
		t.Error("tie: Allow should win")
	}
	// An empty Disallow allows everything; no group for us allows everything.
	if !harvest.ParseRobots([]byte("User-agent: *\nDisallow:\n"), "x").Allowed("/a") ||
		!harvest.ParseRobots([]byte("User-agent: somebot\nDisallow: /\n"), "x").Allowed("/a") {
		t.Error("empty Disallow or no matching group should allow")
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"":                              0,
		"7":                             7 * time.Second,
		" 120 ":                         2 * time.Minute,
		"-3":                            0,
		"Fri, 02 Jan 2026 03:04:35 GMT": 30 * time.Second,
		"Fri, 02 Jan 2026 03:00:00 GMT": 0, // in the past
		"soon":                          0,
	} {
		if got := harvest.RetryAfter(v, now); got != want {
			t.Errorf("RetryAfter(%q) = %s, want %s", v, got, want)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	const good = `contact = "mailto:a@b.c"
[[source]]
name = "a"
url = "http://127.0.0.1/list.html"
`
	for _, c := range []struct {
		name, text, want string
	}{
		{"syntax", "contact = \"x\"\nrate = = \"1s\"\n", "x.toml:2"},
		{"no contact", "[[source]]\nname = \"a\"\nurl = \"http://h/\"\n", "x.toml: contact: is required"},
		{"unknown field", good + "tittle_pattern = \"x\"\n", "x.toml:5: source.tittle_pattern: unknown field"},
		{"bad regex", good + "[[source]]\nname = \"b\"\nurl = \"http://h/\"\ntitle_pattern = \"绩效(\"\n", "x.toml:8: source[2].title_pattern: bad regular expression"},
		{"relative url", good + "[[source]]\nname = \"b\"\nurl = \"/list.html\"\n", "x.toml:7: source[2].url: \"/list.html\" is not an absolute http(s) URL"},
		{"missing url", good + "[[source]]\nname = \"b\"\n", "x.toml:5: source[2].url: is required"},
		{"duplicate name", good + "[[source]]\nname = \"a\"\nurl = \"http://h/\"\n", "x.toml:6: source[2].name: \"a\" is used by two sources"},
		{"bad type", good + "type = \"json\"\n", "x.toml:5: source[1].type: \"json\" is not html or feed"},
		{"bad duration", "rate = \"fast\"\n" + good, "x.toml"},
		{"page_url without placeholder", good + "page_url = \"http://h/list_2.html\"\n", "source[1].page_url: has no {page} or {index} placeholder"},
		{"no source", "contact = \"x\"\n", "no [[source]] defined"},
	} {
		_, err := harvest.ParseConfig("x.toml", []byte(c.text))
		var ce *harvest.ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want a ConfigError containing %q", c.name, err, c.want)
			continue
		}
		if harvest.ExitCode(nil, err) != harvest.ExitConfig {
			t.Errorf("%s: exit code %d, want 2", c.name, harvest.ExitCode(nil, err))
		}
	}
	cfg, err := harvest.ParseConfig("x.toml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.Sources[0]
	if cfg.Rate.Duration != time.Second || s.Type != "html" || s.MaxPages != 100 || s.StopAfter != 1 || len(s.Attachments) != 8 {
		t.Errorf("defaults: rate %s type %q max_pages %d stop_after %d attachments %v", cfg.Rate, s.Type, s.MaxPages, s.StopAfter, s.Attachments)
	}
}

// The documented example must stay a valid configuration.
func TestExampleConfig(t *testing.T) {
	cfg, err := harvest.LoadConfig(filepath.Join("..", "docs", "harvest.example.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Sources) != 3 || cfg.Sources[0].Rate.Duration != 2*time.Second || cfg.Sources[2].Type != "feed" {
		t.Errorf("example parsed as %+v", cfg)
	}
}

func fetcherFor(t *testing.T, maxBytes int64, retries int) *harvest.Fetcher {
	cfg, err := harvest.ParseConfig("t.toml", []byte(fmt.Sprintf(`contact = "t"
rate = "1ms"
timeout = "300ms"
retries = %d
backoff = "5ms"
max_bytes = %d
max_retry_after = "3s"
ignore_robots = true
[[source]]
name = "s"
url = "http://127.0.0.1/"
`, retries, maxBytes)))
	if err != nil {
		t.Fatal(err)
	}
	return harvest.NewFetcher(cfg, testLog(t), nil)
}

func TestFetchLimits(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/big": // no Content-Length: the cap is found while reading
			w.(http.Flusher).Flush()
			w.Write(make([]byte, 5000))
		case "/big-declared":
			w.Header().Set("Content-Length", "5000")
			w.Write(make([]byte, 5000))
		case "/short": // always truncated
			conn, buf, _ := w.(http.Hijacker).Hijack()
			buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this")
			buf.Flush()
			conn.Close()
		case "/gone":
			http.NotFound(w, r)
		case "/busy":
			w.Header().Set("Retry-After", time.Now().Add(2*time.Second).UTC().Format(http.TimeFormat))
			w.WriteHeader(http.StatusTooManyRequests)
		case "/busy-long":
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	ctx := context.Background()

	f := fetcherFor(t, 1000, 2)
	for _, p := range []string{"/big", "/big-declared"} {
		hits.Store(0)
		_, err := f.Get(ctx, harvest.Request{URL: srv.URL + p})
		if err == nil || !strings.Contains(err.Error(), "response larger than 1000 bytes") || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: %v, want 'response larger than 1000 bytes' naming the URL", p, err)
		}
		if hits.Load() != 1 {
			t.Errorf("%s: %d requests; a too-large response is not retried", p, hits.Load())
		}
	}

	hits.Store(0)
	_, err := f.Get(ctx, harvest.Request{URL: srv.URL + "/short"})
	if err == nil || !strings.Contains(err.Error(), "after 3 attempts") {
		t.Errorf("truncated: %v, want failure after 3 attempts", err)
	}
	if hits.Load() != 3 {
		t.Errorf("truncated: %d requests, want 3 (1 + 2 retries)", hits.Load())
	}

	hits.Store(0)
	_, err = f.Get(ctx, harvest.Request{URL: srv.URL + "/gone"})
	var fe *harvest.FetchError
	if !errors.As(err, &fe) || fe.Status != 404 || hits.Load() != 1 {
		t.Errorf("404: %v after %d requests, want a FetchError with status 404, not retried", err, hits.Load())
	}

	// An HTTP-date Retry-After about 2 s ahead is waited for (HTTP dates
	// have whole seconds, so at least 1 s).
	f1 := fetcherFor(t, 1000, 1)
	t0 := time.Now()
	hits.Store(0)
	_, err = f1.Get(ctx, harvest.Request{URL: srv.URL + "/busy"})
	if d := time.Since(t0); err == nil || d < time.Second || hits.Load() != 2 {
		t.Errorf("429: %v after %s and %d requests, want failure after 2 requests ≥ 1s apart", err, d, hits.Load())
	}
	// A Retry-After beyond max_retry_after fails at once, naming it.
	hits.Store(0)
	_, err = f1.Get(ctx, harvest.Request{URL: srv.URL + "/busy-long"})
	if err == nil || !strings.Contains(err.Error(), "max_retry_after") || hits.Load() != 1 {
		t.Errorf("Retry-After 3600: %v after %d requests", err, hits.Load())
	}
}

func TestParseHTML(t *testing.T) {
	page := `<html><head><meta charset="gb2312"><title>绩效 公开</title><base href="http://h.example/a/b/"></head><body>
<a href="t1.html">  2023年度　部门整体支出
绩效自评报告 </a>
<a href="../up/x.pdf#page=2" title="附件：自评表.pdf"><img src="i.png"></a>
<a href="javascript:void(0)">打印</a><a href="#top">顶部</a><a href="mailto:x@y">信</a>
<a href="//cdn.example/z.docx">z</a></body></html>`
	body, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(page))
	title, links, err := harvest.ParseHTML(body, "text/html", "http://h.example/list/index.html")
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(links)
	want := "[{2023年度 部门整体支出 绩效自评报告 http://h.example/a/b/t1.html  false} {附件：自评表.pdf http://h.example/a/up/x.pdf  false} {z http://cdn.example/z.docx  false}]"
	if title != "绩效 公开" || got != want {
		t.Errorf("title %q links %s\nwant %s", title, got, want)
	}
}

func TestParseFeed(t *testing.T) {
	rss := `<?xml version="1.0" encoding="gbk"?><rss version="2.0"><channel><title>t</title>
<item><title>某局2023年绩效自评报告</title><link>/art/1.html</link><enclosure url="/f/1.pdf" type="application/pdf" length="1"/></item>
<item><title>通知</title><link>http://h.example/n.html</link></item></channel></rss>`
	body, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(rss))
	items, err := harvest.ParseFeed(body, "http://h.example/rss.xml")
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(items); got != "[{某局2023年绩效自评报告 http://h.example/art/1.html [http://h.example/f/1.pdf]} {通知 http://h.example/n.html []}]" {
		t.Errorf("RSS: %s", got)
	}
	atom := `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><title>自评报告</title><link rel="alternate" href="e/2.html"/><link rel="enclosure" href="e/2.xlsx"/></entry></feed>`
	items, err = harvest.ParseFeed([]byte(atom), "http://h.example/feeds/atom.xml")
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(items); got != "[{自评报告 http://h.example/feeds/e/2.html [http://h.example/feeds/e/2.xlsx]}]" {
		t.Errorf("Atom: %s", got)
	}
	if _, err := harvest.ParseFeed([]byte("<html></html>"), "http://h.example/x"); err == nil {
		t.Error("an HTML page parsed as a feed")
	}
}

func TestLockFile(t *testing.T) {
	out := t.TempDir()
	l, err := harvest.AcquireLock(out)
	if err != nil {
		t.Fatal(err)
	}
	_, err = harvest.AcquireLock(out)
	var le *harvest.LockedError
	if !errors.As(err, &le) || le.PID != os.Getpid() || !strings.Contains(err.Error(), fmt.Sprintf("another harvest is running (pid %d", os.Getpid())) {
		t.Errorf("second lock: %v", err)
	}
	l.Release()
	l2, err := harvest.AcquireLock(out)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	l2.Release()
}
