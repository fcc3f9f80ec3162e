package catalog_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"zipin/catalog"
)

// versions lists the applied migrations.
func versions(t *testing.T, c *catalog.Catalog) []int {
	t.Helper()
	rows, err := c.DB().Query(`SELECT version FROM catalog_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

// The migrations apply to an empty database, once: opening again, or
// opening from several processes at once (here connection pools), applies
// none twice and fails none.
func TestMigrations(t *testing.T) {
	onBoth(t, func(t *testing.T, url string) {
		const opens = 6
		var wg sync.WaitGroup
		errs := make([]error, opens)
		cats := make([]*catalog.Catalog, opens)
		for i := range opens {
			wg.Go(func() { cats[i], errs[i] = catalog.OpenURL(context.Background(), url) })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("open %d of %d at once: %v", i+1, opens, err)
			}
			defer cats[i].Close()
		}
		if got := fmt.Sprint(versions(t, cats[0])); got != "[1 2]" {
			t.Fatalf("applied migrations %s, want [1 2]", got)
		}
		c := openURL(t, url)
		defer c.Close()
		if got := fmt.Sprint(versions(t, c)); got != "[1 2]" {
			t.Fatalf("after reopening: applied migrations %s, want [1 2]", got)
		}
		// The whole schema is there: a run, a document, a document in progress.
		run, err := c.StartRun("1.0", 1)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Begin(run, "x", "x.pdf", true); err != nil {
			t.Fatal(err)
		}
		if err := c.Record(run, []catalog.Doc{{DocID: "y", Source: "y.pdf", Status: catalog.StatusOK, ExtractorVersion: "1.0",
			Size: 5 << 30}}, []catalog.Input{{Path: "y.pdf", Size: 5 << 30, MtimeNS: 1_764_547_200_123_456_789, DocID: "y"}}); err != nil {
			t.Fatal(err) // 5 GiB and a nanosecond mtime need 64-bit columns
		}
		in, err := c.Inputs()
		if err != nil || in["y.pdf"].MtimeNS != 1_764_547_200_123_456_789 || in["y.pdf"].Size != 5<<30 {
			t.Fatalf("inputs = %+v, %v", in, err)
		}
		u, err := c.Unfinished()
		if err != nil || len(u) != 1 || !u["x"].InProcess || u["x"].RunID != run || u["x"].Attempts != 1 {
			t.Fatalf("unfinished = %+v, %v", u, err)
		}
	})
}

// Open(dir) is still the SQLite file DIR/_catalog.sqlite, and OpenURL with
// the folder, or sqlite:FILE, opens the same catalog.
func TestOpenDirAndURLAreOneCatalog(t *testing.T) {
	dir := t.TempDir()
	c, err := catalog.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Driver() != "sqlite" || c.Path != filepath.Join(dir, catalog.FileName) {
		t.Fatalf("driver %s, path %s", c.Driver(), c.Path)
	}
	if _, err := c.StartRun("1.0", 3); err != nil {
		t.Fatal(err)
	}
	c.Close()
	for _, url := range []string{dir, "sqlite:" + filepath.Join(dir, catalog.FileName)} {
		c, err := catalog.OpenURLReadOnly(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		runs, err := c.Runs(5)
		c.Close()
		if err != nil || len(runs) != 1 || runs[0].Jobs != 3 {
			t.Errorf("%s: runs %+v, %v", url, runs, err)
		}
	}
}

// A read-only catalog reads and refuses to write; where there is no catalog
// it is an error, and nothing is created.
func TestReadOnly(t *testing.T) {
	onBoth(t, func(t *testing.T, url string) {
		if c, err := catalog.OpenURLReadOnly(context.Background(), url); err == nil {
			c.Close()
			t.Fatal("opened a catalog that does not exist")
		}
		if path, ok := strings.CutPrefix(url, "sqlite:"); ok {
			if _, err := os.Stat(path); err == nil {
				t.Fatalf("read-only open created %s", path)
			}
		}
		c := openURL(t, url)
		if _, err := c.StartRun("1.0", 2); err != nil {
			t.Fatal(err)
		}
		c.Close()
		ro, err := catalog.OpenURLReadOnly(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer ro.Close()
		if runs, err := ro.Runs(1); err != nil || len(runs) != 1 {
			t.Fatalf("runs %+v, %v", runs, err)
		}
		if _, err := ro.StartRun("1.0", 1); err == nil {
			t.Fatal("a read-only catalog took a write")
		}
	})
}

// ParseURL is how the catalog and the queue agree on one database.
func TestParseURL(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ url, driver, target string }{
		{"postgres://u@h:5432/db?sslmode=disable", "postgres", "postgres://u@h:5432/db?sslmode=disable"},
		{"postgresql://h/db", "postgres", "postgresql://h/db"},
		{"sqlite:x/cat.db", "sqlite", "x/cat.db"},
		{"sqlite:///abs/cat.db", "sqlite", "/abs/cat.db"},
		{"cat.db", "sqlite", "cat.db"},
		{dir, "sqlite", filepath.Join(dir, catalog.FileName)},
		{"sqlite:" + dir, "sqlite", filepath.Join(dir, catalog.FileName)},
	} {
		if d, target := catalog.ParseURL(c.url); d != c.driver || target != c.target {
			t.Errorf("ParseURL(%q) = %s, %s; want %s, %s", c.url, d, target, c.driver, c.target)
		}
	}
}
