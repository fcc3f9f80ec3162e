package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"zipin/pipeline"
	"zipin/samples"
)

const defaultOut = "zipin-out"

func init() {
	var (
		out     string
		force   bool
		timeout time.Duration
		verbose bool
	)
	cmd := &cobra.Command{
		Use:   "ingest [--out DIR] [PATH...]",
		Short: "Extract reports from files and folders into the Parquet dataset",
		Long: `ingest reads each file, and each folder recursively, detects its format from its bytes, and writes
the dataset (reports, facts, texts, projects, indicators) to DIR. With no PATH it ingests the sample
reports built into zipin.

Exit status: 0 every document extracted; 1 some documents quarantined (reasons printed); 2 usage error.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			sample := len(args) == 0
			if sample {
				dir, err := os.MkdirTemp("", "zipin-samples-")
				if err != nil {
					return err
				}
				defer os.RemoveAll(dir)
				if args, err = samples.WriteTo(dir); err != nil {
					return err
				}
			}
			for _, a := range args {
				if _, err := os.Lstat(a); err != nil {
					return usageErr(fmt.Errorf("ingest: %v", err))
				}
			}
			opts := pipeline.Options{Out: out, Force: force, Timeout: timeout}
			if verbose {
				opts.Log = func(f string, a ...any) { fmt.Fprintf(cmd.ErrOrStderr(), f+"\n", a...) }
			}
			sum, err := pipeline.Ingest(cmd.Context(), opts, args)
			if err != nil {
				return err
			}
			return reportIngest(cmd, sum, sample)
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", defaultOut, "dataset folder")
	cmd.Flags().BoolVar(&force, "force", false, "re-extract documents already in the dataset")
	cmd.Flags().DurationVar(&timeout, "timeout", 2*time.Minute, "time budget per document")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "print one line per document")
	rootCmd.AddCommand(cmd)
}

// reportIngest prints the summary and turns quarantines into exit status 1.
func reportIngest(cmd *cobra.Command, sum *pipeline.Summary, sample bool) error {
	w := cmd.OutOrStdout()
	bad := 0
	for _, o := range sum.Outcomes {
		if o.Status == "quarantined" || o.Status == "failed" {
			bad++
			fmt.Fprintf(cmd.ErrOrStderr(), "%s: %s: %s\n", o.Status, o.Source, o.Reason)
		}
	}
	fmt.Fprintf(w, "documents: %d ok, %d skipped (already done), %d quarantined, %d failed\n",
		sum.Count("ok"), sum.Count("skipped"), sum.Count("quarantined"), sum.Count("failed"))
	fmt.Fprintf(w, "facts:     %d\n", sum.Facts())
	fmt.Fprintf(w, "output:    %s\n", sum.Out)
	if sample || sum.Count("ok") > 0 {
		fmt.Fprintf(w, "try:       duckdb -c \"SELECT organization, fiscal_year, budget_yuan, execution_rate, self_score FROM read_parquet('%s/reports/**/*.parquet', union_by_name=true)\"\n", sum.Out)
	}
	if bad > 0 {
		return &exitError{code: exitPartial}
	}
	return nil
}
