package review

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"zipin/schema"
)

// CheckLoopback refuses an address that is not on the loopback: the page
// shows the whole dataset, and the server has no authentication.
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%w: %q: %v (want HOST:PORT, such as 127.0.0.1:8080)", ErrNotLoopback, addr, err)
	}
	if host == "" {
		return fmt.Errorf("%w: %q would listen on every interface; use 127.0.0.1%s", ErrNotLoopback, addr, addr)
	}
	if !loopbackHost(host) {
		return fmt.Errorf("%w: %q is not a loopback address (127.0.0.1, [::1] or localhost)", ErrNotLoopback, addr)
	}
	return nil
}

// loopbackHost says whether host names the loopback: a loopback IP, or
// localhost.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// Handler serves the document list at / and each review page at
// /doc/DOC_ID, and takes corrections at POST /doc/DOC_ID/corrections. Each
// Handler has its own random token, which the pages it serves carry in
// their forms and a correction must bring back.
func Handler(d *Data) http.Handler {
	var raw [16]byte
	_, _ = rand.Read(raw[:])
	token := hex.EncodeToString(raw[:])
	mux := http.NewServeMux()
	mux.HandleFunc("POST /doc/{id}/corrections", func(w http.ResponseWriter, r *http.Request) {
		if why := crossSite(r); why != "" {
			http.Error(w, "zipin review refuses this correction: "+why, http.StatusForbidden)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if subtle.ConstantTimeCompare([]byte(r.PostFormValue("token")), []byte(token)) != 1 {
			http.Error(w, "zipin review refuses this correction: it does not carry this session's token (reload the page)", http.StatusForbidden)
			return
		}
		doc := pathDoc(w, r, d)
		if doc == nil {
			return
		}
		target, anchor := r.PostFormValue("target"), ""
		if seq := strings.TrimSpace(r.PostFormValue("fact")); seq != "" {
			target, anchor = "fact:"+seq, "#fact-reviews"
		} else {
			anchor = "#field-" + target
		}
		c, err := NewCorrection(doc, target, r.PostFormValue("action"), r.PostFormValue("value"), r.PostFormValue("note"), r.PostFormValue("reviewer"), time.Now())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if err := d.Correct(c); err != nil {
			http.Error(w, err.Error(), http.StatusConflict)
			return
		}
		http.Redirect(w, r, "/doc/"+url.PathEscape(doc.Report.DocID)+anchor, http.StatusSeeOther)
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		f := filterFrom(r.URL.Query())
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		counts, err := d.FactCounts()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if err := listTmpl.Execute(w, listView(d, f, counts)); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	mux.HandleFunc("GET /doc/{id}", func(w http.ResponseWriter, r *http.Request) {
		doc := pathDoc(w, r, d)
		if doc == nil {
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if err := renderPage(w, doc, "/", token); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	mux.HandleFunc("GET /doc/{id}/original", func(w http.ResponseWriter, r *http.Request) {
		doc := pathDoc(w, r, d)
		if doc == nil {
			return
		}
		serveOriginal(w, r, doc.Report)
	})
	return hostGuard(mux)
}

// pathDoc is the document the request's {id} names. When there is none it
// answers 404, when it cannot be read 500, and returns nil: the caller then
// has nothing more to write.
func pathDoc(w http.ResponseWriter, r *http.Request, d *Data) *Doc {
	doc, err := d.Doc(r.PathValue("id"))
	if errors.Is(err, ErrNoDocument) {
		http.NotFound(w, r)
		return nil
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return nil
	}
	return doc
}

// serveOriginal sends the file a report was read from, as recorded in
// reports.source. A PDF opens in the browser; any other format (HTML above
// all, which would run on this origin) is a download.
func serveOriginal(w http.ResponseWriter, r *http.Request, rep schema.Report) {
	f, err := os.Open(rep.Source)
	if err != nil {
		http.Error(w, fmt.Sprintf("the original %s cannot be opened here: %v", rep.Source, err), http.StatusNotFound)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		http.Error(w, fmt.Sprintf("the original %s is not a file", rep.Source), http.StatusNotFound)
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	name := filepath.Base(rep.Source)
	if rep.Format == "pdf" {
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": name}))
	} else {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	}
	http.ServeContent(w, r, "", st.ModTime(), f)
}

// crossSite says why a request that writes did not come from a page of
// this server, or "" when it did: a browser names the requesting site in
// Sec-Fetch-Site and its origin in Origin; a client that sends neither
// (curl) is judged by the token alone.
func crossSite(r *http.Request) string {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
		return "Sec-Fetch-Site is " + site
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Scheme != "http" || u.Host != r.Host {
			return "Origin " + o + " is not this server (" + r.Host + ")"
		}
	}
	return ""
}

// hostGuard answers only requests addressed to the loopback by name or IP,
// so that a web page cannot reach the server through DNS rebinding.
func hostGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		if !loopbackHost(host) {
			http.Error(w, "zipin review answers loopback addresses only", http.StatusForbidden)
			return
		}
		// The page's one script is allowed by its hash, never 'unsafe-inline'.
		// Its forms post only here, and no other site may frame it (a framed
		// page could be clicked into saving a correction).
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; script-src "+ScriptCSP()+
			"; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		w.Header().Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// Serve listens on addr, which must be a loopback address, until ctx ends.
// ready, if not nil, receives the address actually listened on.
func Serve(ctx context.Context, addr string, d *Data, ready func(addr string)) error {
	if err := CheckLoopback(addr); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("review: %w", err)
	}
	// localhost could resolve off the loopback in a strange hosts file.
	if ta, ok := ln.Addr().(*net.TCPAddr); !ok || !ta.IP.IsLoopback() {
		ln.Close()
		return fmt.Errorf("%w: %s resolved to %s", ErrNotLoopback, addr, ln.Addr())
	}
	srv := &http.Server{Handler: Handler(d), ReadHeaderTimeout: 10 * time.Second}
	if ready != nil {
		ready(ln.Addr().String())
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("review: %w", err)
	case <-ctx.Done():
		// Browsers keep speculative connections open that Shutdown would
		// wait for; after a short grace period they are closed outright.
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			srv.Close()
		}
		if e := <-done; !errors.Is(e, http.ErrServerClosed) {
			return fmt.Errorf("review: %w", e)
		}
		return nil
	}
}

// filter is the list page's selection.
type filter struct {
	Org      string // part of the organization's name
	Year     string // a year, "none" for NULL, or empty for all
	Kind     string
	Warnings string // "yes", "no" or empty
}

func filterFrom(q url.Values) filter {
	return filter{
		Org:      strings.TrimSpace(q.Get("org")),
		Year:     strings.TrimSpace(q.Get("year")),
		Kind:     q.Get("kind"),
		Warnings: q.Get("warnings"),
	}
}

// filterRules are the list's filters, each true when a report passes.
var filterRules = []func(f filter, r schema.Report) bool{
	func(f filter, r schema.Report) bool {
		return f.Org == "" || strings.Contains(deref(r.Organization), f.Org)
	},
	func(f filter, r schema.Report) bool {
		switch f.Year {
		case "":
			return true
		case "none":
			return r.FiscalYear == nil
		}
		y, err := strconv.Atoi(f.Year)
		return err == nil && r.FiscalYear != nil && int(*r.FiscalYear) == y
	},
	func(f filter, r schema.Report) bool { return f.Kind == "" || r.Kind == f.Kind },
	func(f filter, r schema.Report) bool {
		switch f.Warnings {
		case "yes":
			return len(r.Warnings) > 0
		case "no":
			return len(r.Warnings) == 0
		}
		return true
	},
}

func (f filter) keep(r schema.Report) bool {
	for _, rule := range filterRules {
		if !rule(f, r) {
			return false
		}
	}
	return true
}

type listRow struct {
	DocID, Title, Organization, Year, Kind, Budget, Rate, Source string
	SourceURL, Published                                         string // from the harvest, when harvested
	Facts, Warnings                                              int
}

type listPage struct {
	Filter       filter
	Rows         []listRow
	Total        int
	Years, Kinds []string
	Dir          string
}

func listView(d *Data, f filter, facts map[string]int) listPage {
	p := listPage{Filter: f, Total: len(d.Reports), Dir: d.Dir}
	years, kinds := map[string]bool{}, map[string]bool{}
	for _, r := range d.Reports {
		y := "none"
		if r.FiscalYear != nil {
			y = itoa(*r.FiscalYear)
		}
		if !years[y] {
			years[y] = true
			p.Years = append(p.Years, y)
		}
		if !kinds[r.Kind] {
			kinds[r.Kind] = true
			p.Kinds = append(p.Kinds, r.Kind)
		}
		if !f.keep(r) {
			continue
		}
		budget, _ := moneyField(r.BudgetYuan)
		rate, _ := floatField(r.ExecutionRate, "%")
		p.Rows = append(p.Rows, listRow{
			DocID: r.DocID, Title: r.Title, Organization: deref(r.Organization), Year: y, Kind: r.Kind,
			Budget: budget, Rate: rate, Source: r.Source, Facts: facts[r.DocID], Warnings: len(r.Warnings),
			SourceURL: deref(r.SourceURL),
		})
		if o, ok := d.origins[r.DocID]; ok {
			row := &p.Rows[len(p.Rows)-1]
			row.SourceURL = cmp.Or(row.SourceURL, o.SourceURL, o.FinalURL)
			row.Published = o.Published
		}
	}
	slices.Sort(p.Years)
	slices.Sort(p.Kinds)
	return p
}

var listTmpl = template.Must(template.Must(tmpl.Clone()).New("list").Parse(`<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>zipin review · {{len .Rows}} documents</title>{{template "style" .}}</head>
<body><header><h1>zipin review</h1><div class="meta">{{.Dir}} · {{len .Rows}} of {{.Total}} documents</div></header>
<main><section class="box"><form method="get" action="/">
<label>organization <input name="org" value="{{.Filter.Org}}" placeholder="part of the name"></label>
<label>year <select name="year"><option value="">all</option>{{range .Years}}<option{{if eq . $.Filter.Year}} selected{{end}}>{{.}}</option>{{end}}</select></label>
<label>kind <select name="kind"><option value="">all</option>{{range .Kinds}}<option{{if eq . $.Filter.Kind}} selected{{end}}>{{.}}</option>{{end}}</select></label>
<label>warnings <select name="warnings"><option value="">any</option><option value="yes"{{if eq .Filter.Warnings "yes"}} selected{{end}}>with warnings</option><option value="no"{{if eq .Filter.Warnings "no"}} selected{{end}}>without</option></select></label>
<button type="submit">filter</button> <a href="/">clear</a></form></section>
<section class="box"><table id="documents"><tr><th>title</th><th>organization</th><th>year</th><th>kind</th><th>budget</th><th>rate</th><th>facts</th><th>warnings</th></tr>
{{range .Rows}}<tr class="doc" data-doc="{{.DocID}}"><td><a href="/doc/{{.DocID}}">{{.Title}}</a><br><small style="color:#777">{{if .SourceURL}}<a class="source-url" href="{{.SourceURL}}" rel="noreferrer noopener" target="_blank">{{.SourceURL}}</a>{{else}}{{.Source}}{{end}}{{if .Published}} · published <span class="published">{{.Published}}</span>{{end}}</small></td><td>{{.Organization}}</td><td>{{.Year}}</td><td>{{.Kind}}</td><td>{{.Budget}}</td><td>{{.Rate}}</td><td>{{.Facts}}</td><td{{if .Warnings}} class="warn"{{end}}>{{.Warnings}}</td></tr>
{{end}}</table></section></main></body></html>`))
