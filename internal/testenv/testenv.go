// Package testenv holds what zipin's tests share about where they run: the
// evaluation corpus outside the repository, the PostgreSQL server, and the
// switch that turns on the slow, thorough tests.
//
//	ZIPIN_CORPUS=dir  the shared corpus (default ../shared/corpus beside the
//	                  repository; a relative dir is read from the repository root)
//	ZIPIN_SLOW=1      run the slow tests too (scripts/test.sh, so CI, sets it)
//	ZIPIN_POSTGRES_URL=url  the PostgreSQL server tests make their databases on
//	                  (default DefaultPostgres: 127.0.0.1:5432, user postgres, trust)
//	CI=...            a missing corpus or server fails the tests that need it
//	                  instead of skipping them
package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Root returns the repository root: the nearest folder above the working
// directory (a test's package folder) that holds go.mod.
func Root(t testing.TB) string {
	t.Helper()
	root, err := findRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod above %s", dir)
		}
	}
}

// CorpusPath returns where the corpus's sub should be, without checking
// that it is there (for fuzz seeds and benchmarks that look for it
// themselves); root is the repository root, "" for the nearest above the
// working directory.
func CorpusPath(sub string) string {
	base := os.Getenv("ZIPIN_CORPUS")
	if base == "" {
		base = filepath.Join("..", "shared", "corpus")
	}
	if !filepath.IsAbs(base) {
		if root, err := findRoot(); err == nil {
			base = filepath.Join(root, base)
		}
	}
	return filepath.Join(base, sub)
}

// Corpus returns the folder sub (e.g. "seed", "real/gold.jsonl") of the
// shared evaluation corpus. When it is missing the test is skipped, with the
// path it looked at, or fails when CI is set: a CI run whose corpus tests all
// skipped would report ok having checked nothing.
func Corpus(t testing.TB, sub string) string {
	t.Helper()
	p := CorpusPath(sub)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("corpus missing in CI: %v (set ZIPIN_CORPUS)", err)
		}
		t.Skipf("corpus not present: %v (set ZIPIN_CORPUS to the shared corpus)", err)
	}
	return p
}

// Slow skips the test unless ZIPIN_SLOW=1; why says what makes it slow.
// The default `go test ./...` stays within minutes on two cores, and
// scripts/test.sh runs everything.
func Slow(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("ZIPIN_SLOW") != "1" {
		t.Skipf("slow (%s): set ZIPIN_SLOW=1 to run it", why)
	}
}
