package main

import (
	"fmt"
	"os"
	"runtime/pprof"

	"zipin/isolate"
)

// startCPUProfile writes a CPU profile of this process to $ZIPIN_CPUPROFILE
// when it is set (a worker process writes <file>.worker-<pid>), for the
// per-stage breakdown in docs/throughput.md. It returns the function that
// stops and flushes the profile.
func startCPUProfile() (stop func()) {
	path := os.Getenv("ZIPIN_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	if os.Getenv(isolate.EnvWorker) == "1" {
		path = fmt.Sprintf("%s.worker-%d", path, os.Getpid())
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "zipin: cpu profile:", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintln(os.Stderr, "zipin: cpu profile:", err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
