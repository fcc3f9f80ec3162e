// Command zipin turns Chinese budget-performance self-evaluation reports into
// a typed Parquet dataset. Each subcommand lives in its own file as a
// constructor (newXCommand), an options struct holding its flags and a plain
// run function (runX), as restic's cmd_*.go; newRootCommand lists them all.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"zipin/dataset"
	"zipin/isolate"
)

// Exit statuses shared by every subcommand (CONTRACT.md gives 0, 1 and 2);
// package harvest states the same numbers for its library callers.
const (
	exitOK      = 0
	exitPartial = 1 // some documents quarantined or failed; the rest written
	exitUsage   = 2 // usage or configuration error; nothing written
	// exitFailure: the run failed at run time (disk full, I/O, a worker
	// that cannot start; a dataset locked by another run is exitBusy). What was
	// committed before stays; the summary says what the dataset holds.
	exitFailure = 3
	// exitBusy: another zipin run holds the lock on the dataset or the
	// harvest folder; nothing was done. 75 is EX_TEMPFAIL (sysexits.h):
	// cron wrappers and systemd treat it as "try again later", not as a
	// failure to alert on.
	exitBusy = 75
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

// isConfigError says whether err is --out refused on opening, before any
// work: a folder of the other layout, or a bucket that does not exist.
func isConfigError(err error) bool {
	var le *dataset.LayoutError
	var nb *dataset.NoBucketError
	return errors.As(err, &le) || errors.As(err, &nb)
}

// openErr is the exit status of a per-document writer (zipin worker, ingest
// --catalog) that could not open its queue, catalog or dataset: 2 for an
// --out refused (nothing written), 75 for a folder a batch writer holds
// (its Sink's shared lock refused: try again later, as a second batch
// writer is told), else 3.
func openErr(err error) error {
	if isConfigError(err) {
		return usageErr(err)
	}
	if le := (*dataset.LockedError)(nil); errors.As(err, &le) {
		return &exitError{code: exitBusy, err: err}
	}
	return &exitError{code: exitFailure, err: err}
}

// usageErr marks err as a usage or configuration problem (exit 2).
func usageErr(err error) error { return &exitError{code: exitUsage, err: err} }

// streams are a command's standard input and outputs. cobra's (which tests
// and callers may set with SetIn, SetOut and SetErr) are handed to the run
// functions, which know nothing of cobra.
type streams struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

func streamsOf(cmd *cobra.Command) streams {
	return streams{stdin: cmd.InOrStdin(), stdout: cmd.OutOrStdout(), stderr: cmd.ErrOrStderr()}
}

// newRootCommand builds the zipin command with every subcommand, in one
// list, and the usage-error handling that gives exit status 2.
func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "zipin",
		Short:         "Extract typed data from Chinese budget-performance self-evaluation reports",
		Long:          "zipin reads 绩效自评报告 and 绩效自评表 (PDF, DOCX, XLSX, HTML, text and legacy .doc/.xls/.wps/.et)\nand writes a Parquet dataset of reports, facts, texts, projects and indicators, every number traced\nto its page and span.",
		Version:       versionLine(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetVersionTemplate("zipin {{.Version}}\n")
	root.AddCommand(
		newIngestCommand(),
		newHarvestCommand(),
		newStatusCommand(),
		newQueryCommand(),
		newReviewCommand(),
		newCompactCommand(),
		newEvalCommand(),
		newVersionCommand(),
		newWorkerCommand(),
		newChildCommand(),
	)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageLineErr(c, err) })
	markUsage(root)
	return root
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
	// zipin is its own worker: ingest starts copies of this executable
	// (newChildCommand) to parse documents.
	isolate.Register()
	stopProfile := startCPUProfile()
	err := newRootCommand().Execute()
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
