package main

// -queue: the import spread over `zipin worker` processes (issue 16). On one
// corpus, in one run, it prints pages/s with 1, 2 and 4 worker processes
// against one PostgreSQL queue, the queue's cost per document (with and
// without the catalog record, which commits with the job's completion) next
// to the median document's extraction time, from a one-slot worker in this
// process (perDocument), and the single-machine ingest's parent CPU per
// document next to its workers'.

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver

	"zipin/catalog"
	"zipin/dataset"
	"zipin/pipeline"
	"zipin/queue"
	"zipin/queue/worker"
	"zipin/schema"
	zversion "zipin/version"
)

// queueRun is one import through the queue with some worker processes.
type queueRun struct {
	workers int
	docs    int
	pages   int
	wall    time.Duration   // first claim to last completion (River's timestamps)
	cpu     time.Duration   // user+sys of the worker processes and their children
	enqueue time.Duration   // the Queue.Enqueue call, all documents
	work    []time.Duration // attempted_at to finalized_at of each job
}

// slotRun is the one-slot import of perDocument, timed from inside the
// worker: River's attempted_at of each job, the end of its rows' writing
// and the moment its record and completion committed (Worker.Done).
type slotRun struct {
	docs       int
	enqueue    time.Duration   // the Queue.Enqueue call, all documents
	extraction []time.Duration // read+extract+analyze of each document (catalog)
	claim      []time.Duration // a job's commit to the next job's attempted_at
	put        []time.Duration // Sink.PutDocument of each document
	commit     []time.Duration // the end of the rows to the commit of record and completion
	rest       []time.Duration // attempted_at to the end of the rows, less extraction
}

// queueCorpus is the -queue mode's corpus: reports (reportSpec, rendered
// into cache) or, with small set, makeText's and makePDF's.
type queueCorpus struct {
	small                  bool
	docs, pages, pdfCopies int // small
	spec                   reportSpec
	cache                  string
}

// parseCorpus checks the -corpus flags.
func parseCorpus(kind, pageRange string, reports int, seed uint64, cache string, docs, pages, pdfCopies int) (queueCorpus, error) {
	c := queueCorpus{docs: docs, pages: pages, pdfCopies: pdfCopies, cache: cache}
	switch kind {
	case "small":
		c.small = true
		return c, nil
	case "reports":
	default:
		return c, fmt.Errorf("-corpus %q: want reports or small", kind)
	}
	lo, hi, ok := strings.Cut(pageRange, "-")
	a, err1 := strconv.Atoi(strings.TrimSpace(lo))
	b, err2 := strconv.Atoi(strings.TrimSpace(hi))
	if !ok || err1 != nil || err2 != nil || a < 1 || b < a {
		return c, fmt.Errorf("-report-pages %q: want a range like 10-45", pageRange)
	}
	if reports < 1 {
		return c, fmt.Errorf("-reports %d: want at least 1", reports)
	}
	if cache == "" {
		return c, fmt.Errorf("-cache: no cache folder (set -cache, or HOME or XDG_CACHE_HOME)")
	}
	c.spec = reportSpec{docs: reports, minPages: a, maxPages: b, seed: seed}
	return c, nil
}

// defaultCache is the rendered corpora's default home: the user's cache
// folder, so that a temporary work folder does not take them with it.
func defaultCache() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "zipin-bench")
}

// build makes or finds the corpus and returns its folder and a one-line
// description for the output's header.
func (c queueCorpus) build(root, dir string) (string, string, error) {
	if c.small {
		corpus := filepath.Join(dir, "corpus")
		textPages, err := makeText(root, filepath.Join(corpus, "text"), c.docs, c.pages)
		if err != nil {
			return "", "", err
		}
		nPDF, pdfPages, err := makePDF(root, filepath.Join(corpus, "pdf"), c.pdfCopies)
		if err != nil {
			return "", "", err
		}
		return corpus, fmt.Sprintf("small (worst case): %d documents, %d pages (%d text documents × %d pages, %d copies of the fixture PDFs with %d pages)",
			c.docs+nPDF, textPages+pdfPages, c.docs, c.pages, nPDF, pdfPages), nil
	}
	r, err := reportCorpusDir(root, c.cache, c.spec)
	if err != nil {
		return "", "", err
	}
	how := "rendered"
	if r.cached {
		how = "cached"
	}
	return r.dir, fmt.Sprintf("reports: %d report PDFs, %d pages (%.1f a document; %d–%d drawn with seed %d; %d Chromium, %d LibreOffice), %s in %s",
		r.docs, r.pages, float64(r.pages)/float64(r.docs), c.spec.minPages, c.spec.maxPages, c.spec.seed,
		r.byProducer["chromium"], r.byProducer["libreoffice"], how, r.dir), nil
}

// queueBench runs the -queue mode; see the package comment.
func queueBench(root, dir, zipin, server, out string, qc queueCorpus, counts []int, steady int) error {
	ctx := context.Background()
	corpus, about, err := qc.build(root, dir)
	if err != nil {
		return err
	}
	fmt.Println("corpus:", about)
	args, err := identify(corpus)
	if err != nil {
		return err
	}

	single, cpuSelf, cpuWorkers, err := singleIngest(zipin, filepath.Join(dir, "out-single"), corpus)
	if err != nil {
		return err
	}
	var many *steadyRun
	if steady > 1 {
		if many, err = steadyIngest(zipin, dir, corpus, steady); err != nil {
			return err
		}
	}
	bulkEnq, err := enqueueCost(server, bulkJobs)
	if err != nil {
		return err
	}
	slotOut := filepath.Join(dir, "out-slot")
	if out != "" {
		slotOut = strings.TrimSuffix(out, "/") + fmt.Sprintf("/bench-%d-slot", time.Now().Unix())
	}
	slot, err := perDocument(ctx, zipin, server, slotOut, args)
	if err != nil {
		return err
	}
	var runs []*queueRun
	for _, n := range counts {
		o := filepath.Join(dir, fmt.Sprintf("out-queue-%d", n))
		if out != "" {
			o = strings.TrimSuffix(out, "/") + fmt.Sprintf("/bench-%d-%d", time.Now().Unix(), n)
		}
		r, err := queueImport(zipin, server, o, args, n)
		if err != nil {
			return err
		}
		runs = append(runs, r)
	}

	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	where := "a local folder"
	if out != "" {
		where = out
	}
	fmt.Fprintf(w, "\nzipin %s, %d CPUs, load average %s; queue: PostgreSQL %s, dataset: %s\n",
		strings.TrimSpace(version(zipin)), numCPU(), loadavg(), redactURL(server), where)
	fmt.Fprintf(w, "corpus: %s\n", about)
	fmt.Fprintf(w, "%-40s %6s %6s %8s %8s %10s\n", "run", "docs", "pages", "seconds", "CPU s", "pages/s")
	fmt.Fprintf(w, "%-40s %6d %6d %8.2f %8.2f %10.1f\n", fmt.Sprintf("zipin ingest --jobs %d (one machine)", numCPU()),
		single.docs, single.pages, single.wall.Seconds(), single.cpu.Seconds(), float64(single.pages)/single.wall.Seconds())
	for _, r := range runs {
		fmt.Fprintf(w, "%-40s %6d %6d %8.2f %8.2f %10.1f\n", fmt.Sprintf("%d × zipin worker --jobs 1", r.workers),
			r.docs, r.pages, r.wall.Seconds(), r.cpu.Seconds(), float64(r.pages)/r.wall.Seconds())
	}

	// The queue's cost per document, from the one-slot run: there a
	// document's claim is the only thing between two jobs.
	ext := medianOf(slot.extraction)
	enq := slot.enqueue / time.Duration(max(slot.docs, 1))
	claim, commit, put, rest := medianOf(slot.claim), medianOf(slot.commit), medianOf(slot.put), medianOf(slot.rest)
	fmt.Fprintf(w, "\nper document, one worker slot in this process (medians over %d documents):\n", slot.docs)
	fmt.Fprintf(w, "  extraction (read+extract+analyze, in the child)   %9s\n", ms(ext))
	fmt.Fprintf(w, "  enqueue (Queue.Enqueue of this corpus, 1 insert)  %9s  %5.2f %%\n", ms(enq), pct(enq, ext))
	fmt.Fprintf(w, "  enqueue (Queue.Enqueue of %d jobs, by 500)      %9s  %5.2f %%   (an import's cost per document)\n", bulkJobs, ms(bulkEnq), pct(bulkEnq, ext))
	enq = bulkEnq
	fmt.Fprintf(w, "  claim (previous job committed → this attempted)   %9s  %5.2f %%\n", ms(claim), pct(claim, ext))
	fmt.Fprintf(w, "  queue overhead: enqueue + claim                   %9s  %5.2f %%\n", ms(enq+claim), pct(enq+claim, ext))
	fmt.Fprintf(w, "  record + complete (one transaction), after rows   %9s  %5.2f %%   (rows written → committed; sent while the rows are written)\n", ms(commit), pct(commit, ext))
	fmt.Fprintf(w, "  queue overhead with the catalog record            %9s  %5.2f %%   (goal: under 5 %%)\n", ms(enq+claim+commit), pct(enq+claim+commit, ext))
	fmt.Fprintf(w, "  besides: rows written (Sink.PutDocument)          %9s  %5.2f %%\n", ms(put), pct(put, ext))
	fmt.Fprintf(w, "  besides: child round trip and rows                %9s  %5.2f %%   (attempted → rows written, less extraction)\n", ms(rest), pct(rest, ext))
	fmt.Fprintf(w, "\nsingle-machine ingest, CPU per document: parent %s, workers %s: the parent's is %.1f %% of the workers'\n",
		ms(cpuSelf/time.Duration(max(single.docs, 1))), ms(cpuWorkers/time.Duration(max(single.docs, 1))), pct(cpuSelf, cpuWorkers))
	if many != nil {
		fmt.Fprintf(w, "  %d× the corpus in one import (%d documents): parent %s, workers %s a document: %.1f %%\n",
			many.copies, many.docs, ms(many.self/time.Duration(max(many.docs, 1))), ms(many.workers/time.Duration(max(many.docs, 1))), pct(many.self, many.workers))
		// What the documents beyond the first corpus cost: the run's
		// start-up (migrations, the segmenter, the heap's first growth)
		// is in both runs and drops out. It is what an import of
		// millions of documents pays per document, so it is the ratio
		// that predicts the ceiling on many cores.
		n := time.Duration(max(many.docs-single.docs, 1))
		ds, dw := (many.self-cpuSelf)/n, (many.workers-cpuWorkers)/n
		fmt.Fprintf(w, "  steady state (the extra %d documents' CPU):    parent %s, workers %s a document: %.1f %%   (goal: under 5 %%)\n",
			many.docs-single.docs, ms(ds), ms(dw), pct(ds, dw))
	}
	return nil
}

// steadyRun is one import of several varied copies of a corpus.
type steadyRun struct {
	copies, docs  int
	self, workers time.Duration
}

// steadyIngest imports copies varied copies of every file of corpus at
// once (each copy's bytes differ, so each is a document of its own) and
// returns the CPU of the import process and of its workers.
func steadyIngest(zipin, dir, corpus string, copies int) (*steadyRun, error) {
	many := filepath.Join(dir, "corpus-steady")
	err := filepath.WalkDir(corpus, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(corpus, p)
		if err != nil {
			return err
		}
		for c := 0; c < copies; c++ {
			v := b
			if strings.HasSuffix(p, ".pdf") {
				v = varyPDF(b, 1000+c)
			} else {
				// Trailing blank lines: new bytes, the same text.
				v = append(append([]byte(nil), b...), strings.Repeat("\n", c+1)...)
			}
			dst := filepath.Join(many, fmt.Sprintf("copy%d", c), rel)
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(dst, v, 0o644); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	m, self, workers, err := singleIngest(zipin, filepath.Join(dir, "out-steady"), many)
	if err != nil {
		return nil, err
	}
	return &steadyRun{copies: copies, docs: m.docs, self: self, workers: workers}, nil
}

func numCPU() int { return runtime.NumCPU() }

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/1e6) }

func pct(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

func medianOf(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// bulkJobs is how many jobs enqueueCost inserts: enough for the batches of
// a real import (queue inserts 500 a statement) to dominate one round trip.
const bulkJobs = 2000

// enqueueCost is Queue.Enqueue's cost per job for jobs jobs, in a fresh
// database on server (the jobs name no file; no worker runs).
func enqueueCost(server string, jobs int) (time.Duration, error) {
	ctx := context.Background()
	u, drop, err := freshDatabase(server)
	if err != nil {
		return 0, err
	}
	defer drop()
	q, err := queue.Open(ctx, u)
	if err != nil {
		return 0, err
	}
	defer q.Close()
	args := make([]queue.ExtractArgs, jobs)
	for i := range args {
		id := fmt.Sprintf("%016x%016x%016x%016x", rand.Uint64(), rand.Uint64(), rand.Uint64(), rand.Uint64())
		args[i] = queue.ExtractArgs{Path: "/bench/" + id + ".pdf", DocID: id, Size: 1 << 20}
	}
	if _, err := q.Counts(ctx); err != nil {
		return 0, err
	}
	start := time.Now()
	e, err := q.Enqueue(ctx, args)
	if err != nil {
		return 0, err
	}
	if e.Added != jobs {
		return 0, fmt.Errorf("enqueued %d of %d jobs", e.Added, jobs)
	}
	return time.Since(start) / time.Duration(jobs), nil
}

// identify hashes the corpus's files as `zipin ingest --catalog` does before
// it enqueues them.
func identify(corpus string) ([]queue.ExtractArgs, error) {
	files, problems := pipeline.Collect([]string{corpus})
	if len(problems) > 0 {
		return nil, fmt.Errorf("walking %s: %s: %s", corpus, problems[0].Source, problems[0].Reason)
	}
	docs, err := pipeline.NewDocuments(pipeline.Options{Jobs: 1}, nil)
	if err != nil {
		return nil, err
	}
	defer docs.Close()
	var args []queue.ExtractArgs
	for _, f := range files {
		o, final := docs.Identify(context.Background(), f)
		if final {
			return nil, fmt.Errorf("%s: %s %s", f, o.Status, o.Reason)
		}
		abs, _ := filepath.Abs(f)
		args = append(args, queue.ExtractArgs{Path: abs, DocID: o.DocID, Size: o.Size})
	}
	return args, nil
}

var cpuLine = regexp.MustCompile(`CPU\s+([0-9.]+\w+) \(this process\), ([0-9.hms]+\w*) \(workers\)`)

// singleIngest is `zipin ingest` of corpus on this machine, with the CPU of
// its parent process and of its workers as its summary gives them.
func singleIngest(zipin, out, corpus string) (*measure, time.Duration, time.Duration, error) {
	m, stdout, err := ingestOut(zipin, out, numCPU(), "all", corpus)
	if err != nil {
		return nil, 0, 0, err
	}
	g := cpuLine.FindStringSubmatch(stdout)
	if g == nil {
		return nil, 0, 0, fmt.Errorf("zipin ingest printed no CPU line:\n%s", stdout)
	}
	self, err1 := time.ParseDuration(g[1])
	workers, err2 := time.ParseDuration(g[2])
	if err1 != nil || err2 != nil {
		return nil, 0, 0, fmt.Errorf("zipin ingest's CPU line %q: %v %v", g[0], err1, err2)
	}
	return m, self, workers, nil
}

// queueImport imports the documents args through a fresh queue database on
// server with n `zipin worker` processes (one document at a time each) and
// measures it from River's timestamps and the catalog.
func queueImport(zipin, server, out string, args []queue.ExtractArgs, n int) (*queueRun, error) {
	ctx := context.Background()
	u, q, enqueue, done, err := enqueueFresh(ctx, server, args)
	if err != nil {
		return nil, err
	}
	defer done()
	r := &queueRun{workers: n, docs: len(args), enqueue: enqueue}

	var cmds []*exec.Cmd
	var logs []*bytes.Buffer
	for i := 0; i < n; i++ {
		c := exec.Command(zipin, "worker", "--catalog", u, "--out", out, "--jobs", "1")
		var b bytes.Buffer
		c.Stdout, c.Stderr = &b, &b
		if err := c.Start(); err != nil {
			return nil, err
		}
		cmds, logs = append(cmds, c), append(logs, &b)
	}
	stopAll := func() {
		for _, c := range cmds {
			c.Process.Signal(syscall.SIGTERM)
		}
		for _, c := range cmds {
			c.Wait()
			r.cpu += cpuOf(c.ProcessState)
		}
	}
	for {
		c, err := q.Counts(ctx)
		if err != nil {
			stopAll()
			return nil, err
		}
		if queue.Unfinished(c) == 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	stopAll()

	db := q.DB()
	var first, last time.Time
	if err := db.QueryRow(`SELECT min(attempted_at), max(finalized_at) FROM river_job WHERE kind = $1`, queue.KindExtract).Scan(&first, &last); err != nil {
		return nil, err
	}
	r.wall = last.Sub(first)
	var bad int
	if err := db.QueryRow(`SELECT count(*) FILTER (WHERE state <> 'completed' OR attempt <> 1) FROM river_job WHERE kind = $1`, queue.KindExtract).Scan(&bad); err != nil {
		return nil, err
	}
	if bad > 0 {
		return nil, fmt.Errorf("%d jobs not completed on their first attempt; the workers said:\n%s", bad, tailOf(logs[0].String()))
	}
	rows, err := db.Query(`SELECT j.attempted_at, j.finalized_at, d.pages
		FROM river_job j JOIN documents d ON d.doc_id = j.args->>'doc_id'
		WHERE j.kind = $1`, queue.KindExtract)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var at, fin time.Time
		var pages int
		if err := rows.Scan(&at, &fin, &pages); err != nil {
			return nil, err
		}
		r.pages += pages
		r.work = append(r.work, fin.Sub(at))
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(r.work) != len(args) {
		return nil, fmt.Errorf("%d documents in the catalog, %d enqueued", len(r.work), len(args))
	}
	return r, nil
}

// freshDatabase creates an empty database on server (the URL of any database
// there) and returns its URL and a function that drops it.
func freshDatabase(server string) (string, func(), error) {
	admin, err := sql.Open("pgx", server)
	if err != nil {
		return "", nil, err
	}
	name := fmt.Sprintf("zipin_bench_%016x", rand.Uint64())
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("PostgreSQL %s: %w", redactURL(server), err)
	}
	u, err := url.Parse(server)
	if err != nil {
		admin.Close()
		return "", nil, err
	}
	u.Path = "/" + name
	return u.String(), func() {
		admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
		admin.Close()
	}, nil
}

func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return s
}

func parseCounts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-workers %q: want counts like 1,2,4", s)
		}
		out = append(out, n)
	}
	return out, nil
}

// timedSink is a Sink that notes when each document's rows began and ended
// being written.
type timedSink struct {
	dataset.Sink
	mu         sync.Mutex
	start, end map[string]time.Time
}

func (s *timedSink) PutDocument(ctx context.Context, b *schema.Batch) error {
	start := time.Now()
	err := s.Sink.PutDocument(ctx, b)
	end := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.start[b.Reports[0].DocID], s.end[b.Reports[0].DocID] = start, end
	return err
}

// perDocument imports the documents args through a fresh queue database on
// server with one worker.Worker of one slot in this process — the code of
// zipin worker, its documents extracted in zipin child processes — so
// that the worker's own moments can be timed: when a document's rows were
// written (timedSink) and when its record and job completion committed
// (Worker.Done, called just after). River's finalized_at cannot serve: on
// PostgreSQL the completion is sent while the rows are still being
// written, and stamped then.
func perDocument(ctx context.Context, zipin, server, out string, args []queue.ExtractArgs) (*slotRun, error) {
	u, q, enqueue, done, err := enqueueFresh(ctx, server, args)
	if err != nil {
		return nil, err
	}
	defer done()
	r := &slotRun{docs: len(args), enqueue: enqueue}
	cat, err := catalog.OpenURL(ctx, u)
	if err != nil {
		return nil, err
	}
	defer cat.Close()
	run, err := cat.StartRun(zversion.Extractor, 1)
	if err != nil {
		return nil, err
	}
	// The children are zipin's, as zipin worker's are.
	docs, err := pipeline.NewDocuments(pipeline.Options{Jobs: 1, Retries: -1, WorkerCommand: []string{zipin, "__worker"}}, nil)
	if err != nil {
		return nil, err
	}
	defer docs.Close()
	sink, err := dataset.OpenSink(ctx, out, zversion.Extractor)
	if err != nil {
		return nil, err
	}
	defer sink.Close()
	ts := &timedSink{Sink: sink, start: map[string]time.Time{}, end: map[string]time.Time{}}
	var mu sync.Mutex
	committed := map[string]time.Time{}
	var bad []string
	w := &worker.Worker{Docs: docs, Sinks: []worker.Sink{ts}, Catalog: cat, RunID: run, Jobs: 1, UntilEmpty: true,
		Done: func(o pipeline.Outcome, final bool) {
			now := time.Now()
			mu.Lock()
			defer mu.Unlock()
			committed[o.DocID] = now
			if o.Status != pipeline.StatusOK || !final {
				bad = append(bad, o.Source+": "+string(o.Status)+" "+o.Reason)
			}
		}}
	if err := w.Run(ctx, q); err != nil {
		return nil, err
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("%d documents not done on their first attempt, first %s", len(bad), bad[0])
	}
	rows, err := q.DB().QueryContext(ctx, `SELECT j.args->>'doc_id', j.attempted_at, d.read_ms + d.extract_ms + d.analyze_ms
		FROM river_job j JOIN documents d ON d.doc_id = j.args->>'doc_id'
		WHERE j.kind = $1 ORDER BY j.attempted_at`, queue.KindExtract)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var prev string
	for rows.Next() {
		var id string
		var at time.Time
		var extMS int64
		if err := rows.Scan(&id, &at, &extMS); err != nil {
			return nil, err
		}
		ext := time.Duration(extMS) * time.Millisecond
		r.extraction = append(r.extraction, ext)
		r.put = append(r.put, ts.end[id].Sub(ts.start[id]))
		r.commit = append(r.commit, committed[id].Sub(ts.end[id]))
		r.rest = append(r.rest, ts.end[id].Sub(at)-ext)
		if prev != "" {
			r.claim = append(r.claim, at.Sub(committed[prev]))
		}
		prev = id
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(r.extraction) != len(args) {
		return nil, fmt.Errorf("%d documents in the catalog, %d enqueued", len(r.extraction), len(args))
	}
	return r, nil
}

// enqueueFresh makes a fresh queue database on server, enqueues args in one
// Queue.Enqueue and times that call, after a first connection made
// untimed, as a long-running enqueuer has one (the timer measures
// inserting, not dialling). done closes the queue and drops the database.
func enqueueFresh(ctx context.Context, server string, args []queue.ExtractArgs) (u string, q *queue.Queue, enqueue time.Duration, done func(), err error) {
	u, drop, err := freshDatabase(server)
	if err != nil {
		return "", nil, 0, nil, err
	}
	if q, err = queue.Open(ctx, u); err != nil {
		drop()
		return "", nil, 0, nil, err
	}
	done = func() { q.Close(); drop() }
	if _, err = q.Counts(ctx); err == nil {
		start := time.Now()
		_, err = q.Enqueue(ctx, args)
		enqueue = time.Since(start)
	}
	if err != nil {
		done()
		return "", nil, 0, nil, err
	}
	return u, q, enqueue, done, nil
}
