package main

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"zipin/compact"
	"zipin/dataset"
	"zipin/schema"
)

// compactOptions holds the flags of zipin compact.
type compactOptions struct {
	Out string
}

func newCompactCommand() *cobra.Command {
	var opts compactOptions
	cmd := &cobra.Command{
		Use:   "compact [--out DIR]",
		Short: "Merge the dataset's small files and drop superseded rows",
		Long: `compact rewrites each table partition of the dataset as one file, keeping for every document only
the rows of its newest extraction. The new files replace the old atomically (readers see one set or the
other), and an interrupted compaction is finished or discarded by the next zipin that writes DIR.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCompact(cmd.Context(), streamsOf(cmd), opts, args)
		},
	}
	cmd.Flags().StringVarP(&opts.Out, "out", "o", defaultOut, "dataset folder")
	return cmd
}

// runCompact runs zipin compact with opts; it writes to s.
func runCompact(ctx context.Context, s streams, opts compactOptions, args []string) error {
	if len(args) == 1 {
		opts.Out = args[0]
	}
	res, err := compact.Compact(opts.Out)
	if err != nil {
		// Busy, as for ingest: a cron job that compacts while an import
		// runs should try again later, not alert.
		if le := (*dataset.LockedError)(nil); errors.As(err, &le) {
			return &exitError{code: exitBusy, err: err}
		}
		if le := (*dataset.LayoutError)(nil); errors.As(err, &le) {
			return usageErr(err) // refused on opening: nothing written
		}
		return err
	}
	w := tabwriter.NewWriter(s.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "table\tfiles before\tfiles after\trows kept\trows dropped\t")
	for _, t := range schema.Tables {
		st := res.Tables[t]
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t\n", t, st.FilesBefore, st.FilesAfter, st.RowsKept, st.RowsDropped)
	}
	w.Flush()
	fmt.Fprintf(s.stdout, "output:    %s (%d files written)\n", opts.Out, len(res.Files))
	return nil
}
