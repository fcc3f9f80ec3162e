package main

import (
	"encoding/json"
	"io"

	"zipin/pipeline"
)

// ingestSummary is what `zipin ingest --json` prints on stdout instead of
// the text summary: one object with the same figures, for cron jobs and
// scripts. The exit status is the same as without --json.
type ingestSummary struct {
	Out       string                  `json:"out"`
	RunID     int64                   `json:"run_id"`
	Documents map[pipeline.Status]int `json:"documents"` // by status: ok, skipped, quarantined, failed, ignored
	Facts     int                     `json:"facts"`
	Pages     int                     `json:"pages"`
	InDataset int                     `json:"in_dataset"` // documents the dataset holds after the run
	// QuarantinedBefore counts, among documents.skipped, those quarantined
	// by an earlier run of this extractor version and not tried again.
	QuarantinedBefore int      `json:"quarantined_before"`
	Files             []string `json:"files_written"`
	ElapsedS          float64  `json:"elapsed_s"`
	PeakRSSMB         int64    `json:"peak_rss_mb"`
	// Problems lists every document not written, with its reason.
	Problems    []ingestProblem `json:"problems"`
	CommitError string          `json:"commit_error,omitempty"`
}

type ingestProblem struct {
	Source string          `json:"source"`
	Status pipeline.Status `json:"status"`
	Reason string          `json:"reason"`
}

func writeIngestJSON(w io.Writer, sum *pipeline.Summary) error {
	s := ingestSummary{Out: sum.Out, RunID: sum.RunID, Documents: map[pipeline.Status]int{}, Facts: sum.Facts(),
		Pages: sum.Pages(), InDataset: sum.InDataset, QuarantinedBefore: sum.Totals().QuarantinedBefore, Files: sum.Files, ElapsedS: sum.Elapsed.Seconds(),
		PeakRSSMB: max(sum.PeakRSSKB, sum.WorkerPeakRSSKB) >> 10, Problems: []ingestProblem{}}
	if s.Files == nil {
		s.Files = []string{}
	}
	for _, st := range []pipeline.Status{pipeline.StatusOK, pipeline.StatusSkipped, pipeline.StatusQuarantined, pipeline.StatusFailed, pipeline.StatusIgnored} {
		s.Documents[st] = sum.Count(st)
	}
	for _, o := range sum.Outcomes {
		switch o.Status {
		case pipeline.StatusQuarantined, pipeline.StatusFailed, pipeline.StatusIgnored:
			s.Problems = append(s.Problems, ingestProblem{o.Source, o.Status, o.Reason})
		}
	}
	if sum.CommitError != nil {
		s.CommitError = sum.CommitError.Error()
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}
