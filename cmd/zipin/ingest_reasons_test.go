package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Three damaged PDFs, each damaged in its own words, are one kind in the
// summary, counted 3; each file's own line names its path once.
func TestIngestCountsReasonsByKind(t *testing.T) {
	in := t.TempDir()
	for _, name := range []string{"a.pdf", "b.pdf", "c.pdf"} {
		// Distinct bytes, so none is skipped as a copy of another.
		body := fmt.Sprintf("%%PDF-1.4\nbroken %s: a header and no object\n", name)
		if err := os.WriteFile(filepath.Join(in, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	stdout, stderr, code := run(t, "ingest", "--out", t.TempDir(), in)
	if code != exitPartial {
		t.Fatalf("exit %d, want %d:\n%s\n%s", code, exitPartial, stdout, stderr)
	}
	if !regexp.MustCompile(`(?m)^\s+3  PDF damaged$`).MatchString(stdout) {
		t.Errorf("summary does not count the three as one kind:\n%s", stdout)
	}
	for _, name := range []string{"a.pdf", "b.pdf", "c.pdf"} {
		path := filepath.Join(in, name)
		var line string
		for _, l := range strings.Split(stderr, "\n") {
			if strings.Contains(l, path) {
				line = l
			}
		}
		if want := "quarantined: " + path + ": PDF damaged: "; !strings.HasPrefix(line, want) || strings.Count(line, name) != 1 {
			t.Errorf("line for %s: %q, want it to start %q and name the file once", name, line, want)
		}
	}
}
