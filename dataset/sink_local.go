package dataset

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"zipin/internal/atomicfile"
	"zipin/schema"
)

// localSink is a Sink on a local (or network-mounted) folder.
type localSink struct {
	dir, version string
	lock, sinks  *os.File // flocks on .lock and .lock-sinks, shared while open
}

// sinksLock is the file every open Sink holds a shared flock on, so that an
// opener alone on the folder can know it (an exclusive one succeeds) and
// remove what killed writers left.
const sinksLock = ".lock-sinks"

// openLocalSink creates dir and its table folders if needed and takes a
// shared lock on dir/.lock (see OpenSink).
func openLocalSink(dir, extractorVersion string) (_ *localSink, err error) {
	for _, t := range schema.Tables {
		if err := os.MkdirAll(filepath.Join(dir, t), 0o755); err != nil {
			return nil, fmt.Errorf("dataset %s: %w", dir, err)
		}
	}
	s := &localSink{dir: dir, version: extractorVersion}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	if s.lock, err = os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644); err != nil {
		return nil, fmt.Errorf("dataset %s: %w", dir, err)
	}
	// Sinks only ever take .lock shared, so this fails only while a batch
	// writer (dataset.Lock: ingest without --catalog, compact, review's
	// corrections) holds it: a *LockedError, as for a second batch writer.
	if err := unix.Flock(int(s.lock.Fd()), unix.LOCK_SH|unix.LOCK_NB); err != nil {
		return nil, &LockedError{Dir: dir, Err: err}
	}
	if s.sinks, err = os.OpenFile(filepath.Join(dir, sinksLock), os.O_CREATE|os.O_RDWR, 0o644); err != nil {
		return nil, fmt.Errorf("dataset %s: %w", dir, err)
	}
	// Alone among Sinks (the exclusive lock is free), the temporary files a
	// killed writer left are nobody's and go. With other Sinks at work they
	// may be theirs, half-written, and stay: readers skip them (no .parquet
	// suffix) and the next lone opener removes them. Another opener waits
	// for the shared lock only while this one removes them.
	if unix.Flock(int(s.sinks.Fd()), unix.LOCK_EX|unix.LOCK_NB) == nil {
		if err := s.removeLeftovers(); err != nil {
			return nil, err
		}
	}
	if err := unix.Flock(int(s.sinks.Fd()), unix.LOCK_SH); err != nil {
		return nil, fmt.Errorf("dataset %s: %w", dir, err)
	}
	if err := s.checkLayout(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *localSink) removeLeftovers() error {
	for _, t := range schema.Tables {
		tmps, err := filepath.Glob(filepath.Join(s.dir, t, atomicfile.TempPattern))
		if err != nil {
			return err
		}
		for _, p := range tmps {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("dataset %s: %w", s.dir, err)
			}
		}
	}
	return nil
}

// checkLayout refuses a folder that holds batch files, or a batch that a
// crash left staged (Open would publish it into the table folders).
func (s *localSink) checkLayout() error {
	if es, err := os.ReadDir(filepath.Join(s.dir, stagingDir)); err == nil && len(es) > 0 {
		return &LayoutError{Dir: s.dir, Table: "", Batch: filepath.Join(stagingDir, es[0].Name()), Want: "per-document"}
	}
	for _, t := range schema.Tables {
		files, err := tableFiles(s.dir, t)
		if err != nil {
			return err
		}
		for _, f := range files {
			if !isDocFile(filepath.Base(f)) {
				return &LayoutError{Dir: s.dir, Table: t, Batch: f, Want: "per-document"}
			}
		}
	}
	return nil
}

func (s *localSink) path(table, docID string) string {
	return filepath.Join(s.dir, table, DocFile(docID))
}

// PutDocument writes each table's file through internal/atomicfile (a
// temporary file in the table folder, fsynced, renamed over the name, the
// folder fsynced), reports last; a table without rows loses its old file.
func (s *localSink) PutDocument(ctx context.Context, b *schema.Batch) error {
	id, parts, err := encodeDocument(b, s.version)
	if err != nil {
		return fmt.Errorf("%w (dataset %s)", err, s.dir)
	}
	return putParts(ctx, parts, func(ctx context.Context, p docPart) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		path := s.path(p.table, id)
		if p.data == nil {
			err := os.Remove(path)
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			if err == nil {
				err = atomicfile.SyncDir(filepath.Dir(path))
			}
			if err != nil {
				return fmt.Errorf("dataset %s: removing %s's old %s: %w", s.dir, id, p.table, err)
			}
			return nil
		}
		if err := atomicfile.Write(path, p.data); err != nil {
			return fmt.Errorf("dataset %s: writing %s: %w", s.dir, filepath.Join(p.table, DocFile(id)), err)
		}
		return nil
	})
}

func (s *localSink) Has(ctx context.Context, docID string) (string, error) {
	if err := checkDocID(docID); err != nil {
		return "", err
	}
	f, err := os.Open(s.path(schema.TableReports, docID))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("dataset %s: %w", s.dir, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("dataset %s: %w", s.dir, err)
	}
	v, err := docVersion(f, st.Size())
	if err != nil {
		return "", fmt.Errorf("dataset %s: reading %s: %w", s.dir, filepath.Join(schema.TableReports, DocFile(docID)), err)
	}
	return v, nil
}

func (s *localSink) Close() error {
	var err error
	for _, f := range []**os.File{&s.sinks, &s.lock} {
		if *f == nil {
			continue
		}
		_ = unix.Flock(int((*f).Fd()), unix.LOCK_UN)
		if cerr := (*f).Close(); err == nil {
			err = cerr
		}
		*f = nil
	}
	return err
}

// layoutOf finds a batch file and a per-document file of table, if any.
func layoutOf(files []string) (batch, doc string) {
	for _, f := range files {
		if isDocFile(filepath.Base(f)) {
			if doc == "" {
				doc = f
			}
		} else if batch == "" && strings.HasSuffix(f, ".parquet") {
			batch = f
		}
	}
	return batch, doc
}
