// Package catalogtest fills a catalog's database with real River jobs in
// every state, for the tests of what reads them (catalog.Queue, zipin
// status). Only tests import it.
package catalogtest

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"zipin/catalog"
)

// args is a test job: its document and what its worker does with it.
type args struct {
	DocID string `json:"doc_id"` // catalog.JobDocIDKey
	Do    string `json:"do"`     // ok, fail, cancel or hold
}

func (args) Kind() string { return "zipin_test" }

type worker struct {
	river.WorkerDefaults[args]
	held chan<- string
}

func (w *worker) Work(ctx context.Context, job *river.Job[args]) error {
	switch job.Args.Do {
	case "fail":
		return errors.New("the worker process died")
	case "cancel":
		return river.JobCancel(errors.New("withdrawn"))
	case "hold": // running until the client stops
		w.held <- job.Args.DocID
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}

// laterRetry schedules a failed job's next attempt an hour on, so that it
// stays retryable while the test looks.
type laterRetry struct{}

func (laterRetry) NextRetry(*rivertype.JobRow) time.Time { return time.Now().Add(time.Hour) }

// job is one job Fill inserts and how it ends.
type job struct {
	args
	opts       *river.InsertOpts
	finishes   bool           // ends an attempt (an event) before Fill returns
	catalogued catalog.Status // the document's catalog row, "" for none
}

var jobs = []job{
	{args{"a", "ok"}, nil, true, catalog.StatusOK},                                          // done
	{args{"b", "ok"}, nil, true, catalog.StatusOK},                                          // done
	{args{"c", "ok"}, nil, true, catalog.StatusQuarantined},                                 // quarantined: unreadable, job completed
	{args{"d", "fail"}, &river.InsertOpts{MaxAttempts: 1}, true, catalog.StatusQuarantined}, // quarantined: discarded
	{args{"e", "fail"}, &river.InsertOpts{MaxAttempts: 1}, true, ""},                        // failed: discarded
	{args{"f", "cancel"}, nil, true, ""},                                                    // failed: cancelled
	{args{"g", "fail"}, &river.InsertOpts{MaxAttempts: 3}, true, ""},                        // retrying
	{args{"h", "hold"}, &river.InsertOpts{Queue: "slow"}, false, ""},                        // running
	{args{"i", "hold"}, &river.InsertOpts{Queue: "slow"}, false, ""},                        // running
	{args{"j", "ok"}, &river.InsertOpts{Pending: true}, false, ""},                          // pending
	{args{"k", "ok"}, &river.InsertOpts{ScheduledAt: time.Now().Add(time.Hour)}, false, ""}, // pending: scheduled
	{args{"l", "ok"}, &river.InsertOpts{Queue: "idle"}, false, ""},                          // pending: no worker takes "idle"
}

// Fill opens the catalog at url, records the documents of the jobs above,
// creates River's tables with River's migrator, inserts the jobs and works
// them with real River clients until each has ended its attempt or is
// running, and returns the Queue that catalog.Queue must then count:
// pending 3, running 2, retrying 1, done 2, quarantined 2, failed 2. On
// PostgreSQL two clients, worker-1 and worker-2, each hold one running job
// (each works the "slow" queue one job at a time); on SQLite one client,
// worker-1, holds both. The clients stop when the test ends.
func Fill(t testing.TB, dbURL string) catalog.Queue {
	t.Helper()
	ctx := context.Background()
	cat, err := catalog.OpenURL(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	run, err := cat.StartRun("test", 1)
	if err != nil {
		t.Fatal(err)
	}
	var docs []catalog.Doc
	for _, j := range jobs {
		if j.catalogued != "" {
			d := catalog.Doc{DocID: j.DocID, Source: j.DocID + ".pdf", Status: j.catalogued, ExtractorVersion: "test"}
			if d.Status == catalog.StatusQuarantined {
				d.Reason = "PDF damaged: no trailer"
			}
			docs = append(docs, d)
		}
	}
	if err := cat.Record(run, docs, nil); err != nil {
		t.Fatal(err)
	}

	held := make(chan string, len(jobs))
	workers := river.NewWorkers()
	river.AddWorker(workers, &worker{held: held})
	config := func(id string, queues map[string]river.QueueConfig) *river.Config {
		return &river.Config{ID: id, Queues: queues, Workers: workers, RetryPolicy: laterRetry{},
			JobTimeout: -1, FetchPollInterval: 50 * time.Millisecond, FetchCooldown: 20 * time.Millisecond}
	}
	want := catalog.Queue{Pending: 3, Running: 2, Retrying: 1, Done: 2, Quarantined: 2, Failed: 2, Other: map[string]int{}}
	var events <-chan *river.Event
	if cat.Driver() == "postgres" {
		pool, err := pgxpool.New(ctx, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pool.Close)
		events = startRiver(t, riverpgxv5.New(pool),
			config("worker-1", map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}, "slow": {MaxWorkers: 1}}),
			config("worker-2", map[string]river.QueueConfig{"slow": {MaxWorkers: 1}}))
		want.RunningBy = map[string]int{"worker-1": 1, "worker-2": 1}
	} else {
		// River's advice for SQLite: one connection, so its own operations
		// queue instead of finding the file locked.
		db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: cat.Path}).EscapedPath()+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
		if err != nil {
			t.Fatal(err)
		}
		db.SetMaxOpenConns(1)
		t.Cleanup(func() { db.Close() })
		events = startRiver(t, riversqlite.New(db),
			config("worker-1", map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}, "slow": {MaxWorkers: 2}}))
		want.RunningBy = map[string]int{"worker-1": 2}
	}
	finishing := 0
	for _, j := range jobs {
		if j.finishes {
			finishing++
		}
	}
	// Decided by River's events, not by time: the deadline only turns a
	// hang into a failure.
	deadline := time.After(3 * time.Minute)
	for holding := 0; finishing > 0 || holding < want.Running; {
		select {
		case <-events:
			finishing--
		case <-held:
			holding++
		case <-deadline:
			t.Fatalf("River: %d attempts still to end, %d of %d jobs running", finishing, holding, want.Running)
		}
	}
	return want
}

// startRiver creates River's tables with River's migrator, a client per
// config, inserts the jobs through the first and starts them all; it
// returns the first client's events of attempts ending. The clients stop
// when the test ends.
func startRiver[TTx any](t testing.TB, driver riverdriver.Driver[TTx], configs ...*river.Config) <-chan *river.Event {
	t.Helper()
	ctx := context.Background()
	m, err := rivermigrate.New(driver, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		t.Fatalf("River migrations: %v", err)
	}
	var clients []*river.Client[TTx]
	for _, config := range configs {
		c, err := river.NewClient(driver, config)
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	for _, j := range jobs {
		if _, err := clients[0].Insert(ctx, j.args, j.opts); err != nil {
			t.Fatalf("inserting job %s: %v", j.DocID, err)
		}
	}
	events, _ := clients[0].Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobCancelled)
	for _, c := range clients {
		if err := c.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			stop, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			_ = c.StopAndCancel(stop)
		})
	}
	return events
}
