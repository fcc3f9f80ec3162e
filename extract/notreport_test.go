package extract

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zipin/internal/testenv"
)

// Files that are not reports, each written here, are named for what they
// are; the expected names come from the formats, not from the code.
func TestNotAReportNamesWhatAFileIs(t *testing.T) {
	var zipBuf bytes.Buffer
	zw := zip.NewWriter(&zipBuf)
	f, _ := zw.Create("photos/scan-001.txt")
	f.Write([]byte("某单位绩效自评报告扫描件清单"))
	zw.Close()
	var tarBuf bytes.Buffer
	tw := tar.NewWriter(&tarBuf)
	tw.WriteHeader(&tar.Header{Name: "a.txt", Mode: 0o644, Size: 3})
	tw.Write([]byte("abc"))
	tw.Close()

	goSrc := "// Package samples embeds reports.\npackage samples\n\nimport (\n\t\"embed\"\n\t\"os\"\n)\n\n" +
		"// 示例报告\nvar files embed.FS\n\nfunc WriteTo(dir string) ([]string, error) {\n\tb, err := files.ReadFile(\"a.txt\")\n" +
		"\tif err != nil {\n\t\treturn nil, err\n\t}\n\treturn nil, os.WriteFile(dir, b, 0o644)\n}\n"
	pySrc := "#!/usr/bin/env python3\nimport json\n\ndef load(path):\n    with open(path) as f:\n        return [json.loads(l) for l in f]\n\n" +
		"if __name__ == \"__main__\":\n    print(load(\"gold.jsonl\"))\n"
	for _, c := range []struct {
		name     string
		data     []byte
		complete bool
		want     string
	}{
		{"go", []byte(goSrc), true, "source code"},
		{"python", []byte(pySrc), true, "source code"},
		{"jsonl", []byte("{\"file\":\"a.txt\",\"budget\":\"100.00万元\"}\n{\"file\":\"b.txt\",\"budget\":null}\n"), true, "JSON lines"},
		{"jsonl cut", []byte("{\"file\":\"a.txt\"}\n{\"file\":\"b.txt\"}\n{\"file\":\"c."), false, "JSON lines"},
		{"json", []byte("{\n  \"单位\": \"某县财政局\",\n  \"预算数\": [100, 95.5]\n}\n"), true, "JSON data"},
		{"json cut", []byte("[{\"a\": 1}, {\"b\": \"某某"), false, "JSON data"},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), true, "a PNG image"},
		{"jpeg", []byte("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00"), true, "a JPEG image"},
		{"svg", []byte("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><text>图</text></svg>"), true, "an SVG image"},
		{"zip", zipBuf.Bytes(), true, "a zip archive that is no Word or Excel document"},
		{"tar", tarBuf.Bytes(), true, "a tar archive"},
		{"gzip", []byte("\x1F\x8B\x08\x00\x00\x00\x00\x00\x00\x03"), true, "a gzip archive"},
		{"elf", []byte("\x7FELF\x02\x01\x01\x00"), true, "an ELF program"},
		{"sqlite", []byte("SQLite format 3\x00\x10\x00"), true, "an SQLite database"},
		// Could be reports: left to the readers, quarantined if unreadable.
		{"report text", []byte("某县民政局2023年度部门整体支出绩效自评报告\n一、基本情况\n全年预算数100.00万元，执行数95.00万元，预算执行率95%。\n" +
			"二、绩效目标完成情况\n（一）产出指标：救助对象1,200人(次)。\n（二）效益指标：满意度≥90%。\n三、存在问题\n资金拨付进度偏慢;\n"), true, ""},
		{"report with brackets", []byte("[附件1]\n项目支出绩效自评表\n(2023年度)\n项目名称:农村低保\n预算数:100万元\n"), true, ""},
		{"html", []byte("<html><body><p>绩效自评报告</p></body></html>"), true, ""},
		{"rtf", []byte("{\\rtf1\\ansi 绩效自评报告}"), true, ""},
		{"cut zip", zipBuf.Bytes()[:20], false, ""},
		{"empty", nil, true, ""},
	} {
		if got := NotAReport(c.data, c.complete); got != c.want {
			t.Errorf("%s: NotAReport = %q, want %q", c.name, got, c.want)
		}
	}
}

// Every report this repository and the shared corpus hold, in every format
// (text, HTML, PDF, DOCX, XLSX, DOC, XLS), could be a report.
func TestNotAReportLeavesReportsAlone(t *testing.T) {
	check := func(root string) int {
		n := 0
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			switch strings.ToLower(filepath.Ext(p)) {
			case ".txt", ".html", ".htm", ".pdf", ".docx", ".xlsx", ".doc", ".xls", ".wps", ".et":
			default:
				return nil // gen scripts, gold files, sources of fixtures
			}
			b, err := os.ReadFile(p)
			if err != nil {
				t.Error(err)
				return nil
			}
			head := b[:min(len(b), NotAReportHead)]
			// A picture saved under a report's name (a bad input of the
			// text reader's tests) is what it is.
			want := map[string]string{"image-named.txt": "a PNG image"}[filepath.Base(p)]
			if what := NotAReport(head, len(head) == len(b)); what != want {
				t.Errorf("%s: taken for %q, want %q", p, what, want)
			}
			n++
			return nil
		})
		return n
	}
	n := check(filepath.Join(testenv.Root(t), "testdata"))
	n += check(filepath.Join(testenv.Root(t), "samples"))
	n += check(testenv.Corpus(t, ""))
	t.Logf("%d reports checked", n)
}

// This repository's own Go sources and its gold files, as a folder walk of
// the checkout would meet them, are no reports.
func TestNotAReportOnThisRepository(t *testing.T) {
	root := testenv.Root(t)
	n := 0
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() && strings.HasPrefix(d.Name(), ".") {
			return fs.SkipDir
		}
		want := map[string]string{".go": "source code", ".jsonl": "JSON lines"}[filepath.Ext(p)]
		if d.IsDir() || want == "" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Error(err)
			return nil
		}
		head := b[:min(len(b), NotAReportHead)]
		if got := NotAReport(head, len(head) == len(b)); got != want {
			t.Errorf("%s: NotAReport = %q, want %q", p, got, want)
		}
		n++
		return nil
	})
	if n < 50 {
		t.Errorf("only %d files checked", n)
	}
	t.Logf("%d files checked", n)
}

// Tag names are matched ASCII case-insensitively, after a BOM, blanks and
// comments; Chinese text around them is left as it is.
func TestHTMLAndSVGHeadsInAnyCase(t *testing.T) {
	for _, c := range []struct {
		head       string
		html, svg  bool
		notAReport string
	}{
		{head: "\xef\xbb\xbf  <!-- 门户 -->\n<HTML lang=\"zh\"><body>绩效自评</body></HTML>", html: true},
		{head: "<?XML version=\"1.0\"?>\n<Html>", html: true},
		{head: "<?xml version=\"1.0\"?>\n<SVG xmlns=\"http://www.w3.org/2000/svg\">图</SVG>", svg: true, notAReport: "an SVG image"},
		{head: "  <Svg width=\"10\"></Svg>", svg: true, notAReport: "an SVG image"},
		{head: "一、部门基本情况 <HTML> 不在开头\n二、绩效目标\n三、自评结论\n", html: false},
	} {
		if got := looksLikeHTML([]byte(c.head)); got != c.html {
			t.Errorf("looksLikeHTML(%q) = %v, want %v", c.head, got, c.html)
		}
		if got := isSVG([]byte(c.head)); got != c.svg {
			t.Errorf("isSVG(%q) = %v, want %v", c.head, got, c.svg)
		}
		if got := NotAReport([]byte(c.head), true); got != c.notAReport {
			t.Errorf("NotAReport(%q) = %q, want %q", c.head, got, c.notAReport)
		}
	}
}
