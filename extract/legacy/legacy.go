// Package legacy reads the binary (OLE2) Office formats, .doc, .xls and the
// WPS .wps and .et files that share them, by converting them with LibreOffice
// to DOCX or XLSX and reading the result with zipin's own readers. No Go
// library parses the Word 97 binary format well enough for reports with
// tables, and LibreOffice is the converter every Debian machine can install.
package legacy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"zipin/extract/doc"
	"zipin/extract/docx"
	"zipin/extract/xlsx"
)

// Timeout bounds one conversion; a damaged file can hang LibreOffice.
var Timeout = 120 * time.Second

// conversion says, per legacy format, what LibreOffice converts it to, which
// reader then reads it, and which Debian package provides the filter.
type conversion struct {
	ext, target string
	read        func(context.Context, string, []byte) (*doc.Document, error)
	pkg         string
}

var conversions = map[doc.Format]conversion{
	doc.FormatDOC: {"doc", "docx", docx.Read, "libreoffice-writer-nogui"},
	doc.FormatXLS: {"xls", "xlsx", xlsx.Read, "libreoffice-calc-nogui"},
}

// ReadDOC reads a legacy Word or WPS text document.
func ReadDOC(ctx context.Context, name string, data []byte) (*doc.Document, error) {
	return read(ctx, name, data, doc.FormatDOC)
}

// ReadXLS reads a legacy Excel or WPS spreadsheet.
func ReadXLS(ctx context.Context, name string, data []byte) (*doc.Document, error) {
	return read(ctx, name, data, doc.FormatXLS)
}

// Soffice returns the LibreOffice binary on PATH, or "".
func Soffice() string {
	for _, n := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

func read(ctx context.Context, name string, data []byte, f doc.Format) (*doc.Document, error) {
	c := conversions[f]
	// A password-protected DOCX/XLSX is an OLE file holding an
	// EncryptedPackage stream; LibreOffice would only fail on it.
	if bytes.Contains(data, utf16("EncryptedPackage")) {
		return nil, doc.Fail(doc.ErrEncrypted, f, 0, "the document is password-protected (encrypted Office package)")
	}
	bin := Soffice()
	if bin == "" {
		return nil, doc.Fail(doc.ErrToolMissing, f, 0, "converting legacy %s files needs LibreOffice, which is not installed (apt-get install %s)", c.ext, c.pkg)
	}
	out, err := Convert(ctx, bin, data, c.ext, c.target)
	if err != nil {
		return nil, err
	}
	d, err := c.read(ctx, name, out)
	if err != nil {
		return nil, err
	}
	d.Format = f
	for i := range d.Pages {
		d.Pages[i].Method = "soffice-" + d.Pages[i].Method
	}
	return d, nil
}

// Convert runs LibreOffice headless on data (a file of extension ext) to
// produce the target format. Each run has its own temporary profile, so
// concurrent conversions do not fight over one user installation, and the
// whole process group is killed when ctx or Timeout expires.
func Convert(ctx context.Context, bin string, data []byte, ext, target string) ([]byte, error) {
	dir, err := os.MkdirTemp("", "zipin-soffice-")
	if err != nil {
		return nil, fmt.Errorf("legacy: temporary directory: %w", err)
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "in."+ext)
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return nil, fmt.Errorf("legacy: %w", err)
	}
	outDir := filepath.Join(dir, "out")
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin,
		"-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--headless", "--norestore", "--nolockcheck", "--nodefault",
		"--convert-to", target, "--outdir", outDir, in)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	setProcessGroup(cmd)
	cmd.WaitDelay = 5 * time.Second
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	err = cmd.Run()
	if ctx.Err() != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, doc.Fail(doc.ErrTimeout, doc.Format(ext), 0, "LibreOffice conversion to %s timed out after %s", target, Timeout)
		}
		return nil, ctx.Err()
	}
	out, rerr := os.ReadFile(filepath.Join(outDir, "in."+target))
	if rerr != nil {
		msg := reasonLine(strings.ReplaceAll(stderr.String(), dir+string(filepath.Separator), ""))
		if err != nil {
			msg = err.Error() + ": " + msg
		}
		return nil, doc.Fail(doc.ErrDamaged, doc.Format(ext), 0, "LibreOffice could not convert the file to %s (damaged or encrypted?): %s", target, msg)
	}
	return out, nil
}

func utf16(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		b = append(b, s[i], 0)
	}
	return b
}

// noiseLines are what LibreOffice prints on every run, failed or not, on
// machines without Java or a display: none says why a conversion failed.
// A line containing any of them is passed over.
var noiseLines = []string{
	"javaldx",                // "Warning: failed to launch javaldx - java may not function correctly"
	"Java Runtime",           // "javaldx: Could not find a Java Runtime Environment!"
	"-WARNING **",            // GLib/Gtk/dconf warnings
	"Fontconfig ",            // font configuration warnings
	"Failed to open display", // headless without an X server
	"Overwriting: ",          // an output file replaced
}

// reasonLine turns LibreOffice's output into one line that says why it
// failed: the first line starting with "Error" (soffice's own message, e.g.
// "Error: source file could not be loaded"), else the first line that is
// not known noise, else "no message". Control bytes and invalid UTF-8 become
// "?", and the line is cut at 300 bytes on a character boundary, so no raw
// file bytes or multi-line output reach a quarantine reason.
func reasonLine(out string) string {
	var first string
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || containsAny(l, noiseLines) || strings.HasPrefix(l, "convert ") {
			continue // "convert in.doc -> out/in.txt using filter : Text" is progress
		}
		if strings.HasPrefix(strings.ToLower(l), "error") {
			first = l
			break
		}
		if first == "" {
			first = l
		}
	}
	if first == "" {
		return "no message"
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(first, "\uFFFD") {
		if r == '\uFFFD' || unicode.IsControl(r) {
			r = '?'
		}
		if b.Len()+utf8.RuneLen(r) > 300 {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
