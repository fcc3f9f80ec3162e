package pipeline

import "os"

// maybeRunIngestChild is the crash test's child mode: the test binary runs
// one ingest and exits, so the test can kill it with SIGKILL.
func maybeRunIngestChild() {
	out := os.Getenv("ZIPIN_TEST_INGEST_OUT")
	if out == "" {
		return
	}
	os.Exit(0)
}
