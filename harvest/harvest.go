// Package harvest collects newly published reports from government portals:
// it pages through list pages and feeds, fetches detail pages and their
// attachments politely and incrementally, keeps every original for audit,
// and ingests the new ones into the dataset, or enqueues them for the
// workers of a shared job queue (package queue).
package harvest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"zipin/catalog"
	"zipin/extract"
	"zipin/pipeline"
	"zipin/queue"
	"zipin/version"
)

// Options configure one run.
type Options struct {
	Config *Config
	// Out is the dataset folder, which holds the harvester's catalog and
	// lock. With Catalog it may be s3://bucket/prefix (where the workers
	// write, for the record): the catalog and lock are then in Data.
	Out  string
	Data string // originals go under Data/originals; Out when empty
	// Catalog, if set, is the shared job queue and catalog (queue.Open:
	// postgres://…, sqlite:PATH or a path). The originals not yet
	// enqueued are enqueued there, one job per document, for zipin worker
	// to extract; the run ingests nothing itself.
	Catalog  string
	DryRun   bool // fetch list pages, report what would be fetched, store nothing
	MaxPages int  // if > 0, caps every source's max_pages
	// Sweep pages through every list to its end, as a first run does,
	// instead of stopping at the first known link.
	Sweep bool
	// IngestTimeout is the time budget of one document in the pipeline.
	IngestTimeout time.Duration
	Log           *slog.Logger
	// Transport, if set, makes the HTTP requests (a proxy, a request log).
	Transport http.RoundTripper
}

// Summary is what a run did.
type Summary struct {
	Pages       int // list pages and feeds requested
	New         int // originals stored for the first time
	Unchanged   int // 304 answers, and files whose content was already kept
	Duplicates  int // of Unchanged: the same content under another URL
	Failed      int // URLs that could not be fetched or stored this run
	Disallowed  int // links robots.txt forbids; recorded, never fetched
	Skipped     int // links whose title says they are not reports (exclude_pattern, a probed detail page)
	LookAlikes  int // documents kept but not ingested: their content is no report (a notice, a blank form)
	Ingested    int // documents the pipeline wrote
	Quarantined int // documents the pipeline could not read
	// Enqueued counts the jobs added to the shared queue (with
	// Options.Catalog); AlreadyQueued the originals the queue held
	// already (a run killed between enqueuing and recording it).
	Enqueued, AlreadyQueued int
	// Notes are what the run has to say beyond counts (a robots.txt too
	// large to read, so its host was not crawled).
	Notes []string
	// WouldFetch lists, in a dry run, the links a real run would fetch.
	WouldFetch []string
	Failures   []Failure
	Ingest     *pipeline.Summary
}

// Failure is one URL that failed, and why.
type Failure struct {
	Source, URL string
	Err         error
}

// maxURLAttempts bounds how many runs retry a failing link before it is
// left for a human (it stays in harvest_urls with its last error).
const maxURLAttempts = 5

// Exit statuses of `zipin harvest`.
const (
	ExitOK      = 0
	ExitFailed  = 1 // some URLs failed or some documents were quarantined
	ExitConfig  = 2
	ExitRuntime = 3 // the run itself failed (disk, I/O, the catalog); what was stored stays
	// ExitRunning: another run holds the lock; nothing was done. 75 is
	// EX_TEMPFAIL (sysexits.h), "try again later", the same status
	// `zipin ingest` gives for a dataset another run is writing.
	ExitRunning = 75
)

// ExitCode maps a run's outcome to the command's exit status.
func ExitCode(sum *Summary, err error) int {
	var ce *ConfigError
	var le *LockedError
	switch {
	case errors.As(err, &ce):
		return ExitConfig
	case errors.As(err, &le):
		return ExitRunning
	case err != nil:
		return ExitRuntime
	case sum != nil && (sum.Failed > 0 || sum.Quarantined > 0):
		return ExitFailed
	}
	return ExitOK
}

// Run harvests every source in opts.Config, then ingests what is new.
func Run(ctx context.Context, opts Options) (sum *Summary, err error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if remote(opts.Out) {
		// The workers write there; the harvester's own record (its
		// catalog, its lock) stays in a folder of this machine.
		if opts.Catalog == "" || opts.Data == "" {
			return nil, fmt.Errorf("harvest: a dataset on object storage (%s) is written by the queue's workers: it needs Catalog, and Data for the originals and the harvester's catalog", opts.Out)
		}
		opts.Out = opts.Data
	}
	if opts.Data == "" {
		opts.Data = opts.Out
	}
	// The catalog records originals' paths; relative ones would break for a
	// run started from another folder (cron's is the home directory).
	if abs, err := filepath.Abs(opts.Data); err == nil {
		opts.Data = abs
	}
	r := &run{opts: opts, log: opts.Log, sum: &Summary{}, tried: map[string]bool{}}
	if opts.DryRun {
		if r.st, err = openStoreReadOnly(opts.Out); err != nil {
			return nil, err
		}
	} else {
		lock, err := AcquireLock(opts.Out)
		if err != nil {
			return nil, err
		}
		defer lock.Release()
		if r.st, err = OpenStore(opts.Out, opts.Data); err != nil {
			return nil, err
		}
		if err := r.st.removeTemps(); err != nil {
			r.st.Close()
			return nil, err
		}
	}
	if r.st != nil {
		defer r.st.Close()
	}
	var q *queue.Queue
	if opts.Catalog != "" && !opts.DryRun {
		// Opened before any fetching: an unreachable queue fails the run
		// at once (exit 3), not after an hour of crawling.
		if q, err = queue.Open(ctx, opts.Catalog); err != nil {
			return nil, err
		}
		defer q.Close()
		// The catalog's tables too (they share the database), so that
		// zipin status --catalog reads the queue before any worker ran;
		// it says what the workers made of what earlier runs enqueued.
		cat, err := catalog.OpenURL(ctx, opts.Catalog)
		if err != nil {
			return nil, err
		}
		defer cat.Close()
		if err := r.st.resolve(cat, r.log); err != nil {
			return nil, err
		}
	}
	var runID int64
	if !opts.DryRun {
		if runID, err = r.st.startRun(ctx); err != nil {
			return nil, err
		}
		defer func() { r.st.finishRun(runID, r.sum, ExitCode(r.sum, err)) }()
	}
	r.f = NewFetcher(opts.Config, opts.Log, opts.Transport)
	if r.st != nil {
		r.f.SetRobotsCache(r.st)
	}
	err = r.sources(ctx)
	r.sum.Notes = r.f.Notes()
	if err != nil {
		return r.sum, err
	}
	if opts.DryRun {
		return r.sum, nil
	}
	if q != nil {
		return r.sum, r.enqueue(ctx, q)
	}
	return r.sum, r.ingest(ctx)
}

// remote says whether a dataset is on object storage rather than a folder.
func remote(out string) bool { return strings.HasPrefix(out, "s3://") }

// sources walks the sources, those on one host one after the other (they
// share its rate), different hosts at once.
func (r *run) sources(ctx context.Context) error {
	var order []string
	byHost := map[string][]*Source{}
	for i := range r.opts.Config.Sources {
		s := &r.opts.Config.Sources[i]
		k := s.URL
		if u, err := url.Parse(s.URL); err == nil {
			k = hostKey(u)
		}
		if byHost[k] == nil {
			order = append(order, k)
		}
		byHost[k] = append(byHost[k], s)
	}
	errs := make([]error, len(order))
	var wg sync.WaitGroup
	for i, k := range order {
		wg.Go(func() {
			for _, s := range byHost[k] {
				if err := r.source(ctx, s); err != nil {
					errs[i] = fmt.Errorf("source %s: %w", s.Name, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return errors.Join(errs...)
}

type run struct {
	opts  Options
	log   *slog.Logger
	st    *Store // nil in a dry run without a catalog
	f     *Fetcher
	sum   *Summary
	mu    sync.Mutex      // guards sum and tried: sources on different hosts run at once
	tried map[string]bool // links attempted this run, so a failure is not retried in a loop
}

// count updates the summary; sources on different hosts share it.
func (r *run) count(f func(s *Summary)) {
	r.mu.Lock()
	f(r.sum)
	r.mu.Unlock()
}

func (r *run) fail(s *Source, u string, err error) {
	r.count(func(sum *Summary) {
		sum.Failed++
		sum.Failures = append(sum.Failures, Failure{Source: s.Name, URL: u, Err: err})
	})
	r.log.Error("fetch failed", "source", s.Name, "url", u, "err", err)
}

// source walks one source: first what earlier runs left queued, then the
// list pages (or feed) from the newest. The first run, and a run after an
// interrupted one, sweep the whole list (up to max_pages); later runs stop
// at the first known link, and at the first page that brings nothing new.
// Only errors of the catalog itself are returned; fetch failures are counted.
func (r *run) source(ctx context.Context, s *Source) error {
	log := r.log.With("source", s.Name)
	if !r.opts.DryRun {
		if err := r.drain(ctx, s); err != nil {
			return err
		}
	}
	maxPages := s.MaxPages
	if r.opts.MaxPages > 0 {
		maxPages = min(maxPages, r.opts.MaxPages)
	}
	if s.Type == "feed" {
		maxPages = 1
	}
	sweep := true // a dry run looks at every page it is allowed
	if !r.opts.DryRun {
		done, err := r.st.StartSweep(s.Name)
		if err != nil {
			return err
		}
		if sweep = !done || r.opts.Sweep; sweep {
			log.Info("sweeping the whole list (first run, or the last sweep was interrupted)")
		}
	}
	idle := 0
	pageURL := s.URL
	seen := map[string]bool{}
	for n := 1; n <= maxPages && pageURL != "" && !seen[pageURL]; n++ {
		seen[pageURL] = true
		var prev PageState
		if r.st != nil {
			var err error
			if prev, _, err = r.st.Page(pageURL); err != nil {
				return err
			}
		}
		resp, err := r.f.Get(ctx, Request{URL: pageURL, ETag: prev.ETag, LastModified: prev.LastModified})
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			var fe *FetchError
			if n > 1 && errors.As(err, &fe) && (fe.Status == http.StatusNotFound || fe.Status == http.StatusGone) {
				// A next link on the last page, or a guessed page number:
				// the list ends here.
				log.Info("list ends: page past the last one is not found", "url", pageURL, "status", fe.Status)
				break
			}
			// The sweep stays unfinished, so the next run pages past here.
			r.fail(s, pageURL, err)
			return nil
		}
		r.count(func(sum *Summary) { sum.Pages++ })
		var next string
		var fresh []FoundLink
		known := false
		if resp.NotModified {
			r.count(func(sum *Summary) { sum.Unchanged++ })
			next = prev.NextURL
			log.Info("list page not modified", "url", pageURL, "page", n)
		} else {
			var found []FoundLink
			if s.Type == "feed" {
				found, err = feedLinks(s, resp)
			} else {
				found, next, err = listLinks(s, resp, n)
			}
			if err != nil {
				r.fail(s, pageURL, err) // as above: the sweep stays unfinished
				return nil
			}
			if fresh, known, err = r.record(ctx, s, pageURL, resp, next, found, !sweep); err != nil {
				return err
			}
			log.Info("list page", "url", pageURL, "page", n, "links", len(found), "new", len(fresh))
			if !r.opts.DryRun {
				if err := r.drain(ctx, s); err != nil {
					return err
				}
			}
		}
		if s.PageURL != "" {
			next = fillPageURL(s.PageURL, n+1)
		}
		if !sweep {
			if known {
				log.Info("stop paging: reached a link already known", "url", pageURL, "page", n)
				break
			}
			if len(fresh) == 0 {
				if idle++; idle >= s.StopAfter {
					log.Info("stop paging: nothing new", "url", pageURL, "page", n)
					break
				}
			} else {
				idle = 0
			}
		}
		pageURL = next
	}
	if r.opts.DryRun {
		return nil
	}
	return r.st.EndSweep(s.Name)
}

// record queues a page's links (storing nothing in a dry run) and returns
// those not seen before; see Store.SavePage for stopAtKnown.
func (r *run) record(ctx context.Context, s *Source, pageURL string, resp *Response, next string, found []FoundLink, stopAtKnown bool) ([]FoundLink, bool, error) {
	if !r.opts.DryRun {
		fresh, known, err := r.st.SavePage(s.Name, pageURL, resp, next, found, stopAtKnown)
		for _, l := range fresh {
			if l.Skip != "" {
				r.count(func(sum *Summary) { sum.Skipped++ })
				r.log.Info("skipped: not a report", "source", s.Name, "url", l.URL, "title", l.Title, "why", l.Skip)
			}
		}
		return fresh, known, err
	}
	var fresh []FoundLink
	for _, l := range found {
		known := false
		if r.st != nil {
			known, _ = r.st.Known(l.URL)
		}
		if known || l.Skip != "" {
			continue
		}
		// A real run would not fetch what robots.txt forbids.
		if u, err := url.Parse(l.URL); err != nil || !r.f.allowed(ctx, u) {
			continue
		}
		r.count(func(sum *Summary) {
			if !slices.Contains(sum.WouldFetch, l.URL) {
				fresh = append(fresh, l)
				sum.WouldFetch = append(sum.WouldFetch, l.URL)
			}
		})
	}
	return fresh, false, nil
}

// listLinks picks the report candidates of a list page, and its next page:
// a next-page link (下一页), else a TRS createPageHTML script, else the link
// numbered one past this page.
func listLinks(s *Source, resp *Response, n int) (found []FoundLink, next string, err error) {
	page, err := parsePage(resp.Body, resp.URL)
	if err != nil {
		return nil, "", err
	}
	numbered := ""
	for _, l := range page.Links {
		switch {
		case s.next.MatchString(l.Text) && l.URL != resp.URL:
			if next == "" {
				next = l.URL
			}
		case strings.Trim(l.Text, "[]【】 第页") == strconv.Itoa(n+1) && l.URL != resp.URL:
			if numbered == "" {
				numbered = l.URL
			}
		default:
			if f, ok := s.candidate(l, resp.URL); ok {
				found = append(found, f)
			}
		}
	}
	if next == "" {
		next = scriptNext(page.Scripts, resp.URL)
	}
	if next == "" {
		next = numbered
	}
	return found, next, nil
}

// candidate judges a list link by its title (and URL): a report candidate,
// one excluded by exclude_pattern (recorded as skipped), or, for a title cut
// short with no title attribute to complete it, a probe of its detail page.
func (s *Source) candidate(l Link, referrer string) (FoundLink, bool) {
	if l.URL == "" {
		return FoundLink{}, false
	}
	f := FoundLink{URL: l.URL, Kind: s.kindOf(l), Title: l.Text, Referrer: referrer, Published: l.Date}
	switch {
	case s.isReport(l):
		if s.exclude != nil && s.exclude.MatchString(l.Text) {
			f.Skip = "title matches exclude_pattern"
		}
		return f, true
	case l.Cut && f.Kind == "detail" && sameSite(l.URL, referrer):
		f.Kind = "probe"
		return f, true
	}
	return FoundLink{}, false
}

func sameSite(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && strings.EqualFold(ua.Host, ub.Host)
}

func feedLinks(s *Source, resp *Response) ([]FoundLink, error) {
	items, err := ParseFeed(resp.Body, resp.URL)
	if err != nil {
		return nil, err
	}
	var found []FoundLink
	for _, it := range items {
		l := Link{Text: it.Title, URL: it.Link}
		if !s.isReport(l) {
			continue
		}
		skip := ""
		if s.exclude != nil && s.exclude.MatchString(l.Text) {
			skip = "title matches exclude_pattern"
		}
		if it.Link != "" {
			found = append(found, FoundLink{URL: it.Link, Kind: s.kindOf(l), Title: it.Title, Referrer: resp.URL, Skip: skip})
		}
		for _, e := range it.Enclosures {
			if s.isAttachment(Link{URL: e}) {
				found = append(found, FoundLink{URL: e, Kind: "file", Title: it.Title, Referrer: resp.URL, Detail: it.Link, Skip: skip})
			}
		}
	}
	return found, nil
}

func (s *Source) isReport(l Link) bool {
	if l.URL == "" {
		return false
	}
	return s.title != nil && s.title.MatchString(l.Text) || s.urlRe != nil && s.urlRe.MatchString(l.URL)
}

// isAttachment judges by the URL's extension, or by the link text's, for
// portals that serve files from download.jsp?id=… with the name as text.
func (s *Source) isAttachment(l Link) bool {
	if s.exts[extOf(l.URL)] {
		return true
	}
	for _, e := range queryExts(l.URL) {
		if s.exts[e] {
			return true
		}
	}
	text := strings.ToLower(strings.TrimSpace(l.Text))
	return s.exts[strings.TrimPrefix(path.Ext(text), ".")]
}

func (s *Source) kindOf(l Link) string {
	if s.isAttachment(l) {
		return "file"
	}
	return "detail"
}

// drain fetches the source's queued links until none is left that was not
// tried in this run. Detail pages queue their attachments, hence the loop.
func (r *run) drain(ctx context.Context, s *Source) error {
	for {
		rows, err := r.st.Queue(s.Name, maxURLAttempts)
		if err != nil {
			return err
		}
		r.mu.Lock()
		rows = slices.DeleteFunc(rows, func(u URLRow) bool { return r.tried[u.URL] })
		for _, row := range rows {
			r.tried[row.URL] = true
		}
		r.mu.Unlock()
		if len(rows) == 0 {
			return nil
		}
		for _, row := range rows {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := r.fetch(ctx, s, row); err != nil {
				return err
			}
		}
	}
}

// fetch gets one queued link. A detail page queues its attachments; a file
// is kept. Fetch failures are recorded on the link, not returned.
func (r *run) fetch(ctx context.Context, s *Source, row URLRow) error {
	log := r.log.With("source", s.Name, "url", row.URL)
	resp, err := r.f.Get(ctx, Request{URL: row.URL, ETag: row.ETag, LastModified: row.LastModified, Referer: row.Referrer})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, ErrDisallowed) {
			// Not a failure: the portal asked us not to, and we will not
			// ask again on later runs.
			r.count(func(sum *Summary) { sum.Disallowed++ })
			log.Info("skipped: robots.txt disallows it")
			return r.st.Disallowed(row.URL, err)
		}
		r.fail(s, row.URL, err)
		return r.st.Fail(row.URL, err)
	}
	if resp.NotModified {
		// Only a link queued again after a partial run carries validators;
		// what it points at is kept already.
		r.count(func(sum *Summary) { sum.Unchanged++ })
		return r.st.Done(row.URL, resp)
	}
	if (row.Kind == "detail" || row.Kind == "probe") && isPage(resp) {
		page, err := parsePage(resp.Body, resp.URL)
		if err != nil {
			r.fail(s, row.URL, err)
			return r.st.Fail(row.URL, err)
		}
		// The detail page's own title is the report's full name; the list
		// may have cut it. Portals end it with their own name: drop that.
		if t := s.pageTitle(page, row.Title); t != "" && (row.Kind == "probe" || len([]rune(t)) >= len([]rune(row.Title))) {
			row.Title = t
		}
		row.Published = cmp.Or(row.Published, page.Published)
		if row.Kind == "probe" {
			why := ""
			switch {
			case !s.isReport(Link{Text: row.Title, URL: row.URL}):
				why = fmt.Sprintf("detail page title %q does not name a report", row.Title)
			case s.exclude != nil && s.exclude.MatchString(row.Title):
				why = "title matches exclude_pattern"
			}
			if why != "" {
				r.count(func(sum *Summary) { sum.Skipped++ })
				log.Info("skipped: not a report", "title", row.Title, "why", why)
				return r.st.Skipped(row.URL, why, resp)
			}
		}
		var atts []FoundLink
		for _, l := range page.Links {
			if s.isAttachment(l) {
				atts = append(atts, FoundLink{URL: l.URL, Kind: "file", Title: row.Title, Referrer: resp.URL, Published: row.Published, Detail: resp.URL})
			}
		}
		if len(atts) == 0 && s.htmlReports() && page.BodyRunes >= minPageReportRunes {
			row.Detail = resp.URL
			return r.keep(s, row, resp, log)
		}
		if len(atts) == 0 {
			log.Warn("detail page without attachments, and too little text to be the report itself", "characters", page.BodyRunes)
		}
		n, err := r.st.DoneDetail(s.Name, row, resp, atts)
		log.Info("detail page", "attachments", len(atts), "new", n)
		return err
	}
	// A file, or a "detail" link that redirected straight to a document.
	return r.keep(s, row, resp, log)
}

// pageTitle picks a detail page's own title among its <title> (without
// the site's name) and its <h1>, which on some portals is the site's
// banner: the one that continues what the list showed, else the one that
// names a report, else the longer.
func (s *Source) pageTitle(p *Page, listed string) string {
	stem := strings.TrimSpace(cutRe.ReplaceAllString(listed, ""))
	cands := []string{StripSiteName(p.Title), StripSiteName(p.H1)}
	for _, c := range cands {
		if stem != "" && c != "" && strings.HasPrefix(c, stem) {
			return c
		}
	}
	for _, c := range cands {
		if c != "" && s.isReport(Link{Text: c, URL: "x"}) {
			return c
		}
	}
	if len([]rune(cands[1])) > len([]rune(cands[0])) {
		return cands[1]
	}
	return cands[0]
}

func (r *run) keep(s *Source, row URLRow, resp *Response, log *slog.Logger) error {
	o, err := r.st.Keep(s, row, resp, fileExt(s, resp))
	if err != nil {
		return err
	}
	if o.New {
		r.count(func(sum *Summary) { sum.New++ })
		log.Info("stored", "sha256", o.SHA256, "bytes", len(resp.Body), "path", o.Path)
	} else {
		r.count(func(sum *Summary) { sum.Unchanged++; sum.Duplicates++ })
		log.Info("duplicate content, kept once", "sha256", o.SHA256)
	}
	return nil
}

// isPage says whether a response is an HTML page rather than a document.
func isPage(resp *Response) bool {
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err == nil && strings.Contains(mt, "html") {
		return true
	}
	return extract.Detect(resp.Body) == "html"
}

// fileExt names a kept original's extension: the URL's when it is one the
// source expects, else the attachment's file name, else from its bytes.
func fileExt(s *Source, resp *Response) string {
	if e := extOf(resp.URL); s.exts[e] || e == "html" || e == "htm" || e == "txt" {
		return e
	}
	if _, p, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
		if e := strings.ToLower(strings.TrimPrefix(path.Ext(p["filename"]), ".")); e != "" && s.exts[e] {
			return e
		}
	}
	if f := extract.Detect(resp.Body); f != "" {
		return string(f)
	}
	return "bin"
}

// minPageReportRunes is the least a detail page without attachments must
// say, in Chinese characters outside its links, to be kept as a report
// candidate: a page that says 见附件 (see the attachment) is not one.
const minPageReportRunes = 20

// ingest runs the pipeline over every original not yet ingested, including
// those a killed run stored but did not ingest.
func (r *run) ingest(ctx context.Context) error {
	paths, urls, err := r.st.ToIngest(version.Extractor)
	if err != nil || len(paths) == 0 {
		return err
	}
	r.log.Info("ingesting", "documents", len(paths), "out", r.opts.Out)
	isum, ierr := pipeline.Ingest(ctx, pipeline.Options{Out: r.opts.Out, SourceURLs: urls, Timeout: r.opts.IngestTimeout, Accept: AcceptReport}, paths)
	r.sum.Ingest = isum
	if isum != nil {
		for _, o := range isum.Outcomes {
			status := string(o.Status) // plus harvest's own "lookalike"
			if status == "skipped" && strings.HasPrefix(o.Reason, notReportPrefix) {
				status = "lookalike"
			}
			if err := r.st.Ingested(o.Source, status, o.Reason, version.Extractor); err != nil {
				return err
			}
			switch status {
			case "lookalike":
				r.sum.LookAlikes++
				r.log.Info("not ingested: not a report", "path", o.Source, "url", urls[o.Source], "why", o.Reason)
			case "ok":
				r.sum.Ingested++
			case "quarantined", "failed":
				r.sum.Quarantined++
				r.log.Warn("not ingested", "path", o.Source, "url", urls[o.Source], "status", o.Status, "reason", o.Reason)
			}
		}
	}
	if ierr != nil {
		return fmt.Errorf("ingest into %s: %w", r.opts.Out, ierr)
	}
	return nil
}

// enqueue adds a job per original not yet enqueued to the shared queue
// (including those a killed run stored but did not enqueue, and those an
// older extractor quarantined or judged no report), then records
// them as enqueued, in that order: a kill between the two enqueues them
// again next run, which the queue, unique per doc_id, counts as already
// queued. Workers see each original at the absolute path it is kept at.
func (r *run) enqueue(ctx context.Context, q *queue.Queue) error {
	docs, err := r.st.ToEnqueue(version.Extractor)
	if err != nil || len(docs) == 0 {
		return err
	}
	r.log.Info("enqueuing", "documents", len(docs), "queue", q.URL)
	e, err := q.Enqueue(ctx, docs)
	if err != nil {
		return err
	}
	r.sum.Enqueued, r.sum.AlreadyQueued = e.Added, e.Duplicates
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.DocID
	}
	return r.st.Enqueued(ids)
}
