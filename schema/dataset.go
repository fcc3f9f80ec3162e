package schema

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
)

// Table names, which are also the dataset's folder names.
const (
	TableReports    = "reports"
	TableFacts      = "facts"
	TableTexts      = "texts"
	TableProjects   = "projects"
	TableIndicators = "indicators"
)

// Tables lists every table in the order a batch writes them. reports comes
// last so that a reader polling the folder sees a document's details before
// its headline row.
var Tables = []string{TableTexts, TableFacts, TableProjects, TableIndicators, TableReports}

// partitioned says which tables are Hive-partitioned by fiscal_year, so that
// analysts prune by year.
var partitioned = map[string]bool{TableReports: true, TableFacts: true, TableIndicators: true}

// nullPartition is the Hive convention for a NULL partition value.
const nullPartition = "__HIVE_DEFAULT_PARTITION__"

// MaxRowsPerRowGroup bounds the rows a writer buffers, so memory does not
// grow with the corpus.
const MaxRowsPerRowGroup = 50_000

const stagingDir = ".staging"

// Dataset is an output folder. Files enter it atomically through a staging
// area and a manifest, restic-style: a batch is either wholly visible or, after
// a crash, rolled forward or discarded on the next Open.
type Dataset struct {
	Dir              string
	ExtractorVersion string
}

// manifest records what a staged batch will do once committed.
type manifest struct {
	Files  []string `json:"files"`  // paths relative to the staging batch folder and to Dir alike
	Remove []string `json:"remove"` // files (relative to Dir) superseded by this batch
}

// Open creates dir if needed and finishes or discards any batch a crash left
// half-committed.
func Open(dir, extractorVersion string) (*Dataset, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("dataset %s: %w", dir, err)
	}
	for _, t := range Tables {
		if err := os.MkdirAll(filepath.Join(dir, t), 0o755); err != nil {
			return nil, fmt.Errorf("dataset %s: %w", dir, err)
		}
	}
	d := &Dataset{Dir: dir, ExtractorVersion: extractorVersion}
	if err := d.recover(); err != nil {
		return nil, err
	}
	return d, nil
}

func (d *Dataset) recover() error {
	entries, err := os.ReadDir(filepath.Join(d.Dir, stagingDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("dataset %s: %w", d.Dir, err)
	}
	for _, e := range entries {
		batch := filepath.Join(d.Dir, stagingDir, e.Name())
		m, err := readManifest(batch)
		if err != nil {
			// Never committed: the batch's documents are not in the dataset
			// and will be extracted again.
			if err := os.RemoveAll(batch); err != nil {
				return fmt.Errorf("dataset %s: discarding %s: %w", d.Dir, batch, err)
			}
			continue
		}
		if err := d.publish(batch, m); err != nil {
			return err
		}
	}
	return nil
}

func readManifest(batch string) (*manifest, error) {
	b, err := os.ReadFile(filepath.Join(batch, "MANIFEST"))
	if err != nil {
		return nil, err
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// publish moves a committed batch's files into place and removes the files it
// supersedes. It is idempotent, so recovery can run it again after a crash.
func (d *Dataset) publish(batch string, m *manifest) error {
	for _, f := range m.Files {
		src, dst := filepath.Join(batch, f), filepath.Join(d.Dir, f)
		if _, err := os.Stat(src); errors.Is(err, fs.ErrNotExist) {
			continue // already moved before the crash
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return fmt.Errorf("dataset %s: %w", d.Dir, err)
		}
		if err := os.Rename(src, dst); err != nil {
			return fmt.Errorf("dataset %s: publishing %s: %w", d.Dir, f, err)
		}
	}
	for _, f := range m.Remove {
		if err := os.Remove(filepath.Join(d.Dir, f)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("dataset %s: removing superseded %s: %w", d.Dir, f, err)
		}
	}
	syncDir(d.Dir)
	return os.RemoveAll(batch)
}

// newBatchID sorts by time, so files list in the order they were written.
func newBatchID() string {
	var r [4]byte
	_, _ = rand.Read(r[:])
	return time.Now().UTC().Format("20060102T150405.000000000") + "-" + hex.EncodeToString(r[:])
}

// Commit writes a batch: one file per table and partition. Rows of the
// documents in replace that already sit in older files are dropped from those
// files (which are rewritten as new files), so no query sees two rows for a
// doc_id. The batch's own doc_ids are always replaced.
func (d *Dataset) Commit(b *Batch) (files []string, err error) {
	if b.Len() == 0 && len(b.Texts) == 0 {
		return nil, nil
	}
	id := newBatchID()
	batch := filepath.Join(d.Dir, stagingDir, id)
	if err := os.MkdirAll(batch, 0o755); err != nil {
		return nil, fmt.Errorf("dataset %s: %w", d.Dir, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(batch)
		}
	}()
	replace := map[string]bool{}
	for _, r := range b.Reports {
		replace[r.DocID] = true
	}
	m := &manifest{}
	stage := func(rel string, write func(path string) error) error {
		path := filepath.Join(batch, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := write(path); err != nil {
			return err
		}
		m.Files = append(m.Files, rel)
		return nil
	}
	name := "part-" + id + ".parquet"
	if err := stageTable(d, stage, TableTexts, name, b.Texts, func(Text) *int32 { return nil }); err != nil {
		return nil, err
	}
	if err := stageTable(d, stage, TableFacts, name, b.Facts, func(f Fact) *int32 { return f.FiscalYear }); err != nil {
		return nil, err
	}
	if err := stageTable(d, stage, TableProjects, name, b.Projects, func(Project) *int32 { return nil }); err != nil {
		return nil, err
	}
	if err := stageTable(d, stage, TableIndicators, name, b.Indicators, func(i Indicator) *int32 { return i.FiscalYear }); err != nil {
		return nil, err
	}
	if err := stageTable(d, stage, TableReports, name, b.Reports, func(r Report) *int32 { return r.FiscalYear }); err != nil {
		return nil, err
	}
	// Old files holding rows of replaced documents are rewritten without them.
	if err := d.supersede(replace, name, stage, m); err != nil {
		return nil, err
	}
	mb, _ := json.Marshal(m)
	if err := writeFileAtomic(filepath.Join(batch, "MANIFEST"), mb); err != nil {
		return nil, fmt.Errorf("dataset %s: %w", d.Dir, err)
	}
	if err := d.publish(batch, m); err != nil {
		return nil, err
	}
	return m.Files, nil
}

type stager func(rel string, write func(path string) error) error

func stageTable[T any](d *Dataset, stage stager, table, name string, rows []T, year func(T) *int32) error {
	if len(rows) == 0 {
		return nil
	}
	groups := map[string][]T{}
	for _, r := range rows {
		dir := table
		if partitioned[table] {
			dir = filepath.Join(table, partitionDir(year(r)))
		}
		groups[dir] = append(groups[dir], r)
	}
	dirs := make([]string, 0, len(groups))
	for k := range groups {
		dirs = append(dirs, k)
	}
	sort.Strings(dirs)
	for _, dir := range dirs {
		rel := filepath.Join(dir, name)
		if err := stage(rel, func(path string) error { return writeParquet(path, groups[dir], d.ExtractorVersion) }); err != nil {
			return fmt.Errorf("dataset %s: writing %s: %w", d.Dir, rel, err)
		}
	}
	return nil
}

func partitionDir(y *int32) string {
	if y == nil {
		return "fiscal_year=" + nullPartition
	}
	return "fiscal_year=" + strconv.Itoa(int(*y))
}

// writeParquet writes rows to path with zstd, bounded row groups and the
// version metadata, then fsyncs it.
func writeParquet[T any](path string, rows []T, extractorVersion string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := parquet.NewGenericWriter[T](f,
		parquet.Compression(&parquet.Zstd),
		parquet.MaxRowsPerRowGroup(MaxRowsPerRowGroup),
		parquet.KeyValueMetadata("zipin.schema_version", SchemaVersion),
		parquet.KeyValueMetadata("zipin.extractor_version", extractorVersion),
	)
	if _, err := w.Write(rows); err != nil {
		f.Close()
		return err
	}
	if err := w.Close(); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ReadTable reads every row of one table (all files, all partitions).
func ReadTable[T any](dir, table string) ([]T, error) {
	files, err := TableFiles(dir, table)
	if err != nil {
		return nil, err
	}
	var all []T
	for _, f := range files {
		rows, err := parquet.ReadFile[T](filepath.Join(dir, f))
		if err != nil {
			return nil, fmt.Errorf("dataset %s: reading %s: %w", dir, f, err)
		}
		all = append(all, rows...)
	}
	return all, nil
}

// TableFiles lists a table's Parquet files, relative to dir, in name order.
func TableFiles(dir, table string) ([]string, error) {
	var files []string
	root := filepath.Join(dir, table)
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return filepath.SkipDir
			}
			return err
		}
		if !e.IsDir() && strings.HasSuffix(p, ".parquet") {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, rel)
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

// supersede rewrites, as new staged files, every existing file that holds a
// row of a replaced document, and marks the old file for removal.
func (d *Dataset) supersede(replace map[string]bool, name string, stage stager, m *manifest) error {
	if len(replace) == 0 {
		return nil
	}
	for _, t := range Tables {
		var err error
		switch t {
		case TableReports:
			err = rewriteWithout(d, stage, m, t, name, replace, func(r Report) string { return r.DocID })
		case TableFacts:
			err = rewriteWithout(d, stage, m, t, name, replace, func(r Fact) string { return r.DocID })
		case TableTexts:
			err = rewriteWithout(d, stage, m, t, name, replace, func(r Text) string { return r.DocID })
		case TableProjects:
			err = rewriteWithout(d, stage, m, t, name, replace, func(r Project) string { return r.DocID })
		case TableIndicators:
			err = rewriteWithout(d, stage, m, t, name, replace, func(r Indicator) string { return r.DocID })
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func rewriteWithout[T any](d *Dataset, stage stager, m *manifest, table, name string, replace map[string]bool, key func(T) string) error {
	files, err := TableFiles(d.Dir, table)
	if err != nil {
		return err
	}
	for _, rel := range files {
		if strings.HasSuffix(rel, name) {
			continue
		}
		ids, err := docIDs(filepath.Join(d.Dir, rel))
		if err != nil {
			return fmt.Errorf("dataset %s: reading %s: %w", d.Dir, rel, err)
		}
		hit := false
		for id := range ids {
			if replace[id] {
				hit = true
				break
			}
		}
		if !hit {
			continue
		}
		rows, err := parquet.ReadFile[T](filepath.Join(d.Dir, rel))
		if err != nil {
			return fmt.Errorf("dataset %s: reading %s: %w", d.Dir, rel, err)
		}
		kept := rows[:0]
		for _, r := range rows {
			if !replace[key(r)] {
				kept = append(kept, r)
			}
		}
		m.Remove = append(m.Remove, rel)
		if len(kept) == 0 {
			continue
		}
		// The rewritten file keeps its partition folder and takes a name that
		// sorts after the old one.
		newRel := filepath.Join(filepath.Dir(rel), "r"+strings.TrimSuffix(filepath.Base(name), ".parquet")+"-"+strings.TrimSuffix(filepath.Base(rel), ".parquet")+".parquet")
		if err := stage(newRel, func(path string) error { return writeParquet(path, kept, d.ExtractorVersion) }); err != nil {
			return fmt.Errorf("dataset %s: rewriting %s: %w", d.Dir, rel, err)
		}
	}
	return nil
}

// docIDs reads only the doc_id column of a file.
func docIDs(path string) (map[string]bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		return nil, err
	}
	col, ok := pf.Schema().Lookup("doc_id")
	if !ok {
		return nil, fmt.Errorf("no doc_id column")
	}
	ids := map[string]bool{}
	for _, rg := range pf.RowGroups() {
		pages := rg.ColumnChunks()[col.ColumnIndex].Pages()
		for {
			p, err := pages.ReadPage()
			if err != nil {
				break
			}
			vals := make([]parquet.Value, p.NumValues())
			n, _ := p.Values().ReadValues(vals)
			for _, v := range vals[:n] {
				ids[v.String()] = true
			}
			parquet.Release(p)
		}
		pages.Close()
	}
	return ids, nil
}

// DocVersions maps each doc_id in `reports` to the extractor version that wrote it.
func (d *Dataset) DocVersions() (map[string]string, error) {
	rows, err := ReadTable[struct {
		DocID            string `parquet:"doc_id"`
		ExtractorVersion string `parquet:"extractor_version"`
	}](d.Dir, TableReports)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.DocID] = r.ExtractorVersion
	}
	return out, nil
}

// writeFileAtomic writes data to a temporary file, fsyncs it and renames it
// over path, so a reader sees the old content or the new, never a part.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	syncDir(filepath.Dir(path))
	return nil
}

func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		_ = f.Sync()
		f.Close()
	}
}
