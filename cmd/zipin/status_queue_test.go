package main

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"zipin/catalog/catalogtest"
	"zipin/internal/testenv"
)

// statusQueueWant is the queue block for catalogtest's jobs, worked out by
// hand from its list: 12 jobs; a, b completed (done); c completed and d
// discarded, both quarantined in the catalog; e discarded and f cancelled
// (failed); g retryable; h, i running, one per client on PostgreSQL; j
// pending, k scheduled, l available on a queue nobody works (pending 3).
const statusQueueWant = `
queue        jobs
pending      3
running      2
  worker-1   1
  worker-2   1
retrying     1
done         2
quarantined  2
failed       2
total        12
`

// zipin status --catalog postgres://… shows the queue beside the catalog's
// counts, in text and JSON, and lists no dataset files (no --out).
func TestStatusQueueOnPostgres(t *testing.T) {
	url := testenv.PostgreSQL(t)
	catalogtest.Fill(t, url)

	var out bytes.Buffer
	opts := statusOptions{Out: defaultOut, Catalog: url, Top: 10}
	if err := runStatus(t.Context(), streams{stdout: &out, stderr: &out}, opts, nil); err != nil {
		t.Fatalf("status: %v\n%s", err, out.String())
	}
	text := out.String()
	if !strings.Contains(text, statusQueueWant) {
		t.Errorf("status does not show the queue as worked out:\n%s\nwant the block\n%s", text, statusQueueWant)
	}
	for _, want := range []string{"catalog:   " + url + "\n", "\nok           2\n", "\nquarantined  2\n", "\ntotal        4\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("status lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "dataset files") {
		t.Errorf("status lists dataset files with no --out:\n%s", text)
	}

	out.Reset()
	opts.JSON = true
	if err := runStatus(t.Context(), streams{stdout: &out, stderr: &out}, opts, nil); err != nil {
		t.Fatalf("status --json: %v\n%s", err, out.String())
	}
	var got struct {
		Documents map[string]int `json:"documents"`
		Queue     *statusQueue   `json:"queue"`
		Files     map[string]int `json:"files"`
		Runs      []statusRun    `json:"runs"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	want := statusQueue{Pending: 3, Running: 2, RunningByWorker: map[string]int{"worker-1": 1, "worker-2": 1},
		Retrying: 1, Done: 2, Quarantined: 2, Failed: 2, Total: 12}
	if got.Queue == nil || !reflect.DeepEqual(*got.Queue, want) {
		t.Errorf("queue %+v, want %+v", got.Queue, want)
	}
	if got.Documents["ok"] != 2 || got.Documents["quarantined"] != 2 || got.Files != nil {
		t.Errorf("documents %v, files %v", got.Documents, got.Files)
	}
	// The shared catalog's run is shown as recorded: no dataset lock says
	// whether a worker's run is alive.
	if len(got.Runs) != 1 || got.Runs[0].State != "running" {
		t.Errorf("runs %+v", got.Runs)
	}
}

// On one machine River's tables are in DIR/_catalog.sqlite: plain
// `zipin status DIR` shows the queue (one client holds both running jobs)
// and still lists the dataset's files.
func TestStatusQueueOnSQLite(t *testing.T) {
	dir := t.TempDir()
	catalogtest.Fill(t, dir)
	var out bytes.Buffer
	if err := runStatus(t.Context(), streams{stdout: &out, stderr: &out}, statusOptions{Out: dir, Top: 10}, nil); err != nil {
		t.Fatalf("status: %v\n%s", err, out.String())
	}
	want := strings.Replace(statusQueueWant, "  worker-1   1\n  worker-2   1\n", "  worker-1   2\n", 1)
	if text := out.String(); !strings.Contains(text, want) || !strings.Contains(text, "dataset files:") {
		t.Errorf("status:\n%s\nwant the block\n%s\nand the dataset files", text, want)
	}
}
