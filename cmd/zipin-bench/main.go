// Command zipin-bench measures bulk ingest: it builds a corpus from the
// project's fixtures (text reports made multi-page with form feeds, and the
// test PDFs), each copy varied so that every document has its own doc_id,
// then prints in one run zipin's throughput and peak memory, the time of an
// idempotent re-run, and zipin's pages/s next to pdftotext's (and mutool's,
// where installed) on the same PDFs, all using every core, with the wall
// time and the CPU time of each process tree, and their ratios.
//
//	go run ./cmd/zipin-bench [-docs 400] [-pages 12] [-pdf-copies 20] [-jobs N]
//
// With -cold it prints only the cold start: one fresh process ingesting one
// small report into a fresh dataset, next to pdftotext on a one-page PDF.
//
//	go run ./cmd/zipin-bench -cold [-runs 5]
//
// With -queue it measures the import spread over `zipin worker` processes
// (issue 16, docs/scale-out.md): pages/s with 1, 2 and 4 worker processes on
// one PostgreSQL queue, the queue's cost per document (enqueue, claim, and
// the commit of the catalog record with the job's completion) next to the
// median document's extraction time, and the parent's
// CPU per document next to its workers' in a single-machine ingest. -postgres
// names the server (a fresh database is made per run and dropped after);
// -queue-out s3://bucket/prefix writes to object storage (AWS_ENDPOINT_URL
// and the other standard variables) instead of a local folder.
//
// Its corpus is by default issue 16's shape: -reports 100 report PDFs of
// -report-pages 10-45 pages (about 27 on average), rendered once by
// Chromium and LibreOffice from the fixtures' report pages and cached
// under -cache (reports.go). -corpus small is the bench's earlier corpus,
// generated 12-page text documents and copies of the 1-3-page fixture
// PDFs: the worst case for the ratios, whose denominator is one cheap
// document's extraction.
//
//	go run ./cmd/zipin-bench -queue [-reports 100 -report-pages 10-45 -seed 1] [-workers 1,2,4]
//	go run ./cmd/zipin-bench -queue -corpus small [-docs 40 -pages 12 -pdf-copies 3]
//
// It is a separate command, not a test, so CI's test run never pays for it.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

func main() {
	// Its own flag set: a package zipin links (through zipin/queue) defines
	// flags of its own on the default one, among them -dir.
	fs := flag.NewFlagSet(os.Args[0], flag.ExitOnError)
	var (
		docs       = fs.Int("docs", 400, "text documents to generate")
		pages      = fs.Int("pages", 12, "pages per text document (form-feed separated)")
		pdfCopies  = fs.Int("pdf-copies", 20, "varied copies of each fixture PDF")
		docxCopies = fs.Int("docx-copies", 10, "varied copies of each fixture DOCX")
		jobs       = fs.Int("jobs", runtime.NumCPU(), "--jobs for zipin and -P for pdftotext")
		dir        = fs.String("dir", "", "work folder (default: a temporary one, removed after)")
		zipin      = fs.String("zipin", "", "zipin binary (default: go build ./cmd/zipin)")
		root       = fs.String("root", ".", "the zipin repository (fixtures and sources)")
		isoCmp     = fs.Bool("compare-isolation", true, "also time the PDFs with --isolate none, to measure the cost of worker processes")
		cold       = fs.Bool("cold", false, "measure only the cold start (a fresh process, one small report)")
		runs       = fs.Int("runs", 5, "runs per cold-start figure (the median is printed)")
		queueMode  = fs.Bool("queue", false, "measure the import through the job queue with 1, 2 and 4 worker processes")
		postgres   = fs.String("postgres", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "-queue: the PostgreSQL server (a fresh database per run)")
		queueOut   = fs.String("queue-out", "", "-queue: the dataset, s3://bucket/prefix (default: local folders in the work folder)")
		workers    = fs.String("workers", "1,2,4", "-queue: the numbers of worker processes to measure")
		corpusKind = fs.String("corpus", "reports", "-queue: reports (multi-page report PDFs, issue 16's shape) or small (generated text and the tiny fixture PDFs: the worst case)")
		reports    = fs.Int("reports", 100, "-queue -corpus reports: report PDFs to render")
		repPages   = fs.String("report-pages", "10-45", "-queue -corpus reports: each report's length in pages, drawn uniformly from this range")
		seed       = fs.Uint64("seed", 1, "-queue -corpus reports: seed of the reports' lengths and contents (the corpus is cached per seed)")
		cacheDir   = fs.String("cache", defaultCache(), "-queue -corpus reports: where rendered corpora are kept between runs")
		steady     = fs.Int("steady", 4, "-queue: also import this many varied copies of the corpus at once, for the parent's CPU per document once its start-up is spread (0: not)")
	)
	fs.Parse(os.Args[1:])
	if *queueMode {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		// A smaller corpus by default: it is imported four times.
		if !set["docs"] {
			*docs = 40
		}
		if !set["pdf-copies"] {
			*pdfCopies = 3
		}
		counts, err := parseCounts(*workers)
		var c queueCorpus
		if err == nil {
			c, err = parseCorpus(*corpusKind, *repPages, *reports, *seed, *cacheDir, *docs, *pages, *pdfCopies)
		}
		if err == nil {
			err = withZipin(*root, *dir, *zipin, func(dir, zipin string) error {
				return queueBench(*root, dir, zipin, *postgres, *queueOut, c, counts, *steady)
			})
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "zipin-bench:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*root, *dir, *zipin, *docs, *pages, *pdfCopies, *docxCopies, *jobs, *isoCmp, *cold, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "zipin-bench:", err)
		os.Exit(1)
	}
}

// withZipin calls f with a work folder (dir, or a temporary one removed
// after) and a zipin binary (zipin, or one built from root into it).
func withZipin(root, dir, zipin string, f func(dir, zipin string) error) error {
	if dir == "" {
		d, err := os.MkdirTemp("", "zipin-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	if zipin == "" {
		zipin = filepath.Join(dir, "zipin")
		fmt.Println("building zipin …")
		cmd := exec.Command("go", "build", "-o", zipin, "./cmd/zipin")
		cmd.Dir, cmd.Stdout, cmd.Stderr = root, os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go build: %w", err)
		}
	}
	return f(dir, zipin)
}

func run(root, dir, zipin string, docs, pages, pdfCopies, docxCopies, jobs int, isoCmp, cold bool, runs int) error {
	return withZipin(root, dir, zipin, func(dir, zipin string) error {
		return runIn(root, dir, zipin, docs, pages, pdfCopies, docxCopies, jobs, isoCmp, cold, runs)
	})
}

func runIn(root, dir, zipin string, docs, pages, pdfCopies, docxCopies, jobs int, isoCmp, cold bool, runs int) error {
	fmt.Printf("%s, %d CPUs, load average %s\n", bytes.TrimSpace([]byte(version(zipin))), runtime.NumCPU(), loadavg())
	if err := coldStart(root, dir, zipin, runs); err != nil {
		return err
	}
	if cold {
		return nil
	}
	// A -dir kept from an earlier run would make every ingest below a
	// re-run that skips what it holds: start from nothing.
	for _, sub := range []string{"corpus", "out", "out-pdf", "out-pdf-none"} {
		if err := os.RemoveAll(filepath.Join(dir, sub)); err != nil {
			return err
		}
	}
	corpus := filepath.Join(dir, "corpus")
	textPages, err := makeText(root, filepath.Join(corpus, "text"), docs, pages)
	if err != nil {
		return err
	}
	nPDF, pdfPages, err := makePDF(root, filepath.Join(corpus, "pdf"), pdfCopies)
	if err != nil {
		return err
	}
	nDOCX, err := makeDOCX(root, filepath.Join(corpus, "docx"), docxCopies)
	if err != nil {
		return err
	}
	fmt.Printf("corpus: %d documents (%d text documents × %d pages = %d pages, %d PDFs with %d pages, %d DOCX)\n",
		docs+nPDF+nDOCX, docs, pages, textPages, nPDF, pdfPages, nDOCX)

	out := filepath.Join(dir, "out")
	first, err := ingest(zipin, out, jobs, "all", corpus)
	if err != nil {
		return err
	}
	again, err := ingest(zipin, out, jobs, "all", corpus)
	if err != nil {
		return err
	}
	pdfOut := filepath.Join(dir, "out-pdf")
	zp, err := ingest(zipin, pdfOut, jobs, "all", filepath.Join(corpus, "pdf"))
	if err != nil {
		return err
	}
	var zpNone *measure
	if isoCmp {
		if zpNone, err = ingest(zipin, filepath.Join(dir, "out-pdf-none"), jobs, "none", filepath.Join(corpus, "pdf")); err != nil {
			return err
		}
	}
	var tools []toolRun
	for _, t := range pdfTools {
		if _, err := exec.LookPath(t.bin); err != nil {
			continue
		}
		m, err := extractAll(t, filepath.Join(corpus, "pdf"), jobs)
		if err != nil {
			return err
		}
		tools = append(tools, toolRun{t.bin, m})
	}

	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	fmt.Fprintf(w, "\nzipin %s, %d jobs, %d CPUs\n", strings.TrimSpace(version(zipin)), jobs, runtime.NumCPU())
	fmt.Fprintf(w, "%-34s %6s %6s %8s %8s %12s %14s\n", "run", "docs", "pages", "seconds", "CPU s", "pages/s", "peak RSS MB")
	row := func(name string, m *measure) {
		fmt.Fprintf(w, "%-34s %6d %6d %8.2f %8.2f %12.1f %14s\n", name, m.docs, m.pages, m.wall.Seconds(), m.cpu.Seconds(), float64(m.pages)/m.wall.Seconds(), m.rss())
	}
	row("ingest, whole corpus", first)
	fmt.Fprintf(w, "%-34s %6d %6d %8.2f %8.2f %12s %14s   (extracted: %d)\n", "re-run, unchanged corpus", again.skipped, 0, again.wall.Seconds(), again.cpu.Seconds(), "-", again.rss(), again.docs)
	row("ingest, PDFs only", zp)
	if zpNone != nil {
		row("ingest, PDFs only, --isolate none", zpNone)
	}
	for _, t := range tools {
		fmt.Fprintf(w, "%-34s %6d %6d %8.2f %8.2f %12.1f %14s\n", fmt.Sprintf("%s (xargs -P %d)", t.name, jobs), nPDF, pdfPages, t.m.wall.Seconds(), t.m.cpu.Seconds(), float64(pdfPages)/t.m.wall.Seconds(), "-")
	}
	if len(tools) == 0 {
		fmt.Fprintln(w, "\nneither pdftotext nor mutool is installed (apt-get install poppler-utils mupdf-tools): no ratio")
		return nil
	}
	// Wall time is what a user waits for; CPU time (user+sys of the whole
	// process tree, from wait4) is what the run cost, and on a machine
	// shared with other work it moves far less from run to run.
	fmt.Fprintln(w)
	for _, t := range tools {
		fmt.Fprintf(w, "PDF pages/s, zipin ÷ %s: %.2f wall, %.2f CPU\n", t.name,
			(float64(zp.pages)/zp.wall.Seconds())/(float64(pdfPages)/t.m.wall.Seconds()),
			(float64(zp.pages)/zp.cpu.Seconds())/(float64(pdfPages)/t.m.cpu.Seconds()))
	}
	return nil
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}

func version(zipin string) string {
	b, _ := exec.Command(zipin, "--version").Output()
	return string(b)
}

// variants of a text page: each copy gets its own number, so doc_ids differ,
// and its amounts are scaled, so the facts differ too.
var amount = regexp.MustCompile(`\d+\.\d\d`)

func vary(text string, doc, page int) string {
	return varyAmounts(text, doc*7+page*3) + fmt.Sprintf("\n（基准测试副本 %d，第 %d 页）\n", doc, page)
}

// varyAmounts scales the n-th amount of text by 1 + ((k+n) mod 17)%.
func varyAmounts(text string, k int) string {
	n := 0
	return amount.ReplaceAllStringFunc(text, func(s string) string {
		n++
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return s
		}
		return strconv.FormatFloat(f*(1+float64((k+n)%17)/100), 'f', 2, 64)
	})
}

// textGlobs are the text fixtures makeText's documents are made of.
var textGlobs = []string{"samples/*.txt", "testdata/text/*.txt", "testdata/selfeval/*.txt"}

// textBases are the UTF-8 text fixtures matching globs under root, sorted.
func textBases(root string, globs []string) ([]string, error) {
	var bases []string
	for _, pat := range globs {
		m, _ := filepath.Glob(filepath.Join(root, pat))
		for _, p := range m {
			b, err := os.ReadFile(p)
			if err != nil || !utf8.Valid(b) || bytes.HasPrefix(b, []byte{0xef, 0xbb, 0xbf}) || len(b) < 200 {
				continue // the GBK, UTF-16 and BOM fixtures test decoding, not throughput
			}
			bases = append(bases, string(b))
		}
	}
	if len(bases) == 0 {
		return nil, fmt.Errorf("no UTF-8 text fixtures under %s", root)
	}
	sort.Strings(bases)
	return bases, nil
}

func makeText(root, dir string, docs, pages int) (int, error) {
	bases, err := textBases(root, textGlobs)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	total := 0
	for d := 0; d < docs; d++ {
		var sb strings.Builder
		for p := 0; p < pages; p++ {
			if p > 0 {
				sb.WriteString("\f")
			}
			sb.WriteString(vary(bases[(d+p)%len(bases)], d, p))
		}
		total += pages
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("report-%05d.txt", d)), []byte(sb.String()), 0o644); err != nil {
			return 0, err
		}
	}
	return total, nil
}

// makePDF copies each readable fixture PDF with a comment (see varyPDF),
// which readers ignore and which changes the doc_id. The scanned PDF (which needs
// OCR, where pdftotext outputs nothing) and the password-protected ones are
// left out, so both tools do the same work.
func makePDF(root, dir string, copies int) (int, int, error) {
	var srcs []string
	for _, pat := range []string{"testdata/pdf/*.pdf", "samples/*.pdf"} {
		m, _ := filepath.Glob(filepath.Join(root, pat))
		for _, p := range m {
			base := filepath.Base(p)
			if strings.Contains(base, "scan") || strings.HasSuffix(base, "-user.pdf") && !strings.Contains(base, "empty-user") {
				continue
			}
			srcs = append(srcs, p)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, 0, err
	}
	n, pages := 0, 0
	seen := map[string]bool{}
	for _, src := range srcs {
		b, err := os.ReadFile(src)
		if err != nil {
			return 0, 0, err
		}
		if seen[string(b)] {
			continue // a sample that is also a test fixture
		}
		seen[string(b)] = true
		np := pdfPages(src)
		if np == 0 {
			continue
		}
		for c := 0; c < copies; c++ {
			v := varyPDF(b, c)
			name := fmt.Sprintf("%s-%03d.pdf", strings.TrimSuffix(filepath.Base(src), ".pdf"), c)
			if err := os.WriteFile(filepath.Join(dir, name), v, 0o644); err != nil {
				return 0, 0, err
			}
			n++
			pages += np
		}
	}
	return n, pages, nil
}

// varyPDF puts a comment line just before the final %%EOF: the cross-
// reference offsets, which all point earlier, stay right, and readers that
// look for %%EOF at the very end still find it.
func varyPDF(b []byte, c int) []byte {
	i := bytes.LastIndex(b, []byte("%%EOF"))
	if i < 0 {
		i = len(b)
	}
	v := append([]byte(nil), b[:i]...)
	v = append(v, fmt.Sprintf("%% zipin-bench copy %d\n", c)...)
	return append(v, b[i:]...)
}

func pdfPages(path string) int {
	out, err := exec.Command("pdfinfo", path).Output()
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(out), "\n") {
		if rest, ok := strings.CutPrefix(l, "Pages:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(rest))
			return n
		}
	}
	return 0
}

type measure struct {
	wall, cpu            time.Duration
	docs, skipped, pages int
	// treeKB is the peak of zipin's RSS plus its workers', sampled every
	// 50 ms; selfKB and workerKB are the peaks zipin reports itself.
	treeKB, selfKB, workerKB int64
}

func (m *measure) rss() string {
	return fmt.Sprintf("%d (%d+%d)", m.treeKB>>10, m.selfKB>>10, m.workerKB>>10)
}

var (
	docsLine  = regexp.MustCompile(`documents: (\d+) ok, (\d+) skipped`)
	pagesLine = regexp.MustCompile(`read\s+(\d+) documents \([^)]*\), (\d+) pages`)
	rssLine   = regexp.MustCompile(`peak RSS\s+(\d+) MB \(this process\), (\d+) MB`)
)

func ingest(zipin, out string, jobs int, isolation, in string) (*measure, error) {
	m, _, err := ingestOut(zipin, out, jobs, isolation, in)
	return m, err
}

// ingestOut is ingest that also returns zipin's summary (stdout).
func ingestOut(zipin, out string, jobs int, isolation, in string) (*measure, string, error) {
	cmd := exec.Command(zipin, "ingest", "--out", out, "--jobs", strconv.Itoa(jobs), "--isolate", isolation, "--progress", "none", in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	var peak atomic.Int64
	stop := make(chan struct{})
	go func() {
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if kb := treeRSS(cmd.Process.Pid); kb > peak.Load() {
					peak.Store(kb)
				}
			}
		}
	}()
	err := cmd.Wait()
	close(stop)
	m := &measure{wall: time.Since(start), treeKB: peak.Load(), cpu: cpuOf(cmd.ProcessState)}
	if ee, ok := err.(*exec.ExitError); err != nil && !(ok && ee.ExitCode() == 1) {
		return nil, "", fmt.Errorf("zipin ingest %s: %v\n%s", in, err, tailOf(stderr.String()))
	}
	s := stdout.String()
	if g := docsLine.FindStringSubmatch(s); g != nil {
		ok, _ := strconv.Atoi(g[1])
		m.skipped, _ = strconv.Atoi(g[2])
		m.docs = ok
	}
	if g := pagesLine.FindStringSubmatch(s); g != nil {
		m.docs, _ = strconv.Atoi(g[1])
		m.pages, _ = strconv.Atoi(g[2])
	}
	if g := rssLine.FindStringSubmatch(s); g != nil {
		a, _ := strconv.ParseInt(g[1], 10, 64)
		b, _ := strconv.ParseInt(g[2], 10, 64)
		m.selfKB, m.workerKB = a<<10, b<<10
	}
	return m, s, nil
}

func tailOf(s string) string {
	if len(s) > 2000 {
		return "…" + s[len(s)-2000:]
	}
	return s
}

// treeRSS sums VmRSS (KiB) of pid and its direct children (the workers).
func treeRSS(pid int) int64 {
	total := statusKB(pid, "VmRSS:")
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		c, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// Fields after the command name, which is in parentheses.
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			total += statusKB(c, "VmRSS:")
		}
	}
	return total
}

func statusKB(pid int, field string) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, field); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// pdfTool is a text extractor zipin is compared with: bin, and the shell
// command that extracts "$f" to nowhere.
type pdfTool struct{ bin, each string }

var pdfTools = []pdfTool{
	{"pdftotext", `pdftotext -q "$f" /dev/null`},
	{"mutool", `mutool draw -q -F txt -o /dev/null "$f" 2>/dev/null`},
}

type toolRun struct {
	name string
	m    *measure
}

// extractAll extracts every PDF in dir with -P jobs processes and returns
// the wall time and the CPU time of the whole process tree.
func extractAll(t pdfTool, dir string, jobs int) (*measure, error) {
	start := time.Now()
	cmd := exec.Command("sh", "-c", fmt.Sprintf(`find %q -name '*.pdf' -print0 | xargs -0 -P %d -n 4 sh -c 'for f; do %s; done' _`, dir, jobs, t.each))
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s: %w", t.bin, err)
	}
	return &measure{wall: time.Since(start), cpu: cpuOf(cmd.ProcessState)}, nil
}

// cpuOf is the user+sys time of a finished process and of every descendant
// it waited for (wait4's rusage counts them).
func cpuOf(ps *os.ProcessState) time.Duration {
	if ps == nil {
		return 0
	}
	return ps.UserTime() + ps.SystemTime()
}
