package harvest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"testing"

	"zipin/harvest"
)

// A feed source: an Atom entry whose title is a report brings its detail
// page and its enclosure; other entries are left alone. A list page that
// links a file directly gets the file without a detail page.
func TestFeedAndDirectFiles(t *testing.T) {
	var mu sync.Mutex
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		switch r.URL.Path {
		case "/atom.xml":
			w.Header().Set("Content-Type", "application/atom+xml")
			fmt.Fprint(w, `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>绩效</title>
<entry><title>某局2023年度部门整体支出绩效自评报告</title><link href="/e/1.html"/><link rel="enclosure" href="/e/1.txt"/></entry>
<entry><title>政府采购意向公开</title><link href="/e/2.html"/><link rel="enclosure" href="/e/2.txt"/></entry></feed>`)
		case "/list.html":
			fmt.Fprint(w, `<html><body><a href="/files/3.txt">某局2022年度绩效自评报告.txt</a></body></html>`)
		case "/e/1.html":
			fmt.Fprint(w, `<html><body>见附件。</body></html>`)
		case "/e/1.txt":
			fmt.Fprint(w, "某局2023年度部门整体支出绩效自评报告\n全年预算数10.00万元。\n")
		case "/files/3.txt":
			fmt.Fprint(w, "某局2022年度部门整体支出绩效自评报告\n全年预算数20.00万元。\n")
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	cfg, err := harvest.ParseConfig("t.toml", []byte(fmt.Sprintf(`contact = "t"
rate = "1ms"
[[source]]
name = "feed"
type = "feed"
url = "%[1]s/atom.xml"
attachments = ["txt"]
[[source]]
name = "list"
url = "%[1]s/list.html"
attachments = ["txt"]
`, srv.URL)))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := harvest.Run(context.Background(), harvest.Options{Config: cfg, Out: t.TempDir(), Log: testLog(t)})
	if err != nil {
		t.Fatal(err)
	}
	if sum.New != 2 || sum.Ingested != 2 || sum.Failed != 0 {
		t.Errorf("summary %+v; want 2 new, 2 ingested", *sum)
	}
	sort.Strings(paths)
	if got := fmt.Sprint(paths); got != "[/atom.xml /e/1.html /e/1.txt /files/3.txt /list.html /robots.txt]" {
		t.Errorf("requests %s", got)
	}
}
