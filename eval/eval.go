package eval

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"zipin/normalize"
	"zipin/quantity"
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

// Result is the outcome of one evaluation.
type Result struct {
	Docs         int
	Missing      []string // gold ids with no ingested document
	Fields       map[string]*FieldScore
	GoldFacts    int
	FoundFacts   int
	Facts        int // facts written for the gold documents
	ExactOffsets int
	Misses       []string
	Warnings     map[string][]string // doc id → report warnings, for --verbose
	Titles       []string            // one line per document, for --verbose
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

// Dataset is the part of the dataset an evaluation reads.
type Dataset struct {
	Reports []schema.Report
	Facts   []schema.Fact
	Texts   []schema.Text
}

// Compare scores the dataset against gold. docOf maps a gold id to the
// doc_id of the ingested file.
func Compare(golds []Gold, docOf map[string]string, ds *Dataset) *Result {
	res := &Result{Fields: map[string]*FieldScore{}, Warnings: map[string][]string{}}
	for _, f := range Fields {
		res.Fields[f] = &FieldScore{}
	}
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
	// Provenance over every fact of the dataset.
	for _, f := range ds.Facts {
		res.Facts++
		r := []rune(texts[f.DocID][f.Page])
		if f.Start >= 0 && f.End <= int32(len(r)) && f.Start <= f.End && string(r[f.Start:f.End]) == f.Text {
			res.ExactOffsets++
		} else {
			res.Misses = append(res.Misses, fmt.Sprintf("provenance %s p%d [%d,%d) %q", f.DocID[:8], f.Page, f.Start, f.End, f.Text))
		}
	}
	for _, g := range golds {
		id, ok := docOf[g.ID]
		rep, ok2 := reports[id]
		if !ok || !ok2 {
			res.Missing = append(res.Missing, g.ID)
			continue
		}
		res.Docs++
		res.Warnings[g.ID] = rep.Warnings
		res.Titles = append(res.Titles, fmt.Sprintf("%s: %s [%s] org=%s warnings=%q", g.ID, rep.Title, rep.Kind, show(rep.Organization), rep.Warnings))
		compareHeadline(res, g, rep)
		compareFacts(res, g, facts[id], texts[id])
	}
	return res
}

func compareHeadline(res *Result, g Gold, r schema.Report) {
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
			res.Misses = append(res.Misses, fmt.Sprintf("%s %s: gold %v, got %v", g.ID, field, show(gv), show(pv)))
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
	money := func(field string, wan *float64, yuan *int64) {
		var gy *int64
		if wan != nil {
			v := int64(math.Round(*wan * 1e6)) // 万元 → 分
			gy = &v
		}
		eq := gy != nil && yuan != nil && abs64(*gy-*yuan) <= 1
		score(field, gy != nil, yuan != nil, eq, fmtMoney(gy), fmtMoney(yuan))
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
func compareFacts(res *Result, g Gold, facts []schema.Fact, pages map[int32]string) {
	for _, gf := range g.Facts {
		res.GoldFacts++
		want := baseValue(gf)
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
		res.Misses = append(res.Misses, fmt.Sprintf("%s fact %q = %g%s (%s)", g.ID, gf.Text, gf.Value, gf.Unit, where))
	}
}

func sameValue(a, b float64) bool {
	return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b))+0.005
}

// baseValue converts a gold value in its written unit to zipin's base unit
// (万元 → 元), through the same unit table the extractor uses.
func baseValue(gf GoldFact) float64 {
	qs := quantity.Find("1" + gf.Unit)
	if len(qs) == 1 && qs[0].End == len([]rune("1"+gf.Unit)) {
		return quantity.Scale(fmt.Sprint(gf.Value), qs[0].Value)
	}
	return gf.Value
}

type span struct {
	page       int32
	start, end int
}

// locate finds the gold text in the normalized pages, normalizing it the same
// way (and, failing that, with its whitespace removed).
func locate(text string, pages map[int32]string) []span {
	var out []span
	needles := []string{normalize.String(text)}
	if squeezed := strings.Join(strings.Fields(needles[0]), ""); squeezed != needles[0] {
		needles = append(needles, squeezed)
	}
	keys := make([]int32, 0, len(pages))
	for k := range pages {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	for _, needle := range needles {
		for _, p := range keys {
			page := pages[p]
			for off := 0; ; {
				i := strings.Index(page[off:], needle)
				if i < 0 {
					break
				}
				start := len([]rune(page[:off+i]))
				out = append(out, span{p, start, start + len([]rune(needle))})
				off += i + len(needle)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return out
}

// Print writes the report.
func (r *Result) Print(w io.Writer, verbose bool) {
	fmt.Fprintf(w, "documents: %d evaluated", r.Docs)
	if len(r.Missing) > 0 {
		fmt.Fprintf(w, ", %d missing (%s)", len(r.Missing), strings.Join(r.Missing, ", "))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%-14s %6s %6s %6s %9s %7s\n", "field", "gold", "ours", "right", "precision", "recall")
	for _, name := range Fields {
		f := r.Fields[name]
		fmt.Fprintf(w, "%-14s %6d %6d %6d %8.1f%% %6.1f%%\n", name, f.Gold, f.Predicted, f.Correct, 100*f.Precision(), 100*f.Recall())
	}
	h := r.Headline()
	fmt.Fprintf(w, "%-14s %6d %6d %6d %8.1f%% %6.1f%%\n", "headline", h.Gold, h.Predicted, h.Correct, 100*h.Precision(), 100*h.Recall())
	fmt.Fprintf(w, "fact recall:       %d/%d = %.1f%%\n", r.FoundFacts, r.GoldFacts, 100*r.FactRecall())
	fmt.Fprintf(w, "provenance exact:  %d/%d = %.1f%%\n", r.ExactOffsets, r.Facts, 100*r.Provenance())
	if verbose {
		for _, t := range r.Titles {
			fmt.Fprintln(w, "doc:", t)
		}
		for _, m := range r.Misses {
			fmt.Fprintln(w, "miss:", m)
		}
	}
}
