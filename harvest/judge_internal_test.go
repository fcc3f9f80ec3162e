package harvest

import (
	"strings"
	"testing"

	"zipin/schema"
)

func TestStripSiteName(t *testing.T) {
	for in, want := range map[string]string{
		"青山县教育局2023年度部门整体支出绩效自评报告_青山县教育局": "青山县教育局2023年度部门整体支出绩效自评报告",
		"2023年度项目支出绩效自评报告 - 青山县人民政府门户网站":  "2023年度项目支出绩效自评报告",
		"2023年度项目支出绩效自评报告｜青山县财政局_青山县人民政府": "2023年度项目支出绩效自评报告",
		"2021-2023年度绩效自评报告":               "2021-2023年度绩效自评报告", // the tail is part of the name
		"青山县财政局_2023年度部门整体支出绩效自评报告":       "青山县财政局_2023年度部门整体支出绩效自评报告",
		"部门整体支出绩效自评报告":                    "部门整体支出绩效自评报告",
		"关于开展2023年度绩效自评工作的通知——青山县财政局":     "关于开展2023年度绩效自评工作的通知",
	} {
		if got := StripSiteName(in); got != want {
			t.Errorf("StripSiteName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestScriptNext(t *testing.T) {
	const page = "http://h.example/col/jx/index_1.html"
	for script, want := range map[string]string{
		`createPageHTML(5, 0, "index", "html");`:                 "http://h.example/col/jx/index_1.html",
		`createPageHTML(5, 1, "index", "html");`:                 "http://h.example/col/jx/index_2.html",
		`createPageHTML(5, 4, "index", "html");`:                 "", // the last page
		`createPageHTML('page_div', 12, 3, 'list', 'shtml', 20)`: "http://h.example/col/jx/list_4.shtml",
		`var x = 1;`: "",
	} {
		if got := scriptNext(script, page); got != want {
			t.Errorf("scriptNext(%s) = %q, want %q", script, got, want)
		}
	}
}

func TestFindDate(t *testing.T) {
	for in, want := range map[string]string{
		"[2024-03-05]":         "2024-03-05",
		"发布时间：2024年3月5日 10:00": "2024-03-05",
		"2024/12/31":           "2024-12-31",
		"2024-13-01":           "",
		"第2024号":               "",
	} {
		if got := findDate(in); got != want {
			t.Errorf("findDate(%q) = %q, want %q", in, got, want)
		}
	}
}

// The judge on rows written by hand, as the pipeline would produce them.
func TestAcceptReport(t *testing.T) {
	money := schema.Money(10000000)
	rate := 95.0
	batch := func(title, text string, budget *schema.Money, r *float64, facts ...string) *schema.Batch {
		b := &schema.Batch{Reports: []schema.Report{{Title: title, BudgetYuan: budget, ExecutionRate: r}},
			Texts: []schema.Text{{Page: 1, Text: text}}}
		for _, k := range facts {
			b.Facts = append(b.Facts, schema.Fact{Kind: k})
		}
		return b
	}
	for _, c := range []struct {
		name string
		b    *schema.Batch
		want string // a word of the reason; "" for a report
	}{
		{"report", batch("青山县教育局2023年度部门整体支出绩效自评报告", "青山县教育局2023年度部门整体支出绩效自评报告\n全年预算数100万元，执行数95万元，预算执行率95%。", &money, &rate, "money", "money", "percent"), ""},
		{"report published in a notice", batch("关于公开2023年度部门整体支出绩效自评报告的通知", "关于公开2023年度部门整体支出绩效自评报告的通知\n全年预算数100万元，执行数95万元。", &money, nil, "money"), ""},
		{"notice", batch("关于开展2023年度部门整体支出绩效自评工作的通知", "关于开展2023年度部门整体支出绩效自评工作的通知\n各单位：请于5月31日前完成自评，自评得分90分以上为优。", nil, nil, "score"), "notice"},
		{"guide with example figures", batch("部门整体支出绩效自评报告编制指引", "部门整体支出绩效自评报告编制指引\n例：全年预算数100万元，执行数95万元，预算执行率95%。", &money, &rate, "money"), "guide"},
		{"guide titled by its site", batch("部门整体支出绩效自评报告编制指引_青山县财政局", "部门整体支出绩效自评报告编制指引", nil, nil), "guide"},
		{"blank form", batch("2023年度部门整体支出绩效自评表", "2023年度部门整体支出绩效自评表\n年度预算数：x万元\n全年执行数：X万元\n预算执行率：x%\n自评得分：", nil, nil), "blank form"},
		{"no figures", batch("2023年度部门整体支出绩效自评情况", "2023年度部门整体支出绩效自评情况说明：本单位高度重视，认真组织开展了自评工作，取得了良好成效。", nil, nil), "nothing spent"},
		{"scan without text", batch("", "", nil, nil), ""},
	} {
		got := AcceptReport("x", c.b)
		if c.want == "" && got != "" || c.want != "" && (!strings.HasPrefix(got, notReportPrefix) || !strings.Contains(got, c.want)) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestListDiscovery(t *testing.T) {
	cfg, err := ParseConfig("t.toml", []byte("contact = \"t\"\n[[source]]\nname = \"s\"\nurl = \"http://h.example/list/index.html\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := &cfg.Sources[0]
	page := `<html><body><table>
<tr><td><a href="a1.html" title="青山县财政局2023年度部门整体支出绩效自评报告">青山县财政局2023年度部门整体支出</a></td><td>2024-03-05</td></tr>
<tr><td><a href="a2.html">青山县教育局2023年度义务教育薄弱环节改善与能力...</a></td><td>2024-03-04</td></tr>
<tr><td><a href="/module/downfile.jsp?classid=0&amp;filename=自评表.xlsx">青山县民政局绩效自我评价表</a></td><td>2024/3/3</td></tr>
<tr><td><a href="a4.html">2024年部门预算公开</a></td><td>2024-03-02</td></tr>
</table><div class="pages"><a href="index.html">[1]</a> <a href="index_1.html">[2]</a> <a href="index_2.html">[3]</a></div></body></html>`
	found, next, err := listLinks(s, &Response{URL: "http://h.example/list/index.html", Body: []byte(page)}, 1)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range found {
		got = append(got, f.Kind+" "+f.Title+" "+f.URL+" "+f.Published)
	}
	want := []string{
		"detail 青山县财政局2023年度部门整体支出绩效自评报告 http://h.example/list/a1.html 2024-03-05",    // the title attribute completes a shorter text
		"probe 青山县教育局2023年度义务教育薄弱环节改善与能力... http://h.example/list/a2.html 2024-03-04", // cut, no title: the detail page decides
		"file 青山县民政局绩效自我评价表 http://h.example/module/downfile.jsp?classid=0&filename=自评表.xlsx 2024-03-03",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("found:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if next != "http://h.example/list/index_1.html" {
		t.Errorf("next %q, want the page numbered [2]", next)
	}
	// TRS variables instead of a createPageHTML call.
	if got := scriptNext(`var countPage = 3;//共多少页
var currentPage = 1;//当前页
var prevName = "index";//前缀
var fileExt = "shtml";//后缀`, "http://h.example/list/index_1.shtml"); got != "http://h.example/list/index_2.shtml" {
		t.Errorf("TRS variables: next %q", got)
	}
	for text, want := range map[string]bool{"下一页": true, "后一页": true, "Next": true, ">": true, "›": true, "尾页": false, "»": false, "next year": false} {
		if s.next.MatchString(text) != want {
			t.Errorf("next_text default on %q: %v, want %v", text, !want, want)
		}
	}
}

func TestPageTitle(t *testing.T) {
	cfg, err := ParseConfig("t.toml", []byte("contact = \"t\"\n[[source]]\nname = \"s\"\nurl = \"http://h.example/\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := &cfg.Sources[0]
	for _, c := range []struct{ title, h1, listed, want string }{
		{"某局2023年度部门整体支出绩效自评报告_青山县人民政府", "青山县人民政府", "某局2023年度部门整体...", "某局2023年度部门整体支出绩效自评报告"}, // the h1 is the site's banner
		{"青山县人民政府", "某局2023年度项目支出绩效自评报告", "", "某局2023年度项目支出绩效自评报告"},
		{"政务公开_青山县人民政府", "2024年部门预算公开", "2024年部门...", "2024年部门预算公开"},
	} {
		if got := s.pageTitle(&Page{Title: c.title, H1: c.h1}, c.listed); got != c.want {
			t.Errorf("pageTitle(%q, %q, %q) = %q, want %q", c.title, c.h1, c.listed, got, c.want)
		}
	}
}
