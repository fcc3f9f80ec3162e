package dataset

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"

	"github.com/parquet-go/parquet-go"

	"zipin/schema"
)

// Sink writes a dataset one document at a time: the per-document layout that
// many workers share (issue 16, docs/scale-out.md "Storage"). Each document
// has one file per table, <table>/doc-<doc_id>.parquet, encoded exactly like a
// batch file (schema.WriterOptions), so readers glob <table>/*.parquet as
// they do today. A Sink is safe for use by one goroutine; any number of
// Sinks, in any number of processes or machines, may write one dataset.
//
// Why a reader never sees half a file or a document twice, with no rename on
// object storage and no manifest:
//   - every file is published whole: locally a temporary file is fsynced and
//     renamed over the name (internal/atomicfile); on S3 a PUT (or a multipart
//     upload's completion) makes the whole object visible at once, and a
//     reader sees the old object or the new one, never part of either;
//   - the name is a function of doc_id and table only, so writing a document
//     again (a retried job, a worker rescued after it had in fact finished, a
//     re-extraction at another extractor version) overwrites its files
//     instead of adding new ones: a table holds at most one file per document;
//   - a table the new extraction has no rows for loses the document's old
//     file (removed), so no stale rows of an older extraction stay behind;
//   - `reports` is written last, and Has reads it: a document whose reports
//     file is there has all its other tables in place; a crash or failure
//     part-way leaves no reports file (or the previous extraction's), so the
//     job is done again, and the files it already wrote are overwritten.
//
// Between tables there is no transaction: while a document is rewritten a
// reader may see its new facts beside its old reports row for an instant.
// Every row's document is still there once per table, never twice; the
// reports row says which extractor_version wrote it.
type Sink interface {
	// PutDocument writes the rows of one document (every row of b has the same
	// doc_id, and b has exactly one reports row). Writing the same document
	// again replaces its rows; it never duplicates them.
	PutDocument(ctx context.Context, b *schema.Batch) error
	// Has reports the extractor version the dataset holds doc_id at ("" if
	// absent), read from the document's reports file.
	Has(ctx context.Context, docID string) (string, error)
	// Close releases the Sink (locally, its shared lock on the folder).
	Close() error
}

// OpenSink opens the per-document dataset at out: a local folder, or
// s3://bucket/prefix on an S3-compatible store (see openS3Sink for the
// endpoint and credentials). extractorVersion goes into every file's
// metadata. It fails with a *LayoutError if out holds batch files written by
// `zipin ingest` without --catalog: one folder holds one layout, since a
// document in both would be read twice.
//
// Locally the Sink holds a shared flock on DIR/.lock until Close: any number
// of Sinks share the folder, and a batch writer (dataset.Lock, exclusive)
// cannot run beside them. A process must not hold dataset.Lock on the same
// folder while it opens a Sink there: the two locks exclude each other.
// While a batch writer holds the folder, OpenSink fails with a *LockedError.
func OpenSink(ctx context.Context, out, extractorVersion string) (Sink, error) {
	if strings.HasPrefix(out, "s3://") {
		return openS3Sink(ctx, out, extractorVersion)
	}
	return openLocalSink(out, extractorVersion)
}

// docFilePrefix starts the name of every per-document file; batch files start
// with "part-" (Dataset.Commit).
const docFilePrefix = "doc-"

// DocFile is the name, within its table's folder, of the file holding one
// document's rows: "doc-<doc_id>.parquet".
func DocFile(docID string) string { return docFilePrefix + docID + ".parquet" }

// DocumentFiles narrows a table's files (as TableFiles lists them) to those
// that may hold docID's rows: in the per-document layout only the
// document's own file (none if it has no rows there), in the batch layout
// every file. A reader of one document (zipin review) then opens one file
// instead of every file's footer.
func DocumentFiles(files []string, docID string) []string {
	if len(files) == 0 || !isDocFile(filepath.Base(files[0])) {
		return files
	}
	for _, f := range files {
		if filepath.Base(f) == DocFile(docID) {
			return []string{f}
		}
	}
	return nil
}

// isDocFile says whether a table folder's file name is a per-document file.
func isDocFile(name string) bool {
	return strings.HasPrefix(name, docFilePrefix) && strings.HasSuffix(name, ".parquet")
}

// docPart is one table's file of a document: data is the encoded Parquet
// file, or nil when the document has no rows in table (its old file, if any,
// goes).
type docPart struct {
	table string
	data  []byte
}

// encodeDocument checks that b is one document and encodes each of its
// tables, in schema.Tables order, so `reports` comes last.
func encodeDocument(b *schema.Batch, extractorVersion string) (string, []docPart, error) {
	if len(b.Reports) != 1 {
		return "", nil, fmt.Errorf("dataset: a document has one reports row, this batch has %d", len(b.Reports))
	}
	id := b.Reports[0].DocID
	if err := checkDocID(id); err != nil {
		return "", nil, err
	}
	var parts []docPart
	for _, t := range schema.Tables {
		var (
			data []byte
			err  error
		)
		switch t {
		case schema.TableTexts:
			data, err = encodeDocTable(id, t, b.Texts, func(r schema.Text) string { return r.DocID }, extractorVersion)
		case schema.TableFacts:
			data, err = encodeDocTable(id, t, b.Facts, func(r schema.Fact) string { return r.DocID }, extractorVersion)
		case schema.TableProjects:
			data, err = encodeDocTable(id, t, b.Projects, func(r schema.Project) string { return r.DocID }, extractorVersion)
		case schema.TableIndicators:
			data, err = encodeDocTable(id, t, b.Indicators, func(r schema.Indicator) string { return r.DocID }, extractorVersion)
		case schema.TableReports:
			data, err = encodeDocTable(id, t, b.Reports, func(r schema.Report) string { return r.DocID }, extractorVersion)
		default:
			err = fmt.Errorf("dataset: no per-document writer for table %s", t)
		}
		if err != nil {
			return "", nil, err
		}
		parts = append(parts, docPart{table: t, data: data})
	}
	return id, parts, nil
}

// putParts writes a document's parts with put: every table but reports at
// once, then, once all of them are in place, reports, which Has reads and
// which must never be there without the others. The first error, in table
// order, is returned and reports is not written. The other tables' writes
// are independent, so on a remote store, where each PUT is a round trip, a
// document waits for about two of them instead of five. (On loopback, where
// the writes wait for fsync, it measured the same as one at a time:
// BenchmarkPutDocument, ~55 ms per document locally and ~130 ms to
// versitygw at load 13 on 2 cores, of which ~10 ms is CPU.)
func putParts(ctx context.Context, parts []docPart, put func(context.Context, docPart) error) error {
	var (
		wg      sync.WaitGroup
		errs    = make([]error, len(parts))
		reports = -1
	)
	for i, p := range parts {
		if p.table == schema.TableReports {
			reports = i
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = put(ctx, p)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	if reports < 0 {
		return fmt.Errorf("dataset: a document without its reports part")
	}
	return put(ctx, parts[reports])
}

func encodeDocTable[T any](id, table string, rows []T, docID func(T) string, extractorVersion string) ([]byte, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	for i, r := range rows {
		if got := docID(r); got != id {
			return nil, fmt.Errorf("dataset: document %s: %s row %d has doc_id %q: a Sink writes one document at a time", id, table, i, got)
		}
	}
	var buf bytes.Buffer
	if err := encodeParquet(&buf, extractorVersion, rows); err != nil {
		return nil, fmt.Errorf("dataset: document %s: encoding %s: %w", id, table, err)
	}
	return buf.Bytes(), nil
}

// checkDocID refuses a doc_id that cannot be a file or object name as is.
// pipeline.DocID gives 64 hex digits; tests use short names.
func checkDocID(id string) error {
	if id == "" || len(id) > 200 || id[0] == '.' {
		return fmt.Errorf("dataset: doc_id %q cannot name a file", id)
	}
	for _, r := range id {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'
		if !ok {
			return fmt.Errorf("dataset: doc_id %q cannot name a file (only letters, digits, '-', '_', '.')", id)
		}
	}
	return nil
}

// docVersion reads the extractor version of a document's reports file: its
// row's extractor_version, else the file's zipin.extractor_version metadata.
func docVersion(r io.ReaderAt, size int64) (string, error) {
	pf, err := parquet.OpenFile(r, size)
	if err != nil {
		return "", err
	}
	rows := make([]struct {
		ExtractorVersion string `parquet:"extractor_version"`
	}, 1)
	rd := parquet.NewGenericReader[struct {
		ExtractorVersion string `parquet:"extractor_version"`
	}](pf)
	defer rd.Close()
	n, err := rd.Read(rows)
	if n == 1 && rows[0].ExtractorVersion != "" {
		return rows[0].ExtractorVersion, nil
	}
	if n == 0 && err != nil && err != io.EOF {
		return "", err
	}
	v, _ := pf.Lookup("zipin.extractor_version")
	return v, nil
}

// LayoutError says that a folder mixes, or a writer would mix, the two
// layouts: batch files (part-….parquet, `zipin ingest`) and per-document
// files (doc-<doc_id>.parquet, a Sink). A document in both would be read
// twice, so readers and writers refuse the mix instead.
type LayoutError struct {
	Dir   string // the dataset (folder or s3:// URL)
	Table string
	Batch string // a batch file found, relative to Dir ("" if none)
	Doc   string // a per-document file found, relative to Dir ("" if none)
	// Want is the layout of the writer that refused: "batch",
	// "per-document", or "" for a reader.
	Want string
}

func (e *LayoutError) Error() string {
	switch e.Want {
	case "batch":
		return fmt.Sprintf("dataset %s: holds per-document files (%s, written by zipin worker or ingest --catalog); a batch import (zipin ingest without --catalog, zipin compact) would add a second copy of their documents: give ingest another --out, or keep adding to this one through the queue (zipin ingest --catalog URL, zipin worker)", e.Dir, e.Doc)
	case "per-document":
		return fmt.Sprintf("dataset %s: holds batch files (%s, written by zipin ingest without --catalog); per-document writers (zipin worker, ingest --catalog) would add a second copy of their documents: give them another --out, or keep adding to this one with zipin ingest without --catalog", e.Dir, e.Batch)
	}
	return fmt.Sprintf("dataset %s: table %s holds both batch files (%s) and per-document files (%s), so a document may be in both; not read: move one layout to another folder", e.Dir, e.Table, e.Batch, e.Doc)
}
