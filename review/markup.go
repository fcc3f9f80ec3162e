package review

import (
	"cmp"
	"fmt"
	"html/template"
	"slices"
	"strings"

	"zipin/schema"
)

// span is a highlight over runes [start,end) of a page.
type span struct {
	start, end int
	open       string // the opening tag, already escaped
}

// anchor is an empty element with an id at a rune position, for links to
// places that no fact covers.
type anchor struct {
	at int
	id string
}

// problem is something the auditor should see: a fact that cannot be shown
// where its offsets say, or whose span differs from its text.
type problem struct {
	Seq  int32
	Page int32
	Text string
	Href string
}

// pageMarkup escapes a page's text and wraps each fact in a <mark> at its
// rune offsets. Facts nest when one lies inside another; a fact that
// partly overlaps an earlier one, or whose offsets fall outside the page, is
// left out and reported.
func pageMarkup(t schema.Text, facts []schema.Fact, anchors []anchor) (template.HTML, []problem) {
	runes := []rune(t.Text)
	var probs []problem
	var spans []span
	sorted := slices.Clone(facts)
	slices.SortStableFunc(sorted, func(a, b schema.Fact) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(b.End, a.End), cmp.Compare(a.Seq, b.Seq))
	})
	var open []span // accepted spans still open at the current start
	var openSeq []int32
	for _, f := range sorted {
		s, e := int(f.Start), int(f.End)
		if s < 0 || e <= s || e > len(runes) {
			probs = append(probs, problem{f.Seq, f.Page, fmt.Sprintf("offsets [%d,%d) lie outside the page (%d characters); facts.text is %q", s, e, len(runes), f.Text), ""})
			continue
		}
		for len(open) > 0 && open[len(open)-1].end <= s {
			open, openSeq = open[:len(open)-1], openSeq[:len(openSeq)-1]
		}
		if len(open) > 0 && e > open[len(open)-1].end {
			probs = append(probs, problem{f.Seq, f.Page, fmt.Sprintf("[%d,%d) %q overlaps fact #%d partly, so it is not highlighted", s, e, f.Text, openSeq[len(openSeq)-1]), ""})
			continue
		}
		class := "fact k-" + kindClass(f.Kind)
		if got := string(runes[s:e]); got != f.Text {
			class += " mismatch"
			probs = append(probs, problem{f.Seq, f.Page, fmt.Sprintf("the text at [%d,%d) is %q, but facts.text is %q", s, e, got, f.Text), factHref(f.Seq)})
		}
		sp := span{s, e, fmt.Sprintf(`<mark id="f-%d" class="%s" tabindex="0" data-seq="%d" data-kind="%s" data-metric="%s" data-text="%s" title="%s">`,
			f.Seq, class, f.Seq, esc(f.Kind), esc(deref(f.Metric)), esc(f.Text), esc(tooltip(f)))}
		spans = append(spans, sp)
		open, openSeq = append(open, sp), append(openSeq, f.Seq)
	}
	slices.SortStableFunc(anchors, func(a, b anchor) int { return cmp.Compare(a.at, b.at) })

	var b strings.Builder
	var stack []int // ends of the open marks
	si, ai, from := 0, 0, 0
	flush := func(to int) {
		if to > from {
			b.WriteString(template.HTMLEscapeString(string(runes[from:to])))
			from = to
		}
	}
	for pos := 0; pos <= len(runes); pos++ {
		closing := len(stack) > 0 && stack[len(stack)-1] == pos
		starting := si < len(spans) && spans[si].start == pos
		anchoring := ai < len(anchors) && anchors[ai].at <= pos
		if !closing && !starting && !anchoring {
			continue
		}
		flush(pos)
		for len(stack) > 0 && stack[len(stack)-1] == pos {
			b.WriteString("</mark>")
			stack = stack[:len(stack)-1]
		}
		for ai < len(anchors) && anchors[ai].at <= pos {
			fmt.Fprintf(&b, `<span class="anchor" id="%s"></span>`, esc(anchors[ai].id))
			ai++
		}
		for si < len(spans) && spans[si].start == pos {
			b.WriteString(spans[si].open)
			stack = append(stack, spans[si].end)
			si++
		}
	}
	flush(len(runes))
	return template.HTML(b.String()), probs
}

// kinds are the fact kinds with a colour of their own; any other kind is
// shown as other.
var kinds = []string{"money", "count", "percent", "score", "duration", "area", "other"}

func kindClass(k string) string {
	if slices.Contains(kinds, k) {
		return k
	}
	return "other"
}

// tooltip is what hovering a fact shows.
func tooltip(f schema.Fact) string {
	lines := []string{fmt.Sprintf("#%d %s", f.Seq, f.Kind)}
	if f.Metric != nil {
		lines = append(lines, "metric: "+*f.Metric)
	}
	v := number(f.Value)
	if f.ValueHigh != nil {
		v += "–" + number(*f.ValueHigh)
	}
	if f.Op != nil {
		v = *f.Op + " " + v
	}
	lines = append(lines, fmt.Sprintf("value: %s %s", v, f.Unit))
	lines = append(lines, "unit: "+f.Unit+" (written "+f.UnitText+")")
	if f.Approx != nil {
		lines = append(lines, "approx: "+*f.Approx)
	} else {
		lines = append(lines, "approx: exact")
	}
	if f.Subject != nil {
		lines = append(lines, "subject: "+*f.Subject)
	}
	if f.Section != nil {
		lines = append(lines, "section: "+*f.Section)
	}
	lines = append(lines, fmt.Sprintf("page %d, characters [%d,%d)", f.Page, f.Start, f.End))
	return strings.Join(lines, "\n")
}

func esc(s string) string { return template.HTMLEscapeString(s) }

func factHref(seq int32) string { return fmt.Sprintf("#f-%d", seq) }
