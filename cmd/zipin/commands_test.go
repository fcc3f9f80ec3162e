package main

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"zipin/version"
)

// The commands run in this process, without a zipin binary: the root is
// built by newRootCommand and its output captured with SetOut.
func TestRootCommandInProcess(t *testing.T) {
	root := newRootCommand()
	var names []string
	for _, c := range root.Commands() {
		names = append(names, c.Name())
	}
	for _, want := range []string{"__worker", "compact", "eval", "harvest", "ingest", "query", "review", "status", "version", "worker"} {
		if !slices.Contains(names, want) {
			t.Errorf("zipin has no %s command (has %v)", want, names)
		}
	}

	var out bytes.Buffer
	root.SetOut(&out)
	root.SetArgs([]string{"version"})
	if err := root.Execute(); err != nil {
		t.Fatalf("version: %v", err)
	}
	first, _, _ := bytes.Cut(out.Bytes(), []byte("\n"))
	if want := "zipin " + version.Extractor; string(first) != want {
		t.Errorf("version printed %q first, want %q", first, want)
	}

	// A bad flag value is a usage error (exit 2), found before anything
	// is read or written.
	root = newRootCommand()
	root.SetArgs([]string{"ingest", "--log-format", "xml"})
	err := root.Execute()
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != exitUsage || err.Error() != `ingest: --log-format must be text or json, not "xml"` {
		t.Errorf("ingest --log-format xml: %v (%#v), want exit 2 naming the flag", err, ee)
	}
}

// A run function is called with its options and streams alone.
func TestRunStatusWithoutCatalog(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	err := runStatus(t.Context(), streams{stdout: &out, stderr: &errOut}, statusOptions{Out: dir, Top: 10}, nil)
	want := "status: no catalog in " + dir + " (run zipin ingest --out " + dir + " first)"
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != exitUsage || err.Error() != want {
		t.Errorf("status of an empty folder: %v, want exit 2 %q", err, want)
	}
	if out.Len() != 0 || errOut.Len() != 0 {
		t.Errorf("status wrote %q / %q before failing", out.String(), errOut.String())
	}
	// On object storage the advice to run zipin ingest --out s3://… would be
	// refused: the catalog is the queue's database.
	err = runStatus(t.Context(), streams{stdout: &out, stderr: &errOut}, statusOptions{Out: "s3://zipin/dataset", Top: 10}, nil)
	want = "status: --out s3://zipin/dataset: a dataset on object storage keeps its catalog in the queue's database; give --catalog URL"
	if !errors.As(err, &ee) || ee.code != exitUsage || err.Error() != want {
		t.Errorf("status of a dataset on object storage: %v, want exit 2 %q", err, want)
	}
}
