package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"syscall"
	"testing"
	"time"

	"zipin/catalog"
	"zipin/dataset"
	"zipin/internal/testenv"
	"zipin/isolate/isolatetest"
	"zipin/schema"
)

// maybeRunIngestChild is the crash test's child mode: the test binary runs
// one ingest and exits, so the test can kill it with SIGKILL.
func maybeRunIngestChild() {
	out := os.Getenv("ZIPIN_TEST_INGEST_OUT")
	if out == "" {
		return
	}
	opts := Options{Out: out, Jobs: 2, FlushDocs: 1, Timeout: time.Minute, Isolate: Isolation(os.Getenv("ZIPIN_TEST_ISOLATE"))}
	if os.Getenv("ZIPIN_TEST_VERBOSE") != "" {
		opts.Log = func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }
	}
	if j, err := strconv.Atoi(os.Getenv("ZIPIN_TEST_JOBS")); err == nil {
		opts.Jobs = j
	}
	if d, err := time.ParseDuration(os.Getenv("ZIPIN_TEST_TIMEOUT")); err == nil {
		opts.Timeout = d
	}
	// As zipin ingest does: SIGINT and SIGTERM end the run cleanly.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if _, err := Ingest(ctx, opts, []string{os.Getenv("ZIPIN_TEST_INGEST_IN")}); err != nil {
		fmt.Fprintln(os.Stderr, "ingest:", err)
		if ctx.Err() != nil {
			os.Exit(4)
		}
		os.Exit(3)
	}
	os.Exit(0)
}

func ingestChild(t *testing.T, in, out string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), "ZIPIN_TEST_INGEST_OUT="+out, "ZIPIN_TEST_INGEST_IN="+in), env...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// snapshot is every table's rows, each as JSON with extracted_at cleared
// (it legitimately differs between runs), sorted.
func snapshot(t *testing.T, dir string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	add := func(table string, rows any, err error) {
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		v := reflect.ValueOf(rows)
		for i := 0; i < v.Len(); i++ {
			b, _ := json.Marshal(v.Index(i).Interface())
			out[table] = append(out[table], string(b))
		}
		sort.Strings(out[table])
	}
	reports, err := dataset.ReadTable[schema.Report](dir, schema.TableReports)
	for i := range reports {
		reports[i].ExtractedAt = time.Time{}
	}
	add(schema.TableReports, reports, err)
	facts, err := dataset.ReadTable[schema.Fact](dir, schema.TableFacts)
	add(schema.TableFacts, facts, err)
	texts, err := dataset.ReadTable[schema.Text](dir, schema.TableTexts)
	add(schema.TableTexts, texts, err)
	projects, err := dataset.ReadTable[schema.Project](dir, schema.TableProjects)
	add(schema.TableProjects, projects, err)
	inds, err := dataset.ReadTable[schema.Indicator](dir, schema.TableIndicators)
	add(schema.TableIndicators, inds, err)
	return out
}

func reportFiles(dir string) int {
	files, _ := dataset.TableFiles(dir, schema.TableReports)
	return len(files)
}

func TestSIGKILLAtRandomPointsLosesNothing(t *testing.T) {
	testenv.Slow(t, "kills and re-runs an import 20 times, a minute or more")
	in := filepath.Join(t.TempDir(), "in")
	// Enough documents that a round absorbs several kills (each killed run
	// commits at least one batch), so few rounds pay for a full run.
	paths := corpus(t, in, 24)
	// Slow documents widen the window in which a kill lands mid-run.
	for _, p := range paths[:4] {
		b := append(mustRead(t, p), isolatetest.Slow...)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ref := filepath.Join(t.TempDir(), "ref")
	start := time.Now()
	if err := ingestChild(t, in, ref).Wait(); err != nil {
		t.Fatalf("uninterrupted run: %v", err)
	}
	full := time.Since(start)
	want := snapshot(t, ref)
	if len(want[schema.TableReports]) != len(paths) {
		t.Fatalf("reference run wrote %d reports, want %d", len(want[schema.TableReports]), len(paths))
	}
	t.Logf("uninterrupted run: %s, %d facts", full, len(want[schema.TableFacts]))

	seed := testSeed(t)
	rng := rand.New(rand.NewPCG(seed, 7))
	want20 := 20
	if n, err := strconv.Atoi(os.Getenv("ZIPIN_CRASH_KILLS")); err == nil {
		want20 = n
	}
	kills, rounds := 0, 0
	for kills < want20 {
		// Bounded by rounds, not by the clock: on a loaded machine each run
		// is slower, which changes how long this takes, not whether the
		// kills land (a kill fires after the run's first commit, or at a
		// random point of the quiet run's length, usually within it).
		if rounds >= 4*want20 {
			t.Fatalf("only %d kills in %d rounds", kills, rounds)
		}
		rounds++
		out := filepath.Join(t.TempDir(), "crash")
		for {
			before := reportFiles(out)
			cmd := ingestChild(t, in, out)
			done, exited := make(chan error, 1), make(chan struct{})
			go func() { done <- cmd.Wait(); close(exited) }()
			// A quarter of the kills land anywhere in a run (start-up,
			// recovery, listing); the rest just after this run's first commit,
			// where batches are being staged, published and catalogued.
			var fire <-chan time.Time
			if rng.IntN(4) == 0 {
				fire = time.After(time.Duration(rng.Int64N(int64(full / 2))))
			} else {
				c := make(chan time.Time, 1)
				fire = c
				go func() {
					for reportFiles(out) == before {
						select {
						case <-exited:
							return
						case <-time.After(10 * time.Millisecond):
						}
					}
					time.Sleep(time.Duration(rng.Int64N(int64(150 * time.Millisecond))))
					c <- time.Now()
				}()
			}
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("round %d: resumed run failed: %v", rounds, err)
				}
			case <-fire:
				_ = cmd.Process.Signal(syscall.SIGKILL)
				<-done
				kills++
				continue
			}
			break // the run completed
		}
		got := snapshot(t, out)
		for _, table := range schema.Tables {
			if !reflect.DeepEqual(got[table], want[table]) {
				t.Fatalf("round %d (%d kills so far): table %s differs from the uninterrupted run: %d rows, want %d",
					rounds, kills, table, len(got[table]), len(want[table]))
			}
		}
		if ents, _ := os.ReadDir(filepath.Join(out, ".staging")); len(ents) != 0 {
			t.Errorf("round %d: %d staged batches left behind", rounds, len(ents))
		}
		cat, err := catalog.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		counts, err := cat.Counts()
		cat.Close()
		if err != nil || counts[string(catalog.StatusOK)] != len(paths) || counts[string(catalog.StatusPending)] != 0 {
			t.Errorf("round %d: catalog counts %v, want %d ok", rounds, counts, len(paths))
		}
		// Whatever the kills left running was taken up: one job per
		// document, each completed once (doneJob for those committed just
		// before a kill).
		if n, twice := jobStates(jobsOf(t, out)); n["completed"] != len(paths) || len(n) != 1 || twice {
			t.Errorf("round %d: jobs %v (a document twice: %v), want %d completed", rounds, n, twice, len(paths))
		}
	}
	t.Logf("%d kills over %d rounds; every round's dataset equals the uninterrupted run's", kills, rounds)
}

// testSeed is the seed of a test's random choices: ZIPIN_SEED to replay a
// failure, else the clock; logged either way.
func testSeed(t *testing.T) uint64 {
	seed := uint64(time.Now().UnixNano())
	if s, err := strconv.ParseUint(os.Getenv("ZIPIN_SEED"), 10, 64); err == nil {
		seed = s
	}
	t.Logf("seed %d (replay with ZIPIN_SEED=%d)", seed, seed)
	return seed
}
