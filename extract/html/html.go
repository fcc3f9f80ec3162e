// Package html reads web pages into the document model of extract/doc with
// golang.org/x/net/html, which parses the way browsers do and so copes with
// the unclosed tags, stray markup and truncated downloads of portal pages.
//
// A report page is mostly navigation around one content container. The
// reader drops the elements that are boilerplate by their tag or by their
// class/id, then keeps the smallest container holding most of the
// remaining text: simple, and robust to templates it has never seen.
package html

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"zipin/extract/doc"
	"zipin/extract/docx/tables"
)

// Read extracts the main content of an HTML page: headings with levels,
// paragraphs as lines, tables with rowspan/colspan, and links to attachments.
func Read(ctx context.Context, name string, data []byte) (*doc.Document, error) {
	if len(data) > maxPage {
		return nil, doc.Fail(doc.ErrTooLarge, doc.FormatHTML, 0, "page of %d MB, over the %d MB limit", len(data)>>20, maxPage>>20)
	}
	s, enc := DecodePage(data)
	root, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return nil, doc.Fail(doc.ErrDamaged, doc.FormatHTML, 0, "cannot parse: %v", err)
	}
	d := &doc.Document{Format: doc.FormatHTML}
	if t := find(root, atom.Title); t != nil {
		d.Title = StripSiteName(collapse(textOf(t)))
	}
	body := find(root, atom.Body)
	if body == nil {
		body = root
	}
	prune(body, 0, false)
	main := mainContent(body)
	d.Links = links(root, main)
	w := &walker{ctx: ctx}
	w.blocks(main, 0)
	w.flush()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(w.out) == 0 {
		reason := "the page has no text in its body"
		if !bytes.Contains(bytes.ToLower(data[max(0, len(data)-4096):]), []byte("</html")) {
			reason += fmt.Sprintf(" (the page looks truncated: %d bytes without a closing </html>)", len(data))
		}
		return nil, doc.Fail(doc.ErrEmpty, doc.FormatHTML, 0, "%s", reason)
	}
	q := 1.0
	if n := strings.Count(s, "\uFFFD"); n > 0 {
		q = max(0, 1-float64(n)/float64(max(utf8.RuneCountInString(s)/10, 1)))
	}
	d.Pages = []doc.Page{{Number: 1, Blocks: w.out, Method: "html-" + enc, Quality: q}}
	return d, nil
}

// maxPage bounds the page size: a report page is well under a megabyte,
// and the parsed tree costs several times the bytes.
const maxPage = 32 << 20

// boilerTags never hold report content.
var boilerTags = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Nav: true, atom.Aside: true, atom.Form: true, atom.Iframe: true, atom.Select: true,
	atom.Button: true, atom.Svg: true, atom.Object: true, atom.Embed: true, atom.Head: true,
	atom.Header: true, atom.Footer: true, atom.Input: true, atom.Textarea: true, atom.Map: true,
}

// boilerWords in a class or id mark navigation, page chrome and sharing
// widgets in portal templates, including the pinyin names (daohang 导航,
// weizhi 位置, banquan 版权) Chinese templates use.
var boilerWords = map[string]bool{
	"nav": true, "navbar": true, "navigation": true, "menu": true, "menubar": true, "footer": true,
	"breadcrumb": true, "breadcrumbs": true, "crumb": true, "crumbs": true, "sidebar": true,
	"copyright": true, "share": true, "login": true, "search": true, "topbar": true,
	"daohang": true, "dh": true, "weizhi": true, "banquan": true, "foot": true, "bottom": true,
	"toolbar": true, "skip": true, "qrcode": true, "ewm": true, "logo": true, "position": true,
	"location": true, "dqwz": true, "sitemap": true,
}

var wordSplit = regexp.MustCompile(`[^a-zA-Z]+`)

func isBoiler(n *html.Node) bool {
	if boilerTags[n.DataAtom] {
		return true
	}
	for _, a := range n.Attr {
		if a.Key != "class" && a.Key != "id" && a.Key != "role" {
			continue
		}
		if a.Key == "role" && (a.Val == "navigation" || a.Val == "banner" || a.Val == "contentinfo") {
			return true
		}
		for _, w := range wordSplit.Split(strings.ToLower(a.Val), -1) {
			if boilerWords[w] {
				return true
			}
		}
	}
	if n.DataAtom == atom.Div || n.DataAtom == atom.Span || n.DataAtom == atom.P {
		for _, a := range n.Attr {
			if a.Key == "style" && strings.Contains(strings.ReplaceAll(strings.ToLower(a.Val), " ", ""), "display:none") {
				return true
			}
		}
	}
	return false
}

// maxDepth bounds recursion over crafted, deeply nested markup.
const maxDepth = 400

// prune removes boilerplate subtrees. Elements holding a table are kept even
// if their class looks like chrome: a 自评表 is never navigation.
// An article's own <header> holds its title and date, not site chrome.
func prune(n *html.Node, depth int, inArticle bool) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		ownHeader := inArticle && (c.DataAtom == atom.Header || c.DataAtom == atom.Footer)
		if c.Type == html.CommentNode || (c.Type == html.ElementNode && (depth > maxDepth || !ownHeader && isBoiler(c) && (boilerTags[c.DataAtom] || find(c, atom.Table) == nil))) {
			n.RemoveChild(c)
		} else if c.Type == html.ElementNode {
			prune(c, depth+1, inArticle || c.DataAtom == atom.Article || c.DataAtom == atom.Main)
		}
		c = next
	}
}

// mainContent picks the smallest container holding most of the text, then
// widens it to take in a title or date line that sits just outside.
func mainContent(body *html.Node) *html.Node {
	sizes := map[*html.Node]int{}
	var measure func(n *html.Node) int
	measure = func(n *html.Node) int {
		t := 0
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				t += utf8.RuneCountInString(strings.TrimSpace(c.Data))
			case html.ElementNode:
				t += measure(c)
			}
		}
		if n.DataAtom == atom.A {
			t /= 4 // link text is mostly navigation
		}
		sizes[n] = t
		return t
	}
	total := measure(body)
	if total == 0 {
		return body
	}
	best := body
	for {
		var next *html.Node
		for c := best.FirstChild; c != nil; c = c.NextSibling {
			// A data table is content as a whole: descending into its rows
			// would lose the grid.
			if c.Type == html.ElementNode && sizes[c]*10 >= total*7 && !(c.DataAtom == atom.Table && dataTable(c, 0) != nil) {
				next = c
			}
		}
		if next == nil {
			break
		}
		best = next
	}
	for best != body && best.Parent != nil {
		p := best.Parent
		if extra := sizes[p] - sizes[best]; extra > max(sizes[best]*15/100, 150) || !titleBeside(best) {
			break
		}
		best = p
	}
	return best
}

// titleBeside reports whether a sibling of n holds a heading or a title
// block: templates put the article title in a box of its own above the body.
func titleBeside(n *html.Node) bool {
	for c := n.Parent.FirstChild; c != nil; c = c.NextSibling {
		if c == n || c.Type != html.ElementNode {
			continue
		}
		if headingLevel[c.DataAtom] > 0 || hasTitleClass(c) {
			return true
		}
		for _, a := range []atom.Atom{atom.H1, atom.H2, atom.H3} {
			if find(c, a) != nil {
				return true
			}
		}
	}
	return false
}

func hasTitleClass(n *html.Node) bool {
	for _, a := range n.Attr {
		if a.Key == "class" || a.Key == "id" {
			for _, w := range wordSplit.Split(strings.ToLower(a.Val), -1) {
				if w == "title" || w == "biaoti" || w == "bt" || w == "tit" {
					return true
				}
			}
		}
	}
	return false
}

// attachmentExt are the file types the harvester follows.
var attachmentExt = regexp.MustCompile(`(?i)\.(pdf|docx?|xlsx?|wps|et|ofd|zip|rar|7z|txt|csv)(?:$|[?#])`)

// links keeps every link in the main content and every attachment link on
// the page, each once, with its text and href as written.
func links(root, main *html.Node) []doc.Link {
	var out []doc.Link
	seen := map[string]bool{}
	var walk func(n *html.Node, inMain bool, depth int)
	walk = func(n *html.Node, inMain bool, depth int) {
		if depth > maxDepth {
			return
		}
		inMain = inMain || n == main
		if n.Type == html.ElementNode && n.DataAtom == atom.A {
			href := strings.TrimSpace(attr(n, "href"))
			if href != "" && !strings.HasPrefix(href, "#") && !strings.HasPrefix(strings.ToLower(href), "javascript:") &&
				(inMain || attachmentExt.MatchString(href)) && !seen[href] {
				seen[href] = true
				out = append(out, doc.Link{Text: collapse(textOf(n)), Href: href})
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inMain, depth+1)
		}
	}
	walk(root, false, 0)
	return out
}

// walker renders a subtree into blocks.
type walker struct {
	ctx   context.Context
	out   []doc.Block
	lines []string
	line  strings.Builder
}

// blockTags start and end a line of their own.
var blockTags = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Main: true,
	atom.Li: true, atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.Dd: true, atom.Dt: true,
	atom.Blockquote: true, atom.Pre: true, atom.Center: true, atom.Tr: true, atom.Td: true,
	atom.Th: true, atom.Tbody: true, atom.Caption: true, atom.Address: true, atom.Figure: true,
	atom.Figcaption: true, atom.Hr: true, atom.Body: true,
}

var headingLevel = map[atom.Atom]int{atom.H1: 1, atom.H2: 2, atom.H3: 3, atom.H4: 4, atom.H5: 5, atom.H6: 6}

func (w *walker) newLine() {
	if s := strings.TrimSpace(w.line.String()); s != "" {
		w.lines = append(w.lines, s)
	}
	w.line.Reset()
}

func (w *walker) flush() {
	w.newLine()
	if len(w.lines) > 0 {
		w.out = append(w.out, doc.Block{Kind: doc.BlockParagraph, Lines: toLines(w.lines)})
		w.lines = nil
	}
}

// paragraph tags end a paragraph block; other block tags only a line.
var paragraphTags = map[atom.Atom]bool{atom.P: true, atom.Pre: true, atom.Blockquote: true, atom.Li: true, atom.Hr: true}

func (w *walker) blocks(n *html.Node, depth int) {
	if depth > maxDepth || w.ctx.Err() != nil {
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			w.line.WriteString(collapseKeepEdges(c.Data))
		case html.ElementNode:
			switch {
			case c.DataAtom == atom.Br:
				w.newLine()
			case headingLevel[c.DataAtom] > 0:
				w.flush()
				sub := &walker{ctx: w.ctx}
				sub.blocks(c, depth+1)
				sub.newLine()
				if len(sub.lines) > 0 {
					w.out = append(w.out, doc.Block{Kind: doc.BlockHeading, Level: headingLevel[c.DataAtom], Lines: toLines(sub.lines)})
				}
				w.out = append(w.out, sub.out...) // a table inside a heading, rarely
			case c.DataAtom == atom.Table:
				if t := dataTable(c, depth); t != nil {
					w.flush()
					w.out = append(w.out, doc.Block{Kind: doc.BlockTable, Table: t})
				} else {
					w.flush()
					w.blocks(c, depth+1)
					w.flush()
				}
			case c.DataAtom == atom.Img:
				// images carry no text
			case paragraphTags[c.DataAtom]:
				w.flush()
				w.blocks(c, depth+1)
				w.flush()
			case blockTags[c.DataAtom]:
				w.newLine()
				w.blocks(c, depth+1)
				w.newLine()
			default:
				w.blocks(c, depth+1)
			}
		}
	}
}

func toLines(ss []string) []doc.Line {
	ls := make([]doc.Line, len(ss))
	for i, s := range ss {
		ls[i] = doc.Line{Text: s}
	}
	return ls
}

// maxTableCells bounds one table's grid against hostile spans.
const maxTableCells = 200_000

// dataTable returns the table as a grid, or nil when it is a layout table:
// one that holds other tables, or has a single column or a single cell.
func dataTable(t *html.Node, depth int) *doc.Table {
	var rows [][]tables.Span
	var nested bool
	var caption string
	var walk func(n *html.Node, d int)
	walk = func(n *html.Node, d int) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Table:
				nested = true
			case atom.Caption:
				caption = collapse(textOf(c))
			case atom.Tr:
				var row []tables.Span
				for td := c.FirstChild; td != nil; td = td.NextSibling {
					if td.Type == html.ElementNode && (td.DataAtom == atom.Td || td.DataAtom == atom.Th) {
						if find(td, atom.Table) != nil {
							nested = true
						}
						row = append(row, tables.Span{Text: cellText(td, depth), RowSpan: spanAttr(td, "rowspan"), ColSpan: spanAttr(td, "colspan")})
					}
				}
				rows = append(rows, row)
			case atom.Thead, atom.Tbody, atom.Tfoot:
				if d < 3 {
					walk(c, d+1)
				}
			}
		}
	}
	walk(t, 0)
	if nested || len(rows) == 0 {
		return nil
	}
	tb := tables.FromRows(rows, maxTableCells)
	if tb.Cols < 2 || len(tb.Cells) < 2 {
		return nil
	}
	tb.Caption = caption
	return tb
}

func spanAttr(n *html.Node, key string) int {
	v, err := strconv.Atoi(strings.TrimSpace(attr(n, key)))
	if err != nil || v < 1 {
		return 1
	}
	return min(v, 1000)
}

// cellText renders a cell's content as lines joined by newlines.
func cellText(n *html.Node, depth int) string {
	sub := &walker{ctx: context.Background()}
	sub.blocks(n, depth+1)
	sub.flush()
	var parts []string
	for _, b := range sub.out {
		parts = append(parts, b.Text())
	}
	return strings.Join(parts, "\n")
}

func find(n *html.Node, a atom.Atom) *html.Node {
	var walk func(n *html.Node, depth int) *html.Node
	walk = func(n *html.Node, depth int) *html.Node {
		if depth > maxDepth {
			return nil
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.DataAtom == a {
				return c
			}
			if f := walk(c, depth+1); f != nil {
				return f
			}
		}
		return nil
	}
	return walk(n, 0)
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
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		if depth > maxDepth {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.TextNode {
				b.WriteString(c.Data)
			}
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}

var spaces = regexp.MustCompile(`[ \t\r\n\f\x{00A0}]+`)

// collapse applies HTML whitespace collapsing and trims. A no-break space
// counts as a space: portals indent with runs of &nbsp;.
func collapse(s string) string { return strings.TrimSpace(spaces.ReplaceAllString(s, " ")) }

func collapseKeepEdges(s string) string { return spaces.ReplaceAllString(s, " ") }
