package docx

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"zipin/extract/docx/opc"
)

// node is a WordprocessingML element reduced to what the reader uses. Names
// and attribute keys are local names: Word, WPS, LibreOffice and Strict OOXML
// use different namespace URIs for the same vocabulary, and no two elements
// the reader cares about share a local name.
type node struct {
	name  string
	attrs map[string]string
	kids  []*node
	text  string // character data of w:t, w:delText, w:instrText
}

// skipped are subtrees that never contribute body text: run and paragraph
// properties beyond what parse keeps, deleted revisions, field codes, and the
// VML fallback of a text box (its wps:txbx twin in mc:Choice is kept, so
// the text would otherwise appear twice).
var skipped = map[string]bool{
	"rPr": true, "del": true, "delText": true, "instrText": true, "moveFrom": true,
	"Fallback": true, "sectPrChange": true, "pPrChange": true, "rPrChange": true,
	"tblPrChange": true, "tcPrChange": true, "trPrChange": true, "tblGrid": true,
	"commentRangeStart": true, "commentRangeEnd": true, "commentReference": true,
	"bookmarkStart": true, "bookmarkEnd": true, "proofErr": true, "lang": true,
	"tblBorders": true, "tcBorders": true, "shd": true, "rFonts": true, "spacing": true,
	"ind": true, "jc": true, "tblW": true, "tcW": true, "tblLook": true,
}

// textElems keep their character data.
var textElems = map[string]bool{"t": true}

// maxNodes bounds the tree a part may build, so that a small but
// element-dense document.xml cannot exhaust memory.
const maxNodes = 1_000_000

// maxDepth bounds element nesting: the walkers recurse, and a crafted
// part nesting a million elements would overflow the stack, which no
// recover() can catch. Real documents nest a few dozen levels.
const maxDepth = 256

var errTooDeep = fmt.Errorf("XML nested deeper than %d levels", maxDepth)

var errTooManyNodes = fmt.Errorf("more than %d XML elements (a report has far fewer)", maxNodes)

// parseTree reads an XML part into a node tree.
func parseTree(b []byte) (*node, error) {
	d := opc.NewDecoder(b)
	root := &node{name: "#root"}
	stack := []*node{root}
	count := 0
	skip := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			// A truncated or damaged part still yields what came before.
			if count > 0 {
				return root, fmt.Errorf("damaged XML after %d elements: %w", count, err)
			}
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if skip == 1 && t.Name.Local == "rFonts" {
				// The one run property kept: a run in a tick-box font
				// (Wingdings) holds symbols, not letters (see tickFonts).
				for _, a := range t.Attr {
					if f := strings.ToLower(strings.TrimSpace(a.Value)); a.Name.Local == "ascii" && tickFonts[f] != nil {
						top := stack[len(stack)-1]
						if top.attrs == nil {
							top.attrs = map[string]string{}
						}
						top.attrs["tickFont"] = f
					}
				}
			}
			if skip > 0 || skipped[t.Name.Local] {
				skip++
				continue
			}
			count++
			if count > maxNodes {
				return nil, errTooManyNodes
			}
			if len(stack) > maxDepth {
				return nil, errTooDeep
			}
			n := &node{name: t.Name.Local}
			if len(t.Attr) > 0 {
				n.attrs = make(map[string]string, len(t.Attr))
				for _, a := range t.Attr {
					n.attrs[a.Name.Local] = a.Value
				}
			}
			top := stack[len(stack)-1]
			top.kids = append(top.kids, n)
			stack = append(stack, n)
		case xml.EndElement:
			if skip > 0 {
				skip--
				continue
			}
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			if skip > 0 {
				continue
			}
			if top := stack[len(stack)-1]; textElems[top.name] {
				top.text += string(t)
			}
		}
	}
	return root, nil
}

func (n *node) attr(k string) string {
	if n == nil {
		return ""
	}
	return n.attrs[k]
}

// child returns the first child with the given local name, or nil.
func (n *node) child(name string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

// path follows a chain of first children.
func (n *node) path(names ...string) *node {
	for _, s := range names {
		n = n.child(s)
	}
	return n
}

// children returns n's child elements; a missing element (nil, as child and
// path return for a part cut short) has none, so callers never dereference nil.
func (n *node) children() []*node {
	if n == nil {
		return nil
	}
	return n.kids
}

// find returns the first descendant (depth-first) with the given name.
func (n *node) find(name string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
		if f := k.find(name); f != nil {
			return f
		}
	}
	return nil
}

// val is the w:val attribute of the named child, "" if absent.
func (n *node) val(name string) string { return n.child(name).attr("val") }

// onOff reads a toggle property such as <w:b/> or <w:vanish w:val="0"/>.
func (n *node) onOff(name string) bool {
	c := n.child(name)
	if c == nil {
		return false
	}
	switch strings.ToLower(c.attr("val")) {
	case "0", "false", "off":
		return false
	}
	return true
}
