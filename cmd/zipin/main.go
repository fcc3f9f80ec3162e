// Command zipin turns Chinese budget-performance self-evaluation reports into
// a typed Parquet dataset. Each subcommand lives in its own file and
// registers itself with rootCmd in an init function.
package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// Exit statuses shared by the subcommands (CONTRACT.md).
const (
	exitOK      = 0
	exitPartial = 1 // some documents quarantined or failed; the rest written
	exitUsage   = 2 // usage or configuration error; nothing written
	// exitFailure: the run failed at run time (disk full, I/O, the dataset
	// locked by another run, a worker that cannot start). What was
	// committed before stays; the summary says what the dataset holds.
	exitFailure = 3
	// exitInterrupted: stopped by SIGINT or SIGTERM (128 + SIGINT, as
	// shells report it); finished documents were committed.
	exitInterrupted = 130
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
	Long:          "zipin reads 绩效自评报告 and 绩效自评表 (PDF, DOCX, XLSX, HTML, text and legacy .doc/.xls/.wps/.et)\nand writes a Parquet dataset of reports, facts, texts, projects and indicators, every number traced\nto its page and span.",
	SilenceUsage:  true,
	SilenceErrors: true,
}

// usageLineErr is a usage error that names the command and shows its usage
// line: cobra's own argument and flag messages ("requires at least 1
// arg(s), only received 0") say neither.
func usageLineErr(cmd *cobra.Command, err error) error {
	msg := err.Error()
	if !strings.Contains(msg, `"`+cmd.CommandPath()+`"`) {
		msg = cmd.Name() + ": " + msg
	}
	return usageErr(fmt.Errorf("%s\nusage: %s", msg, cmd.UseLine()))
}

// markUsage makes every command's argument check report a usage error, so
// that an error left unmarked is a runtime failure.
func markUsage(c *cobra.Command) {
	if args := c.Args; args != nil {
		c.Args = func(cmd *cobra.Command, a []string) error {
			if err := args(cmd, a); err != nil {
				return usageLineErr(cmd, err)
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		markUsage(sub)
	}
}

func main() {
	rootCmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageLineErr(c, err) })
	markUsage(rootCmd)
	stopProfile := startCPUProfile()
	err := rootCmd.Execute()
	stopProfile()
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
	if strings.HasPrefix(err.Error(), "unknown command") {
		os.Exit(exitUsage)
	}
	os.Exit(exitFailure)
}
