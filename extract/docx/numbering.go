package docx

import (
	"strconv"
	"strings"
	"unicode"
)

// level is one level of an abstract list definition.
type lvl struct {
	start   int
	format  string // numFmt
	text    string // lvlText, such as "%1、" or "（%2）"
	suffix  string // suff: tab (the default), space, nothing
	legal   bool   // isLgl: render every level in decimal
	restart int    // lvlRestart: -1 = default (restart after any higher level)
}

type numbering struct {
	abstract map[string]map[int]*lvl // abstractNumId → ilvl → level
	nums     map[string]numInst      // numId → instance
	// counters hold the running count per list and level. Word continues a
	// list across w:num instances of the same abstract definition, so the
	// key is the abstract ID; a startOverride restarts it.
	counters map[string][]int
	started  map[string]bool // numIds already used, for startOverride
}

type numInst struct {
	abstract  string
	overrides map[int]int // ilvl → startOverride
}

func parseNumbering(root *node) *numbering {
	nb := &numbering{
		abstract: map[string]map[int]*lvl{},
		nums:     map[string]numInst{},
		counters: map[string][]int{},
		started:  map[string]bool{},
	}
	if root == nil {
		return nb
	}
	for _, n := range root.path("numbering").children() {
		switch n.name {
		case "abstractNum":
			levels := map[int]*lvl{}
			for _, l := range n.kids {
				if l.name != "lvl" {
					continue
				}
				i, _ := strconv.Atoi(l.attr("ilvl"))
				lv := &lvl{start: 1, format: l.val("numFmt"), text: l.val("lvlText"), suffix: l.val("suff"), legal: l.onOff("isLgl"), restart: -1}
				if v := l.val("start"); v != "" {
					lv.start, _ = strconv.Atoi(v)
				}
				if v := l.val("lvlRestart"); v != "" {
					lv.restart, _ = strconv.Atoi(v)
				}
				if lv.format == "" {
					lv.format = "decimal"
				}
				levels[i] = lv
			}
			nb.abstract[n.attr("abstractNumId")] = levels
		case "num":
			inst := numInst{abstract: n.val("abstractNumId"), overrides: map[int]int{}}
			for _, o := range n.kids {
				if o.name == "lvlOverride" {
					if v := o.val("startOverride"); v != "" {
						i, _ := strconv.Atoi(o.attr("ilvl"))
						inst.overrides[i], _ = strconv.Atoi(v)
					}
				}
			}
			nb.nums[n.attr("numId")] = inst
		}
	}
	return nb
}

// marker advances the counters of list numID at level ilvl and returns the
// rendered marker with its separator, such as "一、" or "（二）" or "1. ".
// numId 0 means "numbering removed" in OOXML and yields "".
func (nb *numbering) marker(numID string, ilvl int) string {
	inst, ok := nb.nums[numID]
	if !ok || numID == "0" || ilvl < 0 || ilvl > 8 {
		return ""
	}
	levels := nb.abstract[inst.abstract]
	lv := levels[ilvl]
	if lv == nil {
		return ""
	}
	c := nb.counters[inst.abstract]
	if c == nil {
		c = make([]int, 9)
		for i := range c {
			c[i] = startOf(levels, inst, i) - 1
		}
	}
	if !nb.started[numID] {
		nb.started[numID] = true
		for i, v := range inst.overrides {
			if i >= 0 && i < 9 {
				c[i] = v - 1
			}
		}
	}
	c[ilvl]++
	// Deeper levels restart after this one, unless they say otherwise.
	for i := ilvl + 1; i < 9; i++ {
		if l := levels[i]; l == nil || l.restart != 0 {
			c[i] = startOf(levels, inst, i) - 1
		}
	}
	nb.counters[inst.abstract] = c
	if lv.format == "bullet" {
		// A bullet glyph (often a Symbol-font private-use character) carries no content.
		return ""
	}

	var b strings.Builder
	t := lv.text
	for i := 0; i < len(t); i++ {
		if t[i] == '%' && i+1 < len(t) && t[i+1] >= '1' && t[i+1] <= '9' {
			k := int(t[i+1] - '1')
			f := "decimal"
			if l := levels[k]; l != nil && !(lv.legal && k != ilvl) {
				f = l.format
			}
			b.WriteString(formatNumber(f, max(c[k], 0)))
			i++
			continue
		}
		b.WriteByte(t[i])
	}
	m := b.String()
	if m == "" {
		return ""
	}
	return m + separator(lv.suffix, m)
}

func startOf(levels map[int]*lvl, inst numInst, i int) int {
	if l := levels[i]; l != nil {
		return l.start
	}
	return 1
}

// separator renders the suffix between marker and text. A tab after a marker
// ending in punctuation ("一、", "（一）", "1.") is layout, not content: a
// reader sees "一、基本情况"; after a bare number or bullet it is a space.
func separator(suff, marker string) string {
	if suff == "nothing" {
		return ""
	}
	r := []rune(marker)
	last := r[len(r)-1]
	if unicode.IsPunct(last) && last != '•' && last != '·' {
		return ""
	}
	return " "
}
