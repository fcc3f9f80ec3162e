package queue

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/riverqueue/river"
)

// TestLocalQueueWorksWithoutNotifications enqueues three documents through
// a client of LocalQueue on SQLite: the client works all three, and no
// notification row is written for the inserts (aloneDriver), where River's
// SQLite listener would have written one and polled for it.
func TestLocalQueueWorksWithoutNotifications(t *testing.T) {
	ctx := context.Background()
	q, err := Open(ctx, filepath.Join(t.TempDir(), "q.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	worked := make(chan string, 3)
	c, err := q.Work(ctx, river.WorkFunc(func(_ context.Context, j *river.Job[ExtractArgs]) error {
		worked <- j.Args.DocID
		return nil
	}), WorkConfig{MaxWorkers: 2, Queue: LocalQueue})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop(ctx)
	e, err := c.Enqueue(ctx, []ExtractArgs{{Path: "/a.pdf", DocID: "aa"}, {Path: "/b.pdf", DocID: "bb"}, {Path: "/c.pdf", DocID: "cc"}})
	if err != nil || e.Added != 3 {
		t.Fatalf("enqueue: %+v, %v; want 3 added", e, err)
	}
	var got []string
	for len(got) < 3 {
		select {
		case id := <-worked:
			got = append(got, id)
		case <-time.After(time.Minute): // a hang, not a speed limit
			t.Fatalf("worked %q of 3 documents", got)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{"aa", "bb", "cc"}) {
		t.Errorf("worked %q, want [aa bb cc]", got)
	}
	if err := c.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := q.db.QueryRowContext(ctx, `SELECT count(*) FROM river_notification`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d notification rows, want 0", n)
	}
}
