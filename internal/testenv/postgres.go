package testenv

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// DefaultPostgres is the test server the machine and CI start: trust
// authentication on loopback, database test. ZIPIN_POSTGRES_URL overrides it.
const DefaultPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable&connect_timeout=10"

// PostgresURL is the URL of the test server's maintenance database.
func PostgresURL() string {
	if u := os.Getenv("ZIPIN_POSTGRES_URL"); u != "" {
		return u
	}
	return DefaultPostgres
}

// PostgreSQL creates a new, empty database with a random name on the test
// server and returns its URL; the database is dropped when the test ends.
// The name's seed is logged. With no server the test is skipped, or fails
// when CI is set: a CI run whose PostgreSQL tests all skipped would report
// ok having checked nothing.
func PostgreSQL(t testing.TB) string {
	t.Helper()
	base := PostgresURL()
	admin, err := sql.Open("pgx", base)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err = admin.PingContext(ctx)
		cancel()
	}
	if err != nil {
		if admin != nil {
			admin.Close()
		}
		Missing(t, "PostgreSQL unreachable at %s: %v (set ZIPIN_POSTGRES_URL)", redacted(base), err)
	}
	seed := rand.Uint64()
	t.Logf("PostgreSQL database seed %#x", seed)
	name := fmt.Sprintf("zipin_test_%016x", rand.New(rand.NewPCG(seed, 0)).Uint64())
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		admin.Close()
		t.Fatalf("creating test database %s: %v", name, err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		// FORCE ends the sessions a failed test left open.
		if _, err := admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); err != nil {
			t.Errorf("dropping test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

func redacted(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return s
}
