package pdf_test

import (
	"context"
	"os"
	"testing"

	"zipin/extract"
	"zipin/extract/doc"
)

// TestRegistered: extract.Read dispatches PDFs to this reader.
func TestRegistered(t *testing.T) {
	data, err := os.ReadFile("../../testdata/pdf/table-libreoffice.pdf")
	if err != nil {
		t.Fatal(err)
	}
	d, err := extract.Read(context.Background(), "table-libreoffice.pdf", data)
	if err != nil {
		t.Fatal(err)
	}
	if d.Format != doc.FormatPDF || len(d.Pages) != 1 || d.Pages[0].Method != "tounicode" {
		t.Errorf("format %q, %d pages, method %q", d.Format, len(d.Pages), d.Pages[0].Method)
	}
}
