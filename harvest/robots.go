package harvest

import (
	"bufio"
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Robots is the part of a robots.txt (RFC 9309) that applies to us.
type Robots struct {
	rules      []robotsRule
	CrawlDelay time.Duration // 0 when not set
}

type robotsRule struct {
	allow   bool
	pattern string // as written, for longest-match ordering
	re      *regexp.Regexp
}

// AllowAll is the policy for a host without robots.txt.
var AllowAll = &Robots{}

// DisallowAll is the policy while a host's robots.txt cannot be read (5xx,
// unreachable): RFC 9309 says to assume complete disallow.
var DisallowAll = &Robots{rules: []robotsRule{{allow: false, pattern: "/", re: regexp.MustCompile(`^/`)}}}

// ParseRobots reads a robots.txt and keeps the group for userAgent: the group
// whose User-agent is the longest token contained in userAgent, else "*".
func ParseRobots(body []byte, userAgent string) *Robots {
	ua := strings.ToLower(userAgent)
	type group struct {
		agents []string
		rules  []robotsRule
		delay  time.Duration
	}
	var groups []*group
	var cur *group
	inAgents := false // consecutive User-agent lines share one group
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
		switch k {
		case "user-agent":
			if !inAgents || cur == nil {
				cur = &group{}
				groups = append(groups, cur)
			}
			cur.agents = append(cur.agents, strings.ToLower(v))
			inAgents = true
		case "allow", "disallow":
			inAgents = false
			if cur == nil || v == "" { // an empty Disallow allows everything
				continue
			}
			cur.rules = append(cur.rules, robotsRule{allow: k == "allow", pattern: v, re: robotsPattern(v)})
		case "crawl-delay":
			inAgents = false
			if cur == nil {
				continue
			}
			if s, err := strconv.ParseFloat(v, 64); err == nil && s > 0 {
				cur.delay = time.Duration(s * float64(time.Second))
			}
		default:
			inAgents = false // sitemap and unknown lines end a User-agent run
		}
	}
	var best *group
	bestLen := -1
	for _, g := range groups {
		for _, a := range g.agents {
			n := -1
			switch {
			case a == "*":
				n = 0
			case a != "" && strings.Contains(ua, a):
				n = len(a)
			}
			if n > bestLen {
				best, bestLen = g, n
			}
		}
	}
	if best == nil {
		return AllowAll
	}
	return &Robots{rules: best.rules, CrawlDelay: best.delay}
}

// robotsPattern turns a path pattern with * and a trailing $ into a regexp
// anchored at the path's start.
func robotsPattern(p string) *regexp.Regexp {
	end := strings.HasSuffix(p, "$")
	p = strings.TrimSuffix(p, "$")
	parts := strings.Split(p, "*")
	for i, s := range parts {
		parts[i] = regexp.QuoteMeta(s)
	}
	expr := "^" + strings.Join(parts, ".*")
	if end {
		expr += "$"
	}
	return regexp.MustCompile(expr)
}

// Allowed says whether the path (with its query) may be fetched: the longest
// matching rule wins, and Allow wins a tie.
func (r *Robots) Allowed(pathQuery string) bool {
	if pathQuery == "" {
		pathQuery = "/"
	}
	if pathQuery == "/robots.txt" {
		return true
	}
	allowed, best := true, -1
	for _, rule := range r.rules {
		if !rule.re.MatchString(pathQuery) {
			continue
		}
		n := len(rule.pattern)
		if n > best || n == best && rule.allow {
			allowed, best = rule.allow, n
		}
	}
	return allowed
}
