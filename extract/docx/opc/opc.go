// Package opc opens Office Open XML packages (the zip container of DOCX and
// XLSX) defensively. A package comes from the open web, so it may be a zip
// bomb, a truncated download or a crafted XML file: every limit here is
// checked against the sizes the zip declares and again against the bytes
// actually inflated, and XML with a DTD is refused before any parser sees it.
package opc

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"zipin/extract/doc"
)

// Limits bound what one package may cost to open.
type Limits struct {
	MaxEntries   int   // zip entries in the package
	MaxTotal     int64 // uncompressed bytes over all entries
	MaxPart      int64 // uncompressed bytes of any one part read
	MaxRatio     int64 // uncompressed/compressed ratio above which an entry is a bomb
	RatioMinSize int64 // entries smaller than this are exempt from MaxRatio
}

// DefaultLimits suit budget reports: the largest real ones hold a few MB of
// XML plus images, far below these.
var DefaultLimits = Limits{
	MaxEntries:   5000,
	MaxTotal:     200 << 20,
	MaxPart:      100 << 20,
	MaxRatio:     1000,
	RatioMinSize: 1 << 20,
}

// Package is an opened zip package.
type Package struct {
	kind   string // "DOCX", "XLSX": for messages
	files  map[string]*zip.File
	limits Limits
	read   int64 // bytes inflated so far, over all parts
}

// Open checks the zip directory of data against lim and indexes its entries.
// kind names the format in error messages.
func Open(kind string, data []byte, lim Limits) (*Package, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, doc.Fail(doc.ErrDamaged, format(kind), 0, "zip container: %v", err)
	}
	if len(zr.File) > lim.MaxEntries {
		return nil, doc.Fail(doc.ErrTooLarge, format(kind), 0, "zip has %d entries, more than the limit of %d (zip bomb?)", len(zr.File), lim.MaxEntries)
	}
	p := &Package{kind: kind, files: make(map[string]*zip.File, len(zr.File)), limits: lim}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(lim.MaxTotal) {
			return nil, doc.Fail(doc.ErrTooLarge, format(kind), 0, "entries declare more than %d MB uncompressed (zip bomb?)", lim.MaxTotal>>20)
		}
		if f.UncompressedSize64 > uint64(lim.RatioMinSize) && f.CompressedSize64 > 0 &&
			f.UncompressedSize64/f.CompressedSize64 > uint64(lim.MaxRatio) {
			return nil, doc.Fail(doc.ErrTooLarge, format(kind), 0, "entry %s inflates %d times (zip bomb?)", f.Name, f.UncompressedSize64/f.CompressedSize64)
		}
		// Part names are case-insensitive (ECMA-376 part 2); some producers
		// write "Word/Document.xml" or a leading slash.
		name := strings.ToLower(strings.TrimPrefix(f.Name, "/"))
		if _, dup := p.files[name]; !dup {
			p.files[name] = f
		}
	}
	return p, nil
}

// Has reports whether the package holds the named part.
func (p *Package) Has(name string) bool {
	_, ok := p.files[strings.ToLower(name)]
	return ok
}

// ErrMissing is wrapped by Read for a part the package lacks.
var ErrMissing = errors.New("part missing")

// Read inflates one part, counting the bytes actually produced against the
// part and package limits (a zip may lie about sizes), and refuses XML that
// declares a DTD: entity expansion ("billion laughs") has no place in OOXML.
func (p *Package) Read(name string) ([]byte, error) {
	f, ok := p.files[strings.ToLower(name)]
	if !ok {
		return nil, fmt.Errorf("%s: %s: %w", p.kind, name, ErrMissing)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, doc.Fail(doc.ErrDamaged, format(p.kind), 0, "entry %s: %v", name, err)
	}
	defer rc.Close()
	limit := min(p.limits.MaxPart, p.limits.MaxTotal-p.read)
	var buf bytes.Buffer
	if f.UncompressedSize64 < uint64(limit) {
		buf.Grow(int(f.UncompressedSize64))
	}
	n, err := io.Copy(&buf, io.LimitReader(rc, limit+1))
	p.read += n
	if n > limit {
		return nil, doc.Fail(doc.ErrTooLarge, format(p.kind), 0, "entry %s inflates past the %d MB limit (zip bomb?)", name, limit>>20)
	}
	if errors.Is(err, zip.ErrFormat) {
		// archive/zip stops an entry that inflates past its declared size.
		return nil, doc.Fail(doc.ErrDamaged, format(p.kind), 0, "entry %s inflates past the size the zip directory declares (zip bomb or damaged file)", name)
	}
	if err != nil {
		return nil, doc.Fail(doc.ErrDamaged, format(p.kind), 0, "entry %s: data: %v", name, err)
	}
	b := buf.Bytes()
	if strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
		if err := CheckXML(b); err != nil {
			return nil, doc.Fail(doc.ErrDamaged, format(p.kind), 0, "entry %s: %v", name, err)
		}
	}
	return b, nil
}

// CheckXML refuses XML that carries a document type declaration or entity
// declarations. encoding/xml would not expand them, but a package that
// declares them is crafted, and its text would come out wrong.
func CheckXML(b []byte) error {
	head := b[:min(len(b), 4096)]
	if bytes.Contains(head, []byte("<!DOCTYPE")) || bytes.Contains(b, []byte("<!ENTITY")) {
		return errors.New("XML declares a DTD or entities, which Office packages never do (entity expansion refused)")
	}
	return nil
}

// Rels reads the relationships part for the given part ("word/document.xml"
// → "word/_rels/document.xml.rels") and returns Id → resolved target part name.
// External targets are returned as written.
func (p *Package) Rels(part string) (map[string]string, error) {
	dir, file := path.Split(part)
	b, err := p.Read(dir + "_rels/" + file + ".rels")
	if err != nil {
		if errors.Is(err, ErrMissing) {
			return map[string]string{}, nil
		}
		return nil, err
	}
	var x struct {
		Rels []struct {
			ID         string `xml:"Id,attr"`
			Target     string `xml:"Target,attr"`
			TargetMode string `xml:"TargetMode,attr"`
		} `xml:"Relationship"`
	}
	if err := Unmarshal(b, &x); err != nil {
		return nil, doc.Fail(doc.ErrDamaged, format(p.kind), 0, "relationships of %s: %v", part, err)
	}
	m := make(map[string]string, len(x.Rels))
	for _, r := range x.Rels {
		t := r.Target
		if r.TargetMode != "External" {
			if strings.HasPrefix(t, "/") {
				t = strings.TrimPrefix(t, "/")
			} else {
				t = path.Join(dir, t)
			}
			t = strings.ToLower(t)
		}
		m[r.ID] = t
	}
	return m, nil
}

// format is the doc.Format of a package kind ("DOCX" → docx).
func format(kind string) doc.Format { return doc.Format(strings.ToLower(kind)) }
