package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"zipin/harvest"
)

func init() {
	var (
		config, data, out string
		dryRun            bool
		maxPages          int
		jsonLogs          bool
	)
	cmd := &cobra.Command{
		Use:   "harvest --config FILE [--data DIR] [--out DIR] [--dry-run] [--max-pages N]",
		Short: "Collect newly published reports from portals and ingest them (run nightly from cron)",
		Long: `harvest pages through each source in the config (list pages or RSS/Atom feeds), fetches new detail
pages and attachments politely (robots.txt, a rate per host, retries), keeps each original under
DATA/originals with its URL and headers in OUT/_catalog.sqlite, and ingests the new ones into OUT.
See docs/harvest.md.

Exit status: 0 ok; 1 some URLs failed or some documents were quarantined; 2 configuration error;
3 another harvest is running.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if config == "" {
				return usageErr(errors.New("harvest: --config FILE is required"))
			}
			cfg, err := harvest.LoadConfig(config)
			if err != nil {
				return usageErr(err)
			}
			var h slog.Handler = slog.NewTextHandler(cmd.ErrOrStderr(), nil)
			if jsonLogs {
				h = slog.NewJSONHandler(cmd.ErrOrStderr(), nil)
			}
			// SIGTERM from systemd or cron's kill stops between two URLs;
			// whatever is stored by then stays stored.
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			sum, err := harvest.Run(ctx, harvest.Options{
				Config: cfg, Out: out, Data: data, DryRun: dryRun, MaxPages: maxPages,
				IngestTimeout: 2 * time.Minute, Log: slog.New(h),
			})
			code := harvest.ExitCode(sum, err)
			if sum != nil {
				printHarvest(cmd, sum, dryRun)
			}
			if err != nil && errors.Is(err, context.Canceled) {
				err = fmt.Errorf("harvest: interrupted: %w", err)
			}
			if code != exitOK {
				return &exitError{code: code, err: err}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&config, "config", "c", "", "harvest configuration (TOML; see docs/harvest.example.toml)")
	cmd.Flags().StringVarP(&out, "out", "o", defaultOut, "dataset folder (holds _catalog.sqlite and the lock)")
	cmd.Flags().StringVar(&data, "data", "", "folder for the originals (DATA/originals); default: the dataset folder")
	cmd.Flags().BoolVarP(&dryRun, "dry-run", "n", false, "fetch list pages and print what would be fetched; store nothing")
	cmd.Flags().IntVar(&maxPages, "max-pages", 0, "visit at most N list pages per source (0: the config's max_pages)")
	cmd.Flags().BoolVar(&jsonLogs, "json", false, "write logs as JSON lines")
	rootCmd.AddCommand(cmd)
}

func printHarvest(cmd *cobra.Command, sum *harvest.Summary, dryRun bool) {
	w := cmd.OutOrStdout()
	if dryRun {
		for _, u := range sum.WouldFetch {
			fmt.Fprintln(w, "would fetch:", u)
		}
		fmt.Fprintf(w, "dry run: %d list pages, %d links would be fetched, %d failed\n", sum.Pages, len(sum.WouldFetch), sum.Failed)
		return
	}
	for _, f := range sum.Failures {
		fmt.Fprintf(cmd.ErrOrStderr(), "failed: %s: %v\n", f.Source, f.Err)
	}
	fmt.Fprintf(w, "harvest: %d new, %d unchanged (%d duplicate content), %d failed, %d ingested, %d quarantined, %d list pages, %d disallowed by robots.txt\n",
		sum.New, sum.Unchanged, sum.Duplicates, sum.Failed, sum.Ingested, sum.Quarantined, sum.Pages, sum.Disallowed)
}
