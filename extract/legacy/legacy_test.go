package legacy

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"zipin/extract/doc"
)

func unreadable(t *testing.T, err error) string {
	t.Helper()
	var u *doc.Unreadable
	if !errors.As(err, &u) {
		t.Fatalf("got %v, want an Unreadable", err)
	}
	return u.Reason
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
	if Soffice() == "" {
		t.Skip("soffice (LibreOffice) is not installed: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui")
	}
}

func TestDOCParagraphs(t *testing.T) {
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
}

func TestDamaged(t *testing.T) {
	needSoffice(t)
	junk := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...)
	_, err := ReadDOC(context.Background(), "bad.doc", junk)
	if r := unreadable(t, err); !strings.Contains(r, "LibreOffice") {
		t.Errorf("reason %q", r)
	}
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
