package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"zipin/compact"
	"zipin/schema"
)

func init() {
	var out string
	cmd := &cobra.Command{
		Use:   "compact [--out DIR]",
		Short: "Merge the dataset's small files and drop superseded rows",
		Long: `compact rewrites each table partition of the dataset as one file, keeping for every document only
the rows of its newest extraction. The new files replace the old atomically (readers see one set or the
other), and an interrupted compaction is finished or discarded by the next zipin that writes DIR.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				out = args[0]
			}
			res, err := compact.Compact(out)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(w, "table\tfiles before\tfiles after\trows kept\trows dropped\t")
			for _, t := range schema.Tables {
				st := res.Tables[t]
				fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t\n", t, st.FilesBefore, st.FilesAfter, st.RowsKept, st.RowsDropped)
			}
			w.Flush()
			fmt.Fprintf(cmd.OutOrStdout(), "output:    %s (%d files written)\n", out, len(res.Files))
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", defaultOut, "dataset folder")
	rootCmd.AddCommand(cmd)
}
