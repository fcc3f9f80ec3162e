package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteReplacesContent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "MANIFEST")
	for _, want := range []string{"first", "second"} {
		if err := Write(path, []byte(want)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != want {
			t.Fatalf("read %q, %v; want %q", got, err, want)
		}
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), TempPattern))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// A folder that cannot be opened is an error naming it, not a silent
// success: the caller's rename would not be durable.
func TestSyncDirReportsFolderItCannotOpen(t *testing.T) {
	ok := t.TempDir()
	missing := filepath.Join(ok, "gone")
	if err := SyncDir(ok); err != nil {
		t.Fatalf("SyncDir(%s) = %v", ok, err)
	}
	err := SyncDir(missing)
	var pe *fs.PathError
	if !errors.Is(err, fs.ErrNotExist) || !errors.As(err, &pe) || pe.Path != missing {
		t.Fatalf("SyncDir(missing) = %v; want a *fs.PathError for %s wrapping fs.ErrNotExist", err, missing)
	}
	err = SyncDirs([]string{ok, missing, ok})
	if !errors.As(err, &pe) || pe.Path != missing {
		t.Fatalf("SyncDirs = %v; want the error of %s", err, missing)
	}
}
