// Package review renders a document of the dataset as a self-contained HTML
// page for auditors: the normalized text page by page, every fact highlighted
// at its rune offsets, and the headline fields, projects, indicators and
// warnings linked to their place in the text. It reads the Parquet files
// directly (pure Go), so it works in builds without DuckDB.
package review

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"

	"zipin/harvest"
	"zipin/schema"
	"zipin/version"
)

// Data is a whole dataset, indexed by document.
type Data struct {
	Dir        string
	Reports    []schema.Report // one per doc_id, by organization, year, title
	byID       map[string]int
	texts      map[string][]schema.Text
	facts      map[string][]schema.Fact
	projects   map[string][]schema.Project
	indicators map[string][]schema.Indicator
	origins    map[string]harvest.HarvestedDoc

	mu          sync.RWMutex // guards corrections, which the server appends to
	corrections map[string][]schema.Correction
}

// Doc is one document with all its rows.
type Doc struct {
	Report     schema.Report
	Texts      []schema.Text      // by page
	Facts      []schema.Fact      // by seq
	Projects   []schema.Project   // by project_seq
	Indicators []schema.Indicator // by project_seq, seq
	// Origin is what the harvester recorded of the document (source_url,
	// detail page, publication date, fetch time); nil when it was not
	// harvested.
	Origin *harvest.HarvestedDoc
	// Corrections are the auditors' verdicts on its fields and facts, oldest
	// first.
	Corrections []schema.Correction
}

// Load reads every table of the dataset in dir.
func Load(dir string) (*Data, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("review: dataset %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("review: dataset %s: not a directory", dir)
	}
	d := &Data{Dir: dir, byID: map[string]int{}}
	reports, err := schema.ReadTable[schema.Report](dir, schema.TableReports)
	if err != nil {
		return nil, fmt.Errorf("review: %w", err)
	}
	d.Reports = lastByKey(reports, func(r schema.Report) string { return r.DocID })
	slices.SortStableFunc(d.Reports, func(a, b schema.Report) int {
		return cmp.Or(
			cmp.Compare(unknown(a.Organization), unknown(b.Organization)), // unknown last
			cmp.Compare(deref(a.Organization), deref(b.Organization)),
			cmp.Compare(year(a.FiscalYear), year(b.FiscalYear)),
			cmp.Compare(a.Title, b.Title),
			cmp.Compare(a.DocID, b.DocID))
	})
	for i, r := range d.Reports {
		d.byID[r.DocID] = i
	}
	if d.texts, err = group(dir, schema.TableTexts,
		func(t schema.Text) string { return t.DocID + "/" + itoa(t.Page) },
		func(t schema.Text) string { return t.DocID },
		func(a, b schema.Text) int { return cmp.Compare(a.Page, b.Page) }); err != nil {
		return nil, err
	}
	if d.facts, err = group(dir, schema.TableFacts,
		func(f schema.Fact) string { return f.DocID + "/" + itoa(f.Seq) },
		func(f schema.Fact) string { return f.DocID },
		func(a, b schema.Fact) int { return cmp.Compare(a.Seq, b.Seq) }); err != nil {
		return nil, err
	}
	if d.projects, err = group(dir, schema.TableProjects,
		func(p schema.Project) string { return p.DocID + "/" + itoa(p.ProjectSeq) },
		func(p schema.Project) string { return p.DocID },
		func(a, b schema.Project) int { return cmp.Compare(a.ProjectSeq, b.ProjectSeq) }); err != nil {
		return nil, err
	}
	if d.indicators, err = group(dir, schema.TableIndicators,
		func(i schema.Indicator) string { return i.DocID + "/" + itoa(i.ProjectSeq) + "/" + itoa(i.Seq) },
		func(i schema.Indicator) string { return i.DocID },
		func(a, b schema.Indicator) int {
			return cmp.Or(cmp.Compare(a.ProjectSeq, b.ProjectSeq), cmp.Compare(a.Seq, b.Seq))
		}); err != nil {
		return nil, err
	}
	if d.corrections, err = readCorrections(dir); err != nil {
		return nil, err
	}
	if d.origins, err = harvest.ReadOrigins(dir); err != nil {
		return nil, fmt.Errorf("review: dataset %s: reading the harvest's records: %w", dir, err)
	}
	return d, nil
}

// readCorrections reads the corrections table by document, oldest first.
func readCorrections(dir string) (map[string][]schema.Correction, error) {
	rows, err := schema.ReadTable[schema.Correction](dir, schema.TableCorrections)
	if err != nil {
		return nil, fmt.Errorf("review: %w", err)
	}
	out := map[string][]schema.Correction{}
	for _, c := range rows {
		out[c.DocID] = append(out[c.DocID], c)
	}
	for _, g := range out {
		slices.SortStableFunc(g, func(a, b schema.Correction) int { return a.CorrectedAt.Compare(b.CorrectedAt) })
	}
	return out, nil
}

// Correct appends corrections to the dataset's corrections table (taking
// the dataset's writer lock, so it fails while an ingest writes) and shows
// them from then on.
func (d *Data) Correct(cs ...schema.Correction) error {
	unlock, err := schema.Lock(d.Dir)
	if err != nil {
		return fmt.Errorf("review: %w", err)
	}
	defer unlock()
	ds, err := schema.Open(d.Dir, version.Extractor)
	if err != nil {
		return fmt.Errorf("review: %w", err)
	}
	if _, err := ds.AppendCorrections(cs); err != nil {
		return fmt.Errorf("review: %w", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, c := range cs {
		d.corrections[c.DocID] = append(d.corrections[c.DocID], c)
	}
	return nil
}

// group reads a table, keeps the last row of each key and groups the rows by
// document, each group sorted.
func group[T any](dir, table string, key, doc func(T) string, less func(a, b T) int) (map[string][]T, error) {
	rows, err := schema.ReadTable[T](dir, table)
	if err != nil {
		return nil, fmt.Errorf("review: %w", err)
	}
	out := map[string][]T{}
	for _, r := range lastByKey(rows, key) {
		out[doc(r)] = append(out[doc(r)], r)
	}
	for _, g := range out {
		slices.SortStableFunc(g, less)
	}
	return out, nil
}

// lastByKey drops rows whose key repeats, keeping the last: ReadTable reads
// files in path order, and within a folder a later part-<time> name is a
// newer batch. (The writer never leaves two rows for a key; this guards a
// dataset copied together by hand.)
func lastByKey[T any](rows []T, key func(T) string) []T {
	last := make(map[string]int, len(rows))
	for i, r := range rows {
		last[key(r)] = i
	}
	out := make([]T, 0, len(last))
	for i, r := range rows {
		if last[key(r)] == i {
			out = append(out, r)
		}
	}
	return out
}

// Doc returns one document's rows.
func (d *Data) Doc(docID string) (*Doc, bool) {
	i, ok := d.byID[docID]
	if !ok {
		return nil, false
	}
	var origin *harvest.HarvestedDoc
	if o, ok := d.origins[docID]; ok {
		origin = &o
	}
	d.mu.RLock()
	corrections := slices.Clone(d.corrections[docID])
	d.mu.RUnlock()
	return &Doc{
		Corrections: corrections,
		Origin:      origin,
		Report:      d.Reports[i],
		Texts:       d.texts[docID],
		Facts:       d.facts[docID],
		Projects:    d.projects[docID],
		Indicators:  d.indicators[docID],
	}, true
}

// Find resolves what a user typed: a doc_id, a unique doc_id prefix of at
// least 6 characters, a source as recorded, or a unique source file name.
func (d *Data) Find(key string) (*Doc, error) {
	if doc, ok := d.Doc(key); ok {
		return doc, nil
	}
	matchers := []struct {
		what  string
		match func(r schema.Report) bool
	}{
		{"source", func(r schema.Report) bool { return r.Source == key }},
		{"doc_id prefix", func(r schema.Report) bool { return len(key) >= 6 && strings.HasPrefix(r.DocID, strings.ToLower(key)) }},
		{"file name", func(r schema.Report) bool { return path.Base(strings.ReplaceAll(r.Source, `\`, "/")) == key }},
	}
	for _, m := range matchers {
		var hits []string
		for _, r := range d.Reports {
			if m.match(r) {
				hits = append(hits, r.DocID)
			}
		}
		switch {
		case len(hits) == 1:
			doc, _ := d.Doc(hits[0])
			return doc, nil
		case len(hits) > 1:
			return nil, fmt.Errorf("review: %q matches %d documents by %s (%s …); give the doc_id", key, len(hits), m.what, strings.Join(hits[:min(3, len(hits))], ", "))
		}
	}
	return nil, fmt.Errorf("review: no document %q in %s (not a doc_id, doc_id prefix, source or file name)", key, d.Dir)
}

// ErrNotLoopback is returned for a --serve address off the loopback.
var ErrNotLoopback = errors.New("review: --serve listens on loopback only")

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// unknown is 1 for NULL, to sort it last.
func unknown(s *string) int {
	if s == nil {
		return 1
	}
	return 0
}

// year sorts NULL years last.
func year(y *int32) int32 {
	if y == nil {
		return 1 << 30
	}
	return *y
}

func itoa[T ~int32 | ~int](v T) string { return strconv.Itoa(int(v)) }
