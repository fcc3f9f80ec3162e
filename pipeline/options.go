package pipeline

import (
	"fmt"
	"runtime"
	"time"
	"zipin/isolate"
	"zipin/schema"
)

// DefaultTimeout is the time budget of a document when Options.Timeout is 0.
const DefaultTimeout = 2 * time.Minute

// Defaults of the bounds on one document and on a batch (Options).
const (
	// DefaultMaxInput: a 自评报告 is a few MB; a scanned one rarely passes
	// 100 MB. Larger inputs are refused before they are read.
	DefaultMaxInput = 256 << 20
	// DefaultMaxFactsPerPage: a dense 自评表 page holds a few hundred facts;
	// tens of thousands on one page are a data dump or a runaway reader.
	DefaultMaxFactsPerPage = 10_000
	// DefaultMaxRowsBytes bounds the rows one document sends to the parent,
	// which keeps the parent's memory flat whatever the input.
	DefaultMaxRowsBytes = 64 << 20
	// DefaultFlushInterval: a kill loses at most this much finished work.
	DefaultFlushInterval = 5 * time.Second
	// DefaultRetries is how many times a document whose worker was killed
	// from outside (SIGKILL) is tried again before it is quarantined.
	DefaultRetries = 2
)

// Isolation says which documents are parsed in a worker child process. Its
// values are the words of zipin ingest's --isolate flag.
type Isolation string

// The isolation modes; no other value is accepted by Ingest.
const (
	IsolateAll   Isolation = "all"   // every document (the default: the overhead is small, see docs/bulk.md)
	IsolateRisky Isolation = "risky" // everything but plain text and HTML
	IsolateNone  Isolation = "none"  // nothing: parse in this process (no memory cap)
)

// Options configure an ingest run.
type Options struct {
	Out   string // the dataset folder
	Force bool   // re-extract documents already in the dataset
	// RetryQuarantined extracts again documents this extractor version
	// quarantined before (after raising Timeout or WorkerMemory, say).
	RetryQuarantined bool
	// SourceURLs maps a path to the URL it was fetched from (the harvester sets it).
	SourceURLs map[string]string
	// SourceNames maps a path to the name recorded as its source
	// (reports.source, the catalog, the messages) in place of the path:
	// the built-in samples are read from a temporary folder deleted after
	// the run, and are recorded as "sample:NAME" instead.
	SourceNames map[string]string
	// Accept, if set, sees each analyzed document's rows before they are
	// written; a non-empty answer skips the document with that reason (the
	// harvester keeps notices and blank forms out this way).
	Accept func(path string, b *schema.Batch) string
	// Timeout is the time budget of one document: read, extract, analyze
	// (0: DefaultTimeout).
	Timeout time.Duration
	// Log, if set, receives one line per document.
	Log func(format string, args ...any)

	// Jobs is the number of documents processed at once; 0 means one per CPU.
	Jobs int
	// Isolate says which documents are processed in a child process. Empty
	// means IsolateAll in zipin (which registers its worker mode) and
	// IsolateNone in programs that cannot serve as workers.
	Isolate Isolation
	// WorkerCommand is the child's argv; empty means this executable's
	// hidden "__worker" subcommand.
	WorkerCommand []string
	// WorkerMemory caps a child's address space in bytes (0: isolate.DefaultMemoryLimit).
	WorkerMemory int64
	// WorkerMaxDocs restarts a child after that many documents (0: 500).
	WorkerMaxDocs int
	// Retries is how often a document whose worker was killed from outside
	// is tried again (0: DefaultRetries; negative: never).
	Retries int
	// MaxInput refuses larger inputs unread, in bytes (0: DefaultMaxInput;
	// negative: no limit).
	MaxInput int64
	// MaxFactsPerPage quarantines a document with a page holding more facts
	// (0: DefaultMaxFactsPerPage; negative: no limit).
	MaxFactsPerPage int
	// MaxRowsBytes quarantines a document whose rows exceed it, in bytes
	// (0: DefaultMaxRowsBytes; negative: no limit).
	MaxRowsBytes int64
	// FlushDocs, FlushBytes and FlushInterval bound a batch: it is
	// committed when it holds that many documents, about that many bytes of
	// rows, or when its oldest finished document has waited that long
	// (0: 200, 16 MB and DefaultFlushInterval). They bound memory and the
	// work a kill can lose.
	FlushDocs     int
	FlushBytes    int64
	FlushInterval time.Duration
	// Progress, if set, is called after each document, from one goroutine.
	Progress func(Progress)
}

// setDefaults fills the zero fields of o with their defaults and checks the
// isolation mode.
func (o *Options) setDefaults() error {
	if o.Jobs <= 0 {
		o.Jobs = runtime.NumCPU()
	}
	if o.Isolate == "" {
		o.Isolate = IsolateAll
		if len(o.WorkerCommand) == 0 && !isolate.Available() {
			// Not zipin (another program or test binary calling Ingest):
			// there is no worker to start, so parse in this process.
			o.Isolate = IsolateNone
		}
	}
	switch o.Isolate {
	case IsolateAll, IsolateRisky, IsolateNone:
	default:
		return fmt.Errorf("ingest: unknown isolation mode %q (all, risky, none)", o.Isolate)
	}
	if o.Timeout <= 0 {
		// Without a budget a looping parser would hold its worker for ever.
		o.Timeout = DefaultTimeout
	}
	if o.WorkerMemory == 0 {
		o.WorkerMemory = isolate.DefaultMemoryLimit
	}
	if o.WorkerMaxDocs == 0 {
		o.WorkerMaxDocs = 500
	}
	if o.Retries == 0 {
		o.Retries = DefaultRetries
	}
	if o.MaxInput == 0 {
		o.MaxInput = DefaultMaxInput
	}
	if o.MaxFactsPerPage == 0 {
		o.MaxFactsPerPage = DefaultMaxFactsPerPage
	}
	if o.MaxRowsBytes == 0 {
		o.MaxRowsBytes = DefaultMaxRowsBytes
	}
	if o.FlushDocs <= 0 {
		o.FlushDocs = 200
	}
	if o.FlushBytes <= 0 {
		o.FlushBytes = 16 << 20
	}
	if o.FlushInterval <= 0 {
		o.FlushInterval = DefaultFlushInterval
	}
	return nil
}
