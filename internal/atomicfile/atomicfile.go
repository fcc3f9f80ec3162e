// Package atomicfile writes files the restic way: to a temporary file in the
// target folder, fsynced, then renamed over the target, with the folder
// fsynced too. A reader, or a crash, sees the old content or the new, never
// part of it. The dataset's manifests and the harvester's originals use it.
package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
)

// TempPattern names the temporary files, so a crash's leftovers can be found
// and removed.
const TempPattern = ".tmp-*"

// Write writes data to path atomically, creating the folder if needed.
func Write(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, TempPattern)
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return SyncDir(dir)
}

// SyncDir fsyncs a folder, making the renames, creations and removals in it
// durable. It returns the error of opening, syncing or closing the folder
// (an *fs.PathError, which names the folder and the operation), except the ones by which a file system says it
// cannot sync a folder at all (ENOTSUP, EINVAL: some network and FUSE file
// systems, Windows), which are not failures of this write. Source of the
// rule: restic's fsyncDir.
func SyncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if errors.Is(err, syscall.ENOTSUP) || errors.Is(err, syscall.EINVAL) {
		err = nil
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// SyncDirs syncs each folder once, in the order given, and returns the first
// error. A batch of renames into several folders ends with it.
func SyncDirs(dirs []string) error {
	seen := make(map[string]bool, len(dirs))
	for _, d := range dirs {
		if seen[d] {
			continue
		}
		seen[d] = true
		if err := SyncDir(d); err != nil {
			return err
		}
	}
	return nil
}
