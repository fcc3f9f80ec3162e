package harvest

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	exthtml "zipin/extract/html"
)

// Link is a hyperlink found on a page, resolved against the page's URL.
type Link struct {
	// Text is the link's text, or its title attribute when the text is
	// empty or cut short with "..." (list pages cut long titles and keep
	// the full one in the attribute).
	Text string
	URL  string
	// Date is a publication date (YYYY-MM-DD) written in the link's list
	// row (li, tr, dd or p), if any.
	Date string
	// Cut says the text was cut short and no title attribute completes it.
	Cut bool
}

// Page is what the harvester reads from an HTML page.
type Page struct {
	Title string // <title>, as written (site name included)
	H1    string // the first <h1>, if any
	// Published is the page's publication date (YYYY-MM-DD): its PubDate
	// meta tag (TRS and most CMSs write one) or a 发布时间/发布日期 line.
	Published string
	Links     []Link
	Scripts   string // the inline scripts' text, for script-drawn pagination
	// BodyRunes counts the Chinese characters of the body outside links
	// and scripts: what the page says itself.
	BodyRunes int
}

// ParseHTML decodes a page (GBK, GB2312, UTF-8 …, from a BOM, a <meta> tag
// or the bytes themselves) and returns its title and links, resolved against
// pageURL or the page's <base href>. The Content-Type header is not trusted
// for the charset: portal servers often label GBK pages wrongly.
func ParseHTML(body []byte, _ string, pageURL string) (title string, links []Link, err error) {
	p, err := parsePage(body, pageURL)
	if err != nil {
		return "", nil, err
	}
	return p.Title, p.Links, nil
}

// rowElements hold one item of a list: the date printed beside a link is
// looked for in the nearest of them.
var rowElements = map[string]bool{"li": true, "tr": true, "dd": true, "dt": true, "p": true}

var (
	dateRe    = regexp.MustCompile(`(20\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})`)
	pubLineRe = regexp.MustCompile(`(?:发布|发文|成文|公开|更新)(?:时间|日期)\s*[:：]?\s*` + `(20\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2})`)
	// cutRe is how list pages mark a title cut short.
	cutRe = regexp.MustCompile(`(\.{2,}|…+|。。。)$`)
)

// findDate returns the first date in s as YYYY-MM-DD, or "".
func findDate(s string) string {
	m := dateRe.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	if mo < 1 || mo > 12 || d < 1 || d > 31 {
		return ""
	}
	return fmt.Sprintf("%s-%02d-%02d", m[1], mo, d)
}

func parsePage(body []byte, pageURL string) (*Page, error) {
	base, err := url.Parse(pageURL)
	if err != nil {
		return nil, err
	}
	// The report reader's decoder, not the Content-Type header: portal
	// servers label GBK pages ISO-8859-1 or nothing at all.
	text, _ := exthtml.DecodePage(body)
	root, err := html.Parse(strings.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", pageURL, err)
	}
	p := &Page{}
	var scripts strings.Builder
	var walk func(n *html.Node, row *html.Node, inBody bool)
	walk = func(n *html.Node, row *html.Node, inBody bool) {
		if n.Type == html.TextNode && inBody {
			for _, r := range n.Data {
				if unicode.Is(unicode.Han, r) {
					p.BodyRunes++
				}
			}
		}
		if n.Type == html.ElementNode {
			switch n.Data {
			case "body":
				inBody = true
			case "a", "script", "style", "title", "head":
				inBody = false
			}
			if rowElements[n.Data] {
				row = n
			}
			switch n.Data {
			case "title":
				if p.Title == "" {
					p.Title = squash(textOf(n))
				}
			case "h1":
				if p.H1 == "" {
					p.H1 = squash(textOf(n))
				}
			case "meta":
				switch strings.ToLower(attr(n, "name")) {
				case "pubdate", "publishdate", "firstpublishedtime", "published":
					if p.Published == "" {
						p.Published = findDate(attr(n, "content"))
					}
				}
			case "script":
				scripts.WriteString(textOf(n))
				scripts.WriteByte('\n')
			case "base":
				if b, err := base.Parse(attr(n, "href")); err == nil && attr(n, "href") != "" {
					base = b
				}
			case "a", "area":
				if l, ok := resolve(base, attr(n, "href")); ok {
					text := squash(textOf(n))
					full := squash(attr(n, "title"))
					cut := cutRe.MatchString(text)
					// The title attribute completes a text that is empty,
					// marked as cut, or simply a shorter start of it.
					stem := strings.TrimSpace(cutRe.ReplaceAllString(text, ""))
					if full != "" && (text == "" || cut || len(full) > len(text) && strings.HasPrefix(full, stem)) {
						text, cut = full, false
					}
					link := Link{Text: text, URL: l, Cut: cut}
					if row != nil {
						link.Date = findDate(textOf(row))
					}
					p.Links = append(p.Links, link)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, row, inBody)
		}
	}
	walk(root, nil, false)
	p.Scripts = scripts.String()
	if p.Published == "" {
		if m := pubLineRe.FindStringSubmatch(textOf(root)); m != nil {
			p.Published = findDate(m[1])
		}
	}
	return p, nil
}

// StripSiteName removes the site's name that portals append to a page's
// title (…自评报告_青山县教育局); see exthtml.StripSiteName.
func StripSiteName(title string) string { return exthtml.StripSiteName(title) }

// createPageRe is the TRS pagination script: createPageHTML(countPage,
// currentPage, "index", "html"), currentPage counted from 0, pages named
// index.html, index_1.html, …; newer versions pass the div's id first.
var createPageRe = regexp.MustCompile(`createPageHTML\(\s*(?:['"][^'"]*['"]\s*,\s*)?(\d+)\s*,\s*(\d+)\s*,\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]`)

// TRS pagers that draw the links without a createPageHTML call declare
// the same numbers as variables (var countPage = 5; var currentPage = 0;).
var (
	countPageRe   = regexp.MustCompile(`countPage\s*=\s*(\d+)`)
	currentPageRe = regexp.MustCompile(`currentPage\s*=\s*(\d+)`)
	prevNameRe    = regexp.MustCompile(`prevName\s*=\s*['"]([^'"]+)['"]`)
	fileExtRe     = regexp.MustCompile(`fileExt\s*=\s*['"]\.?([^'"]+)['"]`)
)

// scriptNext returns the next page that a createPageHTML call (or TRS's
// countPage/currentPage variables) draws, or "".
func scriptNext(scripts, pageURL string) string {
	m := createPageRe.FindStringSubmatch(scripts)
	if m == nil {
		c, p := countPageRe.FindStringSubmatch(scripts), currentPageRe.FindStringSubmatch(scripts)
		if c == nil || p == nil {
			return ""
		}
		m = []string{"", c[1], p[1], "index", "html"}
		if n := prevNameRe.FindStringSubmatch(scripts); n != nil {
			m[3] = n[1]
		}
		if e := fileExtRe.FindStringSubmatch(scripts); e != nil {
			m[4] = e[1]
		}
	}
	count, _ := strconv.Atoi(m[1])
	cur, _ := strconv.Atoi(m[2])
	if cur+1 >= count {
		return ""
	}
	base, err := url.Parse(pageURL)
	if err != nil {
		return ""
	}
	next, ok := resolve(base, fmt.Sprintf("%s_%d.%s", m[3], cur+1, m[4]))
	if !ok {
		return ""
	}
	return next
}

// resolve makes href absolute, dropping the fragment; scripts, mail and
// same-page anchors are not links to fetch.
func resolve(base *url.URL, href string) (string, bool) {
	href = strings.TrimSpace(href)
	low := strings.ToLower(href)
	for _, p := range []string{"javascript:", "mailto:", "tel:", "#", "data:"} {
		if strings.HasPrefix(low, p) {
			return "", false
		}
	}
	if href == "" {
		return "", false
	}
	u, err := base.Parse(href)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return "", false
	}
	u.Fragment = ""
	return u.String(), true
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// squash collapses runs of white space, including the ideographic space.
func squash(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u3000' || r == '\u00a0'
	}), " ")
}

// extOf is the lower-case extension of a URL's path, without the dot.
func extOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(path.Ext(u.Path)), ".")
}

// queryExts are the extensions of file names a download script's query
// carries (downfile.jsp?filename=自评报告.pdf).
func queryExts(rawURL string) []string {
	u, err := url.Parse(rawURL)
	if err != nil || u.RawQuery == "" {
		return nil
	}
	var out []string
	for _, vs := range u.Query() {
		for _, v := range vs {
			if e := strings.TrimPrefix(strings.ToLower(path.Ext(v)), "."); e != "" && len(e) <= 5 {
				out = append(out, e)
			}
		}
	}
	return out
}

// FeedItem is one RSS item or Atom entry.
type FeedItem struct {
	Title      string
	Link       string
	Enclosures []string
}

type rssDoc struct {
	Items []struct {
		Title      string `xml:"title"`
		Link       string `xml:"link"`
		Enclosures []struct {
			URL string `xml:"url,attr"`
		} `xml:"enclosure"`
	} `xml:"channel>item"`
}

type atomDoc struct {
	Entries []struct {
		Title string `xml:"title"`
		Links []struct {
			Href string `xml:"href,attr"`
			Rel  string `xml:"rel,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

// ParseFeed reads an RSS 2.0 or Atom feed, in any encoding its XML
// declaration names, and resolves links against feedURL.
func ParseFeed(body []byte, feedURL string) ([]FeedItem, error) {
	base, err := url.Parse(feedURL)
	if err != nil {
		return nil, err
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.CharsetReader = func(label string, in io.Reader) (io.Reader, error) { return charset.NewReaderLabel(label, in) }
	dec.Strict = false
	var root xml.StartElement
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%s: not an RSS or Atom feed: %w", feedURL, err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			root = se
			break
		}
	}
	var items []FeedItem
	abs := func(h string) string {
		s, _ := resolve(base, h)
		return s
	}
	switch root.Name.Local {
	case "rss":
		var d rssDoc
		if err := dec.DecodeElement(&d, &root); err != nil {
			return nil, fmt.Errorf("%s: RSS: %w", feedURL, err)
		}
		for _, it := range d.Items {
			fi := FeedItem{Title: squash(it.Title), Link: abs(it.Link)}
			for _, e := range it.Enclosures {
				if s := abs(e.URL); s != "" {
					fi.Enclosures = append(fi.Enclosures, s)
				}
			}
			items = append(items, fi)
		}
	case "feed":
		var d atomDoc
		if err := dec.DecodeElement(&d, &root); err != nil {
			return nil, fmt.Errorf("%s: Atom: %w", feedURL, err)
		}
		for _, e := range d.Entries {
			fi := FeedItem{Title: squash(e.Title)}
			for _, l := range e.Links {
				s := abs(l.Href)
				switch {
				case s == "":
				case l.Rel == "enclosure":
					fi.Enclosures = append(fi.Enclosures, s)
				case l.Rel == "" || l.Rel == "alternate":
					if fi.Link == "" {
						fi.Link = s
					}
				}
			}
			items = append(items, fi)
		}
	default:
		return nil, fmt.Errorf("%s: root element <%s> is not rss or feed", feedURL, root.Name.Local)
	}
	return items, nil
}
