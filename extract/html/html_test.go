package html

import (
	"context"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"zipin/extract/doc"
)

const fixture = "../../testdata/office/selfeval-gbk.html"

func mustRead(t *testing.T, data []byte) *doc.Document {
	t.Helper()
	d, err := Read(context.Background(), "t.html", data)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func texts(d *doc.Document) []string {
	var out []string
	for _, b := range d.Pages[0].Blocks {
		if b.Kind != doc.BlockTable {
			out = append(out, b.Text())
		}
	}
	return out
}

func TestGBKPortalPage(t *testing.T) {
	data, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	d := mustRead(t, data)
	if d.Title != "江宁县民政局2023年度项目支出绩效自评表" { // the site's name after _ dropped
		t.Errorf("title %q", d.Title)
	}
	if m := d.Pages[0].Method; m != "html-gb18030" {
		t.Errorf("method %q", m)
	}
	want := []string{
		"发布时间：2024-04-12　来源：江宁县民政局",
		"项目支出绩效自评表",
		"（2023年度）",
		"附件：江宁县民政局2023年度项目支出绩效自评表.xlsx",
		"附件：江宁县民政局2023年度部门整体支出绩效自评报告.pdf",
	}
	if got := texts(d); !reflect.DeepEqual(got, want) {
		t.Errorf("content blocks:\n got %q\nwant %q", got, want)
	}
	h := d.Pages[0].Blocks[1]
	if h.Kind != doc.BlockHeading || h.Level != 1 {
		t.Errorf("h1 block: kind %v level %d", h.Kind, h.Level)
	}
	wantLinks := []doc.Link{
		{Text: "江宁县民政局2023年度项目支出绩效自评表.xlsx", Href: "/u/cms/jnx/202404/12093015abcd.xlsx"},
		{Text: "江宁县民政局2023年度部门整体支出绩效自评报告.pdf", Href: "/u/cms/jnx/202404/12093016abce.pdf"},
	}
	if !reflect.DeepEqual(d.Links, wantLinks) {
		t.Errorf("links %q", d.Links)
	}
}

// A GBK page with no charset declaration at all is still decoded.
func TestGBKWithoutMeta(t *testing.T) {
	page := "<div><h2>一、部门基本情况</h2><p>全年预算数1,234.56万元，执行率95.2%。</p></div>"
	b, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(page))
	d := mustRead(t, b)
	if got := texts(d); !reflect.DeepEqual(got, []string{"一、部门基本情况", "全年预算数1,234.56万元，执行率95.2%。"}) {
		t.Errorf("got %q", got)
	}
	if d.Pages[0].Blocks[0].Level != 2 {
		t.Errorf("h2 level %d", d.Pages[0].Blocks[0].Level)
	}
}

// A page that says GB2312 but is UTF-8 is read as UTF-8.
func TestMislabelledUTF8(t *testing.T) {
	page := `<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><p>自评得分96分</p>`
	d := mustRead(t, []byte(page))
	if got := texts(d); !reflect.DeepEqual(got, []string{"自评得分96分"}) || d.Pages[0].Method != "html-utf-8" {
		t.Errorf("got %q (%s)", got, d.Pages[0].Method)
	}
}

func TestLinesAndHeadings(t *testing.T) {
	page := `<html><head><meta charset="utf-8"><title>t</title></head><body>
<nav><a href="/">首页</a></nav>
<div class="content"><h1>报告</h1><h3>（一）基本情况</h3>
<p>第一行<br>第二行&nbsp;&nbsp;结束</p><div>块一</div><div>块二<span>内联</span></div>
<table><caption>附表1</caption><tr><td rowspan="2">甲</td><td colspan="2">乙</td></tr><tr><td>丙</td><td>丁</td></tr></table>
</div><div class="footer">版权所有</div></body></html>`
	d := mustRead(t, []byte(page))
	var got []string
	for _, b := range d.Pages[0].Blocks {
		got = append(got, b.Text())
	}
	want := []string{"报告", "（一）基本情况", "第一行\n第二行 结束", "块一\n块二内联", "甲 | 乙 | 乙\n甲 | 丙 | 丁"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("blocks:\n got %q\nwant %q", got, want)
	}
	if c := d.Pages[0].Blocks[4].Table.Caption; c != "附表1" {
		t.Errorf("caption %q", c)
	}
	if l := d.Pages[0].Blocks[1].Level; l != 3 {
		t.Errorf("h3 level %d", l)
	}
}

func TestArticleHeader(t *testing.T) {
	page := `<body><header><a href="/">首页</a> 网站名称</header><article><header><h1>某局2023年度绩效自评报告</h1><p>发布日期：2024-05-01</p></header>
<p>正文第一段，全年预算数1,234.56万元。</p><p>正文第二段，自评得分96分。</p></article><footer>版权所有</footer></body>`
	d := mustRead(t, []byte(page))
	want := []string{"某局2023年度绩效自评报告", "发布日期：2024-05-01", "正文第一段，全年预算数1,234.56万元。", "正文第二段，自评得分96分。"}
	if got := texts(d); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestTruncated(t *testing.T) {
	data, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	// Cut inside the table: what came before is kept.
	cut := data[:len(data)*2/3]
	d := mustRead(t, cut)
	var table *doc.Table
	for _, b := range d.Pages[0].Blocks {
		if b.Kind == doc.BlockTable {
			table = b.Table
		}
	}
	if table == nil || table.Rows < 5 || table.Grid()[0][0] != "项目名称" {
		t.Fatalf("truncated page lost its partial table: %+v", table)
	}
	// Cut inside the head: no text, and the reason says why.
	_, err = Read(context.Background(), "t.html", data[:300])
	var u *doc.Unreadable
	if !errors.As(err, &u) || !strings.Contains(u.Error(), "truncated") {
		t.Errorf("head-only page: %v", err)
	}
}

// Nesting past the parser's 512 open elements is refused with a reason,
// not a crash.
func TestDeepNesting(t *testing.T) {
	_, err := Read(context.Background(), "t.html", []byte(strings.Repeat("<div>", 100000)+"x"))
	var u *doc.Unreadable
	if !errors.As(err, &u) || !strings.Contains(u.Error(), "512") {
		t.Errorf("got %v", err)
	}
}

func FuzzHTML(f *testing.F) {
	data, err := os.ReadFile(fixture)
	if err != nil {
		f.Fatal(err)
	}
	src, err := os.ReadFile("../../testdata/src/selfeval-table.html")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(src)
	f.Add([]byte(`<meta charset="gbk"><table><tr><td rowspan="99999" colspan="99999">x</td></tr><tr><td>y</td></tr></table>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Read(context.Background(), "fuzz.html", data)
		if err != nil {
			var u *doc.Unreadable
			if !errors.As(err, &u) {
				t.Fatalf("error that is not Unreadable: %v", err)
			}
			return
		}
		for _, b := range d.Pages[0].Blocks {
			if b.Kind == doc.BlockTable {
				for _, c := range b.Table.Cells {
					if c.Row+c.RowSpan > b.Table.Rows || c.Col+c.ColSpan > b.Table.Cols {
						t.Fatalf("cell %+v outside %d×%d", c, b.Table.Rows, b.Table.Cols)
					}
				}
			}
		}
	})
}
