package main

import (
	"encoding/json"
	"strings"
	"testing"

	"zipin/schema"
	"zipin/version"
)

// --version and the version command name the extractor version, the commit
// ("unknown" in a test binary, which carries no VCS stamp) and the schema.
func TestVersion(t *testing.T) {
	stdout, stderr, code := run(t, "--version")
	want := "zipin " + version.Extractor + " (commit unknown, dataset schema " + schema.SchemaVersion + ", go"
	if code != 0 || !strings.HasPrefix(stdout, want) {
		t.Errorf("--version: exit %d, %q %s; want prefix %q", code, stdout, stderr, want)
	}
	stdout, stderr, code = run(t, "version", "--json")
	var v struct{ Extractor, Commit, Schema string }
	if err := json.Unmarshal([]byte(stdout), &v); code != 0 || err != nil {
		t.Fatalf("version --json: exit %d, %v: %s %s", code, err, stdout, stderr)
	}
	if v.Extractor != version.Extractor || v.Commit != "unknown" || v.Schema != schema.SchemaVersion {
		t.Errorf("version --json = %+v", v)
	}
}
