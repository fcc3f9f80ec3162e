package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
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
	Out string
	// OutGiven says the dataset folder was named (--out or DIR): with
	// --catalog, its files are listed only then.
	OutGiven bool
	// Catalog is the catalog's URL (catalog.OpenURL); "" means
	// Out/_catalog.sqlite.
	Catalog string
	Top     int
	JSON    bool
}

func newStatusCommand() *cobra.Command {
	var opts statusOptions
	cmd := &cobra.Command{
		Use:   "status [--out DIR | DIR] [--catalog URL]",
		Short: "Show the ingest catalog: documents by status, the job queue, top quarantine reasons, recent runs",
		Long: `Show the ingest catalog: documents by status, top quarantine reasons, recent runs and the dataset's
files. When the catalog's database holds River's job table (zipin ingest --catalog, zipin worker), the
queue too: jobs pending, running (by worker), retrying, done, quarantined and failed.

Without --catalog the catalog is DIR/_catalog.sqlite. --catalog postgres://… (or sqlite:PATH) reads a
shared catalog; the dataset's files are then listed only for a folder named with --out or DIR.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.OutGiven = cmd.Flags().Changed("out")
			return runStatus(cmd.Context(), streamsOf(cmd), opts, args)
		},
	}
	cmd.Flags().StringVarP(&opts.Out, "out", "o", defaultOut, "dataset folder")
	cmd.Flags().StringVar(&opts.Catalog, "catalog", "", "catalog database: postgres://…, sqlite:PATH or a path (default DIR/_catalog.sqlite)")
	cmd.Flags().IntVar(&opts.Top, "top", 10, "how many quarantine reasons to show")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print one JSON object (without the harvest tables)")
	return cmd
}

// runStatus runs zipin status with opts; it writes to s.
func runStatus(ctx context.Context, s streams, opts statusOptions, args []string) error {
	if len(args) == 1 {
		opts.Out, opts.OutGiven = args[0], true
	}
	cat, err := openStatusCatalog(ctx, opts)
	if err != nil {
		return err
	}
	defer cat.Close()
	v := newStatusView(opts)
	if opts.JSON {
		return writeStatusJSON(s.stdout, cat, v, opts.Top)
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

	queue, err := cat.Queue()
	if err != nil {
		return err
	}
	if queue != nil {
		printQueue(w, queue)
	}

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
	live := v.live()
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
	if v.dir == "" {
		return nil
	}
	if err := printHarvestStatus(w, v.dir, opts.Top); err != nil {
		return err
	}
	fmt.Fprintln(w, "\ndataset files:")
	for _, t := range schema.Tables {
		files, err := dataset.TableFiles(v.dir, t)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %-11s %d\n", t, len(files))
	}
	return nil
}

// openStatusCatalog opens the catalog read-only: status must work on a
// dataset it may not write (a read-only mount, another user's folder) and
// must not migrate a database a newer zipin's workers are writing.
func openStatusCatalog(ctx context.Context, opts statusOptions) (*catalog.Catalog, error) {
	if opts.Catalog == "" {
		// A dataset on object storage has its catalog in the queue's
		// database, and zipin ingest refuses --out s3://… without one.
		if remoteOut(opts.Out) {
			return nil, usageErr(fmt.Errorf("status: --out %s: a dataset on object storage keeps its catalog in the queue's database; give --catalog URL", opts.Out))
		}
		if _, err := os.Stat(filepath.Join(opts.Out, catalog.FileName)); err != nil {
			return nil, usageErr(fmt.Errorf("status: no catalog in %s (run zipin ingest --out %s first)", opts.Out, opts.Out))
		}
		return catalog.OpenReadOnly(opts.Out)
	}
	cat, err := catalog.OpenURLReadOnly(ctx, opts.Catalog)
	if err != nil {
		return nil, fmt.Errorf("status: cannot read the catalog (a new database has none until zipin ingest or zipin worker --catalog URL): %w", err)
	}
	return cat, nil
}

// statusView is what status shows besides the catalog.
type statusView struct {
	// dir is the local dataset folder whose files, harvest tables and lock
	// are read; "" when there is none (a shared catalog with no --out, or
	// a dataset on object storage).
	dir string
	// shared: the catalog is named by --catalog, written by workers that
	// hold no common lock.
	shared bool
}

func newStatusView(opts statusOptions) statusView {
	v := statusView{dir: opts.Out, shared: opts.Catalog != ""}
	if v.shared && (!opts.OutGiven || strings.Contains(opts.Out, "://")) {
		v.dir = ""
	}
	return v
}

// live says whether runs recorded as running may be alive. On one machine
// the dataset's lock tells: none held, the run died without recording its
// end (kill -9, power loss). A shared catalog's runs are shown as recorded.
func (v statusView) live() bool {
	return v.shared || ingestRunning(v.dir)
}

// printQueue prints the job queue, one line per count and a line per
// worker under running.
func printQueue(w io.Writer, q *catalog.Queue) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\nqueue\tjobs")
	fmt.Fprintf(tw, "pending\t%d\n", q.Pending)
	fmt.Fprintf(tw, "running\t%d\n", q.Running)
	for _, id := range q.Workers() {
		fmt.Fprintf(tw, "  %s\t%d\n", cmp.Or(id, "(no worker id)"), q.RunningBy[id])
	}
	fmt.Fprintf(tw, "retrying\t%d\n", q.Retrying)
	fmt.Fprintf(tw, "done\t%d\n", q.Done)
	fmt.Fprintf(tw, "quarantined\t%d\n", q.Quarantined)
	fmt.Fprintf(tw, "failed\t%d\n", q.Failed)
	for _, st := range slices.Sorted(maps.Keys(q.Other)) {
		fmt.Fprintf(tw, "%s (River state)\t%d\n", st, q.Other[st])
	}
	fmt.Fprintf(tw, "total\t%d\n", q.Total())
	tw.Flush()
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
