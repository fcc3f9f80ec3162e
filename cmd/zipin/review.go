package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"

	"zipin/review"
)

// reviewOptions holds the flags of zipin review.
type reviewOptions struct {
	Out   string
	HTML  string
	Serve string
}

func newReviewCommand() *cobra.Command {
	var opts reviewOptions
	cmd := &cobra.Command{
		Use:   "review [--out DIR] DOC_ID|SOURCE [--html FILE | --serve ADDR]",
		Short: "Show a document's text with every extracted fact highlighted, for auditors",
		Long: `review writes a self-contained HTML page (no external assets; works offline) for one document: its
normalized text page by page, every fact highlighted at its offsets and coloured by kind (hover for
metric, value, unit and approx); a side panel to navigate (page index, jump, next/previous warning and
fact of a metric, search), the cross-check warnings and the headline fields with the candidates weighed
for each and why; the projects and indicators; and where the document came from (source URL,
publication date, harvest time, original file).

The document is a doc_id, a doc_id prefix of 6 or more characters, a source as recorded, or a unique file
name. The page goes to standard output unless --html FILE is given.

--serve ADDR starts a local server (loopback addresses only, such as 127.0.0.1:8080) that lists every
document, with filters by organization, year, kind and warnings, and opens any review page. DOC_ID is
optional then. There an auditor confirms or corrects a headline field or a fact, with a note: the
verdict is appended to the dataset's corrections table, which re-extraction keeps, and zipin query's
reports_reviewed view applies. Stop it with Ctrl-C.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReview(cmd.Context(), streamsOf(cmd), opts, args)
		},
	}
	cmd.Flags().StringVarP(&opts.Out, "out", "o", defaultOut, "dataset folder")
	cmd.Flags().StringVar(&opts.HTML, "html", "", "write the page to FILE")
	cmd.Flags().StringVar(&opts.Serve, "serve", "", "serve all documents on ADDR (loopback only), such as 127.0.0.1:8080")
	return cmd
}

// runReview runs zipin review with opts; it writes to s.
func runReview(ctx context.Context, s streams, opts reviewOptions, args []string) error {
	if opts.HTML != "" && opts.Serve != "" {
		return usageErr(errors.New("review: give --html or --serve, not both"))
	}
	if opts.Serve != "" {
		if err := review.CheckLoopback(opts.Serve); err != nil {
			return usageErr(err)
		}
	} else if len(args) == 0 {
		return usageErr(errors.New("review: which document? give a DOC_ID or SOURCE (or --serve ADDR to browse them)"))
	}
	var doc *review.Doc
	if opts.Serve == "" && review.IsDocID(args[0]) {
		// One document by its doc_id: read only the files that may
		// hold it, however large the dataset.
		d, err := review.LoadDoc(opts.Out, args[0])
		if err == nil {
			return writePage(s.stdout, opts.HTML, d)
		}
		if !errors.Is(err, review.ErrNoDocument) {
			return usageErr(err)
		}
		// Not a doc_id after all (a file named like one): search.
	}
	data, err := review.Load(opts.Out)
	if err != nil {
		return usageErr(err)
	}
	if len(args) == 1 {
		if doc, err = data.Find(args[0]); err != nil {
			return usageErr(err)
		}
	}
	if opts.Serve != "" {
		ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
		return review.Serve(ctx, opts.Serve, data, func(addr string) {
			u := "http://" + addr + "/"
			if doc != nil {
				u += "doc/" + url.PathEscape(doc.Report.DocID)
			}
			fmt.Fprintf(s.stdout, "serving %d documents from %s at %s (Ctrl-C stops)\n", len(data.Reports), opts.Out, u)
		})
	}
	return writePage(s.stdout, opts.HTML, doc)
}

// writePage writes the page of doc to standard output, or to htmlFile.
func writePage(stdout io.Writer, htmlFile string, doc *review.Doc) error {
	if htmlFile == "" {
		w := bufio.NewWriter(stdout)
		if err := review.Render(w, doc, ""); err != nil {
			return err
		}
		return w.Flush()
	}
	return writeReview(htmlFile, doc)
}

// writeReview writes the page through a temporary file, so a browser that
// reloads it never sees half a page.
func writeReview(path string, doc *review.Doc) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".review-*.html")
	if err != nil {
		return fmt.Errorf("review: %w", err)
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriter(tmp)
	if err := review.Render(w, doc, ""); err != nil {
		tmp.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return fmt.Errorf("review: writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("review: writing %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("review: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("review: writing %s: %w", path, err)
	}
	return nil
}
