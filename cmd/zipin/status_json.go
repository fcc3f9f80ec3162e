package main

import (
	"encoding/json"
	"io"

	"zipin/catalog"
	"zipin/dataset"
	"zipin/extract/doc"
	"zipin/schema"
)

// statusSummary is what `zipin status --json` prints: the catalog's counts,
// the job queue (only when the database has River's jobs), top reasons,
// ignored inputs and recent runs, and the dataset's files per table (only
// for a local dataset folder). Run states read "killed" for a run that died
// without recording its end, as in the text output.
type statusSummary struct {
	Catalog   string          `json:"catalog"`
	Documents map[string]int  `json:"documents"` // by status
	Queue     *statusQueue    `json:"queue,omitempty"`
	Reasons   []statusReason  `json:"top_reasons"`
	Ignored   []statusIgnored `json:"ignored"`
	Runs      []statusRun     `json:"runs"`
	Files     map[string]int  `json:"files,omitempty"` // per table
}

// statusQueue counts jobs as catalog.Queue does; every job is in exactly
// one of pending, running, retrying, done, quarantined, failed and
// other_states (River states this zipin does not know).
type statusQueue struct {
	Pending         int            `json:"pending"`
	Running         int            `json:"running"`
	RunningByWorker map[string]int `json:"running_by_worker"`
	Retrying        int            `json:"retrying"`
	Done            int            `json:"done"`
	Quarantined     int            `json:"quarantined"`
	Failed          int            `json:"failed"`
	OtherStates     map[string]int `json:"other_states,omitempty"`
	Total           int            `json:"total"`
}

type statusReason struct {
	Reason string `json:"reason"` // the kind (doc.ReasonKind): "PDF damaged", not each detail
	Count  int    `json:"count"`
}

type statusIgnored struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

type statusRun struct {
	ID               int64  `json:"id"`
	StartedAt        string `json:"started_at"`
	FinishedAt       string `json:"finished_at"`
	State            string `json:"state"`
	ExtractorVersion string `json:"extractor_version"`
	Jobs             int    `json:"jobs"`
	Inputs           int    `json:"inputs"`
	Extracted        int    `json:"extracted"`
	Skipped          int    `json:"skipped"`
	Ignored          int    `json:"ignored"`
	Quarantined      int    `json:"quarantined"`
	Failed           int    `json:"failed"`
	Pages            int    `json:"pages"`
	Facts            int    `json:"facts"`
}

func writeStatusJSON(w io.Writer, cat *catalog.Catalog, v statusView, top int) error {
	s := statusSummary{Catalog: cat.Path, Reasons: []statusReason{}, Ignored: []statusIgnored{}, Runs: []statusRun{}, Files: map[string]int{}}
	var err error
	if s.Documents, err = cat.Counts(); err != nil {
		return err
	}
	q, err := cat.Queue()
	if err != nil {
		return err
	}
	if q != nil {
		s.Queue = &statusQueue{q.Pending, q.Running, q.RunningBy, q.Retrying, q.Done, q.Quarantined, q.Failed, q.Other, q.Total()}
	}
	reasons, err := cat.TopReasons(top, doc.ReasonKind) // by kind, as the ingest summary counts them
	if err != nil {
		return err
	}
	for _, r := range reasons {
		s.Reasons = append(s.Reasons, statusReason{r.Reason, r.Count})
	}
	ignored, err := cat.Ignored(top)
	if err != nil {
		return err
	}
	for _, i := range ignored {
		s.Ignored = append(s.Ignored, statusIgnored{i.Path, i.Reason})
	}
	runs, err := cat.Runs(5)
	if err != nil {
		return err
	}
	live := v.live()
	for _, r := range runs {
		state := r.State
		if state == "running" && !live {
			state = "killed"
		}
		s.Runs = append(s.Runs, statusRun{r.ID, r.StartedAt, r.Finished, state, r.ExtractorVersion, r.Jobs, r.Inputs,
			r.Extracted, r.Skipped, r.Ignored, r.Quarantined, r.Failed, r.Pages, r.Facts})
	}
	for _, t := range schema.Tables {
		if v.dir == "" {
			break
		}
		files, err := dataset.TableFiles(v.dir, t)
		if err != nil {
			return err
		}
		s.Files[t] = len(files)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}
