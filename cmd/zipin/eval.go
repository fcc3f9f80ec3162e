package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"zipin/dataset"
	"zipin/eval"
	"zipin/pipeline"
	"zipin/schema"
)

// evalOptions holds the flags of zipin eval.
type evalOptions struct {
	Golds         []string
	Out           string
	Verbose       bool
	ByFormat      bool
	MinPrecision  float64
	MinRecall     float64
	MinFactRecall float64
	MinProvenance float64
}

func newEvalCommand() *cobra.Command {
	var opts evalOptions
	cmd := &cobra.Command{
		Use:   "eval [--gold FILE]... [--min-...] PATH...",
		Short: "Measure extraction accuracy against hand-labelled gold reports",
		Long: `eval ingests the documents under PATH that gold labels describe, and compares the dataset with
the labels: per-field precision and recall of the headline fields, the recall of the gold facts
(same value in base units, overlapping span), and how many fact offsets are exact.

Every file whose name without extension is a gold id is scored, so NN.txt, NN.pdf and NN.docx
are three documents for gold NN; the figures are given overall and per format.

Without --gold, each PATH folder's gold.jsonl is used. With --min-* floors, eval exits 1 when a
figure falls below its floor, overall or for any one format. When the gold labels no facts
(overall or for a format), fact recall prints "no gold facts", and --min-fact-recall fails:
a floor that nothing measured is not met.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runEval(cmd.Context(), streamsOf(cmd), opts, args)
		},
	}
	cmd.Flags().StringArrayVar(&opts.Golds, "gold", nil, "gold labels (JSON lines); default: PATH/gold.jsonl")
	cmd.Flags().StringVar(&opts.Out, "out", "", "dataset folder to write (default: a temporary folder)")
	cmd.Flags().BoolVarP(&opts.Verbose, "verbose", "v", false, "list every miss")
	cmd.Flags().BoolVar(&opts.ByFormat, "by-format", false, "print the per-field table of each format (txt, pdf, docx, …) too")
	cmd.Flags().Float64Var(&opts.MinPrecision, "min-precision", 0, "floor for headline precision (0–1)")
	cmd.Flags().Float64Var(&opts.MinRecall, "min-recall", 0, "floor for headline recall (0–1)")
	cmd.Flags().Float64Var(&opts.MinFactRecall, "min-fact-recall", 0, "floor for gold fact recall (0–1)")
	cmd.Flags().Float64Var(&opts.MinProvenance, "min-provenance", 0, "floor for exact fact offsets (0–1)")
	return cmd
}

// runEval runs zipin eval with opts; it writes to s.
func runEval(ctx context.Context, s streams, opts evalOptions, args []string) error {
	for _, a := range args {
		if st, err := os.Stat(a); err != nil {
			if os.IsNotExist(err) {
				return usageErr(fmt.Errorf("eval: %s does not exist", a))
			}
			return usageErr(fmt.Errorf("eval: %w", err))
		} else if !st.IsDir() {
			return usageErr(fmt.Errorf("eval: %s is not a folder", a))
		}
	}
	var all []eval.Gold
	goldFiles := opts.Golds
	if len(goldFiles) == 0 {
		for _, a := range args {
			if p := filepath.Join(a, "gold.jsonl"); fileExists(p) {
				goldFiles = append(goldFiles, p)
			}
		}
	}
	if len(goldFiles) == 0 {
		return usageErr(fmt.Errorf("eval: no --gold given and no gold.jsonl in %s", strings.Join(args, ", ")))
	}
	for _, gf := range goldFiles {
		gs, err := eval.ReadGold(gf)
		if err != nil {
			return usageErr(fmt.Errorf("eval: %w", err))
		}
		all = append(all, gs...)
	}
	ids := map[string]bool{}
	for _, g := range all {
		ids[g.ID] = true
	}
	// Every file whose name without extension is a gold id is
	// scored: NN.txt, NN.pdf and NN.docx all carry gold NN.
	var docs []eval.Doc
	var paths []string
	for _, a := range args {
		entries, err := os.ReadDir(a)
		if err != nil {
			return usageErr(fmt.Errorf("eval: %w", err))
		}
		for _, e := range entries {
			name := e.Name()
			id := strings.TrimSuffix(name, filepath.Ext(name))
			if e.IsDir() || name == "gold.jsonl" || !ids[id] {
				continue
			}
			p := filepath.Join(a, name)
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if len(args) > 1 {
				// chrome/02.pdf and lo/02.pdf must not read alike in the misses.
				name = filepath.Join(filepath.Base(filepath.Clean(a)), name)
			}
			docs = append(docs, eval.Doc{GoldID: id, DocID: pipeline.DocID(data), Name: name})
			paths = append(paths, p)
		}
	}
	if opts.Out == "" {
		dir, err := os.MkdirTemp("", "zipin-eval-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		opts.Out = dir
	}
	sum, err := pipeline.Ingest(ctx, pipeline.Options{Out: opts.Out, Force: true}, paths)
	if err != nil {
		return err
	}
	for _, o := range sum.Outcomes {
		if o.Status == pipeline.StatusQuarantined || o.Status == pipeline.StatusFailed {
			fmt.Fprintf(s.stderr, "%s: %s: %s\n", o.Status, o.Source, o.Reason)
		}
	}
	ds := &eval.Dataset{}
	if ds.Reports, err = dataset.ReadTable[schema.Report](opts.Out, schema.TableReports); err != nil {
		return err
	}
	if ds.Facts, err = dataset.ReadTable[schema.Fact](opts.Out, schema.TableFacts); err != nil {
		return err
	}
	if ds.Texts, err = dataset.ReadTable[schema.Text](opts.Out, schema.TableTexts); err != nil {
		return err
	}
	res := eval.Compare(all, docs, ds)
	res.Print(s.stdout, opts.Verbose, opts.ByFormat)
	var failed []string
	check := func(where string, r *eval.Result) {
		h := r.Headline()
		for _, c := range []struct {
			name       string
			got, floor float64
		}{
			{"headline precision", h.Precision(), opts.MinPrecision},
			{"headline recall", h.Recall(), opts.MinRecall},
			{"fact recall", r.FactRecall(), opts.MinFactRecall},
			{"provenance", r.Provenance(), opts.MinProvenance},
		} {
			if c.name == "fact recall" && c.floor > 0 && r.GoldFacts == 0 {
				// No gold facts means nothing was measured: a floor
				// that cannot be checked fails rather than passing.
				failed = append(failed, fmt.Sprintf("%sfact recall has no gold facts to hold to floor %.1f%%", where, 100*c.floor))
				continue
			}
			if c.got+1e-12 < c.floor {
				failed = append(failed, fmt.Sprintf("%s%s %.1f%% < floor %.1f%%", where, c.name, 100*c.got, 100*c.floor))
			}
		}
	}
	// The floors hold for the whole set and for each format alone,
	// so a weak PDF path cannot hide behind strong texts.
	check("", res)
	if len(res.Formats) > 1 {
		for _, n := range res.FormatNames() {
			check(n+" ", res.Formats[n])
		}
	}
	floors := opts.MinPrecision > 0 || opts.MinRecall > 0 || opts.MinFactRecall > 0
	if len(res.Missing) > 0 && floors {
		failed = append(failed, fmt.Sprintf("%d gold documents not ingested", len(res.Missing)))
	}
	// A folder's own gold.jsonl describes that folder: a label without
	// its file is a lost document. A --gold file may cover more
	// documents than the folders given (the renderings of a subset).
	if len(opts.Golds) == 0 && len(res.Unmatched) > 0 && floors {
		failed = append(failed, fmt.Sprintf("%d gold ids have no file (%s)", len(res.Unmatched), strings.Join(res.Unmatched, ", ")))
	}
	if len(failed) > 0 {
		return &exitError{code: 1, err: fmt.Errorf("eval: below floor: %s", strings.Join(failed, "; "))}
	}
	return nil
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
