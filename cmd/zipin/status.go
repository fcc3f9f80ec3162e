package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"

	"zipin/catalog"
	"zipin/dataset"
	"zipin/extract/doc"
	"zipin/schema"
)

// statusOptions holds the flags of zipin status.
type statusOptions struct {
	Out  string
	Top  int
	JSON bool
}

func newStatusCommand() *cobra.Command {
	var opts statusOptions
	cmd := &cobra.Command{
		Use:   "status [--out DIR | DIR]",
		Short: "Show the ingest catalog: documents by status, top quarantine reasons, recent runs",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runStatus(cmd.Context(), streamsOf(cmd), opts, args)
		},
	}
	cmd.Flags().StringVarP(&opts.Out, "out", "o", defaultOut, "dataset folder")
	cmd.Flags().IntVar(&opts.Top, "top", 10, "how many quarantine reasons to show")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print one JSON object (without the harvest tables)")
	return cmd
}

// runStatus runs zipin status with opts; it writes to s.
func runStatus(ctx context.Context, s streams, opts statusOptions, args []string) error {
	if len(args) == 1 {
		opts.Out = args[0]
	}
	if _, err := os.Stat(filepath.Join(opts.Out, catalog.FileName)); err != nil {
		return usageErr(fmt.Errorf("status: no catalog in %s (run zipin ingest --out %s first)", opts.Out, opts.Out))
	}
	// Read-only: status must work on a dataset it may not write
	// (a read-only mount, another user's folder).
	cat, err := catalog.OpenReadOnly(opts.Out)
	if err != nil {
		return err
	}
	defer cat.Close()
	if opts.JSON {
		return writeStatusJSON(s.stdout, cat, opts.Out, opts.Top)
	}
	counts, err := cat.Counts()
	if err != nil {
		return err
	}
	w := s.stdout
	fmt.Fprintf(w, "catalog:   %s\n", cat.Path)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	keys := make([]string, 0, len(counts))
	total := 0
	for k, n := range counts {
		keys = append(keys, k)
		total += n
	}
	sort.Strings(keys)
	fmt.Fprintln(tw, "\nstatus\tdocuments")
	for _, k := range keys {
		fmt.Fprintf(tw, "%s\t%d\n", k, counts[k])
	}
	fmt.Fprintf(tw, "total\t%d\n", total)
	tw.Flush()

	reasons, err := cat.TopReasons(opts.Top, doc.ReasonKind) // by kind, as the ingest summary counts them
	if err != nil {
		return err
	}
	if len(reasons) > 0 {
		fmt.Fprintln(w, "\ntop quarantine reasons:")
		for _, r := range reasons {
			fmt.Fprintf(w, "  %5d  %s\n", r.Count, firstLine(r.Reason, 100))
		}
	}
	ignored, err := cat.Ignored(opts.Top)
	if err != nil {
		return err
	}
	if len(ignored) > 0 {
		fmt.Fprintf(w, "\nignored inputs (by name or as no report, last run; %d shown):\n", len(ignored))
		for _, i := range ignored {
			fmt.Fprintf(w, "  %s: %s\n", i.Path, i.Reason)
		}
	}
	live := ingestRunning(opts.Out)
	unfinished, err := cat.Unfinished()
	if err != nil {
		return err
	}
	if len(unfinished) > 0 {
		what := "in progress"
		if !live {
			what = "left in progress by a run that died (the next run retries them; one analyzed in-process is quarantined)"
		}
		fmt.Fprintf(w, "\n%s:\n", what)
		var srcs []string
		for _, u := range unfinished {
			srcs = append(srcs, fmt.Sprintf("  %s (run %d, attempt %d)", u.Source, u.RunID, u.Attempts))
		}
		sort.Strings(srcs)
		for i, s := range srcs {
			if i == opts.Top {
				fmt.Fprintf(w, "  … and %d more\n", len(srcs)-opts.Top)
				break
			}
			fmt.Fprintln(w, s)
		}
	}
	runs, err := cat.Runs(5)
	if err != nil {
		return err
	}
	if len(runs) > 0 {
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "\nrun\tstarted\tstate\tversion\tjobs\tinputs\textracted\tskipped\tignored\tquarantined\tfailed\tpages")
		for _, r := range runs {
			state := r.State
			if state == "running" && !live {
				// No process holds the dataset's lock: the run died
				// without recording its end (kill -9, power loss).
				state = "killed"
			}
			fmt.Fprintf(tw, "%d\t%.19s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", r.ID, r.StartedAt, state,
				r.ExtractorVersion, r.Jobs, r.Inputs, r.Extracted, r.Skipped, r.Ignored, r.Quarantined, r.Failed, r.Pages)
		}
		tw.Flush()
	}
	if err := printHarvestStatus(w, opts.Out, opts.Top); err != nil {
		return err
	}
	fmt.Fprintln(w, "\ndataset files:")
	for _, t := range schema.Tables {
		files, err := dataset.TableFiles(opts.Out, t)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %-11s %d\n", t, len(files))
	}
	return nil
}

// ingestRunning says whether a process holds the dataset's write lock
// (dataset.Lock), probed with a shared lock on a read-only descriptor so it
// works where status may not write.
func ingestRunning(dir string) bool {
	f, err := os.Open(filepath.Join(dir, ".lock"))
	if err != nil {
		return false
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_SH|unix.LOCK_NB); err != nil {
		return true
	}
	_ = unix.Flock(int(f.Fd()), unix.LOCK_UN)
	return false
}
