package main

// -queue: the import spread over `zipin worker` processes (issue 16). On one
// corpus, in one run, it prints pages/s with 1, 2 and 4 worker processes
// against one PostgreSQL queue, the queue's cost per document next to the
// median document's extraction time, and the single-machine ingest's parent
// CPU per document next to its workers'.

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
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver

	"zipin/catalog"
	"zipin/dataset"
	"zipin/pipeline"
	"zipin/queue"
	"zipin/schema"
	zversion "zipin/version"
)

// queueRun is one import through the queue with some worker processes.
type queueRun struct {
	workers    int
	docs       int
	pages      int
	wall       time.Duration // first claim to last completion (River's timestamps)
	cpu        time.Duration // user+sys of the worker processes and their children
	enqueue    time.Duration // the Queue.Enqueue call, all documents
	claim      []time.Duration
	work       []time.Duration // attempted_at to finalized_at of each job
	extraction []time.Duration // read+extract+analyze of each document (catalog)
	rest       []time.Duration // work − extraction: to and from the child, rows, catalog
	put        []time.Duration // Sink.PutDocument of each document, timed again here
	record     []time.Duration // catalog.Record of each document, timed again here
}

// queueBench runs the -queue mode; see the package comment.
func queueBench(root, dir, zipin, server, out string, docs, pages, pdfCopies int, counts []int) error {
	corpus := filepath.Join(dir, "corpus")
	textPages, err := makeText(root, filepath.Join(corpus, "text"), docs, pages)
	if err != nil {
		return err
	}
	nPDF, pdfPages, err := makePDF(root, filepath.Join(corpus, "pdf"), pdfCopies)
	if err != nil {
		return err
	}
	fmt.Printf("corpus: %d documents (%d text documents × %d pages = %d pages, %d PDFs with %d pages)\n",
		docs+nPDF, docs, pages, textPages, nPDF, pdfPages)
	args, err := identify(corpus)
	if err != nil {
		return err
	}

	single, cpuSelf, cpuWorkers, err := singleIngest(zipin, filepath.Join(dir, "out-single"), corpus)
	if err != nil {
		return err
	}
	bulkEnq, err := enqueueCost(server, bulkJobs)
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
	fmt.Fprintf(w, "%-40s %6s %6s %8s %8s %10s\n", "run", "docs", "pages", "seconds", "CPU s", "pages/s")
	fmt.Fprintf(w, "%-40s %6d %6d %8.2f %8.2f %10.1f\n", fmt.Sprintf("zipin ingest --jobs %d (one machine)", numCPU()),
		single.docs, single.pages, single.wall.Seconds(), single.cpu.Seconds(), float64(single.pages)/single.wall.Seconds())
	for _, r := range runs {
		fmt.Fprintf(w, "%-40s %6d %6d %8.2f %8.2f %10.1f\n", fmt.Sprintf("%d × zipin worker --jobs 1", r.workers),
			r.docs, r.pages, r.wall.Seconds(), r.cpu.Seconds(), float64(r.pages)/r.wall.Seconds())
	}

	// The queue's cost per document, from the one-worker run: there a
	// document's claim is the only thing between two jobs.
	r := runs[0]
	ext := medianOf(r.extraction)
	enq := r.enqueue / time.Duration(max(r.docs, 1))
	claim := medianOf(r.claim)
	rest := medianOf(r.rest)
	fmt.Fprintf(w, "\nper document, %d worker process (medians over %d documents):\n", r.workers, r.docs)
	fmt.Fprintf(w, "  extraction (read+extract+analyze, in the child)   %9s\n", ms(ext))
	fmt.Fprintf(w, "  enqueue (Queue.Enqueue of this corpus, 1 insert)  %9s  %5.2f %%\n", ms(enq), pct(enq, ext))
	fmt.Fprintf(w, "  enqueue (Queue.Enqueue of %d jobs, by 500)      %9s  %5.2f %%   (an import's cost per document)\n", bulkJobs, ms(bulkEnq), pct(bulkEnq, ext))
	enq = bulkEnq
	fmt.Fprintf(w, "  claim (previous job finalized → this attempted)   %9s  %5.2f %%\n", ms(claim), pct(claim, ext))
	fmt.Fprintf(w, "  complete (River's batch completer)                    async  (the slot is free at once; the batch is written after)\n")
	fmt.Fprintf(w, "  queue overhead: enqueue + claim + complete        %9s  %5.2f %%   (goal: under 5 %%)\n", ms(enq+claim), pct(enq+claim, ext))
	fmt.Fprintf(w, "  besides: child round trip, rows written, catalog  %9s  %5.2f %%   (attempted → finalized, less extraction)\n", ms(rest), pct(rest, ext))
	put, rec := medianOf(r.put), medianOf(r.record)
	if len(r.put) > 0 {
		fmt.Fprintf(w, "    of which rows written (Sink.PutDocument)        %9s  %5.2f %%   (timed again, same documents)\n", ms(put), pct(put, ext))
		fmt.Fprintf(w, "    of which catalog (catalog.Record)               %9s  %5.2f %%   (timed again, same documents)\n", ms(rec), pct(rec, ext))
	}
	fmt.Fprintf(w, "  queue overhead with the catalog record            %9s  %5.2f %%\n", ms(enq+claim+rec), pct(enq+claim+rec, ext))
	fmt.Fprintf(w, "\nsingle-machine ingest, CPU per document: parent %s, workers %s: the parent's is %.1f %% of the workers'\n",
		ms(cpuSelf/time.Duration(max(single.docs, 1))), ms(cpuWorkers/time.Duration(max(single.docs, 1))), pct(cpuSelf, cpuWorkers))
	return nil
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
	u, drop, err := freshDatabase(server)
	if err != nil {
		return nil, err
	}
	defer drop()
	q, err := queue.Open(ctx, u)
	if err != nil {
		return nil, err
	}
	defer q.Close()
	r := &queueRun{workers: n, docs: len(args)}
	// A connection made first, as a long-running enqueuer has one: the
	// timer measures inserting, not dialling.
	if _, err := q.Counts(ctx); err != nil {
		return nil, err
	}
	start := time.Now()
	if _, err := q.Enqueue(ctx, args); err != nil {
		return nil, err
	}
	r.enqueue = time.Since(start)

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
	rows, err := db.Query(`SELECT j.attempted_by[1], j.attempted_at, j.finalized_at, d.read_ms + d.extract_ms + d.analyze_ms, d.pages
		FROM river_job j JOIN documents d ON d.doc_id = j.args->>'doc_id'
		WHERE j.kind = $1 ORDER BY 1, 2`, queue.KindExtract)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	prev := map[string]time.Time{}
	for rows.Next() {
		var by string
		var at, fin time.Time
		var extMS int64
		var pages int
		if err := rows.Scan(&by, &at, &fin, &extMS, &pages); err != nil {
			return nil, err
		}
		ext := time.Duration(extMS) * time.Millisecond
		r.pages += pages
		r.work = append(r.work, fin.Sub(at))
		r.extraction = append(r.extraction, ext)
		r.rest = append(r.rest, fin.Sub(at)-ext)
		if p, ok := prev[by]; ok {
			r.claim = append(r.claim, at.Sub(p))
		}
		prev[by] = fin
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(r.work) != len(args) {
		return nil, fmt.Errorf("%d documents in the catalog, %d enqueued", len(r.work), len(args))
	}
	if n == 1 {
		if err := r.timeWrites(ctx, u, out); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// timeWrites times again, one document at a time as a worker does, the two
// writes of a job besides extraction: its rows through a Sink (into a fresh
// dataset beside out) and its outcome into the catalog at u (upserting the
// rows the workers wrote).
func (r *queueRun) timeWrites(ctx context.Context, u, out string) error {
	from := out
	if strings.HasPrefix(out, "s3://") {
		return nil // read back from a local folder only
	}
	docs := map[string]*schema.Batch{}
	batch := func(id string) *schema.Batch {
		if docs[id] == nil {
			docs[id] = &schema.Batch{}
		}
		return docs[id]
	}
	reports, err := dataset.ReadTable[schema.Report](from, schema.TableReports)
	if err != nil {
		return err
	}
	for _, x := range reports {
		batch(x.DocID).Reports = append(batch(x.DocID).Reports, x)
	}
	facts, err := dataset.ReadTable[schema.Fact](from, schema.TableFacts)
	if err != nil {
		return err
	}
	for _, x := range facts {
		batch(x.DocID).Facts = append(batch(x.DocID).Facts, x)
	}
	texts, err := dataset.ReadTable[schema.Text](from, schema.TableTexts)
	if err != nil {
		return err
	}
	for _, x := range texts {
		batch(x.DocID).Texts = append(batch(x.DocID).Texts, x)
	}
	projects, err := dataset.ReadTable[schema.Project](from, schema.TableProjects)
	if err != nil {
		return err
	}
	for _, x := range projects {
		batch(x.DocID).Projects = append(batch(x.DocID).Projects, x)
	}
	indicators, err := dataset.ReadTable[schema.Indicator](from, schema.TableIndicators)
	if err != nil {
		return err
	}
	for _, x := range indicators {
		batch(x.DocID).Indicators = append(batch(x.DocID).Indicators, x)
	}
	sink, err := dataset.OpenSink(ctx, out+"-again", zversion.Extractor)
	if err != nil {
		return err
	}
	defer sink.Close()
	cat, err := catalog.OpenURL(ctx, u)
	if err != nil {
		return err
	}
	defer cat.Close()
	run, err := cat.StartRun(zversion.Extractor, 1)
	if err != nil {
		return err
	}
	for id, b := range docs {
		if len(b.Reports) != 1 {
			continue
		}
		start := time.Now()
		if err := sink.PutDocument(ctx, b); err != nil {
			return err
		}
		r.put = append(r.put, time.Since(start))
		rep := b.Reports[0]
		d := catalog.Doc{DocID: id, Source: rep.Source, Size: rep.Bytes, Format: rep.Format, Status: catalog.StatusOK,
			ExtractorVersion: zversion.Extractor, Pages: int(rep.Pages), Facts: len(b.Facts)}
		start = time.Now()
		if err := cat.Record(run, []catalog.Doc{d}, nil); err != nil {
			return err
		}
		r.record = append(r.record, time.Since(start))
	}
	return nil
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
