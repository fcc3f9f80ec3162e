package review

import (
	"database/sql"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zipin/harvest"
)

// A harvested document's page names where it came from: the source URL as
// a link, the detail page, the publication date, the harvest time and
// doc_id, and links to the original, which the server sends.
func TestProvenance(t *testing.T) {
	dir := t.TempDir()
	b := longDoc(t, 7)
	orig := filepath.Join(dir, "originals", "report.pdf")
	if err := os.MkdirAll(filepath.Dir(orig), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(orig, []byte("%PDF-1.4 invented\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b.Reports[0].Source = orig
	writeBatch(t, dir, b)
	s, err := harvest.OpenStore(dir, filepath.Join(dir, "originals"))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", filepath.Join(dir, harvest.CatalogFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO harvest_originals (sha256, path, bytes, url, final_url, referrer, source, http_status, headers, fetched_at, title, published, detail_url)
		VALUES (?, ?, 18, ?, ?, '', 'county', 200, '{}', '2026-11-02T08:30:00Z', ?, '2024-03-15', ?)`,
		longDocID, orig, "https://www.example.gov.cn/zwgk/2024/report.pdf", "https://www.example.gov.cn/zwgk/2024/report.pdf",
		"某县水利局2023年度项目支出绩效自评报告", "https://www.example.gov.cn/zwgk/2024/detail_88.html"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	d, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	page := render(t, d, longDocID)
	want := map[string]string{ // class → text
		"source-url": "https://www.example.gov.cn/zwgk/2024/report.pdf",
		"detail-url": "detail page",
		"published":  "2024-03-15",
		"fetched":    "2026-11-02T08:30:00Z",
		"doc-id":     longDocID,
		"original":   orig,
	}
	for _, e := range findAll(t, page, func(_ string, a map[string]string) bool { return want[a["class"]] != "" }) {
		c := e.attrs["class"]
		if e.text != want[c] {
			t.Errorf("%s shows %q, want %q", c, e.text, want[c])
		}
		switch c {
		case "source-url":
			if e.attrs["href"] != want[c] {
				t.Errorf("source URL links to %q", e.attrs["href"])
			}
		case "original":
			if !strings.HasPrefix(e.attrs["href"], "file:///") || !strings.HasSuffix(e.attrs["href"], "/originals/report.pdf") {
				t.Errorf("original links to %q", e.attrs["href"])
			}
		}
		delete(want, c)
	}
	for c := range want {
		t.Errorf("no %s on the page", c)
	}

	// The list names the source URL and the publication date, not the path.
	req := httptest.NewRequest("GET", "/", nil)
	req.Host = "127.0.0.1:1"
	rec := httptest.NewRecorder()
	Handler(d).ServeHTTP(rec, req)
	list := rec.Body.Bytes()
	for _, e := range findAll(t, list, func(_ string, a map[string]string) bool {
		return a["class"] == "source-url" || a["class"] == "published"
	}) {
		if want := map[string]string{"source-url": "https://www.example.gov.cn/zwgk/2024/report.pdf", "published": "2024-03-15"}[e.attrs["class"]]; e.text != want {
			t.Errorf("list: %s shows %q, want %q", e.attrs["class"], e.text, want)
		}
	}
	if strings.Contains(string(list), orig) || !strings.Contains(string(list), "2024-03-15") {
		t.Errorf("the list shows the local path, or no date")
	}

	// Served, the original is a route of the server, and a PDF opens inline.
	req = httptest.NewRequest("GET", "/doc/"+longDocID+"/original", nil)
	req.Host = "127.0.0.1:1"
	rec = httptest.NewRecorder()
	Handler(d).ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || rec.Body.String() != "%PDF-1.4 invented\n" || !strings.HasPrefix(rec.Header().Get("Content-Disposition"), "inline") {
		t.Errorf("original: %d %q %q", rec.Code, rec.Header().Get("Content-Disposition"), rec.Body.String())
	}
}
