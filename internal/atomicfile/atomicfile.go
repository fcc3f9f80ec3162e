// Package atomicfile writes files the restic way: to a temporary file in the
// target folder, fsynced, then renamed over the target, with the folder
// fsynced too. A reader, or a crash, sees the old content or the new, never
// part of it. The dataset's manifests and the harvester's originals use it.
package atomicfile

import (
	"os"
	"path/filepath"
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
	SyncDir(dir)
	return nil
}

// SyncDir fsyncs a folder, making renames into it durable. Errors are
// ignored: some file systems cannot sync a directory, and the data itself is
// already synced.
func SyncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		_ = f.Sync()
		f.Close()
	}
}
