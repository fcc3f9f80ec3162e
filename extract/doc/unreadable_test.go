package doc

import (
	"errors"
	"io"
	"testing"
)

func TestUnreadableErrorSaysWhereAndWhat(t *testing.T) {
	err := Fail(ErrDamaged, FormatPDF, 3, "content stream: %w", io.ErrUnexpectedEOF)
	if got, want := err.Error(), "PDF damaged: page 3: content stream: unexpected EOF"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, ErrDamaged) || !errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, ErrEncrypted) {
		t.Errorf("errors.Is does not see the kind and the cause of %v", err)
	}
	var u *UnreadableError
	if !errors.As(err, &u) || u.Format != FormatPDF || u.Page != 3 {
		t.Errorf("errors.As: %+v", u)
	}
	if got := Fail(ErrEmpty, "", 0, "empty file (0 bytes)").Error(); got != "empty: empty file (0 bytes)" {
		t.Errorf("no format: %q", got)
	}
	if got := Unreadablef("worker said %d", 7).Error(); got != "worker said 7" {
		t.Errorf("unclassified: %q", got)
	}
}

// Reasons of one kind group whatever their details; other reasons are
// their own group.
func TestReasonKind(t *testing.T) {
	for reason, want := range map[string]string{
		"PDF damaged: cross-reference table damaged (xref at 120), and no page found": "PDF damaged",
		"PDF damaged: page 3: content stream: unexpected EOF":                         "PDF damaged",
		"XLSX too large: sheet \"a\": used range 9×9 exceeds the cell limit of 1":     "XLSX too large",
		"empty: empty file (0 bytes)":                                                 "empty",
		"exceeded 30s (time budget per document)":                                     "exceeded 30s (time budget per document)",
		"cannot read file: permission denied":                                         "cannot read file: permission denied",
	} {
		if got := ReasonKind(reason); got != want {
			t.Errorf("ReasonKind(%q) = %q, want %q", reason, got, want)
		}
	}
}
