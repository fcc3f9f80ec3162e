package main

// The tests of issue 16 that prove the import spread over processes: three
// `zipin worker` processes against one PostgreSQL and one S3 server with one
// worker killed mid-document, and a PostgreSQL server restarted under
// running workers. Each ends with the dataset compared row for row with a
// single-machine `zipin ingest` of the same corpus.

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"zipin/dataset"
	"zipin/internal/testenv"
	"zipin/schema"
)

// scaleFixtures are the fixtures the scale-out corpus is made of: PDFs of
// several producers (Chromium, LibreOffice, Ghostscript, cairo; tables,
// columns, page breaks) and UTF-8 text reports, all readable.
var scaleFixtures = []string{
	"pdf/report-chromium.pdf", "pdf/report-libreoffice.pdf", "pdf/table-libreoffice.pdf",
	"pdf/table-chromium.pdf", "pdf/table-gs.pdf", "pdf/table-cairo.pdf", "pdf/wrap-chromium.pdf",
	"pdf/longtable-chromium.pdf", "pdf/pagebreak-libreoffice.pdf", "pdf/twocol-chromium.pdf",
	"text/report-utf8.txt", "text/table-cells.txt", "text/varied/department-report.txt",
	"text/varied/project-report.txt", "text/varied/township-project.txt",
}

// scaleCorpus writes copies copies of each scale fixture into a new folder,
// each varied so it has its own doc_id — a PDF gets a comment line before its
// final %%EOF (the cross-reference offsets all point earlier), a text a
// closing line — plus one file that is no report (quarantined). The
// variations come from a seeded generator whose seed is logged. It returns
// the folder (absolute) and the number of files.
func scaleCorpus(t *testing.T, copies int) (string, int) {
	t.Helper()
	seed := rand.Uint64()
	t.Logf("corpus seed %#x", seed)
	r := rand.New(rand.NewPCG(seed, 1))
	dir := filepath.Join(t.TempDir(), "corpus")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	root := testenv.Root(t)
	n := 0
	for _, f := range scaleFixtures {
		b, err := os.ReadFile(filepath.Join(root, "testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		ext := filepath.Ext(f)
		for c := 0; c < copies; c++ {
			mark := fmt.Sprintf("%08x", r.Uint32())
			var v []byte
			if ext == ".pdf" {
				i := bytes.LastIndex(b, []byte("%%EOF"))
				v = append(append(append([]byte(nil), b[:i]...), "% zipin scale-out copy "+mark+"\n"...), b[i:]...)
			} else {
				v = append(append([]byte(nil), b...), "\n（副本 "+mark+"）\n"...)
			}
			name := fmt.Sprintf("%s-%d%s", strings.TrimSuffix(filepath.Base(f), ext), c, ext)
			if err := os.WriteFile(filepath.Join(dir, name), v, 0o644); err != nil {
				t.Fatal(err)
			}
			n++
		}
	}
	bad, err := os.ReadFile(filepath.Join(root, "testdata", "text", "bad", "not-text.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "not-text.txt"), bad, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, n + 1
}

// singleMachine is `zipin ingest` of corpus into a new local folder, the
// dataset a spread-out import must equal.
func singleMachine(t *testing.T, corpus string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "single")
	stdout, stderr, code := run(t, "ingest", "--out", out, "--jobs", "2", "--progress", "none", corpus)
	// 1: the file that is no report is quarantined.
	if code != 1 || !strings.Contains(stderr, "not-text.txt") {
		t.Fatalf("single-machine ingest: exit %d, want 1 (one quarantined)\n%s%s", code, stdout, stderr)
	}
	return out
}

// tableRows reads one table of the dataset at dir as one JSON line per row,
// sorted, with the wall-clock columns (time.Time fields: extracted_at)
// zeroed: two imports of the same files differ only there.
func tableRows[T any](t *testing.T, dir, table string) []string {
	t.Helper()
	rows, err := dataset.ReadTable[T](dir, table)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(rows))
	for i := range rows {
		v := reflect.ValueOf(&rows[i]).Elem()
		for f := 0; f < v.NumField(); f++ {
			if v.Field(f).Type() == reflect.TypeOf(time.Time{}) {
				v.Field(f).Set(reflect.Zero(v.Field(f).Type()))
			}
		}
		b, err := json.Marshal(rows[i])
		if err != nil {
			t.Fatal(err)
		}
		out[i] = string(b)
	}
	sort.Strings(out)
	return out
}

// sameDataset checks that the datasets at got and want hold the same rows
// in every table, all columns but the wall-clock ones, and that each
// document is in reports once.
func sameDataset(t *testing.T, got, want string) {
	t.Helper()
	compare := func(table string, g, w []string) {
		if len(w) == 0 {
			t.Errorf("%s: the single-machine dataset has no rows", table)
		}
		if len(g) != len(w) {
			t.Errorf("%s: %d rows, the single-machine dataset %d", table, len(g), len(w))
		}
		shown := 0
		for i := 0; i < min(len(g), len(w)) && shown < 3; i++ {
			if g[i] != w[i] {
				t.Errorf("%s: row %d differs:\n got %.600s\nwant %.600s", table, i, g[i], w[i])
				shown++
			}
		}
	}
	compare(schema.TableReports, tableRows[schema.Report](t, got, schema.TableReports), tableRows[schema.Report](t, want, schema.TableReports))
	compare(schema.TableFacts, tableRows[schema.Fact](t, got, schema.TableFacts), tableRows[schema.Fact](t, want, schema.TableFacts))
	compare(schema.TableTexts, tableRows[schema.Text](t, got, schema.TableTexts), tableRows[schema.Text](t, want, schema.TableTexts))
	compare(schema.TableProjects, tableRows[schema.Project](t, got, schema.TableProjects), tableRows[schema.Project](t, want, schema.TableProjects))
	compare(schema.TableIndicators, tableRows[schema.Indicator](t, got, schema.TableIndicators), tableRows[schema.Indicator](t, want, schema.TableIndicators))
	for id, n := range docsIn(t, got) {
		if n != 1 {
			t.Errorf("document %s has %d reports rows, want 1", id, n)
		}
	}
}

// download copies every object under s3://bucket/prefix/ into a new local
// folder, keys relative to the prefix, so the dataset reader reads it.
func download(t *testing.T, s3 *testenv.S3Server, prefix string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "from-s3")
	ctx := context.Background()
	n := 0
	for o := range s3.Client.ListObjects(ctx, s3.Bucket, minio.ListObjectsOptions{Prefix: prefix + "/", Recursive: true}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		if err := s3.Client.FGetObject(ctx, s3.Bucket, o.Key, filepath.Join(dir, strings.TrimPrefix(o.Key, prefix+"/")), minio.GetObjectOptions{}); err != nil {
			t.Fatal(err)
		}
		n++
	}
	t.Logf("downloaded %d objects from s3://%s/%s", n, s3.Bucket, prefix)
	return dir
}

// job is one row of river_job as these tests check it.
type job struct {
	ID          int64
	State       string
	Attempt     int
	AttemptedBy []string
	DocID       string
}

// riverJobs reads every zipin_extract job of the queue database db.
func riverJobs(db *sql.DB) ([]job, error) {
	rows, err := db.Query(`SELECT id, state, attempt, coalesce(array_to_string(attempted_by, ' '), ''), args->>'doc_id'
		FROM river_job WHERE kind = 'zipin_extract' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []job
	for rows.Next() {
		var j job
		var by string
		if err := rows.Scan(&j.ID, &j.State, &j.Attempt, &by, &j.DocID); err != nil {
			return nil, err
		}
		j.AttemptedBy = strings.Fields(by)
		out = append(out, j)
	}
	return out, rows.Err()
}

// workerProc is a `zipin worker` process started by a test, its stderr in a
// file (read once it has exited).
type workerProc struct {
	cmd    *exec.Cmd
	id     string // its River client id, HOST-PID (queue.WorkerID)
	log    string
	exited chan struct{}
	err    error
}

func startWorkerProc(t *testing.T, name string, args ...string) *workerProc {
	t.Helper()
	w := &workerProc{log: filepath.Join(t.TempDir(), name+".log"), exited: make(chan struct{})}
	f, err := os.Create(w.log)
	if err != nil {
		t.Fatal(err)
	}
	w.cmd = exec.Command(zipinBin, append([]string{"worker"}, args...)...)
	w.cmd.Env = append(os.Environ(), asZipin+"=1")
	w.cmd.Stdout, w.cmd.Stderr = f, f
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	host, _ := os.Hostname()
	if host == "" {
		host = "localhost"
	}
	w.id = fmt.Sprintf("%s-%d", host, w.cmd.Process.Pid)
	go func() { w.err = w.cmd.Wait(); close(w.exited) }()
	t.Cleanup(func() {
		select {
		case <-w.exited:
		default:
			w.cmd.Process.Kill()
			<-w.exited
		}
	})
	return w
}

func (w *workerProc) alive() bool {
	select {
	case <-w.exited:
		return false
	default:
		return true
	}
}

func (w *workerProc) output() string {
	b, _ := os.ReadFile(w.log)
	return string(b)
}

// stop sends SIGTERM and checks the worker exits 0.
func (w *workerProc) stop(t *testing.T) {
	t.Helper()
	if err := w.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Errorf("worker %s: %v", w.id, err)
	}
	<-w.exited
	if w.err != nil {
		t.Errorf("worker %s, stopped by SIGTERM: %v, want exit status 0\n%s", w.id, w.err, w.output())
	}
}

// waitFor polls f until it says true; limit only keeps a broken run from
// hanging the test (ZIPIN_TEST_LIMIT overrides it on a slow machine).
func waitFor(t *testing.T, what string, limit time.Duration, f func() bool) {
	t.Helper()
	if d, err := time.ParseDuration(os.Getenv("ZIPIN_TEST_LIMIT")); err == nil {
		limit = d
	}
	deadline := time.Now().Add(limit)
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %s waiting for %s", limit, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// allFinal says whether every one of n jobs is completed, and logs the
// states when they change.
func allFinal(t *testing.T, db *sql.DB, n int, last *string) bool {
	jobs, err := riverJobs(db)
	if err != nil {
		// The server restarting: asked again.
		return false
	}
	states := map[string]int{}
	for _, j := range jobs {
		states[j.State]++
	}
	if s := fmt.Sprint(states); s != *last {
		t.Logf("jobs: %s", s)
		*last = s
	}
	return len(jobs) == n && states["completed"] == n
}

// finish waits until every one of the n jobs has completed, failing if a
// worker of ws exits meanwhile, then stops the workers (SIGTERM, exit 0) and
// returns the jobs, checking there is one per document.
func finish(t *testing.T, db *sql.DB, n int, ws []*workerProc) []job {
	t.Helper()
	var last string
	waitFor(t, "every job to complete", 8*time.Minute, func() bool {
		for _, w := range ws {
			if !w.alive() {
				t.Fatalf("worker %s exited: %v\n%s", w.id, w.err, w.output())
			}
		}
		return allFinal(t, db, n, &last)
	})
	for _, w := range ws {
		w.stop(t)
	}
	jobs, err := riverJobs(db)
	if err != nil {
		t.Fatal(err)
	}
	byDoc := map[string]int{}
	for _, j := range jobs {
		byDoc[j.DocID]++
	}
	if len(jobs) != n || len(byDoc) != n {
		t.Errorf("%d jobs for %d documents, want %d of each", len(jobs), len(byDoc), n)
	}
	return jobs
}

func openDB(t *testing.T, u string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// enqueueOnly fills the queue at u with the corpus, as an operator would.
func enqueueOnly(t *testing.T, u, out, corpus string, n int) {
	t.Helper()
	stdout, stderr, code := run(t, "ingest", "--catalog", u, "--out", out, "--enqueue-only", corpus)
	if code != 0 || !strings.Contains(stdout, fmt.Sprintf("queue:     %d enqueued, 0 already queued", n)) {
		t.Fatalf("ingest --enqueue-only: exit %d\n%s%s", code, stdout, stderr)
	}
}

// Three workers, each its own process, share one PostgreSQL queue and one S3
// bucket; one is killed with SIGKILL while it holds a document. River's
// rescuer hands that job to another worker, and the dataset ends up equal,
// row for row, to a single-machine import: no document lost, none twice.
func TestThreeWorkersOneKilled(t *testing.T) {
	testenv.Slow(t, "three worker processes on PDFs, and River's rescuer after a SIGKILL")
	u := testenv.PostgreSQL(t)
	s3 := testenv.S3(t)
	corpus, n := scaleCorpus(t, 2)
	want := singleMachine(t, corpus)
	out := s3.URL("ds")
	enqueueOnly(t, u, out, corpus, n)
	db := openDB(t, u)

	// --timeout leaves a loaded machine room (a document cut short here but
	// not in the single-machine run would differ); --rescue-after exceeds it,
	// as the command requires, and is short so the test is not kept waiting.
	flags := []string{"--catalog", u, "--out", out, "--jobs", "1", "--timeout", "60s", "--rescue-after", "70s"}
	var ws []*workerProc
	for i := 0; i < 3; i++ {
		ws = append(ws, startWorkerProc(t, fmt.Sprintf("worker%d", i), flags...))
	}
	victim := ws[0]
	// Decided by what happened: the victim holds a job (river_job says
	// running, its last attempt the victim's). Stopped first (SIGSTOP), the
	// victim cannot finish the job between our look and the kill; if it had
	// already, it goes on and we wait for its next.
	var killed job
	holding := func() (job, bool) {
		jobs, err := riverJobs(db)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range jobs {
			if j.State == "running" && len(j.AttemptedBy) > 0 && j.AttemptedBy[len(j.AttemptedBy)-1] == victim.id {
				return j, true
			}
		}
		return job{}, false
	}
	waitFor(t, "the victim to hold a document", 5*time.Minute, func() bool {
		if !victim.alive() {
			t.Fatalf("worker %s exited:\n%s", victim.id, victim.output())
		}
		if _, ok := holding(); !ok {
			return false
		}
		victim.cmd.Process.Signal(syscall.SIGSTOP)
		j, ok := holding()
		if !ok {
			victim.cmd.Process.Signal(syscall.SIGCONT)
			return false
		}
		if err := victim.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		<-victim.exited
		killed = j
		return true
	})
	t.Logf("killed worker %s holding job %d (doc %s)", victim.id, killed.ID, killed.DocID)

	// Every job completed once: the killed one on its second attempt, by
	// another worker; every other on its first.
	jobs := finish(t, db, n, ws[1:])
	for _, j := range jobs {
		wantAttempt := 1
		if j.ID == killed.ID {
			wantAttempt = 2
			if len(j.AttemptedBy) != 2 || j.AttemptedBy[0] != victim.id || j.AttemptedBy[1] == victim.id {
				t.Errorf("the killed job was attempted by %v, want %s then another worker", j.AttemptedBy, victim.id)
			}
		}
		if j.State != "completed" || j.Attempt != wantAttempt {
			t.Errorf("job %d (doc %s): %s on attempt %d by %v, want completed on attempt %d", j.ID, j.DocID, j.State, j.Attempt, j.AttemptedBy, wantAttempt)
		}
	}
	got := download(t, s3, "ds")
	sameDataset(t, got, want)
	if len(docsIn(t, got)) != n-1 {
		t.Errorf("the dataset holds %d documents, want %d (all but the one that is no report)", len(docsIn(t, got)), n-1)
	}
}

// privatePostgres is a PostgreSQL server of the test's own, which it may stop
// and start (the machine's shared server serves other tests meanwhile):
// initdb into a temporary folder, listening on a free loopback port with its
// socket in that folder. PostgreSQL refuses to run as root; as root the
// server runs as the postgres user. Skipped with the reason when that cannot
// be arranged (no PostgreSQL 15 binaries, root without a postgres user).
type privatePostgres struct {
	bin, data, log string
	port           int
	opts           string   // the server's options: port, socket folder, loopback only
	asUser         []string // runuser -u postgres --, as root
}

func newPrivatePostgres(t *testing.T) *privatePostgres {
	t.Helper()
	p := &privatePostgres{bin: "/usr/lib/postgresql/15/bin"}
	if d := os.Getenv("ZIPIN_PG_BIN"); d != "" {
		p.bin = d
	}
	if _, err := os.Stat(filepath.Join(p.bin, "initdb")); err != nil {
		t.Skipf("no PostgreSQL server binaries to start a private server: %v (set ZIPIN_PG_BIN)", err)
	}
	dir, err := os.MkdirTemp("", "zipin-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skipf("running as root, and no postgres user to run a private PostgreSQL server as: %v", err)
		}
		runuser, err := exec.LookPath("runuser")
		if err != nil {
			t.Skipf("running as root, and no runuser to start PostgreSQL as postgres: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		p.asUser = []string{runuser, "-u", "postgres", "--"}
	}
	p.data, p.log = filepath.Join(dir, "data"), filepath.Join(dir, "log")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	p.pg(t, "initdb", "-D", p.data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
	p.opts = fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", p.port, dir)
	p.start(t)
	t.Cleanup(func() {
		c := p.cmd("pg_ctl", "-D", p.data, "-m", "immediate", "-w", "stop")
		exec.Command(c[0], c[1:]...).Run()
	})
	t.Logf("private PostgreSQL on 127.0.0.1:%d, data %s", p.port, p.data)
	return p
}

func (p *privatePostgres) cmd(tool string, args ...string) []string {
	return append(append(append([]string(nil), p.asUser...), filepath.Join(p.bin, tool)), args...)
}

func (p *privatePostgres) pg(t *testing.T, tool string, args ...string) {
	t.Helper()
	c := p.cmd(tool, args...)
	if out, err := exec.Command(c[0], c[1:]...).CombinedOutput(); err != nil {
		log, _ := os.ReadFile(p.log)
		t.Fatalf("%s: %v\n%s\n%s", strings.Join(c, " "), err, out, log)
	}
}

// start starts the server and returns once it accepts connections.
func (p *privatePostgres) start(t *testing.T) {
	t.Helper()
	p.pg(t, "pg_ctl", "-D", p.data, "-l", p.log, "-w", "-o", p.opts, "start")
}

// stop stops the server as an operator's restart does: "fast" ends every
// session, rolling back what was in flight.
func (p *privatePostgres) stop(t *testing.T) {
	t.Helper()
	p.pg(t, "pg_ctl", "-D", p.data, "-m", "fast", "-w", "stop")
}

func (p *privatePostgres) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=10", p.port)
}

// The PostgreSQL server restarts while workers run: they wait for it and
// resume, and the dataset is still exactly the single-machine one.
func TestPostgresRestartMidRun(t *testing.T) {
	testenv.Slow(t, "a private PostgreSQL server stopped and started under two worker processes")
	pg := newPrivatePostgres(t)
	u := pg.url()
	corpus, n := scaleCorpus(t, 2)
	want := singleMachine(t, corpus)
	out := filepath.Join(t.TempDir(), "shared")
	enqueueOnly(t, u, out, corpus, n)
	db := openDB(t, u)

	flags := []string{"--catalog", u, "--out", out, "--jobs", "1", "--timeout", "60s", "--rescue-after", "70s"}
	ws := []*workerProc{startWorkerProc(t, "worker0", flags...), startWorkerProc(t, "worker1", flags...)}
	// Decided by what happened: a third of the documents done.
	waitFor(t, "a third of the jobs to complete", 5*time.Minute, func() bool {
		var done int
		if err := db.QueryRow(`SELECT count(*) FROM river_job WHERE state = 'completed'`).Scan(&done); err != nil {
			t.Fatal(err)
		}
		return done >= n/3
	})
	pg.stop(t)
	t.Logf("PostgreSQL stopped")
	// The server stays down until each worker has tried to reach it and
	// been refused (River logs each failed call and tries again); the
	// workers stay up meanwhile.
	sizes := make([]int, len(ws))
	for i, w := range ws {
		sizes[i] = len(w.output())
	}
	waitFor(t, "each worker to be refused by the stopped server", 3*time.Minute, func() bool {
		for i, w := range ws {
			if !w.alive() {
				t.Fatalf("worker %s exited while PostgreSQL was down: %v\n%s", w.id, w.err, w.output())
			}
			if !strings.Contains(w.output()[sizes[i]:], "connection refused") {
				return false
			}
		}
		return true
	})
	pg.start(t)
	t.Logf("PostgreSQL started again")

	for _, j := range finish(t, db, n, ws) {
		if j.Attempt > 1 {
			t.Logf("job %d (doc %s) took %d attempts (%v): its end fell in the outage", j.ID, j.DocID, j.Attempt, j.AttemptedBy)
		}
	}
	for _, w := range ws {
		t.Logf("worker %s said:\n%s", w.id, w.output())
	}
	sameDataset(t, out, want)
}
