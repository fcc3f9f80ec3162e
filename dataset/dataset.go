// Package dataset is the engine of the zipin output folder: the run lock,
// staged transactions, the MANIFEST commit and crash recovery on Open,
// superseding a re-extracted document's rows, and the readers of its tables.
// The rows it writes and their Parquet schema (table names, writer options)
// are package schema's.
package dataset

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"golang.org/x/sys/unix"

	"zipin/internal/atomicfile"
	"zipin/schema"
)

const stagingDir = ".staging"

// Dataset is an output folder. Files enter it atomically through a staging
// area and a manifest, restic-style: a batch is either wholly visible or, after
// a crash, rolled forward or discarded on the next Open.
type Dataset struct {
	Dir              string
	ExtractorVersion string

	// present holds the doc_ids of `reports`, loaded on the first Commit, so
	// a batch of new documents (the common case) skips the search for rows to
	// supersede, which would otherwise read every file on every commit.
	present map[string]bool
	// fileIDs caches the doc_ids of each file read while superseding, so a
	// --force run over a large dataset reads each file's doc_id column once.
	fileIDs map[string]map[string]bool
	// batchLayout is set once the folder is known to hold no per-document
	// files (checkBatchLayout).
	batchLayout bool
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
	for _, t := range schema.Tables {
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

// OpenBatch is Open for a batch writer (zipin ingest without --catalog,
// zipin compact). It fails with a *LayoutError, before creating or
// recovering anything, if the folder holds per-document files (a Sink's):
// a batch written beside them could hold a second copy of their documents,
// so the run is refused before any work rather than at its first commit.
// The caller holds the writer lock (Lock), which keeps Sinks out.
// (Corrections are appended through Open: a Sink never writes that table,
// so they suit either layout.)
func OpenBatch(dir, extractorVersion string) (*Dataset, error) {
	probe := &Dataset{Dir: dir, ExtractorVersion: extractorVersion}
	if err := probe.checkBatchLayout(); err != nil {
		return nil, err
	}
	d, err := Open(dir, extractorVersion)
	if err != nil {
		return nil, err
	}
	d.batchLayout = true
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

// publish removes the files a committed batch supersedes, then moves its
// files into place. It is idempotent, so recovery can run it again after a
// crash. Removing first means a reader listing the folder meanwhile may miss
// a document for an instant but never sees two copies of one (CONTRACT.md:
// a query never sees two rows for the same key).
//
// Every folder a removal or a rename lands in (table folders, partition
// folders and the folders holding those) is fsynced before the batch's
// staging folder goes, restic-style: syncing only the root would leave the
// renames into table folders to the file system's mercy after a power cut.
func (d *Dataset) publish(batch string, m *manifest) error {
	var touched []string // folders relative to d.Dir, each followed by its parents
	touch := func(rel string) {
		for dir := filepath.Dir(rel); ; dir = filepath.Dir(dir) {
			touched = append(touched, dir)
			if dir == "." {
				return
			}
		}
	}
	for _, f := range m.Remove {
		if err := os.Remove(filepath.Join(d.Dir, f)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("dataset %s: removing superseded %s: %w", d.Dir, f, err)
		}
		touch(f)
		// A partition folder of an older zipin goes once empty, so that
		// readers inferring Hive partitions from folder names see none.
		if sub := filepath.Dir(f); strings.Contains(filepath.Base(sub), "=") {
			os.Remove(filepath.Join(d.Dir, sub)) // fails, harmlessly, while not empty
		}
	}
	for _, f := range m.Files {
		src, dst := filepath.Join(batch, f), filepath.Join(d.Dir, f)
		touch(f) // also when moved before a crash: its folder may not be synced
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
	dirs := make([]string, 0, len(touched))
	for _, rel := range touched {
		dir := filepath.Join(d.Dir, rel)
		if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
			continue // an emptied partition folder, gone: its parent is listed too
		}
		dirs = append(dirs, dir)
	}
	if err := atomicfile.SyncDirs(dirs); err != nil {
		return fmt.Errorf("dataset %s: publishing: %w", d.Dir, err)
	}
	return os.RemoveAll(batch)
}

// newBatchID sorts by time, so files list in the order they were written.
func newBatchID() string {
	var r [4]byte
	_, _ = rand.Read(r[:])
	return time.Now().UTC().Format("20060102T150405.000000000") + "-" + hex.EncodeToString(r[:])
}

// Commit writes a batch: one file per table. Rows of the
// documents in the batch that already sit in older files are dropped from
// those files (which are rewritten as new files), so no query sees two rows
// for a doc_id.
func (d *Dataset) Commit(b *schema.Batch) (files []string, err error) {
	return d.CommitBatches([]*schema.Batch{b})
}

// CommitBatches is Commit of the batches' rows together, in their order,
// written from each batch in turn: the files are those of one batch
// holding them all, without the copy of every row that joining them
// would take (the importing process commits each document's rows so).
func (d *Dataset) CommitBatches(bs []*schema.Batch) (files []string, err error) {
	docs, texts := 0, 0
	for _, b := range bs {
		docs, texts = docs+b.Len(), texts+len(b.Texts)
	}
	if docs == 0 && texts == 0 {
		return nil, nil
	}
	t, err := d.Begin()
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			t.Abort()
		}
	}()
	replace := map[string]bool{}
	for _, b := range bs {
		for _, r := range b.Reports {
			replace[r.DocID] = true
		}
	}
	stage := t.Stage
	name := "part-" + t.id + ".parquet"
	if err := stageTable(d, stage, schema.TableTexts, name, tableOf(bs, func(b *schema.Batch) []schema.Text { return b.Texts })...); err != nil {
		return nil, err
	}
	if err := stageTable(d, stage, schema.TableFacts, name, tableOf(bs, func(b *schema.Batch) []schema.Fact { return b.Facts })...); err != nil {
		return nil, err
	}
	if err := stageTable(d, stage, schema.TableProjects, name, tableOf(bs, func(b *schema.Batch) []schema.Project { return b.Projects })...); err != nil {
		return nil, err
	}
	if err := stageTable(d, stage, schema.TableIndicators, name, tableOf(bs, func(b *schema.Batch) []schema.Indicator { return b.Indicators })...); err != nil {
		return nil, err
	}
	if err := stageTable(d, stage, schema.TableReports, name, tableOf(bs, func(b *schema.Batch) []schema.Report { return b.Reports })...); err != nil {
		return nil, err
	}
	// Old files holding rows of replaced documents are rewritten without them.
	if err := d.supersede(replace, t); err != nil {
		return nil, err
	}
	files, err = t.Commit()
	if err != nil {
		return nil, err
	}
	for id := range replace {
		d.present[id] = true
	}
	return files, nil
}

// Txn is a set of staged files and removals that become visible together:
// a crash before the MANIFEST is written discards it, one after rolls it
// forward on the next Open. Commit and compaction both go through it.
type Txn struct {
	d     *Dataset
	id    string
	batch string
	m     manifest
}

// Begin starts a transaction in a fresh staging folder. It fails with a
// *LayoutError if the folder holds per-document files (a Sink's): a batch
// written beside them could hold a second copy of their documents.
func (d *Dataset) Begin() (*Txn, error) {
	if err := d.checkBatchLayout(); err != nil {
		return nil, err
	}
	return d.begin()
}

// checkBatchLayout looks for per-document files once per Dataset: the
// caller holds dataset.Lock, which keeps Sinks out while it does.
func (d *Dataset) checkBatchLayout() error {
	if d.batchLayout {
		return nil
	}
	for _, t := range schema.Tables {
		files, err := tableFiles(d.Dir, t)
		if err != nil {
			return fmt.Errorf("dataset %s: %w", d.Dir, err)
		}
		if _, doc := layoutOf(files); doc != "" {
			return &LayoutError{Dir: d.Dir, Table: t, Doc: doc, Want: "batch"}
		}
	}
	d.batchLayout = true
	return nil
}

func (d *Dataset) begin() (*Txn, error) {
	id := newBatchID()
	batch := filepath.Join(d.Dir, stagingDir, id)
	if err := os.MkdirAll(batch, 0o755); err != nil {
		return nil, fmt.Errorf("dataset %s: %w", d.Dir, err)
	}
	return &Txn{d: d, id: id, batch: batch}, nil
}

// ID is the transaction's batch id; it sorts by time.
func (t *Txn) ID() string { return t.id }

// Stage writes a file (rel is relative to the dataset folder) into staging.
func (t *Txn) Stage(rel string, write func(path string) error) error {
	path := filepath.Join(t.batch, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := write(path); err != nil {
		return err
	}
	t.m.Files = append(t.m.Files, rel)
	return nil
}

// Remove marks a published file (relative to the dataset folder) for removal.
func (t *Txn) Remove(rel string) { t.m.Remove = append(t.m.Remove, rel) }

// Commit writes the MANIFEST, which is the commit point, then publishes.
func (t *Txn) Commit() ([]string, error) {
	// The staged files' folders are synced first: after the MANIFEST a crash
	// rolls the batch forward, and a staged file whose folder entry was lost
	// would read as "already moved" and be dropped without a word.
	var staged []string
	for _, f := range t.m.Files {
		for dir := filepath.Dir(f); dir != "."; dir = filepath.Dir(dir) {
			staged = append(staged, filepath.Join(t.batch, dir))
		}
	}
	if err := atomicfile.SyncDirs(staged); err != nil {
		t.Abort()
		return nil, fmt.Errorf("dataset %s: %w", t.d.Dir, err)
	}
	mb, _ := json.Marshal(&t.m)
	if err := atomicfile.Write(filepath.Join(t.batch, "MANIFEST"), mb); err != nil {
		t.Abort()
		return nil, fmt.Errorf("dataset %s: %w", t.d.Dir, err)
	}
	if err := t.d.publish(t.batch, &t.m); err != nil {
		return nil, err
	}
	for _, f := range t.m.Remove {
		delete(t.d.fileIDs, f)
	}
	return t.m.Files, nil
}

// Abort discards the staged files.
func (t *Txn) Abort() { os.RemoveAll(t.batch) }

type stager func(rel string, write func(path string) error) error

// tableOf lists one table's rows of each batch.
func tableOf[T any](bs []*schema.Batch, table func(*schema.Batch) []T) [][]T {
	parts := make([][]T, 0, len(bs))
	for _, b := range bs {
		if rows := table(b); len(rows) > 0 {
			parts = append(parts, rows)
		}
	}
	return parts
}

// stageTable stages one file of a table holding the rows of parts, in order.
func stageTable[T any](d *Dataset, stage stager, table, name string, parts ...[]T) error {
	if len(parts) == 0 {
		return nil
	}
	rel := filepath.Join(table, name)
	if err := stage(rel, func(path string) error { return writeParquet(path, d.ExtractorVersion, parts...) }); err != nil {
		return fmt.Errorf("dataset %s: writing %s: %w", d.Dir, rel, err)
	}
	return nil
}

// A table's files sit directly in its folder, not in Hive partition folders.
// Partitioning by fiscal_year wrote the column both in the folder name and in
// the files, which pandas/pyarrow refuse to merge (int32 vs dictionary) and
// Spark refuses as a duplicate column; with the column only in the path,
// DuckDB would type it BIGINT and lose it when one file is read alone. Flat
// folders read the same in DuckDB, pyarrow/pandas and Spark with their
// defaults, and DuckDB still skips row groups by their fiscal_year
// statistics. Datasets written partitioned still read (the files carry the
// column); `zipin compact` moves their rows into the flat layout.

// PartitionDir is the folder, under its table's, of the file that holds a
// row of fiscal year y: "", since tables are no longer partitioned.
func PartitionDir(y *int32) string { return "" }

// writeParquet writes the rows of parts, in order, to path with zstd,
// bounded row groups and the version metadata, then fsyncs it.
func writeParquet[T any](path, extractorVersion string, parts ...[]T) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := encodeParquet(f, extractorVersion, parts...); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// encodeParquet writes the rows of parts, in order, as one Parquet file to
// w with the dataset's writer options (schema.WriterOptions): every file of
// the dataset, batch or per document, local or on object storage, is
// encoded here. Row groups are cut by their size alone, wherever the parts
// end, so the file is the one a single slice of all the rows would give.
func encodeParquet[T any](w io.Writer, extractorVersion string, parts ...[]T) error {
	pw := parquet.NewGenericWriter[T](w, schema.WriterOptions(extractorVersion)...)
	for _, rows := range parts {
		if _, err := pw.Write(rows); err != nil {
			return err
		}
	}
	return pw.Close()
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

// TableFiles lists a table's Parquet files, relative to dir, in name order:
// batch files (part-….parquet) or per-document files (doc-<doc_id>.parquet,
// written by a Sink). A table holding both fails with a *LayoutError, since
// a document may then be in two files.
func TableFiles(dir, table string) ([]string, error) {
	files, err := tableFiles(dir, table)
	if err != nil {
		return nil, err
	}
	if batch, doc := layoutOf(files); batch != "" && doc != "" {
		return nil, &LayoutError{Dir: dir, Table: table, Batch: batch, Doc: doc}
	}
	return files, nil
}

// tableFiles lists a table's Parquet files, of either layout.
func tableFiles(dir, table string) ([]string, error) {
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
func (d *Dataset) supersede(replace map[string]bool, t *Txn) error {
	if d.present == nil {
		v, err := d.DocVersions()
		if err != nil {
			return err
		}
		d.present = make(map[string]bool, len(v))
		for id := range v {
			d.present[id] = true
		}
	}
	hit := false
	for id := range replace {
		if d.present[id] {
			hit = true
			break
		}
	}
	if !hit {
		return nil
	}
	if d.fileIDs == nil {
		d.fileIDs = map[string]map[string]bool{}
	}
	for _, tb := range schema.Tables {
		var err error
		switch tb {
		case schema.TableReports:
			err = rewriteWithout(d, t, tb, replace, func(r schema.Report) string { return r.DocID })
		case schema.TableFacts:
			err = rewriteWithout(d, t, tb, replace, func(r schema.Fact) string { return r.DocID })
		case schema.TableTexts:
			err = rewriteWithout(d, t, tb, replace, func(r schema.Text) string { return r.DocID })
		case schema.TableProjects:
			err = rewriteWithout(d, t, tb, replace, func(r schema.Project) string { return r.DocID })
		case schema.TableIndicators:
			err = rewriteWithout(d, t, tb, replace, func(r schema.Indicator) string { return r.DocID })
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func rewriteWithout[T any](d *Dataset, t *Txn, table string, replace map[string]bool, key func(T) string) error {
	files, err := TableFiles(d.Dir, table)
	if err != nil {
		return err
	}
	for _, rel := range files {
		ids, ok := d.fileIDs[rel]
		if !ok {
			ids, err = FileDocIDs(filepath.Join(d.Dir, rel))
			if err != nil {
				return fmt.Errorf("dataset %s: reading %s: %w", d.Dir, rel, err)
			}
			d.fileIDs[rel] = ids
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
		t.Remove(rel)
		if len(kept) == 0 {
			continue
		}
		// The rewritten file keeps its partition folder and the batch it
		// came from (its origin, which orders versions for compaction), and
		// takes this transaction's id to be unique. The name does not grow
		// when a file is rewritten again.
		newRel := filepath.Join(filepath.Dir(rel), "part-"+Origin(rel)+"-r"+t.id+".parquet")
		if err := t.Stage(newRel, func(path string) error { return writeParquet(path, d.ExtractorVersion, kept) }); err != nil {
			return fmt.Errorf("dataset %s: rewriting %s: %w", d.Dir, rel, err)
		}
	}
	return nil
}

// batchIDLen is the length of newBatchID's ids.
var batchIDLen = len(newBatchID())

// Origin is the id of the batch whose extraction produced a file's rows:
// "part-<id>.parquet" was written by batch <id>, and a rewrite
// "part-<id>-r<id2>.parquet" still holds rows extracted by <id>. Ids sort by
// time, so the file with the greatest origin holds a document's newest rows.
// Files named otherwise (older zipin) have the empty origin, the oldest.
func Origin(rel string) string {
	base := filepath.Base(rel)
	// Files written by zipin before origins were kept: rpart-<new>-<old>.
	rest, ok := strings.CutPrefix(base, "part-")
	if !ok || len(rest) < batchIDLen {
		return ""
	}
	return rest[:batchIDLen]
}

// FileDocIDs reads only the doc_id column of a file.
func FileDocIDs(path string) (map[string]bool, error) {
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
	}](d.Dir, schema.TableReports)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.DocID] = r.ExtractorVersion
	}
	return out, nil
}

// AppendCorrections adds rows to `corrections` as one new file, through
// the same staging and manifest as a batch, so a crash leaves all the rows
// or none. Existing files are never touched. The caller holds the writer
// lock (Lock).
func (d *Dataset) AppendCorrections(rows []schema.Correction) (files []string, err error) {
	if len(rows) == 0 {
		return nil, nil
	}
	// Corrections are batch files in either layout: a Sink never writes
	// the table, so they cannot meet a per-document copy.
	t, err := d.begin()
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			t.Abort()
		}
	}()
	if err := stageTable(d, t.Stage, schema.TableCorrections, "part-"+t.id+".parquet", rows); err != nil {
		return nil, err
	}
	return t.Commit()
}

// Lock takes the writer lock of the dataset at dir (an flock on DIR/.lock,
// which the kernel releases if the process dies), so two writers never
// publish or recover batches at once. It fails at once if another process
// holds it.
//
// A lock another process holds is a *LockedError.
func Lock(dir string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("dataset %s: %w", dir, err)
	}
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("dataset %s: %w", dir, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		return nil, &LockedError{Dir: dir, Err: err}
	}
	return func() {
		_ = unix.Flock(int(f.Fd()), unix.LOCK_UN)
		f.Close()
	}, nil
}

// LockedError says another process holds the dataset's lock (flock on
// DIR/.lock), so nothing was written. The kernel releases the lock when its
// holder dies, so it is never stale.
type LockedError struct {
	Dir string
	Err error // from flock: EWOULDBLOCK
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("dataset %s: another zipin process is writing it (%v)", e.Dir, e.Err)
}

func (e *LockedError) Unwrap() error { return e.Err }
