package review

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"golang.org/x/net/html"

	"zipin/dataset"
	"zipin/query/fixture"
	"zipin/schema"
)

func loadFixture(t *testing.T) (*Data, *schema.Batch) {
	t.Helper()
	dir := t.TempDir()
	b, err := fixture.Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return d, b
}

// element is an element of a parsed page: its attributes and text.
type element struct {
	attrs map[string]string
	text  string
}

// findAll returns the elements matching pick, in document order.
func findAll(t *testing.T, page []byte, pick func(tag string, attrs map[string]string) bool) []element {
	t.Helper()
	root, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out []element
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			attrs := map[string]string{}
			for _, a := range n.Attr {
				attrs[a.Key] = a.Val
			}
			if pick(n.Data, attrs) {
				out = append(out, element{attrs, textOf(n)})
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return out
}

func textOf(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(textOf(c))
	}
	return b.String()
}

func render(t *testing.T, d *Data, id string) []byte {
	t.Helper()
	doc, err := d.Doc(id)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := Render(&b, doc, ""); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Every fact of every fixture document is a <mark> around exactly its text,
// and the page's text reads as texts.text.
func TestRenderMarksEveryFact(t *testing.T) {
	d, b := loadFixture(t)
	for _, r := range b.Reports {
		page := render(t, d, r.DocID)
		marks := findAll(t, page, func(tag string, a map[string]string) bool {
			return tag == "mark" && strings.Contains(a["class"], "fact")
		})
		got := map[string]string{}
		for _, m := range marks {
			got[m.attrs["id"]] = m.text
			if strings.Contains(m.attrs["class"], "mismatch") {
				t.Errorf("%s: %s marked as mismatch", r.Title, m.attrs["id"])
			}
		}
		n := 0
		for _, f := range b.Facts {
			if f.DocID != r.DocID {
				continue
			}
			n++
			id := strings.TrimPrefix(factHref(f.Seq), "#")
			if got[id] != f.Text {
				t.Errorf("%s: fact #%d highlighted %q, want %q", r.Title, f.Seq, got[id], f.Text)
			}
			if !strings.Contains(marksTitle(marks, id), "value: ") {
				t.Errorf("%s: fact #%d has no tooltip", r.Title, f.Seq)
			}
		}
		if len(marks) != n {
			t.Errorf("%s: %d marks for %d facts", r.Title, len(marks), n)
		}
		texts := findAll(t, page, func(tag string, a map[string]string) bool { return a["class"] == "text" })
		var want []string
		for _, tx := range b.Texts {
			if tx.DocID == r.DocID {
				want = append(want, tx.Text)
			}
		}
		if len(texts) != len(want) {
			t.Fatalf("%s: %d pages shown, want %d", r.Title, len(texts), len(want))
		}
		for i := range texts {
			if texts[i].text != want[i] {
				t.Errorf("%s page %d reads %q, want %q", r.Title, i+1, texts[i].text, want[i])
			}
		}
		if problems := findAll(t, page, func(_ string, a map[string]string) bool { return a["id"] == "problems" }); len(problems) > 0 {
			t.Errorf("%s: problems shown: %s", r.Title, problems[0].text)
		}
		if bytes.Contains(page, []byte("ZgotmplZ")) {
			t.Errorf("%s: template escaping rejected a value", r.Title)
		}
	}
}

func marksTitle(ms []element, id string) string {
	for _, m := range ms {
		if m.attrs["id"] == id {
			return m.attrs["title"]
		}
	}
	return ""
}

func factSeq(b *schema.Batch, doc, metric string) string {
	for _, f := range b.Facts {
		if f.DocID == doc && f.Metric != nil && *f.Metric == metric {
			return factHref(f.Seq)
		}
	}
	return ""
}

// The warning, the headline fields, the project and the indicator link to
// their place in the text.
func TestLinks(t *testing.T) {
	d, b := loadFixture(t)
	page := render(t, d, fixture.Education2023)
	links := map[string]string{}
	for _, a := range findAll(t, page, func(tag string, _ map[string]string) bool { return tag == "a" }) {
		if _, seen := links[a.text]; !seen {
			links[a.text] = a.attrs["href"]
		}
	}
	ws := findAll(t, page, func(_ string, a map[string]string) bool { return a["class"] == "warning" })
	if len(ws) != 1 || ws[0].text != fixture.RateWarning {
		t.Fatalf("warnings shown: %v", ws)
	}
	rate := factSeq(b, fixture.Education2023, "execution_rate")
	for text, want := range map[string]string{
		fixture.RateWarning: rate,
		"98 %":              rate,
		"5,000,000.00 元":    factSeq(b, fixture.Education2023, "budget_total"),
		"4,800,000.00 元":    factSeq(b, fixture.Education2023, "executed"),
		"6,320人":            "#f-4", // the indicator's actual value is fact 4
		"88 分":              factSeq(b, fixture.Education2023, "self_score"),
	} {
		if links[text] != want || want == "" {
			t.Errorf("link %q goes to %q, want %q", text, links[text], want)
		}
	}
	// The organization is found in the text by its words: an anchor there.
	page = render(t, d, fixture.CivilAffairs2022)
	m := regexp.MustCompile(`<a href="(#a-\d+)">` + fixture.CivilAffairs + `</a>`).FindSubmatch(page)
	if m == nil || !bytes.Contains(page, []byte(`<span class="anchor" id="`+string(m[1][1:])+`"></span>`+fixture.CivilAffairs)) {
		t.Errorf("organization link has no anchor before the name")
	}
	// A page without warnings shows no warnings box.
	if bytes.Contains(render(t, d, fixture.CivilAffairs2022), []byte(`id="warnings"`)) {
		t.Error("warnings box on a report without warnings")
	}
}

func TestPageMarkup(t *testing.T) {
	text := schema.Text{DocID: "d", Page: 1, Text: "预算<1250万元>，执行率95%。"}
	fact := func(seq, s, e int32, txt string) schema.Fact {
		return schema.Fact{DocID: "d", Seq: seq, Page: 1, Start: s, End: e, Text: txt, Kind: "money"}
	}
	facts := []schema.Fact{
		fact(1, 3, 9, "1250万元"),
		fact(2, 3, 7, "1250"),   // nested inside 1
		fact(3, 7, 12, "元>，执行"), // partly overlaps 1
		fact(4, 15, 18, "95%"),  // wrong offsets: the text there is "5%。"
		fact(5, 16, 40, "x"),    // outside the page
	}
	out, probs := pageMarkup(text, facts, []anchor{{0, "a-1"}})
	want := `<span class="anchor" id="a-1"></span>预算&lt;<mark id="f-1"`
	if !strings.HasPrefix(string(out), want) {
		t.Errorf("markup starts %q, want %q", out, want)
	}
	if !regexp.MustCompile(`<mark id="f-1"[^>]*><mark id="f-2"[^>]*>1250</mark>万元</mark>&gt;`).MatchString(string(out)) {
		t.Errorf("nested marks wrong: %s", out)
	}
	if !regexp.MustCompile(`<mark id="f-4" class="fact k-money mismatch"[^>]*>5%。</mark>$`).MatchString(string(out)) {
		t.Errorf("mismatch not marked: %s", out)
	}
	if len(probs) != 3 || probs[0].Seq != 3 || probs[1].Seq != 4 || probs[2].Seq != 5 {
		t.Errorf("problems = %+v", probs)
	}
	if strings.Contains(string(out), `id="f-3"`) || strings.Contains(string(out), `id="f-5"`) {
		t.Errorf("unplaceable facts highlighted: %s", out)
	}
}

func TestFind(t *testing.T) {
	d, _ := loadFixture(t)
	for key, want := range map[string]string{
		fixture.Education2023:                 fixture.Education2023,
		fixture.Education2023[:8]:             fixture.Education2023,
		"samples/民政局2023.docx":                fixture.CivilAffairs2023,
		"教育局营养改善计划2023.xlsx":                  fixture.Education2023,
		strings.ToUpper(fixture.Undated[:10]): fixture.Undated,
	} {
		doc, err := d.Find(key)
		if err != nil || doc.Report.DocID != want {
			t.Errorf("Find(%q) = %v, %v; want %s", key, doc, err, want)
		}
	}
	for _, key := range []string{"nothing", "abc", ""} {
		if _, err := d.Find(key); err == nil {
			t.Errorf("Find(%q) found a document", key)
		}
	}
}

// Two rows with one doc_id (which the writer never leaves): the one from the
// file that sorts last wins.
func TestDuplicateDocKeepsLastFile(t *testing.T) {
	dir := t.TempDir()
	if _, err := fixture.Write(dir); err != nil {
		t.Fatal(err)
	}
	files, err := dataset.TableFiles(dir, schema.TableReports)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := parquet.ReadFile[schema.Report](filepath.Join(dir, files[0]))
	if err != nil {
		t.Fatal(err)
	}
	rows[0].Title = "newer extraction"
	if err := parquet.WriteFile(filepath.Join(dir, filepath.Dir(files[0]), "zz-newer.parquet"), rows[:1]); err != nil {
		t.Fatal(err)
	}
	d, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Reports) != 4 {
		t.Errorf("%d reports, want 4", len(d.Reports))
	}
	doc, _ := d.Doc(rows[0].DocID)
	if doc.Report.Title != "newer extraction" {
		t.Errorf("kept %q", doc.Report.Title)
	}
	if _, err := Load(filepath.Join(dir, "missing")); err == nil {
		t.Error("Load of a missing folder succeeded")
	}
}

func TestCheckLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:8080": true, "localhost:0": true, "[::1]:8080": true, "127.1.2.3:80": true,
		":8080": false, "0.0.0.0:8080": false, "192.168.1.5:8080": false, "[::]:80": false,
		"example.com:80": false, "8080": false,
	} {
		if err := CheckLoopback(addr); (err == nil) != ok {
			t.Errorf("CheckLoopback(%q) = %v", addr, err)
		}
	}
}

func get(t *testing.T, h http.Handler, host, path string) (int, []byte) {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.Host = host
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Body)
	return rec.Code, body
}

func TestHandlerFilters(t *testing.T) {
	d, _ := loadFixture(t)
	h := Handler(d)
	for query, want := range map[string][]string{
		"/":                       {fixture.Education2023, fixture.CivilAffairs2022, fixture.CivilAffairs2023, fixture.Undated},
		"/?org=教育":                {fixture.Education2023},
		"/?warnings=yes":          {fixture.Education2023},
		"/?warnings=no&year=2023": {fixture.CivilAffairs2023},
		"/?year=none":             {fixture.Undated},
		"/?kind=department":       {fixture.CivilAffairs2022, fixture.CivilAffairs2023},
		"/?year=1999":             nil,
	} {
		code, body := get(t, h, "127.0.0.1:1", query)
		if code != 200 {
			t.Fatalf("%s: status %d", query, code)
		}
		var got []string
		for _, r := range findAll(t, body, func(tag string, a map[string]string) bool { return tag == "tr" && a["class"] == "doc" }) {
			got = append(got, r.attrs["data-doc"])
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s lists %v, want %v", query, got, want)
		}
	}
	if code, body := get(t, h, "localhost:1", "/doc/"+fixture.Education2023); code != 200 || !bytes.Contains(body, []byte(fixture.RateWarning)) || !bytes.Contains(body, []byte(`href="/"`)) {
		t.Errorf("review page: %d", code)
	}
	if code, _ := get(t, h, "127.0.0.1:1", "/doc/nope"); code != 404 {
		t.Errorf("unknown doc: %d", code)
	}
	if code, _ := get(t, h, "attacker.example:80", "/"); code != 403 {
		t.Errorf("foreign Host header: %d", code)
	}
}

// Every kind the page colours has its style, and the page loads nothing
// from elsewhere.
func TestPageSelfContained(t *testing.T) {
	for _, k := range kinds {
		if !strings.Contains(pageHTML, ".k-"+k+" {") {
			t.Errorf("no style for kind %s", k)
		}
	}
	d, _ := loadFixture(t)
	page := render(t, d, fixture.CivilAffairs2022)
	// Links to the source URL are navigation, not loads; nothing is loaded.
	if m := regexp.MustCompile(`(?i)src="(https?:)?//|<link[^>]+href|@import|url\(`).Find(page); m != nil {
		t.Errorf("page refers to an outside resource: %s", m)
	}
	if err := os.WriteFile(filepath.Join(t.TempDir(), "p.html"), page, 0o644); err != nil {
		t.Fatal(err)
	}
}

// The served page runs only its own script: the policy names the script's
// hash, the hash is that of the one inline script in the page, and no
// 'unsafe-inline' lets any other run.
func TestScriptAllowedByHashOnly(t *testing.T) {
	d, _ := loadFixture(t)
	req := httptest.NewRequest("GET", "/doc/"+fixture.Education2023, nil)
	req.Host = "127.0.0.1:1"
	rec := httptest.NewRecorder()
	Handler(d).ServeHTTP(rec, req)
	csp := rec.Header().Get("Content-Security-Policy")
	var scriptSrc string
	for _, dir := range strings.Split(csp, ";") {
		if f := strings.Fields(dir); len(f) > 0 && f[0] == "script-src" {
			scriptSrc = strings.Join(f[1:], " ")
		}
	}
	scripts := regexp.MustCompile(`(?s)<script>(.*?)</script>`).FindAllSubmatch(rec.Body.Bytes(), -1)
	if len(scripts) != 1 {
		t.Fatalf("%d inline scripts in the page, want 1", len(scripts))
	}
	h := sha256.Sum256(scripts[0][1])
	want := "'sha256-" + base64.StdEncoding.EncodeToString(h[:]) + "'"
	if scriptSrc != want {
		t.Errorf("script-src %q, want exactly %q (CSP %q)", scriptSrc, want, csp)
	}
	for _, d := range []string{"form-action 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, d) {
			t.Errorf("CSP %q lacks %s", csp, d)
		}
	}
}
