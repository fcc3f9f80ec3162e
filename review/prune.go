package review

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"zipin/dataset"

	"github.com/parquet-go/parquet-go"
)

// mayHold says whether the Parquet file at path may hold rows of docID, by
// the bloom filter the writer keeps on each row group's doc_id
// (schema.WriterOptions): a file none of whose row groups may hold it is
// never read further. A file without filters (written by an older zipin)
// may hold anything.
func mayHold(path, docID string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return false, err
	}
	pf, err := parquet.OpenFile(f, st.Size(), parquet.SkipPageIndex(true))
	if err != nil {
		return false, err
	}
	col, ok := pf.Schema().Lookup("doc_id")
	if !ok {
		return false, fmt.Errorf("no doc_id column")
	}
	want := parquet.ValueOf(docID)
	for _, rg := range pf.RowGroups() {
		bf := rg.ColumnChunks()[col.ColumnIndex].BloomFilter()
		if bf == nil {
			return true, nil
		}
		if hit, err := bf.Check(want); err != nil || hit {
			return true, nil
		}
	}
	return false, nil
}

// readDoc reads one document's rows of a table, opening only the files
// that may hold it (in the per-document layout, its own file alone); like
// Load, the last row of a key wins.
func readDoc[T any](dir, table, docID string, doc func(T) string, key func(T) string) ([]T, error) {
	files, err := dataset.TableFiles(dir, table)
	if err != nil {
		return nil, fmt.Errorf("review: dataset %s: %w", dir, err)
	}
	var out []T
	for _, rel := range dataset.DocumentFiles(files, docID) {
		path := filepath.Join(dir, rel)
		hold, err := mayHold(path, docID)
		if err != nil {
			return nil, fmt.Errorf("review: dataset %s: reading %s: %w", dir, rel, err)
		}
		if !hold {
			continue
		}
		rows, err := parquet.ReadFile[T](path)
		if err != nil {
			return nil, fmt.Errorf("review: dataset %s: reading %s: %w", dir, rel, err)
		}
		for _, r := range rows {
			if doc(r) == docID {
				out = append(out, r)
			}
		}
	}
	return lastByKey(out, key), nil
}

// countDocIDs adds, for each doc_id in the file at path, its number of rows
// to counts, reading only the doc_id column.
func countDocIDs(path string, counts map[string]int) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	pf, err := parquet.OpenFile(f, st.Size(), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return err
	}
	col, ok := pf.Schema().Lookup("doc_id")
	if !ok {
		return fmt.Errorf("no doc_id column")
	}
	for _, rg := range pf.RowGroups() {
		pages := rg.ColumnChunks()[col.ColumnIndex].Pages()
		for {
			p, err := pages.ReadPage()
			if err == io.EOF {
				break
			}
			if err != nil {
				pages.Close()
				return err
			}
			vals := make([]parquet.Value, p.NumValues())
			n, _ := p.Values().ReadValues(vals)
			for _, v := range vals[:n] {
				counts[v.String()]++
			}
			parquet.Release(p)
		}
		pages.Close()
	}
	return nil
}
