package catalog_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"zipin/catalog"
)

// Workers in separate processes write one catalog at once, each through its
// own connections. Here each of 6 writers (its own pool) starts a run and
// records 20 batches: 3 documents of its own and 4 shared by all, listed in
// opposite orders by odd and even writers (two batches that lock shared rows
// in crossing orders deadlock unless Record orders them), and begins a
// document that is never recorded. Nothing may be lost: 6·20·3 + 4
// documents, each writer's runs distinct, and the never-recorded document
// begun exactly 6·20 times.
func TestConcurrentWriters(t *testing.T) {
	onBoth(t, func(t *testing.T, url string) {
		const writers, batches, own = 6, 20, 3
		shared := []string{"s1", "s2", "s3", "s4"}
		cats := make([]*catalog.Catalog, writers)
		for i := range cats {
			cats[i] = openURL(t, url)
			defer cats[i].Close()
		}
		runs := make([]int64, writers)
		errs := make([]error, writers)
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				c := cats[w]
				run, err := c.StartRun("1.0", 1)
				if err != nil {
					errs[w] = err
					return
				}
				runs[w] = run
				for b := range batches {
					var docs []catalog.Doc
					var inputs []catalog.Input
					ids := slices.Clone(shared)
					if w%2 == 1 {
						slices.Reverse(ids)
					}
					for k := range own {
						ids = append(ids, fmt.Sprintf("w%d-b%d-%d", w, b, k))
					}
					for _, id := range ids {
						docs = append(docs, catalog.Doc{DocID: id, Source: id + ".pdf", Status: catalog.StatusOK, ExtractorVersion: "1.0", Pages: w})
						inputs = append(inputs, catalog.Input{Path: id + ".pdf", Size: int64(b), DocID: id})
					}
					if err := c.Begin(run, "hot", "hot.pdf", false); err != nil {
						errs[w] = err
						return
					}
					if err := c.Record(run, docs, inputs); err != nil {
						errs[w] = err
						return
					}
				}
				errs[w] = c.FinishRun(catalog.Run{ID: run, State: "done", Extracted: batches * (own + len(shared))})
			})
		}
		wg.Wait()
		for w, err := range errs {
			if err != nil {
				t.Fatalf("writer %d: %v", w, err)
			}
		}
		c := cats[0]
		counts, err := c.Counts()
		if err != nil {
			t.Fatal(err)
		}
		if want := writers*batches*own + len(shared); counts["ok"] != want || len(counts) != 1 {
			t.Errorf("counts %v, want ok: %d", counts, want)
		}
		in, err := c.Inputs()
		if err != nil {
			t.Fatal(err)
		}
		if want := writers*batches*own + len(shared); len(in) != want {
			t.Errorf("%d inputs, want %d", len(in), want)
		}
		if slices.Sort(runs); runs[0] == 0 || len(slices.Compact(runs)) != writers {
			t.Errorf("run ids %v, want %d distinct", runs, writers)
		}
		all, err := c.Runs(writers + 1)
		if err != nil || len(all) != writers {
			t.Fatalf("runs %d, %v", len(all), err)
		}
		for _, r := range all {
			if r.State != "done" || r.Extracted != batches*(own+len(shared)) {
				t.Errorf("run %+v", r)
			}
		}
		// Which run last began "hot" depends on timing (FinishRun ends its
		// row), so the attempts are counted on a row no run finishes.
		if err := countBegins(t, cats, "hot2"); err != nil {
			t.Fatal(err)
		}
	})
}

// countBegins has every catalog begin docID 10 times at once and checks
// that the attempts add up: the increment is one statement, not a read
// followed by a write.
func countBegins(t *testing.T, cats []*catalog.Catalog, docID string) error {
	const each = 10
	var wg sync.WaitGroup
	errs := make([]error, len(cats))
	for i, c := range cats {
		wg.Go(func() {
			for range each {
				if err := c.Begin(int64(i+1), docID, docID+".pdf", i%2 == 0); err != nil {
					errs[i] = err
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	u, err := cats[0].Unfinished()
	if err != nil {
		return err
	}
	if got := u[docID].Attempts; got != len(cats)*each {
		t.Errorf("%s begun %d times, attempts = %d", docID, len(cats)*each, got)
	}
	return nil
}
