package catalog_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"zipin/catalog"
	"zipin/internal/testenv"
)

// BenchmarkWorkerDocument is the catalog's share of a queue worker's
// overhead per document: Begin, then Record of the document and its input.
//
//	go test -run - -bench WorkerDocument ./catalog/
func BenchmarkWorkerDocument(b *testing.B) {
	for _, db := range []struct {
		name string
		url  func(b *testing.B) string
	}{
		{"sqlite", func(b *testing.B) string { return "sqlite:" + filepath.Join(b.TempDir(), catalog.FileName) }},
		{"postgres", func(b *testing.B) string { return testenv.PostgreSQL(b) }},
	} {
		b.Run(db.name, func(b *testing.B) {
			c, err := catalog.OpenURL(context.Background(), db.url(b))
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			run, err := c.StartRun("bench", 1)
			if err != nil {
				b.Fatal(err)
			}
			i := 0
			for b.Loop() {
				id := fmt.Sprintf("%064d", i)
				i++
				if err := c.Begin(run, id, id+".pdf", false); err != nil {
					b.Fatal(err)
				}
				if err := c.Record(run, []catalog.Doc{{DocID: id, Source: id + ".pdf", Status: catalog.StatusOK, ExtractorVersion: "bench", Pages: 12}},
					[]catalog.Input{{Path: id + ".pdf", Size: 1 << 20, MtimeNS: 1, DocID: id}}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
