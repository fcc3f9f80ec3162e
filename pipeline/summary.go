package pipeline

import (
	"strings"
	"time"
	"zipin/catalog"
)

// Status is what became of one input; the catalog stores the same values.
type Status = catalog.Status

// Outcome statuses.
const (
	StatusOK          = catalog.StatusOK
	StatusSkipped     = catalog.StatusSkipped     // already in the dataset, or a copy of another input
	StatusQuarantined = catalog.StatusQuarantined // the document cannot be read; reason says why
	StatusFailed      = catalog.StatusFailed      // not the document's fault (I/O, a commit that failed)
	StatusIgnored     = catalog.StatusIgnored     // left out by its name (hidden, the catalog); listed, never silent
)

// Progress is a snapshot of a running ingest.
type Progress struct {
	Total, Done                      int
	OK, Skipped, Quarantined, Failed int
	Ignored                          int // inputs left out by name or as no report
	// QuarantinedBefore counts, among Skipped, the documents this extractor
	// version quarantined in an earlier run and that were not tried again
	// (Options.RetryQuarantined): skipped, but not done.
	QuarantinedBefore int
	Pages, Facts      int
	Elapsed           time.Duration
	Last              Outcome
}

// Add counts one outcome: its status, and its pages and facts.
func (p *Progress) Add(o Outcome) {
	switch o.Status {
	case StatusOK:
		p.OK++
	case StatusSkipped:
		p.Skipped++
		if o.QuarantinedBefore() {
			p.QuarantinedBefore++
		}
	case StatusIgnored:
		p.Ignored++
	case StatusQuarantined:
		p.Quarantined++
	case StatusFailed:
		p.Failed++
	}
	p.Pages += o.Pages
	p.Facts += o.Facts
}

// Outcome is what happened to one input file.
type Outcome struct {
	Source string
	DocID  string
	Status Status // StatusOK, StatusSkipped, StatusQuarantined, StatusFailed, StatusIgnored
	Reason string // one line; for an ok document, a note (retried after a worker died)
	Facts  int
	Pages  int

	Format                 string
	Size                   int64
	Read, Extract, Analyze time.Duration
	// Attempts is how many times the document was started (more than 1
	// when its worker was killed from outside and it was retried).
	Attempts int
	// Retryable marks a quarantine whose only cause is that the worker
	// child was killed from outside (SIGKILL: the OOM killer, an operator)
	// on every attempt: it says nothing certain of the document, so a
	// scheduler may try it again elsewhere (package queue does).
	Retryable bool
}

// Summary is the result of an ingest run.
type Summary struct {
	Out      string
	Outcomes []Outcome
	Files    []string // dataset files written

	RunID   int64         // the catalog's run id
	Elapsed time.Duration // wall time of the run
	// Extracted counts documents that went through extraction in this run
	// (ok, quarantined or failed, not skipped).
	Extracted int
	// PeakRSSKB is this process's peak resident set; WorkerPeakRSSKB the
	// highest of any worker child.
	PeakRSSKB, WorkerPeakRSSKB int64
	// Reconciled is how many catalog rows were corrected from the dataset at
	// the start (non-zero after an interrupted run).
	Reconciled int
	// KilledRuns are earlier runs that never finished (kill -9, a crash),
	// marked "killed" in the catalog by this one.
	KilledRuns []int64
	// InDataset is how many documents the dataset holds at the end: what
	// it held at the start plus what this run committed. After a failed
	// commit, that is the truth the counts of this run's outcomes are not.
	InDataset int
	// CommitError is the error of a commit that failed, if one did; the
	// outcomes of the documents it lost say "failed".
	CommitError error
	// CPU is the CPU time (user + system) this process spent in the run;
	// WorkerCPU that of its worker processes. Their ratio is the share of
	// the work that cannot spread over more workers (scale-out issue).
	CPU, WorkerCPU time.Duration
}

// Count returns how many outcomes have the given status.
func (s *Summary) Count(status Status) int {
	n := 0
	for _, o := range s.Outcomes {
		if o.Status == status {
			n++
		}
	}
	return n
}

// ReasonQuarantinedBefore begins the reason of a document skipped because
// this extractor version quarantined it in an earlier run (the earlier
// reason follows).
const ReasonQuarantinedBefore = "quarantined before with this extractor version: "

// QuarantinedBefore says whether o was skipped as quarantined by an earlier
// run of this extractor version.
func (o Outcome) QuarantinedBefore() bool {
	return o.Status == StatusSkipped && strings.HasPrefix(o.Reason, ReasonQuarantinedBefore)
}

// Totals is the run's counts by status, with its pages and facts, as a
// Progress (Done is every outcome; Total and Elapsed are left zero): the
// summary and the last progress line both print these, since the progress
// sent during the run counts a document when it finishes, before a failed
// commit turns it "failed".
func (s *Summary) Totals() Progress {
	p := Progress{Done: len(s.Outcomes)}
	for _, o := range s.Outcomes {
		p.Add(o)
	}
	return p
}

// Facts is the number of facts written.
func (s *Summary) Facts() int {
	n := 0
	for _, o := range s.Outcomes {
		n += o.Facts
	}
	return n
}

// Pages is the number of pages written.
func (s *Summary) Pages() int {
	n := 0
	for _, o := range s.Outcomes {
		n += o.Pages
	}
	return n
}
