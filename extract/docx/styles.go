package docx

import (
	"regexp"
	"strconv"
	"strings"
)

// style is one paragraph style of styles.xml, reduced to what decides
// heading levels and inherited list numbering.
type style struct {
	name       string
	basedOn    string
	outlineLvl int // 0-based as in OOXML, -1 when the style sets none
	numID      string
	ilvl       int
}

type styles struct {
	byID     map[string]*style
	defaultP string // the default paragraph style's ID
}

// headingName recognises heading styles by name. Style IDs differ by
// producer and UI language (Word: "Heading1", "1"; WPS: "2"; Chinese Word:
// "a1"…), but the names are the built-in English ones or their Chinese
// translations.
var headingName = regexp.MustCompile(`^(?:heading|标题|標題)\s*([1-9])$`)

// titleNames are styles that carry the document title; zipin treats the
// title as the top heading.
var titleNames = map[string]bool{"title": true, "标题": true, "標題": true}

func parseStyles(root *node) *styles {
	s := &styles{byID: map[string]*style{}}
	if root == nil {
		return s
	}
	for _, n := range root.path("styles").children() {
		if n.name != "style" || (n.attr("type") != "paragraph" && n.attr("type") != "") {
			continue
		}
		st := &style{
			name:       strings.ToLower(strings.TrimSpace(n.val("name"))),
			basedOn:    n.val("basedOn"),
			outlineLvl: -1,
		}
		ppr := n.child("pPr")
		if v := ppr.val("outlineLvl"); v != "" {
			if l, err := strconv.Atoi(v); err == nil {
				st.outlineLvl = l
			}
		}
		if np := ppr.child("numPr"); np != nil {
			st.numID = np.val("numId")
			st.ilvl, _ = strconv.Atoi(np.val("ilvl"))
		}
		id := n.attr("styleId")
		s.byID[id] = st
		if d := n.attr("default"); d == "1" || d == "true" {
			s.defaultP = id
		}
	}
	return s
}

// chain walks a style and the styles it is based on, guarding against cycles.
func (s *styles) chain(id string, f func(*style) bool) {
	if id == "" {
		id = s.defaultP
	}
	for i := 0; i < 20 && id != ""; i++ {
		st := s.byID[id]
		if st == nil || f(st) {
			return
		}
		id = st.basedOn
	}
}

// level returns the heading level (1 = top) of a paragraph style, 0 for body text.
func (s *styles) level(id string) int {
	lvl := 0
	s.chain(id, func(st *style) bool {
		if m := headingName.FindStringSubmatch(st.name); m != nil {
			lvl = int(m[1][0] - '0')
			return true
		}
		if titleNames[st.name] {
			lvl = 1
			return true
		}
		if st.outlineLvl >= 0 && st.outlineLvl < 9 {
			lvl = st.outlineLvl + 1
			return true
		}
		return st.outlineLvl == 9 // explicitly body text
	})
	return lvl
}

// numbering returns the list numbering a style gives its paragraphs.
func (s *styles) numbering(id string) (numID string, ilvl int) {
	s.chain(id, func(st *style) bool {
		if st.numID != "" {
			numID, ilvl = st.numID, st.ilvl
			return true
		}
		return false
	})
	return numID, ilvl
}
