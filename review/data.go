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
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"zipin/dataset"
	"zipin/harvest"
	"zipin/schema"
	"zipin/version"
)

// Data is a dataset's reports, indexed by document. A document's other
// rows are read when it is opened (Doc), from the files that may hold it.
type Data struct {
	Dir     string
	Reports []schema.Report // one per doc_id, by organization, year, title
	byID    map[string]int
	origins map[string]harvest.HarvestedDoc

	countOnce  sync.Once
	factCounts map[string]int // facts by doc_id, for the list; read on first use
	countErr   error

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

// Load reads the reports of the dataset in dir (and the corrections and the
// harvest's records); Doc reads the rest of a document when it is opened.
func Load(dir string) (*Data, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("review: dataset %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("review: dataset %s: not a directory", dir)
	}
	d := &Data{Dir: dir, byID: map[string]int{}}
	reports, err := dataset.ReadTable[schema.Report](dir, schema.TableReports)
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
	rows, err := dataset.ReadTable[schema.Correction](dir, schema.TableCorrections)
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
	unlock, err := dataset.Lock(d.Dir)
	if err != nil {
		return fmt.Errorf("review: %w", err)
	}
	defer unlock()
	ds, err := dataset.Open(d.Dir, version.Extractor)
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

// ErrNoDocument is returned for a doc_id the dataset does not hold.
var ErrNoDocument = errors.New("review: no such document")

// Doc returns one document's rows, read from the files that may hold it.
func (d *Data) Doc(docID string) (*Doc, error) {
	i, ok := d.byID[docID]
	if !ok {
		return nil, fmt.Errorf("%w: %s in %s", ErrNoDocument, docID, d.Dir)
	}
	doc := &Doc{Report: d.Reports[i]}
	if o, ok := d.origins[docID]; ok {
		doc.Origin = &o
	}
	d.mu.RLock()
	doc.Corrections = slices.Clone(d.corrections[docID])
	d.mu.RUnlock()
	if err := readRows(d.Dir, doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// LoadDoc reads one document of the dataset in dir by its doc_id, opening
// only the files whose doc_id bloom filter says may hold it: the time to
// open a report does not grow with the number of documents in the dataset
// (BenchmarkLoadDoc).
func LoadDoc(dir, docID string) (*Doc, error) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("review: dataset %s: not a directory (%v)", dir, err)
	}
	docID = strings.ToLower(docID)
	reports, err := readDoc(dir, schema.TableReports, docID, func(r schema.Report) string { return r.DocID }, func(r schema.Report) string { return r.DocID })
	if err != nil {
		return nil, err
	}
	if len(reports) == 0 {
		return nil, fmt.Errorf("%w: %s in %s", ErrNoDocument, docID, dir)
	}
	doc := &Doc{Report: reports[0]}
	if doc.Corrections, err = readDoc(dir, schema.TableCorrections, docID,
		func(c schema.Correction) string { return c.DocID },
		func(c schema.Correction) string {
			return c.Target + "\x00" + c.CorrectedAt.String() + "\x00" + c.Reviewer
		}); err != nil {
		return nil, err
	}
	slices.SortStableFunc(doc.Corrections, func(a, b schema.Correction) int { return a.CorrectedAt.Compare(b.CorrectedAt) })
	origins, err := harvest.ReadOrigins(dir)
	if err != nil {
		return nil, fmt.Errorf("review: dataset %s: reading the harvest's records: %w", dir, err)
	}
	if o, ok := origins[docID]; ok {
		doc.Origin = &o
	}
	return doc, readRows(dir, doc)
}

// IsDocID says whether s has the form of a doc_id: 64 hex digits (the
// SHA-256 of the document's bytes).
func IsDocID(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range strings.ToLower(s) {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return false
		}
	}
	return true
}

// readRows reads a document's texts, facts, projects and indicators.
func readRows(dir string, doc *Doc) error {
	id := doc.Report.DocID
	var err error
	if doc.Texts, err = readDoc(dir, schema.TableTexts, id, func(t schema.Text) string { return t.DocID },
		func(t schema.Text) string { return itoa(t.Page) }); err != nil {
		return err
	}
	slices.SortStableFunc(doc.Texts, func(a, b schema.Text) int { return cmp.Compare(a.Page, b.Page) })
	if doc.Facts, err = readDoc(dir, schema.TableFacts, id, func(f schema.Fact) string { return f.DocID },
		func(f schema.Fact) string { return itoa(f.Seq) }); err != nil {
		return err
	}
	slices.SortStableFunc(doc.Facts, func(a, b schema.Fact) int { return cmp.Compare(a.Seq, b.Seq) })
	if doc.Projects, err = readDoc(dir, schema.TableProjects, id, func(p schema.Project) string { return p.DocID },
		func(p schema.Project) string { return itoa(p.ProjectSeq) }); err != nil {
		return err
	}
	slices.SortStableFunc(doc.Projects, func(a, b schema.Project) int { return cmp.Compare(a.ProjectSeq, b.ProjectSeq) })
	if doc.Indicators, err = readDoc(dir, schema.TableIndicators, id, func(i schema.Indicator) string { return i.DocID },
		func(i schema.Indicator) string { return itoa(i.ProjectSeq) + "/" + itoa(i.Seq) }); err != nil {
		return err
	}
	slices.SortStableFunc(doc.Indicators, func(a, b schema.Indicator) int {
		return cmp.Or(cmp.Compare(a.ProjectSeq, b.ProjectSeq), cmp.Compare(a.Seq, b.Seq))
	})
	return nil
}

// FactCounts gives the number of facts of each document, reading only the
// doc_id column of facts (once).
func (d *Data) FactCounts() (map[string]int, error) {
	d.countOnce.Do(func() {
		d.factCounts = map[string]int{}
		files, err := dataset.TableFiles(d.Dir, schema.TableFacts)
		if err != nil {
			d.countErr = err
			return
		}
		for _, rel := range files {
			if err := countDocIDs(filepath.Join(d.Dir, rel), d.factCounts); err != nil {
				d.countErr = fmt.Errorf("review: dataset %s: reading %s: %w", d.Dir, rel, err)
				return
			}
		}
	})
	return d.factCounts, d.countErr
}

// Find resolves what a user typed: a doc_id, a unique doc_id prefix of at
// least 6 characters, a source as recorded, or a unique source file name.
func (d *Data) Find(key string) (*Doc, error) {
	if _, ok := d.byID[key]; ok {
		return d.Doc(key)
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
			return d.Doc(hits[0])
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
