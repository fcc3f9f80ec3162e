package harvest_test

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"zipin/harvest"
	"zipin/harvest/portaltest"
)

// child starts the harvester in a separate process (this test binary).
func child(t *testing.T, config, out string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ZIPIN_HARVEST_CHILD=1", "ZIPIN_HARVEST_CONFIG="+config, "ZIPIN_HARVEST_OUT="+out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, &stderr
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
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

// A run killed with SIGKILL at a random point while fetching, another
// cancelled at a random point, and one killed while ingesting: the run
// after them completes with every report kept and ingested once.
func TestKilledRunsResume(t *testing.T) {
	p := newPortal(t, portaltest.Options{})
	config, cfg := writeConfig(t, p)
	out := t.TempDir()
	files := p.Files()

	// 1. SIGKILL mid-fetch.
	killAt := 20 + rand.N(80)
	cmd, _ := child(t, config, out)
	waitFor(t, "requests", func() bool { return len(p.Hits()) >= killAt })
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	t.Logf("killed after %d requests, %d originals kept", killAt, countOriginals(out))

	// 2. A cancelled context mid-fetch, in process.
	ctx, cancel := context.WithCancel(context.Background())
	start := len(p.Hits())
	cancelAt := start + 10 + rand.N(40)
	go func() {
		for len(p.Hits()) < cancelAt && ctx.Err() == nil {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	_, err := harvest.Run(ctx, harvest.Options{Config: cfg, Out: out, Log: testLog(t)})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run: err %v, want context.Canceled", err)
	}
	t.Logf("cancelled after %d requests, %d originals kept", cancelAt-start, countOriginals(out))

	// 3. SIGKILL once every original is kept: the run is ingesting.
	cmd, stderr := child(t, config, out)
	waitFor(t, "every original", func() bool {
		if cmd.ProcessState == nil && countOriginals(out) < len(files) {
			return false
		}
		return true
	})
	if n := countOriginals(out); n != len(files) {
		t.Fatalf("the third run kept %d originals of %d; stderr: %s", n, len(files), stderr)
	}
	time.Sleep(20 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	db := openCatalog(t, out)
	var pending int
	db.QueryRow(`SELECT count(*) FROM harvest_originals WHERE ingested_at = ''`).Scan(&pending)
	t.Logf("killed while ingesting: %d of %d originals not marked ingested", pending, len(files))

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
// and exits 3; the first completes.
func TestConcurrentRuns(t *testing.T) {
	p := newPortal(t, portaltest.Options{PerPage: 1, Slow: 5 * time.Millisecond})
	config, cfg := writeConfig(t, p)
	out := t.TempDir()

	first, firstErr := child(t, config, out)
	waitFor(t, "the first run's requests", func() bool { return len(p.Hits()) > 0 })

	second, secondErr := child(t, config, out)
	err := second.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != harvest.ExitRunning {
		t.Errorf("second run: %v, want exit status 3; stderr: %s", err, secondErr)
	}
	want := "another harvest is running (pid " + strconv.Itoa(first.Process.Pid) + ";"
	if !strings.Contains(secondErr.String(), want) {
		t.Errorf("second run said %q, want %q", secondErr, want)
	}

	// The same in process.
	_, err = harvest.Run(context.Background(), harvest.Options{Config: cfg, Out: out})
	var le *harvest.LockedError
	if !errors.As(err, &le) || le.PID != first.Process.Pid || harvest.ExitCode(nil, err) != 3 {
		t.Errorf("in-process run during the first: %v, want LockedError with pid %d and exit 3", err, first.Process.Pid)
	}

	// The first run works through: it exits 0, or 1 if a document it
	// fetched is quarantined by a reader, but no fetch fails.
	if err := first.Wait(); err != nil && !(errors.As(err, &ee) && ee.ExitCode() == harvest.ExitFailed) ||
		strings.Contains(firstErr.String(), "fetch failed") {
		t.Errorf("first run: %v; stderr: %s", err, firstErr)
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
