package isolate

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"zipin/extract"
	"zipin/extract/doc"
	"zipin/schema"
)

// Environment variables the parent sets for the child.
const (
	// EnvWorker marks a process started as a worker. MaybeRunWorker keys on
	// it, so test binaries (which are not zipin) can serve as workers too.
	EnvWorker = "ZIPIN_WORKER"
	// EnvMemory is the child's address-space cap in bytes (RLIMIT_AS).
	EnvMemory = "ZIPIN_WORKER_MEMORY"
)

// registered says whether this program can serve as a worker: zipin
// registers its hidden "__worker" subcommand, tests call MaybeRunWorker. A
// program that has not (another package's test binary, say) must not be
// started as its own worker: it would run itself instead of serving.
var registered bool

// Register declares that running this executable with the argument
// "__worker" (or with EnvWorker=1 set, for tests) serves requests.
func Register() { registered = true }

// Available says whether the current executable can be started as a worker.
func Available() bool { return registered }

// Analyzer, when set, turns a document the child has read into its rows
// (Request.Analyze). Package pipeline sets it in an init function, so every
// program that ingests also serves whole documents in its workers. It returns
// a *doc.Unreadable error for a document to quarantine.
var Analyzer func(ctx context.Context, req Request, data []byte, d *doc.Document) (*schema.Batch, error)

// Warm, when set, runs in the child once before it reports ready and before
// its memory cap is set (package pipeline loads the segmenter's dictionary):
// the cost is paid once per child, outside any document's time budget, and
// the memory cap then measures what a document adds.
var Warm func()

// TestHook, when set, runs in the child on each document's bytes before
// extraction. Only test code sets it (from TestMain, before MaybeRunWorker),
// so no input can trigger it in a zipin binary.
var TestHook func(data []byte)

// MaybeRunWorker turns the current process into a worker and exits if the
// parent started it as one. Tests call it first thing in TestMain.
func MaybeRunWorker() {
	registered = true
	if os.Getenv(EnvWorker) == "1" {
		os.Exit(Main())
	}
}

// Main serves requests on stdin/stdout until stdin closes and returns the
// process exit status. It is the body of `zipin __worker`.
func Main() int {
	// The parent decides when a child ends (it closes stdin, or kills it;
	// the child dies with it in any case, Pdeathsig). A Ctrl-C at the
	// terminal or systemd's SIGTERM reaches the child too, and must not
	// kill the document a stopping worker is finishing.
	signal.Ignore(syscall.SIGINT, syscall.SIGTERM)
	// The protocol owns the real stdout. Anything a library prints goes to
	// stderr instead, where it cannot corrupt a frame.
	fd, err := unix.Dup(1)
	if err != nil {
		fmt.Fprintln(os.Stderr, "zipin worker: dup stdout:", err)
		return 2
	}
	if err := unix.Dup2(2, 1); err != nil {
		fmt.Fprintln(os.Stderr, "zipin worker: redirect stdout:", err)
		return 2
	}
	out := os.NewFile(uintptr(fd), "protocol")
	budget, _ := strconv.ParseInt(os.Getenv(EnvMemory), 10, 64)
	if Warm != nil {
		Warm()
	}
	var limit int64
	if budget > 0 {
		// The cap is relative to what the process has mapped at start-up:
		// the Go runtime (and C malloc arenas, when cgo is linked) reserve
		// hundreds of MB of address space they never touch, and how much
		// varies between builds, so an absolute cap would be either useless
		// or fatal to ordinary documents.
		limit = statusKB(os.Getpid(), "VmSize:")*1024 + budget
		// The Go heap is kept under the budget (beyond what Warm left), so
		// the GC works harder before the kernel refuses a mapping. A
		// document that needs more still dies, and the parent reports it.
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		debug.SetMemoryLimit(int64(ms.HeapInuse) + budget)
		if err := unix.Setrlimit(unix.RLIMIT_AS, &unix.Rlimit{Cur: uint64(limit), Max: uint64(limit)}); err != nil {
			fmt.Fprintln(os.Stderr, "zipin worker: setrlimit:", err)
			return 2
		}
	}
	if err := Serve(os.Stdin, out, limit); err != nil {
		fmt.Fprintln(os.Stderr, "zipin worker:", err)
		return 2
	}
	return 0
}

// Serve answers requests read from r on w until r reaches EOF.
func Serve(r io.Reader, w io.Writer, limit int64) error {
	fr, fw := newFrameReader(bufio.NewReader(r)), newFrameWriter(bufio.NewWriter(w))
	if err := fw.write(ready{PID: os.Getpid(), LimitAS: limit}); err != nil {
		return err
	}
	for {
		var req Request
		if err := fr.read(&req); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		resp := handle(req)
		if err := fw.writeResponse(resp); err != nil {
			return err
		}
	}
}

func handle(req Request) (resp Response) {
	resp = Response{Seq: req.Seq}
	defer func() {
		// A reader's bug (a nil pointer on a malformed part, an index out
		// of range) is the document's problem, not the worker's: one line
		// naming the reader, never a stack trace.
		if p := recover(); p != nil {
			resp.Doc, resp.Batch = nil, nil
			stage := "reading"
			if resp.Format != "" {
				stage = "reading the " + strings.ToUpper(resp.Format)
			}
			resp.Unreadable = fmt.Sprintf("internal error while %s: %s", stage, OneLine(fmt.Sprint(p), 200))
			resp.PeakRSSKB = PeakRSSKB(os.Getpid())
		}
	}()
	t0 := time.Now()
	data := req.Data
	if data == nil {
		var err error
		data, err = readRegular(req.Path)
		if err != nil {
			resp.Err = err.Error()
			return resp
		}
	}
	h := sha256.Sum256(data)
	resp.DocID, resp.Size = hex.EncodeToString(h[:]), int64(len(data))
	resp.ReadTime = time.Since(t0)
	if TestHook != nil {
		TestHook(data)
	}
	ctx := context.Background()
	if req.Budget > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, req.Budget)
		defer cancel()
	}
	resp.Format = string(extract.Detect(data))
	t1 := time.Now()
	d, err := extract.Read(ctx, req.Path, data)
	resp.Extract = time.Since(t1)
	if err == nil && req.Analyze {
		if Analyzer == nil {
			err = errors.New("this worker cannot analyze documents (no Analyzer registered)")
			resp.Err = err.Error()
			return resp
		}
		t2 := time.Now()
		resp.Batch, err = Analyzer(ctx, req, data, d)
		resp.Analyze = time.Since(t2)
	} else if err == nil {
		resp.Doc = d
	}
	var u *doc.Unreadable
	switch {
	case errors.As(err, &u):
		resp.Unreadable = u.Error()
	case err != nil:
		resp.Unreadable = err.Error()
	}
	if resp.Unreadable != "" && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		// A cooperative reader stopped at the deadline: the same reason
		// as when the parent has to kill the child.
		resp.Unreadable = "exceeded " + FormatDuration(req.Budget) + " (time budget per document)"
	}
	if resp.Unreadable != "" {
		resp.Batch = nil
		resp.Unreadable = OneLine(resp.Unreadable, 300)
	}
	resp.PeakRSSKB = PeakRSSKB(os.Getpid())
	return resp
}

// readRegular reads a regular file; a FIFO or device is refused rather than
// read, since reading it could block for ever.
func readRegular(path string) ([]byte, error) {
	// Stat before opening: opening a FIFO for reading blocks until a writer comes.
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file (%s)", path, st.Mode().Type())
	}
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// PeakRSSKB reads a process's peak resident set (VmHWM) in KiB, or 0.
func PeakRSSKB(pid int) int64 { return statusKB(pid, "VmHWM:") }

// statusKB reads one "kB" field of /proc/PID/status, or 0.
func statusKB(pid int, field string) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// readyTimeout bounds a child's start-up, Warm included (seconds of CPU,
// much longer on a machine at load 10).
var readyTimeout = 3 * time.Minute
