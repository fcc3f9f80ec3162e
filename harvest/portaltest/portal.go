// Package portaltest is a fake government portal for the harvester's tests:
// three sites on loopback, each with GBK list pages, detail pages,
// attachments, robots.txt, ETags, redirects and injected faults (a timeout,
// a 503 with Retry-After, a truncated body). Every request is logged.
//
// It sets the traps real county portals set for a harvester configured with
// nothing but each list page's URL:
//   - site A (a TRS county site): list titles cut to 24 characters plus
//     "...", the full title only in the link's title attribute (one link has
//     no title attribute: only its detail page names the report); detail
//     page titles that end in the site's name (…_青山县教育局); a 下一页 link
//     on the last page that leads to a 404; a 尾页 link;
//   - site B: pages drawn by the TRS script createPageHTML(n, i, "index",
//     "html") (index.html, index_1.html, …), Last-Modified only;
//   - site C: numbered page links (1 2 3 …) and a first page that holds no
//     report, only look-alikes: a notice whose attachment is a blank
//     self-evaluation form (placeholders such as x万元, no figure filled in),
//     a 编制指引 published as a page, and a news item.
package portaltest

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Hit is one request the portal received.
type Hit struct {
	At              time.Time // when the handler began, before any answer was sent
	Site            string    // A, B or C
	Host            string
	Path            string // request URI
	Status          int
	IfNoneMatch     string
	IfModifiedSince string
	UserAgent       string
}

// Conditional says whether the request carried a validator.
func (h Hit) Conditional() bool { return h.IfNoneMatch != "" || h.IfModifiedSince != "" }

// Report is one published item: a detail page and its attachments.
type Report struct {
	ID        int
	Title     string
	Published string // YYYY-MM-DD, as the list page shows it
	Files     []File
	// LookAlike says why the item is not a report ("" for a report).
	LookAlike string
	// Page is the detail page's body for items published as a page.
	Page string
}

// File is an attachment as served.
type File struct {
	Path string // where it is served, such as /xxgk/files/3.txt
	Name string // the link text
	Body []byte
}

// Options shape the portal.
type Options struct {
	// Texts are report bodies (such as the samples); attachment N gets text
	// N mod len, marked with its number so that every file is distinct.
	Texts [][]byte
	// PDF, DOCX and XLSX, when set, are real documents served in place of
	// the generated ones, each copy made distinct: a PDF gets a trailing
	// comment, a DOCX or XLSX an extra package part naming the report.
	PDF, DOCX, XLSX []byte
	CrawlDelay      time.Duration // site A's robots.txt Crawl-delay
	Hang            time.Duration // how long the timing-out page hangs
	RetryAfter      int           // seconds, for the 503
	PerPage         int           // items per list page (3 → 15 reports = 5 pages)
	Slow            time.Duration // added to every response (for kill tests)
}

// Portal is three sites.
type Portal struct {
	A, B, C *httptest.Server

	opts  Options
	mu    sync.Mutex
	hits  []Hit
	sites map[string]*site
	next  int // the next report ID
}

type site struct {
	name    string
	reports []*Report // newest first
	pinned  []*Report // look-alikes listed before the reports (site C)
	mod     time.Time // list pages' Last-Modified (site B)
	faults  map[string]string
}

// SiteName is site A's name, which its detail pages' titles end in.
const SiteName = "青山县教育局"

// New starts the portal. Close it with Close.
func New(o Options) *Portal {
	if o.PerPage == 0 {
		o.PerPage = 3
	}
	if o.RetryAfter == 0 {
		o.RetryAfter = 1
	}
	if o.Hang == 0 {
		o.Hang = 3 * time.Second
	}
	if len(o.Texts) == 0 {
		o.Texts = [][]byte{[]byte("某某单位2023年度部门整体支出绩效自评报告\n一、基本情况\n全年预算数100.00万元，全年执行数95.00万元，预算执行率95.00%。\n自评得分95分，评价等级为优。\n")}
	}
	p := &Portal{opts: o, sites: map[string]*site{}, next: 1}
	base := time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)
	for _, name := range []string{"A", "B", "C"} {
		s := &site{name: name, mod: base, faults: map[string]string{}}
		for i := 0; i < 5*o.PerPage; i++ {
			s.reports = append([]*Report{p.newReport(name)}, s.reports...)
		}
		p.sites[name] = s
	}
	// One transient fault of each kind: the first request fails, a retry
	// succeeds. Which URL gets it is fixed, so tests can look for it.
	a, b, c := p.sites["A"], p.sites["B"], p.sites["C"]
	a.faults[detailPath("A", a.reports[1].ID)] = "hang"
	b.faults["/col/jx/index_1.html"] = "503"
	c.faults[c.reports[2].Files[0].Path] = "truncate"
	// The same attachment under two URLs: B's second report links its own
	// file and, under a mirror path, the first report's.
	first := b.reports[0].Files[0]
	b.reports[1].Files = append(b.reports[1].Files, File{Path: strings.Replace(first.Path, "/files/", "/mirror/", 1), Name: first.Name, Body: first.Body})
	// A report under a path robots.txt forbids.
	a.reports[3].Title += "（内部）"
	c.pinned = lookAlikes()
	p.A = httptest.NewServer(p.handler(a))
	p.B = httptest.NewServer(p.handler(b))
	p.C = httptest.NewServer(p.handler(c))
	return p
}

// lookAlikes are site C's first page: nothing on it is a report.
func lookAlikes() []*Report {
	form := XLSX("2023年度部门整体支出绩效自评表\n单位名称（盖章）：\n年度预算数：x万元\n全年执行数：x万元\n预算执行率：x%\n年度总体目标完成情况：\n自评得分：　　分\n填表人：　　　联系电话：")
	return []*Report{
		{ID: 9001, Title: "关于开展2023年度部门整体支出绩效自评工作的通知", Published: "2024-02-20",
			LookAlike: "a notice; its attachment is a blank form",
			Files:     []File{{Path: "/upload/fj/zpb2023.xlsx", Name: "附件：2023年度部门整体支出绩效自评表.xlsx", Body: form}}},
		{ID: 9002, Title: "部门整体支出绩效自评报告编制指引", Published: "2024-02-18",
			LookAlike: "a guide (编制指引)",
			Page: "部门整体支出绩效自评报告编制指引\n一、报告框架：基本情况、绩效目标完成情况、偏差原因及改进措施。\n" +
				"二、填报要求：预算执行率＝全年执行数÷全年预算数×100%，金额以万元为单位，保留两位小数。\n" +
				"三、自评得分90分（含）以上为优，80（含）至90分为良。\n"},
		{ID: 9003, Title: "2024年青山县县级部门预算公开", Published: "2024-02-10", LookAlike: "not about self-evaluation"},
	}
}

// Close stops the sites.
func (p *Portal) Close() {
	p.A.Close()
	p.B.Close()
	p.C.Close()
}

// Hits returns the requests received so far, in order.
func (p *Portal) Hits() []Hit {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Hit(nil), p.hits...)
}

// ResetHits forgets the request log (between runs).
func (p *Portal) ResetHits() {
	p.mu.Lock()
	p.hits = nil
	p.mu.Unlock()
}

// Reports returns every published report of a site, newest first.
func (p *Portal) Reports(siteName string) []Report {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Report
	for _, r := range p.sites[siteName].reports {
		out = append(out, *r)
	}
	return out
}

// LookAlikes returns the items of a site that are not reports.
func (p *Portal) LookAlikes(siteName string) []Report {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Report
	for _, r := range p.sites[siteName].pinned {
		out = append(out, *r)
	}
	return out
}

// Publish adds a new report at the top of a site's first list page.
func (p *Portal) Publish(siteName string) Report {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.sites[siteName]
	r := p.newReport(siteName)
	s.reports = append([]*Report{r}, s.reports...)
	s.mod = s.mod.Add(time.Hour)
	return *r
}

// Files returns every distinct report attachment served, by sha256
// (look-alikes' attachments aside).
func (p *Portal) Files() map[string]File {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[string]File{}
	for _, s := range p.sites {
		for _, r := range s.reports {
			if hidden(s.name, r) {
				continue // behind robots.txt
			}
			for _, f := range r.Files {
				sum := sha256.Sum256(f.Body)
				out[hex.EncodeToString(sum[:])] = f
			}
		}
	}
	return out
}

// ListURL is a site's first list page, the one URL a config needs.
func (p *Portal) ListURL(siteName string) string {
	switch siteName {
	case "A":
		return p.A.URL + "/xxgk/jxpj/index.html"
	case "B":
		return p.B.URL + "/col/jx/index.html"
	}
	return p.C.URL + "/gk/list.html"
}

// DetailPath is where a site serves an item's detail page.
func DetailPath(siteName string, id int) string { return detailPath(siteName, id) }

func detailPath(siteName string, id int) string {
	switch siteName {
	case "A":
		return fmt.Sprintf("/xxgk/jxpj/t%d.html", id)
	case "B":
		return fmt.Sprintf("/art/%d.html", id)
	}
	return fmt.Sprintf("/gk/%d.html", id)
}

// listLink is how a list page links a report: B goes through a redirector.
func listLink(siteName string, id int, hidden bool) string {
	switch {
	case siteName == "A" && hidden:
		return fmt.Sprintf("private/t%d.html", id)
	case siteName == "A":
		return fmt.Sprintf("t%d.html", id) // relative to /xxgk/jxpj/
	case siteName == "B":
		return fmt.Sprintf("/go?id=%d", id)
	}
	return fmt.Sprintf("%d.html", id)
}

// hidden says whether a report is listed under the path robots.txt forbids.
func hidden(siteName string, r *Report) bool {
	return siteName == "A" && strings.HasSuffix(r.Title, "（内部）")
}

// Hidden is the report of site A that robots.txt forbids.
func (p *Portal) Hidden() Report {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range p.sites["A"].reports {
		if hidden("A", r) {
			return *r
		}
	}
	return Report{}
}

var (
	orgs = []string{"青山县民政局", "青山县农业农村局", "青山县财政局", "青山县教育局", "青山县卫生健康局", "青山县交通运输局"}
	// Project names long enough that a title cut to 24 characters loses
	// the words that say it is a self-evaluation report.
	subjects = []string{"部门整体支出", "义务教育薄弱环节改善与能力提升补助资金项目支出", "高标准农田建设项目支出", "城乡居民最低生活保障资金项目支出"}
)

// newReport builds report N with its attachments: A serves text, B
// alternates DOCX and XLSX, C serves PDF behind a download redirector.
func (p *Portal) newReport(siteName string) *Report {
	id := p.next
	p.next++
	org := orgs[id%len(orgs)]
	r := &Report{ID: id, Title: fmt.Sprintf("%s%d年度%s绩效自评报告", org, 2020+id%4, subjects[id%len(subjects)]),
		Published: fmt.Sprintf("2024-%02d-%02d", 1+id/28%12, 1+id%28)}
	// Each attachment is marked with its number, so that every file is
	// distinct. A .txt keeps its text's own encoding (GBK samples stay GBK);
	// the Office formats hold UTF-8.
	raw := p.opts.Texts[id%len(p.opts.Texts)]
	mark := fmt.Sprintf("\n（公开编号：JX-%s-%04d）\n", siteName, id)
	text := raw
	if !utf8.Valid(raw) {
		if u, err := simplifiedchinese.GB18030.NewDecoder().Bytes(raw); err == nil {
			text = u
		}
	}
	text = append(append([]byte{}, text...), mark...)
	switch siteName {
	case "A":
		body := text
		if !utf8.Valid(raw) {
			body = append(append([]byte{}, raw...), gbk(mark)...)
		}
		r.Files = []File{{Path: fmt.Sprintf("/xxgk/jxpj/files/P0%d.txt", id), Name: r.Title + ".txt", Body: body}}
	case "B":
		if id%2 == 0 {
			body := XLSX(string(text))
			if p.opts.XLSX != nil {
				body = withPart(p.opts.XLSX, mark)
			}
			r.Files = []File{{Path: fmt.Sprintf("/files/%d.xlsx", id), Name: "绩效自评表.xlsx", Body: body}}
		} else {
			body := DOCX(string(text))
			if p.opts.DOCX != nil {
				body = withPart(p.opts.DOCX, mark)
			}
			r.Files = []File{{Path: fmt.Sprintf("/files/%d.docx", id), Name: "自评报告.docx", Body: body}}
		}
	case "C":
		body := PDF(fmt.Sprintf("JX-C-%04d", id))
		if p.opts.PDF != nil {
			body = append(append([]byte{}, p.opts.PDF...), fmt.Sprintf("%%JX-C-%04d\n", id)...)
		}
		r.Files = []File{{Path: fmt.Sprintf("/upload/%d.pdf", id), Name: r.Title + ".pdf", Body: body}}
	}
	return r
}

func (p *Portal) handler(s *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: 200}
		hit := Hit{At: time.Now(), Site: s.name, Host: r.Host, Path: r.URL.RequestURI(),
			IfNoneMatch: r.Header.Get("If-None-Match"), IfModifiedSince: r.Header.Get("If-Modified-Since"), UserAgent: r.UserAgent()}
		if p.opts.Slow > 0 {
			time.Sleep(p.opts.Slow)
		}
		p.serve(s, rec, r)
		hit.Status = rec.status
		p.mu.Lock()
		p.hits = append(p.hits, hit)
		p.mu.Unlock()
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func gbk(s string) []byte {
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(err)
	}
	return b
}

func etagOf(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}

// serve answers one request under the portal's lock for its state, but
// sleeps (hang, slow) outside it.
func (p *Portal) serve(s *site, w *statusRecorder, r *http.Request) {
	p.mu.Lock()
	fault := s.faults[r.URL.RequestURI()]
	delete(s.faults, r.URL.RequestURI())
	body, ctype, lastMod, redirect, status := p.content(s, r)
	p.mu.Unlock()

	switch fault {
	case "hang":
		w.status = 0 // no response: the client gave up
		select {
		case <-time.After(p.opts.Hang):
		case <-r.Context().Done():
		}
		return
	case "503":
		w.Header().Set("Retry-After", strconv.Itoa(p.opts.RetryAfter))
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	case "truncate":
		// Declare the full length, send half, and hang up.
		hj, ok := w.ResponseWriter.(http.Hijacker)
		if !ok {
			panic("no hijacker")
		}
		conn, buf, err := hj.Hijack()
		if err != nil {
			return
		}
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", ctype, len(body))
		buf.Write(body[:len(body)/2])
		buf.Flush()
		conn.Close()
		w.status = 0 // not a complete response
		return
	}
	switch {
	case redirect != "":
		http.Redirect(w, r, redirect, status)
		return
	case status != 200:
		http.Error(w, http.StatusText(status), status)
		return
	}
	w.Header().Set("Content-Type", ctype)
	if !lastMod.IsZero() {
		// Site B's list pages: Last-Modified only, no ETag.
		w.Header().Set("Last-Modified", lastMod.Format(http.TimeFormat))
		if t, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil && !lastMod.After(t) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	} else {
		tag := etagOf(body)
		w.Header().Set("ETag", tag)
		if r.Header.Get("If-None-Match") == tag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

// content routes a request; called with p.mu held.
func (p *Portal) content(s *site, r *http.Request) (body []byte, ctype string, lastMod time.Time, redirect string, status int) {
	path := r.URL.Path
	if path == "/robots.txt" {
		switch s.name {
		case "A":
			return []byte(fmt.Sprintf("# fake portal A\nUser-agent: *\nDisallow: /xxgk/jxpj/private/\nCrawl-delay: %g\n", p.opts.CrawlDelay.Seconds())), "text/plain", time.Time{}, "", 200
		case "B":
			// Our own group allows what * forbids: the specific group wins.
			return []byte("User-agent: *\nDisallow: /\n\nUser-agent: zipin-harvest\nDisallow: /admin/\nAllow: /\n"), "text/plain", time.Time{}, "", 200
		}
		return []byte("User-agent: *\nDisallow: /admin/\n"), "text/plain", time.Time{}, "", 200
	}
	// List pages.
	if page, ok := listPage(s.name, r); ok {
		b, ok := p.listHTML(s, page)
		if !ok {
			return nil, "", time.Time{}, "", 404
		}
		ct := "text/html" // A: the charset is only in <meta>
		if s.name != "A" {
			ct = "text/html; charset=GBK"
		}
		if s.name == "B" {
			lastMod = s.mod
		}
		return b, ct, lastMod, "", 200
	}
	if s.name == "B" && path == "/go" {
		return nil, "", time.Time{}, detailPath("B", atoi(r.URL.Query().Get("id"))), http.StatusFound
	}
	if s.name == "C" && path == "/download" {
		return nil, "", time.Time{}, fmt.Sprintf("/upload/%d.pdf", atoi(r.URL.Query().Get("file"))), http.StatusMovedPermanently
	}
	if s.name == "C" && path == "/gk/rss.xml" {
		return p.rss(s), "application/rss+xml", time.Time{}, "", 200
	}
	for _, rep := range append(append([]*Report{}, s.pinned...), s.reports...) {
		if path == detailPath(s.name, rep.ID) || path == "/xxgk/jxpj/private/t"+strconv.Itoa(rep.ID)+".html" {
			return gbk(p.detailHTML(s, rep)), "text/html; charset=GBK", time.Time{}, "", 200
		}
		for _, f := range rep.Files {
			if path == f.Path {
				return f.Body, mimeOf(f.Path), time.Time{}, "", 200
			}
		}
	}
	return nil, "", time.Time{}, "", 404
}

func mimeOf(p string) string {
	switch {
	case strings.HasSuffix(p, ".pdf"):
		return "application/pdf"
	case strings.HasSuffix(p, ".docx"):
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case strings.HasSuffix(p, ".xlsx"):
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/plain; charset=utf-8"
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// listPage recognises a site's list page URLs and returns the page number
// (1 for the first).
func listPage(siteName string, r *http.Request) (int, bool) {
	path := r.URL.Path
	var n int
	switch siteName {
	case "A":
		if path == "/xxgk/jxpj/index.html" {
			return 1, true
		}
		if _, err := fmt.Sscanf(path, "/xxgk/jxpj/index_%d.html", &n); err == nil {
			return n, true
		}
	case "B": // TRS: index.html, then index_1.html for the second page
		if path == "/col/jx/index.html" {
			return 1, true
		}
		if _, err := fmt.Sscanf(path, "/col/jx/index_%d.html", &n); err == nil && n > 0 {
			return n + 1, true
		}
	case "C":
		if path == "/gk/list.html" {
			return 1, true
		}
		if _, err := fmt.Sscanf(path, "/gk/list_%d.html", &n); err == nil {
			return n, true
		}
	}
	return 0, false
}

// cut is how site A's list shows a long title: 24 characters and "...".
func cut(title string) string {
	r := []rune(title)
	if len(r) <= 24 {
		return title
	}
	return string(r[:24]) + "..."
}

func (p *Portal) listHTML(s *site, page int) ([]byte, bool) {
	per := p.opts.PerPage
	items := append(append([]*Report{}, s.pinned...), s.reports...)
	pages := (len(items) + per - 1) / per
	if page < 1 || page > pages {
		return nil, false
	}
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>预决算公开 绩效评价_` + SiteName + `</title></head><body>`)
	b.WriteString(`<div class="nav"><a href="/">首页</a> <a href="/about.html">关于本站</a> <a href="/notice/1.html">国库集中支付公告</a></div><ul class="list">`)
	for i := (page - 1) * per; i < min(page*per, len(items)); i++ {
		rep := items[i]
		href := listLink(s.name, rep.ID, hidden(s.name, rep))
		switch {
		case s.name == "A" && i == 4:
			// Cut, and no title attribute: only the detail page says
			// what this is.
			fmt.Fprintf(&b, "<li><a href=\"%s\" target=\"_blank\">%s</a><span>%s</span></li>\n", href, cut(rep.Title), rep.Published)
		case s.name == "A":
			fmt.Fprintf(&b, "<li><a href=\"%s\" title=\"%s\" target=\"_blank\">%s</a><span>%s</span></li>\n", href, rep.Title, cut(rep.Title), rep.Published)
		default:
			fmt.Fprintf(&b, "<li><span class=\"date\">[%s]</span> <a href=\"%s\">%s</a></li>\n", rep.Published, href, rep.Title)
		}
	}
	b.WriteString(`</ul><div class="page">`)
	switch s.name {
	case "A":
		// The next link stays on the last page, leading to a 404, as on
		// many TRS sites.
		fmt.Fprintf(&b, `<a href="index.html">首页</a> <a href="index_%d.html">下一页</a> <a href="index_%d.html">尾页</a>`, page+1, pages)
	case "B":
		fmt.Fprintf(&b, `<script language="JavaScript">var currentPage = %d; var countPage = %d;
createPageHTML(%d, %d, "index", "html");</script>`, page-1, pages, pages, page-1)
	case "C":
		for n := 1; n <= pages; n++ {
			switch {
			case n == page:
				fmt.Fprintf(&b, ` <span class="cur">%d</span>`, n)
			case n == 1:
				b.WriteString(` <a href="list.html">1</a>`)
			default:
				fmt.Fprintf(&b, ` <a href="list_%d.html">%d</a>`, n, n)
			}
		}
	}
	b.WriteString(`</div></body></html>`)
	return gbk(b.String()), true
}

func (p *Portal) detailHTML(s *site, rep *Report) string {
	var b strings.Builder
	title := rep.Title
	if s.name == "A" {
		title += "_" + SiteName
	}
	fmt.Fprintf(&b, `<html><head><meta charset="gbk"><meta name="PubDate" content="%s 09:30"><title>%s</title></head><body><h1>%s</h1><div class="info">发布时间：%s</div>`,
		rep.Published, title, rep.Title, rep.Published)
	if rep.Page != "" {
		for _, line := range strings.Split(strings.TrimSpace(rep.Page), "\n") {
			fmt.Fprintf(&b, "<p>%s</p>", line)
		}
	} else if len(rep.Files) == 0 {
		fmt.Fprintf(&b, `<p>%s</p>`, rep.Title)
	} else {
		fmt.Fprintf(&b, `<p>根据预算绩效管理要求，现将%s公开如下。</p>`, rep.Title)
	}
	if len(rep.Files) > 0 {
		b.WriteString(`<div class="attach">附件：`)
	}
	for _, f := range rep.Files {
		href := f.Path
		if s.name == "C" && strings.HasSuffix(f.Path, ".pdf") {
			href = "/download?file=" + strings.TrimSuffix(strings.TrimPrefix(f.Path, "/upload/"), ".pdf")
		}
		fmt.Fprintf(&b, `<p><a href="%s">%s</a></p>`, href, f.Name)
	}
	if len(rep.Files) > 0 {
		b.WriteString(`</div>`)
	}
	b.WriteString(`<a href="javascript:window.print()">打印</a> <a href="#top">顶部</a></body></html>`)
	return b.String()
}

func (p *Portal) rss(s *site) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="gb2312"?><rss version="2.0"><channel><title>绩效评价</title>`)
	for _, rep := range s.reports {
		fmt.Fprintf(&b, "<item><title>%s</title><link>%s</link></item>", rep.Title, detailPath(s.name, rep.ID))
	}
	b.WriteString(`</channel></rss>`)
	return gbk(b.String())
}

// DOCX builds a minimal Word package holding text, one paragraph a line.
func DOCX(text string) []byte {
	var body strings.Builder
	for _, line := range strings.Split(text, "\n") {
		fmt.Fprintf(&body, `<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>`, xmlEscape(line))
	}
	return zipOf(map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"_rels/.rels":         `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
		"word/document.xml":   `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body.String() + `</w:body></w:document>`,
	})
}

// XLSX builds a minimal workbook with one sheet, one inline-string cell a line.
func XLSX(text string) []byte {
	var rows strings.Builder
	for i, line := range strings.Split(text, "\n") {
		fmt.Fprintf(&rows, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>%s</t></is></c></row>`, i+1, i+1, xmlEscape(line))
	}
	return zipOf(map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="自评表" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml":   `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + rows.String() + `</sheetData></worksheet>`,
	})
}

// PDF builds a minimal one-page PDF showing an ASCII label (the standard
// fonts carry no CJK; the content only needs to be a valid, distinct PDF).
func PDF(label string) []byte {
	stream := fmt.Sprintf("BT /F1 12 Tf 72 720 Td (%s) Tj ET", label)
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// withPart copies a zip package and adds a part holding mark, which Office
// readers ignore, so that each copy has its own bytes.
func withPart(pkg []byte, mark string) []byte {
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		panic(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			panic(err)
		}
	}
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "docProps/zipin-portaltest.txt", Method: zip.Store, Modified: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)})
	w.Write([]byte(mark))
	zw.Close()
	return buf.Bytes()
}

func zipOf(files map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		// A fixed time, so the same text always gives the same bytes.
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate, Modified: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)})
		w.Write([]byte(files[n]))
	}
	zw.Close()
	return buf.Bytes()
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
