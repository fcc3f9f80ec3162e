package pdf

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"zipin/extract/doc"
)

// qpdfDecrypt removes AES-256 encryption with the empty user password.
func qpdfDecrypt(ctx context.Context, data []byte) ([]byte, error) {
	if _, err := exec.LookPath("qpdf"); err != nil {
		return nil, doc.Fail(doc.ErrToolMissing, doc.FormatPDF, 0, "AES-256 encryption needs qpdf to open (Debian: apt-get install qpdf)")
	}
	dir, err := os.MkdirTemp("", "zipin-qpdf-")
	if err != nil {
		return nil, fmt.Errorf("temp dir for qpdf: %w", err)
	}
	defer os.RemoveAll(dir)
	in, out := filepath.Join(dir, "in.pdf"), filepath.Join(dir, "out.pdf")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return nil, fmt.Errorf("temp file for qpdf: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	msg, err := exec.CommandContext(ctx, "qpdf", "--password=", "--decrypt", in, out).CombinedOutput()
	// Exit status 3 is qpdf's "succeeded with warnings".
	if ee, ok := err.(*exec.ExitError); err != nil && !(ok && ee.ExitCode() == 3) {
		if bytes.Contains(msg, []byte("invalid password")) {
			return nil, doc.Fail(doc.ErrEncrypted, doc.FormatPDF, 0, "encrypted with a user password; zipin only opens PDFs whose user password is empty")
		}
		return nil, doc.Fail(doc.ErrEncrypted, doc.FormatPDF, 0, "AES-256 encryption could not be removed: %s", bytes.TrimSpace(msg))
	}
	return os.ReadFile(out)
}
