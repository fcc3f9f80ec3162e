package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// evalReport is an invented report; the gold line below is labelled by hand
// from it.
const evalReport = "青山县文化和旅游局2023年度项目支出绩效自评报告\n" +
	"一、项目基本情况\n" +
	"2023年度项目预算资金120.5万元，实际支出118万元，预算执行率97.93%。\n"

const evalGold = `{"id": "r1", "kind": "project", "year": 2023, "facts": [{"text": "预算资金120.5万元", "value": 120.5, "unit": "万元"}, {"text": "实际支出118万元", "value": 118, "unit": "万元"}]}
`

// writeEvalFolder writes r1.txt and its HTML rendering r1.html, which both
// carry gold id r1.
func writeEvalFolder(t *testing.T, gold string) string {
	t.Helper()
	dir := t.TempDir()
	html := "<html><head><meta charset=\"utf-8\"></head><body>"
	for _, l := range strings.Split(strings.TrimSpace(evalReport), "\n") {
		html += "<p>" + l + "</p>"
	}
	html += "</body></html>"
	for name, body := range map[string]string{"r1.txt": evalReport, "r1.html": html, "gold.jsonl": gold} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestEvalScoresEveryFormatOfAGoldID(t *testing.T) {
	dir := writeEvalFolder(t, evalGold)
	stdout, stderr, code := run(t, "eval", "--min-fact-recall", "1", "--min-provenance", "1", dir)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"documents: 2 evaluated (1 html, 1 txt)\n",
		"fact recall:       4/4 = 100.0%",
		"format html    1 docs",
		"format txt     1 docs",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

// A folder's own gold.jsonl describes that folder, so a label without its
// file fails the floors; a --gold file may cover more than the folder holds.
func TestEvalGoldWithoutFile(t *testing.T) {
	gold := evalGold + `{"id": "r2", "kind": "department", "year": 2022}` + "\n"
	dir := writeEvalFolder(t, gold)
	stdout, stderr, code := run(t, "eval", "--min-fact-recall", "1", dir)
	if code != 1 || !strings.Contains(stderr, "1 gold ids have no file (r2)") {
		t.Errorf("own gold.jsonl: exit %d, stderr %q, want 1 and the missing id r2\n%s", code, stderr, stdout)
	}
	other := t.TempDir()
	gf := filepath.Join(other, "labels.jsonl")
	if err := os.WriteFile(gf, []byte(gold), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code = run(t, "eval", "--gold", gf, "--min-fact-recall", "1", dir)
	if code != 0 || !strings.Contains(stdout, "; 1 gold ids with no file here") {
		t.Errorf("--gold: exit %d, want 0 and a note on r2\n%s\n%s", code, stdout, stderr)
	}
}

func TestEvalMissingFolder(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "formats")
	_, stderr, code := run(t, "eval", "--gold", "x.jsonl", missing)
	if code != 2 || !strings.Contains(stderr, missing+" does not exist") {
		t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, missing+" does not exist")
	}
}

// Gold that labels no facts measures no fact recall: the line says so
// instead of 0/0 = 100%, and a fact-recall floor cannot pass on it.
func TestEvalNoGoldFacts(t *testing.T) {
	dir := writeEvalFolder(t, `{"id": "r1", "kind": "project", "year": 2023}`+"\n")
	stdout, stderr, code := run(t, "eval", dir)
	if code != 0 || !strings.Contains(stdout, "fact recall:       no gold facts\n") {
		t.Errorf("no floor: exit %d, want 0 and 'fact recall: no gold facts'\n%s\n%s", code, stdout, stderr)
	}
	if strings.Contains(stdout, "0/0") {
		t.Errorf("output still prints 0/0:\n%s", stdout)
	}
	_, stderr, code = run(t, "eval", "--min-fact-recall", "0.5", dir)
	if code != 1 || !strings.Contains(stderr, "fact recall has no gold facts to hold to floor 50.0%") {
		t.Errorf("floor: exit %d, stderr %q; want 1 and the unmeasured floor", code, stderr)
	}
}

// A missing argument names the command and shows its usage line, not only
// cobra's "requires at least 1 arg(s)".
func TestUsageErrorNamesCommand(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"eval"}, "zipin: eval: requires at least 1 arg(s), only received 0\nusage: zipin eval [--gold FILE]"},
		{[]string{"status", "a", "b"}, "zipin: status: accepts at most 1 arg(s), received 2\nusage: zipin status "},
		{[]string{"ingest", "--bogus"}, "zipin: ingest: unknown flag: --bogus\nusage: zipin ingest "},
	} {
		_, stderr, code := run(t, c.args...)
		if code != 2 || !strings.HasPrefix(stderr, c.want) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", c.args, code, stderr, c.want)
		}
	}
}
