package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
	"time"
	"zipin/catalog"
	"zipin/extract"
	"zipin/version"
)

// skip decides, and claims, a document: the first path with given bytes in
// a run extracts them; later copies are skipped.
func (r *run) skip(id, path string) (bool, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if first, ok := r.claimed[id]; ok {
		return true, "same bytes as " + first
	}
	if !r.opts.Force {
		if p, ok := r.present[id]; ok && p.ExtractorVersion == version.Extractor {
			return true, "already in the dataset"
		}
		if d, ok := r.settled[id]; ok && !r.opts.RetryQuarantined {
			return true, ReasonQuarantinedBefore + d.Reason
		}
	}
	r.claimed[id] = path
	return false, ""
}

// hashBufs holds scanFile's read buffers: a fresh one per file was most of
// the import process's garbage (a 1 MB buffer for each, zeroed, then
// collected), so it cost more than the hashing of a small report.
var hashBufs = sync.Pool{New: func() any { b := make([]byte, max(256<<10, extract.NotAReportHead)); return &b }}

// scanFile reads the file at path (size bytes when stat'ed) once for the
// decisions before any work: with kind, what it is when its head shows it
// is no report (extract.NotAReport; then it is not hashed); with hash, its
// DocID, read in chunks (constant memory, and ctx is checked between chunks
// so a signal is honoured during a large file). One open and one read of
// the head serve both.
func scanFile(ctx context.Context, path string, size int64, kind, hash bool) (what, id string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", "", fmt.Errorf("cannot read file: %v", pathErr(err))
	}
	defer f.Close()
	bp := hashBufs.Get().(*[]byte)
	defer hashBufs.Put(bp)
	buf := *bp
	// The head: the whole of a smaller file, so NotAReport knows it is whole.
	n, err := io.ReadFull(f, buf[:extract.NotAReportHead])
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return "", "", fmt.Errorf("cannot read file: %v", pathErr(err))
	}
	if kind {
		if what = extract.NotAReport(buf[:n], int64(n) == size); what != "" || !hash {
			return what, "", nil
		}
	}
	h := sha256.New()
	h.Write(buf[:n])
	for n == extract.NotAReportHead {
		if err := ctx.Err(); err != nil {
			return "", "", err
		}
		m, err := f.Read(buf)
		h.Write(buf[:m])
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", "", fmt.Errorf("cannot read file: %v", err)
		}
	}
	return "", hex.EncodeToString(h.Sum(nil)), nil
}

// readFile reads a regular file without blocking on special files.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return nil, errors.New("cannot read file: permission denied")
		}
		return nil, fmt.Errorf("cannot read file: %v", pathErr(err))
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("cannot read file: %v", err)
	}
	return data, nil
}

// pathErr is the cause of a path error without the path (the outcome names
// the file already).
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// sizeMB writes a byte count in MB for a reason.
func sizeMB(n int64) string {
	if n < 10<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d MB", n>>20)
}

// claim takes the decisions on one file that come before any work: it is
// refused unread (not a regular file, too large, no report in a walked
// folder), identified by its bytes (from the input cache when unchanged),
// then claimed or skipped (skip). With done, res is the document's final
// result (or, cut short by ctx, one left unrecorded); otherwise the
// document is claimed for this call and st is its file's info.
func (r *run) claim(ctx context.Context, path string) (res result, st fs.FileInfo, done bool) {
	o := Outcome{Source: path}
	if n := r.opts.SourceNames[path]; n != "" {
		o.Source = n
	}
	quarantine := func(reason string) (result, fs.FileInfo, bool) {
		return quarantined(o, path, reason), nil, true
	}
	t0 := time.Now()
	st, why := r.refuse(path)
	if why != "" {
		return quarantine(why)
	}
	o.Size = st.Size()
	// A walked folder holds more than reports (code, data, images); those
	// are left out and listed, not turned into rows. A file the user named
	// is read whatever it looks like (docs/bulk.md).
	kind := !r.named[path]
	c, ok := r.inputs[path]
	cached := ok && c.DocID != "" && c.Size == st.Size() && c.MtimeNS == st.ModTime().UnixNano()
	var input *catalog.Input
	if kind || !cached {
		what, id, err := scanFile(ctx, path, st.Size(), kind, !cached)
		switch {
		case err != nil && ctx.Err() != nil:
			return result{o: o}, nil, true
		case err != nil:
			return quarantine(err.Error())
		case what != "":
			o.Status, o.Reason = StatusIgnored, "not a report: "+what
			return result{o: o, input: &catalog.Input{Path: path, Status: o.Status, Reason: o.Reason}}, nil, true
		}
		if !cached {
			o.DocID = id
			input = &catalog.Input{Path: path, Size: st.Size(), MtimeNS: st.ModTime().UnixNano(), DocID: o.DocID}
		}
	}
	if cached {
		o.DocID = c.DocID // unchanged since the last run: no need to read it to know it
	}
	if skip, why := r.skip(o.DocID, path); skip {
		o.Status, o.Reason = StatusSkipped, why
		return result{o: o, input: input}, nil, true
	}
	o.Read = time.Since(t0)
	return result{o: o, input: input}, st, false
}

// refuse stats path and says why it is refused unread, or "" with its
// info: it cannot be stat'ed, is not a regular file, or is larger than
// MaxInput.
func (r *run) refuse(path string) (fs.FileInfo, string) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Sprintf("cannot read file: %v", pathErr(err))
	}
	if !st.Mode().IsRegular() {
		// A FIFO would block the reader for ever; a device is no document.
		return nil, fmt.Sprintf("cannot read file: not a regular file (%s)", st.Mode().Type())
	}
	if r.opts.MaxInput > 0 && st.Size() > r.opts.MaxInput {
		// Refused unread: hashing it would cost seconds, reading it memory.
		return nil, fmt.Sprintf("input too large: %s, more than the %s limit (--max-input)", sizeMB(st.Size()), sizeMB(r.opts.MaxInput))
	}
	return st, ""
}

// quarantined is o quarantined for reason, with its input-cache entry.
func quarantined(o Outcome, path, reason string) result {
	o.Status, o.Reason = StatusQuarantined, reason
	return result{o: o, input: &catalog.Input{Path: path, Status: o.Status, Reason: reason}}
}
