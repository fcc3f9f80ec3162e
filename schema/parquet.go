package schema

import "github.com/parquet-go/parquet-go"

// Table names, which are also the dataset's folder names.
const (
	TableReports    = "reports"
	TableFacts      = "facts"
	TableTexts      = "texts"
	TableProjects   = "projects"
	TableIndicators = "indicators"
	// TableCorrections holds the auditors' corrections. It is not in
	// Tables: a batch never writes or supersedes it, so re-extraction keeps
	// every correction (dataset.Dataset.AppendCorrections is its only writer).
	TableCorrections = "corrections"
)

// Tables lists every table in the order a batch writes them. reports comes
// last so that a reader polling the folder sees a document's details before
// its headline row.
var Tables = []string{TableTexts, TableFacts, TableProjects, TableIndicators, TableReports}

// MaxRowsPerRowGroup bounds the rows a writer buffers, so memory does not
// grow with the corpus.
const MaxRowsPerRowGroup = 50_000

// WriterOptions are the options of every dataset file: zstd, bounded row
// groups and the version metadata.
func WriterOptions(extractorVersion string) []parquet.WriterOption {
	return []parquet.WriterOption{
		parquet.Compression(&parquet.Zstd),
		parquet.MaxRowsPerRowGroup(MaxRowsPerRowGroup),
		// A bloom filter on doc_id lets a reader of one document (zipin
		// review) skip every file that cannot hold it, without reading it.
		parquet.BloomFilters(parquet.SplitBlockFilter(10, "doc_id")),
		parquet.KeyValueMetadata("zipin.schema_version", SchemaVersion),
		parquet.KeyValueMetadata("zipin.extractor_version", extractorVersion),
	}
}
