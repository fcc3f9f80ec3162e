package harvest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"zipin/catalog"
	"zipin/internal/atomicfile"
	"zipin/queue"
)

// CatalogFile is the SQLite catalog in the dataset folder, shared with the
// bulk importer; the harvester's tables are prefixed harvest_.
const CatalogFile = "_catalog.sqlite"

// schemaSQL creates the harvester's tables. Each row is written as soon as
// what it records is durable, so a run killed at any point resumes.
const schemaSQL = `
-- List pages and feeds: validators for conditional GET, and where the next
-- page is, so that a 304 page can still be paged past.
CREATE TABLE IF NOT EXISTS harvest_pages (
	url           TEXT PRIMARY KEY,
	source        TEXT NOT NULL,
	etag          TEXT NOT NULL DEFAULT '',
	last_modified TEXT NOT NULL DEFAULT '',
	next_url      TEXT NOT NULL DEFAULT '',
	status        INTEGER NOT NULL,
	fetched_at    TEXT NOT NULL
);
-- Every detail page and file link found, and what became of it. state is
-- pending (found, not fetched yet), done, failed (retried next run),
-- disallowed (robots.txt) or skipped (not a report: error says why).
-- sha256 ties a file URL to its original; two URLs may share one.
CREATE TABLE IF NOT EXISTS harvest_urls (
	url           TEXT PRIMARY KEY,
	source        TEXT NOT NULL,
	kind          TEXT NOT NULL,           -- detail or file
	title         TEXT NOT NULL DEFAULT '',
	referrer      TEXT NOT NULL DEFAULT '', -- the page the link was found on
	state         TEXT NOT NULL DEFAULT 'pending',
	attempts      INTEGER NOT NULL DEFAULT 0,
	error         TEXT NOT NULL DEFAULT '',
	final_url     TEXT NOT NULL DEFAULT '', -- after redirects
	http_status   INTEGER NOT NULL DEFAULT 0,
	etag          TEXT NOT NULL DEFAULT '',
	last_modified TEXT NOT NULL DEFAULT '',
	headers       TEXT NOT NULL DEFAULT '', -- JSON
	sha256        TEXT NOT NULL DEFAULT '',
	found_at      TEXT NOT NULL,
	fetched_at    TEXT NOT NULL DEFAULT '',
	published     TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD, from the list row or the detail page
	detail_url    TEXT NOT NULL DEFAULT ''  -- for a file: the detail page that links it
);
CREATE INDEX IF NOT EXISTS harvest_urls_sha256 ON harvest_urls(sha256);
CREATE INDEX IF NOT EXISTS harvest_urls_state ON harvest_urls(source, state);
-- One row per distinct content kept under originals/, with where it was
-- first found, and what ingest made of it.
CREATE TABLE IF NOT EXISTS harvest_originals (
	sha256            TEXT PRIMARY KEY,
	path              TEXT NOT NULL,
	bytes             INTEGER NOT NULL,
	url               TEXT NOT NULL,
	final_url         TEXT NOT NULL,
	referrer          TEXT NOT NULL,
	source            TEXT NOT NULL,
	region            TEXT NOT NULL DEFAULT '',
	organization      TEXT NOT NULL DEFAULT '',
	http_status       INTEGER NOT NULL,
	headers           TEXT NOT NULL,
	fetched_at        TEXT NOT NULL,
	ingest_status     TEXT NOT NULL DEFAULT '', -- ok, skipped, lookalike, quarantined, failed, enqueued; '' until ingested or enqueued
	ingest_reason     TEXT NOT NULL DEFAULT '',
	extractor_version TEXT NOT NULL DEFAULT '',
	ingested_at       TEXT NOT NULL DEFAULT '',
	title             TEXT NOT NULL DEFAULT '', -- the report's title, without the site's name
	published         TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD
	detail_url        TEXT NOT NULL DEFAULT '', -- the detail page it was linked from (or is)
	enqueued_at       TEXT NOT NULL DEFAULT ''  -- when a job for it was added to the shared queue (--catalog)
);
-- robots.txt as last fetched, so that the next run asks conditionally.
CREATE TABLE IF NOT EXISTS harvest_robots (
	host          TEXT PRIMARY KEY, -- scheme://host:port
	status        INTEGER NOT NULL,
	etag          TEXT NOT NULL DEFAULT '',
	last_modified TEXT NOT NULL DEFAULT '',
	body          BLOB,
	fetched_at    TEXT NOT NULL
);
-- One row per source: a sweep of its list pages that was started but not
-- finished (a killed run) makes the next run page on past unchanged pages.
CREATE TABLE IF NOT EXISTS harvest_sources (
	source           TEXT PRIMARY KEY,
	sweep_started_at TEXT NOT NULL,
	sweep_done_at    TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS harvest_runs (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	pid         INTEGER NOT NULL,
	started_at  TEXT NOT NULL,
	finished_at TEXT NOT NULL DEFAULT '',
	new         INTEGER NOT NULL DEFAULT 0,
	unchanged   INTEGER NOT NULL DEFAULT 0,
	failed      INTEGER NOT NULL DEFAULT 0,
	ingested    INTEGER NOT NULL DEFAULT 0,
	exit_code   INTEGER,
	enqueued    INTEGER NOT NULL DEFAULT 0
);
`

// Store is the harvester's state in the catalog, plus the originals folder.
type Store struct {
	db        *sql.DB
	originals string // DATA/originals
	readOnly  bool
}

// OpenStore opens (creating) the catalog at out/_catalog.sqlite.
func OpenStore(out, data string) (*Store, error) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	path := filepath.Join(out, CatalogFile)
	// WAL lets the bulk importer read while we write; busy_timeout makes a
	// writer wait for the other instead of failing at once.
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(schemaSQL); err != nil {
		db.Close()
		return nil, fmt.Errorf("catalog %s: creating harvest tables: %w", path, err)
	}
	if err := migrate(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("catalog %s: adding harvest columns: %w", path, err)
	}
	return &Store{db: db, originals: filepath.Join(data, "originals")}, nil
}

// openStoreReadOnly opens an existing catalog for a dry run, which must not
// write; it returns nil, nil when there is no catalog yet.
func openStoreReadOnly(out string) (*Store, error) {
	path := filepath.Join(out, CatalogFile)
	if _, err := os.Stat(path); err != nil {
		return nil, nil
	}
	// In a folder SQLite cannot write, a WAL database opens only as
	// immutable (no writer can be running there anyway).
	for _, mode := range []string{"mode=ro", "mode=ro&immutable=1"} {
		db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+mode+"&_pragma=busy_timeout(10000)")
		if err != nil {
			return nil, fmt.Errorf("catalog %s: %w", path, err)
		}
		var n int
		err = db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = 'harvest_urls'`).Scan(&n)
		if err == nil && n > 0 {
			return &Store{db: db, readOnly: true}, nil
		}
		db.Close()
		if err == nil {
			return nil, nil
		}
		if mode != "mode=ro" {
			return nil, err
		}
	}
	return nil, nil
}

// addedColumns are columns added after the tables were first released;
// CREATE TABLE IF NOT EXISTS leaves an older catalog without them.
var addedColumns = []struct{ table, column, decl string }{
	{"harvest_urls", "published", "TEXT NOT NULL DEFAULT ''"},
	{"harvest_urls", "detail_url", "TEXT NOT NULL DEFAULT ''"},
	{"harvest_originals", "title", "TEXT NOT NULL DEFAULT ''"},
	{"harvest_originals", "published", "TEXT NOT NULL DEFAULT ''"},
	{"harvest_originals", "detail_url", "TEXT NOT NULL DEFAULT ''"},
	{"harvest_originals", "enqueued_at", "TEXT NOT NULL DEFAULT ''"},
	{"harvest_runs", "enqueued", "INTEGER NOT NULL DEFAULT 0"},
}

func migrate(db *sql.DB) error {
	for _, c := range addedColumns {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM pragma_table_info(?) WHERE name = ?`, c.table, c.column).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			if _, err := db.Exec(fmt.Sprintf(`ALTER TABLE %s ADD COLUMN %s %s`, c.table, c.column, c.decl)); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Store) Close() error { return s.db.Close() }

// LoadRobots returns the robots.txt kept for a host.
func (s *Store) LoadRobots(host string) (CachedRobots, bool, error) {
	var r CachedRobots
	err := s.db.QueryRow(`SELECT status, etag, last_modified, body FROM harvest_robots WHERE host = ?`, host).Scan(&r.Status, &r.ETag, &r.LastModified, &r.Body)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	return r, err == nil, err
}

// SaveRobots keeps a host's robots.txt for the next run; a read-only store
// (a dry run) keeps nothing.
func (s *Store) SaveRobots(host string, r CachedRobots) error {
	if s.readOnly {
		return nil
	}
	_, err := s.db.Exec(`INSERT INTO harvest_robots (host, status, etag, last_modified, body, fetched_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT(host) DO UPDATE SET status = excluded.status, etag = excluded.etag, last_modified = excluded.last_modified, body = excluded.body, fetched_at = excluded.fetched_at`,
		host, r.Status, r.ETag, r.LastModified, r.Body, now())
	return err
}

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }

// PageState is what we stored about a list page.
type PageState struct {
	ETag, LastModified, NextURL string
}

func (s *Store) Page(url string) (PageState, bool, error) {
	var p PageState
	err := s.db.QueryRow(`SELECT etag, last_modified, next_url FROM harvest_pages WHERE url = ?`, url).Scan(&p.ETag, &p.LastModified, &p.NextURL)
	if errors.Is(err, sql.ErrNoRows) {
		return p, false, nil
	}
	return p, err == nil, err
}

// FoundLink is a link to record: pending, or skipped when Skip says why.
type FoundLink struct {
	// Kind is detail (a detail page), file, or probe: a detail page whose
	// list title was cut short, so that its own title decides.
	URL, Kind, Title, Referrer string
	Published                  string // YYYY-MM-DD, if known
	Detail                     string // for a file: the detail page linking it
	Skip                       string // why the link is not a report candidate
}

func insertLink(tx *sql.Tx, source string, l FoundLink) (bool, error) {
	state := "pending"
	if l.Skip != "" {
		state = "skipped"
	}
	res, err := tx.Exec(`INSERT OR IGNORE INTO harvest_urls (url, source, kind, title, referrer, published, detail_url, state, error, found_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		l.URL, source, l.Kind, l.Title, l.Referrer, l.Published, l.Detail, state, l.Skip, now())
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// SavePage records a fetched list page together with the links found on
// it, in one transaction: a page is never marked seen before its links are
// queued, so a kill between the two cannot lose them. It returns the links
// that were not known before. With stopAtKnown, the first known link ends
// the page (lists are newest first: what follows it is older) and known
// says one was met.
func (s *Store) SavePage(source, pageURL string, resp *Response, next string, links []FoundLink, stopAtKnown bool) (fresh []FoundLink, known bool, err error) {
	tx, err := s.db.Begin()
	if err != nil {
		return nil, false, err
	}
	defer tx.Rollback()
	for _, l := range links {
		added, err := insertLink(tx, source, l)
		if err != nil {
			return nil, false, err
		}
		if added {
			fresh = append(fresh, l)
		} else if stopAtKnown {
			known = true
			break
		}
	}
	if resp != nil {
		_, err = tx.Exec(`INSERT INTO harvest_pages (url, source, etag, last_modified, next_url, status, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, next_url = excluded.next_url, status = excluded.status, fetched_at = excluded.fetched_at`,
			pageURL, source, resp.Header.Get("ETag"), resp.Header.Get("Last-Modified"), next, resp.Status, now())
		if err != nil {
			return nil, false, err
		}
	}
	return fresh, known, tx.Commit()
}

// StartSweep records that paging through a source begins, and says whether
// a previous sweep finished: false for a source never swept, or whose last
// sweep was interrupted. Until one finishes, every run sweeps the whole list.
func (s *Store) StartSweep(source string) (prevDone bool, err error) {
	var done string
	err = s.db.QueryRow(`SELECT sweep_done_at FROM harvest_sources WHERE source = ?`, source).Scan(&done)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		prevDone, err = false, nil
	case err != nil:
		return false, err
	default:
		prevDone = done != ""
	}
	_, err = s.db.Exec(`INSERT INTO harvest_sources (source, sweep_started_at) VALUES (?, ?)
		ON CONFLICT(source) DO UPDATE SET sweep_started_at = excluded.sweep_started_at, sweep_done_at = ''`, source, now())
	return prevDone, err
}

// EndSweep records that paging through a source stopped normally.
func (s *Store) EndSweep(source string) error {
	_, err := s.db.Exec(`UPDATE harvest_sources SET sweep_done_at = ? WHERE source = ?`, now(), source)
	return err
}

// URLRow is a queued link.
type URLRow struct {
	URL, Kind, Title, Referrer string
	Published, Detail          string
	ETag, LastModified         string
	Attempts                   int
}

// Queue returns the source's links still to fetch: pending ones, and failed
// ones tried fewer than maxAttempts times. Detail pages come first, so their
// attachments join the queue in the same run.
func (s *Store) Queue(source string, maxAttempts int) ([]URLRow, error) {
	rows, err := s.db.Query(`SELECT url, kind, title, referrer, published, detail_url, etag, last_modified, attempts FROM harvest_urls
		WHERE source = ? AND (state = 'pending' OR (state = 'failed' AND attempts < ?))
		ORDER BY kind = 'file', found_at, url`, source, maxAttempts)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []URLRow
	for rows.Next() {
		var r URLRow
		if err := rows.Scan(&r.URL, &r.Kind, &r.Title, &r.Referrer, &r.Published, &r.Detail, &r.ETag, &r.LastModified, &r.Attempts); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Known says whether a link is already recorded (in any state).
func (s *Store) Known(u string) (bool, error) {
	var n int
	err := s.db.QueryRow(`SELECT count(*) FROM harvest_urls WHERE url = ?`, u).Scan(&n)
	return n > 0, err
}

// Fail records a failed fetch; the link is retried on later runs.
func (s *Store) Fail(u string, ferr error) error {
	status := 0
	var fe *FetchError
	if errors.As(ferr, &fe) {
		status = fe.Status
	}
	_, err := s.db.Exec(`UPDATE harvest_urls SET state = 'failed', attempts = attempts + 1, error = ?, http_status = ?, fetched_at = ? WHERE url = ?`,
		ferr.Error(), status, now(), u)
	return err
}

// DoneDetail marks a detail page fetched and queues its attachments, in one
// transaction. It returns how many attachments were new.
func (s *Store) DoneDetail(source string, row URLRow, resp *Response, attachments []FoundLink) (int, error) {
	tx, err := s.db.Begin()
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	n := 0
	for _, l := range attachments {
		added, err := insertLink(tx, source, l)
		if err != nil {
			return 0, err
		}
		if added {
			n++
		}
	}
	// The detail page's own title and date complete what the list said.
	if _, err := tx.Exec(`UPDATE harvest_urls SET title = ?, published = ? WHERE url = ?`, row.Title, row.Published, row.URL); err != nil {
		return 0, err
	}
	if err := markDone(tx, row.URL, resp, ""); err != nil {
		return 0, err
	}
	return n, tx.Commit()
}

// Done marks a link fetched, with nothing to keep (a 304).
func (s *Store) Done(u string, resp *Response) error {
	tx, err := s.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := markDone(tx, u, resp, ""); err != nil {
		return err
	}
	return tx.Commit()
}

// Skipped records a fetched link that is not a report (a probed detail
// page whose title names something else); it is not asked for again.
func (s *Store) Skipped(u, why string, resp *Response) error {
	tx, err := s.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := markDone(tx, u, resp, ""); err != nil {
		return err
	}
	if _, err := tx.Exec(`UPDATE harvest_urls SET state = 'skipped', error = ? WHERE url = ?`, why, u); err != nil {
		return err
	}
	return tx.Commit()
}

// Disallowed records a link robots.txt forbids; it is not asked for again.
func (s *Store) Disallowed(u string, why error) error {
	_, err := s.db.Exec(`UPDATE harvest_urls SET state = 'disallowed', error = ?, fetched_at = ? WHERE url = ?`, why.Error(), now(), u)
	return err
}

func markDone(tx *sql.Tx, u string, resp *Response, sha string) error {
	hdr, _ := json.Marshal(resp.Header)
	_, err := tx.Exec(`UPDATE harvest_urls SET state = 'done', attempts = attempts + 1, error = '', final_url = ?, http_status = ?,
		etag = ?, last_modified = ?, headers = ?, sha256 = CASE WHEN ? = '' THEN sha256 ELSE ? END, fetched_at = ? WHERE url = ?`,
		resp.URL, resp.Status, resp.Header.Get("ETag"), resp.Header.Get("Last-Modified"), string(hdr), sha, sha, resp.FetchedAt.Format(time.RFC3339Nano), u)
	return err
}

// Original is a document kept for audit.
type Original struct {
	SHA256, Path string
	New          bool // stored by this call; false when the content was already kept
}

// Keep stores body content-addressed (unless that content is already kept),
// then records it and marks the URL done, in that order: the file is durable
// before any row points at it, and a kill before the rows leaves the URL
// pending, to be fetched again and found identical.
func (s *Store) Keep(src *Source, row URLRow, resp *Response, ext string) (Original, error) {
	sum := sha256.Sum256(resp.Body)
	o := Original{SHA256: hex.EncodeToString(sum[:])}
	var path string
	err := s.db.QueryRow(`SELECT path FROM harvest_originals WHERE sha256 = ?`, o.SHA256).Scan(&path)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		o.New = true
		o.Path = filepath.Join(s.originals, o.SHA256[:2], o.SHA256+"."+ext)
		if err := atomicfile.Write(o.Path, resp.Body); err != nil {
			return o, fmt.Errorf("keeping %s: %w", row.URL, err)
		}
	case err != nil:
		return o, err
	default:
		o.Path = path
	}
	tx, err := s.db.Begin()
	if err != nil {
		return o, err
	}
	defer tx.Rollback()
	if o.New {
		hdr, _ := json.Marshal(resp.Header)
		// OR IGNORE: another source may have kept the same content a moment
		// ago; then this URL simply points at it.
		res, err := tx.Exec(`INSERT OR IGNORE INTO harvest_originals (sha256, path, bytes, url, final_url, referrer, source, region, organization, http_status, headers, fetched_at, title, published, detail_url)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			o.SHA256, o.Path, len(resp.Body), row.URL, resp.URL, row.Referrer, src.Name, src.Region, src.Organization, resp.Status, string(hdr), resp.FetchedAt.Format(time.RFC3339Nano),
			row.Title, row.Published, row.Detail)
		if err != nil {
			return o, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			o.New = false
		}
	}
	if err := markDone(tx, row.URL, resp, o.SHA256); err != nil {
		return o, err
	}
	// A detail page kept as the report: its own title and date.
	if _, err := tx.Exec(`UPDATE harvest_urls SET title = ?, published = ? WHERE url = ?`, row.Title, row.Published, row.URL); err != nil {
		return o, err
	}
	return o, tx.Commit()
}

// removeTemps deletes the temporary files of writes a killed run left
// behind. Only a lock holder calls it, so no write is in progress.
func (s *Store) removeTemps() error {
	tmps, err := filepath.Glob(filepath.Join(s.originals, "*", atomicfile.TempPattern))
	if err != nil {
		return err
	}
	for _, t := range tmps {
		if err := os.Remove(t); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// ToIngest lists originals not yet ingested, and those that an older
// extractor could not read (a reader may have been added since) or judged
// no report (it may find the figures it missed).
func (s *Store) ToIngest(extractor string) (paths []string, urls map[string]string, err error) {
	rows, err := s.db.Query(`SELECT path, url FROM harvest_originals
		WHERE ingested_at = '' OR (ingest_status NOT IN ('ok', 'skipped') AND extractor_version != ?) ORDER BY fetched_at, sha256`, extractor)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	urls = map[string]string{}
	for rows.Next() {
		var p, u string
		if err := rows.Scan(&p, &u); err != nil {
			return nil, nil, err
		}
		paths = append(paths, p)
		urls[p] = u
	}
	return paths, urls, rows.Err()
}

// ToEnqueue lists, as the shared queue's jobs, the originals no job was
// added for yet: those kept since, and, on the first run with a queue,
// every one kept before (also those ingested here then: the shared
// dataset is another one), look-alikes judged by this extractor aside.
// As ToIngest, it lists again those an older extractor could not read or
// judged no report.
func (s *Store) ToEnqueue(extractor string) ([]queue.ExtractArgs, error) {
	rows, err := s.db.Query(`SELECT sha256, path, bytes, url FROM harvest_originals
		WHERE (enqueued_at = '' AND ingest_status != 'lookalike')
		   OR (ingest_status IN ('quarantined', 'failed', 'lookalike') AND extractor_version != ?)
		ORDER BY fetched_at, sha256`, extractor)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []queue.ExtractArgs
	for rows.Next() {
		var a queue.ExtractArgs
		if err := rows.Scan(&a.DocID, &a.Path, &a.Size, &a.SourceURL); err != nil {
			return nil, err
		}
		// The sha256 of the bytes is the document's doc_id
		// (pipeline.DocID), known since the original was kept.
		out = append(out, a)
	}
	return out, rows.Err()
}

// Enqueued records that the originals with these sha256s have a job in the
// shared queue, in one transaction.
func (s *Store) Enqueued(sha256s []string) error {
	tx, err := s.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	at := now()
	for _, h := range sha256s {
		if _, err := tx.Exec(`UPDATE harvest_originals SET ingest_status = 'enqueued', ingest_reason = '', enqueued_at = ? WHERE sha256 = ?`, at, h); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// resolve records, for the originals enqueued by earlier runs, what the
// queue's workers made of them as the shared catalog says (ok, quarantined,
// failed, or skipped: "lookalike" when the reason says it is no report), so
// that zipin status and ReadOrigins tell the harvest's originals apart as
// after an ingest here. Those no worker has finished stay enqueued.
func (s *Store) resolve(cat *catalog.Catalog, log *slog.Logger) error {
	rows, err := s.db.Query(`SELECT sha256 FROM harvest_originals WHERE ingest_status = 'enqueued'`)
	if err != nil {
		return err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return err
	}
	docs, err := cat.Docs(ids)
	if err != nil {
		return err
	}
	tx, err := s.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for id, d := range docs {
		switch d.Status {
		case catalog.StatusOK, catalog.StatusSkipped, catalog.StatusQuarantined, catalog.StatusFailed:
		default:
			continue // not decided yet (pending)
		}
		status := string(d.Status)
		if d.Status == catalog.StatusSkipped && strings.HasPrefix(d.Reason, notReportPrefix) {
			status = "lookalike"
		}
		if _, err := tx.Exec(`UPDATE harvest_originals SET ingest_status = ?, ingest_reason = ?, extractor_version = ?, ingested_at = ? WHERE sha256 = ?`,
			status, d.Reason, d.ExtractorVersion, now(), id); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	log.Info("what the workers made of the originals enqueued before", "done", len(docs), "waiting", len(ids)-len(docs))
	return nil
}

// Ingested records what the pipeline made of an original.
func (s *Store) Ingested(path, status, reason, extractor string) error {
	_, err := s.db.Exec(`UPDATE harvest_originals SET ingest_status = ?, ingest_reason = ?, extractor_version = ?, ingested_at = ? WHERE path = ?`,
		status, reason, extractor, now(), path)
	return err
}

func (s *Store) startRun(ctx context.Context) (int64, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO harvest_runs (pid, started_at) VALUES (?, ?)`, os.Getpid(), now())
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

func (s *Store) finishRun(id int64, sum *Summary, code int) error {
	_, err := s.db.Exec(`UPDATE harvest_runs SET finished_at = ?, new = ?, unchanged = ?, failed = ?, ingested = ?, enqueued = ?, exit_code = ? WHERE id = ?`,
		now(), sum.New, sum.Unchanged, sum.Failed, sum.Ingested, sum.Enqueued, code, id)
	return err
}

// HarvestedDoc is one kept original as `zipin status` lists it.
type HarvestedDoc struct {
	DocID                string // the sha256 of its bytes, the dataset's doc_id
	Title, Published     string
	SourceURL, FinalURL  string // where it was linked, and where the bytes came from after redirects
	DetailURL            string // the detail page that links it (or is it)
	Source               string
	IngestStatus, Reason string
	FetchedAt            string
}

// HarvestStatus is what the catalog says of the harvester's work.
type HarvestStatus struct {
	ByStatus map[string]int // originals by ingest status ("" for not yet ingested)
	Links    map[string]int // links by state (pending, done, failed, disallowed, skipped)
	Recent   []HarvestedDoc // the latest originals, newest first
}

// ReadStatus reads the harvester's tables of the catalog in out, read-only;
// it returns nil, nil when no harvest ever ran there.
func ReadStatus(out string, recent int) (*HarvestStatus, error) {
	s, err := openStoreReadOnly(out)
	if err != nil || s == nil {
		return nil, err
	}
	defer s.Close()
	st := &HarvestStatus{ByStatus: map[string]int{}, Links: map[string]int{}}
	for _, q := range []struct {
		sql string
		m   map[string]int
	}{
		{`SELECT ingest_status, count(*) FROM harvest_originals GROUP BY 1`, st.ByStatus},
		{`SELECT state, count(*) FROM harvest_urls GROUP BY 1`, st.Links},
	} {
		rows, err := s.db.Query(q.sql)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k string
			var n int
			if err := rows.Scan(&k, &n); err != nil {
				rows.Close()
				return nil, err
			}
			q.m[k] = n
		}
		rows.Close()
	}
	st.Recent, err = s.readOriginals(`ORDER BY rowid DESC LIMIT ?`, recent)
	return st, err
}

// ReadOrigins returns, by doc_id (the content's sha256), where each
// harvested document came from: for the review page and other readers of
// the dataset. It returns nil, nil when no harvest ever ran in out.
func ReadOrigins(out string) (map[string]HarvestedDoc, error) {
	s, err := openStoreReadOnly(out)
	if err != nil || s == nil {
		return nil, err
	}
	defer s.Close()
	docs, err := s.readOriginals(``)
	if err != nil {
		return nil, err
	}
	m := make(map[string]HarvestedDoc, len(docs))
	for _, d := range docs {
		m[d.DocID] = d
	}
	return m, nil
}

// readOriginals reads harvest_originals rows; tail orders and limits them.
func (s *Store) readOriginals(tail string, args ...any) ([]HarvestedDoc, error) {
	// The columns added later may be missing from an older catalog opened
	// read-only; say nothing of them then.
	var n int
	s.db.QueryRow(`SELECT count(*) FROM pragma_table_info('harvest_originals') WHERE name = 'title'`).Scan(&n)
	cols := `'', '', ''`
	if n > 0 {
		cols = `title, published, detail_url`
	}
	rows, err := s.db.Query(`SELECT `+cols+`, sha256, url, final_url, source, ingest_status, ingest_reason, fetched_at FROM harvest_originals `+tail, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []HarvestedDoc
	for rows.Next() {
		var d HarvestedDoc
		if err := rows.Scan(&d.Title, &d.Published, &d.DetailURL, &d.DocID, &d.SourceURL, &d.FinalURL, &d.Source, &d.IngestStatus, &d.Reason, &d.FetchedAt); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
