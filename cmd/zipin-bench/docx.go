package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/nguyenthenguyen/docx"
)

// makeDOCX writes copies of each fixture DOCX with their amounts varied (as
// vary does for text), so each copy is its own document with its own facts.
// nguyenthenguyen/docx does what it is built for here: it hands back
// word/document.xml as a string and writes the package again with the
// edited part and every other part unchanged. (zipin's reader does not use
// it: it reads only document.xml, without styles, numbering or size limits.)
func makeDOCX(root, dir string, copies int) (int, error) {
	var srcs []string
	for _, pat := range []string{"samples/*.docx", "testdata/office/*.docx"} {
		m, _ := filepath.Glob(filepath.Join(root, pat))
		srcs = append(srcs, m...)
	}
	sort.Strings(srcs)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	n := 0
	seen := map[string]bool{}
	for _, src := range srcs {
		b, err := os.ReadFile(src)
		if err != nil {
			return 0, err
		}
		if seen[string(b)] {
			continue // a sample that is also a test fixture
		}
		seen[string(b)] = true
		for c := 0; c < copies; c++ {
			r, err := docx.ReadDocxFromMemory(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				return 0, fmt.Errorf("%s: %w", src, err)
			}
			d := r.Editable()
			// The comment makes each copy's bytes, so its doc_id, its own
			// even where the document has no amount to vary.
			xml := varyAmounts(d.GetContent(), c*7)
			xml = strings.Replace(xml, "</w:body>", fmt.Sprintf("<!-- zipin-bench copy %d --></w:body>", c), 1)
			d.SetContent(xml)
			var buf bytes.Buffer
			err = d.Write(&buf)
			r.Close()
			if err != nil {
				return 0, fmt.Errorf("%s: %w", src, err)
			}
			name := fmt.Sprintf("%s-%03d.docx", strings.TrimSuffix(filepath.Base(src), ".docx"), c)
			if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
				return 0, err
			}
			n++
		}
	}
	return n, nil
}
