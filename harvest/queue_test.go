package harvest_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"zipin/catalog"
	"zipin/dataset"
	"zipin/harvest"
	"zipin/harvest/portaltest"
	"zipin/internal/testenv"
	"zipin/pipeline"
	"zipin/queue"
	"zipin/queue/worker"
	"zipin/schema"
	"zipin/version"
)

// TestHarvestIntoQueue harvests the portal into a shared queue (SQLite, and
// PostgreSQL when the test server is up): the first run enqueues one job
// per original kept — the portal's distinct report attachments and its two
// look-alikes — with each original's absolute path, doc_id and URL, and
// ingests nothing; a second run enqueues nothing; a queue worker then
// drains the queue into a dataset whose reports carry their source_url.
func TestHarvestIntoQueue(t *testing.T) {
	for _, db := range []struct {
		name string
		url  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "queue.sqlite") }},
		// PostgreSQL's variant repeats the same harvest (17 s together);
		// the default suite keeps SQLite's, TestHarvestIntoQueueCommand
		// and the queue package cover PostgreSQL.
		{"postgres", func(t *testing.T) string {
			testenv.Slow(t, "the harvest into a queue on PostgreSQL as well as SQLite")
			return testenv.PostgreSQL(t)
		}},
	} {
		t.Run(db.name, func(t *testing.T) { testHarvestIntoQueue(t, db.url(t)) })
	}
}

func testHarvestIntoQueue(t *testing.T, url string) {
	ctx := context.Background()
	p := newPortal(t, portaltest.Options{})
	_, cfg := writeConfig(t, p)
	out := t.TempDir()
	harvestQ := func() *harvest.Summary {
		t.Helper()
		sum, err := harvest.Run(ctx, harvest.Options{Config: cfg, Out: out, Catalog: url, Log: testLog(t)})
		if err != nil {
			t.Fatalf("harvest --catalog: %v", err)
		}
		for _, f := range sum.Failures {
			t.Logf("failure: %s %s: %v", f.Source, f.URL, f.Err)
		}
		return sum
	}

	// What the portal serves: its distinct report attachments (one behind
	// robots.txt aside), the look-alikes' blank form (its bytes are the
	// fixture's), and the guide published as a page (the page as served:
	// the catalog ties its URL to its content).
	want := map[string]string{} // doc_id → the URL it is fetched from
	db := openCatalog(t, out)
	for sha, f := range p.Files() {
		want[sha] = f.Path // completed below with the site, from the catalog
	}
	var form, page string
	for _, r := range p.LookAlikes("C") {
		switch {
		case len(r.Files) > 0:
			sum := sha256.Sum256(r.Files[0].Body)
			form = hex.EncodeToString(sum[:])
			want[form] = p.C.URL + r.Files[0].Path
		case r.Page != "":
			page = p.C.URL + portaltest.DetailPath("C", r.ID)
		}
	}

	// 1. The first run keeps every original and enqueues each once.
	s1 := harvestQ()
	t.Logf("first run: %+v", *s1)
	var pageSHA string
	if err := db.QueryRow(`SELECT sha256 FROM harvest_urls WHERE url = ?`, page).Scan(&pageSHA); err != nil {
		t.Fatalf("the guide page %s: %v", page, err)
	}
	want[pageSHA] = page
	if n := len(p.Files()) + 2; s1.New != n || s1.Enqueued != n || s1.AlreadyQueued != 0 || s1.Failed != 0 ||
		s1.Ingested != 0 || s1.Quarantined != 0 || s1.LookAlikes != 0 || s1.Ingest != nil {
		t.Errorf("first run: %+v; want %d new, %d enqueued, nothing ingested or judged here", *s1, n, n)
	}
	if harvest.ExitCode(s1, nil) != harvest.ExitOK {
		t.Errorf("first run: exit %d, want 0", harvest.ExitCode(s1, nil))
	}
	if _, err := os.Stat(filepath.Join(out, schema.TableReports)); !os.IsNotExist(err) {
		t.Errorf("the harvest wrote a dataset in %s (%v); the workers write it", out, err)
	}
	q, err := queue.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	jobs, err := q.Jobs(ctx, 1000, rivertype.JobStateAvailable)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]queue.ExtractArgs{}
	for _, j := range jobs {
		if _, twice := got[j.Args.DocID]; twice {
			t.Errorf("doc_id %s enqueued twice", j.Args.DocID)
		}
		got[j.Args.DocID] = j.Args
	}
	if len(got) != len(want) {
		t.Errorf("queue holds %d jobs, want %d (%d report attachments + 2 look-alikes)", len(got), len(want), len(p.Files()))
	}
	for sha, u := range want {
		a, ok := got[sha]
		if !ok {
			t.Errorf("no job for %s (%s)", sha[:12], u)
			continue
		}
		// The job names the kept original by its absolute path, which
		// holds exactly the bytes of its doc_id.
		data, err := os.ReadFile(a.Path)
		if err != nil || !filepath.IsAbs(a.Path) {
			t.Errorf("job %s: path %q: %v (want an absolute path to the original)", sha[:12], a.Path, err)
			continue
		}
		if pipeline.DocID(data) != sha || a.Size != int64(len(data)) {
			t.Errorf("job %s: %s holds %s, %d bytes; job says %d bytes", sha[:12], a.Path, pipeline.DocID(data)[:12], len(data), a.Size)
		}
		if sha == form || sha == pageSHA {
			if a.SourceURL != u {
				t.Errorf("job %s: source_url %q, want %q", sha[:12], a.SourceURL, u)
			}
			continue
		}
		// A report attachment: fetched from the path the portal serves it
		// at, on one of its sites (B serves one under two paths; the
		// first one found is the original's URL).
		var urlSHA string
		db.QueryRow(`SELECT sha256 FROM harvest_urls WHERE url = ?`, a.SourceURL).Scan(&urlSHA)
		if urlSHA != sha {
			t.Errorf("job %s: source_url %q, which the catalog ties to %q", sha[:12], a.SourceURL, urlSHA)
		}
	}
	var notEnqueued int
	db.QueryRow(`SELECT count(*) FROM harvest_originals WHERE enqueued_at = '' OR ingest_status != 'enqueued'`).Scan(&notEnqueued)
	if notEnqueued != 0 {
		t.Errorf("%d originals not recorded as enqueued", notEnqueued)
	}

	// 2. Nothing new on the portal: nothing enqueued, the queue unchanged.
	s2 := harvestQ()
	t.Logf("second run: %+v", *s2)
	if s2.New != 0 || s2.Enqueued != 0 || s2.AlreadyQueued != 0 || s2.Failed != 0 {
		t.Errorf("second run: %+v; want nothing new, nothing enqueued", *s2)
	}
	// A report published since: the third run enqueues just it.
	fresh := p.Publish("A")
	s3 := harvestQ()
	sum := sha256.Sum256(fresh.Files[0].Body)
	freshSHA := hex.EncodeToString(sum[:])
	want[freshSHA] = p.A.URL + fresh.Files[0].Path
	if s3.New != 1 || s3.Enqueued != 1 {
		t.Errorf("third run: %+v; want the one new report enqueued", *s3)
	}
	c, err := q.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c[rivertype.JobStateAvailable] != len(want) || queue.Unfinished(c) != len(want) {
		t.Errorf("queue counts %v; want %d available", c, len(want))
	}

	// 3. A worker drains the queue into a dataset, as zipin worker does.
	dsDir := t.TempDir()
	sink, err := dataset.OpenSink(ctx, dsDir, version.Extractor)
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	docs, err := pipeline.NewDocuments(pipeline.Options{Jobs: 1, Retries: -1, Timeout: time.Minute}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer docs.Close()
	cat, err := catalog.OpenURL(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	runID, err := cat.StartRun(version.Extractor, 1)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	outcomes := map[string]pipeline.Outcome{}
	w := &worker.Worker{Docs: docs, Sinks: []worker.Sink{sink}, Catalog: cat, RunID: runID, Jobs: 1, UntilEmpty: true,
		Accept: harvest.AcceptReport, Done: func(o pipeline.Outcome, _ bool) { mu.Lock(); outcomes[o.DocID] = o; mu.Unlock() }}
	if err := w.Run(ctx, q); err != nil {
		t.Fatal(err)
	}
	// The look-alikes are judged on the worker as the harvester judges
	// them itself: kept out of the dataset, with the reason.
	for _, sha := range []string{form, pageSHA} {
		if o := outcomes[sha]; o.Status != pipeline.StatusSkipped || !strings.HasPrefix(o.Reason, "not a report: ") {
			t.Errorf("look-alike %s (%s): %s %q; want skipped, not a report", sha[:12], want[sha], o.Status, o.Reason)
		}
	}
	if c, err = q.Counts(ctx); err != nil {
		t.Fatal(err)
	}
	if c[rivertype.JobStateCompleted] != len(want) || queue.Unfinished(c) != 0 {
		t.Errorf("after the worker: queue counts %v; want %d completed", c, len(want))
	}
	reports, err := dataset.ReadTable[schema.Report](dsDir, schema.TableReports)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range reports {
		if seen[r.DocID] {
			t.Errorf("reports: doc_id %s twice", r.DocID[:12])
		}
		seen[r.DocID] = true
		a, ok := got[r.DocID]
		if r.DocID == freshSHA {
			a, ok = queue.ExtractArgs{SourceURL: want[freshSHA]}, true
		}
		switch {
		case r.DocID == form || r.DocID == pageSHA:
			t.Errorf("reports: the look-alike %s (%s) was written", r.DocID[:12], want[r.DocID])
		case !ok:
			t.Errorf("reports: %s was never enqueued", r.DocID[:12])
		case r.SourceURL == nil || *r.SourceURL != a.SourceURL:
			t.Errorf("reports: %s source_url %v, want %q", r.DocID[:12], r.SourceURL, a.SourceURL)
		}
	}
	// Text attachments have a reader in every build: each is in the
	// dataset (the others may be quarantined, as in TestHarvestIncremental).
	var texts []string
	for sha, f := range p.Files() {
		if filepath.Ext(f.Path) == ".txt" {
			texts = append(texts, sha)
			if !seen[sha] {
				t.Errorf("text attachment %s (%s) is not in reports", f.Path, sha[:12])
			}
		}
	}
	if len(texts) == 0 {
		t.Error("the portal serves no text attachment: the check above checked nothing")
	}
	// Every other document is in the dataset or quarantined, with why.
	for sha, u := range want {
		if o := outcomes[sha]; !seen[sha] && sha != form && sha != pageSHA && o.Status != pipeline.StatusQuarantined {
			t.Errorf("%s (%s): not in reports, and %s %q", sha[:12], u, o.Status, o.Reason)
		}
	}
	t.Logf("dataset: %d reports of %d documents enqueued", len(reports), len(want))

	// 4. The next run reads what the workers made of each original from
	// the shared catalog: the harvest's record says ok, or lookalike with
	// the reason, as after an ingest here; nothing is enqueued again.
	s4 := harvestQ()
	if s4.Enqueued != 0 || s4.AlreadyQueued != 0 {
		t.Errorf("fourth run: %+v; want nothing enqueued", *s4)
	}
	byStatus := map[string]int{}
	rows, err := db.Query(`SELECT sha256, ingest_status, ingest_reason FROM harvest_originals`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var sha, status, reason string
		if err := rows.Scan(&sha, &status, &reason); err != nil {
			t.Fatal(err)
		}
		byStatus[status]++
		wantStatus := "ok"
		switch {
		case sha == form || sha == pageSHA:
			wantStatus = "lookalike"
		case outcomes[sha].Status == pipeline.StatusQuarantined:
			wantStatus = "quarantined"
		}
		if status != wantStatus || status == "lookalike" && !strings.HasPrefix(reason, "not a report: ") {
			t.Errorf("original %s (%s): %s %q after the workers, want %s", sha[:12], want[sha], status, reason, wantStatus)
		}
	}
	rows.Close()
	t.Logf("the harvest's record after the workers: %v", byStatus)

	// 5. Look-alikes judged by an older extractor are tried again, as a
	// harvest that ingests itself tries them: enqueued once more.
	rw, err := sql.Open("sqlite", "file:"+filepath.Join(out, harvest.CatalogFile)+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	if _, err := rw.Exec(`UPDATE harvest_originals SET extractor_version = '0.0.0-older' WHERE ingest_status = 'lookalike'`); err != nil {
		t.Fatal(err)
	}
	if s5 := harvestQ(); s5.Enqueued != 2 || s5.New != 0 {
		t.Errorf("after an extractor change: %+v; want the 2 look-alikes enqueued again", *s5)
	}
	jobs, err = q.Jobs(ctx, 10, rivertype.JobStateAvailable)
	if err != nil {
		t.Fatal(err)
	}
	var again []string
	for _, j := range jobs {
		again = append(again, j.Args.DocID)
	}
	sort.Strings(again)
	wantAgain := []string{form, pageSHA}
	sort.Strings(wantAgain)
	if fmt.Sprint(again) != fmt.Sprint(wantAgain) {
		t.Errorf("waiting jobs %v, want the look-alikes %v", again, wantAgain)
	}
}
