package selfeval

import (
	"bufio"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"zipin/extract"
	"zipin/internal/testenv"
	"zipin/normalize"
)

type goldDoc struct {
	ID       string   `json:"id"`
	Kind     string   `json:"kind"`
	Budget   *float64 `json:"budget_total_wan"`
	Executed *float64 `json:"executed_wan"`
	Rate     *float64 `json:"execution_rate_pct"`
	Score    *float64 `json:"self_score"`
}

func readDoc(t testing.TB, path string) *normalize.Doc {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := extract.Read(context.Background(), path, data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	nd, err := normalize.Document(d)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return nd
}

// TestCorpusFunding measures, on the shared corpus, how many gold funding
// figures (budget, executed, rate) the 自评表 extraction recovers on its own,
// and how many figures it writes that gold does not have (wrong or
// unwarranted). The headline view takes a document's single project, or
// the figure all its projects agree on: never the first of several.
// Run: go test ./selfeval -run Corpus -v
func TestCorpusFunding(t *testing.T) {
	corpusDir := testenv.Corpus(t, "real")
	f, err := os.Open(filepath.Join(corpusDir, "gold.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var golds []goldDoc
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var g goldDoc
		if err := json.Unmarshal(sc.Bytes(), &g); err != nil {
			t.Fatal(err)
		}
		golds = append(golds, g)
	}
	type tally struct{ gold, hit, wrong, extra, firstHit int }
	var tl [3]tally
	names := [3]string{"budget", "executed", "rate"}
	for _, g := range golds {
		res := Extract(readDoc(t, filepath.Join(corpusDir, g.ID+".txt")))
		want := [3]*float64{g.Budget, g.Executed, g.Rate}
		for k := range 3 {
			var vals []*float64
			for _, p := range res.Projects {
				var v *float64
				switch k {
				case 0:
					if p.Budget != nil {
						v = ptr(p.Budget.Yuan() / 10000)
					}
				case 1:
					if p.Executed != nil {
						v = ptr(p.Executed.Yuan() / 10000)
					}
				case 2:
					v = p.ExecutionRate
				}
				vals = append(vals, v)
			}
			head := headline(vals)
			if want[k] != nil {
				tl[k].gold++
				if len(vals) > 0 && close(vals[0], want[k]) {
					tl[k].firstHit++
				}
			}
			switch {
			case want[k] != nil && close(head, want[k]):
				tl[k].hit++
			case want[k] != nil && head != nil:
				tl[k].wrong++
				t.Logf("%s %s: got %g want %g", g.ID, names[k], *head, *want[k])
			case want[k] == nil && head != nil:
				tl[k].extra++
				t.Logf("%s %s: got %g, gold has none", g.ID, names[k], *head)
			}
		}
		for _, w := range res.Warnings {
			t.Logf("%s warning: %s", g.ID, w)
		}
	}
	for k, x := range tl {
		t.Logf("%-8s recall %d/%d (first project %d/%d), wrong %d, written where gold is NULL %d",
			names[k], x.hit, x.gold, x.firstHit, x.gold, x.wrong, x.extra)
		// A wrong value is worse than a missing one: the forms must never
		// give one. Most corpus documents hold no 自评表, so recall is
		// low by nature; its floor is the count reached when the test
		// began to assert, and only ever rises.
		if x.wrong > 0 || x.extra > 0 {
			t.Errorf("%s: %d wrong and %d written where the gold is NULL", names[k], x.wrong, x.extra)
		}
		if x.hit < fundingFloor[k] {
			t.Errorf("%s: recall %d/%d, below the floor %d", names[k], x.hit, x.gold, fundingFloor[k])
		}
	}
}

// fundingFloor is the least number of corpus documents whose budget,
// executed and rate the 自评表 alone must give.
var fundingFloor = [3]int{6, 6, 6}

func ptr(v float64) *float64 { return &v }

// headline: the single project's value, or the value every project states alike.
func headline(vals []*float64) *float64 {
	if len(vals) == 0 {
		return nil
	}
	for _, v := range vals[1:] {
		if !close(v, vals[0]) {
			return nil
		}
	}
	return vals[0]
}

func close(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return math.Abs(*a-*b) <= 1e-6*math.Max(1, math.Abs(*b))
}
