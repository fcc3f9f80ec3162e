package legacy

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"zipin/extract/doc"
	"zipin/internal/testenv"
)

func unreadable(t *testing.T, err error) string {
	t.Helper()
	var u *doc.Unreadable
	if !errors.As(err, &u) {
		t.Fatalf("got %v, want an Unreadable", err)
	}
	return u.Error()
}

func TestNoLibreOffice(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := ReadDOC(context.Background(), "a.doc", []byte("\xD0\xCF\x11\xE0"))
	if r := unreadable(t, err); !strings.Contains(r, "apt-get install libreoffice-writer-nogui") {
		t.Errorf(".doc reason %q does not say what to install", r)
	}
	_, err = ReadXLS(context.Background(), "a.xls", []byte("\xD0\xCF\x11\xE0"))
	if r := unreadable(t, err); !strings.Contains(r, "libreoffice-calc-nogui") {
		t.Errorf(".xls reason %q does not say what to install", r)
	}
}

func TestEncrypted(t *testing.T) {
	data := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, utf16("EncryptedPackage")...)
	_, err := ReadDOC(context.Background(), "secret.docx", data)
	if r := unreadable(t, err); !strings.Contains(r, "password-protected") {
		t.Errorf("reason %q", r)
	}
}

func needSoffice(t *testing.T) {
	t.Helper()
	if Soffice() == "" {
		testenv.Missing(t, "soffice (LibreOffice) is not installed: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui")
	}
}

// expected is the 自评表 of testdata/src/selfeval-table.html cell by cell,
// as every format must give it.
func expected(t *testing.T) [][5]any {
	b, err := os.ReadFile("../../testdata/office/selfeval-cells.json")
	if err != nil {
		t.Fatal(err)
	}
	var x struct{ Cells [][5]any }
	if err := json.Unmarshal(b, &x); err != nil {
		t.Fatal(err)
	}
	return x.Cells
}

func checkTable(t *testing.T, d *doc.Document) {
	t.Helper()
	want := expected(t)
	for _, p := range d.Pages {
		for _, b := range p.Blocks {
			if b.Kind != doc.BlockTable {
				continue
			}
			if len(b.Table.Cells) != len(want) || b.Table.Rows != 17 || b.Table.Cols != 9 {
				t.Fatalf("table %d×%d with %d cells, want 17×9 with %d", b.Table.Rows, b.Table.Cols, len(b.Table.Cells), len(want))
			}
			for i, c := range b.Table.Cells {
				w := want[i]
				if c.Row != int(w[0].(float64)) || c.Col != int(w[1].(float64)) || c.RowSpan != int(w[2].(float64)) ||
					c.ColSpan != int(w[3].(float64)) || strings.TrimSpace(c.Text) != w[4].(string) {
					t.Errorf("cell %d: %+v, want %v", i, c, w)
				}
			}
			return
		}
	}
	t.Fatal("no table")
}

func TestDOC(t *testing.T) {
	needSoffice(t)
	b, err := os.ReadFile("../../testdata/office/selfeval.doc")
	if err != nil {
		t.Fatal(err)
	}
	d, err := ReadDOC(context.Background(), "selfeval.doc", b)
	if err != nil {
		t.Fatal(err)
	}
	bs := d.Pages[0].Blocks
	if d.Format != doc.FormatDOC || bs[0].Kind != doc.BlockHeading || bs[0].Text() != "项目支出绩效自评表" || bs[1].Text() != "（2023年度）" {
		t.Errorf("format %s, first blocks %+v %+v", d.Format, bs[0], bs[1])
	}
	if !strings.HasPrefix(d.Pages[0].Method, "soffice-") {
		t.Errorf("method %q", d.Pages[0].Method)
	}
	checkTable(t, d)
}

func TestXLS(t *testing.T) {
	needSoffice(t)
	b, err := os.ReadFile("../../testdata/office/selfeval.xls")
	if err != nil {
		t.Fatal(err)
	}
	d, err := ReadXLS(context.Background(), "selfeval.xls", b)
	if err != nil {
		t.Fatal(err)
	}
	if d.Format != doc.FormatXLS || len(d.Pages) != 2 {
		t.Errorf("format %s, %d pages", d.Format, len(d.Pages))
	}
	checkTable(t, d)
}

func TestDamaged(t *testing.T) {
	needSoffice(t)
	junk := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...)
	_, err := ReadDOC(context.Background(), "bad.doc", junk)
	r := unreadable(t, err)
	if !strings.Contains(r, "LibreOffice") || strings.Contains(r, "javaldx") || strings.Contains(r, "\n") {
		t.Errorf("reason %q", r)
	}
	t.Logf("reason: %s", r)
}

func TestTimeout(t *testing.T) {
	needSoffice(t)
	old := Timeout
	Timeout = 50 * time.Millisecond
	defer func() { Timeout = old }()
	b, err := os.ReadFile("../../testdata/office/selfeval.doc")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = ReadDOC(context.Background(), "selfeval.doc", b)
	if r := unreadable(t, err); !strings.Contains(r, "timed out") {
		t.Errorf("reason %q", r)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("a timed-out conversion took %s to return", d)
	}
}

// The reason keeps LibreOffice's real complaint, not the Java warning it
// prints first: outputs as soffice writes them on a machine without Java.
func TestReasonLineSkipsNoise(t *testing.T) {
	for out, want := range map[string]string{
		"javaldx: Could not find a Java Runtime Environment!\nWarning: failed to read path from javaldx\nError: source file could not be loaded\n": "Error: source file could not be loaded",
		"Warning: failed to launch javaldx - java may not function correctly\nconvert in.doc -> out/in.txt using filter : Text\n" +
			"Error: Please verify input parameters... (SfxBaseModel::impl_store <file:///out/in.txt> failed: 0x507)\n": "Error: Please verify input parameters... (SfxBaseModel::impl_store <file:///out/in.txt> failed: 0x507)",
		"(soffice:42): dconf-WARNING **: unable to open file\nI/O error in the filter\n": "I/O error in the filter",
		"javaldx: Could not find a Java Runtime Environment!\n":                          "no message",
		"": "no message",
		"Error: bad \x00\x01\xff\xfe bytes\tin line": "Error: bad ??? bytes?in line", // a run of invalid bytes is one ?
	} {
		if got := reasonLine(out); got != want {
			t.Errorf("reasonLine(%q) = %q, want %q", out, got, want)
		}
	}
	long := reasonLine("Error: " + strings.Repeat("错", 200))
	if len(long) > 300+len("…") || !strings.HasSuffix(long, "…") || !utf8.ValidString(long) {
		t.Errorf("long line: %d bytes, %q", len(long), long)
	}
}

// Through the reader, with a stand-in soffice on PATH that fails as the
// real one does: the quarantine reason is one line with the real error.
func TestFailedConversionNamesTheRealError(t *testing.T) {
	bin := t.TempDir()
	script := "#!/bin/sh\necho 'javaldx: Could not find a Java Runtime Environment!' >&2\n" +
		"echo 'Warning: failed to read path from javaldx' >&2\necho 'Error: source file could not be loaded'\nexit 1\n"
	if err := os.WriteFile(filepath.Join(bin, "soffice"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	_, err := ReadDOC(context.Background(), "bad.doc", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, utf16("WordDocument")...))
	r := unreadable(t, err)
	if !strings.HasSuffix(r, "exit status 1: Error: source file could not be loaded") || strings.Contains(r, "\n") || strings.Contains(r, "javaldx") {
		t.Errorf("reason %q", r)
	}
}
