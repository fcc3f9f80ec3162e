package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// Open opens (creating if needed) the catalog of the dataset at dir, the
// SQLite file DIR/_catalog.sqlite, and brings its schema up to date.
func Open(dir string) (*Catalog, error) {
	return openSQLite(context.Background(), filepath.Join(dir, FileName))
}

// OpenReadOnly opens the existing catalog of the dataset at dir for reading
// only (zipin status), which works on a read-only file or folder: no
// migration, no journal change. A catalog in a folder where SQLite cannot
// create its WAL index is opened as immutable (no writer can be running
// there anyway).
func OpenReadOnly(dir string) (*Catalog, error) {
	return openSQLiteReadOnly(context.Background(), filepath.Join(dir, FileName))
}

// OpenURL opens (creating its tables if needed) the catalog at url and
// brings its schema up to date:
//
//	postgres://user@host:5432/db?sslmode=disable  PostgreSQL (postgresql:// too), any
//	                                              connection parameter pgx takes
//	sqlite:PATH or PATH                           the SQLite file PATH; a PATH that is a
//	                                              folder means PATH/_catalog.sqlite
//
// Many processes may open and write one PostgreSQL catalog at once: the
// migrations run once, under an advisory lock, and every write is safe
// against the others (see Record). The catalog's Path is the URL with any
// password hidden.
func OpenURL(ctx context.Context, url string) (*Catalog, error) {
	driver, target := ParseURL(url)
	if driver == postgresDialect.name {
		return openPostgres(ctx, target, false)
	}
	return openSQLite(ctx, target)
}

// OpenURLReadOnly opens the existing catalog at url (as OpenURL takes it)
// for reading only: no migration; on PostgreSQL every transaction is read
// only. A url with no catalog is an error.
func OpenURLReadOnly(ctx context.Context, url string) (*Catalog, error) {
	driver, target := ParseURL(url)
	if driver == postgresDialect.name {
		return openPostgres(ctx, target, true)
	}
	return openSQLiteReadOnly(ctx, target)
}

// ParseURL says which database a catalog URL names, as OpenURL reads it:
// driver "postgres" with the URL itself as target, or driver "sqlite" with
// the SQLite file as target (sqlite:PATH, sqlite:///ABS or a bare path; a
// path that is a folder means FOLDER/_catalog.sqlite). The queue, whose
// tables share the database, reads the same URL with it.
func ParseURL(url string) (driver, target string) {
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		return postgresDialect.name, url
	}
	return sqliteDialect.name, sqlitePath(url)
}

// sqlitePath is the SQLite file a catalog URL that is not PostgreSQL's
// names.
func sqlitePath(s string) string {
	if rest, ok := strings.CutPrefix(s, "sqlite:"); ok {
		s = rest
		if strings.HasPrefix(s, "///") {
			s = s[2:]
		}
	}
	if fi, err := os.Stat(s); err == nil && fi.IsDir() {
		s = filepath.Join(s, FileName)
	}
	return s
}

func openSQLite(ctx context.Context, path string) (*Catalog, error) {
	// WAL lets readers (zipin status, the harvester) work during a run; the
	// busy timeout makes concurrent writers wait instead of failing, and
	// BEGIN IMMEDIATE (txlock) takes the write lock at the start of a
	// transaction, where waiting is safe, rather than on its first write,
	// where SQLite fails at once to avoid a deadlock.
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_txlock=immediate"
	db, err := sql.Open(sqliteDialect.driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %w", path, err)
	}
	c := newCatalog(db, sqliteDialect, path)
	if err := c.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return c, nil
}

func openSQLiteReadOnly(ctx context.Context, path string) (*Catalog, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("catalog %s: %w", path, err)
	}
	for _, mode := range []string{"mode=ro", "mode=ro&immutable=1"} {
		db, err := sql.Open(sqliteDialect.driver, "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+mode+"&_pragma=busy_timeout(10000)")
		if err != nil {
			return nil, fmt.Errorf("catalog %s: %w", path, err)
		}
		c := newCatalog(db, sqliteDialect, path)
		if c.version, err = c.appliedVersion(ctx); err == nil {
			return c, nil
		}
		db.Close()
		if mode != "mode=ro" {
			return nil, fmt.Errorf("catalog %s: %w", path, err)
		}
	}
	panic("unreachable")
}

// postgresConns caps each process's connections: every worker process
// opens the catalog, and PostgreSQL allows 100 connections by default.
const postgresConns = 4

func openPostgres(ctx context.Context, dsn string, readOnly bool) (*Catalog, error) {
	where := dsn
	if u, err := url.Parse(dsn); err == nil {
		where = u.Redacted()
		// pgx passes unknown URL parameters to the server as settings.
		q := u.Query()
		if readOnly {
			q.Set("default_transaction_read_only", "on")
		} else if q.Get("synchronous_commit") == "" {
			// A worker records each document, and completes its job, in a
			// transaction of its own (RecordWith); waiting for each
			// commit's WAL flush was most of that cost (cmd/zipin-bench
			// -queue). A server crash may lose the last such commits, but
			// row and completion together: the job, whose claim River
			// committed synchronously, is running again, is rescued and
			// done again (docs/scale-out.md).
			q.Set("synchronous_commit", "off")
		}
		u.RawQuery = q.Encode()
		dsn = u.String()
	}
	db, err := sql.Open(postgresDialect.driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %w", where, err)
	}
	db.SetMaxOpenConns(postgresConns)
	db.SetMaxIdleConns(postgresConns)
	c := newCatalog(db, postgresDialect, where)
	if readOnly {
		c.version, err = c.appliedVersion(ctx)
	} else {
		err = c.migrate(ctx)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return c, nil
}

func newCatalog(db *sql.DB, d *dialect, path string) *Catalog {
	c := &Catalog{db: db, d: d, Path: path}
	if d == sqliteDialect {
		c.st = &stmts{db: db, m: map[string]*sql.Stmt{}}
	}
	c.conn = conn{context.Background(), db, d, c.st}
	return c
}
