package queue

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/riverqueue/river"
)

// DefaultRescueAfter is how long a job may stay running before River hands
// it to another worker: longer than any one document takes (the time
// budget, pipeline.DefaultTimeout, plus writing), short enough that a lost
// machine costs minutes.
const DefaultRescueAfter = 5 * time.Minute

// fetchCooldown is the least time between two fetches of one River client
// (River's minimum).
const fetchCooldown = time.Millisecond

// WorkConfig says how a Client works the queue.
type WorkConfig struct {
	// MaxWorkers is how many jobs the client holds at once (River's
	// MaxWorkers; at least 1).
	MaxWorkers int
	// RescueAfter is River's RescueStuckJobsAfter (0: DefaultRescueAfter).
	RescueAfter time.Duration
	// Logger receives River's own log (nil: warnings and errors to stderr).
	Logger *slog.Logger
	// Queue is the River queue (river_job.queue) the client works and
	// Client.Enqueue inserts into ("": River's default queue, that of
	// zipin worker and ingest --catalog). The import of one machine keeps
	// its jobs in LocalQueue, so that a scale-out queue sharing the same
	// database file is none of its business.
	Queue string
}

// LocalQueue is the River queue of the import of one machine
// (pipeline.Ingest): its jobs are unique per doc_id within it only, and
// one client works them, in the process holding the dataset's lock (on
// SQLite without River's notification poll: aloneDriver).
const LocalQueue = "local"

// Client is a River client working this queue's KindExtract jobs.
type Client struct {
	c    client
	q    *Queue
	opts *river.InsertOpts // for a named queue; nil: ExtractArgs.InsertOpts
}

// Work starts a River client that works q's KindExtract jobs with w, up to
// cfg.MaxWorkers at once, until Stop. Both importers use it: zipin worker
// and ingest --catalog (package queue/worker), and the import of one
// machine into its own dataset (pipeline.Ingest).
//
// The client runs on its own context: a signal asks for a soft stop (Stop:
// finish what is in hand), not for the hard one that cancelling Start's
// context would be.
func (q *Queue) Work(ctx context.Context, w river.Worker[ExtractArgs], cfg WorkConfig) (*Client, error) {
	name := cmp.Or(cfg.Queue, river.QueueDefault)
	ws := river.NewWorkers()
	if err := river.AddWorkerSafely[ExtractArgs](ws, w); err != nil {
		return nil, err
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	newClient := q.newClient
	if name == LocalQueue && q.newAloneClient != nil {
		newClient = q.newAloneClient
	}
	c, err := newClient(&river.Config{
		ID:                   WorkerID(),
		Queues:               map[string]river.QueueConfig{name: {MaxWorkers: max(cfg.MaxWorkers, 1)}},
		Workers:              ws,
		JobTimeout:           -1,
		RescueStuckJobsAfter: cmp.Or(cfg.RescueAfter, DefaultRescueAfter),
		MaxAttempts:          DefaultMaxAttempts,
		Logger:               logger,
		// A slot that frees up fetches the next job at once. River's
		// default cooldown (100 ms between fetches) left a worker idle for
		// up to 100 ms after each document, more than twice the median
		// document's extraction time (cmd/zipin-bench -queue). Fetches stay
		// bounded without it: River fetches only for free slots, so at most
		// once per document finished.
		FetchCooldown: fetchCooldown,
		// zipin status counts the jobs River keeps: a week of finished
		// jobs spans an import (River's default is a day).
		CompletedJobRetentionPeriod: 7 * 24 * time.Hour,
	})
	if err != nil {
		return nil, fmt.Errorf("queue %s: %w", redact(q.URL), err)
	}
	if err := c.Start(context.WithoutCancel(ctx)); err != nil {
		return nil, fmt.Errorf("queue %s: %w", redact(q.URL), err)
	}
	cl := &Client{c: c, q: q}
	if name != river.QueueDefault {
		o := ExtractArgs{}.InsertOpts()
		o.Queue, o.UniqueOpts.ByQueue = name, true
		cl.opts = &o
	}
	return cl, nil
}

// Enqueue is Queue.Enqueue through the working client: on SQLite, which
// tells no other client of new jobs, inserting through it wakes its own
// fetcher at once instead of at its next poll (a second later).
func (c *Client) Enqueue(ctx context.Context, docs []ExtractArgs) (Enqueued, error) {
	return c.q.enqueue(ctx, c.c, c.opts, docs)
}

// Stop stops fetching jobs and returns once the jobs in hand are done and
// their completions written.
func (c *Client) Stop(ctx context.Context) error { return c.c.Stop(ctx) }

// StopAndCancel is Stop that cancels the contexts of the jobs in hand; it
// may overtake a Stop in progress.
func (c *Client) StopAndCancel(ctx context.Context) error { return c.c.StopAndCancel(ctx) }

// HandBack makes every unfinished KindExtract job of the River queue named
// (LocalQueue, say) available again at once,
// whatever its state (running, retryable, scheduled), and returns how many
// it changed. Only a caller that knows no worker is alive may call it: the
// import of one machine, which holds its dataset's lock, so that a job a
// killed run left running belongs to no one. River's own rescue would wait
// RescueStuckJobsAfter. A job that used up its attempts gets one more, as
// River's JobRetry gives.
func (q *Queue) HandBack(ctx context.Context, queue string) (int64, error) {
	now := `datetime('now', 'subsec')`
	if q.Postgres {
		now = `now()`
	}
	res, err := q.db.ExecContext(ctx, `UPDATE river_job SET state = 'available', scheduled_at = `+now+`,
		max_attempts = CASE WHEN attempt >= max_attempts THEN attempt + 1 ELSE max_attempts END, finalized_at = NULL
		WHERE kind = '`+KindExtract+`' AND queue = `+q.param(1)+` AND state IN ('running', 'retryable', 'scheduled')`, queue)
	if err != nil {
		return 0, fmt.Errorf("queue %s: handing back jobs: %w", redact(q.URL), err)
	}
	return res.RowsAffected()
}

// param is the n-th query parameter in the database's syntax.
func (q *Queue) param(n int) string {
	if q.Postgres {
		return fmt.Sprintf("$%d", n)
	}
	return "?"
}
