package harvest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"zipin/harvest"
)

// A link that fails through all of a run's retries is not lost: the next
// run, although the list page is unchanged (304), fetches it again. And a
// detail page without attachments is itself the report when html_reports
// is set.
func TestFailedLinkRetriedNextRun(t *testing.T) {
	var mu sync.Mutex
	fileHits := 0
	list := `<html><body><a href="/d/1.html">2023年度绩效自评报告</a><a href="/d/2.html">2023年度项目绩效自评报告</a></body></html>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/list.html":
			if r.Header.Get("If-None-Match") == `"v1"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", `"v1"`)
			fmt.Fprint(w, list)
		case "/d/1.html":
			fmt.Fprint(w, `<html><body><a href="/f/1.txt">附件</a></body></html>`)
		case "/d/2.html": // the report is the page itself
			fmt.Fprint(w, `<html><head><title>项目绩效自评报告</title></head><body><h1>某县2023年度项目支出绩效自评报告</h1><p>全年预算数100.00万元，全年执行数90.00万元，预算执行率90.00%。自评得分92分。</p></body></html>`)
		case "/f/1.txt":
			mu.Lock()
			fileHits++
			n := fileHits
			mu.Unlock()
			if n <= 2 { // down for the whole first run (1 try + 1 retry)
				http.Error(w, "upstream down", http.StatusBadGateway)
				return
			}
			fmt.Fprint(w, "某局2023年度部门整体支出绩效自评报告\n全年预算数50.00万元，全年执行数45.00万元。\n")
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	cfg, err := harvest.ParseConfig("t.toml", []byte(fmt.Sprintf(`contact = "t"
rate = "1ms"
timeout = "2s"
retries = 1
backoff = "5ms"
[[source]]
name = "s"
url = "%s/list.html"
attachments = ["txt"]
html_reports = true
`, srv.URL)))
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	s1, err := harvest.Run(context.Background(), harvest.Options{Config: cfg, Out: out, Log: testLog(t)})
	if err != nil {
		t.Fatal(err)
	}
	if s1.Failed != 1 || s1.New != 1 || harvest.ExitCode(s1, nil) != harvest.ExitFailed {
		t.Errorf("first run: %+v, exit %d; want the file failed, the HTML report kept, exit 1", *s1, harvest.ExitCode(s1, nil))
	}
	if len(s1.Failures) != 1 || !strings.Contains(s1.Failures[0].Err.Error(), "/f/1.txt: HTTP 502 (after 2 attempts)") {
		t.Errorf("failure should name the URL, the status and the attempts: %v", s1.Failures)
	}
	s2, err := harvest.Run(context.Background(), harvest.Options{Config: cfg, Out: out, Log: testLog(t)})
	if err != nil {
		t.Fatal(err)
	}
	if s2.Failed != 0 || s2.New != 1 || s2.Ingested != 1 || harvest.ExitCode(s2, nil) != harvest.ExitOK {
		t.Errorf("second run: %+v; want the failed file fetched and ingested, exit 0", *s2)
	}
	db := openCatalog(t, out)
	var states string
	db.QueryRow(`SELECT group_concat(url || '=' || state || '/' || attempts, ' ') FROM (SELECT * FROM harvest_urls ORDER BY url)`).Scan(&states)
	want := fmt.Sprintf("%[1]s/d/1.html=done/1 %[1]s/d/2.html=done/1 %[1]s/f/1.txt=done/2", srv.URL)
	if states != want {
		t.Errorf("harvest_urls: %s\nwant %s", states, want)
	}
	var formats string
	db.QueryRow(`SELECT group_concat(substr(path, -4), ' ') FROM (SELECT path FROM harvest_originals ORDER BY path LIKE '%.txt')`).Scan(&formats)
	if formats != "html .txt" {
		t.Errorf("originals: %q, want the HTML report and the text file", formats)
	}
}
