package harvest_test

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"zipin/harvest"
	"zipin/harvest/portaltest"
)

// testRand returns the source of a test's random choices, seeded from
// ZIPIN_TEST_SEED when set (to replay a failure), else at random; the
// seed is logged either way.
func testRand(t *testing.T) *rand.Rand {
	seed := rand.Uint64()
	if v := os.Getenv("ZIPIN_TEST_SEED"); v != "" {
		var err error
		if seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			t.Fatalf("ZIPIN_TEST_SEED=%q: %v", v, err)
		}
	}
	t.Logf("seed %d (replay with ZIPIN_TEST_SEED=%d)", seed, seed)
	return rand.New(rand.NewPCG(seed, seed))
}

// proc is the harvester running in a separate process (this test binary).
type proc struct {
	cmd    *exec.Cmd
	stderr *bytes.Buffer
	done   chan struct{} // closed when it has exited
	err    error         // its exit, once done is closed
}

func child(t *testing.T, config, out string) *proc {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ZIPIN_HARVEST_CHILD=1", "ZIPIN_HARVEST_CONFIG="+config, "ZIPIN_HARVEST_OUT="+out)
	p := &proc{cmd: cmd, stderr: &bytes.Buffer{}, done: make(chan struct{})}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-p.done })
	return p
}

// until waits for cond, or for the process to exit; it says whether cond
// came true while the process ran. No deadline but a generous one: what
// ends the wait is what happened, not how fast.
func (p *proc) until(t *testing.T, what string, cond func() bool) bool {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		select {
		case <-p.done:
			return false
		default:
		}
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			t.Fatalf("still waiting for %s after 3 minutes", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func (p *proc) kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func countOriginals(out string) int {
	n := 0
	filepath.WalkDir(filepath.Join(out, "originals"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasPrefix(d.Name(), ".") {
			n++
		}
		return nil
	})
	return n
}

// cancelAt cancels a run's context as its n-th request leaves, so that the
// cancellation lands inside a request, whatever the machine's speed.
type cancelAt struct {
	n      int32
	sent   atomic.Int32
	fired  atomic.Bool
	cancel context.CancelFunc
}

func (c *cancelAt) RoundTrip(req *http.Request) (*http.Response, error) {
	if c.sent.Add(1) == c.n {
		c.fired.Store(true)
		c.cancel()
	}
	return http.DefaultTransport.RoundTrip(req)
}

// A run killed with SIGKILL at a random point while fetching, another
// cancelled at a random request, and one killed while ingesting: the run
// after them completes with every report kept and ingested once. Each
// step checks what happened (a run may finish before its random kill
// point on a fast machine, or fail a fetch on a slow one), never how long
// it took.
func TestKilledRunsResume(t *testing.T) {
	rng := testRand(t)
	p := newPortal(t, portaltest.Options{})
	config, cfg := writeConfig(t, p)
	out := t.TempDir()
	files := p.Files()
	kept := len(files) + len(lookAlikeURLs(p)) // look-alikes are kept too

	// 1. SIGKILL mid-fetch.
	killAt := 20 + rng.IntN(80)
	c := child(t, config, out)
	if c.until(t, "requests", func() bool { return len(p.Hits()) >= killAt }) {
		c.kill()
		t.Logf("killed after %d requests, %d originals kept", len(p.Hits()), countOriginals(out))
	} else {
		t.Logf("the first run ended (%v) before request %d; %d originals kept", c.err, killAt, countOriginals(out))
	}

	// 2. A cancelled context, in process, as a random request leaves.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ca := &cancelAt{n: int32(1 + rng.IntN(40)), cancel: cancel}
	_, err := harvest.Run(ctx, harvest.Options{Config: cfg, Out: out, Log: testLog(t), Transport: ca})
	switch {
	case ca.fired.Load() && !errors.Is(err, context.Canceled):
		t.Errorf("run cancelled at request %d: err %v, want context.Canceled", ca.n, err)
	case !ca.fired.Load() && err != nil:
		t.Errorf("run not cancelled (it made %d requests, fewer than %d): err %v", ca.sent.Load(), ca.n, err)
	}
	t.Logf("second run: cancel at request %d, fired %v, %d originals kept", ca.n, ca.fired.Load(), countOriginals(out))

	// 3. SIGKILL once every original is kept: the run is ingesting.
	c = child(t, config, out)
	if c.until(t, "every original", func() bool { return countOriginals(out) >= kept }) {
		c.kill()
		db := openCatalog(t, out)
		var pending int
		db.QueryRow(`SELECT count(*) FROM harvest_originals WHERE ingested_at = ''`).Scan(&pending)
		t.Logf("killed while ingesting: %d of %d originals not marked ingested", pending, kept)
	} else {
		t.Logf("the third run ended (%v) with %d of %d originals kept; stderr: %s", c.err, countOriginals(out), kept, c.stderr)
	}

	// 4. The run that completes.
	p.ResetHits()
	s := run(t, cfg, out)
	t.Logf("final run: %+v", *s)
	if s.Failed != 0 {
		t.Errorf("final run: %d failures", s.Failed)
	}
	checkDataset(t, p, out)
	// Nothing is fetched twice by the final run: what the killed runs kept
	// stays kept.
	for path, n := range okHits(p.Hits()) {
		if n > 1 {
			t.Errorf("final run fetched %s %d times", path, n)
		}
	}
}

// Two overlapping runs: the second finds the lock, names the first's pid
// and exits 75 (EX_TEMPFAIL); the first completes.
func TestConcurrentRuns(t *testing.T) {
	p := newPortal(t, portaltest.Options{PerPage: 1, Slow: 5 * time.Millisecond})
	config, cfg := writeConfig(t, p)
	out := t.TempDir()

	first := child(t, config, out)
	waitFor(t, "the first run's requests", func() bool { return len(p.Hits()) > 0 })

	second := child(t, config, out)
	<-second.done
	err := second.err
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != harvest.ExitRunning {
		t.Errorf("second run: %v, want exit status 75; stderr: %s", err, second.stderr)
	}
	want := "another harvest is running (pid " + strconv.Itoa(first.cmd.Process.Pid) + ";"
	if !strings.Contains(second.stderr.String(), want) {
		t.Errorf("second run said %q, want %q", second.stderr, want)
	}

	// The same in process.
	_, err = harvest.Run(context.Background(), harvest.Options{Config: cfg, Out: out})
	var le *harvest.LockedError
	if !errors.As(err, &le) || le.PID != first.cmd.Process.Pid || harvest.ExitCode(nil, err) != 75 {
		t.Errorf("in-process run during the first: %v, want LockedError with pid %d and exit 75", err, first.cmd.Process.Pid)
	}

	// The first run works through: it exits 0, or 1 if a document it
	// fetched is quarantined by a reader, but no fetch fails.
	<-first.done
	if err := first.err; err != nil && !(errors.As(err, &ee) && ee.ExitCode() == harvest.ExitFailed) ||
		strings.Contains(first.stderr.String(), "fetch failed") {
		t.Errorf("first run: %v; stderr: %s", err, first.stderr)
	}
	// The lock is free again.
	l, err := harvest.AcquireLock(out)
	if err != nil {
		t.Fatalf("lock after both runs: %v", err)
	}
	l.Release()
}

// A dry run fetches list pages only, lists what it would fetch, and leaves
// no trace: no catalog, no originals, no lock.
func TestDryRun(t *testing.T) {
	p := newPortal(t, portaltest.Options{})
	_, cfg := writeConfig(t, p)
	out := filepath.Join(t.TempDir(), "ds")
	sum, err := harvest.Run(context.Background(), harvest.Options{Config: cfg, Out: out, DryRun: true, MaxPages: 2, Log: testLog(t)})
	if err != nil {
		t.Fatal(err)
	}
	// Two pages of three per site: 6 report links from A less the one
	// behind robots.txt, 6 from B; C's first page holds two candidates (a
	// notice and a guide, which only their content reveals) and a news
	// item, its second three reports; the feed lists all 15 of C's
	// reports, 3 of which are on C's first two pages.
	want := 5 + 6 + 2 + 3 + 15 - 3
	if len(sum.WouldFetch) != want {
		t.Errorf("would fetch %d links, want %d: %v", len(sum.WouldFetch), want, sum.WouldFetch)
	}
	for _, u := range sum.WouldFetch {
		if strings.Contains(u, "/private/") {
			t.Errorf("dry run would fetch %s, which robots.txt disallows", u)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("dry run created %s (%v)", out, err)
	}
	for _, h := range p.Hits() {
		if !strings.Contains(h.Path, "index") && !strings.Contains(h.Path, "/col/jx") && !strings.Contains(h.Path, "list") &&
			h.Path != "/robots.txt" && h.Path != "/gk/rss.xml" {
			t.Errorf("dry run fetched %s%s", h.Site, h.Path)
		}
	}
}
