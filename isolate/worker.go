package isolate

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Config says how to start and limit a child.
type Config struct {
	// Command is the child's argv. Empty means this executable with the
	// hidden subcommand "__worker".
	Command []string
	// MemoryLimit is the memory a child may map beyond what it has at
	// start-up, in bytes, enforced with RLIMIT_AS; 0 means no cap.
	MemoryLimit int64
	// MaxDocs restarts the child after this many documents, so slow leaks in
	// a parser cannot accumulate; 0 means never.
	MaxDocs int
}

// DefaultMemoryLimit is room for one large document.
const DefaultMemoryLimit = 1 << 30

// Worker supervises one child process. It is not safe for concurrent use:
// each goroutine of a pool owns one Worker.
type Worker struct {
	cfg Config

	cmd    *exec.Cmd
	in     *os.File
	fw     *frameWriter
	out    *os.File
	fr     *frameReader // a fresh pair per child: each holds its gob stream's state
	stderr *tail
	exited chan struct{}
	served int
	seq    uint64
	ooms   int64 // oomKills() when the child started

	// Starts counts child processes started, for the catalog and tests.
	Starts int
	// PeakRSSKB is the highest VmHWM any child of this Worker reported.
	PeakRSSKB int64
}

// NewWorker returns a Worker; the child starts on the first Do.
func NewWorker(cfg Config) *Worker { return &Worker{cfg: cfg} }

func (w *Worker) command() ([]string, error) {
	if len(w.cfg.Command) > 0 {
		return w.cfg.Command, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("isolate: finding the zipin executable: %w", err)
	}
	return []string{exe, "__worker"}, nil
}

func (w *Worker) start() error {
	if os.Getenv(EnvWorker) == "1" {
		// A worker never starts workers: if this executable was not a worker
		// after all, that would recurse without end.
		return errors.New("isolate: refusing to start a worker from inside a worker process")
	}
	if len(w.cfg.Command) == 0 && !registered {
		return errors.New("isolate: this executable cannot serve as a worker (isolate.Register was not called)")
	}
	argv, err := w.command()
	if err != nil {
		return err
	}
	inR, inW, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("isolate: %w", err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return fmt.Errorf("isolate: %w", err)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	// Few C malloc arenas (when cgo is linked): each reserves 64 MB of
	// address space, which counts against the cap.
	cmd.Env = append(os.Environ(), EnvWorker+"=1", EnvMemory+"="+strconv.FormatInt(w.cfg.MemoryLimit, 10), "MALLOC_ARENA_MAX=2")
	// Our own pipes rather than StdinPipe/StdoutPipe: Wait would close those
	// while a response might still be unread.
	cmd.Stdin, cmd.Stdout = inR, outW
	w.stderr = &tail{max: 4096}
	cmd.Stderr = w.stderr
	// The child dies with us, even on kill -9.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	err = cmd.Start()
	inR.Close()
	outW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		return fmt.Errorf("isolate: starting worker %s: %w", argv[0], err)
	}
	w.cmd, w.in, w.out = cmd, inW, outR
	w.fw, w.fr = newFrameWriter(bufio.NewWriter(inW)), newFrameReader(bufio.NewReader(outR))
	w.exited = make(chan struct{})
	w.served = 0
	w.ooms = oomKills()
	w.Starts++
	go func(exited chan struct{}) {
		_ = cmd.Wait()
		close(exited)
	}(w.exited)

	ch := make(chan error, 1)
	go func() {
		var r ready
		ch <- w.fr.read(&r)
	}()
	select {
	case err = <-ch:
	case <-time.After(readyTimeout):
		err = errors.New("no answer")
	}
	if err != nil {
		select {
		case <-w.exited:
		case <-time.After(time.Second):
		}
		w.kill()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			// Killed while starting (from outside: we kill only after this).
			err = fmt.Errorf("killed by signal %d (%s)", int(ws.Signal()), unix.SignalName(ws.Signal()))
		}
		return fmt.Errorf("isolate: worker %s did not start: %v: %s", filepath.Base(argv[0]), err, firstLines(w.stderr.String(), 1))
	}
	return nil
}

// PID is the running child's process id, or 0.
func (w *Worker) PID() int {
	if w.cmd == nil || w.cmd.Process == nil {
		return 0
	}
	return w.cmd.Process.Pid
}

// kill stops the child at once and waits for it.
func (w *Worker) kill() {
	if w.cmd == nil {
		return
	}
	_ = w.cmd.Process.Kill()
	<-w.exited
	w.release()
}

func (w *Worker) release() {
	w.in.Close()
	w.out.Close()
	w.cmd = nil
}

// Close ends the child: stdin EOF, then a kill if it does not leave promptly.
func (w *Worker) Close() error {
	if w.cmd == nil {
		return nil
	}
	w.in.Close()
	select {
	case <-w.exited:
		w.release()
	case <-time.After(5 * time.Second):
		w.kill()
	}
	return nil
}

type result struct {
	resp Response
	err  error
}

// Do extracts one document in the child within budget. A document that the
// child cannot survive (timeout, memory, crash) comes back as a Response with
// Unreadable set; the child is then replaced on the next call. An error means
// the worker itself could not run, or ctx ended.
func (w *Worker) Do(ctx context.Context, req Request, budget time.Duration) (Response, error) {
	if w.cmd == nil {
		if err := w.start(); err != nil {
			return Response{}, err
		}
	}
	w.seq++
	req.Seq, req.Budget = w.seq, budget
	ch := make(chan result, 1)
	go func(fr *frameReader) {
		var r Response
		err := fr.readResponse(&r)
		ch <- result{r, err}
	}(w.fr)
	if err := w.fw.write(req); err != nil {
		// The child died before reading; its exit says why.
		return w.crashed(ch), nil
	}
	var timeout <-chan time.Time
	if budget > 0 {
		t := time.NewTimer(budget)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case res := <-ch:
		if res.err != nil {
			return w.crashed(nil), nil
		}
		if res.resp.Seq != req.Seq {
			w.kill()
			return Response{}, fmt.Errorf("isolate: worker answered request %d to request %d", res.resp.Seq, req.Seq)
		}
		w.PeakRSSKB = max(w.PeakRSSKB, res.resp.PeakRSSKB)
		w.served++
		if w.cfg.MaxDocs > 0 && w.served >= w.cfg.MaxDocs {
			w.Close()
		}
		return res.resp, nil
	case <-timeout:
		w.kill()
		<-ch
		return Response{Unreadable: "exceeded " + FormatDuration(budget) + " (time budget per document)"}, nil
	case <-ctx.Done():
		w.kill()
		<-ch
		return Response{}, ctx.Err()
	}
}

// crashed waits for a dead child and turns its end into a quarantine reason:
// "exceeded 1024 MB" when the child ran out of its address space (the
// document's doing), "killed by signal 9" (Retryable: the kernel's OOM killer
// or an operator, nothing proven about the document yet), or the exit
// status and the first line the child wrote.
func (w *Worker) crashed(ch chan result) Response {
	select {
	case <-w.exited:
	case <-time.After(5 * time.Second):
		// A child that broke the protocol but lives on is killed.
	}
	cmd := w.cmd
	w.kill()
	if ch != nil {
		<-ch // the reader sees EOF once the child is gone
	}
	msg := w.stderr.String()
	low := strings.ToLower(msg)
	if strings.Contains(low, "out of memory") || strings.Contains(low, "cannot allocate memory") {
		return Response{Unreadable: fmt.Sprintf("exceeded %d MB (worker memory limit)", w.cfg.MemoryLimit>>20)}
	}
	how := "exited"
	if cmd != nil && cmd.ProcessState != nil {
		how = cmd.ProcessState.String()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			// Not our kill (that happens only on a timeout or the end of
			// the run, which never get here): from outside.
			by := ""
			if n := oomKills(); ws.Signal() == syscall.SIGKILL && w.ooms >= 0 && n > w.ooms {
				// The memory cgroup (a container's limit) ran out: the
				// document, or others' use of the machine.
				by = " from the kernel's OOM killer"
			}
			return Response{Unreadable: fmt.Sprintf("killed by signal %d (%s)%s", int(ws.Signal()), unix.SignalName(ws.Signal()), by), Retryable: ws.Signal() == syscall.SIGKILL}
		}
	}
	return Response{Unreadable: "worker crashed (" + how + "): " + firstLines(msg, 2)}
}

// FormatDuration writes a budget the way a user typed it: "2m", "90s", "1m30s".
func FormatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func firstLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	out := OneLine(strings.Join(lines, " | "), 200)
	if out == "" {
		return "no message"
	}
	return out
}

// tail keeps the first bytes a child wrote to stderr (where the Go runtime
// and panics put the reason), dropping the rest (stack traces).
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if room := t.max - len(t.buf); room > 0 {
		t.buf = append(t.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
