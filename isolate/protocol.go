// Package isolate runs document parsing in child processes, in the manner of
// Apache Tika's "pipes": Go cannot stop a runaway goroutine, but it can kill a
// process. The parent (Worker) sends one Request per document over the
// child's stdin and reads one Response from its stdout; each frame is a
// 4-byte big-endian length followed by a gob-encoded value, and a
// Response's rows (its Batch) follow it in a frame of their own, in
// schema's binary encoding (schema.DecodeBatch). The child caps its
// own address space at startup; the parent enforces a time budget per
// document and restarts the child after a crash, a timeout or every N
// documents.
//
// When a program registers an Analyzer (package pipeline does), the child
// does the whole document — read, extract, analyze, build its rows — and the
// parent only commits the rows it gets back, so a poison document costs a
// child, never the parent's time or memory.
package isolate

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"fmt"
	"io"
	"time"

	"zipin/extract/doc"
	"zipin/schema"
)

// maxFrame bounds one frame, so a corrupted length cannot make the reader
// allocate without limit.
const maxFrame = 1 << 30

// Request asks the child to extract one document.
type Request struct {
	Seq  uint64
	Path string // the file to read; the child reads it itself
	// Data, if set, is the document itself and Path is only its name.
	Data []byte
	// Budget is the time the parent allows; the child uses it as a context
	// deadline so cooperative readers stop early.
	Budget time.Duration
	// Analyze asks for the document's rows (Response.Batch), not only the
	// extracted document; it needs a registered Analyzer.
	Analyze bool
	// SourceURL is where the harvester fetched the document, for its rows.
	SourceURL string
	// MaxFactsPerPage and MaxRowsBytes bound the rows of one document
	// (0: no bound); the Analyzer enforces them.
	MaxFactsPerPage int
	MaxRowsBytes    int64
}

// Response is the child's answer to one Request.
type Response struct {
	Seq   uint64
	DocID string // hex SHA-256 of the bytes the child read
	Size  int64
	Doc   *doc.Document // set when Request.Analyze is false
	// Batch is the document's rows, when Request.Analyze is set.
	Batch  *schema.Batch
	Format string // the detected format (doc.Format)
	// Unreadable is set when the document cannot be read (quarantine).
	Unreadable string
	// Err is set when the child could not do its job for a reason that is
	// not the document's fault (the file vanished, an I/O error).
	Err string
	// Retryable is set (with Unreadable) when the child died from outside
	// (SIGKILL: the kernel's OOM killer, an operator), which says nothing
	// of the document: the caller should try it again before quarantining.
	Retryable bool
	ReadTime  time.Duration
	Extract   time.Duration
	Analyze   time.Duration
	PeakRSSKB int64 // the child's VmHWM after this document
}

// ready is the child's first frame: it says the child started and set its limits.
type ready struct {
	PID     int
	LimitAS int64
}

// frameWriter writes one direction of a connection: each value is a frame,
// and the frames' payloads together are one gob stream, so a type's
// description goes over once per connection, not with every message (a
// fresh gob.Encoder per message made the parent compile the Response's
// decoder again for each document).
type frameWriter struct {
	bw  *bufio.Writer
	buf bytes.Buffer
	enc *gob.Encoder
}

func newFrameWriter(w *bufio.Writer) *frameWriter {
	f := &frameWriter{bw: w}
	f.enc = gob.NewEncoder(&f.buf)
	return f
}

func (f *frameWriter) write(v any) error {
	f.buf.Reset()
	f.buf.Write([]byte{0, 0, 0, 0})
	if err := f.enc.Encode(v); err != nil {
		return fmt.Errorf("isolate: encoding frame: %w", err)
	}
	return f.send()
}

// wireResponse is a Response as gob carries it: its Batch, if any, follows
// in a frame of its own (writeResponse).
type wireResponse struct {
	Response
	HasBatch bool
}

// writeResponse writes r: a gob frame without the rows, then, if r has
// rows, a frame of their schema encoding. Decoding that frame costs the
// parent (which decodes every document's rows) far less than gob's
// reflection, and its buffer becomes the batch's without a copy.
func (f *frameWriter) writeResponse(r Response) error {
	b := r.Batch
	r.Batch = nil
	if err := f.write(wireResponse{Response: r, HasBatch: b != nil}); err != nil || b == nil {
		return err
	}
	f.buf.Reset()
	o, err := b.AppendBinary(append(f.buf.AvailableBuffer(), 0, 0, 0, 0))
	if err != nil {
		return fmt.Errorf("isolate: encoding rows: %w", err)
	}
	f.buf.Write(o)
	return f.send()
}

// send writes the frame in buf, its length filled in.
func (f *frameWriter) send() error {
	b := f.buf.Bytes()
	if f.buf.Cap() > reuseFrame {
		f.buf = bytes.Buffer{} // do not hold a large document's buffer for the connection's life
	}
	if len(b)-4 > maxFrame {
		return fmt.Errorf("isolate: frame of %d bytes exceeds the %d-byte limit", len(b)-4, maxFrame)
	}
	binary.BigEndian.PutUint32(b, uint32(len(b)-4))
	if _, err := f.bw.Write(b); err != nil {
		return err
	}
	return f.bw.Flush()
}

// reuseFrame is the largest frame buffer kept for the next frame.
const reuseFrame = 4 << 20

// frameReader reads what a frameWriter wrote: one frame per value, decoded
// by one gob.Decoder for the connection. After an error the stream is
// unusable; the Worker kills the child and starts over with a fresh pair.
type frameReader struct {
	r       io.Reader
	b       []byte
	payload bytes.Reader // the current frame's bytes, the decoder's input
	dec     *gob.Decoder
}

func newFrameReader(r io.Reader) *frameReader {
	f := &frameReader{r: r}
	// *bytes.Reader is an io.ByteReader, so the decoder reads it directly
	// and never past the frame.
	f.dec = gob.NewDecoder(&f.payload)
	return f
}

func (f *frameReader) read(v any) error {
	n, err := f.header()
	if err != nil {
		return err
	}
	b := f.b
	if uint32(cap(b)) < n {
		b = make([]byte, n)
	}
	b = b[:n]
	if n <= reuseFrame {
		f.b = b // gob copies what it decodes: the buffer can take the next frame
	}
	if _, err := io.ReadFull(f.r, b); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	f.payload.Reset(b)
	if err := f.dec.Decode(v); err != nil {
		return fmt.Errorf("isolate: decoding frame: %w", err)
	}
	if f.payload.Len() != 0 {
		return fmt.Errorf("isolate: %d bytes left in a frame after its value", f.payload.Len())
	}
	return nil
}

// readResponse reads what writeResponse wrote. The rows' frame is read into
// a buffer of its own, which the decoded batch keeps (schema.DecodeBatch).
func (f *frameReader) readResponse(r *Response) error {
	var w wireResponse
	if err := f.read(&w); err != nil {
		return err
	}
	*r = w.Response
	if !w.HasBatch {
		return nil
	}
	n, err := f.header()
	if err != nil {
		return err
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(f.r, b); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	if r.Batch, err = schema.DecodeBatch(b); err != nil {
		return fmt.Errorf("isolate: %w", err)
	}
	return nil
}

// header reads a frame's length.
func (f *frameReader) header() (uint32, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(f.r, hdr[:]); err != nil {
		return 0, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n > maxFrame {
		return 0, fmt.Errorf("isolate: frame of %d bytes exceeds the %d-byte limit", n, maxFrame)
	}
	return n, nil
}
