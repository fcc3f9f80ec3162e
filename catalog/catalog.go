// Package catalog keeps the ingest catalog: a database that records, for
// each document, what happened to it (ok, quarantined, failed), why, with
// which extractor version, how long it took and which dataset files hold its
// rows; plus a cache of input paths (path, size, mtime → doc_id) so a re-run
// need not re-hash unchanged files, and one row per run with its counters.
//
// On one machine it is an embedded SQLite file, DIR/_catalog.sqlite (Open);
// for workers on many machines it is a PostgreSQL database that they all
// write (OpenURL). The schema is written once and migrated the same way on
// both (migrate.go); what differs between them is in one table (dialect.go).
//
// The dataset, not the catalog, is the truth about which rows exist: a crash
// can fall between a dataset commit and the catalog update that follows it,
// so Reconcile brings the catalog in line with the dataset at the start of
// every run. Other packages (the harvester, River's queue) keep their own
// tables in the same database; this package's tables and its migration
// table are its own.
package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"
)

// FileName is the catalog's name inside the dataset folder. The leading
// underscore keeps it apart from the table folders that readers glob.
const FileName = "_catalog.sqlite"

// Status is what became of a document or an input path: one of the
// constants below. Its string is the value stored in the catalog's status
// columns and printed in summaries and JSON, so the values never change.
type Status string

// Document and input statuses.
const (
	StatusOK          Status = "ok"
	StatusSkipped     Status = "skipped"     // already in the dataset, or a copy of another input
	StatusQuarantined Status = "quarantined" // the document cannot be read; the reason says why
	StatusFailed      Status = "failed"      // not the document's fault (I/O, a commit that failed)
	// StatusPending marks a document the catalog thought done but the
	// dataset does not hold (an interrupted run); it is extracted again.
	StatusPending Status = "pending"
	// StatusIgnored marks an input path left out by its name (a hidden
	// file, the dataset's own catalog), in the inputs table.
	StatusIgnored Status = "ignored"
)

// Catalog is an open catalog database, SQLite or PostgreSQL.
type Catalog struct {
	db   *sql.DB
	d    *dialect
	conn conn // db, with the dialect's placeholders
	st   *stmts
	// Path is where the catalog is: the SQLite file, or the PostgreSQL URL
	// with any password hidden.
	Path string
	// version is the schema version of a catalog opened read-only, which
	// may be older than this zipin's; 0 means current.
	version int
}

// DB is the underlying database, for packages that keep their own tables in it.
func (c *Catalog) DB() *sql.DB { return c.db }

// Driver is the database the catalog is in: "sqlite" or "postgres".
func (c *Catalog) Driver() string { return c.d.name }

// Close closes the database.
func (c *Catalog) Close() error {
	c.st.close()
	return c.db.Close()
}

// txAttempts bounds how often inTx runs a transaction that PostgreSQL
// aborted for a deadlock or serialization conflict with another process, or
// that SQLite refused as busy where busy_timeout does not wait.
const txAttempts = 5

// inTx runs fn in a transaction and commits it; a transaction the database
// aborted only to break a conflict with a concurrent one is run again.
func (c *Catalog) inTx(ctx context.Context, fn func(tx conn) error) error {
	return c.retry(ctx, func() error { return c.tryTx(ctx, fn) })
}

// retry runs try, a whole transaction, again while it fails for a conflict
// with a concurrent one (c.d.transient), at most txAttempts times.
func (c *Catalog) retry(ctx context.Context, try func() error) error {
	for attempt := 1; ; attempt++ {
		err := try()
		if err == nil || attempt == txAttempts || !c.d.transient(err) {
			return err
		}
		// A pause that grows, so that writers who collided do not collide
		// again at once: 25 ms, 100 ms, 225 ms, 400 ms.
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt*attempt) * 25 * time.Millisecond):
		}
	}
}

func (c *Catalog) tryTx(ctx context.Context, fn func(tx conn) error) error {
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("catalog %s: %w", c.Path, err)
	}
	defer tx.Rollback()
	if err := fn(conn{ctx, tx, c.d, c.st}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("catalog %s: %w", c.Path, err)
	}
	return nil
}

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }

// Doc is what the catalog knows of one document.
type Doc struct {
	DocID            string
	Source           string
	Size             int64
	Format           string
	Status           Status
	Reason           string
	ExtractorVersion string
	Read, Extract    time.Duration
	Analyze          time.Duration
	Pages, Facts     int
	Batch            string   // the dataset batch its rows went into
	Files            []string // the dataset files of that batch
}

// Input is one input path as last seen, so an unchanged file is not hashed again.
type Input struct {
	Path    string
	Size    int64
	MtimeNS int64
	DocID   string // empty when the path could not be read
	Status  Status // set only for a path-level problem (unreadable, loop)
	Reason  string
}

// Record stores the outcomes of one flushed batch in a single transaction:
// upserts of documents (by doc_id) and inputs (by path), and the end of
// their in-progress rows. Many processes may record at once (workers on
// one PostgreSQL catalog): each row is locked in doc_id, then path order,
// so two batches that share documents cannot deadlock, and the last
// writer's outcome of a document wins whole (RecordWith, the queue's
// workers' record, keeps a row of a newer extractor version instead).
func (c *Catalog) Record(runID int64, docs []Doc, inputs []Input) error {
	return c.RecordMarks(runID, nil, docs, inputs)
}

// Mark is a change to the in-progress rows that a caller defers to its
// next Record (RecordMarks) instead of committing it alone, as Begin and
// End do: for work that cannot take the process down (a worker child's),
// where the row only tells `zipin status` what a dead run had in hand.
type Mark struct {
	DocID, Source string
	Begin         bool // Begin (in a worker, not in-process); else End
}

// RecordMarks is Record after applying marks, in their order, in the same
// transaction: a document begun and recorded between two commits never
// costs the database a write of its own.
func (c *Catalog) RecordMarks(runID int64, marks []Mark, docs []Doc, inputs []Input) error {
	docs = slices.SortedFunc(slices.Values(docs), func(a, b Doc) int { return strings.Compare(a.DocID, b.DocID) })
	inputs = slices.SortedFunc(slices.Values(inputs), func(a, b Input) int { return strings.Compare(a.Path, b.Path) })
	return c.inTx(context.Background(), func(tx conn) error {
		ts := now()
		for _, m := range marks {
			var err error
			if m.Begin {
				_, err = tx.execHot(beginQ, m.DocID, m.Source, runID, 0, ts)
			} else {
				_, err = tx.execHot(endQ, m.DocID)
			}
			if err != nil {
				return fmt.Errorf("catalog %s: %w", c.Path, err)
			}
		}
		// No explicit Prepare on PostgreSQL: pgx caches each statement per
		// connection by itself, and an explicit one costs a worker's
		// one-document batch a round trip per statement
		// (BenchmarkWorkerDocument: 11 → 7.7 ms on PostgreSQL at load 10).
		// On SQLite execHot keeps them prepared for the Catalog's life.
		for _, d := range docs {
			if _, err := tx.execHot(docQ, docArgs(runID, d, ts)...); err != nil {
				return fmt.Errorf("catalog %s: recording %s: %w", c.Path, d.Source, err)
			}
		}
		inQ := `INSERT INTO inputs (path, size, mtime_ns, doc_id, status, reason, seen_at) VALUES (?,?,?,?,?,?,?)
		ON CONFLICT(path) DO UPDATE SET size=excluded.size, mtime_ns=excluded.mtime_ns, doc_id=excluded.doc_id,
		status=excluded.status, reason=excluded.reason, seen_at=excluded.seen_at`
		for _, i := range inputs {
			if _, err := tx.execHot(inQ, i.Path, i.Size, i.MtimeNS, i.DocID, string(i.Status), i.Reason, ts); err != nil {
				return fmt.Errorf("catalog %s: recording input %s: %w", c.Path, i.Path, err)
			}
		}
		for _, d := range docs {
			if _, err := tx.execHot(endQ, d.DocID); err != nil {
				return fmt.Errorf("catalog %s: %w", c.Path, err)
			}
		}
		return nil
	})
}

// Inputs returns the input cache keyed by path.
func (c *Catalog) Inputs() (map[string]Input, error) {
	rows, err := c.conn.query(`SELECT path, size, mtime_ns, doc_id, status, reason FROM inputs`)
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %w", c.Path, err)
	}
	defer rows.Close()
	out := map[string]Input{}
	for rows.Next() {
		var i Input
		if err := rows.Scan(&i.Path, &i.Size, &i.MtimeNS, &i.DocID, &i.Status, &i.Reason); err != nil {
			return nil, fmt.Errorf("catalog %s: %w", c.Path, err)
		}
		out[i.Path] = i
	}
	return out, rows.Err()
}

// Settled returns the documents that a run with extractor version v need not
// touch: quarantined by the same version (the dataset holds no rows for them,
// and the same bytes would be quarantined again). Documents with rows are
// decided from the dataset itself.
func (c *Catalog) Settled(v string) (map[string]Doc, error) {
	rows, err := c.conn.query(`SELECT doc_id, source, status, reason FROM documents WHERE status = ? AND extractor_version = ?`, string(StatusQuarantined), v)
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %w", c.Path, err)
	}
	defer rows.Close()
	out := map[string]Doc{}
	for rows.Next() {
		var d Doc
		if err := rows.Scan(&d.DocID, &d.Source, &d.Status, &d.Reason); err != nil {
			return nil, fmt.Errorf("catalog %s: %w", c.Path, err)
		}
		out[d.DocID] = d
	}
	return out, rows.Err()
}

// Docs returns what the catalog says of each of ids: status, reason and the
// extractor version that decided it (doc_ids it has no row for are left
// out). The harvester reads with it what the queue's workers made of the
// documents it enqueued.
func (c *Catalog) Docs(ids []string) (map[string]Doc, error) {
	out := map[string]Doc{}
	for _, id := range ids {
		d := Doc{DocID: id}
		err := c.conn.queryRow(`SELECT source, status, reason, extractor_version FROM documents WHERE doc_id = ?`, id).
			Scan(&d.Source, &d.Status, &d.Reason, &d.ExtractorVersion)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			continue
		case err != nil:
			return nil, fmt.Errorf("catalog %s: %w", c.Path, err)
		}
		out[id] = d
	}
	return out, nil
}

// Present is what the dataset holds of one document: its reports row.
type Present struct {
	Source, Format, ExtractorVersion string
	Pages                            int
	Size                             int64
}

// Reconcile makes the catalog agree with the dataset, which is the truth:
// a document the dataset holds is ok with the version that wrote it (a crash
// may have come between the dataset commit and the catalog update); a
// document the catalog calls ok but the dataset lacks becomes pending. It
// returns how many rows it changed.
//
// present is a snapshot, and other processes may record documents after it
// was taken: a row is changed only if it is still as Reconcile read it (its
// updated_at), so a worker's newer outcome is never overwritten by an older
// view of the dataset.
func (c *Catalog) Reconcile(present map[string]Present) (int, error) {
	type row struct {
		status           Status
		version, updated string
	}
	have := map[string]row{}
	rows, err := c.conn.query(`SELECT doc_id, status, extractor_version, updated_at FROM documents`)
	if err != nil {
		return 0, fmt.Errorf("catalog %s: %w", c.Path, err)
	}
	for rows.Next() {
		var id string
		var r row
		if err := rows.Scan(&id, &r.status, &r.version, &r.updated); err != nil {
			rows.Close()
			return 0, fmt.Errorf("catalog %s: %w", c.Path, err)
		}
		have[id] = r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	var changed int
	err = c.inTx(context.Background(), func(tx conn) error {
		ts := now()
		changed = 0
		count := func(res sql.Result) {
			if n, err := res.RowsAffected(); err == nil {
				changed += int(n)
			}
		}
		// In doc_id order, as Record locks rows.
		for _, id := range slices.Sorted(maps.Keys(have)) {
			r := have[id]
			if _, ok := present[id]; r.status != StatusOK || ok {
				continue
			}
			res, err := tx.exec(`UPDATE documents SET status=?, reason=?, updated_at=? WHERE doc_id=? AND updated_at=?`,
				string(StatusPending), "recorded as done but not in the dataset (interrupted run); extracting again", ts, id, r.updated)
			if err != nil {
				return fmt.Errorf("catalog %s: %w", c.Path, err)
			}
			count(res)
		}
		for _, id := range slices.Sorted(maps.Keys(present)) {
			p := present[id]
			r, ok := have[id]
			if ok && r.status == StatusOK && r.version == p.ExtractorVersion {
				continue
			}
			// r.updated is "" for a row Reconcile did not see, which no
			// stored row has: one recorded since is left as it is.
			res, err := tx.exec(`INSERT INTO documents (doc_id, source, size, format, status, reason, extractor_version, pages, first_seen, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?)
			ON CONFLICT(doc_id) DO UPDATE SET status=excluded.status, reason=excluded.reason,
			extractor_version=excluded.extractor_version, pages=excluded.pages, updated_at=excluded.updated_at
			WHERE documents.updated_at = ?`,
				id, p.Source, p.Size, p.Format, string(StatusOK), "", p.ExtractorVersion, p.Pages, ts, ts, r.updated)
			if err != nil {
				return fmt.Errorf("catalog %s: %w", c.Path, err)
			}
			count(res)
		}
		return nil
	})
	return changed, err
}

// Run counters, stored in the runs table.
type Run struct {
	ID                                    int64
	Jobs                                  int
	Inputs, Extracted, Skipped            int
	Quarantined, Failed, Pages, Facts     int
	Ignored                               int // inputs left out by name
	State                                 string
	ExtractorVersion, StartedAt, Finished string
}

// StartRun records the start of a run and returns its id, unique among
// all the processes that share the catalog.
func (c *Catalog) StartRun(version string, jobs int) (int64, error) {
	var id int64
	err := c.conn.queryRow(`INSERT INTO runs (started_at, extractor_version, jobs) VALUES (?,?,?) RETURNING id`, now(), version, jobs).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("catalog %s: %w", c.Path, err)
	}
	return id, nil
}

// FinishRun stores a run's counters; state is "done", "interrupted" or
// "failed". Documents the run began but did not finish (cut short by the
// end of the run, not by their own doing) are no longer in progress.
func (c *Catalog) FinishRun(r Run) error {
	return c.inTx(context.Background(), func(tx conn) error {
		_, err := tx.exec(`UPDATE runs SET finished_at=?, inputs=?, extracted=?, skipped=?, quarantined=?, failed=?,
		pages=?, facts=?, ignored=?, state=? WHERE id=?`, now(), r.Inputs, r.Extracted, r.Skipped, r.Quarantined, r.Failed,
			r.Pages, r.Facts, r.Ignored, r.State, r.ID)
		if err == nil {
			_, err = tx.exec(`DELETE FROM in_progress WHERE run_id = ?`, r.ID)
		}
		if err != nil {
			return fmt.Errorf("catalog %s: %w", c.Path, err)
		}
		return nil
	})
}

// Killed marks the runs still "running" as "killed": called by a run that
// holds the dataset lock, so no other run can be alive. It returns their ids.
// Workers sharing a PostgreSQL catalog hold no common lock and must not
// call it: a live worker's run would be called killed.
func (c *Catalog) Killed(current int64) ([]int64, error) {
	rows, err := c.conn.query(`SELECT id FROM runs WHERE state = 'running' AND id != ?`, current)
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %w", c.Path, err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if _, err := c.conn.exec(`UPDATE runs SET state = 'killed' WHERE state = 'running' AND id != ?`, current); err != nil {
		return nil, fmt.Errorf("catalog %s: %w", c.Path, err)
	}
	return ids, nil
}

// End records that the work on a document is over (its outcome is on its
// way to the next commit): it can no longer take the process down.
func (c *Catalog) End(docID string) error {
	if _, err := c.conn.execHot(endQ, docID); err != nil {
		return fmt.Errorf("catalog %s: %w", c.Path, err)
	}
	return nil
}

// InProgress is a document a run began and never finished: the process
// ended with it in hand (kill -9, the OOM killer, a crash).
type InProgress struct {
	DocID, Source string
	RunID         int64
	InProcess     bool // analyzed in the import process itself, not a worker
	Attempts      int  // runs that began it without finishing
}

// Unfinished returns the documents left in progress by earlier runs.
func (c *Catalog) Unfinished() (map[string]InProgress, error) {
	if c.version == 1 {
		return nil, nil // a catalog from before in_progress, opened read-only
	}
	rows, err := c.conn.query(`SELECT doc_id, source, run_id, in_process, attempts FROM in_progress`)
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %w", c.Path, err)
	}
	defer rows.Close()
	out := map[string]InProgress{}
	for rows.Next() {
		var p InProgress
		var inProcess int
		if err := rows.Scan(&p.DocID, &p.Source, &p.RunID, &inProcess, &p.Attempts); err != nil {
			return nil, fmt.Errorf("catalog %s: %w", c.Path, err)
		}
		p.InProcess = inProcess != 0
		out[p.DocID] = p
	}
	return out, rows.Err()
}

// boolInt stores a flag as 0 or 1, in an INTEGER column on both databases
// (PostgreSQL does not take a Go bool for one).
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// beginQ and endQ start and end a document's in-progress row.
const (
	beginQ = `INSERT INTO in_progress (doc_id, source, run_id, in_process, attempts, started_at) VALUES (?,?,?,?,1,?)
		ON CONFLICT(doc_id) DO UPDATE SET source=excluded.source, run_id=excluded.run_id, in_process=excluded.in_process,
		attempts=in_progress.attempts+1, started_at=excluded.started_at`
	endQ = `DELETE FROM in_progress WHERE doc_id = ?`
)

// Begin records that run is starting work on a document, before any of it
// is done, so that a document that takes the process down is known to the
// next run. Record (or the end of the run) clears it.
func (c *Catalog) Begin(run int64, docID, source string, inProcess bool) error {
	_, err := c.conn.execHot(beginQ, docID, source, run, boolInt(inProcess), now())
	if err != nil {
		return fmt.Errorf("catalog %s: %w", c.Path, err)
	}
	return nil
}

// Runs returns the last n runs, newest first.
func (c *Catalog) Runs(n int) ([]Run, error) {
	ignored := "ignored"
	if c.version == 1 {
		ignored = "0"
	}
	rows, err := c.conn.query(`SELECT id, jobs, inputs, extracted, skipped, quarantined, failed, pages, facts, state,
		extractor_version, started_at, COALESCE(finished_at, ''), `+ignored+` FROM runs ORDER BY id DESC LIMIT ?`, n)
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %w", c.Path, err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		if err := rows.Scan(&r.ID, &r.Jobs, &r.Inputs, &r.Extracted, &r.Skipped, &r.Quarantined, &r.Failed,
			&r.Pages, &r.Facts, &r.State, &r.ExtractorVersion, &r.StartedAt, &r.Finished, &r.Ignored); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Counts returns the number of documents per status, plus input paths that
// could not be read at all under their own status.
func (c *Catalog) Counts() (map[string]int, error) {
	out := map[string]int{}
	rows, err := c.conn.query(`SELECT status, COUNT(*) FROM documents GROUP BY status
		UNION ALL SELECT 'unreadable path', COUNT(*) FROM inputs WHERE status != '' AND status != 'ignored' AND doc_id = ''
		UNION ALL SELECT 'ignored path', COUNT(*) FROM inputs WHERE status = 'ignored'`)
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %w", c.Path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		if n > 0 {
			out[s] += n
		}
	}
	return out, rows.Err()
}

// Reason is a quarantine reason and how many documents have it.
type Reason struct {
	Reason string
	Count  int
}

// TopReasons returns the n most frequent reasons for quarantined or failed
// documents and unreadable paths, most frequent first. kind maps a reason
// to its group (the caller's, e.g. doc.ReasonKind, so that "PDF damaged:
// xref at 1234" and "PDF damaged: no trailer" add up); nil groups on the
// first 80 runes, so reasons that differ only in a trailing detail add up.
func (c *Catalog) TopReasons(n int, kind func(reason string) string) ([]Reason, error) {
	rows, err := c.conn.query(`SELECT reason, COUNT(*) FROM (
			SELECT reason FROM documents WHERE status IN ('quarantined', 'failed')
			UNION ALL SELECT reason FROM inputs WHERE status != '' AND status != 'ignored' AND doc_id = '') AS r
		GROUP BY reason`)
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %w", c.Path, err)
	}
	defer rows.Close()
	if kind == nil {
		kind = func(r string) string {
			if rs := []rune(r); len(rs) > 80 {
				return string(rs[:80])
			}
			return r
		}
	}
	counts := map[string]int{}
	for rows.Next() {
		var r string
		var k int
		if err := rows.Scan(&r, &k); err != nil {
			return nil, err
		}
		counts[kind(r)] += k
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Reason, 0, len(counts))
	for r, k := range counts {
		out = append(out, Reason{Reason: r, Count: k})
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Count > out[j].Count || out[i].Count == out[j].Count && out[i].Reason < out[j].Reason
	})
	if len(out) > n {
		out = out[:n]
	}
	return out, nil
}

// Ignored returns the input paths left out by name, with the reason, in
// path order (at most n).
func (c *Catalog) Ignored(n int) ([]Input, error) {
	rows, err := c.conn.query(`SELECT path, reason FROM inputs WHERE status = 'ignored' ORDER BY path LIMIT ?`, n)
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %w", c.Path, err)
	}
	defer rows.Close()
	var out []Input
	for rows.Next() {
		i := Input{Status: StatusIgnored}
		if err := rows.Scan(&i.Path, &i.Reason); err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

// ClearIgnored forgets the paths earlier runs left out by name: each run
// lists its own.
func (c *Catalog) ClearIgnored() error {
	if _, err := c.conn.exec(`DELETE FROM inputs WHERE status = 'ignored'`); err != nil {
		return fmt.Errorf("catalog %s: %w", c.Path, err)
	}
	return nil
}
