package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"zipin/eval"
	"zipin/pipeline"
	"zipin/schema"
)

func init() {
	var (
		golds                                         []string
		out                                           string
		verbose                                       bool
		minPrecision, minRecall, minFacts, minOffsets float64
	)
	cmd := &cobra.Command{
		Use:   "eval [--gold FILE]... [--min-...] PATH...",
		Short: "Measure extraction accuracy against hand-labelled gold reports",
		Long: `eval ingests the documents under PATH that gold labels describe, and compares the dataset with
the labels: per-field precision and recall of the headline fields, the recall of the gold facts
(same value in base units, overlapping span), and how many fact offsets are exact.

Without --gold, each PATH folder's gold.jsonl is used. With --min-* floors, eval exits 1 when a
figure falls below its floor.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var all []eval.Gold
			files := map[string]string{} // gold id → path
			goldFiles := golds
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
			for _, a := range args {
				entries, err := os.ReadDir(a)
				if err != nil {
					return usageErr(fmt.Errorf("eval: %w", err))
				}
				for _, e := range entries {
					name := e.Name()
					if e.IsDir() || name == "gold.jsonl" {
						continue
					}
					files[strings.TrimSuffix(name, filepath.Ext(name))] = filepath.Join(a, name)
				}
			}
			if out == "" {
				dir, err := os.MkdirTemp("", "zipin-eval-")
				if err != nil {
					return err
				}
				defer os.RemoveAll(dir)
				out = dir
			}
			docOf := map[string]string{}
			var paths []string
			for _, g := range all {
				p, ok := files[g.ID]
				if !ok {
					continue
				}
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				docOf[g.ID] = pipeline.DocID(data)
				paths = append(paths, p)
			}
			sum, err := pipeline.Ingest(cmd.Context(), pipeline.Options{Out: out, Force: true}, paths)
			if err != nil {
				return err
			}
			for _, o := range sum.Outcomes {
				if o.Status == "quarantined" || o.Status == "failed" {
					fmt.Fprintf(cmd.ErrOrStderr(), "%s: %s: %s\n", o.Status, o.Source, o.Reason)
				}
			}
			ds := &eval.Dataset{}
			if ds.Reports, err = schema.ReadTable[schema.Report](out, schema.TableReports); err != nil {
				return err
			}
			if ds.Facts, err = schema.ReadTable[schema.Fact](out, schema.TableFacts); err != nil {
				return err
			}
			if ds.Texts, err = schema.ReadTable[schema.Text](out, schema.TableTexts); err != nil {
				return err
			}
			res := eval.Compare(all, docOf, ds)
			res.Print(cmd.OutOrStdout(), verbose)
			h := res.Headline()
			var failed []string
			check := func(name string, got, floor float64) {
				if got+1e-12 < floor {
					failed = append(failed, fmt.Sprintf("%s %.1f%% < floor %.1f%%", name, 100*got, 100*floor))
				}
			}
			check("headline precision", h.Precision(), minPrecision)
			check("headline recall", h.Recall(), minRecall)
			check("fact recall", res.FactRecall(), minFacts)
			check("provenance", res.Provenance(), minOffsets)
			if len(res.Missing) > 0 && (minPrecision > 0 || minRecall > 0) {
				failed = append(failed, fmt.Sprintf("%d gold documents not ingested", len(res.Missing)))
			}
			if len(failed) > 0 {
				return &exitError{code: 1, err: fmt.Errorf("eval: below floor: %s", strings.Join(failed, "; "))}
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&golds, "gold", nil, "gold labels (JSON lines); default: PATH/gold.jsonl")
	cmd.Flags().StringVar(&out, "out", "", "dataset folder to write (default: a temporary folder)")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "list every miss")
	cmd.Flags().Float64Var(&minPrecision, "min-precision", 0, "floor for headline precision (0–1)")
	cmd.Flags().Float64Var(&minRecall, "min-recall", 0, "floor for headline recall (0–1)")
	cmd.Flags().Float64Var(&minFacts, "min-fact-recall", 0, "floor for gold fact recall (0–1)")
	cmd.Flags().Float64Var(&minOffsets, "min-provenance", 0, "floor for exact fact offsets (0–1)")
	rootCmd.AddCommand(cmd)
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
