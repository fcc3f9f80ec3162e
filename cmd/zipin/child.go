package main

import (
	"github.com/spf13/cobra"

	"zipin/isolate"
)

// The hidden worker mode: `zipin ingest` starts copies of itself this way and
// sends them documents to parse over stdin/stdout (package isolate), so a
// document that hangs or eats memory kills a child, not the import.
func newChildCommand() *cobra.Command {
	return &cobra.Command{
		Use:    "__worker",
		Short:  "Parse documents sent on stdin (internal: started by ingest)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if code := isolate.Main(); code != 0 {
				return &exitError{code: code}
			}
			return nil
		},
	}
}
