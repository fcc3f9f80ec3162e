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

// notAReport reads the head of the file at path and says what it is when
// that is no report (extract.NotAReport), or "".
func notAReport(path string, size int64) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("cannot read file: %v", pathErr(err))
	}
	defer f.Close()
	head := make([]byte, extract.NotAReportHead)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return "", fmt.Errorf("cannot read file: %v", pathErr(err))
	}
	return extract.NotAReport(head[:n], int64(n) == size), nil
}

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
			return true, "quarantined before with this extractor version: " + d.Reason
		}
	}
	r.claimed[id] = path
	return false, ""
}

// hashBufs holds hashFile's read buffers: a fresh one per file was most of
// the import process's garbage (a 1 MB buffer for each, zeroed, then
// collected), so it cost more than the hashing of a small report.
var hashBufs = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

// hashFile is the DocID of a file, read in chunks (constant memory, and ctx
// is checked between chunks so a signal is honoured during a large file).
func hashFile(ctx context.Context, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return "", errors.New("cannot read file: permission denied")
		}
		return "", fmt.Errorf("cannot read file: %v", pathErr(err))
	}
	defer f.Close()
	h := sha256.New()
	bp := hashBufs.Get().(*[]byte)
	defer hashBufs.Put(bp)
	buf := *bp
	for {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		n, err := f.Read(buf)
		h.Write(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("cannot read file: %v", err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
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
	var err error
	if !r.named[path] {
		// A walked folder holds more than reports (code, data, images);
		// those are left out and listed, not turned into rows. A file the
		// user named is read whatever it looks like (docs/bulk.md).
		if what, err := notAReport(path, st.Size()); err != nil {
			return quarantine(err.Error())
		} else if what != "" {
			o.Status, o.Reason = StatusIgnored, "not a report: "+what
			return result{o: o, input: &catalog.Input{Path: path, Status: o.Status, Reason: o.Reason}}, nil, true
		}
	}
	var input *catalog.Input
	if c, ok := r.inputs[path]; ok && c.DocID != "" && c.Size == st.Size() && c.MtimeNS == st.ModTime().UnixNano() {
		o.DocID = c.DocID // unchanged since the last run: no need to read it to know it
	} else {
		if o.DocID, err = hashFile(ctx, path); err != nil {
			if ctx.Err() != nil {
				return result{o: o}, nil, true
			}
			return quarantine(err.Error())
		}
		input = &catalog.Input{Path: path, Size: st.Size(), MtimeNS: st.ModTime().UnixNano(), DocID: o.DocID}
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
