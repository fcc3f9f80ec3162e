package harvest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// Config is a harvest configuration file (see docs/harvest.example.toml).
type Config struct {
	UserAgent string `toml:"user_agent"`
	// Contact is appended to the User-Agent, so that a portal's operator who
	// sees our traffic knows whom to write to instead of blocking us.
	Contact string `toml:"contact"`
	// Rate is the default minimum interval between two requests to one host.
	Rate          Duration `toml:"rate"`
	Timeout       Duration `toml:"timeout"`         // one HTTP request, headers and body
	MaxBytes      int64    `toml:"max_bytes"`       // cap on one response body
	Retries       int      `toml:"retries"`         // extra attempts on 429/5xx/timeouts/truncation
	Backoff       Duration `toml:"backoff"`         // the first retry's delay; doubled each time, with jitter
	MaxRetryAfter Duration `toml:"max_retry_after"` // a longer Retry-After fails the URL for this run
	// IgnoreRobots turns robots.txt off; honouring it is the default.
	IgnoreRobots bool `toml:"ignore_robots"`
	// AllowHosts are host names, addresses or networks (CIDR) that a
	// redirect or link may lead to although they are loopback, private,
	// link-local or metadata addresses outside the sources' own ranges.
	AllowHosts []string `toml:"allow_hosts"`
	Sources    []Source `toml:"source"`

	file string // where the config was read from, for messages
}

// Source is one portal list (or feed) to watch.
type Source struct {
	Name string `toml:"name"`
	Type string `toml:"type"` // html or feed (RSS 2.0 / Atom)
	URL  string `toml:"url"`  // the first list page, or the feed

	// Pagination, html only, found without configuration (a 下一页 link, a
	// TRS createPageHTML script, numbered page links). NextText overrides
	// the text of the "next page" link; PageURL is a template for portals
	// whose pages none of these find: {page} is the page's number (2 for
	// the second page), {index} the number less one (TRS: index_1.html is
	// the second page). PageURL wins when set.
	NextText string `toml:"next_text"`
	PageURL  string `toml:"page_url"`
	// MaxPages caps the list pages visited per run; the first run sweeps
	// the whole list up to it.
	MaxPages int `toml:"max_pages"`
	// StopAfter is how many consecutive list pages with nothing new end the
	// paging of a later run: portals list newest first, so old pages hold
	// nothing new. The first run (and one after an interrupted sweep)
	// ignores it.
	StopAfter int `toml:"stop_after"`

	// A list or feed link is a report candidate (or its detail page) when
	// its title matches TitlePattern or its URL matches URLPattern, and the
	// title does not match ExcludePattern. Whether a candidate is a report
	// is decided by its content (see docs/harvest.md); these are overrides.
	TitlePattern   string `toml:"title_pattern"`
	URLPattern     string `toml:"url_pattern"`
	ExcludePattern string `toml:"exclude_pattern"`
	// Attachments are the file extensions fetched from detail pages.
	Attachments []string `toml:"attachments"`
	// HTMLReports keeps a detail page that has no attachment as a report
	// candidate (portals that publish the report as the page's body). On
	// unless set to false.
	HTMLReports *bool `toml:"html_reports"`

	Region       string   `toml:"region"`       // hints, recorded with each original
	Organization string   `toml:"organization"` //
	Rate         Duration `toml:"rate"`         // overrides the default for this source's host

	title, urlRe, next, exclude *regexp.Regexp
	exts                        map[string]bool
}

// Duration is a time.Duration written as a string such as "1.5s" or "20ms".
type Duration struct{ time.Duration }

func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("not a duration like \"1s\" or \"500ms\": %q", b)
	}
	if v < 0 {
		return fmt.Errorf("negative duration %q", b)
	}
	d.Duration = v
	return nil
}

func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Defaults, chosen to be gentle with small government servers.
var (
	DefaultRate        = time.Second
	DefaultTimeout     = 30 * time.Second
	DefaultMaxBytes    = int64(64 << 20)
	DefaultRetries     = 4
	DefaultBackoff     = 2 * time.Second
	DefaultRetryAfter  = 10 * time.Minute
	DefaultAttachments = []string{"pdf", "docx", "doc", "xls", "xlsx", "wps", "et", "txt"}
	DefaultMaxPages    = 100
	// DefaultNextText matches a next-page link's text: the words, or an
	// arrow alone (» often means the last page, so it is not one).
	DefaultNextText = `下一页|下页|后一页|后页|下一頁|(?i)^\s*next\s*$|^\s*(>|›|＞)\s*$`
	// DefaultTitle matches any title about self-evaluation: the content,
	// not the title, decides whether a candidate is a report.
	DefaultTitle = `自评|自我评价`
)

// ConfigError is a problem in the configuration file. It names the file, the
// line where it can be found and the field.
type ConfigError struct {
	File  string
	Line  int    // 0 when unknown
	Field string // such as source[2].url
	Msg   string
}

func (e *ConfigError) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Field != "" {
		return fmt.Sprintf("config %s: %s: %s", loc, e.Field, e.Msg)
	}
	return fmt.Sprintf("config %s: %s", loc, e.Msg)
}

// LoadConfig reads and validates a TOML configuration file.
func LoadConfig(path string) (*Config, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, &ConfigError{File: path, Msg: err.Error()}
	}
	return ParseConfig(path, src)
}

// ParseConfig parses and validates configuration text; name is for messages.
func ParseConfig(name string, src []byte) (*Config, error) {
	c := &Config{file: name}
	md, err := toml.Decode(string(src), c)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &ConfigError{File: name, Line: pe.Position.Line, Field: pe.LastKey, Msg: pe.Message}
		}
		return nil, &ConfigError{File: name, Msg: err.Error()}
	}
	if und := md.Undecoded(); len(und) > 0 {
		k := und[0]
		return nil, &ConfigError{File: name, Line: keyLine(src, k[len(k)-1]), Field: k.String(), Msg: "unknown field"}
	}
	if err := c.validate(src); err != nil {
		return nil, err
	}
	return c, nil
}

// validate fills defaults and compiles patterns; the first problem is returned.
func (c *Config) validate(src []byte) error {
	bad := func(source int, field, format string, args ...any) error {
		e := &ConfigError{File: c.file, Field: field, Msg: fmt.Sprintf(format, args...)}
		if source >= 0 {
			e.Field = fmt.Sprintf("source[%d].%s", source+1, field)
			e.Line = sourceKeyLine(src, source, field)
		} else {
			e.Line = keyLine(src, field)
		}
		return e
	}
	if c.UserAgent == "" {
		c.UserAgent = "zipin-harvest"
	}
	if c.Contact == "" {
		return bad(-1, "contact", "is required: an e-mail or URL a portal operator can reach you at")
	}
	defDur(&c.Rate, DefaultRate)
	defDur(&c.Timeout, DefaultTimeout)
	defDur(&c.Backoff, DefaultBackoff)
	defDur(&c.MaxRetryAfter, DefaultRetryAfter)
	if c.MaxBytes == 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	if c.MaxBytes < 0 {
		return bad(-1, "max_bytes", "must be positive")
	}
	if c.Retries == 0 {
		c.Retries = DefaultRetries
	}
	if c.Retries < 0 {
		c.Retries = 0 // retries = -1 turns retrying off
	}
	for _, h := range c.AllowHosts {
		if strings.TrimSpace(h) == "" || strings.ContainsAny(h, "/:") && !isNet(h) {
			return bad(-1, "allow_hosts", "%q is not a host name, an address or a network such as 10.0.0.0/8", h)
		}
	}
	if len(c.Sources) == 0 {
		return bad(-1, "source", "no [[source]] defined")
	}
	names := map[string]bool{}
	for i := range c.Sources {
		s := &c.Sources[i]
		if s.Name == "" {
			return bad(i, "name", "is required")
		}
		if names[s.Name] {
			return bad(i, "name", "%q is used by two sources", s.Name)
		}
		names[s.Name] = true
		switch s.Type {
		case "":
			s.Type = "html"
		case "html", "feed":
		default:
			return bad(i, "type", "%q is not html or feed", s.Type)
		}
		if err := checkURL(s.URL); err != nil {
			return bad(i, "url", "%v", err)
		}
		if s.PageURL != "" {
			if !strings.Contains(s.PageURL, "{page}") && !strings.Contains(s.PageURL, "{index}") {
				return bad(i, "page_url", "has no {page} or {index} placeholder")
			}
			if err := checkURL(fillPageURL(s.PageURL, 2)); err != nil {
				return bad(i, "page_url", "%v", err)
			}
		}
		if s.MaxPages == 0 {
			s.MaxPages = DefaultMaxPages
		}
		if s.MaxPages < 0 {
			return bad(i, "max_pages", "must be positive")
		}
		if s.StopAfter <= 0 {
			s.StopAfter = 1
		}
		if s.NextText == "" {
			s.NextText = DefaultNextText
		}
		if s.TitlePattern == "" && s.URLPattern == "" {
			s.TitlePattern = DefaultTitle
		}
		for _, p := range []struct {
			field, expr string
			re          **regexp.Regexp
		}{{"title_pattern", s.TitlePattern, &s.title}, {"url_pattern", s.URLPattern, &s.urlRe}, {"next_text", s.NextText, &s.next}, {"exclude_pattern", s.ExcludePattern, &s.exclude}} {
			if p.expr == "" {
				continue
			}
			re, err := regexp.Compile(p.expr)
			if err != nil {
				return bad(i, p.field, "bad regular expression: %v", err)
			}
			*p.re = re
		}
		if len(s.Attachments) == 0 {
			s.Attachments = DefaultAttachments
		}
		s.exts = map[string]bool{}
		for _, e := range s.Attachments {
			e = strings.ToLower(strings.TrimPrefix(e, "."))
			if e == "" || strings.ContainsAny(e, "/. ") {
				return bad(i, "attachments", "%q is not a file extension", e)
			}
			s.exts[e] = true
		}
	}
	return nil
}

// fillPageURL fills a page_url template for page n (1 is the first page).
func fillPageURL(tmpl string, n int) string {
	return strings.NewReplacer("{page}", strconv.Itoa(n), "{index}", strconv.Itoa(n-1)).Replace(tmpl)
}

// htmlReports says whether a detail page without attachments is a candidate.
func (s *Source) htmlReports() bool { return s.HTMLReports == nil || *s.HTMLReports }

func defDur(d *Duration, def time.Duration) {
	if d.Duration == 0 {
		d.Duration = def
	}
}

func isNet(s string) bool {
	if _, err := netip.ParsePrefix(s); err == nil {
		return true
	}
	_, err := netip.ParseAddr(s)
	return err == nil
}

func checkURL(s string) error {
	if s == "" {
		return errors.New("is required")
	}
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http(s) URL", s)
	}
	return nil
}

// Interval is the source's minimum interval between requests.
func (c *Config) interval(s *Source) time.Duration {
	if s.Rate.Duration > 0 {
		return s.Rate.Duration
	}
	return c.Rate.Duration
}

// keyLine finds the first line assigning key, for messages; 0 if none.
func keyLine(src []byte, key string) int {
	sc := bufio.NewScanner(bytes.NewReader(src))
	for line := 1; sc.Scan(); line++ {
		if isAssign(strings.TrimSpace(sc.Text()), key) {
			return line
		}
	}
	return 0
}

// sourceKeyLine finds key inside the n-th [[source]] table, or the table's
// header line when the key is absent (a missing required field).
func sourceKeyLine(src []byte, n int, key string) int {
	header := 0
	idx := -1
	sc := bufio.NewScanner(bytes.NewReader(src))
	for line := 1; sc.Scan(); line++ {
		t := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(t, "[") {
			if t == "[[source]]" {
				idx++
				if idx == n {
					header = line
				}
			} else if idx == n {
				break
			}
			continue
		}
		if idx == n && isAssign(t, key) {
			return line
		}
	}
	return header
}

func isAssign(line, key string) bool {
	rest, ok := strings.CutPrefix(line, key)
	return ok && strings.HasPrefix(strings.TrimSpace(rest), "=")
}
