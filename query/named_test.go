package query

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

// Every declared parameter must appear in the SQL, or DuckDB refuses the
// binding; and a query's text must not use an undeclared one.
func TestNamedQueryParamsDeclared(t *testing.T) {
	ref := regexp.MustCompile(`\$([a-z_]+)`)
	for _, q := range Queries {
		declared := map[string]bool{}
		for _, p := range q.Params {
			declared[p.Name] = true
			if !strings.Contains(q.SQL, "$"+p.Name) {
				t.Errorf("%s: parameter %s unused", q.Name, p.Name)
			}
			if p.Required == (p.Default != "") && p.Required {
				t.Errorf("%s: required parameter %s has a default", q.Name, p.Name)
			}
		}
		for _, m := range ref.FindAllStringSubmatch(q.SQL, -1) {
			if !declared[m[1]] {
				t.Errorf("%s: $%s not declared", q.Name, m[1])
			}
		}
	}
}

func TestParseParams(t *testing.T) {
	p, err := ParseParams([]string{"org=某市=民政局", "limit=3"})
	if err != nil || p["org"] != "某市=民政局" || p["limit"] != "3" {
		t.Errorf("ParseParams = %v, %v", p, err)
	}
	for _, bad := range [][]string{{"org"}, {"=x"}, {"a=1", "a=2"}} {
		if _, err := ParseParams(bad); err == nil {
			t.Errorf("ParseParams(%q) accepted", bad)
		}
	}
}

func TestArgs(t *testing.T) {
	q, _ := Lookup("top-spending")
	args, err := q.Args(map[string]string{"limit": "5"})
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(args)
	if got != "[{{} metric executed} {{} limit 5}]" {
		t.Errorf("args = %s", got)
	}
}

// docs/query.md shows each named query's SQL as the code has it.
func TestDocsShowNamedQueries(t *testing.T) {
	doc, err := os.ReadFile("../docs/query.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range Queries {
		if !strings.Contains(string(doc), "### `"+q.Name+"`") || !strings.Contains(string(doc), "```sql\n"+q.SQL+"\n```") {
			t.Errorf("docs/query.md does not show %s with its current SQL", q.Name)
		}
	}
}
