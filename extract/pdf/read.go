// Package pdf reads PDF documents into zipin's document model: text lines in
// reading order with positions and font sizes, and tables rebuilt from their
// ruling lines. It decodes the Chinese font set-ups that defeat common
// readers (see font.go) and falls back to OCR for scanned pages (ocr.go).
package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
	"unicode"

	lpdf "github.com/ledongthuc/pdf"

	"zipin/extract/doc"
)

// defaultBudget is the time allowed for a document's text layer when the
// caller's context sets no deadline.
const defaultBudget = 2 * time.Minute

// maxPages bounds the work on one file; budget reports run to a few hundred.
const maxPages = 3000

// Read extracts a PDF. name is unused: errors and warnings leave the path to
// the caller, which adds it once; it keeps the signature of extract.Reader.
func Read(ctx context.Context, name string, data []byte) (d *doc.Document, err error) {
	defer func() {
		// Reading the xref and trailer happens in ledongthuc, which panics on
		// some damage; a document-level panic is a damaged file, not a bug
		// in the caller.
		if p := recover(); p != nil {
			notePanic(p)
			d, err = nil, doc.Fail(doc.ErrDamaged, doc.FormatPDF, 0, "%v", p)
		}
	}()
	r, repaired, err := openRepairing(data)
	if err != nil && strings.Contains(err.Error(), "256-bit encryption") {
		// decrypt.go handles AES-256; should it fail on a variant, qpdf
		// (when installed) is the second chance.
		var plain []byte
		if plain, err = qpdfDecrypt(ctx, data); err == nil {
			data = plain
			r, repaired, err = openRepairing(data)
		}
	}
	if err != nil {
		return nil, err
	}
	// Every document gets a time budget for its text layer, so that no
	// input can keep a run busy forever; OCR has its own per-page limit.
	pctx := ctx
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		pctx, cancel = context.WithTimeout(ctx, defaultBudget)
		defer cancel()
	}
	d = &doc.Document{Format: doc.FormatPDF, Title: r.Trailer().Key("Info").Key("Title").Text()}
	pages, warnings, err := readPages(pctx, r)
	if err != nil {
		return nil, err
	}
	if allEmpty(pages) {
		// No text anywhere because the page content is in a filter the
		// library does not decode: say so rather than read empty pages.
		for _, w := range warnings {
			if i := strings.Index(w, "unsupported stream filter"); i >= 0 {
				return nil, doc.Fail(doc.ErrUnsupported, doc.FormatPDF, 0, "page content uses an %s, which zipin cannot decode", w[i:])
			}
		}
	}
	if repaired != nil && allEmpty(pages) {
		// A rebuilt table that leads to nothing readable is a damaged file,
		// quarantined for its real cause.
		return nil, doc.Fail(doc.ErrDamaged, doc.FormatPDF, 0, "cross-reference table damaged (%s); the objects found by scanning hold no text", repaired.reason)
	}
	if repaired != nil {
		d.Warnings = append(d.Warnings, fmt.Sprintf("cross-reference table damaged (%s); rebuilt by scanning the file for objects", repaired.reason))
	} else if failedToLoad(pages) {
		// A table that looked sound still sent an object lookup to the
		// wrong place: rebuild it and read again, keeping whichever
		// reading lost fewer pages.
		if r2 := openRebuilt(data); r2 != nil {
			if p2, w2, err2 := readPages(pctx, r2); err2 == nil && countFailed(p2) < countFailed(pages) {
				pages, warnings = p2, w2
				d.Warnings = append(d.Warnings, "an object failed to load through the cross-reference table; rebuilt it by scanning the file for objects")
			}
		}
	}
	d.Warnings = append(d.Warnings, warnings...)
	if err := ocrPages(ctx, data, pages, d); err != nil {
		return nil, err
	}
	removeFurniture(pages)
	documentFrames(pages)
	var empty []int
	for _, pd := range pages {
		d.Pages = append(d.Pages, pd.build())
		if pd.method == "empty" && pd.ocrLines == nil {
			empty = append(empty, pd.number)
		}
	}
	if len(empty) > 0 {
		// Nothing is lost silently: a page without text is said, so that a
		// page lost to damage is never mistaken for a blank one.
		d.Warnings = append(d.Warnings, fmt.Sprintf("%s: no text", pageNumbers(empty)))
	}
	mergeContinuedTables(d, pages)
	return d, nil
}

// readPages reads every page's text layer; per-page problems become
// warnings, a spent time budget an error.
func readPages(ctx context.Context, r *lpdf.Reader) ([]*pageData, []string, error) {
	pageVals := pageList(r)
	n := len(pageVals)
	var warnings []string
	fonts := fontCache{}
	var pages []*pageData
	for i := 1; i <= n; i++ {
		if err := ctx.Err(); err != nil {
			return nil, nil, doc.Fail(doc.ErrTimeout, doc.FormatPDF, i, "time budget exhausted (%d pages)", n)
		}
		pd, perr := readPage(ctx, r, pageVals[i-1], i, fonts)
		if perr != nil {
			var be budgetError
			if errors.As(perr, &be) {
				kind := doc.ErrTooLarge // too many content operators
				if ctx.Err() != nil {
					kind = doc.ErrTimeout
				}
				return nil, nil, doc.Fail(kind, doc.FormatPDF, i, "%w", perr)
			}
			warnings = append(warnings, fmt.Sprintf("page %d: %v", i, perr))
		}
		pages = append(pages, pd)
	}
	return pages, warnings, nil
}

// allEmpty: no page shows text or an image.
func allEmpty(pages []*pageData) bool {
	for _, pd := range pages {
		if len(pd.glyphs) > 0 || pd.images > 0 || pd.undecoded > 0 {
			return false
		}
	}
	return true
}

func failedToLoad(pages []*pageData) bool { return countFailed(pages) > 0 }

func countFailed(pages []*pageData) int {
	n := 0
	for _, pd := range pages {
		if pd.failed {
			n++
		}
	}
	return n
}

// pageNumbers says "page 3 has" or "pages 3, 5, 9 have" (the first 20).
func pageNumbers(nums []int) string {
	if len(nums) == 1 {
		return fmt.Sprintf("page %d has", nums[0])
	}
	var b strings.Builder
	for i, n := range nums {
		if i == 20 {
			fmt.Fprintf(&b, " and %d more", len(nums)-20)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(n))
	}
	return "pages " + b.String() + " have"
}

func openReader(data []byte) (*lpdf.Reader, error) {
	r, _, err := openRepairing(data)
	return r, err
}

// openRepairing opens data, rebuilding the xref table when checkXref finds
// it damaged, when the library refuses the file, or when the page tree it
// leads to is empty; repaired says why the table was rebuilt.
func openRepairing(data []byte) (r *lpdf.Reader, repaired *xrefDamage, err error) {
	data = trimToHeader(data)
	if isEncrypted(data) {
		plain, derr := decryptPDF(data)
		switch {
		case errors.Is(derr, errUserPassword):
			return nil, nil, encryptionError(lpdf.ErrInvalidPassword)
		case derr == nil:
			// Decrypting rewrote strings, so offsets moved: the table
			// is always rebuilt for the plain copy.
			if r := openRebuilt(plain); r != nil {
				return r, nil, nil
			}
		}
		// Otherwise the library tries (and qpdf, for AES-256).
	}
	damage := checkXref(data)
	if damage == nil {
		r, err = newReader(data)
		var n int
		if err == nil {
			n, err = countPages(r)
		}
		if err == nil && n > 0 {
			return r, nil, nil
		}
		if err == nil {
			damage = &xrefDamage{reason: "page tree empty"}
		} else if errors.Is(err, lpdf.ErrInvalidPassword) || strings.Contains(err.Error(), "256-bit") {
			return nil, nil, encryptionError(err)
		} else {
			damage = &xrefDamage{reason: err.Error()}
		}
	}
	if r2 := openRebuilt(data); r2 != nil {
		return r2, damage, nil
	}
	switch {
	case len(findObjHeads(data, 1)) == 0:
		return nil, nil, doc.Fail(doc.ErrDamaged, doc.FormatPDF, 0, "not a PDF: no PDF object in the file")
	case err != nil && strings.Contains(err.Error(), "crypt"):
		return nil, nil, encryptionError(err)
	case err != nil && !damage.fatal && damage.reason == err.Error():
		return nil, nil, doc.Fail(doc.ErrDamaged, doc.FormatPDF, 0, "damaged or not a PDF: %v", err)
	case r != nil:
		return nil, nil, doc.Fail(doc.ErrEmpty, doc.FormatPDF, 0, "no pages (page tree damaged or empty, and no page found by scanning the file for objects)")
	}
	return nil, nil, doc.Fail(doc.ErrDamaged, doc.FormatPDF, 0, "cross-reference table damaged (%s), and no page found by scanning the file for objects", damage.reason)
}

// countPages walks the page tree; an object that fails to load on the way
// (the library panics) is an error.
func countPages(r *lpdf.Reader) (n int, err error) {
	defer func() {
		if p := recover(); p != nil {
			notePanic(p)
			n, err = 0, errors.New("an object of the page tree failed to load (the cross-reference table points at the wrong place)")
		}
	}()
	return len(pageList(r)), nil
}

// openRebuilt opens data with a cross-reference table rebuilt by scanning,
// or returns nil when that yields no page.
func openRebuilt(data []byte) *lpdf.Reader {
	fixed := repairXref(trimToHeader(data))
	if fixed == nil {
		return nil
	}
	r, err := newReader(fixed)
	if err != nil {
		return nil
	}
	if n, err := countPages(r); err != nil || n == 0 {
		return nil
	}
	return r
}

func encryptionError(err error) error {
	if errors.Is(err, lpdf.ErrInvalidPassword) {
		return doc.Fail(doc.ErrEncrypted, doc.FormatPDF, 0, "encrypted with a user password; zipin only opens PDFs whose user password is empty")
	}
	return doc.Fail(doc.ErrUnsupported, doc.FormatPDF, 0, "encryption not supported: %v", err)
}

var sizeEntry = regexp.MustCompile(`/Size\s+(\d{1,19})`)

// maxXrefSize bounds the /Size the library may allocate a table for: it
// makes a slice of that many entries before reading any of them.
const maxXrefSize = 8 << 20

// newReader calls the library, which panics on some damage.
func newReader(data []byte) (r *lpdf.Reader, err error) {
	if err := checkXrefSize(data); err != nil {
		return nil, err
	}
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, fmt.Errorf("malformed PDF: %v", p)
		}
	}()
	return lpdf.NewReader(bytes.NewReader(data), int64(len(data)))
}

// pageList walks the page tree. ledongthuc's Reader.Page trusts /Count and
// loops forever on a tree whose Kids lead back to an ancestor; this walk
// visits each node once and stops at maxPages.
func pageList(r *lpdf.Reader) []lpdf.Value {
	var out []lpdf.Value
	seen := map[objKey]bool{}
	var walk func(v lpdf.Value, depth int)
	walk = func(v lpdf.Value, depth int) {
		if depth > 64 || len(out) > maxPages {
			return
		}
		if k, ok := keyOf(v); ok {
			if seen[k] {
				return
			}
			seen[k] = true
		}
		kids := v.Key("Kids")
		if v.Key("Type").Name() == "Pages" || kids.Kind() == lpdf.Array && v.Key("Type").Name() != "Page" {
			for i := 0; i < kids.Len(); i++ {
				walk(kids.Index(i), depth+1)
			}
			return
		}
		if v.Kind() == lpdf.Dict {
			out = append(out, v)
		}
	}
	walk(r.Trailer().Key("Root").Key("Pages"), 0)
	return out
}

// trimToHeader drops junk before %PDF- (extract.Detect accepts it within
// the first KiB); PDF offsets are relative to the header.
func trimToHeader(data []byte) []byte {
	if i := bytes.Index(data[:min(len(data), 1024)], []byte("%PDF-")); i > 0 {
		data = data[i:]
	}
	// The library accepts only "%PDF-1.0"–"%PDF-1.7" followed by an end of
	// line; PDF 2.0 files and headers followed by a space, a NUL or any
	// other byte (poppler and MuPDF read them all) are patched in a copy
	// (same length, so offsets hold).
	if len(data) > 9 && bytes.HasPrefix(data, []byte("%PDF-")) {
		if data[5] != '1' || data[7] < '0' || data[7] > '7' || data[8] != '\n' && data[8] != '\r' {
			fixed := append([]byte(nil), data...)
			if fixed[5] != '1' || fixed[7] < '0' || fixed[7] > '7' {
				copy(fixed[5:8], "1.7")
			}
			if fixed[8] != '\n' && fixed[8] != '\r' {
				fixed[8] = '\n'
			}
			data = fixed
		}
	}
	// The library wants %%EOF at the very end (within 100 bytes); files
	// padded with NULs, followed by an appended page from a download portal
	// or by a %comment a tool wrote after %%EOF end further up.
	if i := bytes.LastIndex(data, []byte("%%EOF")); i >= 0 && len(bytes.TrimSpace(data[i+5:])) > 0 {
		data = data[:i+5]
	}
	return data
}

// pageData is one page between interpretation and layout.
type pageData struct {
	number        int
	width, height float64
	glyphs        []glyph
	segs          []seg
	images        int
	undecoded     int
	method        string
	quality       float64
	ocrLines      []doc.Line
	tables        []*tableRegion
	lines         []*textLine
	docFrame      frame // the text frame of the document's pages of this width
	continues     bool  // the page opens mid-paragraph: the previous page's last paragraph runs on
	failed        bool
}

func readPage(ctx context.Context, r *lpdf.Reader, pv lpdf.Value, num int, fonts fontCache) (pd *pageData, err error) {
	pd = &pageData{number: num, width: 595, height: 842}
	w := &walker{ctx: ctx, fonts: fonts, formsOn: map[objKey]bool{}}
	defer func() {
		if p := recover(); p != nil {
			if be, ok := p.(budgetError); ok {
				err = be
			} else {
				notePanic(p)
				err = fmt.Errorf("content stream damaged, page skipped: %v (%s)", p, firstFrame(debug.Stack()))
			}
			pd.glyphs, pd.segs, pd.failed = w.glyphs, w.segs, true
			pd.finish()
		}
	}()
	p := lpdf.Page{V: pv}
	if p.V.IsNull() {
		pd.failed = true
		return pd, fmt.Errorf("page object missing")
	}
	box := inherited(p.V, "CropBox")
	if box.Len() != 4 {
		box = inherited(p.V, "MediaBox")
	}
	llx, lly, urx, ury := 0.0, 0.0, 595.0, 842.0
	if box.Len() == 4 {
		llx, lly, urx, ury = box.Index(0).Float64(), box.Index(1).Float64(), box.Index(2).Float64(), box.Index(3).Float64()
		if urx < llx {
			llx, urx = urx, llx
		}
		if ury < lly {
			lly, ury = ury, lly
		}
	}
	// The initial transform maps user space to the displayed page with the
	// origin top-left and y down, the coordinates doc.Rect uses.
	var base matrix
	switch ((inheritedInt(p.V, "Rotate") % 360) + 360) % 360 {
	case 90:
		base = matrix{0, 1, 1, 0, -lly, -llx}
		pd.width, pd.height = ury-lly, urx-llx
	case 180:
		base = matrix{-1, 0, 0, 1, urx, -lly}
		pd.width, pd.height = urx-llx, ury-lly
	case 270:
		base = matrix{0, -1, -1, 0, ury, urx}
		pd.width, pd.height = ury-lly, urx-llx
	default:
		base = matrix{1, 0, 0, -1, -llx, ury}
		pd.width, pd.height = urx-llx, ury-lly
	}
	w.run(p.V.Key("Contents"), inherited(p.V, "Resources"), base, 0)
	w.drawWidgets(p.V, r.Trailer().Key("Root").Key("AcroForm").Key("DR"), base)
	pd.glyphs, pd.segs, pd.images, pd.undecoded = w.glyphs, w.segs, w.images, w.undec
	pd.finish()
	return pd, w.err
}

func inheritedInt(v lpdf.Value, key string) int { return int(inherited(v, key).Int64()) }

// checkXrefSize looks at the trailer or xref-stream dictionaries near the
// end of the file and at startxref for an implausible /Size.
func checkXrefSize(data []byte) error {
	regions := [][]byte{data[max(0, len(data)-8192):]}
	if i := bytes.LastIndex(data, []byte("startxref")); i >= 0 {
		f := strings.Fields(string(data[i+9 : min(len(data), i+40)]))
		if len(f) > 0 {
			if off, err := strconv.Atoi(f[0]); err == nil && off >= 0 && off < len(data) {
				regions = append(regions, data[off:min(len(data), off+8192)])
			}
		}
	}
	for _, r := range regions {
		for _, m := range sizeEntry.FindAllSubmatch(r, -1) {
			if n, err := strconv.ParseInt(string(m[1]), 10, 64); err != nil || n > maxXrefSize {
				return fmt.Errorf("malformed PDF: cross-reference /Size %s is implausible", m[1])
			}
		}
	}
	return nil
}

// inherited looks a page attribute up the page tree. ledongthuc's own lookup
// (behind Page.Resources) follows /Parent without a bound and spins forever
// on a page tree with a cycle.
func inherited(v lpdf.Value, key string) lpdf.Value {
	for i := 0; i < 32 && !v.IsNull(); i++ {
		if x := v.Key(key); !x.IsNull() {
			return x
		}
		v = v.Key("Parent")
	}
	return lpdf.Value{}
}

func firstFrame(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	for i, l := range lines {
		if strings.Contains(l, "panic(") && i+3 < len(lines) {
			return strings.TrimSpace(lines[i+2]) + " " + strings.TrimSpace(lines[i+3])
		}
	}
	return ""
}

// finish grades the decoding and lays the page out.
func (pd *pageData) finish() {
	pd.glyphs = dropOverprint(pd.glyphs)
	pd.method, pd.quality = grade(pd.glyphs, pd.undecoded)
	pd.uprightText()
	pd.layout()
}

// uprightText turns the page frame when most text runs down or up the page
// (a landscape page drawn rotated with cm instead of /Rotate), so that
// layout sees horizontal lines. Boxes are then in the turned frame.
func (pd *pageData) uprightText() {
	down, up := 0, 0
	for _, g := range pd.glyphs {
		switch {
		case g.dy > 0.9:
			down++
		case g.dy < -0.9:
			up++
		}
	}
	n := len(pd.glyphs)
	var f func(x, y float64) (float64, float64)
	switch {
	case n == 0:
		return
	case down > 0 && (n-down)*20 > n:
		// Vertical writing (WMode 1) beside horizontal text: the columns
		// are turned into lines below the page, so that they read top to
		// bottom, right to left, after the horizontal text.
		w, h := pd.width, pd.height
		for i := range pd.glyphs {
			g := &pd.glyphs[i]
			if g.dy <= 0.9 {
				continue
			}
			ax, ay := g.y0, h+w-g.x1
			bx, by := g.y1, h+w-g.x0
			g.x0, g.y0, g.x1, g.y1 = ax, ay, bx, by
			g.bx, g.by = g.by, h+w-g.bx
			g.dx, g.dy = 1, 0
		}
		pd.height = h + w
		return
	case down*10 > n*6:
		w := pd.width
		f = func(x, y float64) (float64, float64) { return y, w - x }
	case up*10 > n*6:
		h := pd.height
		f = func(x, y float64) (float64, float64) { return h - y, x }
	default:
		return
	}
	pd.width, pd.height = pd.height, pd.width
	for i := range pd.glyphs {
		g := &pd.glyphs[i]
		ax, ay := f(g.x0, g.y0)
		bx, by := f(g.x1, g.y1)
		g.x0, g.x1 = math.Min(ax, bx), math.Max(ax, bx)
		g.y0, g.y1 = math.Min(ay, by), math.Max(ay, by)
		g.bx, g.by = f(g.bx, g.by)
	}
	for i := range pd.segs {
		s := &pd.segs[i]
		ax, ay := f(s.x0, s.y0)
		bx, by := f(s.x1, s.y1)
		s.x0, s.x1 = math.Min(ax, bx), math.Max(ax, bx)
		s.y0, s.y1 = math.Min(ay, by), math.Max(ay, by)
	}
}

// grade names the tier that decoded most characters on the page and the
// share of decoded characters that are plausible text.
func grade(gs []glyph, undecoded int) (string, float64) {
	count := map[string]int{}
	total, good := undecoded, 0
	collHan, collRare := 0, 0
	for _, g := range gs {
		if g.method == methodCIDColl {
			for _, r := range g.text {
				if unicode.Is(unicode.Han, r) {
					collHan++
					if g.rare {
						collRare++
					}
				}
			}
		}
	}
	// More than a fifth of rare ideographs from a collection table: the
	// codes were not the collection's CIDs (see rareIdeograph), so none of
	// that text counts as decoded.
	collWrong := collRare*5 > collHan
	for _, g := range gs {
		for _, r := range g.text {
			if r == ' ' {
				continue
			}
			total++
			if plausible(r) && !(g.method == methodCIDColl && (collWrong || g.rare)) {
				good++
			}
		}
		count[g.method]++
	}
	best, bn := "", 0
	for _, m := range []string{methodToUnicode, methodCJKCMap, methodGBKWinAns, methodCIDCMap, methodCIDColl, methodSimple} {
		if count[m] > bn {
			best, bn = m, count[m]
		}
	}
	if total == 0 {
		return "empty", 0
	}
	return best, float64(good) / float64(total)
}

// panicHook, when set (by the fuzz test), sees every recovered panic with its
// stack so that panics from zipin's own code fail fuzzing even though Read
// turns them into warnings.
var panicHook func(p any, stack []byte)

func notePanic(p any) {
	if panicHook != nil {
		panicHook(p, debug.Stack())
	}
}

// dropOverprint keeps one of the copies of a glyph drawn several times at
// (nearly) the same place: fake bold (the text again 0.3–1 pt to the
// side), shadows, and CAD exports that draw a title block ten times. As in
// poppler, a copy is the same text whose baseline origin lies within 0.15
// em along and 0.2 em across of one kept already.
func dropOverprint(gs []glyph) []glyph {
	if len(gs) < 2 {
		return gs
	}
	const cell = 4.0 // pt
	type key struct {
		text   string
		cx, cy int
	}
	grid := make(map[key][]int, len(gs))
	out := make([]glyph, 0, len(gs)) // room for all: no copy as it grows
	for _, g := range gs {
		if !finite(g.bx) || !finite(g.by) || !finite(g.size) || math.Abs(g.bx) > 1e7 || math.Abs(g.by) > 1e7 {
			out = append(out, g)
			continue
		}
		// The search covers at most 8 cells each way (32 pt): a 160 pt
		// title's copies are compared within that, not across the page.
		tol := math.Min(math.Max(0.2*g.size, 0.5), 8*cell)
		r := int(math.Ceil(tol / cell))
		cx, cy := int(math.Floor(g.bx/cell)), int(math.Floor(g.by/cell))
		dup := -1
	search:
		for i := cx - r; i <= cx+r; i++ {
			for j := cy - r; j <= cy+r; j++ {
				for _, k := range grid[key{g.text, i, j}] {
					o := &out[k]
					if math.Abs(o.size-g.size) > 0.1*g.size {
						continue
					}
					// Along and across the reading direction.
					ddx, ddy := g.bx-o.bx, g.by-o.by
					along := math.Abs(ddx*o.dx + ddy*o.dy)
					across := math.Abs(-ddx*o.dy + ddy*o.dx)
					if o.dx == 0 && o.dy == 0 {
						along, across = math.Abs(ddx), math.Abs(ddy)
					}
					if along <= math.Min(0.15*g.size, tol) && across <= tol {
						dup = k
						break search
					}
				}
			}
		}
		if dup >= 0 {
			continue
		}
		k := key{g.text, cx, cy}
		grid[k] = append(grid[k], len(out))
		out = append(out, g)
	}
	return out
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
