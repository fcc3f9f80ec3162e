package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"zipin/dataset"
	"zipin/harvest/portaltest"
	"zipin/queue"
	"zipin/samples"
	"zipin/schema"
)

// The day-one config of docs/harvest.md against the fake county portal,
// run as cron runs it: the first run finds every report and keeps the
// look-alikes out, the second costs one conditional request per source
// (robots.txt included), the third finds a newly published report; `zipin
// status` shows where each document came from.
func TestHarvestDayOne(t *testing.T) {
	o := portaltest.Options{Hang: 5 * time.Second}
	paths, err := samples.WriteTo(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		switch filepath.Ext(p) {
		case ".txt":
			o.Texts = append(o.Texts, b)
		case ".pdf":
			o.PDF = b
		case ".docx":
			o.DOCX = b
		case ".xlsx":
			o.XLSX = b
		}
	}
	p := portaltest.New(o)
	defer p.Close()
	// Three lines per source; the politeness settings are the test's, to
	// keep it fast (the portal's hanging page must time out).
	config := filepath.Join(t.TempDir(), "harvest.toml")
	text := fmt.Sprintf(`contact = "mailto:data@example.org"
rate = "20ms"
timeout = "2s"

[[source]]
name = "jxpj"
url = "%s"

[[source]]
name = "col-jx"
url = "%s"

[[source]]
name = "gk"
url = "%s"
`, p.ListURL("A"), p.ListURL("B"), p.ListURL("C"))
	if err := os.WriteFile(config, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	reports := 0
	for _, s := range []string{"A", "B", "C"} {
		reports += len(p.Reports(s))
	}
	reports-- // A's report behind robots.txt

	stdout, stderr, code := run(t, "harvest", "--config", config, "--out", out)
	t.Logf("first run (exit %d): %s", code, strings.TrimSpace(stdout))
	want := fmt.Sprintf("%d ingested, 0 quarantined, 2 not reports", reports)
	if code != 0 || !strings.Contains(stdout, want) {
		t.Errorf("first run: exit %d, %q; want exit 0 and %q\n%s", code, stdout, want, stderr)
	}

	p.ResetHits()
	stdout, _, code = run(t, "harvest", "--config", config, "--out", out)
	hits := p.Hits()
	t.Logf("second run (exit %d): %s; %d requests", code, strings.TrimSpace(stdout), len(hits))
	for _, h := range hits {
		if !h.Conditional() || h.Status != 304 {
			t.Errorf("second run: %s%s %d conditional %v", h.Site, h.Path, h.Status, h.Conditional())
		}
	}
	if len(hits) != 6 {
		t.Errorf("second run: %d requests, want 6 (3 robots.txt, 3 list pages)", len(hits))
	}

	fresh := p.Publish("B")
	p.ResetHits()
	stdout, _, code = run(t, "harvest", "--config", config, "--out", out)
	t.Logf("third run (exit %d): %s; %d requests", code, strings.TrimSpace(stdout), len(p.Hits()))
	if code != 0 || !strings.Contains(stdout, "1 new") || !strings.Contains(stdout, "1 ingested") {
		t.Errorf("third run: exit %d, %q; want the new report", code, stdout)
	}

	stdout, stderr, code = run(t, "status", "--out", out, "--top", "60")
	if code != 0 {
		t.Fatalf("status: exit %d\n%s", code, stderr)
	}
	a := p.Reports("A")[0]
	for _, want := range []string{
		fmt.Sprintf("%s  %s  [ok]", fresh.Published, fresh.Title),
		"source_url: " + p.B.URL + fresh.Files[0].Path,
		"detail:     " + p.B.URL + portaltest.DetailPath("B", fresh.ID), // after the /go?id= redirect
		fmt.Sprintf("%s  %s  [ok]", a.Published, a.Title),               // the full title, without the site's name
		"[lookalike]",
		"why:        not a report: a blank form",
		"why:        not a report: a guide or template",
		fmt.Sprintf("harvest: originals %d ok, 2 lookalike", reports+1),
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("status lacks %q", want)
		}
	}
	if strings.Contains(stdout, "_"+portaltest.SiteName) {
		t.Errorf("status shows a title with the site's name")
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("status:\n%s", stdout)
	}
}

// SIGTERM during a run (systemd stopping the unit, cron's kill): exit 130,
// what was fetched is kept, and the next run completes.
func TestHarvestInterrupted(t *testing.T) {
	p := portaltest.New(portaltest.Options{Slow: 20 * time.Millisecond, Hang: 5 * time.Second})
	defer p.Close()
	config := filepath.Join(t.TempDir(), "harvest.toml")
	text := fmt.Sprintf("contact = \"t\"\nrate = \"5ms\"\ntimeout = \"2s\"\n[[source]]\nname = \"a\"\nurl = \"%s\"\n", p.ListURL("A"))
	if err := os.WriteFile(config, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	cmd := exec.Command(zipinBin, "harvest", "--config", config, "--out", out)
	cmd.Env = append(os.Environ(), asZipin+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	signalled := false
	for !signalled {
		select {
		case err := <-done:
			// It finished before the signal: then it must have succeeded.
			t.Logf("the run ended before 5 requests: %v", err)
			if err != nil {
				t.Errorf("run: %v\n%s", err, stderr.String())
			}
			return
		case <-time.After(2 * time.Millisecond):
		}
		if len(p.Hits()) >= 5 {
			cmd.Process.Signal(syscall.SIGTERM)
			signalled = true
		}
	}
	err := <-done
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 || !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("SIGTERM: %v, want exit 130 saying interrupted\n%s", err, stderr.String())
	}
	stdout, stderr2, code := run(t, "harvest", "--config", config, "--out", out)
	if code != 0 || !strings.Contains(stdout, "14 ingested") {
		t.Errorf("the run after: exit %d %q\n%s", code, stdout, stderr2)
	}
}

// zipin harvest --catalog as cron runs it: the new reports and look-alikes
// are enqueued for zipin worker, not ingested; a second run enqueues
// nothing; status shows them enqueued; a zipin worker then writes the
// reports, with their source_url, and leaves the look-alikes out. A dataset
// on object storage needs the queue (exit 2), and a queue that cannot be
// reached fails the run before any request (exit 3).
func TestHarvestIntoQueueCommand(t *testing.T) {
	p := portaltest.New(portaltest.Options{Hang: 5 * time.Second})
	defer p.Close()
	config := filepath.Join(t.TempDir(), "harvest.toml")
	text := fmt.Sprintf("contact = \"t\"\nrate = \"5ms\"\ntimeout = \"2s\"\n[[source]]\nname = \"a\"\nurl = \"%s\"\n[[source]]\nname = \"c\"\nurl = \"%s\"\n",
		p.ListURL("A"), p.ListURL("C"))
	if err := os.WriteFile(config, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out, data := t.TempDir(), t.TempDir()
	qdb := filepath.Join(t.TempDir(), "queue.sqlite")
	reports := len(p.Reports("A")) - 1 + len(p.Reports("C")) // one of A's behind robots.txt
	docs := reports + 2                                      // C's blank form and guide page

	stdout, stderr, code := run(t, "harvest", "--config", config, "--out", out, "--catalog", qdb)
	want := fmt.Sprintf("harvest: %d new, 0 unchanged (0 duplicate content), 0 failed, %d enqueued, 0 already queued,", docs, docs)
	if code != 0 || !strings.HasPrefix(stdout, want) {
		t.Errorf("first run: exit %d, %q; want exit 0 and %q\n%s", code, stdout, want, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "reports")); !os.IsNotExist(err) {
		t.Errorf("harvest --catalog wrote a dataset in %s", out)
	}
	stdout, stderr, code = run(t, "harvest", "--config", config, "--out", out, "--catalog", qdb)
	if code != 0 || !strings.Contains(stdout, " 0 new,") || !strings.Contains(stdout, " 0 enqueued,") {
		t.Errorf("second run: exit %d, %q; want nothing new or enqueued\n%s", code, stdout, stderr)
	}
	// The queue before any worker ran, and the harvest's own record.
	stdout, stderr, code = run(t, "status", "--catalog", qdb, "--out", out)
	for _, want := range []string{fmt.Sprintf(`harvest: originals %d enqueued`, docs), fmt.Sprintf(`\npending +%d\n`, docs)} {
		if code != 0 || !regexp.MustCompile(want).MatchString(stdout) {
			t.Errorf("status: exit %d, lacks %q:\n%s%s", code, want, stdout, stderr)
		}
	}

	// A worker drains the queue, as it would on another machine.
	ds := t.TempDir()
	cmd := exec.Command(zipinBin, "worker", "--catalog", qdb, "--out", ds, "--jobs", "2")
	cmd.Env = append(os.Environ(), asZipin+"=1")
	var werr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &werr, &werr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	q, err := queue.Open(context.Background(), qdb)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	// Decided by what happened: every job completed (the limit only keeps a
	// broken worker from hanging the test).
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(50 * time.Millisecond) {
		c, err := q.Counts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if c[rivertype.JobStateCompleted] == docs {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("jobs %v after 3 minutes; worker said:\n%s", c, werr.String())
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("worker stopped by SIGTERM: %v\n%s", err, werr.String())
	}
	rows, err := dataset.ReadTable[schema.Report](ds, schema.TableReports)
	if err != nil {
		t.Fatal(err)
	}
	lookalike := map[string]bool{}
	for _, r := range p.LookAlikes("C") {
		for _, f := range r.Files {
			lookalike[p.C.URL+f.Path] = true
		}
		if r.Page != "" {
			lookalike[p.C.URL+portaltest.DetailPath("C", r.ID)] = true
		}
	}
	for _, r := range rows {
		switch {
		case r.SourceURL == nil:
			t.Errorf("reports: %s (%s) has no source_url", r.DocID[:12], r.Title)
		case lookalike[*r.SourceURL]:
			t.Errorf("reports: the look-alike %s was written", *r.SourceURL)
		}
	}
	if len(rows) != reports {
		t.Errorf("the worker wrote %d reports, want %d (the look-alikes left out)\n%s", len(rows), reports, werr.String())
	}
	// The next night's run learns from the catalog what became of each.
	if _, stderr, code = run(t, "harvest", "--config", config, "--out", out, "--catalog", qdb); code != 0 {
		t.Errorf("the run after the worker: exit %d\n%s", code, stderr)
	}
	stdout, stderr, code = run(t, "status", "--catalog", qdb, "--out", out, "--top", "40")
	for _, want := range []string{fmt.Sprintf("harvest: originals %d ok, 2 lookalike;", reports), "why:        not a report: a blank form"} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("status after the worker: exit %d, lacks %q:\n%s%s", code, want, stdout, stderr)
		}
	}

	_, stderr, code = run(t, "harvest", "--config", config, "--out", "s3://bucket/prefix", "--data", data)
	if code != 2 || !strings.Contains(stderr, "--catalog") {
		t.Errorf("--out s3:// without --catalog: exit %d %q, want 2 naming --catalog", code, stderr)
	}
	p.ResetHits()
	_, stderr, code = run(t, "harvest", "--config", config, "--data", data, "--out", "s3://bucket/prefix",
		"--catalog", "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=5")
	if code != 3 || len(p.Hits()) != 0 {
		t.Errorf("unreachable queue: exit %d after %d requests, want 3 before any\n%s", code, len(p.Hits()), stderr)
	}
}
