package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"zipin/schema"
	"zipin/version"
)

// versionLine is what `zipin --version` prints after "zipin ": the
// extraction rules' version (which decides re-extraction), the commit and the
// dataset schema version.
func versionLine() string {
	b := version.Info()
	return fmt.Sprintf("%s (commit %s, dataset schema %s, %s)", version.Extractor, b.Short(), schema.SchemaVersion, b.Go)
}

// versionOptions holds the flags of zipin version.
type versionOptions struct {
	JSON bool
}

func newVersionCommand() *cobra.Command {
	var opts versionOptions
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the extractor version, the commit it was built from and the dataset schema version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runVersion(cmd.Context(), streamsOf(cmd), opts, args)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print one JSON object")
	return cmd
}

// runVersion runs zipin version with opts; it writes to s.
func runVersion(ctx context.Context, s streams, opts versionOptions, args []string) error {
	b := version.Info()
	w := s.stdout
	if opts.JSON {
		return json.NewEncoder(w).Encode(map[string]any{
			"extractor": version.Extractor, "commit": b.Commit, "commit_time": b.Time,
			"modified": b.Modified, "schema": schema.SchemaVersion, "go": b.Go,
		})
	}
	fmt.Fprintf(w, "zipin %s\n", version.Extractor)
	fmt.Fprintf(w, "extractor  %s   (rows from older versions are re-extracted on the next ingest)\n", version.Extractor)
	commit := b.Short()
	if b.Time != "" {
		commit += "  " + b.Time
	}
	fmt.Fprintf(w, "commit     %s\n", commit)
	fmt.Fprintf(w, "schema     %s   (dataset schema version, in every file's zipin.schema_version)\n", schema.SchemaVersion)
	fmt.Fprintf(w, "go         %s\n", b.Go)
	return nil
}
