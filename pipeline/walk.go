package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"zipin/catalog"
)

// ignoredName says why a directory entry is left out by its name, or "".
// A path the user named is never left out this way (Collect).
func ignoredName(name string) string {
	switch {
	case strings.HasPrefix(name, catalog.FileName):
		return "the dataset's catalog (" + catalog.FileName + "*), not a report"
	case strings.HasPrefix(name, "."):
		return "hidden name (starts with \".\"); name it on the command line to ingest it"
	}
	return ""
}

// Collect expands paths into the files to ingest: files as given, directories
// walked recursively. Symlinked directories are followed once; a loop is
// reported, not followed. Entries of a walked directory whose names start
// with "." or "_catalog.sqlite" are left out, each listed as an ignored
// outcome with the reason (a hidden folder is one entry); a path named in
// paths is always taken. Problems are returned as outcomes, not errors, so
// one unreadable entry never stops a run.
func Collect(paths []string) (files []string, problems []Outcome) {
	return collect(context.Background(), paths)
}

// collect is Collect that stops walking when ctx ends (a signal during the
// listing of a large tree).
func collect(ctx context.Context, paths []string) (files []string, problems []Outcome) {
	seen := map[string]bool{}
	var walk func(p string)
	walk = func(p string) {
		if ctx.Err() != nil {
			return
		}
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			problems = append(problems, Outcome{Source: p, Status: StatusQuarantined, Reason: fmt.Sprintf("cannot resolve path: %v", pathErr(err))})
			return
		}
		st, err := os.Stat(real)
		if err != nil {
			problems = append(problems, Outcome{Source: p, Status: StatusQuarantined, Reason: err.Error()})
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
			problems = append(problems, Outcome{Source: p, Status: StatusQuarantined, Reason: "directory loop: " + p + " leads back to " + real})
			return
		}
		seen[real] = true
		entries, err := os.ReadDir(p)
		if err != nil {
			problems = append(problems, Outcome{Source: p, Status: StatusQuarantined, Reason: fmt.Sprintf("cannot read directory: %v", pathErr(err))})
			return
		}
		for _, e := range entries {
			full := filepath.Join(p, e.Name())
			if why := ignoredName(e.Name()); why != "" {
				if e.IsDir() {
					why = "folder: " + why
				}
				problems = append(problems, Outcome{Source: full, Status: StatusIgnored, Reason: why})
				continue
			}
			walk(full)
		}
	}
	for _, p := range paths {
		walk(p)
	}
	// A file the user named is taken even when a walked folder left it out.
	kept := problems[:0]
	for _, p := range problems {
		if p.Status != StatusIgnored || !seen[p.Source] {
			kept = append(kept, p)
		}
	}
	problems = kept
	sort.Strings(files)
	sort.Slice(problems, func(i, j int) bool { return problems[i].Source < problems[j].Source })
	return files, problems
}

// namedFiles is the set of the given paths that are files, not folders:
// those are read whatever they look like (process).
func namedFiles(paths []string) map[string]bool {
	named := map[string]bool{}
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			named[p] = true
		}
	}
	return named
}
