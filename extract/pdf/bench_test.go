package pdf

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// benchFiles are the text-layer fixtures and the corpus: what both readers
// can read (the scan needs OCR, enc-user a password).
func benchFiles(b *testing.B) (files []string, pages int) {
	names := []string{"report-chromium.pdf", "report-libreoffice.pdf", "twocol-chromium.pdf", "table-chromium.pdf",
		"table-libreoffice.pdf", "table-cairo.pdf", "table-gs.pdf", "table-xobject.pdf"}
	for _, n := range names {
		files = append(files, fixture(b, n))
	}
	corpus, _ := filepath.Glob(filepath.Join(corpusDir, "*.pdf"))
	files = append(files, corpus...)
	for _, f := range files {
		pages += len(readFile(b, f).Pages)
	}
	return files, pages
}

// BenchmarkRead and BenchmarkPdftotext read the same files; compare their
// pages/s in one run:
//
//	go test -run XXX -bench 'Read$|Pdftotext' ./extract/pdf/
func BenchmarkRead(b *testing.B) {
	files, pages := benchFiles(b)
	data := make([][]byte, len(files))
	for i, f := range files {
		data[i], _ = os.ReadFile(f)
	}
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		for i, d := range data {
			if _, err := Read(context.Background(), files[i], d); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(pages*b.N)/time.Since(start).Seconds(), "pages/s")
}

// BenchmarkPdftotext runs poppler's pdftotext on each file, as a pipeline
// would (one process per document).
func BenchmarkPdftotext(b *testing.B) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		b.Skip("pdftotext not installed (Debian: poppler-utils)")
	}
	files, pages := benchFiles(b)
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		for _, f := range files {
			if out, err := exec.Command("pdftotext", "-q", f, "-").Output(); err != nil && len(out) == 0 {
				b.Fatalf("pdftotext %s: %v", f, err)
			}
		}
	}
	b.ReportMetric(float64(pages*b.N)/time.Since(start).Seconds(), "pages/s")
}
