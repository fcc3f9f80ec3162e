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
	"zipin/segment"
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
	d, err := extract.Read(context.Background(), filepath.Base(path), data)
	if err != nil {
		t.Fatal(err)
	}
	nd, err := normalize.Document(d)
	if err != nil {
		t.Fatal(err)
	}
	seg, err := segment.Default()
	if err != nil {
		t.Fatal(err)
	}
	return Analyze(nd, seg)
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
