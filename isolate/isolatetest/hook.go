// Package isolatetest holds the test-only misbehaviours a worker child can be
// made to show. Only _test.go files import it, so a zipin binary never
// contains it and no document can trigger it in production.
package isolatetest

import (
	"bytes"
	"os"
	"syscall"
	"time"

	"zipin/isolate"
)

// Markers that, in a test worker, make the "parser" misbehave.
const (
	Loop  = "ZIPIN-TEST-LOOP"  // spins for ever
	Alloc = "ZIPIN-TEST-ALLOC" // allocates without bound
	Crash = "ZIPIN-TEST-CRASH" // exits abruptly
	Slow  = "ZIPIN-TEST-SLOW"  // takes 300 ms (to give kill -9 tests a window)
	Kill9 = "ZIPIN-TEST-KILL9" // SIGKILLs its own process, as the OOM killer would
	// Wait, followed by a path and a newline, holds the document until a
	// file exists at that path: a kill -9 test decides when the document
	// in hand may finish, not a clock.
	Wait = "ZIPIN-TEST-WAIT:"
)

// Install sets the hook and, if this process is a worker, serves and exits.
// Call it first thing in TestMain.
func Install() {
	isolate.TestHook = hook
	isolate.MaybeRunWorker()
}

var sink [][]byte

func hook(data []byte) {
	switch {
	case bytes.Contains(data, []byte(Loop)):
		for {
			time.Sleep(0) // a busy loop the scheduler can still preempt
		}
	case bytes.Contains(data, []byte(Alloc)):
		for {
			b := make([]byte, 64<<20)
			for i := range b {
				b[i] = byte(i)
			}
			sink = append(sink, b)
		}
	case bytes.Contains(data, []byte(Kill9)):
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	case bytes.Contains(data, []byte(Crash)):
		os.Exit(3)
	case bytes.Contains(data, []byte(Wait)):
		rest := data[bytes.Index(data, []byte(Wait))+len(Wait):]
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			rest = rest[:i]
		}
		for {
			if _, err := os.Stat(string(bytes.TrimSpace(rest))); err == nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	case bytes.Contains(data, []byte(Slow)):
		time.Sleep(300 * time.Millisecond)
	}
}
