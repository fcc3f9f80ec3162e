package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"zipin/query"
)

// queryOptions holds the flags of zipin query.
type queryOptions struct {
	Out    string
	Format string
	Name   string
	Params []string
	List   bool
}

func newQueryCommand() *cobra.Command {
	var opts queryOptions
	cmd := &cobra.Command{
		Use:   "query [--out DIR] [--format table|csv|json] [--list] [--name NAME --param k=v] [SQL]",
		Short: "Run SQL or a named query over the dataset (embedded DuckDB)",
		Long: `query runs one SQL statement over the dataset in DIR through an embedded DuckDB. The views reports,
facts, texts, projects, indicators and corrections are predefined; fiscal_year is an INTEGER, NULL where
unknown, and a filter on it skips other years' files. Money columns are DECIMAL(18,2) in 元.
reports_reviewed and facts_reviewed apply the corrections auditors made in zipin review --serve, and
corrections_status says whether the current extraction agrees with each.

--list shows the named queries and their parameters; --name runs one, with --param NAME=VALUE as needed.
SQL "-" reads the statement from standard input.

Examples:
  zipin query "SELECT organization, fiscal_year, budget_yuan FROM reports ORDER BY 1, 2"
  zipin query --name budget-yoy --param org=民政局 --format csv`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runQuery(cmd.Context(), streamsOf(cmd), opts, args)
		},
	}
	cmd.Flags().StringVarP(&opts.Out, "out", "o", defaultOut, "dataset folder")
	cmd.Flags().StringVarP(&opts.Format, "format", "f", "table", "output format: "+formatNames())
	cmd.Flags().BoolVarP(&opts.List, "list", "l", false, "list the named queries")
	cmd.Flags().StringVarP(&opts.Name, "name", "n", "", "run the named query NAME")
	cmd.Flags().StringArrayVarP(&opts.Params, "param", "p", nil, "a named query's parameter, NAME=VALUE (repeatable)")
	return cmd
}

// runQuery runs zipin query with opts; it writes to s.
func runQuery(ctx context.Context, s streams, opts queryOptions, args []string) error {
	w := s.stdout
	if opts.List {
		if len(args) > 0 || opts.Name != "" {
			return usageErr(errors.New("query: --list takes no SQL and no --name"))
		}
		return listQueries(w)
	}
	write, ok := query.Formats[opts.Format]
	if !ok {
		return usageErr(fmt.Errorf("query: --format %q: want one of %s", opts.Format, formatNames()))
	}
	p, err := query.ParseParams(opts.Params)
	if err != nil {
		return usageErr(fmt.Errorf("query: %w", err))
	}
	var sqlText string
	switch {
	case opts.Name != "" && len(args) > 0:
		return usageErr(errors.New("query: give either SQL or --name, not both"))
	case opts.Name != "":
		q, ok := query.Lookup(opts.Name)
		if !ok {
			return usageErr(fmt.Errorf("query: no named query %q (zipin query --list shows them)", opts.Name))
		}
		if _, err := q.Args(p); err != nil {
			return usageErr(err)
		}
	case len(opts.Params) > 0:
		return usageErr(errors.New("query: --param goes with --name"))
	case len(args) == 0:
		return usageErr(errors.New("query: give an SQL statement, --name NAME or --list"))
	case len(args) == 1 && args[0] == "-":
		b, err := io.ReadAll(s.stdin)
		if err != nil {
			return fmt.Errorf("query: reading SQL from standard input: %w", err)
		}
		sqlText = string(b)
	default:
		sqlText = strings.Join(args, " ")
	}
	e, err := query.Open(opts.Out)
	if err != nil {
		return usageErr(err)
	}
	defer e.Close()
	var res *query.Result
	if opts.Name != "" {
		res, err = e.RunNamed(ctx, opts.Name, p)
	} else {
		res, err = e.Run(ctx, sqlText)
	}
	if err != nil {
		return err
	}
	return write(w, res)
}

func formatNames() string {
	names := make([]string, 0, len(query.Formats))
	for n := range query.Formats {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// listQueries prints each named query with its parameters and SQL.
func listQueries(w io.Writer) error {
	var b strings.Builder
	for _, q := range query.Queries {
		fmt.Fprintf(&b, "%s\n    %s\n", q.Name, q.Description)
		for _, p := range q.Params {
			def := "required"
			if !p.Required {
				def = fmt.Sprintf("default %q", p.Default)
			}
			fmt.Fprintf(&b, "    --param %s=…  %s (%s)\n", p.Name, p.Description, def)
		}
		fmt.Fprintf(&b, "\n    %s\n\n", strings.ReplaceAll(q.SQL, "\n", "\n    "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
