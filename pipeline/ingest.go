package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"zipin/extract/doc"
	"zipin/schema"
	"zipin/version"
)

// Options configure an ingest run.
type Options struct {
	Out   string // the dataset folder
	Force bool   // re-extract documents already in the dataset
	// SourceURLs maps a path to the URL it was fetched from (the harvester sets it).
	SourceURLs map[string]string
	// Timeout is the time budget of one document.
	Timeout time.Duration
	// Log, if set, receives one line per document.
	Log func(format string, args ...any)
}

// Outcome is what happened to one input file.
type Outcome struct {
	Source string
	DocID  string
	Status string // ok, skipped, quarantined, failed
	Reason string
	Facts  int
	Pages  int
}

// Summary is the result of an ingest run.
type Summary struct {
	Out      string
	Outcomes []Outcome
	Files    []string // dataset files written
}

// Count returns how many outcomes have the given status.
func (s *Summary) Count(status string) int {
	n := 0
	for _, o := range s.Outcomes {
		if o.Status == status {
			n++
		}
	}
	return n
}

// Facts is the number of facts written.
func (s *Summary) Facts() int {
	n := 0
	for _, o := range s.Outcomes {
		n += o.Facts
	}
	return n
}

// Collect expands paths into the files to ingest: files as given, directories
// walked recursively. Symlinked directories are followed once; a loop is
// reported, not followed. Problems are returned as outcomes, not errors, so
// one unreadable entry never stops a run.
func Collect(paths []string) (files []string, problems []Outcome) {
	seen := map[string]bool{}
	var walk func(p string)
	walk = func(p string) {
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			problems = append(problems, Outcome{Source: p, Status: "quarantined", Reason: fmt.Sprintf("cannot resolve path: %v", err)})
			return
		}
		st, err := os.Stat(real)
		if err != nil {
			problems = append(problems, Outcome{Source: p, Status: "quarantined", Reason: err.Error()})
			return
		}
		if !st.IsDir() {
			if !seen[real] {
				seen[real] = true
				files = append(files, p)
			}
			return
		}
		if seen[real] {
			problems = append(problems, Outcome{Source: p, Status: "quarantined", Reason: "directory loop: " + p + " leads back to " + real})
			return
		}
		seen[real] = true
		entries, err := os.ReadDir(p)
		if err != nil {
			problems = append(problems, Outcome{Source: p, Status: "quarantined", Reason: fmt.Sprintf("cannot read directory: %v", err)})
			return
		}
		for _, e := range entries {
			if e.Name()[0] == '.' {
				continue // hidden files and the dataset's own staging folders
			}
			walk(filepath.Join(p, e.Name()))
		}
	}
	for _, p := range paths {
		walk(p)
	}
	sort.Strings(files)
	return files, problems
}

// Ingest reads every file under paths and commits the extracted rows to the
// dataset at opts.Out. Documents already in the dataset with the current
// extractor version are skipped unless opts.Force is set.
func Ingest(ctx context.Context, opts Options, paths []string) (*Summary, error) {
	ds, err := schema.Open(opts.Out, version.Extractor)
	if err != nil {
		return nil, err
	}
	done, err := ds.DocVersions()
	if err != nil {
		return nil, err
	}
	files, problems := Collect(paths)
	sum := &Summary{Out: opts.Out, Outcomes: problems}
	batch := &schema.Batch{}
	inBatch := map[string]bool{}
	flush := func() error {
		if batch.Len() == 0 {
			return nil
		}
		written, err := ds.Commit(batch)
		sum.Files = append(sum.Files, written...)
		batch = &schema.Batch{}
		return err
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		o := ingestOne(ctx, opts, f, done, inBatch, batch)
		sum.Outcomes = append(sum.Outcomes, o)
		if opts.Log != nil {
			opts.Log("%s %s %s", o.Status, o.Source, o.Reason)
		}
		if batch.Len() >= 64 {
			if err := flush(); err != nil {
				return sum, err
			}
		}
	}
	return sum, flush()
}

func ingestOne(ctx context.Context, opts Options, path string, done map[string]string, inBatch map[string]bool, batch *schema.Batch) Outcome {
	o := Outcome{Source: path}
	data, err := os.ReadFile(path)
	if err != nil {
		o.Status, o.Reason = "quarantined", fmt.Sprintf("cannot read file: %v", errors.Unwrap(err))
		if errors.Is(err, fs.ErrPermission) {
			o.Reason = "cannot read file: permission denied"
		}
		return o
	}
	o.DocID = DocID(data)
	if inBatch[o.DocID] || (!opts.Force && done[o.DocID] == version.Extractor) {
		o.Status = "skipped"
		o.Reason = "already in the dataset"
		return o
	}
	dctx := ctx
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		dctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	b, err := Analyze(dctx, Input{Source: path, SourceURL: opts.SourceURLs[path], Data: data})
	if err != nil {
		var u *doc.Unreadable
		if errors.As(err, &u) {
			o.Status, o.Reason = "quarantined", u.Reason
		} else {
			o.Status, o.Reason = "failed", err.Error()
		}
		return o
	}
	inBatch[o.DocID] = true
	batch.Append(b)
	o.Status, o.Facts, o.Pages = "ok", len(b.Facts), len(b.Texts)
	return o
}
