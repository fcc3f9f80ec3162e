package text

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zipin/extract/doc"
)

const fixtures = "../../testdata/text"

func TestEncodings(t *testing.T) {
	want, err := os.ReadFile(filepath.Join(fixtures, "report-utf8.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for file, enc := range map[string]string{
		"report-utf8.txt":     "utf-8",
		"report-utf8-bom.txt": "utf-8",
		"report-gbk.txt":      "gb18030",
		"report-utf16le.txt":  "utf-16le",
		"report-utf16be.txt":  "utf-16be",
	} {
		data, err := os.ReadFile(filepath.Join(fixtures, file))
		if err != nil {
			t.Fatal(err)
		}
		got, gotEnc, err := Decode(data)
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		if gotEnc != enc || got != string(want) {
			t.Errorf("%s: decoded as %s, text equal: %v", file, gotEnc, got == string(want))
		}
		d, err := Read(context.Background(), file, data)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if d.Pages[0].Method != "text-"+enc {
			t.Errorf("%s: method %s", file, d.Pages[0].Method)
		}
		first := d.Pages[0].Blocks[0].Lines[0].Text
		if first != "青山县卫生健康局2022年度部门整体支出绩效自评报告" {
			t.Errorf("%s: first line %q", file, first)
		}
	}
}

func TestBadInputIsUnreadable(t *testing.T) {
	for file, reason := range map[string]string{
		"bad/truncated-gbk.txt": "truncated",
		"bad/not-text.txt":      "not UTF-8",
	} {
		data, err := os.ReadFile(filepath.Join(fixtures, file))
		if err != nil {
			t.Fatal(err)
		}
		_, err = Read(context.Background(), file, data)
		var u *doc.Unreadable
		if !errors.As(err, &u) || !strings.Contains(u.Error(), reason) {
			t.Errorf("%s: got %v, want an Unreadable mentioning %q", file, err, reason)
		}
	}
	if _, err := Read(context.Background(), "blank", []byte(" \n\t\n")); err == nil {
		t.Error("whitespace-only file accepted")
	}
}

func TestPagesAndBlocks(t *testing.T) {
	d, err := Read(context.Background(), "x", []byte("第一页第一段\n第一段续\n\n第二段\f第二页"))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Pages) != 2 || len(d.Pages[0].Blocks) != 2 || len(d.Pages[0].Blocks[0].Lines) != 2 || d.Pages[1].Blocks[0].Lines[0].Text != "第二页" {
		t.Errorf("got %+v", d.Pages)
	}
}

// TestStrayBytes: a report with a few undecodable bytes is read, each
// becoming U+FFFD, counted in the page's quality and named in a warning;
// the rest of the text is intact, in either encoding.
func TestStrayBytes(t *testing.T) {
	want, err := os.ReadFile(filepath.Join(fixtures, "report-utf8.txt"))
	if err != nil {
		t.Fatal(err)
	}
	gbk, err := os.ReadFile(filepath.Join(fixtures, "report-gbk.txt"))
	if err != nil {
		t.Fatal(err)
	}
	// Insert the stray byte after the first line (a line break is ASCII in
	// both encodings, so the insert point is the same text position).
	insert := func(b []byte, stray ...byte) []byte {
		i := bytes.IndexByte(b, '\n') + 1
		return append(append(append([]byte(nil), b[:i]...), stray...), b[i:]...)
	}
	wantText := strings.Replace(string(want), "\n", "\n\uFFFD", 1)
	for name, c := range map[string]struct {
		data []byte
		enc  string
	}{
		"utf8+0x80":  {insert(want, 0x80), "utf-8"},
		"utf8+0xff":  {insert(want, 0xff), "utf-8"},
		"utf8+0xc3":  {insert(want, 0xc3), "utf-8"}, // a cut two-byte sequence
		"gbk+0xff":   {insert(gbk, 0xff), "gb18030"},
		"utf8-bom+1": {append([]byte{0xEF, 0xBB, 0xBF}, insert(want, 0x80)...), "utf-8"},
	} {
		d, err := Read(context.Background(), name, c.data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		var got strings.Builder
		for _, b := range d.Pages[0].Blocks {
			for _, l := range b.Lines {
				got.WriteString(l.Text)
			}
		}
		wantLines := strings.ReplaceAll(wantText, "\n", "")
		if got.String() != wantLines || d.Pages[0].Method != "text-"+c.enc {
			t.Errorf("%s: method %s, text %q", name, d.Pages[0].Method, got.String())
		}
		if q := d.Pages[0].Quality; q >= 1 || q < 0.99 {
			t.Errorf("%s: quality %.4f, want just below 1", name, q)
		}
		if len(d.Warnings) != 1 || !strings.Contains(d.Warnings[0], "1 undecodable") {
			t.Errorf("%s: warnings %q", name, d.Warnings)
		}
	}
	// Bounded: junk in more than 1% of the characters is refused.
	junk := append([]byte(nil), want...)
	for i := 0; i < 20; i++ {
		junk = insert(junk, 0x80, 0xff)
	}
	if _, err := Read(context.Background(), "junk", junk); err == nil {
		t.Error("text with 20 junk pairs in 250 characters accepted")
	}
}
