package catalog

import (
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// JobTable is River's table of jobs, which the queue keeps in the
// catalog's database (package queue); Queue reads it, and nothing here
// writes it.
const JobTable = "river_job"

// JobDocIDKey is the key of a job's arguments (JSON) that holds the
// document's doc_id, the link from a job to its catalog row.
const JobDocIDKey = "doc_id"

// Queue is the job queue as zipin status shows it: River's jobs counted by
// what became of their document. Every job is in exactly one of the counts
// (Running is the sum over RunningBy).
type Queue struct {
	Pending  int // waiting for a worker: available, scheduled or pending
	Running  int
	Retrying int // failed an attempt, waiting to be tried again (retryable)
	Done     int // completed, the document recorded as anything but quarantined
	// Quarantined counts finished jobs (completed, discarded or cancelled)
	// whose document the catalog holds as quarantined: an unreadable
	// document completes its job; one whose worker died too often is
	// discarded by River and quarantined.
	Quarantined int
	Failed      int            // discarded or cancelled, the document not quarantined
	Other       map[string]int // states this zipin does not know, by state
	// RunningBy counts the running jobs by the worker that holds them: the
	// last client id in River's attempted_by.
	RunningBy map[string]int
}

// Total is the number of jobs.
func (q *Queue) Total() int {
	n := q.Pending + q.Running + q.Retrying + q.Done + q.Quarantined + q.Failed
	for _, k := range q.Other {
		n += k
	}
	return n
}

// jobState is the count a River job state goes to; finished states whose
// document is quarantined go to Quarantined instead.
var jobState = map[string]struct {
	count    func(*Queue) *int
	finished bool
}{
	"available": {func(q *Queue) *int { return &q.Pending }, false},
	"scheduled": {func(q *Queue) *int { return &q.Pending }, false},
	"pending":   {func(q *Queue) *int { return &q.Pending }, false},
	"running":   {func(q *Queue) *int { return &q.Running }, false},
	"retryable": {func(q *Queue) *int { return &q.Retrying }, false},
	"completed": {func(q *Queue) *int { return &q.Done }, true},
	"discarded": {func(q *Queue) *int { return &q.Failed }, true},
	"cancelled": {func(q *Queue) *int { return &q.Failed }, true},
}

// Queue counts the jobs of River's table in the catalog's database, joined
// with the catalog's documents by doc_id. It returns nil when the database
// has no job table (a catalog no queue has used).
func (c *Catalog) Queue() (*Queue, error) {
	var one int
	switch err := c.conn.queryRow(c.d.hasTable, JobTable).Scan(&one); {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("catalog %s: %w", c.Path, err)
	}
	rows, err := c.conn.query(`SELECT j.state,
		CASE WHEN j.state = 'running' THEN COALESCE(`+c.d.lastElem("j.attempted_by")+`, '') ELSE '' END,
		CASE WHEN d.status = ? THEN 1 ELSE 0 END,
		COUNT(*)
		FROM `+JobTable+` j LEFT JOIN documents d ON d.doc_id = `+c.d.jsonText("j.args", JobDocIDKey)+`
		GROUP BY 1, 2, 3`, string(StatusQuarantined))
	if err != nil {
		return nil, fmt.Errorf("catalog %s: reading %s: %w", c.Path, JobTable, err)
	}
	defer rows.Close()
	q := &Queue{Other: map[string]int{}, RunningBy: map[string]int{}}
	for rows.Next() {
		var state, worker string
		var quarantined, n int
		if err := rows.Scan(&state, &worker, &quarantined, &n); err != nil {
			return nil, fmt.Errorf("catalog %s: reading %s: %w", c.Path, JobTable, err)
		}
		s, ok := jobState[state]
		switch {
		case !ok:
			q.Other[state] += n
		case s.finished && quarantined == 1:
			q.Quarantined += n
		default:
			*s.count(q) += n
		}
		if state == "running" {
			q.RunningBy[worker] += n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("catalog %s: reading %s: %w", c.Path, JobTable, err)
	}
	return q, nil
}

// Workers lists the workers holding running jobs, sorted.
func (q *Queue) Workers() []string { return slices.Sorted(maps.Keys(q.RunningBy)) }
