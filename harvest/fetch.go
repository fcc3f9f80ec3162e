package harvest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Fetcher makes polite HTTP GETs: robots.txt, one request at a time per
// host spaced by its interval, a User-Agent with a contact, retries with
// backoff, a size cap, no redirect into an internal network.
type Fetcher struct {
	cfg    *Config
	ua     string
	client *http.Client
	log    *slog.Logger

	mu       sync.Mutex
	hosts    map[string]*host
	interval map[string]time.Duration // the configured interval per host
	notes    []string                 // what a run's summary should say (an oversized robots.txt)

	// robotsCache keeps robots.txt and its validators between runs, so that
	// a quiet night asks for it conditionally; nil keeps nothing.
	robotsCache RobotsCache

	inside     sync.Once
	insideNets []netip.Prefix // internal ranges the configured sources live in, or allow_hosts names
}

// RobotsCache stores a host's robots.txt between runs.
type RobotsCache interface {
	LoadRobots(hostKey string) (CachedRobots, bool, error)
	SaveRobots(hostKey string, r CachedRobots) error
}

// CachedRobots is a robots.txt as last fetched: its body (at most
// MaxRobotsBytes), status and validators.
type CachedRobots struct {
	Status             int
	ETag, LastModified string
	Body               []byte
}

// MaxRobotsBytes is the most of a robots.txt we read (RFC 9309 asks for at
// least 500 KiB). A larger file is not cut: its rules past the cut could
// forbid what the first part allows, so the host is treated as disallowed.
const MaxRobotsBytes = 512 << 10

// host is what we know of one scheme://host:port during a run.
type host struct {
	interval   atomic.Int64 // the least gap, in ns (a Crawl-delay may lengthen it)
	mu         sync.Mutex   // one request at a time per host
	last       time.Time    // when the last answer came back
	robotsOnce sync.Once
	robots     *Robots
	// robotsErr is why robots.txt could not be read (5xx, DNS, refused,
	// timeout), nil when it was: robots is then DisallowAll for the run,
	// which is an outage, not the portal's wish.
	robotsErr error
}

// Request is one GET; the validators make it conditional.
type Request struct {
	URL          string
	ETag         string
	LastModified string
	Referer      string
}

// Response is a completed GET. NotModified is set for a 304, with no body.
type Response struct {
	URL         string // the final URL, after redirects
	Status      int
	Header      http.Header
	Body        []byte
	NotModified bool
	FetchedAt   time.Time
	Attempts    int
}

// FetchError says which URL failed, with which status, after how many tries.
type FetchError struct {
	URL      string
	Status   int // 0 when no response came
	Attempts int
	Err      error
}

func (e *FetchError) Error() string {
	s := "GET " + e.URL
	if e.Status != 0 {
		s += fmt.Sprintf(": HTTP %d", e.Status)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	if e.Attempts > 1 {
		s += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	return s
}

func (e *FetchError) Unwrap() error { return e.Err }

// ErrDisallowed is returned for a URL that robots.txt forbids.
var ErrDisallowed = errors.New("disallowed by robots.txt")

// ErrRobotsUnreachable is wrapped (with the cause) by the error of a URL
// whose host's robots.txt could not be read this run (5xx, no such host,
// refused, timeout). RFC 9309 §2.3.1.4 says to assume complete disallow, so
// the host is not crawled this run; unlike ErrDisallowed it is a failure,
// retried on the next run, not a link the portal asked us to leave.
var ErrRobotsUnreachable = errors.New("robots.txt unreachable, host not crawled this run")

// ErrTooLarge is wrapped by errors about responses over Config.MaxBytes.
var ErrTooLarge = errors.New("response too large")

// ErrInternalAddress is wrapped by the error of a request (a redirect, most
// often) that would land on a loopback, private, link-local or cloud
// metadata address outside the configured sources' own ranges.
var ErrInternalAddress = errors.New("refused: internal address")

// NewFetcher builds a fetcher for cfg. Each source's rate applies to the
// host of its start URL; a host shared by sources gets the slowest rate.
// transport may be nil (the default transport).
func NewFetcher(cfg *Config, log *slog.Logger, transport http.RoundTripper) *Fetcher {
	f := &Fetcher{
		cfg:      cfg,
		ua:       fmt.Sprintf("%s (+%s)", cfg.UserAgent, cfg.Contact),
		log:      log,
		hosts:    map[string]*host{},
		interval: map[string]time.Duration{},
	}
	for i := range cfg.Sources {
		s := &cfg.Sources[i]
		if u, err := url.Parse(s.URL); err == nil {
			k := hostKey(u)
			f.interval[k] = max(f.interval[k], cfg.interval(s))
		}
	}
	if transport == nil {
		transport = f.transport()
	}
	f.client = &http.Client{CheckRedirect: f.checkRedirect, Transport: spaced{f, transport}}
	return f
}

// SetRobotsCache makes robots.txt requests conditional on what c kept.
func (f *Fetcher) SetRobotsCache(c RobotsCache) { f.robotsCache = c }

// Notes returns what the run's summary should say beyond its counts.
func (f *Fetcher) Notes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.notes...)
}

func (f *Fetcher) note(s string) {
	f.mu.Lock()
	f.notes = append(f.notes, s)
	f.mu.Unlock()
}

func hostKey(u *url.URL) string { return strings.ToLower(u.Scheme + "://" + u.Host) }

// A redirect is a request like any other: it waits its turn at its host
// (the transport sees to that), obeys that host's robots.txt, and may not
// lead into an internal network.
func (f *Fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("more than 10 redirects")
	}
	if err := f.checkAddress(req.Context(), req.URL); err != nil {
		return fmt.Errorf("redirect from %s: %w", via[len(via)-1].URL, err)
	}
	if err := f.denied(req.Context(), req.URL); err != nil {
		return fmt.Errorf("redirect to %s: %w", req.URL, err)
	}
	return nil
}

// spaced is the transport under every request, redirects and robots.txt
// included. It sends one request at a time per host, and starts the next
// no sooner than the interval (plus up to a tenth of it, at random) after
// the previous answer came back. Counting from the answer rather than from
// the send gives the margin a portal sees: the server stamped the previous
// request before answering it, so the gap between the two requests as the
// server logs them is never below the interval, however late either
// message travels.
type spaced struct {
	f    *Fetcher
	next http.RoundTripper
}

func (s spaced) RoundTrip(req *http.Request) (*http.Response, error) {
	h := s.f.host(req.URL)
	h.mu.Lock()
	defer h.mu.Unlock()
	gap := time.Duration(h.interval.Load())
	gap += rand.N(gap/10 + 1)
	if d := gap - time.Since(h.last); d > 0 && !h.last.IsZero() {
		t := time.NewTimer(d)
		select {
		case <-req.Context().Done():
			t.Stop()
			return nil, req.Context().Err()
		case <-t.C:
		}
	}
	resp, err := s.next.RoundTrip(req)
	h.last = time.Now()
	return resp, err
}

func (f *Fetcher) host(u *url.URL) *host {
	k := hostKey(u)
	f.mu.Lock()
	defer f.mu.Unlock()
	h := f.hosts[k]
	if h == nil {
		iv := f.interval[k]
		if iv == 0 {
			iv = f.cfg.Rate.Duration
		}
		h = &host{}
		h.interval.Store(int64(iv))
		f.hosts[k] = h
	}
	return h
}

// allowed fetches the host's robots.txt once per run and checks u against it.
// A Crawl-delay slower than our rate replaces it.
func (f *Fetcher) allowed(ctx context.Context, u *url.URL) bool { return f.denied(ctx, u) == nil }

// denied is nil when u may be fetched, else ErrDisallowed (robots.txt
// forbids it) or an error wrapping ErrRobotsUnreachable (robots.txt could
// not be read, so the whole host is off for the run).
func (f *Fetcher) denied(ctx context.Context, u *url.URL) error {
	if f.cfg.IgnoreRobots {
		return nil
	}
	h := f.host(u)
	h.robotsOnce.Do(func() {
		h.robots, h.robotsErr = f.loadRobots(ctx, u, h)
		if d := h.robots.CrawlDelay; d > time.Duration(h.interval.Load()) {
			h.interval.Store(int64(d))
			f.log.Info("crawl-delay from robots.txt", "host", u.Host, "delay", d)
		}
	})
	if h.robots.Allowed(u.RequestURI()) {
		return nil
	}
	if h.robotsErr != nil {
		return fmt.Errorf("%w: %v", ErrRobotsUnreachable, h.robotsErr)
	}
	return ErrDisallowed
}

// loadRobots fetches the host's robots.txt, conditionally when the cache
// holds an earlier copy with validators. The error says why robots.txt
// could not be read when the policy is DisallowAll for that reason.
func (f *Fetcher) loadRobots(ctx context.Context, u *url.URL, h *host) (*Robots, error) {
	ru := &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}
	key := hostKey(u)
	var cached CachedRobots
	var have bool
	if f.robotsCache != nil {
		var err error
		if cached, have, err = f.robotsCache.LoadRobots(key); err != nil {
			f.log.Warn("robots.txt cache unreadable; fetching it whole", "url", ru.String(), "err", err)
			have = false
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ru.String(), nil)
	if err != nil {
		return DisallowAll, err
	}
	req.Header.Set("User-Agent", f.ua)
	if have && cached.Status == http.StatusOK {
		if cached.ETag != "" {
			req.Header.Set("If-None-Match", cached.ETag)
		}
		if cached.LastModified != "" {
			req.Header.Set("If-Modified-Since", cached.LastModified)
		}
	}
	// Not f.client: its redirect hook asks for this very robots.txt. The
	// address check still applies to where a robots.txt redirects.
	c := &http.Client{Timeout: f.cfg.Timeout.Duration, Transport: f.client.Transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 10 {
				return errors.New("more than 10 redirects")
			}
			return f.checkAddress(req.Context(), req.URL)
		}}
	resp, err := c.Do(req)
	if err != nil {
		f.log.Warn("robots.txt unreachable; not crawling the host this run", "url", ru.String(), "err", err)
		if errors.Is(err, ErrInternalAddress) {
			f.note(fmt.Sprintf("%s: robots.txt redirect refused (%v); host not crawled", ru, err))
		}
		return DisallowAll, err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified && have:
		return ParseRobots(cached.Body, f.cfg.UserAgent), nil
	case resp.StatusCode >= 500:
		f.log.Warn("robots.txt server error; not crawling the host this run", "url", ru.String(), "status", resp.StatusCode)
		return DisallowAll, fmt.Errorf("GET %s: HTTP %d", ru, resp.StatusCode)
	case resp.StatusCode >= 400:
		f.saveRobots(key, CachedRobots{Status: resp.StatusCode})
		return AllowAll, nil // no robots.txt: everything is allowed
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxRobotsBytes+1))
	if err != nil {
		return DisallowAll, fmt.Errorf("GET %s: %w", ru, err)
	}
	if len(body) > MaxRobotsBytes {
		msg := fmt.Sprintf("%s is larger than %d KB: host treated as disallowed (rules past that point could not be read)", ru, MaxRobotsBytes>>10)
		f.log.Warn(msg)
		f.note(msg)
		return DisallowAll, nil // read, and too long to honour in part: a disallow, not an outage
	}
	f.saveRobots(key, CachedRobots{Status: resp.StatusCode, ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified"), Body: body})
	return ParseRobots(body, f.cfg.UserAgent), nil
}

func (f *Fetcher) saveRobots(key string, r CachedRobots) {
	if f.robotsCache == nil {
		return
	}
	if err := f.robotsCache.SaveRobots(key, r); err != nil {
		f.log.Warn("cannot keep robots.txt for the next run", "host", key, "err", err)
	}
}

// Get fetches req.URL, retrying what may be transient.
func (f *Fetcher) Get(ctx context.Context, req Request) (*Response, error) {
	u, err := url.Parse(req.URL)
	if err != nil {
		return nil, &FetchError{URL: req.URL, Err: err}
	}
	if err := f.checkAddress(ctx, u); err != nil {
		return nil, &FetchError{URL: req.URL, Err: err}
	}
	if err := f.denied(ctx, u); err != nil {
		return nil, &FetchError{URL: req.URL, Err: err}
	}
	for attempt := 1; ; attempt++ {
		resp, retryAfter, err := f.once(ctx, u, req)
		if err == nil {
			resp.Attempts = attempt
			return resp, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		fe := &FetchError{URL: req.URL, Attempts: attempt, Err: err}
		var st statusError
		if errors.As(err, &st) {
			fe.Status, fe.Err = int(st), nil
		}
		if !retryable(err) || attempt > f.cfg.Retries {
			return nil, fe
		}
		delay := f.backoff(attempt)
		if retryAfter > f.cfg.MaxRetryAfter.Duration {
			fe.Err = fmt.Errorf("Retry-After %s is longer than max_retry_after %s", retryAfter, f.cfg.MaxRetryAfter.Duration)
			return nil, fe
		}
		delay = max(delay, retryAfter)
		f.log.Warn("retrying", "url", req.URL, "attempt", attempt, "err", fe.Error(), "delay", delay)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(delay):
		}
	}
}

// backoff is exponential with "equal jitter": half fixed, half random, so
// that clients failing together do not retry together.
func (f *Fetcher) backoff(attempt int) time.Duration {
	d := f.cfg.Backoff.Duration << (attempt - 1)
	d = min(d, time.Minute)
	return d/2 + rand.N(d/2+1)
}

// statusError is an HTTP status we did not expect.
type statusError int

func (s statusError) Error() string { return "HTTP " + strconv.Itoa(int(s)) }

// errTruncated marks a body shorter than its Content-Length.
var errTruncated = errors.New("truncated body")

func retryable(err error) bool {
	var st statusError
	if errors.As(err, &st) {
		return st == http.StatusTooManyRequests || st == http.StatusRequestTimeout || st >= 500
	}
	if errors.Is(err, ErrTooLarge) || errors.Is(err, ErrDisallowed) || errors.Is(err, ErrRobotsUnreachable) ||
		errors.Is(err, ErrInternalAddress) {
		return false
	}
	// Timeouts, resets, truncated bodies: the network may do better next time.
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, errTruncated) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.EOF) || isConnErr(err)
}

func isConnErr(err error) bool {
	var oe *net.OpError
	var ue *url.Error
	return errors.As(err, &oe) || errors.As(err, &ue)
}

// once makes one attempt. It returns the Retry-After delay of a 429/503.
func (f *Fetcher) once(ctx context.Context, u *url.URL, req Request) (*Response, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, f.cfg.Timeout.Duration)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, 0, err
	}
	hr.Header.Set("User-Agent", f.ua)
	hr.Header.Set("Accept-Language", "zh-CN,zh;q=0.9")
	if req.ETag != "" {
		hr.Header.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		hr.Header.Set("If-Modified-Since", req.LastModified)
	}
	if req.Referer != "" {
		hr.Header.Set("Referer", req.Referer)
	}
	resp, err := f.client.Do(hr)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	out := &Response{URL: resp.Request.URL.String(), Status: resp.StatusCode, Header: resp.Header, FetchedAt: time.Now().UTC()}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		out.NotModified = true
		return out, 0, nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable:
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil, RetryAfter(resp.Header.Get("Retry-After"), time.Now()), statusError(resp.StatusCode)
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil, 0, statusError(resp.StatusCode)
	}
	limit := f.cfg.MaxBytes
	if resp.ContentLength > limit {
		return nil, 0, fmt.Errorf("response larger than %d bytes (Content-Length %d): %w", limit, resp.ContentLength, ErrTooLarge)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, 0, fmt.Errorf("%w: got %d of %d bytes", errTruncated, len(body), resp.ContentLength)
		}
		return nil, 0, err
	}
	if int64(len(body)) > limit {
		return nil, 0, fmt.Errorf("response larger than %d bytes: %w", limit, ErrTooLarge)
	}
	if resp.ContentLength >= 0 && int64(len(body)) != resp.ContentLength {
		return nil, 0, fmt.Errorf("%w: got %d of %d bytes", errTruncated, len(body), resp.ContentLength)
	}
	out.Body = body
	return out, 0, nil
}

// RetryAfter reads a Retry-After header: delay-seconds or an HTTP-date.
// It returns 0 when the header is absent or unreadable.
func RetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		return time.Duration(max(s, 0)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}
