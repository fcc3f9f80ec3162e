package selfeval

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zipin/internal/testenv"
)

// renderings of testdata/src/selfeval-table.html, the canonical 自评表, made by
// the other readers' fixture generators (testdata/pdf/gen.sh,
// testdata/office/gen.sh).
var renderings = []string{
	"src/selfeval-table.html",
	"office/selfeval-gbk.html",
	"office/selfeval-lo.docx",
	"office/selfeval-wps.docx",
	"office/selfeval.xlsx",
	"office/selfeval.doc",
	"office/selfeval.xls",
	"pdf/table-chromium.pdf",
	"pdf/table-libreoffice.pdf",
	"pdf/table-cairo.pdf",
	"pdf/table-gs.pdf",
	"pdf/table-xobject.pdf",
	"pdf/table-objstm.pdf",
	"pdf/enc-empty-user.pdf",
	"pdf/enc256-empty-user.pdf",
}

// TestSameTableEveryFormat: every rendering of the canonical form gives the
// same projects and indicators rows as its HTML source, and those rows are
// the form's content.
func TestSameTableEveryFormat(t *testing.T) {
	ref := Extract(readDoc(t, "../testdata/src/selfeval-table.html"))
	checkCanonical(t, ref)
	want := rowsJSON(ref)
	for _, f := range renderings[1:] {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel() // .doc and .xls go through LibreOffice, each in its own profile
			path := filepath.Join("../testdata", f)
			if strings.HasSuffix(f, ".doc") || strings.HasSuffix(f, ".xls") {
				testenv.Slow(t, "a LibreOffice conversion per file; extract/legacy's tests convert once each")
			}
			if _, err := os.Stat(path); err != nil {
				t.Skipf("%s not in testdata yet", f)
			}
			res := Extract(readDoc(t, path))
			if got := rowsJSON(res); got != want {
				t.Errorf("%s differs from the HTML source:\n got %s\nwant %s", f, got, want)
			}
		})
	}
}

func rowsJSON(r *Result) string {
	b, _ := json.Marshal(struct {
		P any
		I any
	}{r.Projects, r.Indicators})
	s := string(b)
	// The page a table starts on is the one thing a rendering may change.
	return strings.ReplaceAll(s, `"Page":1,`, "")
}
