package harvest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// LockFile is the lock a run holds in the dataset folder.
const LockFile = ".harvest.lock"

// LockedError says another run holds the lock.
type LockedError struct {
	Path string
	PID  int // 0 when the holder did not write its pid yet
}

func (e *LockedError) Error() string {
	if e.PID > 0 {
		return fmt.Sprintf("another harvest is running (pid %d; lock %s)", e.PID, e.Path)
	}
	return fmt.Sprintf("another harvest is running (lock %s)", e.Path)
}

// Lock is a held run lock. flock is released by the kernel when the holder
// dies, so a killed run never leaves a stale lock behind.
type Lock struct{ f *os.File }

// AcquireLock takes OUT/.harvest.lock without waiting.
func AcquireLock(out string) (*Lock, error) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	path := filepath.Join(out, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			b, _ := os.ReadFile(path)
			pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
			return nil, &LockedError{Path: path, PID: pid}
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	// The pid is only for the message of a run that finds the lock taken.
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &Lock{f: f}, nil
}

// Release unlocks. The file stays: removing it would race with a run that
// has just opened it.
func (l *Lock) Release() error {
	unix.Flock(int(l.f.Fd()), unix.LOCK_UN)
	return l.f.Close()
}
