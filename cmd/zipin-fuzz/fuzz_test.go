package main

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"zipin/internal/testenv"
	"zipin/isolate"
)

func TestMain(m *testing.M) {
	isolate.MaybeRunWorker() // this test binary serves as the import's worker
	os.Exit(m.Run())
}

// A sample of the mutation fuzz run: every mutant ends ok, skipped or
// quarantined with a one-line reason, nothing fails for a reason not its
// own, and the import finishes. 300 inputs with ZIPIN_SLOW=1 (CI), 60 by
// default; ZIPIN_SEED replays a run.
func TestMutatedInputsOfEveryFormat(t *testing.T) {
	n := 60
	if os.Getenv("ZIPIN_SLOW") == "1" {
		n = 300
	}
	seed := uint64(time.Now().UnixNano())
	if s, err := strconv.ParseUint(os.Getenv("ZIPIN_SEED"), 10, 64); err == nil {
		seed = s
	}
	t.Logf("seed %d (replay with ZIPIN_SEED=%d)", seed, seed)
	cfg := config{N: n, Seed: seed, Jobs: 2, Timeout: time.Minute, Root: testenv.Root(t), Dir: t.TempDir()}
	rep, err := run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	rep.print(&b)
	t.Log("\n" + b.String())
	total := 0
	for _, m := range rep.ByFormat {
		for _, c := range m {
			total += c
		}
	}
	if total != n {
		t.Errorf("%d outcomes for %d inputs", total, n)
	}
	if len(rep.ByFormat) < 5 {
		t.Errorf("formats %v, want txt, html, pdf, docx and xlsx", rep.ByFormat)
	}
	for _, f := range rep.broken() {
		t.Errorf("%s (seed %d, %s): %s: %q", f.File, f.Seed, f.How, f.Status, f.Reason)
	}
}
