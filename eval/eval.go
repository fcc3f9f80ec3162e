package eval

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"unicode"

	"zipin/normalize"
	"zipin/schema"
)

// Fields are the headline fields compared, in report order.
var Fields = []string{"kind", "year", "organization", "budget", "executed", "rate", "self_score", "grade"}

// FieldScore counts one headline field.
type FieldScore struct {
	Gold      int // gold values that are not NULL
	Predicted int // our values that are not NULL
	Correct   int // ours equal gold
}

func (f FieldScore) Precision() float64 { return ratio(f.Correct, f.Predicted) }
func (f FieldScore) Recall() float64    { return ratio(f.Correct, f.Gold) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// Doc is one file that a gold label describes. Several files may carry the
// same gold id: the text of a report and its PDF and DOCX renderings are
// each scored against the one label.
type Doc struct {
	GoldID string
	DocID  string // the dataset key of the file (pipeline.DocID)
	Name   string // the file name, for messages
}

// Result is the outcome of one evaluation.
type Result struct {
	Docs         int
	Missing      []string // files a gold label describes that produced no report (quarantined, failed)
	Unmatched    []string // gold ids with no file at all
	Fields       map[string]*FieldScore
	GoldFacts    int
	FoundFacts   int
	Facts        int // facts written for the documents scored
	ExactOffsets int
	Misses       []string
	Warnings     map[string][]string // file name → report warnings, for --verbose
	Titles       []string            // one line per document, for --verbose
	// Formats holds the same figures for each document format (txt, pdf,
	// docx, … as detected from the bytes); nil inside a per-format result.
	Formats map[string]*Result
}

func newResult() *Result {
	res := &Result{Fields: map[string]*FieldScore{}, Warnings: map[string][]string{}}
	for _, f := range Fields {
		res.Fields[f] = &FieldScore{}
	}
	return res
}

// Headline totals over all fields (micro-averaged).
func (r *Result) Headline() FieldScore {
	var t FieldScore
	for _, f := range r.Fields {
		t.Gold += f.Gold
		t.Predicted += f.Predicted
		t.Correct += f.Correct
	}
	return t
}

func (r *Result) FactRecall() float64 { return ratio(r.FoundFacts, r.GoldFacts) }
func (r *Result) Provenance() float64 { return ratio(r.ExactOffsets, r.Facts) }

// FormatNames lists the formats scored, sorted.
func (r *Result) FormatNames() []string {
	names := make([]string, 0, len(r.Formats))
	for n := range r.Formats {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Dataset is the part of the dataset an evaluation reads.
type Dataset struct {
	Reports []schema.Report
	Facts   []schema.Fact
	Texts   []schema.Text
}

// Compare scores every document in docs against its gold label, overall and
// per format. Gold ids that no document carries are listed in Unmatched.
// Provenance counts every fact of the dataset overall, and the facts of each
// format's documents in that format's result.
func Compare(golds []Gold, docs []Doc, ds *Dataset) *Result {
	res := newResult()
	res.Formats = map[string]*Result{}
	reports := map[string]schema.Report{}
	for _, r := range ds.Reports {
		reports[r.DocID] = r
	}
	facts := map[string][]schema.Fact{}
	for _, f := range ds.Facts {
		facts[f.DocID] = append(facts[f.DocID], f)
	}
	texts := map[string]map[int32]string{}
	for _, t := range ds.Texts {
		if texts[t.DocID] == nil {
			texts[t.DocID] = map[int32]string{}
		}
		texts[t.DocID][t.Page] = t.Text
	}
	formatOf := func(id string) string {
		if r, ok := reports[id]; ok && r.Format != "" {
			return r.Format
		}
		return "unknown"
	}
	sub := func(format string) *Result {
		if res.Formats[format] == nil {
			res.Formats[format] = newResult()
		}
		return res.Formats[format]
	}
	for _, f := range ds.Facts {
		ok, miss := exactOffsets(f, texts[f.DocID])
		for _, r := range []*Result{res, sub(formatOf(f.DocID))} {
			r.Facts++
			if ok {
				r.ExactOffsets++
			} else {
				r.Misses = append(r.Misses, miss)
			}
		}
	}
	byID := map[string]Gold{}
	for _, g := range golds {
		byID[g.ID] = g
	}
	carried := map[string]bool{}
	for _, d := range docs {
		g, ok := byID[d.GoldID]
		if !ok {
			continue
		}
		carried[d.GoldID] = true
		rep, ok := reports[d.DocID]
		if !ok {
			res.Missing = append(res.Missing, d.Name)
			continue
		}
		for _, r := range []*Result{res, sub(formatOf(d.DocID))} {
			r.Docs++
			r.Warnings[d.Name] = rep.Warnings
			r.Titles = append(r.Titles, fmt.Sprintf("%s: %s [%s] org=%s warnings=%q", d.Name, rep.Title, rep.Kind, show(rep.Organization), rep.Warnings))
			compareHeadline(r, d.Name, g, rep)
			compareFacts(r, d.Name, g, facts[d.DocID], texts[d.DocID])
		}
	}
	for _, g := range golds {
		if !carried[g.ID] {
			res.Unmatched = append(res.Unmatched, g.ID)
		}
	}
	// A format whose only facts belong to files no gold describes says
	// nothing about accuracy.
	for n, r := range res.Formats {
		if r.Docs == 0 {
			delete(res.Formats, n)
		}
	}
	return res
}

func exactOffsets(f schema.Fact, pages map[int32]string) (bool, string) {
	r := []rune(pages[f.Page])
	if f.Start >= 0 && f.End <= int32(len(r)) && f.Start <= f.End && string(r[f.Start:f.End]) == f.Text {
		return true, ""
	}
	id := f.DocID
	if len(id) > 8 {
		id = id[:8]
	}
	return false, fmt.Sprintf("provenance %s p%d [%d,%d) %q", id, f.Page, f.Start, f.End, f.Text)
}

func compareHeadline(res *Result, name string, g Gold, r schema.Report) {
	score := func(field string, goldSet, predSet, equal bool, gv, pv any) {
		fs := res.Fields[field]
		if goldSet {
			fs.Gold++
		}
		if predSet {
			fs.Predicted++
		}
		if goldSet && predSet && equal {
			fs.Correct++
			return
		}
		if goldSet || predSet {
			res.Misses = append(res.Misses, fmt.Sprintf("%s %s: gold %v, got %v", name, field, show(gv), show(pv)))
		}
	}
	score("kind", g.Kind != "", r.Kind != "", g.Kind == r.Kind, g.Kind, r.Kind)
	score("year", g.Year != nil, r.FiscalYear != nil, g.Year != nil && r.FiscalYear != nil && int32(*g.Year) == *r.FiscalYear, g.Year, r.FiscalYear)
	var dep *string
	if g.Department != nil {
		s := normalize.String(*g.Department)
		dep = &s
	}
	score("organization", dep != nil, r.Organization != nil, dep != nil && r.Organization != nil && *dep == *r.Organization, dep, r.Organization)
	money := func(field string, wan *float64, yuan *schema.Money) {
		var gy *int64
		if wan != nil {
			v := int64(math.Round(*wan * 1e6)) // 万元 → 分
			gy = &v
		}
		var got *int64
		if yuan != nil {
			got = new(int64(*yuan))
		}
		eq := gy != nil && got != nil && abs64(*gy-*got) <= 1
		score(field, gy != nil, got != nil, eq, fmtMoney(gy), fmtMoney(got))
	}
	money("budget", g.BudgetWan, r.BudgetYuan)
	money("executed", g.ExecWan, r.ExecutedYuan)
	num := func(field string, gv, pv *float64, tol float64) {
		score(field, gv != nil, pv != nil, gv != nil && pv != nil && math.Abs(*gv-*pv) <= tol, gv, pv)
	}
	num("rate", g.RatePct, r.ExecutionRate, 0.05)
	num("self_score", g.SelfScore, r.SelfScore, 0.005)
	score("grade", g.Grade != nil, r.Grade != nil, g.Grade != nil && r.Grade != nil && *g.Grade == *r.Grade, g.Grade, r.Grade)
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

func fmtMoney(v *int64) any {
	if v == nil {
		return nil
	}
	return fmt.Sprintf("%.2f元", float64(*v)/100)
}

func show(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case *int:
		if x == nil {
			return "NULL"
		}
		return fmt.Sprint(*x)
	case *int32:
		if x == nil {
			return "NULL"
		}
		return fmt.Sprint(*x)
	case *string:
		if x == nil {
			return "NULL"
		}
		return *x
	case *float64:
		if x == nil {
			return "NULL"
		}
		return fmt.Sprint(*x)
	}
	return fmt.Sprint(v)
}

// compareFacts counts a gold fact as found when a fact of the document has
// the same value in base units and a span overlapping the gold span.
func compareFacts(res *Result, name string, g Gold, facts []schema.Fact, pages map[int32]string) {
	for _, gf := range g.Facts {
		res.GoldFacts++
		want := BaseValue(gf.Value, gf.Unit)
		spans := locate(gf.Text, pages)
		found := false
		for _, f := range facts {
			if !sameValue(f.Value, want) {
				continue
			}
			for _, s := range spans {
				if s.page == f.Page && int(f.Start) < s.end && s.start < int(f.End) {
					found = true
				}
			}
		}
		if found {
			res.FoundFacts++
			continue
		}
		where := "span located"
		if len(spans) == 0 {
			where = "span NOT located in the normalized text"
		}
		res.Misses = append(res.Misses, fmt.Sprintf("%s fact %q = %g%s (%s)", name, gf.Text, gf.Value, gf.Unit, where))
	}
}

func sameValue(a, b float64) bool {
	return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b))+0.005
}

// goldMultipliers are the multipliers a gold unit may be written with, and
// their factors to zipin's base units (docs/SCHEMA.md, facts.value: money in
// 元, counts multiplied out: 2.5万余封 → 25000). The list is eval's own and
// deliberately not quantity's unit table: if that table carried a wrong
// factor, the extractor and the yardstick would agree on the wrong value.
// Longest first; a unit starting with none of them has factor 1 (个, %, 分,
// ㎡, 千米 — 千 alone is not a multiplier: 千米 and 千克 are units).
var goldMultipliers = []struct {
	prefix string
	factor float64
}{
	{"百万元", 1e6},
	{"千万元", 1e7},
	{"千元", 1e3},
	{"亿", 1e8},
	{"万", 1e4},
}

// BaseValue converts a gold value written in unit to zipin's base unit:
// 12.5 万元 → 125000 (元), 3 万人 → 30000, 15 个 → 15.
func BaseValue(value float64, unit string) float64 {
	unit = strings.TrimSpace(unit)
	for _, m := range goldMultipliers {
		if strings.HasPrefix(unit, m.prefix) {
			return value * m.factor
		}
	}
	return value
}

type span struct {
	page       int32
	start, end int
}

// locate finds the gold text in the normalized pages, normalizing it the
// same way. A span may run across a page break (a sentence the PDF layout
// carried onto the next page): it is then returned as one span per page.
// Failing an exact match, whitespace is ignored on both sides, so a span
// whose space became a line break in a rendering is still found.
func locate(text string, pages map[int32]string) []span {
	keys := make([]int32, 0, len(pages))
	for k := range pages {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	needle := []rune(normalize.String(text))
	for _, squeeze := range []bool{false, true} {
		hay, pos := haystack(keys, pages, squeeze)
		n := needle
		if squeeze {
			n = dropSpace(needle)
		}
		if len(n) == 0 {
			return nil
		}
		var out []span
		for i := 0; i+len(n) <= len(hay); i++ {
			if !runesEqual(hay[i:i+len(n)], n) {
				continue
			}
			out = append(out, spansOf(pos[i:i+len(n)])...)
			i += len(n) - 1
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

// where is a rune's place in the pages.
type where struct {
	page int32
	off  int
}

// haystack concatenates the pages in order, without separators, recording
// where each rune came from; squeeze leaves whitespace out.
func haystack(keys []int32, pages map[int32]string, squeeze bool) ([]rune, []where) {
	var hay []rune
	var pos []where
	for _, k := range keys {
		for i, r := range []rune(pages[k]) {
			if squeeze && unicode.IsSpace(r) {
				continue
			}
			hay = append(hay, r)
			pos = append(pos, where{k, i})
		}
	}
	return hay, pos
}

// spansOf turns the places of a match into one span per page.
func spansOf(pos []where) []span {
	var out []span
	for _, p := range pos {
		if n := len(out); n > 0 && out[n-1].page == p.page {
			out[n-1].end = p.off + 1
			continue
		}
		out = append(out, span{p.page, p.off, p.off + 1})
	}
	return out
}

func dropSpace(r []rune) []rune {
	out := make([]rune, 0, len(r))
	for _, c := range r {
		if !unicode.IsSpace(c) {
			out = append(out, c)
		}
	}
	return out
}

func runesEqual(a, b []rune) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Print writes the report: documents, the per-field table, the headline,
// fact recall and provenance lines, then one line per format when several
// formats were scored. byFormat adds each format's per-field table.
func (r *Result) Print(w io.Writer, verbose, byFormat bool) {
	fmt.Fprintf(w, "documents: %d evaluated", r.Docs)
	if names := r.FormatNames(); len(names) > 0 {
		parts := make([]string, len(names))
		for i, n := range names {
			parts[i] = fmt.Sprintf("%d %s", r.Formats[n].Docs, n)
		}
		fmt.Fprintf(w, " (%s)", strings.Join(parts, ", "))
	}
	if len(r.Missing) > 0 {
		fmt.Fprintf(w, ", %d missing (%s)", len(r.Missing), strings.Join(r.Missing, ", "))
	}
	if len(r.Unmatched) > 0 {
		fmt.Fprintf(w, "; %d gold ids with no file here", len(r.Unmatched))
		if verbose {
			fmt.Fprintf(w, " (%s)", strings.Join(r.Unmatched, ", "))
		}
	}
	fmt.Fprintln(w)
	r.printTable(w)
	if len(r.Formats) > 1 || byFormat {
		for _, n := range r.FormatNames() {
			f := r.Formats[n]
			h := f.Headline()
			fmt.Fprintf(w, "format %-5s %3d docs  headline %5.1f%% / %5.1f%%  fact recall %s  provenance %d/%d = %.1f%%\n",
				n, f.Docs, 100*h.Precision(), 100*h.Recall(), f.factRecallText(),
				f.ExactOffsets, f.Facts, 100*f.Provenance())
		}
	}
	if byFormat {
		for _, n := range r.FormatNames() {
			fmt.Fprintf(w, "\n[%s]\n", n)
			r.Formats[n].printTable(w)
		}
	}
	if verbose {
		for _, t := range r.Titles {
			fmt.Fprintln(w, "doc:", t)
		}
		for _, m := range r.Misses {
			fmt.Fprintln(w, "miss:", m)
		}
	}
}

// factRecallText is "FOUND/GOLD = P%", or "no gold facts" when the gold
// labels none: 0/0 is no measurement, and printing it as 100% read as a pass.
func (r *Result) factRecallText() string {
	if r.GoldFacts == 0 {
		return "no gold facts"
	}
	return fmt.Sprintf("%d/%d = %.1f%%", r.FoundFacts, r.GoldFacts, 100*r.FactRecall())
}

func (r *Result) printTable(w io.Writer) {
	fmt.Fprintf(w, "%-14s %6s %6s %6s %9s %7s\n", "field", "gold", "ours", "right", "precision", "recall")
	for _, name := range Fields {
		f := r.Fields[name]
		fmt.Fprintf(w, "%-14s %6d %6d %6d %8.1f%% %6.1f%%\n", name, f.Gold, f.Predicted, f.Correct, 100*f.Precision(), 100*f.Recall())
	}
	h := r.Headline()
	fmt.Fprintf(w, "%-14s %6d %6d %6d %8.1f%% %6.1f%%\n", "headline", h.Gold, h.Predicted, h.Correct, 100*h.Precision(), 100*h.Recall())
	fmt.Fprintf(w, "fact recall:       %s\n", r.factRecallText())
	fmt.Fprintf(w, "provenance exact:  %d/%d = %.1f%%\n", r.ExactOffsets, r.Facts, 100*r.Provenance())
}
