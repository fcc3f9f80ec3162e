package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// --json prints one object with the counts and every problem; the exit
// status stays 1 for a quarantine.
func TestIngestJSON(t *testing.T) {
	in := t.TempDir()
	report := "青山县文化和旅游局2023年度项目支出绩效自评报告\n2023年度项目预算资金120.5万元，实际支出118万元。\n"
	if err := os.WriteFile(filepath.Join(in, "r1.txt"), []byte(report), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(in, "empty.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	stdout, stderr, code := run(t, "ingest", "--json", "--out", out, in)
	var s ingestSummary
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatalf("not one JSON object: %v\n%s\n%s", err, stdout, stderr)
	}
	if code != exitPartial || s.Out != out || s.Documents["ok"] != 1 || s.Documents["quarantined"] != 1 || s.InDataset != 1 {
		t.Errorf("exit %d, summary %+v", code, s)
	}
	if len(s.Problems) != 1 || s.Problems[0].Source != filepath.Join(in, "empty.txt") || s.Problems[0].Reason != "empty: empty file (0 bytes)" {
		t.Errorf("problems %+v", s.Problems)
	}
	// r1.txt: 120.5万元 and 118万元, at least.
	if s.Facts < 2 || len(s.Files) == 0 {
		t.Errorf("facts %d, files %v", s.Facts, s.Files)
	}
}

// status --json reads back what the run recorded; reasons are counted by
// kind ("empty" for "empty: empty file (0 bytes)"), as ingest counts them.
func TestStatusJSON(t *testing.T) {
	in := t.TempDir()
	if err := os.WriteFile(filepath.Join(in, "empty.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if _, stderr, code := run(t, "ingest", "--out", out, in); code != exitPartial {
		t.Fatalf("ingest exit %d: %s", code, stderr)
	}
	stdout, stderr, code := run(t, "status", "--json", "--out", out)
	var s statusSummary
	if err := json.Unmarshal([]byte(stdout), &s); code != 0 || err != nil {
		t.Fatalf("exit %d, %v:\n%s\n%s", code, err, stdout, stderr)
	}
	if s.Documents["quarantined"] != 1 || len(s.Reasons) != 1 || s.Reasons[0].Reason != "empty" || s.Reasons[0].Count != 1 {
		t.Errorf("status %+v", s)
	}
	if len(s.Runs) != 1 || s.Runs[0].State != "done" || s.Runs[0].Quarantined != 1 {
		t.Errorf("runs %+v", s.Runs)
	}
}
