// Package compact merges a dataset's small files: each table's files become
// one (moving the rows of a dataset written partitioned, in fiscal_year=…
// folders, into the table's folder), and rows superseded by a newer extraction of the same
// document are dropped. It goes through the dataset's staging and MANIFEST
// commit, so readers see the old files or the new, never both, and a crash
// leaves either.
package compact

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/parquet-go/parquet-go"

	"zipin/dataset"
	"zipin/schema"
	"zipin/version"
)

// TableStats describes what compaction did to one table.
type TableStats struct {
	FilesBefore, FilesAfter int
	RowsKept, RowsDropped   int64
}

// Result is the outcome of a compaction.
type Result struct {
	Tables map[string]TableStats
	Files  []string // files written
}

// Compact compacts the dataset at dir. Within a table, the newest copy of a
// document wins: the file whose rows were extracted last (its origin batch,
// see dataset.Origin) keeps the document's rows, every other file loses them.
func Compact(dir string) (*Result, error) {
	if _, err := os.Stat(filepath.Join(dir, schema.TableReports)); err != nil {
		return nil, fmt.Errorf("compact: %s is not a zipin dataset: %w", dir, err)
	}
	unlock, err := dataset.Lock(dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	ds, err := dataset.OpenBatch(dir, version.Extractor)
	if err != nil {
		return nil, err
	}
	t, err := ds.Begin()
	if err != nil {
		return nil, err
	}
	res := &Result{Tables: map[string]TableStats{}}
	for _, table := range schema.Tables {
		var st TableStats
		switch table {
		case schema.TableReports:
			st, err = compactTable(dir, t, table, func(r schema.Report) string { return r.DocID })
		case schema.TableFacts:
			st, err = compactTable(dir, t, table, func(r schema.Fact) string { return r.DocID })
		case schema.TableTexts:
			st, err = compactTable(dir, t, table, func(r schema.Text) string { return r.DocID })
		case schema.TableProjects:
			st, err = compactTable(dir, t, table, func(r schema.Project) string { return r.DocID })
		case schema.TableIndicators:
			st, err = compactTable(dir, t, table, func(r schema.Indicator) string { return r.DocID })
		}
		if err != nil {
			t.Abort()
			return nil, err
		}
		res.Tables[table] = st
	}
	if res.Files, err = t.Commit(); err != nil {
		return nil, err
	}
	return res, nil
}

func compactTable[T any](dir string, t *dataset.Txn, table string, docID func(T) string) (TableStats, error) {
	var st TableStats
	files, err := dataset.TableFiles(dir, table)
	if err != nil {
		return st, err
	}
	st.FilesBefore = len(files)
	// The winner of each document: the file with the greatest origin (then
	// name), across partitions, since a re-extraction may move a document
	// to another fiscal year.
	winner := map[string]string{}
	holds := map[string]map[string]bool{}
	for _, f := range files {
		ids, err := dataset.FileDocIDs(filepath.Join(dir, f))
		if err != nil {
			return st, fmt.Errorf("compact: reading %s: %w", f, err)
		}
		holds[f] = ids
		for id := range ids {
			if w, ok := winner[id]; !ok || newer(f, w) {
				winner[id] = f
			}
		}
	}
	// Every file merges into one in the table's folder: a file still in a
	// partition folder (older zipin) moves out of it.
	parts := map[string][]string{table: files}
	if len(files) == 0 {
		return st, nil
	}
	keys := make([]string, 0, len(parts))
	for k := range parts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, part := range keys {
		srcs := parts[part]
		superseded := false
		for _, f := range srcs {
			for id := range holds[f] {
				if winner[id] != f {
					superseded = true
				}
			}
		}
		if len(srcs) == 1 && !superseded && filepath.Dir(srcs[0]) == table {
			st.FilesAfter++
			continue
		}
		versions := map[string]bool{}
		var kept, dropped int64
		rel := filepath.Join(part, "part-"+t.ID()+"-c.parquet")
		err := t.Stage(rel, func(path string) error {
			out, err := os.Create(path)
			if err != nil {
				return err
			}
			defer out.Close()
			// The version metadata comes from the sources' footers, so the
			// rows can then stream through one source file at a time.
			for _, f := range srcs {
				v, err := fileVersion(filepath.Join(dir, f))
				if err != nil {
					return fmt.Errorf("reading %s: %w", f, err)
				}
				versions[v] = true
			}
			w := parquet.NewGenericWriter[T](out, schema.WriterOptions(joinVersions(versions))...)
			for _, f := range srcs {
				rows, err := parquet.ReadFile[T](filepath.Join(dir, f))
				if err != nil {
					return fmt.Errorf("reading %s: %w", f, err)
				}
				n := 0
				for _, r := range rows {
					if winner[docID(r)] == f {
						rows[n] = r
						n++
					}
				}
				kept += int64(n)
				dropped += int64(len(rows) - n)
				if _, err := w.Write(rows[:n]); err != nil {
					return err
				}
			}
			if err := w.Close(); err != nil {
				return err
			}
			return out.Sync()
		})
		if err != nil {
			return st, fmt.Errorf("compact: %s: %w", part, err)
		}
		for _, f := range srcs {
			t.Remove(f)
		}
		st.RowsKept += kept
		st.RowsDropped += dropped
		st.FilesAfter++
	}
	return st, nil
}

// newer says whether file a holds a later extraction than file b.
func newer(a, b string) bool {
	oa, ob := dataset.Origin(a), dataset.Origin(b)
	if oa != ob {
		return oa > ob
	}
	return filepath.Base(a) > filepath.Base(b)
}

func fileVersion(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", err
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		return "", err
	}
	v, _ := pf.Lookup("zipin.extractor_version")
	return v, nil
}

// joinVersions names the extractor versions of a merged file's rows.
func joinVersions(vs map[string]bool) string {
	var l []string
	for v := range vs {
		if v != "" {
			l = append(l, v)
		}
	}
	sort.Strings(l)
	return strings.Join(l, ",")
}
