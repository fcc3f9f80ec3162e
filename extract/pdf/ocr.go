package pdf

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode"

	"zipin/extract/doc"
)

// ocrInstall is what an operator must install for scanned pages.
const ocrInstall = "install tesseract with Chinese data and poppler (Debian: apt-get install tesseract-ocr tesseract-ocr-chi-sim poppler-utils)"

const ocrPageTimeout = 90 * time.Second

// needsOCR: the page shows something (an image, or glyphs no tier could
// decode) but has no usable text layer.
func (pd *pageData) needsOCR() bool {
	text := 0
	for _, g := range pd.glyphs {
		if strings.TrimSpace(g.text) != "" {
			text++
		}
	}
	if text >= 5 && pd.quality >= 0.5 {
		return false
	}
	return pd.images > 0 || pd.undecoded > 0 || text > 0 && pd.quality < 0.5
}

// ocrTools reports whether OCR can run, checked once per PATH (tests
// change PATH to exercise the missing-tools path).
func ocrTools() error {
	path := os.Getenv("PATH")
	ocrMu.Lock()
	defer ocrMu.Unlock()
	if err, ok := ocrChecked[path]; ok {
		return err
	}
	err := checkOCRTools()
	ocrChecked[path] = err
	return err
}

var (
	ocrMu      sync.Mutex
	ocrChecked = map[string]error{}
)

func checkOCRTools() error {
	for _, t := range []string{"tesseract", "pdftoppm"} {
		if _, err := exec.LookPath(t); err != nil {
			return fmt.Errorf("%s not found", t)
		}
	}
	out, err := exec.Command("tesseract", "--list-langs").CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("chi_sim")) {
		return fmt.Errorf("tesseract has no chi_sim language data")
	}
	return nil
}

// ocrPages runs OCR on pages without a usable text layer. Without the tools,
// a document that has no usable page at all is quarantined with the install
// hint; one with only some scanned pages (a stamped signature page) keeps
// its text and gets a warning per page.
func ocrPages(ctx context.Context, data []byte, pages []*pageData, d *doc.Document) error {
	var need []*pageData
	usable := 0
	for _, pd := range pages {
		if pd.needsOCR() {
			need = append(need, pd)
		} else if len(pd.glyphs) > 0 {
			usable++
		}
	}
	if len(need) == 0 {
		return nil
	}
	if err := ocrTools(); err != nil {
		if usable == 0 {
			return doc.Fail(doc.ErrToolMissing, doc.FormatPDF, 0, "scanned, without a text layer (%d pages), OCR unavailable (%v): %s", len(need), err, ocrInstall)
		}
		for _, pd := range need {
			d.Warnings = append(d.Warnings, fmt.Sprintf("page %d has no usable text layer and OCR is unavailable (%v): %s", pd.number, err, ocrInstall))
		}
		return nil
	}
	dir, err := os.MkdirTemp("", "zipin-ocr-")
	if err != nil {
		return fmt.Errorf("OCR temp dir: %w", err)
	}
	defer os.RemoveAll(dir)
	src := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(src, data, 0o600); err != nil {
		return fmt.Errorf("OCR temp file: %w", err)
	}
	han := expectHan(pages)
	for _, pd := range need {
		if err := ctx.Err(); err != nil {
			return doc.Fail(doc.ErrTimeout, doc.FormatPDF, pd.number, "time budget exhausted during OCR")
		}
		text, err := ocrPage(ctx, src, dir, pd.number)
		if err != nil {
			d.Warnings = append(d.Warnings, fmt.Sprintf("page %d: OCR failed: %v", pd.number, err))
			continue
		}
		pd.ocrLines = nil
		var all strings.Builder
		for _, l := range strings.Split(text, "\n") {
			l = joinOCRNumbers(joinOCRSpaces(strings.TrimSpace(l)))
			if l == "" {
				continue
			}
			pd.ocrLines = append(pd.ocrLines, doc.Line{Text: l})
			all.WriteString(l)
		}
		if pd.ocrLines == nil {
			pd.ocrLines = []doc.Line{}
		}
		pd.method = methodOCR
		// OCR text is never as sure as a text layer: cap below 1.
		pd.quality = 0.9 * scriptQuality(all.String(), han)
		d.Warnings = append(d.Warnings, fmt.Sprintf("page %d read by OCR (quality %.2f)", pd.number, pd.quality))
	}
	return nil
}

// expectHan says whether the document's pages should be Chinese: the text
// layer of the other pages decides; with none (a scan), zipin's reports are.
func expectHan(pages []*pageData) bool {
	han, latin := 0, 0
	for _, pd := range pages {
		if pd.needsOCR() {
			continue
		}
		for _, g := range pd.glyphs {
			for _, r := range g.text {
				switch {
				case unicode.Is(unicode.Han, r):
					han++
				case r < 0x80 && unicode.IsLetter(r):
					latin++
				}
			}
		}
	}
	return han > 0 || latin == 0
}

// scriptQuality is the share of characters that are plausible for the
// script the page should have. OCR run on a Chinese page it cannot read
// turns ideographs into Latin junk ("BRE Vy DEP MIS"), which plausible()
// alone scores as clean ASCII; so on a Chinese page Latin letters count as
// good only up to half the Han characters (acronyms such as PPP,
// GDP in a report), the rest as junk.
func scriptQuality(s string, han bool) float64 {
	good, total, hanN, latin := 0, 0, 0, 0
	for _, r := range s {
		if r == ' ' {
			continue
		}
		total++
		switch {
		case !plausible(r):
		case r < 0x80 && unicode.IsLetter(r):
			latin++
		default:
			good++
			if unicode.Is(unicode.Han, r) {
				hanN++
			}
		}
	}
	if total == 0 {
		return 0
	}
	if han {
		latin = min(latin, hanN/2)
	}
	return float64(good+latin) / float64(total)
}

// ocrNumberGap: tesseract splits decimals and percentages at the point or
// sign ("412. 60", "412 .60", "86 %"); the amount must be one token before
// facts read it, or 412.60万元 becomes 60万元.
var ocrNumberGap = regexp.MustCompile(`(\d)(?:([.．,]) (\d)| ([.．]\d)| ([%％]))`)

// joinOCRNumbers removes those spaces.
func joinOCRNumbers(s string) string {
	// Matches do not overlap: "96. 5 %" needs a second pass for the %.
	for i := 0; i < 3; i++ {
		t := ocrNumberGap.ReplaceAllString(s, "$1$2$3$4$5")
		if t == s {
			break
		}
		s = t
	}
	return s
}

func ocrPage(ctx context.Context, src, dir string, page int) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, ocrPageTimeout)
	defer cancel()
	prefix := filepath.Join(dir, fmt.Sprintf("p%d", page))
	n := fmt.Sprint(page)
	if out, err := exec.CommandContext(ctx, "pdftoppm", "-r", "200", "-gray", "-png", "-singlefile", "-f", n, "-l", n, src, prefix).CombinedOutput(); err != nil {
		return "", fmt.Errorf("pdftoppm: %v: %s", err, bytes.TrimSpace(out))
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "tesseract", prefix+".png", "stdout", "-l", "chi_sim+eng")
	// One thread: the pipeline runs documents in parallel already, and
	// OpenMP threads fighting over the same cores make tesseract slower.
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("tesseract: %v: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	return string(out), nil
}

// joinOCRSpaces removes the spaces tesseract puts between CJK characters.
func joinOCRSpaces(s string) string {
	r := []rune(s)
	var b strings.Builder
	for i, c := range r {
		if c == ' ' && i > 0 && i+1 < len(r) && (isWide(r[i-1]) || isWide(r[i+1])) {
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}
