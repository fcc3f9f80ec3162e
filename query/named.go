package query

import (
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Param is one parameter of a named query, written $name in its SQL. Values
// are passed as strings; the SQL casts them where it needs another type.
type Param struct {
	Name        string
	Description string
	Default     string // used when the user gives none
	Required    bool   // no default: the user must give it
}

// Named is a query a user can list and run by name.
type Named struct {
	Name        string
	Description string
	Params      []Param
	SQL         string
}

// Queries are the named queries, in the order --list shows them. Each is
// plain DuckDB SQL over the views, so docs/query.md can show it unchanged.
var Queries = []Named{
	{
		Name:        "execution-rate",
		Description: "budget, spending and execution rate by organization, year and report kind: the rate computed from the sums next to the rate the reports state",
		SQL: `SELECT organization, fiscal_year, kind,
       count(*) AS reports,
       sum(budget_yuan) AS budget_yuan,
       sum(executed_yuan) AS executed_yuan,
       round(100 * sum(executed_yuan) FILTER (WHERE budget_yuan IS NOT NULL)
                 / sum(budget_yuan) FILTER (WHERE executed_yuan IS NOT NULL), 2) AS computed_rate,
       round(avg(execution_rate), 2) AS stated_rate
FROM reports
WHERE organization IS NOT NULL
GROUP BY organization, fiscal_year, kind
ORDER BY organization, fiscal_year, kind`,
	},
	{
		Name:        "failed-checks",
		Description: "reports whose cross-checks failed: one row per warning",
		SQL: `SELECT doc_id, organization, fiscal_year, title,
       execution_rate AS stated_rate,
       round(100 * executed_yuan / budget_yuan, 2) AS computed_rate,
       unnest(warnings) AS warning
FROM reports
WHERE len(warnings) > 0
ORDER BY organization, fiscal_year, doc_id`,
	},
	{
		Name:        "top-spending",
		Description: "the largest amounts of money in the texts, with their organization, page and words (metric= lists every amount)",
		Params: []Param{
			{Name: "metric", Description: "the facts' metric, such as executed or budget_total; empty for any", Default: "executed"},
			{Name: "limit", Description: "how many rows", Default: "20"},
		},
		SQL: `SELECT f.value AS value_yuan, f.text, f.metric, f.subject,
       r.organization, f.fiscal_year, f.doc_id, f.page, f.seq
FROM facts f LEFT JOIN reports r ON r.doc_id = f.doc_id
WHERE f.kind = 'money' AND ($metric = '' OR f.metric = $metric)
ORDER BY f.value DESC, f.doc_id, f.seq
LIMIT CAST($limit AS INTEGER)`,
	},
	{
		Name:        "top-projects",
		Description: "the projects (自评表) that spent the most",
		Params: []Param{
			{Name: "limit", Description: "how many rows", Default: "20"},
		},
		SQL: `SELECT p.executed_yuan, p.budget_yuan, p.execution_rate, p.project,
       coalesce(p.implementer, p.department, r.organization) AS organization,
       r.fiscal_year, p.doc_id, p.project_seq
FROM projects p LEFT JOIN reports r ON r.doc_id = p.doc_id
WHERE p.executed_yuan IS NOT NULL
ORDER BY p.executed_yuan DESC, p.doc_id, p.project_seq
LIMIT CAST($limit AS INTEGER)`,
	},
	{
		Name:        "budget-yoy",
		Description: "year-over-year change of an organization's budget (organizations whose name contains org)",
		Params: []Param{
			{Name: "org", Description: "part of the organization's name", Required: true},
			{Name: "kind", Description: "report kind to sum (department, project, …); empty for all", Default: "department"},
		},
		SQL: `WITH y AS (
  SELECT organization, fiscal_year,
         sum(budget_yuan) AS budget_yuan, sum(executed_yuan) AS executed_yuan
  FROM reports
  WHERE contains(organization, $org) AND fiscal_year IS NOT NULL AND budget_yuan IS NOT NULL
    AND ($kind = '' OR kind = $kind)
  GROUP BY organization, fiscal_year
)
SELECT organization, fiscal_year, budget_yuan,
       lag(fiscal_year) OVER w AS prev_year,
       budget_yuan - lag(budget_yuan) OVER w AS change_yuan,
       round(100 * (budget_yuan - lag(budget_yuan) OVER w) / lag(budget_yuan) OVER w, 2) AS change_pct,
       executed_yuan
FROM y
WINDOW w AS (PARTITION BY organization ORDER BY fiscal_year)
ORDER BY organization, fiscal_year`,
	},
	{
		Name:        "rate-mismatch",
		Description: "reports whose stated execution rate differs from executed ÷ budget by more than tol percentage points",
		Params: []Param{
			{Name: "tol", Description: "tolerance in percentage points", Default: "0.5"},
		},
		SQL: `SELECT doc_id, organization, fiscal_year, budget_yuan, executed_yuan,
       execution_rate AS stated_rate,
       round(100 * executed_yuan / budget_yuan, 2) AS computed_rate,
       round(execution_rate - 100 * executed_yuan / budget_yuan, 2) AS diff
FROM reports
WHERE budget_yuan > 0 AND executed_yuan IS NOT NULL AND execution_rate IS NOT NULL
  AND abs(execution_rate - 100 * executed_yuan / budget_yuan) > CAST($tol AS DOUBLE)
ORDER BY abs(diff) DESC, doc_id`,
	},
	{
		Name:        "coverage",
		Description: "documents in the dataset (quarantined ones are not) by kind, and how many state each headline field",
		SQL: `SELECT kind, count(*) AS reports,
       count(organization) AS organization, count(fiscal_year) AS fiscal_year,
       count(budget_yuan) AS budget, count(executed_yuan) AS executed,
       count(execution_rate) AS rate, count(self_score) AS score, count(grade) AS grade,
       count(*) FILTER (WHERE len(warnings) > 0) AS with_warnings
FROM reports
GROUP BY kind
ORDER BY reports DESC, kind`,
	},
	{
		Name:        "facts-by-kind",
		Description: "how many facts of each kind and unit, and in how many documents",
		SQL: `SELECT kind, unit, count(*) AS facts, count(DISTINCT doc_id) AS documents,
       count(approx) AS approximate, count(metric) AS with_metric
FROM facts
GROUP BY kind, unit
ORDER BY facts DESC, kind, unit`,
	},
}

// Lookup finds a named query.
func Lookup(name string) (Named, bool) {
	i := slices.IndexFunc(Queries, func(q Named) bool { return q.Name == name })
	if i < 0 {
		return Named{}, false
	}
	return Queries[i], true
}

// Args turns the user's parameters into driver arguments, with defaults
// filled in. It refuses unknown and missing parameters, naming them.
func (q Named) Args(params map[string]string) ([]any, error) {
	known := map[string]bool{}
	var args []any
	var missing []string
	for _, p := range q.Params {
		known[p.Name] = true
		v, ok := params[p.Name]
		switch {
		case ok:
		case p.Required:
			missing = append(missing, p.Name)
			continue
		default:
			v = p.Default
		}
		args = append(args, sql.Named(p.Name, v))
	}
	var unknown []string
	for k := range params {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	if len(unknown) > 0 {
		return nil, fmt.Errorf("query %s: unknown parameter %s (it takes: %s)", q.Name, strings.Join(unknown, ", "), q.paramNames())
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("query %s: missing parameter %s (give it with --param %s=VALUE)", q.Name, strings.Join(missing, ", "), missing[0])
	}
	return args, nil
}

func (q Named) paramNames() string {
	if len(q.Params) == 0 {
		return "no parameters"
	}
	names := make([]string, len(q.Params))
	for i, p := range q.Params {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}

// ParseParams reads k=v pairs, as given to --param.
func ParseParams(kvs []string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, fmt.Errorf("--param %q: want NAME=VALUE", kv)
		}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("--param %s given twice", k)
		}
		out[k] = v
	}
	return out, nil
}
