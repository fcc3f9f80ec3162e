package text

import (
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
		if !errors.As(err, &u) || !strings.Contains(u.Reason, reason) {
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
