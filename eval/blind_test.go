package eval_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zipin/dataset"
	"zipin/eval"
	"zipin/pipeline"
	"zipin/schema"
)

// TestBlindSet runs the held-out set (testdata/blind: invented reports and
// their hand gold, plus DOCX/PDF renderings of eight) through the pipeline.
// It asserts only what must hold for any extractor: every document is read
// (no panic, no quarantine) and every fact's span is the text at its offsets.
// The precision and recall figures are logged, never asserted: the set is
// measured, not tuned to (testdata/blind/README.md, docs/accuracy-blind.md).
func TestBlindSet(t *testing.T) {
	dir := filepath.Join("..", "testdata", "blind")
	golds, err := eval.ReadGold(filepath.Join(dir, "gold.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(golds) != 24 {
		t.Fatalf("gold.jsonl holds %d labels, want the 24 documents", len(golds))
	}
	ids := map[string]bool{}
	for _, g := range golds {
		ids[g.ID] = true
	}
	var docs []eval.Doc
	var paths []string
	for _, sub := range []string{dir, filepath.Join(dir, "formats")} {
		entries, err := os.ReadDir(sub)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			name := e.Name()
			id := strings.TrimSuffix(name, filepath.Ext(name))
			if e.IsDir() || !ids[id] {
				continue
			}
			p := filepath.Join(sub, name)
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			docs = append(docs, eval.Doc{GoldID: id, DocID: pipeline.DocID(data), Name: filepath.Base(sub) + "/" + name})
			paths = append(paths, p)
		}
	}
	if len(paths) < 24 {
		t.Fatalf("found %d documents in %s, want at least the 24 texts", len(paths), dir)
	}

	out := t.TempDir()
	sum, err := pipeline.Ingest(context.Background(), pipeline.Options{Out: out, Force: true, Isolate: pipeline.IsolateNone}, paths)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range sum.Outcomes {
		if o.Status != pipeline.StatusOK {
			t.Errorf("%s: %s: %s", o.Source, o.Status, o.Reason)
		}
	}
	ds := &eval.Dataset{}
	if ds.Reports, err = dataset.ReadTable[schema.Report](out, schema.TableReports); err != nil {
		t.Fatal(err)
	}
	if ds.Facts, err = dataset.ReadTable[schema.Fact](out, schema.TableFacts); err != nil {
		t.Fatal(err)
	}
	if ds.Texts, err = dataset.ReadTable[schema.Text](out, schema.TableTexts); err != nil {
		t.Fatal(err)
	}
	res := eval.Compare(golds, docs, ds)
	if len(res.Missing) > 0 {
		t.Errorf("documents with no report: %v", res.Missing)
	}
	if res.Facts == 0 {
		t.Fatal("no facts at all: the provenance check would be vacuous")
	}
	// Provenance is the one figure asserted: a span that is not the text at
	// its offsets is a broken promise to the auditor, whatever the accuracy.
	if res.ExactOffsets != res.Facts {
		for _, m := range res.Misses {
			if strings.HasPrefix(m, "provenance ") {
				t.Error(m)
			}
		}
	}

	for _, name := range append([]string{"all"}, res.FormatNames()...) {
		r := res
		if name != "all" {
			r = res.Formats[name]
		}
		h := r.Headline()
		t.Logf("%-4s %2d docs  headline precision %5.1f%% recall %5.1f%%  fact recall %d/%d = %.1f%%  provenance %d/%d",
			name, r.Docs, 100*h.Precision(), 100*h.Recall(), r.FoundFacts, r.GoldFacts, 100*r.FactRecall(), r.ExactOffsets, r.Facts)
	}
	for _, f := range eval.Fields {
		s := res.Fields[f]
		t.Logf("  %-12s gold %2d ours %2d right %2d  precision %5.1f%% recall %5.1f%%", f, s.Gold, s.Predicted, s.Correct, 100*s.Precision(), 100*s.Recall())
	}
}
