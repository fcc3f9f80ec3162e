// Package queue spreads an import over processes and machines: each document
// is one job in a River queue (github.com/riverqueue/river) in PostgreSQL
// (many machines) or SQLite (one machine, nothing to install). An enqueuer
// (zipin ingest --catalog) adds one job per document, unique per doc_id; any
// number of workers (zipin worker) claim jobs, extract each document in an
// isolated child process (pipeline.Documents), write its rows through a Sink,
// then record it in the catalog and complete the job in one transaction
// (package queue/worker, catalog.Catalog.RecordWith). docs/scale-out.md
// tells the job's life and what happens on each failure.
//
// River, not code of ours, does the distributed part: claiming (FOR UPDATE
// SKIP LOCKED), retries with backoff, and rescuing the jobs of a worker that
// died (RescueStuckJobsAfter). Writes are idempotent per doc_id, so a job
// done twice (a worker killed after writing, before completing) leaves the
// document once in the dataset.
package queue

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"zipin/catalog"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"
)

// KindExtract is the River job kind of one document's extraction.
const KindExtract = "zipin_extract"

// DefaultMaxAttempts is how many times a job is tried (a worker process
// killed mid-document, its child killed from outside, an I/O error) before
// River discards it and the document counts as quarantined. Small: a
// document that kills three workers is a poison document.
const DefaultMaxAttempts = 3

// ExtractArgs are the arguments of a KindExtract job: one document.
type ExtractArgs struct {
	// Path is the input file; every worker must see it at this path (a
	// shared or copied file tree).
	Path string `json:"path"`
	// DocID is the hex SHA-256 of the file's bytes (pipeline.DocID); a job
	// is unique per DocID, so enqueuing the same bytes twice adds one job.
	DocID string `json:"doc_id" river:"unique"`
	// Size is the file's size in bytes when it was enqueued.
	Size int64 `json:"size"`
	// SourceURL is where the harvester fetched it, for its rows.
	SourceURL string `json:"source_url,omitempty"`
}

// Kind is KindExtract.
func (ExtractArgs) Kind() string { return KindExtract }

// InsertOpts makes a job unique by doc_id among the jobs not finished
// (waiting, running or to be retried). A finished job does not block a new
// one: whether a document is done is the dataset's to say (the enqueuer
// asks Sink.Has), not River's, which forgets completed jobs after a while;
// and --force must be able to enqueue a document again.
func (ExtractArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: DefaultMaxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: unfinished}}
}

// unfinished are the states of a job not yet done with.
var unfinished = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
	rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled}

// client is what this package uses of a river.Client, whatever its driver's
// transaction type (pgx.Tx for PostgreSQL, *sql.Tx for SQLite).
type client interface {
	InsertMany(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
	JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
	ID() string
}

// Queue is an open job queue: River's tables in a PostgreSQL or SQLite
// database, migrated to the River version zipin is built with.
type Queue struct {
	// URL is the database as given to Open, for messages.
	URL string
	// Postgres says which database it is (PostgreSQL or SQLite).
	Postgres bool
	db       *sql.DB // for this package's own queries (Counts)
	pool     *pgxpool.Pool
	// newClient makes a River client on this queue's driver.
	newClient func(cfg *river.Config) (client, error)
	// newAloneClient, on SQLite, makes a River client that its queue's
	// jobs reach from this process only (aloneDriver); nil on PostgreSQL.
	newAloneClient func(cfg *river.Config) (client, error)
	insert         client // an insert-only client
}

// Open opens the queue at url — postgres://… or postgresql://… (a pgx
// connection string), or sqlite:PATH or a bare file path (created if
// missing; a folder means its _catalog.sqlite), the forms catalog.OpenURL
// takes, since the queue lives in the catalog's database — and runs River's migrations on it (idempotent; concurrent
// openers wait for each other). Close it when done.
func Open(ctx context.Context, url string) (*Queue, error) {
	q := &Queue{URL: url}
	var err error
	if driver, target := catalog.ParseURL(url); driver == "postgres" {
		err = q.openPostgres(ctx, target)
	} else {
		err = q.openSQLite(ctx, target)
	}
	if err != nil {
		q.Close()
		return nil, fmt.Errorf("queue %s: %w", redact(url), err)
	}
	if q.insert, err = q.newClient(&river.Config{}); err != nil {
		q.Close()
		return nil, fmt.Errorf("queue %s: %w", redact(url), err)
	}
	return q, nil
}

// migrationLock is the advisory lock key that serialises River's
// migrations among workers starting at once ("zipin" in ASCII).
const migrationLock = 0x7a6970696e

func (q *Queue) openPostgres(ctx context.Context, url string) error {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return err
	}
	q.pool, q.Postgres = pool, true
	q.db = stdlib.OpenDBFromPool(pool)
	drv := riverpgxv5.New(pool)
	q.newClient = func(cfg *river.Config) (client, error) { return river.NewClient(drv, cfg) }
	m, err := rivermigrate.New(drv, nil)
	if err != nil {
		return err
	}
	// Not one transaction: a River migration adds an enum value that a
	// later one uses, which PostgreSQL refuses within one transaction. A
	// session lock held on one connection while Migrate runs on others.
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(migrationLock)); err != nil {
		return err
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(migrationLock))
	_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	return err
}

func (q *Queue) openSQLite(ctx context.Context, path string) error {
	if path == "" {
		return errors.New("no SQLite file named (sqlite:PATH)")
	}
	// One connection, as River's SQLite driver asks (SQLite runs one
	// writer at a time); immediate transactions take the write lock at
	// BEGIN, so two processes never both read a version and both migrate.
	// Its statements stay prepared (stmtCacheConn): River's queries are a
	// few fixed texts it runs for every job.
	db := sql.OpenDB(stmtCacheConnector{dsn: "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate"})
	db.SetMaxOpenConns(1)
	q.db = db
	drv := riversqlite.New(db)
	q.newClient = func(cfg *river.Config) (client, error) { return river.NewClient(drv, cfg) }
	q.newAloneClient = func(cfg *river.Config) (client, error) { return river.NewClient(aloneDriver{drv}, cfg) }
	m, err := rivermigrate.New(drv, nil)
	if err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := m.MigrateTx(ctx, tx, rivermigrate.DirectionUp, nil); err != nil {
		return err
	}
	return tx.Commit()
}

// Close releases the database connections.
func (q *Queue) Close() error {
	var err error
	if q.db != nil {
		err = q.db.Close()
	}
	if q.pool != nil {
		q.pool.Close()
	}
	return err
}

// DB is the queue's database, for readers of River's tables (zipin status).
func (q *Queue) DB() *sql.DB { return q.db }

// Enqueued is what Enqueue did with the documents it was given.
type Enqueued struct {
	Added      int // new jobs
	Duplicates int // a job for the doc_id is waiting or running already
}

// insertBatch bounds one InsertMany: one statement, one round trip.
const insertBatch = 500

// Enqueue adds one job per document, skipping (as Duplicates) those whose
// doc_id has a job waiting or running already.
func (q *Queue) Enqueue(ctx context.Context, docs []ExtractArgs) (Enqueued, error) {
	return q.enqueue(ctx, q.insert, nil, docs)
}

// enqueue is Enqueue through client c, in InsertMany batches, with opts
// (nil: ExtractArgs.InsertOpts).
func (q *Queue) enqueue(ctx context.Context, c client, opts *river.InsertOpts, docs []ExtractArgs) (Enqueued, error) {
	var e Enqueued
	seen := map[string]bool{}
	for len(docs) > 0 {
		n := min(len(docs), insertBatch)
		params := make([]river.InsertManyParams, 0, n)
		for _, d := range docs[:n] {
			// River refuses a batch holding one unique key twice.
			if seen[d.DocID] {
				e.Duplicates++
				continue
			}
			seen[d.DocID] = true
			params = append(params, river.InsertManyParams{Args: d, InsertOpts: opts})
		}
		docs = docs[n:]
		if len(params) == 0 {
			continue
		}
		res, err := c.InsertMany(ctx, params)
		if err != nil {
			return e, fmt.Errorf("queue %s: enqueuing: %w", redact(q.URL), err)
		}
		for _, r := range res {
			if r.UniqueSkippedAsDuplicate {
				e.Duplicates++
			} else {
				e.Added++
			}
		}
	}
	return e, nil
}

// Counts is the number of KindExtract jobs in each River state
// (rivertype.JobState values: available, scheduled, pending, running,
// retryable, completed, discarded, cancelled).
func (q *Queue) Counts(ctx context.Context) (map[rivertype.JobState]int, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT state, count(*) FROM river_job WHERE kind = '`+KindExtract+`' GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("queue %s: %w", redact(q.URL), err)
	}
	defer rows.Close()
	out := map[rivertype.JobState]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("queue %s: %w", redact(q.URL), err)
		}
		out[rivertype.JobState(s)] = n
	}
	return out, rows.Err()
}

// Busy says whether any KindExtract job is waiting or running. Unlike
// Counts, it stops at the first such job (River's fetch index is on state),
// so it is cheap to ask often of a table holding millions of finished jobs.
func (q *Queue) Busy(ctx context.Context) (bool, error) {
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM river_job WHERE state IN ('available', 'pending', 'retryable', 'running', 'scheduled') AND kind = '`+KindExtract+`' LIMIT 1) AS busy`).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("queue %s: %w", redact(q.URL), err)
	}
	return n > 0, nil
}

// Unfinished is the number of jobs not yet in a final state: waiting
// (available, scheduled, pending, retryable) or running.
func Unfinished(c map[rivertype.JobState]int) int {
	n := 0
	for _, s := range unfinished {
		n += c[s]
	}
	return n
}

// Job is one KindExtract job as River holds it.
type Job struct {
	ID       int64
	State    rivertype.JobState
	Args     ExtractArgs
	Attempt  int
	Worker   string   // the client that took the last attempt ("" before any)
	Errors   []string // the error of each failed attempt, oldest first
	Attempts time.Time
}

// Jobs lists up to limit KindExtract jobs in the given states, oldest first.
func (q *Queue) Jobs(ctx context.Context, limit int, states ...rivertype.JobState) ([]Job, error) {
	p := river.NewJobListParams().Kinds(KindExtract).States(states...).First(limit).OrderBy(river.JobListOrderByID, river.SortOrderAsc)
	res, err := q.insert.JobList(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("queue %s: %w", redact(q.URL), err)
	}
	out := make([]Job, 0, len(res.Jobs))
	for _, r := range res.Jobs {
		j, err := jobOf(r)
		if err != nil {
			return nil, fmt.Errorf("queue %s: %w", redact(q.URL), err)
		}
		out = append(out, j)
	}
	return out, nil
}

func jobOf(r *rivertype.JobRow) (Job, error) {
	j := Job{ID: r.ID, State: r.State, Attempt: r.Attempt}
	if err := json.Unmarshal(r.EncodedArgs, &j.Args); err != nil {
		return j, fmt.Errorf("job %d: %w", r.ID, err)
	}
	if n := len(r.AttemptedBy); n > 0 {
		j.Worker = r.AttemptedBy[n-1]
	}
	if r.AttemptedAt != nil {
		j.Attempts = *r.AttemptedAt
	}
	for _, e := range r.Errors {
		j.Errors = append(j.Errors, e.Error)
	}
	return j, nil
}

// WorkerID is the name this process's River client goes by, host-pid: it
// is what river_job.attempted_by lists, so zipin status can say which
// worker holds which document.
func WorkerID() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	return fmt.Sprintf("%s-%d", host, os.Getpid())
}

// redact hides a password in a database URL for messages.
func redact(url string) string {
	at := strings.LastIndex(url, "@")
	scheme := strings.Index(url, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return url
	}
	cred := url[scheme+3 : at]
	if i := strings.Index(cred, ":"); i >= 0 {
		return url[:scheme+3] + cred[:i] + ":***" + url[at:]
	}
	return url
}

// aloneDriver is River's SQLite driver for a client whose queue no other
// process inserts into or works: the import of one machine's LocalQueue,
// under its dataset's lock. Saying it has no listener makes River wake the
// client's fetcher itself when the client inserts (Client.Enqueue) instead
// of writing a notification row per insert and polling the notification
// table every 50 ms — a poll that cost the import's parent process about 6 %
// of its CPU on 100 reports. Its periodic fetch (River's FetchPollInterval)
// and leader election poll as they would without a listener.
type aloneDriver struct {
	riverdriver.Driver[*sql.Tx]
}

func (aloneDriver) SupportsListener() bool     { return false }
func (aloneDriver) SupportsListenNotify() bool { return false }
