package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"zipin/harvest"
)

// harvestOptions holds the flags of zipin harvest.
type harvestOptions struct {
	Config   string
	Data     string
	Out      string
	Catalog  string // the shared queue: enqueue, do not ingest
	DryRun   bool
	Sweep    bool
	MaxPages int
	JSONLogs bool
}

func newHarvestCommand() *cobra.Command {
	var opts harvestOptions
	cmd := &cobra.Command{
		Use:   "harvest --config FILE [--data DIR] [--out DIR] [--catalog URL] [--dry-run] [--max-pages N] [--sweep]",
		Short: "Collect newly published reports from portals and ingest them (run nightly from cron)",
		Long: `harvest pages through each source in the config (list pages or RSS/Atom feeds), fetches new detail
pages and attachments politely (robots.txt, a rate per host, retries), keeps each original under
DATA/originals with its URL and headers in OUT/_catalog.sqlite, and ingests the new ones into OUT.
See docs/harvest.md.

A source needs only a name and the first list page's URL: report links are found by their title
(a cut title is completed from the link's title attribute or the detail page), pages by their
下一页 link, a TRS createPageHTML script or page numbers. Notices, blank forms and guides are kept
for audit but not ingested: their content states no figures. Redirects into loopback, private,
link-local or metadata addresses are refused unless allow_hosts names the host.

With --catalog URL (the shared queue of zipin ingest --catalog and zipin worker) the new originals
are enqueued, one job per document, instead of ingested here: zipin worker extracts them, on this
machine or others, into the dataset it is given. Every worker must see DATA/originals at the same
absolute path. OUT may then be s3://bucket/prefix (where the workers write); the harvest's catalog
and lock are then in DATA, which must be given.

Exit status: 0 ok; 1 some URLs failed or some documents were quarantined; 2 configuration error;
3 the run failed (disk, the catalog, the queue); 75 another harvest is running; 130 interrupted by
SIGINT or SIGTERM.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runHarvest(cmd.Context(), streamsOf(cmd), opts, args)
		},
	}
	cmd.Flags().StringVarP(&opts.Config, "config", "c", "", "harvest configuration (TOML; see docs/harvest.example.toml)")
	cmd.Flags().StringVarP(&opts.Out, "out", "o", defaultOut, "dataset folder (holds _catalog.sqlite and the lock)")
	cmd.Flags().StringVar(&opts.Data, "data", "", "folder for the originals (DATA/originals); default: the dataset folder")
	cmd.Flags().StringVar(&opts.Catalog, "catalog", "", "enqueue the new originals as jobs in this catalog database (postgres://… or a SQLite file) for any zipin worker, instead of ingesting them (docs/harvest.md)")
	cmd.Flags().BoolVarP(&opts.DryRun, "dry-run", "n", false, "fetch list pages and print what would be fetched; store nothing")
	cmd.Flags().IntVar(&opts.MaxPages, "max-pages", 0, "visit at most N list pages per source (0: the config's max_pages)")
	cmd.Flags().BoolVar(&opts.Sweep, "sweep", false, "page through every list to its end, as the first run does, instead of stopping at the first known link")
	cmd.Flags().BoolVar(&opts.JSONLogs, "json", false, "write logs as JSON lines")
	return cmd
}

// runHarvest runs zipin harvest with opts; it writes to s.
func runHarvest(ctx context.Context, s streams, opts harvestOptions, args []string) error {
	if opts.Config == "" {
		return usageErr(errors.New("harvest: --config FILE is required"))
	}
	if err := checkRemoteOut("harvest", opts.Out, opts.Catalog); err != nil {
		return err
	}
	if remoteOut(opts.Out) && opts.Data == "" {
		return usageErr(fmt.Errorf("harvest: --out %s: give --data DIR for the originals and the harvest's catalog", opts.Out))
	}
	cfg, err := harvest.LoadConfig(opts.Config)
	if err != nil {
		return usageErr(err)
	}
	var h slog.Handler = slog.NewTextHandler(s.stderr, nil)
	if opts.JSONLogs {
		h = slog.NewJSONHandler(s.stderr, nil)
	}
	// SIGTERM from systemd or cron's kill stops between two URLs;
	// whatever is stored by then stays stored.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	sum, err := harvest.Run(ctx, harvest.Options{
		Config: cfg, Out: opts.Out, Data: opts.Data, Catalog: opts.Catalog, DryRun: opts.DryRun, MaxPages: opts.MaxPages, Sweep: opts.Sweep,
		Log: slog.New(h), // IngestTimeout 0: pipeline.DefaultTimeout, as ingest --timeout
	})
	code := harvest.ExitCode(sum, err)
	if sum != nil {
		printHarvest(s, sum, opts.DryRun, opts.Catalog != "")
	}
	if err != nil && errors.Is(err, context.Canceled) {
		// As ingest: 130, so that cron and systemd tell a stop from
		// a failure; what was stored stays, and the next run resumes.
		err = fmt.Errorf("harvest: interrupted; what was fetched is kept, a re-run resumes: %w", err)
		code = exitInterrupted
	}
	if code != exitOK {
		return &exitError{code: code, err: err}
	}
	return nil
}

func printHarvest(s streams, sum *harvest.Summary, dryRun, queued bool) {
	w := s.stdout
	if dryRun {
		for _, u := range sum.WouldFetch {
			fmt.Fprintln(w, "would fetch:", u)
		}
		fmt.Fprintf(w, "dry run: %d list pages, %d links would be fetched, %d failed\n", sum.Pages, len(sum.WouldFetch), sum.Failed)
		return
	}
	for _, f := range sum.Failures {
		fmt.Fprintf(s.stderr, "failed: %s: %v\n", f.Source, f.Err)
	}
	for _, n := range sum.Notes {
		fmt.Fprintln(s.stderr, "note:", n)
	}
	if queued {
		fmt.Fprintf(w, "harvest: %d new, %d unchanged (%d duplicate content), %d failed, %d enqueued, %d already queued, %d links skipped by title, %d list pages, %d disallowed by robots.txt\n",
			sum.New, sum.Unchanged, sum.Duplicates, sum.Failed, sum.Enqueued, sum.AlreadyQueued, sum.Skipped, sum.Pages, sum.Disallowed)
		return
	}
	fmt.Fprintf(w, "harvest: %d new, %d unchanged (%d duplicate content), %d failed, %d ingested, %d quarantined, %d not reports (kept, not ingested), %d links skipped by title, %d list pages, %d disallowed by robots.txt\n",
		sum.New, sum.Unchanged, sum.Duplicates, sum.Failed, sum.Ingested, sum.Quarantined, sum.LookAlikes, sum.Skipped, sum.Pages, sum.Disallowed)
}

// printHarvestStatus is `zipin status`'s harvest section: what was kept,
// where it came from, and what became of it. It prints nothing for a
// dataset no harvest wrote to.
func printHarvestStatus(w io.Writer, out string, recent int) error {
	st, err := harvest.ReadStatus(out, recent)
	if err != nil || st == nil {
		return err
	}
	fmt.Fprintf(w, "\nharvest: originals %s; links %s\n", counts(st.ByStatus), counts(st.Links))
	if len(st.Recent) == 0 {
		return nil
	}
	fmt.Fprintf(w, "latest %d harvested:\n", len(st.Recent))
	for _, d := range st.Recent {
		status := cmp.Or(d.IngestStatus, "not ingested yet")
		fmt.Fprintf(w, "  %s  %s  [%s]\n", cmp.Or(d.Published, "----------"), cmp.Or(d.Title, "(no title)"), status)
		fmt.Fprintf(w, "      source_url: %s\n", d.SourceURL)
		if d.FinalURL != "" && d.FinalURL != d.SourceURL {
			fmt.Fprintf(w, "      final url:  %s\n", d.FinalURL)
		}
		if d.DetailURL != "" && d.DetailURL != d.SourceURL {
			fmt.Fprintf(w, "      detail:     %s\n", d.DetailURL)
		}
		if d.Reason != "" && d.IngestStatus != "ok" {
			fmt.Fprintf(w, "      why:        %s\n", firstLine(d.Reason, 120))
		}
	}
	return nil
}

// counts prints a tally as "3 ok, 1 lookalike", largest first.
func counts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] || m[keys[i]] == m[keys[j]] && keys[i] < keys[j] })
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d %s", m[k], cmp.Or(k, "pending")))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
