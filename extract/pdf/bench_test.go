package pdf

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"zipin/extract/doc"
	"zipin/internal/testenv"
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
	// A file zipin reads by OCR would time tesseract, and pdftotext cannot
	// OCR at all: the comparison is of text layers only.
	// Without tesseract such a file is quarantined (or keeps a page without
	// text), which leaves it out all the same.
	kept := files[:0]
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		d, err := Read(context.Background(), f, data)
		if errors.Is(err, doc.ErrToolMissing) {
			continue
		}
		if err != nil {
			b.Fatalf("%s: %v", f, err)
		}
		if slices.ContainsFunc(d.Pages, func(p doc.Page) bool { return p.Method == methodOCR }) {
			continue
		}
		kept = append(kept, f)
		pages += len(d.Pages)
	}
	return kept, pages
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
	testenv.Tool(b, "poppler-utils", "pdftotext")
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

// TestRecoveryVsPdftotext logs, per corpus file, the share of expected CJK
// characters each reader recovers in order (-v to see the table), and
// requires zipin to recover all of them.
func TestRecoveryVsPdftotext(t *testing.T) {
	testenv.Tool(t, "poppler-utils", "pdftotext")
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.pdf"))
	if len(files) == 0 {
		t.Skipf("shared corpus not found at %s", corpusDir)
	}
	// A subtest per file, so that one needing a program this machine lacks
	// (tesseract) skips alone.
	for _, f := range files {
		want, err := os.ReadFile(f[:len(f)-4] + ".expected.txt")
		if err != nil {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			w := cjkOf(string(want))
			out, _ := exec.Command("pdftotext", "-q", f, "-").Output()
			ours := inOrder(w, cjkOf(docText(readFile(t, f))))
			theirs := inOrder(w, cjkOf(string(out)))
			t.Logf("%-24s zipin %5.1f%%  pdftotext %5.1f%%", filepath.Base(f), ours*100, theirs*100)
			if ours != 1 {
				t.Errorf("%s: zipin recovers %.1f%%", f, ours*100)
			}
		})
	}
	dir := t.TempDir()
	for _, c := range tierCases(t) {
		p := filepath.Join(dir, c.name+".pdf")
		os.WriteFile(p, c.pdf, 0o644)
		out, _ := exec.Command("pdftotext", "-q", p, "-").Output()
		w := cjkOf(c.want)
		ours := inOrder(w, cjkOf(docText(readFile(t, p))))
		t.Logf("%-24s zipin %5.1f%%  pdftotext %5.1f%%  (byte-built tier test)", c.name, ours*100, inOrder(w, cjkOf(string(out)))*100)
	}
}

// inOrder is the share of want's runes found in got as a subsequence.
func inOrder(want, got string) float64 {
	w, g := []rune(want), []rune(got)
	if len(w) == 0 {
		return 1
	}
	j, n := 0, 0
	for _, r := range w {
		for k := j; k < len(g); k++ {
			if g[k] == r {
				n, j = n+1, k+1
				break
			}
		}
	}
	return float64(n) / float64(len(w))
}
