// Package samples embeds a few fictional self-evaluation reports, in the
// formats portals publish (text in UTF-8 and GBK, DOCX, PDF, XLSX), so that
// `zipin ingest` with no arguments shows the whole pipeline on a fresh
// machine. The DOCX, PDF and XLSX are copies of fixtures from testdata/
// (see testdata/office/gen.sh and testdata/pdf/gen.sh).
package samples

import (
	"embed"
	"io/fs"
	"os"
	"path/filepath"
)

//go:embed *.txt *.docx *.pdf *.xlsx
var files embed.FS

// SourceName is what the sample written at path is recorded as (reports.source):
// "sample:" and its file name, e.g. "sample:minqing-farmland-2022-gbk.txt".
// The folder WriteTo writes into is temporary, so its path would name a
// file that no longer exists.
func SourceName(path string) string { return "sample:" + filepath.Base(path) }

// WriteTo copies the sample reports into dir and returns their paths.
func WriteTo(dir string) ([]string, error) {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, e := range entries {
		b, err := files.ReadFile(e.Name())
		if err != nil {
			return nil, err
		}
		p := filepath.Join(dir, e.Name())
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}
