// Package testenv holds what zipin's tests share about where they run: the
// evaluation corpus outside the repository, the PostgreSQL server, the S3
// server scripts/test.sh starts, and the switch that turns on the slow,
// thorough tests.
//
//	ZIPIN_CORPUS=dir  the shared corpus (default ../shared/corpus beside the
//	                  repository; a relative dir is read from the repository root)
//	ZIPIN_SLOW=1      run the slow tests too (scripts/test.sh, so CI, sets it)
//	ZIPIN_POSTGRES_URL=url  the PostgreSQL server tests make their databases on
//	                  (default DefaultPostgres: 127.0.0.1:5432, user postgres, trust)
//	ZIPIN_S3_ENDPOINT=http://127.0.0.1:PORT, ZIPIN_S3_ACCESS_KEY,
//	ZIPIN_S3_SECRET_KEY, ZIPIN_S3_REGION (default us-east-1)
//	                  an S3-compatible server on loopback (scripts/test.sh
//	                  starts versitygw and sets them)
//	CI=...            a missing corpus, server or program (Missing, Tool) fails
//	                  the tests that need it instead of skipping them
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
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
		Missing(t, "corpus not present: %v (set ZIPIN_CORPUS to the shared corpus)", err)
	}
	return p
}

// Missing ends a test that needs something this machine lacks: it is
// skipped with the message (format and args as in fmt.Sprintf), which should
// say what to install or set, or fails with it when CI is set: a CI run whose
// tests all skipped would report ok having checked nothing.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	why := fmt.Sprintf(format, args...)
	if os.Getenv("CI") != "" {
		t.Fatalf("%s (CI is set, so a missing dependency fails rather than skips)", why)
	}
	t.Skip(why)
}

// Tool returns the path of the first of names found on PATH (alternatives
// of one program, as chromium and google-chrome). When none is there the
// test ends through Missing, naming the programs and pkg, the Debian
// package(s) that install them ("poppler-utils").
func Tool(t testing.TB, pkg string, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	Missing(t, "%s not found on PATH (Debian: apt-get install %s)", strings.Join(names, " or "), pkg)
	return ""
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

// S3Server is the S3 server a test uses, with a bucket of its own.
type S3Server struct {
	Endpoint  string // http://127.0.0.1:PORT
	AccessKey string
	SecretKey string
	Region    string
	Bucket    string        // created for this test, emptied and removed after it
	Client    *minio.Client // path-style, for the test's own checks
}

// URL is the s3:// URL of prefix in the test's bucket.
func (s *S3Server) URL(prefix string) string { return "s3://" + s.Bucket + "/" + prefix }

// S3 returns the S3 server of ZIPIN_S3_ENDPOINT with a fresh bucket, and
// sets the standard AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and AWS_REGION for the test, as a deployment would.
// Without the server the test is skipped with a message, or fails when CI is
// set: a CI run whose S3 tests all skipped would report ok having checked
// nothing.
func S3(t testing.TB) *S3Server {
	t.Helper()
	s := &S3Server{
		Endpoint:  os.Getenv("ZIPIN_S3_ENDPOINT"),
		AccessKey: os.Getenv("ZIPIN_S3_ACCESS_KEY"),
		SecretKey: os.Getenv("ZIPIN_S3_SECRET_KEY"),
		Region:    os.Getenv("ZIPIN_S3_REGION"),
	}
	if s.Endpoint == "" {
		Missing(t, "no S3 server: set ZIPIN_S3_ENDPOINT, ZIPIN_S3_ACCESS_KEY and ZIPIN_S3_SECRET_KEY (scripts/test.sh starts versitygw)")
	}
	if s.Region == "" {
		s.Region = "us-east-1"
	}
	u, err := url.Parse(s.Endpoint)
	if err != nil || u.Host == "" {
		t.Fatalf("ZIPIN_S3_ENDPOINT %q: want http://host:port", s.Endpoint)
	}
	s.Client, err = minio.New(u.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(s.AccessKey, s.SecretKey, ""),
		Secure:       u.Scheme == "https",
		Region:       s.Region,
		BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		t.Fatal(err)
	}
	var r [6]byte
	_, _ = rand.Read(r[:])
	s.Bucket = "zipin-test-" + hex.EncodeToString(r[:])
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.Client.MakeBucket(ctx, s.Bucket, minio.MakeBucketOptions{Region: s.Region}); err != nil {
		t.Fatalf("S3 server %s: creating bucket %s: %v", s.Endpoint, s.Bucket, err)
	}
	t.Logf("S3 server %s, bucket %s", s.Endpoint, s.Bucket)
	t.Cleanup(func() {
		ctx := context.Background()
		for o := range s.Client.ListObjects(ctx, s.Bucket, minio.ListObjectsOptions{Recursive: true}) {
			if o.Err == nil {
				_ = s.Client.RemoveObject(ctx, s.Bucket, o.Key, minio.RemoveObjectOptions{})
			}
		}
		_ = s.Client.RemoveBucket(ctx, s.Bucket)
	})
	t.Setenv("AWS_ENDPOINT_URL", s.Endpoint)
	t.Setenv("AWS_ENDPOINT_URL_S3", "")
	t.Setenv("AWS_ACCESS_KEY_ID", s.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", s.SecretKey)
	t.Setenv("AWS_REGION", s.Region)
	return s
}
