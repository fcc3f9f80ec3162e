package main

// The -queue mode's default corpus, "reports": multi-page report PDFs of
// the shape issue 16 measured on (100 PDFs, 2,700 pages, ~27 pages each,
// like real 绩效自评报告), printed by the producers real reports come from:
// headless Chromium (TrueType CID fonts, running header and page numbers
// from @page margin boxes) and LibreOffice Writer (its PDF export, as from
// Word-like editors). The content is the repository's own: the prose of
// makeText's text fixtures and the report and 自评表 pages of
// testdata/src and testdata/selfeval (budget tables in 万元, indicator
// tables, rates), each copy's amounts varied as makeText varies them.
//
// Rendering takes minutes, so the PDFs are cached (see reportCorpus); no
// figure includes it.

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// reportSpec is what a reports corpus is made from; the same spec and the
// same fixtures give the same HTML, and so the same cache entry.
type reportSpec struct {
	docs               int
	minPages, maxPages int    // each document's target length, uniform in [min, max]
	seed               uint64 // of the lengths and of the pages' order
}

// reportCorpus is a rendered reports corpus: dir holds only its PDFs (it is
// the import's input as it stands).
type reportCorpus struct {
	dir        string
	docs       int
	pages      int // as pdfinfo counts them
	byProducer map[string]int
	cached     bool
}

// reportGen is the generator's version in the cache key: bump it when the
// HTML below changes in a way the fixtures' hash does not show.
const reportGen = "2"

// pageBreak starts every section on a new page, so a document's length
// follows its number of sections (a section longer than a page adds pages;
// the corpus's page count is pdfinfo's, not the target).
const reportCSS = `@page { size: A4; margin: 25mm 22mm;
  @top-center { content: "%s"; font-size: 9pt; }
  @bottom-center { content: "- " counter(page) " -"; font-size: 9pt; } }
body { font-size: 12pt; line-height: 1.5; }
h1 { font-size: 18pt; text-align: center; }
h2 { font-size: 14pt; }
h3 { font-size: 12pt; font-weight: bold; }
p { text-indent: 2em; margin: 0.3em 0; }
table { border-collapse: collapse; width: 100%%; font-size: 9pt; line-height: 1.25; }
td, th { border: 1px solid #000; padding: 2px 4px; }
section + section { break-before: page; page-break-before: always; }
`

var (
	bodyRe    = regexp.MustCompile(`(?is)<body[^>]*>(.*)</body>`)
	commentRe = regexp.MustCompile(`(?s)<!--.*?-->`)
	h1Re      = regexp.MustCompile(`(?i)<(/?)h1\b`)
	headingRe = regexp.MustCompile(`^[一二三四五六七八九十]+、`)
	subheadRe = regexp.MustCompile(`^[（(][一二三四五六七八九十]+[）)]`)
	titleRe   = regexp.MustCompile(`(报告|自评表|总结)$`)
	textNodes = regexp.MustCompile(`>[^<]+<`)
)

// proseGlobs are the text fixtures that are a report's prose; the rest of
// makeText's (testdata/selfeval's) are 自评表 forms flattened to lines,
// which a printed report holds as the tables of testdata/selfeval/*.html.
var proseGlobs = []string{"samples/*.txt", "testdata/text/*.txt", "testdata/text/varied/*-report.txt", "testdata/text/varied/*-project.txt"}

// reportSections lists the pages a report is made of, each an HTML
// fragment: every report and 自评表 page of testdata/src and
// testdata/selfeval (their body, titles demoted to h2), and every prose
// text fixture (proseGlobs), set as a portal's page would set it
// (scripts/render-formats.sh's rules: 一、 lines are h2, （一） lines h3).
func reportSections(root string) ([]string, error) {
	var out []string
	for _, pat := range []string{"testdata/src/*.html", "testdata/selfeval/*.html"} {
		m, _ := filepath.Glob(filepath.Join(root, pat))
		for _, p := range m {
			b, err := os.ReadFile(p)
			if err != nil {
				return nil, err
			}
			g := bodyRe.FindSubmatch(b)
			if g == nil {
				continue
			}
			body := commentRe.ReplaceAllString(string(g[1]), "")
			out = append(out, h1Re.ReplaceAllString(body, "<${1}h2"))
		}
	}
	texts, err := textBases(root, proseGlobs)
	if err != nil {
		return nil, err
	}
	for _, t := range texts {
		var sb strings.Builder
		for i, l := range strings.Split(t, "\n") {
			s := strings.TrimSpace(l)
			if s == "" {
				continue
			}
			e := html.EscapeString(s)
			switch {
			case i < 8 && utf8.RuneCountInString(s) < 60 && titleRe.MatchString(s),
				headingRe.MatchString(s) && utf8.RuneCountInString(s) < 40:
				fmt.Fprintf(&sb, "<h2>%s</h2>\n", e)
			case subheadRe.MatchString(s) && utf8.RuneCountInString(s) < 40:
				fmt.Fprintf(&sb, "<h3>%s</h3>\n", e)
			default:
				fmt.Fprintf(&sb, "<p>%s</p>\n", e)
			}
		}
		out = append(out, sb.String())
	}
	sort.Strings(out)
	if len(out) == 0 {
		return nil, fmt.Errorf("no report pages under %s/testdata", root)
	}
	return out, nil
}

// reportTitles are the documents' own titles (fictional units, as the
// fixtures' are), one per document in turn.
var reportTitles = []string{
	"青溪县农业农村局2023年度部门整体支出绩效自评报告",
	"江宁县民政局2023年度部门整体支出绩效自评报告",
	"青溪县交通运输局2023年度项目支出绩效自评报告",
	"闽清县自然资源局2022年度部门整体支出绩效自评报告",
	"青川县教育局2023年度部门整体支出绩效自评报告",
	"青溪县卫生健康局2023年度项目支出绩效自评报告",
}

// sectionPages estimates how many pages a section prints on: the long
// forms and the long paragraph (over 4,000 bytes of HTML) take two in
// Chromium, the rest one (LibreOffice prints some documents a few pages
// shorter: it fits some long forms on one page and drops a few breaks).
// Only the documents' lengths depend on it; the corpus's page count is
// pdfinfo's.
func sectionPages(s string) int {
	if len(s) > 4000 {
		return 2
	}
	return 1
}

// reportHTML is document d: a title, then sections drawn from sections
// with rng until they fill about n pages (sectionPages), amounts varied per
// document and section (varyAmounts, as makeText does) so that no two
// documents share facts.
func reportHTML(sections []string, d, n int, rng *rand.Rand) string {
	title := reportTitles[d%len(reportTitles)]
	var sb strings.Builder
	fmt.Fprintf(&sb, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>%s</title>\n<style>\n", title)
	fmt.Fprintf(&sb, reportCSS, strings.TrimSuffix(title, "报告"))
	sb.WriteString("</style></head><body>\n")
	for p, filled := 0, 0; filled < n; p++ {
		sec := sections[rng.IntN(len(sections))]
		filled += sectionPages(sec)
		sb.WriteString("<section>\n")
		if p == 0 {
			fmt.Fprintf(&sb, "<h1>%s</h1>\n", title)
		}
		k := d*7 + p*3
		sb.WriteString(textNodes.ReplaceAllStringFunc(sec, func(s string) string {
			return varyAmounts(s, k)
		}))
		fmt.Fprintf(&sb, "<p>（基准测试副本 %d，第 %d 节）</p>\n</section>\n", d, p+1)
	}
	sb.WriteString("</body></html>\n")
	return sb.String()
}

// reportCorpusDir renders spec's corpus into a cache folder under cacheDir,
// or finds it there from an earlier run: the folder's name is a hash of the
// spec, the generator's version and every section's text, and it appears
// (by a rename) only once all its PDFs are written, so an interrupted
// render is redone, never used.
func reportCorpusDir(root, cacheDir string, spec reportSpec) (*reportCorpus, error) {
	sections, err := reportSections(root)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s %d %d %d %d\n", reportGen, spec.docs, spec.minPages, spec.maxPages, spec.seed)
	for _, s := range sections {
		fmt.Fprintf(h, "%d\n%s", len(s), s)
	}
	key := hex.EncodeToString(h.Sum(nil))[:16]
	dir := filepath.Join(cacheDir, fmt.Sprintf("reports-%d-seed%d-%s", spec.docs, spec.seed, key))
	c := &reportCorpus{dir: dir, byProducer: map[string]int{}}
	if _, err := os.Stat(dir); err == nil {
		c.cached = true
		return c, c.count()
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(cacheDir, "render-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	pdfs := filepath.Join(tmp, "pdf")
	if err := os.Mkdir(pdfs, 0o755); err != nil {
		return nil, err
	}
	// WenQuanYi Micro Hei only, as the PDF fixtures are rendered
	// (scripts/lib/fonts.sh says why).
	if out, err := exec.Command("sh", "-c", `. "$1" && fonts_conf "$2"`, "sh",
		filepath.Join(root, "scripts/lib/fonts.sh"), tmp).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("fonts_conf: %v: %s", err, out)
	}
	rng := rand.New(rand.NewPCG(spec.seed, 0x7a6970696e))
	var chrome, office []string // HTML files for each producer
	for d := 0; d < spec.docs; d++ {
		n := spec.minPages + rng.IntN(spec.maxPages-spec.minPages+1)
		name := fmt.Sprintf("report-%03d-%02dp", d, n)
		src := filepath.Join(tmp, name+".html")
		page := reportHTML(sections, d, n, rng)
		if d%2 == 1 {
			// LibreOffice's HTML import ignores CSS cell borders; the
			// border attribute gives the same ruled table (testdata/pdf/gen.sh).
			page = strings.ReplaceAll(page, "<table>", `<table border="1" cellspacing="0" cellpadding="2">`)
			office = append(office, src)
		} else {
			chrome = append(chrome, src)
		}
		if err := os.WriteFile(src, []byte(page), 0o644); err != nil {
			return nil, err
		}
	}
	fmt.Printf("rendering %d report PDFs (seed %d, %d–%d pages) into %s …\n", spec.docs, spec.seed, spec.minPages, spec.maxPages, dir)
	env := append(os.Environ(), "FONTCONFIG_FILE="+filepath.Join(tmp, "fonts.conf"))
	// Chromium: one browser per document, two at a time, each with its own
	// profile (a profile is locked by the browser using it).
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(chrome); i += 2 {
				src := chrome[i]
				out := filepath.Join(pdfs, strings.TrimSuffix(filepath.Base(src), ".html")+"-chromium.pdf")
				cmd := exec.Command("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
					"--disable-component-update", "--no-first-run", "--user-data-dir="+filepath.Join(tmp, fmt.Sprintf("profile-%d", w)),
					"--no-pdf-header-footer", "--print-to-pdf="+out, "file://"+src)
				cmd.Env = env
				if b, err := cmd.CombinedOutput(); err != nil || pdfPages(out) == 0 {
					errs[w] = fmt.Errorf("chromium %s: %v: %s", src, err, tailOf(string(b)))
					return
				}
			}
		}(w)
	}
	// LibreOffice: one process for all its documents.
	var officeErr error
	if len(office) > 0 {
		args := append([]string{"--headless", "-env:UserInstallation=file://" + filepath.Join(tmp, "lo"),
			"--infilter=HTML (StarWriter)", "--convert-to", "pdf:writer_pdf_Export", "--outdir", filepath.Join(tmp, "lo-out")}, office...)
		cmd := exec.Command("soffice", args...)
		cmd.Env = env
		if b, err := cmd.CombinedOutput(); err != nil {
			officeErr = fmt.Errorf("soffice: %v: %s", err, tailOf(string(b)))
		}
	}
	wg.Wait()
	if err := errors.Join(append(errs, officeErr)...); err != nil {
		return nil, fmt.Errorf("rendering the reports corpus (chromium and LibreOffice are needed; -corpus small needs neither): %w", err)
	}
	for _, src := range office {
		base := strings.TrimSuffix(filepath.Base(src), ".html")
		from := filepath.Join(tmp, "lo-out", base+".pdf")
		if pdfPages(from) == 0 {
			return nil, fmt.Errorf("soffice wrote no readable PDF for %s", src)
		}
		if err := os.Rename(from, filepath.Join(pdfs, base+"-libreoffice.pdf")); err != nil {
			return nil, err
		}
	}
	if err := os.Rename(pdfs, dir); err != nil {
		return nil, err
	}
	return c, c.count()
}

// count fills in the corpus's documents, pages and producers from its files.
func (c *reportCorpus) count() error {
	m, err := filepath.Glob(filepath.Join(c.dir, "*.pdf"))
	if err != nil {
		return err
	}
	for _, p := range m {
		n := pdfPages(p)
		if n == 0 {
			return fmt.Errorf("%s: pdfinfo reads no pages (remove %s to render again)", p, c.dir)
		}
		c.docs++
		c.pages += n
		c.byProducer[strings.TrimSuffix(p[strings.LastIndexByte(p, '-')+1:], ".pdf")]++
	}
	if c.docs == 0 {
		return fmt.Errorf("%s holds no PDFs (remove it to render again)", c.dir)
	}
	return nil
}
