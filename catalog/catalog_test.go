package catalog_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"zipin/catalog"
	"zipin/internal/testenv"
)

// onBoth runs f as a subtest on a new, empty catalog URL of each database:
// a SQLite file and a fresh PostgreSQL database.
func onBoth(t *testing.T, f func(t *testing.T, url string)) {
	t.Run("sqlite", func(t *testing.T) { f(t, "sqlite:"+filepath.Join(t.TempDir(), catalog.FileName)) })
	t.Run("postgres", func(t *testing.T) { f(t, testenv.PostgreSQL(t)) })
}

func openURL(t *testing.T, url string) *catalog.Catalog {
	t.Helper()
	c, err := catalog.OpenURL(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRecordReconcileAndReport(t *testing.T) {
	onBoth(t, testRecordReconcileAndReport)
}

func testRecordReconcileAndReport(t *testing.T, url string) {
	c := openURL(t, url)
	run, err := c.StartRun("1.0", 2)
	if err != nil {
		t.Fatal(err)
	}
	err = c.Record(run, []catalog.Doc{
		{DocID: "a", Source: "a.txt", Status: catalog.StatusOK, ExtractorVersion: "1.0", Pages: 3, Batch: "b1", Files: []string{"reports/x.parquet"}},
		{DocID: "b", Source: "b.txt", Status: catalog.StatusOK, ExtractorVersion: "1.0"},
		{DocID: "c", Source: "c.pdf", Status: catalog.StatusQuarantined, Reason: "timeout after 1s", ExtractorVersion: "1.0"},
		{DocID: "d", Source: "d.pdf", Status: catalog.StatusQuarantined, Reason: "timeout after 1s", ExtractorVersion: "0.9"},
	}, []catalog.Input{{Path: "a.txt", Size: 10, MtimeNS: 5, DocID: "a"}, {Path: "loop", Status: catalog.StatusQuarantined, Reason: "directory loop"}})
	if err != nil {
		t.Fatal(err)
	}
	// The harvester's own tables live in the same file, through DB().
	if _, err := c.DB().Exec(`CREATE TABLE IF NOT EXISTS fetches (url TEXT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	c.Close()

	// Reopening applies no migration twice.
	c = openURL(t, url)
	defer c.Close()
	settled, err := c.Settled("1.0")
	if err != nil {
		t.Fatal(err)
	}
	if len(settled) != 1 || settled["c"].Reason != "timeout after 1s" {
		t.Fatalf("settled = %+v, want only c (d was quarantined by an older version)", settled)
	}
	in, err := c.Inputs()
	if err != nil {
		t.Fatal(err)
	}
	if in["a.txt"].DocID != "a" || in["a.txt"].MtimeNS != 5 {
		t.Fatalf("inputs = %+v", in)
	}

	// The dataset holds a and e (committed just before a crash), not b.
	n, err := c.Reconcile(map[string]catalog.Present{
		"a": {Source: "a.txt", ExtractorVersion: "1.0"},
		"e": {Source: "e.txt", ExtractorVersion: "1.0", Pages: 2},
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("reconcile changed %d rows, want 2 (b pending, e ok)", n)
	}
	counts, err := c.Counts()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"ok": 2, "pending": 1, "quarantined": 2, "unreadable path": 1}
	for k, v := range want {
		if counts[k] != v {
			t.Errorf("counts[%s] = %d, want %d (all %v)", k, counts[k], v, counts)
		}
	}
	top, err := c.TopReasons(5, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(top) != 2 || top[0].Reason != "timeout after 1s" || top[0].Count != 2 {
		t.Fatalf("top reasons = %+v", top)
	}
	if err := c.FinishRun(catalog.Run{ID: run, Extracted: 2, State: "done"}); err != nil {
		t.Fatal(err)
	}
	runs, err := c.Runs(1)
	if err != nil || len(runs) != 1 || runs[0].Extracted != 2 || runs[0].State != "done" {
		t.Fatalf("runs = %+v %v", runs, err)
	}
}

// TopReasons groups by the caller's kind: two damaged PDFs with different
// details are one reason counted twice, ahead of the single timeout.
func TestTopReasonsByKind(t *testing.T) {
	onBoth(t, testTopReasonsByKind)
}

func testTopReasonsByKind(t *testing.T, url string) {
	c := openURL(t, url)
	defer c.Close()
	run, err := c.StartRun("1.0", 1)
	if err != nil {
		t.Fatal(err)
	}
	err = c.Record(run, []catalog.Doc{
		{DocID: "a", Source: "a.pdf", Status: catalog.StatusQuarantined, Reason: "PDF damaged: xref at 1234", ExtractorVersion: "1.0"},
		{DocID: "b", Source: "b.pdf", Status: catalog.StatusQuarantined, Reason: "PDF damaged: no trailer", ExtractorVersion: "1.0"},
		{DocID: "c", Source: "c.pdf", Status: catalog.StatusFailed, Reason: "timeout after 1s", ExtractorVersion: "1.0"},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	head := func(r string) string { h, _, _ := strings.Cut(r, ": "); return h }
	top, err := c.TopReasons(5, head)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(top) != "[{PDF damaged 2} {timeout after 1s 1}]" {
		t.Errorf("by kind: %v, want PDF damaged ×2, timeout after 1s ×1", top)
	}
	if top, _ := c.TopReasons(1, head); len(top) != 1 || top[0].Reason != "PDF damaged" {
		t.Errorf("top 1: %v", top)
	}
}
