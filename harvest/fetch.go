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
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Fetcher makes polite HTTP GETs: robots.txt, a token bucket per host, a
// User-Agent with a contact, retries with backoff, a size cap.
type Fetcher struct {
	cfg    *Config
	ua     string
	client *http.Client
	log    *slog.Logger

	mu       sync.Mutex
	hosts    map[string]*host
	interval map[string]time.Duration // the configured interval per host
}

// host is what we know of one scheme://host:port during a run.
type host struct {
	lim        *rate.Limiter
	mu         sync.Mutex
	last       time.Time // when the last request left
	robotsOnce sync.Once
	robots     *Robots
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

// ErrTooLarge is wrapped by errors about responses over Config.MaxBytes.
var ErrTooLarge = errors.New("response too large")

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
		transport = http.DefaultTransport
	}
	f.client = &http.Client{CheckRedirect: f.checkRedirect, Transport: spaced{f, transport}}
	return f
}

func hostKey(u *url.URL) string { return strings.ToLower(u.Scheme + "://" + u.Host) }

// A redirect is a request like any other: it waits its turn at its host and
// obeys that host's robots.txt.
func (f *Fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("more than 10 redirects")
	}
	if !f.allowed(req.Context(), req.URL) {
		return fmt.Errorf("redirect to %s: %w", req.URL, ErrDisallowed)
	}
	return f.host(req.URL).wait(req.Context())
}

// wait blocks until the host's token bucket lets a request go.
func (h *host) wait(ctx context.Context) error { return h.lim.Wait(ctx) }

// spaced is the transport under every request. The token bucket keeps the
// average rate, but a request whose timer fired late may be followed by one
// early, and a client does work between the bucket and the wire; portals
// count gaps, so the gap is enforced here, as the request leaves.
type spaced struct {
	f    *Fetcher
	next http.RoundTripper
}

func (s spaced) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := s.f.host(req.URL).space(req.Context()); err != nil {
		return nil, err
	}
	return s.next.RoundTrip(req)
}

func (h *host) space(ctx context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	gap := time.Duration(float64(time.Second) / float64(h.lim.Limit()))
	if d := gap - time.Since(h.last); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
	h.last = time.Now()
	return nil
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
		// Burst 1: the bucket never lets two requests through back to back.
		h = &host{lim: rate.NewLimiter(rate.Every(iv), 1)}
		f.hosts[k] = h
	}
	return h
}

// allowed fetches the host's robots.txt once per run and checks u against it.
// A Crawl-delay slower than our rate replaces it.
func (f *Fetcher) allowed(ctx context.Context, u *url.URL) bool {
	if f.cfg.IgnoreRobots {
		return true
	}
	h := f.host(u)
	h.robotsOnce.Do(func() {
		h.robots = f.loadRobots(ctx, u, h)
		if d := h.robots.CrawlDelay; d > 0 && rate.Every(d) < h.lim.Limit() {
			h.lim.SetLimit(rate.Every(d))
			f.log.Info("crawl-delay from robots.txt", "host", u.Host, "delay", d)
		}
	})
	return h.robots.Allowed(u.RequestURI())
}

func (f *Fetcher) loadRobots(ctx context.Context, u *url.URL, h *host) *Robots {
	ru := &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}
	if err := h.wait(ctx); err != nil {
		return DisallowAll
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ru.String(), nil)
	if err != nil {
		return DisallowAll
	}
	req.Header.Set("User-Agent", f.ua)
	// A plain client: robots.txt redirects are followed without our hooks,
	// which would wait for this very robots.txt.
	c := &http.Client{Timeout: f.cfg.Timeout.Duration, Transport: f.client.Transport}
	resp, err := c.Do(req)
	if err != nil {
		f.log.Warn("robots.txt unreachable; not crawling the host this run", "url", ru.String(), "err", err)
		return DisallowAll
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode >= 500:
		f.log.Warn("robots.txt server error; not crawling the host this run", "url", ru.String(), "status", resp.StatusCode)
		return DisallowAll
	case resp.StatusCode >= 400:
		return AllowAll // no robots.txt: everything is allowed
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 512<<10))
	if err != nil {
		return DisallowAll
	}
	return ParseRobots(body, f.cfg.UserAgent)
}

// Get fetches req.URL, retrying what may be transient.
func (f *Fetcher) Get(ctx context.Context, req Request) (*Response, error) {
	u, err := url.Parse(req.URL)
	if err != nil {
		return nil, &FetchError{URL: req.URL, Err: err}
	}
	if !f.allowed(ctx, u) {
		return nil, &FetchError{URL: req.URL, Err: ErrDisallowed}
	}
	h := f.host(u)
	for attempt := 1; ; attempt++ {
		if err := h.wait(ctx); err != nil {
			return nil, err
		}
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
	if errors.Is(err, ErrTooLarge) || errors.Is(err, ErrDisallowed) {
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
