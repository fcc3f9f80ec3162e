package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"syscall"
	"time"
)

// coldRun is one process run: wall time and the peak RSS of the process
// and every child it waited for (wait4's ru_maxrss).
type coldRun struct {
	wall  time.Duration
	rssKB int64
}

// runOnce runs argv, discarding its output unless it fails.
func runOnce(argv ...string) (coldRun, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	t0 := time.Now()
	err := cmd.Run()
	wall := time.Since(t0)
	if err != nil {
		return coldRun{}, fmt.Errorf("%s: %w: %s", argv[0], err, tailOf(stderr.String()))
	}
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss // KB on Linux
	}
	return coldRun{wall, rss}, nil
}

// median returns the run of median wall time and the highest RSS of all.
func median(runs []coldRun) coldRun {
	sort.Slice(runs, func(i, j int) bool { return runs[i].wall < runs[j].wall })
	m := runs[len(runs)/2]
	for _, r := range runs {
		m.rssKB = max(m.rssKB, r.rssKB)
	}
	return m
}

// coldStart prints, in one run, what a fresh process costs: zipin ingesting
// one small text report into a fresh dataset, zipin ingesting a one-page PDF,
// and pdftotext on that PDF. Each figure is the median wall time of n runs
// and the highest peak RSS.
func coldStart(root, dir, zipin string, n int) error {
	text := filepath.Join(root, "samples", "jiangning-civil-affairs-2023.txt")
	pdf := filepath.Join(root, "samples", "jiangning-relief-table-2023.pdf")
	st, err := os.Stat(text)
	if err != nil {
		return err
	}
	rows := []struct {
		name string
		argv func(i int) []string
	}{
		{fmt.Sprintf("zipin ingest, %.1f KB text report", float64(st.Size())/1024), func(i int) []string {
			return []string{zipin, "ingest", "--out", filepath.Join(dir, fmt.Sprintf("cold-text-%d", i)), text}
		}},
		{"zipin ingest, one-page PDF", func(i int) []string {
			return []string{zipin, "ingest", "--out", filepath.Join(dir, fmt.Sprintf("cold-pdf-%d", i)), pdf}
		}},
		{"pdftotext, same one-page PDF", func(i int) []string {
			return []string{"pdftotext", "-q", pdf, filepath.Join(dir, fmt.Sprintf("cold-%d.txt", i))}
		}},
	}
	fmt.Printf("\ncold start: each process new, each dataset fresh; median of %d runs, highest peak RSS\n", n)
	fmt.Printf("%-36s %10s %14s\n", "run", "seconds", "peak RSS MB")
	for _, r := range rows {
		if r.argv(0)[0] == "pdftotext" {
			if _, err := exec.LookPath("pdftotext"); err != nil {
				fmt.Printf("%-36s %10s %14s   (pdftotext not installed: apt-get install poppler-utils)\n", r.name, "-", "-")
				continue
			}
		}
		var runs []coldRun
		for i := 0; i < n; i++ {
			m, err := runOnce(r.argv(i)...)
			if err != nil {
				return err
			}
			runs = append(runs, m)
		}
		m := median(runs)
		fmt.Printf("%-36s %10.3f %14.1f\n", r.name, m.wall.Seconds(), float64(m.rssKB)/1024)
	}
	return nil
}
