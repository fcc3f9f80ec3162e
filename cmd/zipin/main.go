// Command zipin turns Chinese budget-performance self-evaluation reports into
// a typed Parquet dataset. Each subcommand lives in its own file and
// registers itself with rootCmd in an init function.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"zipin/version"
)

// Exit statuses shared by the subcommands (CONTRACT.md).
const (
	exitOK      = 0
	exitPartial = 1 // some documents quarantined or failed; the rest written
	exitUsage   = 2 // usage or configuration error; nothing written
)

// exitError carries a specific exit status out of a subcommand.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

// usageErr marks err as a usage or configuration problem (exit 2).
func usageErr(err error) error { return &exitError{code: exitUsage, err: err} }

var rootCmd = &cobra.Command{
	Use:           "zipin",
	Short:         "Extract typed data from Chinese budget-performance self-evaluation reports",
	Long:          "zipin reads 绩效自评报告 and 绩效自评表 (PDF, DOCX, XLSX, HTML, text) and writes a Parquet dataset of\nreports, facts, texts, projects and indicators, every number traced to its page and span.",
	Version:       version.Extractor,
	SilenceUsage:  true,
	SilenceErrors: true,
}

func main() {
	rootCmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageErr(err) })
	err := rootCmd.Execute()
	if err == nil {
		return
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(os.Stderr, "zipin:", ee.err)
		}
		os.Exit(ee.code)
	}
	fmt.Fprintln(os.Stderr, "zipin:", err)
	// Cobra's own argument errors are usage errors too.
	os.Exit(exitUsage)
}
