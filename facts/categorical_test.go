package facts

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zipin/extract"
	"zipin/normalize"
)

// headlineGold is the part of a fixture's gold line these tests check: the
// categorical headline fields, written by hand from the invented report.
type headlineGold struct {
	ID         string  `json:"id"`
	Kind       string  `json:"kind"`
	Year       *int    `json:"year"`
	Department *string `json:"department"`
	Grade      *string `json:"grade"`
	Notes      string  `json:"notes"`
}

// TestHeadlineFixtures checks organization, kind, year and grade on the
// invented reports of testdata/headline: tuning/ (the rules were tuned on
// them) and heldout/ (written before the rules were run on them, and not
// tuned on since). Several provinces' templates: 内蒙古 旗, 兵团 师, 云南 and
// 贵州 自治州, 广西 自治县, 浙江 街道, 四川 forms, a portal page.
func TestHeadlineFixtures(t *testing.T) {
	for _, set := range []string{"tuning", "heldout"} {
		dir := filepath.Join("..", "testdata", "headline", set)
		f, err := os.Open(filepath.Join(dir, "gold.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		n := 0
		for sc.Scan() {
			var g headlineGold
			if err := json.Unmarshal(sc.Bytes(), &g); err != nil {
				t.Fatal(err)
			}
			n++
			for _, file := range fixtureFiles(dir, g.ID) {
				checkCategorical(t, set+"/"+file+" ("+g.Notes+")", analyzeFixture(t, file).Headline, g)
			}
		}
		f.Close()
		if n < 6 {
			t.Errorf("%s: %d fixtures", set, n)
		}
	}
}

// checkCategorical compares a headline's categorical fields with the gold.
func checkCategorical(t *testing.T, where string, h Headline, g headlineGold) {
	t.Helper()
	if h.Kind != g.Kind {
		t.Errorf("%s: kind %s, want %s", where, h.Kind, g.Kind)
	}
	if got, want := intOr0(h.FiscalYear), intOr0(g.Year); got != want {
		t.Errorf("%s: year %d, want %d", where, got, want)
	}
	if got, want := str(h.Organization), str(g.Department); got != want {
		t.Errorf("%s: organization %q, want %q", where, got, want)
	}
	if got, want := str(h.Grade), str(g.Grade); got != want {
		t.Errorf("%s: grade %q, want %q", where, got, want)
	}
	for _, field := range []string{"kind", "organization", "fiscal_year", "grade"} {
		if !hasEvidence(h.Evidence, field) && (field == "kind" || field == "organization" && g.Department != nil || field == "fiscal_year" && g.Year != nil || field == "grade" && g.Grade != nil) {
			t.Errorf("%s: no evidence for %s", where, field)
		}
	}
}

// fixtureFiles lists a fixture's files: its source (id.txt or id.html) and
// the DOCX and PDF renderings that gen.sh made of it.
func fixtureFiles(dir, id string) []string {
	var out []string
	for _, name := range []string{id + ".txt", id + ".html", "formats/" + id + ".docx", "formats/" + id + ".pdf"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			out = append(out, filepath.Join(dir, name))
		}
	}
	return out
}

// analyzeFixture runs the facts stage over a fixture file through the reader
// its bytes call for.
func analyzeFixture(t *testing.T, path string) *Result {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".txt") {
		return analyze(t, string(data))
	}
	return analyzeBytes(t, filepath.Base(path), data)
}

func intOr0(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

func hasEvidence(cs []Candidate, field string) bool {
	for _, c := range cs {
		if c.Field == field && c.Chosen {
			return true
		}
	}
	return false
}

// The evidence says why: the rejected candidates carry their reasons.
func TestOrganizationEvidence(t *testing.T) {
	h := analyze(t, `项目支出绩效自评表
（2023年度）
项目名称 | 农村饮水安全巩固提升 | | |
主管部门 | 曲靖市会泽县水务局 | 实施单位 | 会泽县农村饮水安全工程管理站 |
总分 | | 100 | 95 |`).Headline
	if str(h.Organization) != "会泽县农村饮水安全工程管理站" {
		t.Fatalf("organization %q, want the 实施单位", str(h.Organization))
	}
	var chosen, rejected []Candidate
	for _, c := range h.Evidence {
		if c.Field != "organization" {
			continue
		}
		if c.Chosen {
			chosen = append(chosen, c)
		} else {
			rejected = append(rejected, c)
		}
	}
	if len(chosen) != 1 || chosen[0].Label != "实施单位" || chosen[0].Source != "label" || chosen[0].Page != 1 {
		t.Errorf("chosen %+v", chosen)
	}
	if len(rejected) != 1 || rejected[0].Value != "曲靖市会泽县水务局" || !strings.Contains(rejected[0].Reason, "implementer") {
		t.Errorf("rejected %+v", rejected)
	}
	// The span points at the name in the page's text.
	text := "项目支出绩效自评表\n（2023年度）\n项目名称 | 农村饮水安全巩固提升 | | |\n主管部门 | 曲靖市会泽县水务局 | 实施单位 | 会泽县农村饮水安全工程管理站 |"
	if r := []rune(text); chosen[0].End > len(r) || string(r[chosen[0].Start:chosen[0].End]) != "会泽县农村饮水安全工程管理站" {
		t.Errorf("span [%d,%d) does not hold the name", chosen[0].Start, chosen[0].End)
	}
}

// One case per class of document; each wanted value is read off the text by
// hand ("" = NULL: the text does not name the reporter in full).
func TestOrganizationClasses(t *testing.T) {
	for _, c := range []struct{ why, text, want string }{
		{"a form's 部门(单位)全称 field, the full name written in the body; the form's printer is not the unit",
			"部门整体支出绩效评价自评报告\n部门(单位)全称: 城关镇人民政府 (公章)\n填报日期 年 月 日\n靖远县财政局制\n一、部门基本情况\n靖远县城关镇人民政府的主要职责是：", "靖远县城关镇人民政府"},
		{"the unit in brackets on the line under the title",
			"2022年度部门整体支出绩效自评报告\n（漳州市龙文区卫生健康局）\n一、基本情况\n我局下设二级单位3个。", "漳州市龙文区卫生健康局"},
		{"the unit in brackets at the end of the title",
			"2022年度部门整体支出绩效自评报告（宜昌市夷陵区自然资源和规划局）\n一、基本情况", "宜昌市夷陵区自然资源和规划局"},
		{"a party department named 中共…委…部 as the subject",
			"一、部门基本情况\n中共湘潭市岳塘区委宣传部是主管全区宣传思想文化工作的区委工作部门。", "中共湘潭市岳塘区委宣传部"},
		{"the county government the prose mentions is not the reporter",
			"2022年度部门整体支出绩效自评报告\n2022年，金寨县人民政府高度重视乡村振兴工作，本单位认真落实各项部署。", ""},
		{"a township speaking as 我镇 reports as its government",
			"2023年度部门整体支出绩效自评报告\n一、基本情况\n宁乡市灰汤镇人民政府下辖8个村，我镇2023年全年预算数1,200万元。", "宁乡市灰汤镇人民政府"},
		{"the addressee of the report is not its author",
			"关于2022年度部门整体支出绩效自评情况的报告\n永州市零陵区财政局：\n现将我局自评情况报告如下：\n一、部门基本情况\n永州市零陵区自然资源局是区人民政府工作部门。", "永州市零陵区自然资源局"},
		{"several implementers in one field: their 主管部门 reports",
			"项目支出绩效自评表（2022年度）\n项目名称：义务教育学校校舍维修\n主管部门：汝城县教育局\n实施单位：汝城县第一中学、汝城县第二中学\n", "汝城县教育局"},
		{"an implementer not written in full and not the 主管部门: unknown",
			"项目支出绩效自评表（2022年度）\n项目名称：河道清淤\n主管部门：湘阴县水利局\n实施单位：水利工作站\n", ""},
		{"an implementer field that names the 主管部门 itself",
			"项目支出绩效自评表（2022年度）\n项目名称：河道清淤\n主管部门：湘阴县水利局\n实施单位：本级\n", "湘阴县水利局"},
		{"a relative name from the portal's source line and nowhere in full: NULL",
			"发布时间：2023-05-10 来源：县财政局\n2022年度部门整体支出绩效自评报告\n县疾病预防控制中心为县卫生健康局下属公益一类事业单位。", ""},
		{"a relative name from the portal, written in full in the text",
			"发布日期:2021-10-12 来源:市文化和广电旅游体育局\n2020年度绩效评价\n一是2020年,义乌市文化和广电旅游体育局及其下属各单位组织开展了公共文化服务活动。", "义乌市文化和广电旅游体育局"},
		{"a form's unit field without its place, the title in full",
			"六盘水市钟山区融媒体中心2022年度部门整体支出绩效自评报告\n单位名称：融媒体中心\n一、部门概况", "六盘水市钟山区融媒体中心"},
		{"a form's unit field the parser cannot read rules out another unit from the prose",
			"部门整体支出绩效自评表\n单位名称：综合服务站\n一、基本情况\n2022年，吉首市民政局下达资金50万元。\n吉首市财政局安排资金20万元，本站组织实施。", ""},
		{"an implementer the parser cannot read rules out the title's unit",
			"吉首市民政局2022年度项目支出绩效自评报告\n项目名称：社区养老服务\n主管部门：吉首市民政局\n实施单位：水库管理站\n", ""},
		{"a publisher named only by level gives way to the text's subject",
			"来源：县财政局\n2022年度部门整体支出绩效自评报告\n一、部门基本情况\n桃江县林业局内设股室6个。", "桃江县林业局"},
		{"the 中央/地方主管部门 of a transfer payment fund it; no 资金使用单位 given",
			"就业补助资金绩效目标自评表\n中央主管部门 人力资源社会保障部\n地方主管部门 赤峰市松山区财政局\n全年预算数 500", ""},
	} {
		if got := str(analyze(t, c.text).Headline.Organization); got != c.want {
			t.Errorf("%s: organization %q, want %q", c.why, got, c.want)
		}
	}
}

// Grades that are not the report's: a count of projects, the scale, last
// year's; and statements that disagree.
func TestGradeClasses(t *testing.T) {
	for _, c := range []struct{ why, text, want string }{
		{"projects counted by grade", "其中评价结果为“优”的项目有5个，评价结果为“良”的项目有2个。", ""},
		{"the scale listed", "评价等级为优（90分以上）、良（80-89分）、中（60-79分）、差（60分以下）。", ""},
		{"last year's grade beside this year's", "上年度评价等级为良，本年度自评得分93分，评价等级为优。", "优"},
		{"two projects' grades", "农村公路养护项目评价结果为优；危桥改造项目评价结果为良。", ""},
		{"the same grade twice, in two spellings", "自评等级为优。综上，该项目绩效评价等级为优秀。", "优"},
	} {
		if got := str(analyze(t, "2023年度项目支出绩效自评报告\n"+c.text).Headline.Grade); got != c.want {
			t.Errorf("%s: grade %q, want %q", c.why, got, c.want)
		}
	}
}

func TestKindClasses(t *testing.T) {
	for _, c := range []struct{ why, text, want string }{
		{"the unit's whole spending", "宁乡市民政局2022年度部门整体支出绩效自评报告\n一、部门概况", "department"},
		{"a project", "宁乡市民政局2022年度项目支出绩效自评报告\n一、项目概况", "project"},
		{"a form alone", "部门整体支出绩效自评表\n（2022年度）\n部门 | 宁乡市民政局 |", "table"},
		{"a fund's report is a project's", "宁乡市2022年度衔接推进乡村振兴补助资金绩效自评报告\n一、资金概况", "project"},
		{"the department's evaluation, in other words", "宁乡市民政局2023年部门绩效自评工作总结（绩效自评结果）\n一、自评工作开展情况", "department"},
		{"an evaluation by others states its grade and never says 自评", "宁乡市民政局2022年度养老服务补贴资金绩效评价报告（摘要）\n受市财政局委托，第三方机构开展了绩效评价。综合评价得分82分，评价等次为良。", "other"},
		{"a unit that evaluates itself without the word 自评", "宁乡市民政局2022年度养老服务补贴资金绩效评价报告\n我局对该资金开展了绩效评价，综合评价得分92分，评价等次为优。", "project"},
		{"a rectification", "宁乡市民政局关于2022年度绩效评价发现问题整改情况的报告\n一、整改情况", "other"},
		{"no title: the opening text describes the department", "一、部门基本情况\n宁乡市民政局内设科室9个。", "department"},
	} {
		if got := analyze(t, c.text).Headline.Kind; got != c.want {
			t.Errorf("%s: kind %s, want %s", c.why, got, c.want)
		}
	}
}

func TestYearClasses(t *testing.T) {
	for _, c := range []struct {
		why, text string
		want      int
	}{
		{"the title's year", "宁乡市民政局2022年度部门整体支出绩效自评报告\n2023年3月", 2022},
		{"a project's year in the title before the report's", "宁乡市2021年农村公路项目2022年度绩效自评报告", 2022},
		{"the year the text ties to the evaluation, not a project's name", "项目支出绩效自评报告\n我局实施的“2021年度农村公路提质改造项目”于2022年完工。根据《关于开展2022年度项目支出绩效自评工作的通知》，现报告如下。", 2022},
		{"a publication date is not the year", "项目支出绩效自评报告\n发布日期：2023-04-12\n2023年4月12日", 0},
	} {
		if got := intOr0(analyze(t, c.text).Headline.FiscalYear); got != c.want {
			t.Errorf("%s: year %d, want %d", c.why, got, c.want)
		}
	}
}

// Every year candidate points at its span in the page's text.
func TestYearEvidenceSpans(t *testing.T) {
	text := "项目支出绩效自评报告\n根据《关于开展2022年度项目支出绩效自评工作的通知》，我局实施的“2021年度农村公路提质改造项目”于2022年12月完工。"
	h := analyze(t, text).Headline
	r := []rune(text)
	n := 0
	for _, c := range h.Evidence {
		if c.Field != "fiscal_year" || c.Page == 0 {
			continue
		}
		n++
		if got := string(r[c.Start:c.End]); got[:4] != c.Value {
			t.Errorf("candidate %s spans %q", c.Value, got)
		}
		if c.Chosen != (c.Start == 18) { // 《关于开展2022年度…自评工作的通知》 ties 2022 to the evaluation
			t.Errorf("candidate at %d chosen=%v (%s)", c.Start, c.Chosen, c.Reason)
		}
	}
	if n != 3 || intOr0(h.FiscalYear) != 2022 {
		t.Errorf("%d candidates, year %d", n, intOr0(h.FiscalYear))
	}
}

// A title wrapped by a PDF page's width is put back together.
func TestWrappedTitle(t *testing.T) {
	h := analyze(t, "岳阳县教育局2022年度部门整体支出\n绩效自评报告\n一、部门概况\n我局内设股室8个。").Headline
	if h.Title != "岳阳县教育局2022年度部门整体支出绩效自评报告" || str(h.Organization) != "岳阳县教育局" || h.Kind != "department" {
		t.Errorf("title %q org %q kind %s", h.Title, str(h.Organization), h.Kind)
	}
}

func TestGradeInCell(t *testing.T) {
	h := analyze(t, "部门整体支出绩效自评表\n（2023年度）\n| 部门 | 泸州市江阳区司法局 |\n| 自评得分 | 93 |\n| 评价等级 | 优 |").Headline
	if str(h.Grade) != "优" {
		t.Errorf("grade %q from a 评价等级 cell", str(h.Grade))
	}
}

func TestGradeScaleColumns(t *testing.T) {
	h := analyze(t, "项目支出绩效自评表\n| 评价等级 | 优 | 良 | 中 | 差 |\n| 自评得分 | 86 | | | |").Headline
	if h.Grade != nil {
		t.Errorf("grade %q from the scale's column headers", *h.Grade)
	}
}

func TestOrganizationActsOnReporter(t *testing.T) {
	h := analyze(t, "2022年度部门整体支出绩效自评报告\n2022年，娄底市财政局对我单位预算执行情况开展了检查。").Headline
	if h.Organization != nil {
		t.Errorf("organization %q: the body that checks the reporter is not it", *h.Organization)
	}
}

// BenchmarkCategorical measures the title/kind/organization/year/grade
// decisions on a long report (a fixture repeated to about 95,000 runes):
// each source is read in time linear in the text.
func BenchmarkCategorical(b *testing.B) {
	data, err := os.ReadFile("../testdata/headline/heldout/h1.txt")
	if err != nil {
		b.Fatal(err)
	}
	big := strings.Repeat(string(data)+"\n", 300)
	d, err := extract.Read(context.Background(), "long.txt", []byte(big))
	if err != nil {
		b.Fatal(err)
	}
	nd, err := normalize.Document(d)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var h Headline
		categorical(nd, &h)
	}
	b.ReportMetric(float64(len([]rune(big))), "runes")
}
