// Command zipin-fuzz feeds the bulk importer mutated documents of every
// format and reports what became of them: that the import finishes, that
// every input ends ok or quarantined with a one-line reason, and which
// mutants cost a worker (crash, time budget, memory cap). Each mutant's seed
// is logged, so any one can be made again.
//
//	go run ./cmd/zipin-fuzz [-n 300] [-seed S] [-jobs N] [-timeout 30s] [-keep DIR]
//
// Seeds are the embedded sample reports (text, GBK text, PDF, DOCX, XLSX)
// and fixtures of testdata/ (PDFs from several producers, DOCX, XLSX and
// HTML), read from -root. Mutations: bit flips, truncation, inserted and
// deleted ranges, duplicated ranges, parser tokens written in; for DOCX and
// XLSX, half of the mutants change one part inside the package instead.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"zipin/isolate"
	"zipin/pipeline"
	"zipin/samples"
)

// config is one fuzz run.
type config struct {
	N       int    // mutated inputs in all, spread over the formats
	Seed    uint64 // the run's seed; mutant i uses Seed+i
	Jobs    int
	Timeout time.Duration
	Root    string // the repository, for testdata/ seeds ("" for samples only)
	Dir     string // work folder: mutants in Dir/in, the dataset in Dir/out
}

// finding is a mutant that cost its worker or broke a rule.
type finding struct {
	File, Format, How, Status, Reason string
	Seed                              uint64
}

// report is what a fuzz run found.
type report struct {
	Inputs   int
	ByFormat map[string]map[string]int // format → status → count
	Reasons  map[string]int            // reason (first 60 runes) → count
	Findings []finding
	Elapsed  time.Duration
	Parent   int64 // the import process's peak RSS, KiB
	Worker   int64 // the largest worker's, KiB
}

func main() {
	isolate.MaybeRunWorker()
	var cfg config
	var keep string
	flag.IntVar(&cfg.N, "n", 300, "mutated inputs in all, spread over the formats")
	flag.Uint64Var(&cfg.Seed, "seed", uint64(time.Now().UnixNano()), "seed of the run (mutant i uses seed+i)")
	flag.IntVar(&cfg.Jobs, "jobs", 0, "documents at once (default: one per CPU)")
	flag.DurationVar(&cfg.Timeout, "timeout", 30*time.Second, "time budget per document")
	flag.StringVar(&cfg.Root, "root", ".", "the zipin repository, for the testdata/ seeds")
	flag.StringVar(&keep, "keep", "", "keep the mutants and the dataset in this folder (default: a temporary one, removed)")
	flag.Parse()
	if keep != "" {
		cfg.Dir = keep
	} else {
		dir, err := os.MkdirTemp("", "zipin-fuzz-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "zipin-fuzz:", err)
			os.Exit(3)
		}
		defer os.RemoveAll(dir)
		cfg.Dir = dir
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Printf("zipin-fuzz: seed %d, %d inputs (replay with -seed %d -n %d)\n", cfg.Seed, cfg.N, cfg.Seed, cfg.N)
	rep, err := run(ctx, cfg)
	if rep != nil {
		rep.print(os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "zipin-fuzz:", err)
		os.Exit(3)
	}
	if len(rep.broken()) > 0 {
		os.Exit(1)
	}
}

// seedFiles returns the seed documents by format (the extension).
func seedFiles(root, tmp string) (map[string][][]byte, error) {
	out := map[string][][]byte{}
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return nil, err
	}
	paths, err := samples.WriteTo(tmp)
	if err != nil {
		return nil, err
	}
	if root != "" {
		for _, pat := range []string{"testdata/pdf/report-*.pdf", "testdata/pdf/table-*.pdf", "testdata/pdf/twocol-*.pdf",
			"testdata/office/*.docx", "testdata/office/*.xlsx", "testdata/office/*.html"} {
			m, _ := filepath.Glob(filepath.Join(root, pat))
			paths = append(paths, m...)
		}
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		ext := strings.TrimPrefix(filepath.Ext(p), ".")
		out[ext] = append(out[ext], b)
	}
	return out, nil
}

// run writes cfg.N mutants and ingests them.
func run(ctx context.Context, cfg config) (*report, error) {
	seeds, err := seedFiles(cfg.Root, filepath.Join(cfg.Dir, "seeds"))
	if err != nil {
		return nil, err
	}
	var formats []string
	for f := range seeds {
		formats = append(formats, f)
	}
	sort.Strings(formats)
	in := filepath.Join(cfg.Dir, "in")
	if err := os.MkdirAll(in, 0o755); err != nil {
		return nil, err
	}
	type mutant struct {
		format, how string
		seed        uint64
	}
	mutants := map[string]mutant{}
	for i := 0; i < cfg.N; i++ {
		seed := cfg.Seed + uint64(i)
		r := rand.New(rand.NewPCG(seed, 0x7a6970696e))
		format := formats[i%len(formats)]
		base := seeds[format][r.IntN(len(seeds[format]))]
		b, how := mutate(r, base)
		p := filepath.Join(in, fmt.Sprintf("m%05d.%s", i, format))
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return nil, err
		}
		mutants[p] = mutant{format, how, seed}
	}
	start := time.Now()
	sum, err := pipeline.Ingest(ctx, pipeline.Options{Out: filepath.Join(cfg.Dir, "out"), Jobs: cfg.Jobs,
		Timeout: cfg.Timeout, Isolate: pipeline.IsolateAll, FlushDocs: 50}, []string{in})
	if sum == nil {
		return nil, err
	}
	rep := &report{Inputs: cfg.N, ByFormat: map[string]map[string]int{}, Reasons: map[string]int{},
		Elapsed: time.Since(start), Parent: sum.PeakRSSKB, Worker: sum.WorkerPeakRSSKB}
	seen := map[string]bool{}
	for _, o := range sum.Outcomes {
		m, ok := mutants[o.Source]
		if !ok {
			continue
		}
		seen[o.Source] = true
		if rep.ByFormat[m.format] == nil {
			rep.ByFormat[m.format] = map[string]int{}
		}
		rep.ByFormat[m.format][string(o.Status)]++
		if o.Reason != "" && o.Status != pipeline.StatusOK {
			rep.Reasons[firstRunes(o.Reason, 60)]++
		}
		if costly(o) {
			rep.Findings = append(rep.Findings, finding{File: filepath.Base(o.Source), Format: m.format, How: m.how,
				Status: string(o.Status), Reason: o.Reason, Seed: m.seed})
		}
	}
	for p, m := range mutants {
		if !seen[p] {
			rep.Findings = append(rep.Findings, finding{File: filepath.Base(p), Format: m.format, How: m.how,
				Status: "missing", Reason: "no outcome for this input", Seed: m.seed})
		}
	}
	sort.Slice(rep.Findings, func(i, j int) bool { return rep.Findings[i].File < rep.Findings[j].File })
	return rep, err
}

// costly says whether an outcome is worth a look: the document cost its
// worker (a crash, the budget, the memory cap, a reader's panic), its reason
// breaks the rules of a reason, or it failed for a reason not its own.
func costly(o pipeline.Outcome) bool {
	switch {
	case o.Status == pipeline.StatusFailed:
		return true
	case strings.ContainsAny(o.Reason, "\n\r\x00") || strings.ContainsRune(o.Reason, '\uFFFD'):
		return true
	}
	for _, s := range []string{"worker crashed", "internal error", "exceeded", "killed by signal", "goroutine "} {
		if strings.Contains(o.Reason, s) {
			return true
		}
	}
	return false
}

// broken are the findings that break the importer's promises (as opposed
// to documents that cost their worker, which the worker is there for).
func (r *report) broken() []finding {
	var out []finding
	for _, f := range r.Findings {
		if f.Status == string(pipeline.StatusFailed) || f.Status == "missing" || strings.Contains(f.Reason, "goroutine ") ||
			strings.ContainsAny(f.Reason, "\n\r\x00") {
			out = append(out, f)
		}
	}
	return out
}

func firstRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "%d inputs in %s (%.1f/s); peak RSS: import process %d MB, largest worker %d MB\n",
		r.Inputs, r.Elapsed.Round(time.Millisecond), float64(r.Inputs)/r.Elapsed.Seconds(), r.Parent>>10, r.Worker>>10)
	var formats []string
	for f := range r.ByFormat {
		formats = append(formats, f)
	}
	sort.Strings(formats)
	fmt.Fprintf(w, "%-6s %6s %6s %12s %8s %8s\n", "format", "inputs", "ok", "quarantined", "skipped", "failed")
	for _, f := range formats {
		m := r.ByFormat[f]
		n := 0
		for _, c := range m {
			n += c
		}
		fmt.Fprintf(w, "%-6s %6d %6d %12d %8d %8d\n", f, n, m[string(pipeline.StatusOK)], m[string(pipeline.StatusQuarantined)], m[string(pipeline.StatusSkipped)], m[string(pipeline.StatusFailed)])
	}
	type rc struct {
		r string
		n int
	}
	var top []rc
	for k, n := range r.Reasons {
		top = append(top, rc{k, n})
	}
	sort.Slice(top, func(i, j int) bool { return top[i].n > top[j].n || top[i].n == top[j].n && top[i].r < top[j].r })
	fmt.Fprintln(w, "top reasons:")
	for i, t := range top {
		if i == 12 {
			break
		}
		fmt.Fprintf(w, "  %5d  %s\n", t.n, t.r)
	}
	fmt.Fprintf(w, "mutants that cost their worker or broke a rule: %d (broken promises: %d)\n", len(r.Findings), len(r.broken()))
	for _, f := range r.Findings {
		fmt.Fprintf(w, "  %s seed %d (%s): %s: %s\n", f.File, f.Seed, f.How, f.Status, firstRunes(f.Reason, 120))
	}
}
