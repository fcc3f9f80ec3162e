package review

import (
	"cmp"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"zipin/schema"
)

//go:embed page.html
var pageHTML string

// pageJS is the page's only script. It is inlined (a page written with
// --html must work from a file) and the server allows exactly it by its
// hash (ScriptCSP), so no other inline script can run, whatever the text
// of a document manages to put into the page.
//
//go:embed page.js
var pageJS string

var tmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"script": func() template.JS { return template.JS(pageJS) },
}).Parse(pageHTML))

// ScriptCSP is the Content-Security-Policy script-src source of the page's
// script: its SHA-256, base64.
func ScriptCSP() string {
	h := sha256.Sum256([]byte(pageJS))
	return "'sha256-" + base64.StdEncoding.EncodeToString(h[:]) + "'"
}

// cell is one table cell, optionally a link into the text. A cell merged
// over the rows below it (Rowspan > 1) is written once; the cells it covers
// are Skip.
type cell struct {
	Text    string
	Href    string
	Class   string
	Rowspan int
	Skip    bool
}

// table is a titled grid of cells.
type table struct {
	Title   string
	ID      string
	Headers []string
	Rows    [][]cell
	RowIDs  []string // an id for each row, for links to it, or none
}

// RowID is the id of row i, or "".
func (t table) RowID(i int) string {
	if i < len(t.RowIDs) {
		return t.RowIDs[i]
	}
	return ""
}

// kindCount is one entry of the colour legend.
type kindCount struct {
	Kind  string
	Count int
}

// pageView is one page of text with its facts marked.
type pageView struct {
	Page    int32
	Method  string
	Quality string
	HTML    template.HTML
	Facts   int
}

// warningView is a cross-check warning, linked to the evidence or fact it
// is about, and to the headline fields it names.
type warningView struct {
	Text   string
	Href   string
	Fields []cell // links to the named fields' rows (#field-NAME)
}

// headRow is one headline field with the candidates weighed for it.
type headRow struct {
	Field       string
	Value       cell
	Note        cell
	Evidence    []evidenceView
	Review      *reviewState // its latest correction
	Correctable bool
	Current     string // its value as corrections write it
}

// evidenceView is one candidate of reports.evidence, linked to its span.
type evidenceView struct {
	Value, Label, Source, Scope, Reason string
	Chosen                              bool
	Page                                int32
	Href                                string
}

// provenance is where the document came from, for people: the harvest's
// record when the harvester fetched it.
type provenance struct {
	SourceURL, DetailURL, Published, Fetched string
	// Original links to the original file, or is "": a route of the server,
	// or a file: URL that zipin built from the recorded path (so trusted,
	// which html/template needs told).
	Original template.URL
}

// view is everything the page template shows.
type view struct {
	Report   schema.Report
	Back     string // the list page, when served
	Prov     provenance
	Warnings []warningView
	Problems []problem
	Headline []headRow
	Tables   []table
	Kinds    []kindCount
	Metrics  []string // the metrics of the facts, for the next/previous fact control
	Pages    []pageView
	Facts    int
	Evidence int
	// Token is the server's per-session token, which a correction must
	// carry; empty when the page is not served (no corrections then).
	Token       string
	FactReviews []factReview
}

// factReview is the latest correction of a fact.
type factReview struct {
	Seq  string
	Href string
	reviewState
}

// headlineField is one reports column shown at the top, and how to find its
// place in the text: a fact with one of the metrics (preferring one whose
// value equals the field's), or else the field's words.
type headlineField struct {
	label   string
	value   func(r schema.Report) (text string, num *float64)
	metrics []string
	search  bool // look for the value's words in the text
}

var headlineFields = []headlineField{
	{label: "title", value: func(r schema.Report) (string, *float64) { return r.Title, nil }, search: true},
	{label: "organization", value: func(r schema.Report) (string, *float64) { return deref(r.Organization), nil }, search: true},
	{label: "fiscal_year", value: func(r schema.Report) (string, *float64) {
		if r.FiscalYear == nil {
			return "", nil
		}
		return itoa(*r.FiscalYear), nil
	}, search: true},
	{label: "kind", value: func(r schema.Report) (string, *float64) { return r.Kind, nil }},
	{label: "budget_yuan", value: func(r schema.Report) (string, *float64) { return moneyField(r.BudgetYuan) }, metrics: []string{"budget_total", "budget_adjusted", "budget"}},
	{label: "executed_yuan", value: func(r schema.Report) (string, *float64) { return moneyField(r.ExecutedYuan) }, metrics: []string{"executed"}},
	{label: "execution_rate", value: func(r schema.Report) (string, *float64) { return floatField(r.ExecutionRate, "%") }, metrics: []string{"execution_rate"}},
	{label: "self_score", value: func(r schema.Report) (string, *float64) { return floatField(r.SelfScore, "分") }, metrics: []string{"self_score"}},
	{label: "grade", value: func(r schema.Report) (string, *float64) { return deref(r.Grade), nil }, search: true},
	{label: "format", value: func(r schema.Report) (string, *float64) {
		return fmt.Sprintf("%s, %d page%s", r.Format, r.Pages, map[bool]string{true: "s"}[r.Pages != 1]), nil
	}},
	{label: "source", value: func(r schema.Report) (string, *float64) { return r.Source, nil }},
	{label: "extractor", value: func(r schema.Report) (string, *float64) {
		return r.ExtractorVersion + " at " + r.ExtractedAt.UTC().Format("2006-01-02 15:04"), nil
	}},
}

// warningFields links a warning to the headline fields it names, by
// keywords; the first field named in this order is the one the warning's
// own link goes to (its chosen evidence, or else a fact of its metric).
var warningFields = []struct {
	keywords []string
	field    string // the headline field (reports column)
	metric   string // the facts' metric, when no evidence locates the field
}{
	{[]string{"execution_rate", "执行率", "rate"}, "execution_rate", "execution_rate"},
	{[]string{"self_score", "得分", "score"}, "self_score", "self_score"},
	{[]string{"executed", "执行数", "支出"}, "executed_yuan", "executed"},
	{[]string{"budget", "预算"}, "budget_yuan", "budget_total"},
	{[]string{"grade", "等级"}, "grade", ""},
}

// evidenceField is the reports column an evidence field fills: the
// evidence names money fields without their unit.
func evidenceField(f string) string {
	switch f {
	case "budget":
		return "budget_yuan"
	case "executed":
		return "executed_yuan"
	}
	return f
}

// projectWarning is the prefix selfeval gives a 自评表's warning: P<seq>:.
var projectWarning = regexp.MustCompile(`^P(\d+):`)

// linker finds places in a document's text and remembers the anchors it
// needs there.
type linker struct {
	doc     *Doc
	runes   map[int32][]rune
	anchors map[int32][]anchor
	found   map[string]string
}

func newLinker(doc *Doc) *linker {
	l := &linker{doc: doc, runes: map[int32][]rune{}, anchors: map[int32][]anchor{}, found: map[string]string{}}
	for _, t := range doc.Texts {
		l.runes[t.Page] = []rune(t.Text)
	}
	return l
}

// fact returns a link to the first fact with one of the metrics, preferring
// one whose value is want; ok says whether the value matched.
func (l *linker) fact(metrics []string, want *float64) (href string, ok bool) {
	var first *schema.Fact
	for i := range l.doc.Facts {
		f := &l.doc.Facts[i]
		if f.Metric == nil || !slices.Contains(metrics, *f.Metric) {
			continue
		}
		if want != nil && math.Abs(f.Value-*want) < 0.005 {
			return factHref(f.Seq), true
		}
		if first == nil {
			first = f
		}
	}
	if first == nil {
		return "", false
	}
	return factHref(first.Seq), want == nil
}

// text returns a link to the first occurrence of words, searching page
// first (0 for any), and adds an anchor there.
func (l *linker) text(words string, page int32) string {
	if strings.TrimSpace(words) == "" {
		return ""
	}
	key := fmt.Sprint(page, "\x00", words)
	if h, ok := l.found[key]; ok {
		return h
	}
	needle := []rune(words)
	order := make([]int32, 0, len(l.doc.Texts))
	if page > 0 {
		order = append(order, page)
	}
	for _, t := range l.doc.Texts {
		if t.Page != page {
			order = append(order, t.Page)
		}
	}
	for _, p := range order {
		if at := runeIndex(l.runes[p], needle); at >= 0 {
			id := fmt.Sprintf("a-%d", len(l.found)+1)
			l.anchors[p] = append(l.anchors[p], anchor{at, id})
			l.found[key] = "#" + id
			return "#" + id
		}
	}
	l.found[key] = ""
	return ""
}

// span returns a link to runes [start,end) of page: the fact with exactly
// that span, or else an anchor at its start. It is "" when the span is not
// in the text (page 0, or past the page's end).
func (l *linker) span(page, start, end int32) string {
	if page <= 0 || end <= start {
		return ""
	}
	for _, f := range l.doc.Facts {
		if f.Page == page && f.Start == start && f.End == end {
			return factHref(f.Seq)
		}
	}
	r, ok := l.runes[page]
	if !ok || start < 0 || int(end) > len(r) {
		return ""
	}
	key := fmt.Sprint("span\x00", page, "\x00", start)
	if h, ok := l.found[key]; ok {
		return h
	}
	id := fmt.Sprintf("a-%d", len(l.found)+1)
	l.anchors[page] = append(l.anchors[page], anchor{int(start), id})
	l.found[key] = "#" + id
	return "#" + id
}

func runeIndex(s, sub []rune) int {
	if len(sub) == 0 {
		return -1
	}
	for i := 0; i+len(sub) <= len(s); i++ {
		if slices.Equal(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// build assembles the page's view of a document.
func build(doc *Doc, back string) view {
	l := newLinker(doc)
	v := view{Report: doc.Report, Back: back, Facts: len(doc.Facts), Prov: provenanceOf(doc, back != "")}

	// Evidence by headline field, each candidate linked to its span.
	evidence := map[string][]evidenceView{}
	var evFields []string
	chosen := map[string]string{}  // field → link to its chosen candidate
	weighed := map[string]string{} // field → link to its first candidate
	for _, e := range doc.Report.Evidence {
		field := evidenceField(e.Field)
		if _, seen := evidence[field]; !seen {
			evFields = append(evFields, field)
		}
		ev := evidenceView{Value: e.Value, Label: e.Label, Source: e.Source, Scope: e.Scope, Reason: e.Reason,
			Chosen: e.Chosen, Page: e.Page, Href: l.span(e.Page, e.Start, e.End)}
		if ev.Href == "" && e.Page > 0 {
			ev.Href = fmt.Sprintf("#page-%d", e.Page)
		}
		if e.Chosen && chosen[field] == "" {
			chosen[field] = ev.Href
		}
		if weighed[field] == "" {
			weighed[field] = ev.Href
		}
		evidence[field] = append(evidence[field], ev)
		v.Evidence++
	}

	for _, w := range doc.Report.Warnings {
		wv := warningView{Text: w}
		lw := strings.ToLower(w)
		for _, wf := range warningFields {
			named := false
			for _, k := range wf.keywords {
				if strings.Contains(lw, k) {
					named = true
					break
				}
			}
			if !named {
				continue
			}
			wv.Fields = append(wv.Fields, cell{Text: wf.field, Href: "#field-" + wf.field})
			if wv.Href == "" {
				// The chosen candidate, or when none was (a NULL field),
				// the first one weighed.
				wv.Href = cmp.Or(chosen[wf.field], weighed[wf.field])
			}
			if wv.Href == "" && wf.metric != "" {
				wv.Href, _ = l.fact([]string{wf.metric}, nil)
			}
		}
		if m := projectWarning.FindStringSubmatch(w); m != nil && wv.Href == "" {
			if seq, err := strconv.Atoi(m[1]); err == nil {
				if projectPage(doc.Projects, int32(seq)) > 0 {
					wv.Href = fmt.Sprintf("#project-%d", seq)
					wv.Fields = append(wv.Fields, cell{Text: fmt.Sprintf("P%d page", seq), Href: fmt.Sprintf("#page-%d", projectPage(doc.Projects, int32(seq)))})
				}
			}
		}
		v.Warnings = append(v.Warnings, wv)
	}

	shown := map[string]bool{}
	revs := reviews(doc)
	for target, r := range revs {
		if seq, ok := strings.CutPrefix(target, "fact:"); ok {
			v.FactReviews = append(v.FactReviews, factReview{Seq: seq, Href: "#f-" + seq, reviewState: r})
		}
	}
	slices.SortFunc(v.FactReviews, func(a, b factReview) int { return cmp.Compare(len(a.Seq), len(b.Seq))*2 + cmp.Compare(a.Seq, b.Seq) })
	for _, f := range headlineFields {
		text, num := f.value(doc.Report)
		c := cell{Text: text}
		note := cell{}
		switch {
		case text == "":
			c = cell{Text: "NULL", Class: "null"}
		case f.metrics != nil:
			href, ok := l.fact(f.metrics, num)
			c.Href = href
			switch {
			case href == "":
				note = cell{Text: "no fact with this metric", Class: "warn"}
			case !ok:
				note = cell{Text: "differs from the fact", Href: href, Class: "warn"}
			default:
				note = cell{Text: "fact", Href: href}
			}
		case f.search:
			if c.Href = l.text(text, 0); c.Href != "" {
				note = cell{Text: "found", Href: c.Href}
			}
		}
		if c.Href == "" {
			c.Href = chosen[f.label]
		}
		shown[f.label] = true
		row := headRow{Field: f.label, Value: c, Note: note, Evidence: evidence[f.label]}
		if cur, _, ok := current(doc, f.label); ok {
			row.Correctable, row.Current = true, deref(cur)
		}
		if r, ok := revs[f.label]; ok {
			row.Review = &r
		}
		v.Headline = append(v.Headline, row)
	}
	for _, field := range evFields { // evidence for a field the table does not show
		if !shown[field] {
			v.Headline = append(v.Headline, headRow{Field: field, Value: cell{Text: "—", Class: "null"}, Evidence: evidence[field]})
		}
	}

	if len(doc.Projects) > 0 {
		t := table{Title: "Projects (自评表)", ID: "projects", Headers: []string{"#", "project", "department", "implementer", "budget_yuan", "executed_yuan", "execution_rate", "total_score", "page"}}
		for _, p := range doc.Projects {
			exec, num := moneyField(p.ExecutedYuan)
			href, _ := l.fact([]string{"executed"}, num)
			if href == "" {
				href = l.text(deref(p.Project), p.Page)
			}
			if href == "" && p.Page > 0 {
				href = fmt.Sprintf("#page-%d", p.Page)
			}
			budget, _ := moneyField(p.BudgetYuan)
			rate, _ := floatField(p.ExecutionRate, "%")
			score, _ := floatField(p.TotalScore, "")
			t.Rows = append(t.Rows, []cell{
				{Text: itoa(p.ProjectSeq), Href: href},
				{Text: deref(p.Project), Href: l.text(deref(p.Project), p.Page)},
				{Text: deref(p.Department)}, {Text: deref(p.Implementer)},
				{Text: budget}, {Text: exec, Href: href}, {Text: rate}, {Text: score},
				{Text: itoa(p.Page), Href: fmt.Sprintf("#page-%d", p.Page)},
			})
			t.RowIDs = append(t.RowIDs, fmt.Sprintf("project-%d", p.ProjectSeq))
		}
		v.Tables = append(v.Tables, t)
	}

	if len(doc.Indicators) > 0 {
		t := table{Title: "Indicators", ID: "indicators", Headers: []string{"#", "level1", "level2", "name", "target", "actual", "weight", "score", "note"}}
		for _, in := range doc.Indicators {
			page := projectPage(doc.Projects, in.ProjectSeq)
			actual := deref(in.ActualText)
			href := ""
			for _, f := range doc.Facts {
				if actual != "" && f.Text == actual && (href == "" || f.Page == page) {
					href = factHref(f.Seq)
				}
			}
			if href == "" {
				href = l.text(actual, page)
			}
			nameHref := l.text(in.Name, page)
			if href == "" {
				href = nameHref
			}
			weight, _ := floatField(in.Weight, "")
			score, _ := floatField(in.Score, "")
			t.Rows = append(t.Rows, []cell{
				{Text: itoa(in.ProjectSeq) + "." + itoa(in.Seq), Href: href},
				{Text: deref(in.Level1)}, {Text: deref(in.Level2)},
				{Text: in.Name, Href: nameHref},
				{Text: deref(in.TargetText)}, {Text: actual, Href: href},
				{Text: weight}, {Text: score}, {Text: deref(in.Note)},
			})
		}
		// A 自评表 merges level1 and level2 over their indicators; show each
		// once, as the form does, instead of on every row.
		mergeDown(t.Rows, 1, func(r []cell) string { return r[0].Text[:strings.Index(r[0].Text, ".")] + "\x00" + r[1].Text })
		mergeDown(t.Rows, 2, func(r []cell) string {
			return r[0].Text[:strings.Index(r[0].Text, ".")] + "\x00" + r[1].Text + "\x00" + r[2].Text
		})
		v.Tables = append(v.Tables, t)
	}

	byPage := map[int32][]schema.Fact{}
	counts := map[string]int{}
	for _, f := range doc.Facts {
		byPage[f.Page] = append(byPage[f.Page], f)
		counts[kindClass(f.Kind)]++
	}
	metrics := map[string]bool{}
	for _, f := range doc.Facts {
		if f.Metric != nil && !metrics[*f.Metric] {
			metrics[*f.Metric] = true
			v.Metrics = append(v.Metrics, *f.Metric)
		}
	}
	slices.Sort(v.Metrics)
	for _, k := range kinds {
		if counts[k] > 0 {
			v.Kinds = append(v.Kinds, kindCount{k, counts[k]})
		}
	}
	pages := map[int32]bool{}
	for _, t := range doc.Texts {
		pages[t.Page] = true
		html, probs := pageMarkup(t, byPage[t.Page], l.anchors[t.Page])
		v.Problems = append(v.Problems, probs...)
		v.Pages = append(v.Pages, pageView{Page: t.Page, Method: t.Method, Quality: strconv.FormatFloat(t.Quality, 'f', 2, 64), HTML: html, Facts: len(byPage[t.Page])})
	}
	for _, f := range doc.Facts {
		if !pages[f.Page] {
			v.Problems = append(v.Problems, problem{f.Seq, f.Page, fmt.Sprintf("page %d has no text; facts.text is %q", f.Page, f.Text), ""})
		}
	}
	return v
}

// mergeDown merges column col over runs of rows with the same non-empty
// key: the first cell of a run spans it, the others are skipped.
func mergeDown(rows [][]cell, col int, key func([]cell) string) {
	for i := 0; i < len(rows); {
		j := i + 1
		if rows[i][col].Text != "" {
			k := key(rows[i])
			for j < len(rows) && key(rows[j]) == k {
				j++
			}
		}
		if j-i > 1 {
			rows[i][col].Rowspan = j - i
			for r := i + 1; r < j; r++ {
				rows[r][col].Skip = true
			}
		}
		i = j
	}
}

// provenanceOf gathers where a document came from. served says the page is
// served, so the original is a route of the server rather than a file:
// link (which a browser refuses from an http: page).
func provenanceOf(doc *Doc, served bool) provenance {
	p := provenance{SourceURL: deref(doc.Report.SourceURL)}
	if o := doc.Origin; o != nil {
		if p.SourceURL == "" {
			p.SourceURL = cmp.Or(o.SourceURL, o.FinalURL)
		}
		p.DetailURL, p.Published, p.Fetched = o.DetailURL, o.Published, o.FetchedAt
	}
	switch {
	case served:
		p.Original = template.URL("/doc/" + url.PathEscape(doc.Report.DocID) + "/original")
	case doc.Report.Source != "":
		if abs, err := filepath.Abs(doc.Report.Source); err == nil {
			if _, err := os.Stat(abs); err == nil {
				p.Original = template.URL((&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String())
			}
		}
	}
	return p
}

func projectPage(ps []schema.Project, seq int32) int32 {
	for _, p := range ps {
		if p.ProjectSeq == seq {
			return p.Page
		}
	}
	return 0
}

// Render writes the review page of one document. back, if not empty, is the
// address of the document list (when served).
func Render(w io.Writer, doc *Doc, back string) error {
	return renderPage(w, doc, back, "")
}

// renderPage writes the page; with a token (served) it has the correction forms.
func renderPage(w io.Writer, doc *Doc, back, token string) error {
	v := build(doc, back)
	v.Token = token
	if err := tmpl.ExecuteTemplate(w, "page", v); err != nil {
		return fmt.Errorf("review: rendering %s: %w", doc.Report.DocID, err)
	}
	return nil
}

// moneyField formats an amount in 元 and returns it as a number for matching.
func moneyField(m *schema.Money) (string, *float64) {
	if m == nil {
		return "", nil
	}
	f := float64(*m) / 100
	return money(*m) + " 元", &f
}

func floatField(f *float64, unit string) (string, *float64) {
	if f == nil {
		return "", nil
	}
	return strings.TrimSpace(number(*f) + " " + unit), f
}

// money writes 分 as 元 with thousands separators: 12,500,000.50.
func money(m schema.Money) string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	return fmt.Sprintf("%s%s.%02d", sign, group3(strconv.FormatInt(int64(m/100), 10)), m%100)
}

// number writes a float as written, with thousands separators.
func number(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	if hasFrac {
		frac = "." + frac
	}
	return sign + group3(whole) + frac
}

func group3(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	lead := len(digits) % 3
	if lead > 0 {
		b.WriteString(digits[:lead])
	}
	for i := lead; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}
