package harvest_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"zipin/harvest"
)

// hitLog is a handler's request log.
type hitLog struct {
	mu    sync.Mutex
	paths []string
}

func (l *hitLog) add(p string) {
	l.mu.Lock()
	l.paths = append(l.paths, p)
	l.mu.Unlock()
}

func (l *hitLog) get() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.paths...)
}

// serveOn starts a server on a given loopback address.
func serveOn(t *testing.T, addr string, h http.Handler) *httptest.Server {
	t.Helper()
	ln, err := net.Listen("tcp", addr+":0")
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

const reportText = "某局2023年度部门整体支出绩效自评报告\n全年预算数50.00万元，全年执行数45.00万元，预算执行率90.00%。\n"

// A portal on 127.0.0.1 that redirects a report's attachment, or its
// robots.txt, to another machine's service (a server on 127.0.0.2, the
// cloud metadata address): the redirect is refused, nothing from there is
// stored, the link fails with a reason that says so, and the internal
// server receives no request. Each loopback address is its own range (see
// docs/harvest.md), so 127.0.0.2 is "another range" for a source on
// 127.0.0.1. With the host in allow_hosts, the redirect is followed and
// the final URL recorded.
func TestRedirectIntoInternalRangeRefused(t *testing.T) {
	var internal hitLog
	inside := serveOn(t, "127.0.0.2", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		internal.add(r.URL.Path)
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nAllow: /\n")
		default:
			fmt.Fprint(w, reportText+"（内网文件）\n")
		}
	}))
	var portal hitLog
	srv := serveOn(t, "127.0.0.1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		portal.add(r.URL.Path)
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nDisallow: /admin/\n")
		case "/list.html":
			fmt.Fprint(w, `<html><body><ul><li><a href="/d/1.html">某局2023年度部门整体支出绩效自评报告</a> 2024-03-02</li></ul></body></html>`)
		case "/d/1.html":
			fmt.Fprint(w, `<html><head><title>某局2023年度部门整体支出绩效自评报告_某县财政局</title></head><body>
<p><a href="/f/inner.txt">自评报告.txt</a></p><p><a href="/f/meta.txt">自评表.txt</a></p><p><a href="/f/ok.txt">附表.txt</a></p></body></html>`)
		case "/f/inner.txt":
			http.Redirect(w, r, inside.URL+"/secret.txt", http.StatusFound)
		case "/f/meta.txt":
			http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/iam", http.StatusFound)
		case "/f/ok.txt":
			fmt.Fprint(w, reportText)
		default:
			http.NotFound(w, r)
		}
	}))
	// A second portal whose robots.txt itself redirects inside.
	var portal2 hitLog
	srv2 := serveOn(t, "127.0.0.1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		portal2.add(r.URL.Path)
		if r.URL.Path == "/robots.txt" {
			http.Redirect(w, r, inside.URL+"/robots.txt", http.StatusMovedPermanently)
			return
		}
		fmt.Fprint(w, `<html><body><a href="/d/1.html">某局2023年度部门整体支出绩效自评报告</a></body></html>`)
	}))
	conf := func(extra string) *harvest.Config {
		cfg, err := harvest.ParseConfig("t.toml", []byte(fmt.Sprintf(`contact = "t"
rate = "1ms"
retries = 1
backoff = "1ms"
%s
[[source]]
name = "portal"
url = "%s/list.html"
[[source]]
name = "portal2"
url = "%s/list.html"
`, extra, srv.URL, srv2.URL)))
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	out := t.TempDir()
	sum, err := harvest.Run(context.Background(), harvest.Options{Config: conf(""), Out: out, Log: testLog(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("summary: %+v", *sum)
	if got := internal.get(); len(got) != 0 {
		t.Errorf("the internal server was asked for %v", got)
	}
	failed := map[string]string{}
	for _, f := range sum.Failures {
		failed[f.URL] = f.Err.Error()
	}
	for u, want := range map[string]string{
		srv.URL + "/f/inner.txt": "127.0.0.2, a loopback address",
		srv.URL + "/f/meta.txt":  "169.254.169.254, a cloud metadata address",
	} {
		if !strings.Contains(failed[u], want) || !strings.Contains(failed[u], "allow_hosts") {
			t.Errorf("%s: failure %q, want one naming %q and allow_hosts", u, failed[u], want)
		}
	}
	if sum.New != 1 || sum.Ingested != 1 || harvest.ExitCode(sum, nil) != harvest.ExitFailed {
		t.Errorf("summary %+v: want the one good file kept and ingested, exit 1", *sum)
	}
	// portal2's robots.txt redirect was refused: the host is not crawled.
	if got := portal2.get(); fmt.Sprint(got) != "[/robots.txt]" {
		t.Errorf("portal2 was asked for %v; want only its robots.txt", got)
	}
	if !strings.Contains(strings.Join(sum.Notes, "\n"), "robots.txt redirect refused") {
		t.Errorf("notes %q: want the refused robots.txt redirect said", sum.Notes)
	}
	// The title and date were recorded, the site's name dropped.
	db := openCatalog(t, out)
	var title, published, detail string
	db.QueryRow(`SELECT title, published, detail_url FROM harvest_originals WHERE url = ?`, srv.URL+"/f/ok.txt").Scan(&title, &published, &detail)
	if title != "某局2023年度部门整体支出绩效自评报告" || published != "2024-03-02" || detail != srv.URL+"/d/1.html" {
		t.Errorf("recorded title %q published %q detail %q", title, published, detail)
	}
	// The same, by doc_id, for readers of the dataset (the review page).
	origins, err := harvest.ReadOrigins(out)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for id, d := range origins {
		if d.SourceURL == srv.URL+"/f/ok.txt" {
			found = len(id) == 64 && d.Title == title && d.DetailURL == detail && d.Published == published && d.IngestStatus == "ok"
		}
	}
	if len(origins) != 1 || !found {
		t.Errorf("ReadOrigins: %+v", origins)
	}

	// Allowed by name: followed, and the final URL recorded.
	out2 := t.TempDir()
	sum, err = harvest.Run(context.Background(), harvest.Options{Config: conf(`allow_hosts = ["127.0.0.2"]`), Out: out2, Log: testLog(t)})
	if err != nil {
		t.Fatal(err)
	}
	if got := internal.get(); len(got) == 0 || !strings.Contains(fmt.Sprint(got), "/secret.txt") {
		t.Errorf("allowed: the internal server was asked for %v, want /secret.txt", got)
	}
	var final string
	openCatalog(t, out2).QueryRow(`SELECT final_url FROM harvest_originals WHERE url = ?`, srv.URL+"/f/inner.txt").Scan(&final)
	if final != inside.URL+"/secret.txt" {
		t.Errorf("final_url %q, want %s", final, inside.URL+"/secret.txt")
	}
}

// A robots.txt over 512 KB whose Disallow: / comes after that point: the
// host is treated as disallowed, and the summary says why.
func TestOversizedRobots(t *testing.T) {
	var log hitLog
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.add(r.URL.Path)
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: *\n")
			for i := 0; i < 600<<10/32; i++ {
				fmt.Fprintf(w, "# %028d\n", i) // 32 bytes a line
			}
			fmt.Fprint(w, "Disallow: /\n")
			return
		}
		fmt.Fprint(w, `<html><body><a href="/d/1.html">某局2023年度部门整体支出绩效自评报告</a></body></html>`)
	}))
	defer srv.Close()
	cfg, err := harvest.ParseConfig("t.toml", []byte(fmt.Sprintf("contact = \"t\"\nrate = \"1ms\"\n[[source]]\nname = \"s\"\nurl = \"%s/list.html\"\n", srv.URL)))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := harvest.Run(context.Background(), harvest.Options{Config: cfg, Out: t.TempDir(), Log: testLog(t)})
	if err != nil {
		t.Fatal(err)
	}
	if got := log.get(); fmt.Sprint(got) != "[/robots.txt]" {
		t.Errorf("requests %v; want only robots.txt", got)
	}
	if !strings.Contains(strings.Join(sum.Notes, "\n"), "larger than 512 KB: host treated as disallowed") {
		t.Errorf("notes %q: want the oversized robots.txt said", sum.Notes)
	}
}

// A robots.txt that cannot be read (here HTTP 503) keeps the host out for
// the run, as RFC 9309 asks, but it is an outage, not the portal's wish:
// the failure says "robots.txt unreachable", nothing is recorded as
// disallowed, and the next run, robots.txt answering 404, crawls the host.
func TestRobotsUnreachableIsNoDisallow(t *testing.T) {
	var log hitLog
	var mu sync.Mutex
	robotsStatus := http.StatusServiceUnavailable
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.add(r.URL.Path)
		if r.URL.Path == "/robots.txt" {
			mu.Lock()
			defer mu.Unlock()
			w.WriteHeader(robotsStatus)
			return
		}
		fmt.Fprint(w, `<html><body>no reports yet</body></html>`)
	}))
	defer srv.Close()
	cfg, err := harvest.ParseConfig("t.toml", []byte(fmt.Sprintf("contact = \"t\"\nrate = \"1ms\"\nretries = -1\n[[source]]\nname = \"s\"\nurl = \"%s/list.html\"\n", srv.URL)))
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	sum, _ := harvest.Run(context.Background(), harvest.Options{Config: cfg, Out: out, Log: testLog(t)})
	if got := log.get(); fmt.Sprint(got) != "[/robots.txt]" {
		t.Errorf("run 1 requests %v; want only robots.txt", got)
	}
	if sum.Disallowed != 0 || len(sum.Failures) != 1 {
		t.Fatalf("run 1: %d disallowed, failures %v; want 0 and the list page failed", sum.Disallowed, sum.Failures)
	}
	if ferr := sum.Failures[0].Err; !errors.Is(ferr, harvest.ErrRobotsUnreachable) || errors.Is(ferr, harvest.ErrDisallowed) ||
		!strings.Contains(ferr.Error(), "robots.txt unreachable") || !strings.Contains(ferr.Error(), "HTTP 503") {
		t.Errorf("run 1 failure %q: want robots.txt unreachable (HTTP 503), not disallowed", ferr)
	}
	mu.Lock()
	robotsStatus = http.StatusNotFound
	mu.Unlock()
	if _, err := harvest.Run(context.Background(), harvest.Options{Config: cfg, Out: out, Log: testLog(t)}); err != nil {
		t.Fatal(err)
	}
	if got := log.get(); fmt.Sprint(got) != "[/robots.txt /robots.txt /list.html]" {
		t.Errorf("requests %v; want run 2 to read the list page", got)
	}
}
