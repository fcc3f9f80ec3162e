package harvest

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	exthtml "zipin/extract/html"
)

// Link is a hyperlink found on a page, resolved against the page's URL.
type Link struct {
	Text string
	URL  string
}

// ParseHTML decodes a page (GBK, GB2312, UTF-8 …, from a BOM, a <meta> tag
// or the bytes themselves) and returns its title and links, resolved against
// pageURL or the page's <base href>. The Content-Type header is not trusted
// for the charset: portal servers often label GBK pages wrongly.
func ParseHTML(body []byte, _ string, pageURL string) (title string, links []Link, err error) {
	base, err := url.Parse(pageURL)
	if err != nil {
		return "", nil, err
	}
	// The report reader's decoder, not the Content-Type header: portal
	// servers label GBK pages ISO-8859-1 or nothing at all.
	page, _ := exthtml.DecodePage(body)
	root, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", pageURL, err)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "title":
				if title == "" {
					title = squash(textOf(n))
				}
			case "base":
				if b, err := base.Parse(attr(n, "href")); err == nil && attr(n, "href") != "" {
					base = b
				}
			case "a", "area":
				if l, ok := resolve(base, attr(n, "href")); ok {
					text := squash(textOf(n))
					if text == "" {
						text = squash(attr(n, "title"))
					}
					links = append(links, Link{Text: text, URL: l})
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return title, links, nil
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
