package pdf

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"zipin/extract/doc"
)

// FuzzRead: no input makes Read panic, hang, or fail with anything but a
// *doc.Unreadable; panics inside zipin's own code (recovered into warnings
// in production) fail the fuzzer too.
func FuzzRead(f *testing.F) {
	for _, dir := range []string{fixtureDir, corpusDir} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
				f.Add(b)
			}
		}
	}
	for _, b := range tierPDFs(f) {
		f.Add(b)
	}
	// The damage classes: an xref stream with offsets off, a NUL after
	// the header, a subsection at 2^32.
	f.Add(xrefStreamPDF(3, true))
	nul := twoPages()
	nul[8] = 0
	f.Add(nul)
	f.Add(bytes.Replace(twoPages(), []byte("xref\n0 8\n"), []byte("xref\n4294967296 8\n"), 1))
	f.Add(rc4Encrypt(twoPages(), 40))
	f.Add(rc4Encrypt(twoPages(), 128))
	// No OCR while fuzzing: spawning tesseract per input would measure
	// tesseract, not the reader. Restored for any test that runs after.
	path := os.Getenv("PATH")
	os.Setenv("PATH", "")
	f.Cleanup(func() { os.Setenv("PATH", path) })
	f.Fuzz(func(t *testing.T, data []byte) {
		var own string
		panicHook = func(p any, stack []byte) {
			if ownFrame(string(stack)) {
				own = string(stack)
			}
		}
		defer func() { panicHook = nil }()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		start := time.Now()
		// Big seeds make mutation and minimization crawl; small ones cover the
		// same code paths (the tier PDFs and the corpus files are a few KB).
		// A hang inside the PDF library never reaches the ctx checks; dump
		// every goroutine so the crasher shows where it spins.
		watchdog := time.AfterFunc(8*time.Second, func() {
			buf := make([]byte, 1<<20)
			panic("Read hung:\n" + string(buf[:runtime.Stack(buf, true)]))
		})
		d, err := Read(ctx, "fuzz.pdf", data)
		watchdog.Stop()
		if el := time.Since(start); el > 10*time.Second {
			t.Fatalf("Read took %v despite a 3s budget", el)
		}
		var u *doc.Unreadable
		if err != nil && !errors.As(err, &u) {
			t.Fatalf("error is not *doc.Unreadable: %v", err)
		}
		if err == nil && d == nil {
			t.Fatal("nil document without error")
		}
		if own != "" {
			t.Fatalf("panic in zipin code:\n%s", own)
		}
	})
}

// ownFrame reports whether the panic was raised in this package rather than
// inside the PDF library.
func ownFrame(stack string) bool {
	lines := strings.Split(stack, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "panic(") {
			for _, m := range lines[i+1:] {
				if strings.HasPrefix(m, "\t") || strings.HasPrefix(m, "runtime.") || strings.HasPrefix(m, "panic(") {
					continue
				}
				return strings.HasPrefix(m, "zipin/extract/pdf.")
			}
		}
	}
	return false
}
