package pdf

import (
	"fmt"
	"os"
	"testing"
)

// TestDump prints what the reader makes of a file, for debugging:
// ZIPIN_PDF_DUMP=file.pdf go test -run Dump -v ./extract/pdf/
func TestDump(t *testing.T) {
	path := os.Getenv("ZIPIN_PDF_DUMP")
	if path == "" {
		t.Skip("set ZIPIN_PDF_DUMP to a PDF to print its extraction")
	}
	d := readFile(t, path)
	for _, w := range d.Warnings {
		fmt.Println("WARN", w)
	}
	for _, p := range d.Pages {
		fmt.Printf("== page %d method=%s quality=%.3f\n", p.Number, p.Method, p.Quality)
		for _, b := range p.Blocks {
			if b.Table != nil {
				fmt.Printf("[table %dx%d]\n%s\n", b.Table.Rows, b.Table.Cols, b.Text())
				continue
			}
			for _, l := range b.Lines {
				fmt.Printf("  %5.1f %5.1f sz=%.1f b=%v | %s\n", l.Box.X0, l.Box.Y0, l.FontSize, l.Bold, l.Text)
			}
			fmt.Println("  --")
		}
	}
}
