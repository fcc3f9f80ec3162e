package version

import (
	"runtime/debug"
	"time"
)

// Build is what the binary knows about how it was built: the commit from
// the VCS stamp `go build` writes in a git checkout (`go run` and `go test`
// write none, so Commit is "unknown" there).
type Build struct {
	Commit   string // full revision hash, or "unknown"
	Time     string // commit time, RFC 3339, or ""
	Modified bool   // built from a working tree with uncommitted changes
	Go       string // the Go release that built it
}

// Info reads the binary's build information.
func Info() Build {
	b := Build{Commit: "unknown"}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	b.Go = bi.GoVersion
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Commit = s.Value
		case "vcs.time":
			if t, err := time.Parse(time.RFC3339, s.Value); err == nil {
				b.Time = t.UTC().Format(time.RFC3339)
			}
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

// Short is the commit as people quote it: 12 hex digits, "+modified" when
// the tree had changes.
func (b Build) Short() string {
	c := b.Commit
	if len(c) > 12 {
		c = c[:12]
	}
	if b.Modified {
		c += "+modified"
	}
	return c
}
