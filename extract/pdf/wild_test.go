package pdf

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zipin/extract/doc"
)

const wildDir = "../../../shared/corpus/wild"

// TestWild: the public bug-report PDFs of ../shared/corpus/wild, each read
// (or quarantined) as its README says. want is the text the rendered page
// shows, written from looking at it (pdftoppm); only its Han and kana
// characters are compared, in order.
func TestWild(t *testing.T) {
	if _, err := os.Stat(wildDir); err != nil {
		t.Skipf("public corpus not found at %s", wildDir)
	}
	cases := []struct {
		file string
		want string // "" = quarantined
		why  string // words the quarantine reason or a warning must hold
	}{
		{"noembed-eucjp.pdf", "あいうえお", ""},
		{"issue13147.pdf", "準会場で受験の方", "trailer /Size 10 is below object"},
		{"issue16538.pdf", "標準マーケットモデルは2次元で説明する", ""},
		{"GHOSTSCRIPT-698804-1-fuzzed.pdf", "", "cross-reference subsection starts at object 4294967296"},
		{"issue3521.pdf", "我们都是黑体字", ""},
		{"vertical.pdf", "あいうえお日本語", ""},
		{"issue6387.pdf", "文字ツメあのイーハトーヴォのすきとおった風あのイーハトーヴォのすきとおった風", ""},
		{"issue12823.pdf", "可替换为所需图片。愿景", ""},
		{"issue7696.pdf", "中国文件", ""},
		{"pdfminer-issue_566_test_2.pdf", "甲方：中国饮料有限公司（盖章）", ""},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(wildDir, c.file))
			if err != nil {
				t.Skip(err)
			}
			d, err := Read(context.Background(), c.file, data)
			needTools(t, c.file, d, err)
			if c.want == "" && c.why != "" && err != nil {
				var u *doc.Unreadable
				if !errors.As(err, &u) || !strings.Contains(u.Error(), c.why) {
					t.Errorf("err = %v, want a quarantine naming %q", err, c.why)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.why != "" && !hasWarning(d, c.why) {
				t.Errorf("warnings %q, want one naming %q", d.Warnings, c.why)
			}
			if got, want := kanaHanOf(docText(d)), kanaHanOf(c.want); !strings.Contains(got, want) {
				t.Errorf("text %q, want %q (methods %v)", got, want, methods(d))
			}
		})
	}
}

// kanaHanOf keeps Han characters and kana.
func kanaHanOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 0x3040 && r <= 0x30ff || cjkOf(string(r)) != "" {
			b.WriteRune(r)
		}
	}
	return b.String()
}
