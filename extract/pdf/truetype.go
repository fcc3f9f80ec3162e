package pdf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	lpdf "github.com/ledongthuc/pdf"
)

// objKey identifies an indirect object. ledongthuc does not export object
// identity, but zipin needs it twice: to parse each font once per document
// and to stop Form XObjects that draw themselves. Value.ptr is read through
// reflection (reading, not setting, unexported fields is allowed).
type objKey struct{ id, gen uint64 }

func keyOf(v lpdf.Value) (objKey, bool) {
	rv := reflect.ValueOf(v)
	p := rv.FieldByName("ptr")
	if !p.IsValid() || p.Kind() != reflect.Struct || p.NumField() < 2 {
		return objKey{}, false
	}
	id, gen := p.Field(0), p.Field(1)
	if !isUint(id) || !isUint(gen) || id.Uint() == 0 {
		return objKey{}, false
	}
	return objKey{id.Uint(), gen.Uint()}, true
}

func isUint(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

const maxFontBytes = 32 << 20

// cidFontCmap builds a decoder for an Identity-H font without ToUnicode from
// its embedded TrueType program: code = CID → GID through CIDToGIDMap → the
// Unicode the font's own cmap table assigns to that glyph. poppler prints
// nothing for these fonts.
func cidFontCmap(cidFont lpdf.Value) func(string) string {
	ff := cidFont.Key("FontDescriptor").Key("FontFile2")
	if ff.Kind() != lpdf.Stream {
		ff = cidFont.Key("FontDescriptor").Key("FontFile3")
		if ff.Kind() != lpdf.Stream {
			return nil
		}
	}
	prog, err := readStream(ff, maxFontBytes)
	if err != nil || len(prog) == 0 {
		return nil
	}
	g2u := glyphToUnicode(prog)
	if len(g2u) == 0 {
		return nil
	}
	var cid2gid []byte
	if m := cidFont.Key("CIDToGIDMap"); m.Kind() == lpdf.Stream {
		cid2gid, _ = readStream(m, 1<<18)
	}
	return func(code string) string {
		cid := codeInt(code)
		gid := cid
		if cid2gid != nil {
			if 2*cid+1 >= len(cid2gid) {
				return ""
			}
			gid = int(binary.BigEndian.Uint16(cid2gid[2*cid:]))
		}
		if r, ok := g2u[gid]; ok {
			return string(r)
		}
		return ""
	}
}

func readStream(v lpdf.Value, limit int64) (b []byte, err error) {
	b, err = readStreamLib(v, limit)
	var uf unsupportedFilter
	if errors.As(err, &uf) {
		// Filters the library lacks (LZW, RunLength, ASCIIHex).
		if raw, rerr := decodeRaw(v, limit); rerr == nil {
			return raw, nil
		} else if errors.As(rerr, &uf) {
			return nil, uf
		}
	}
	return b, err
}

func readStreamLib(v lpdf.Value, limit int64) (b []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			b, err = nil, io.ErrUnexpectedEOF
			// The library panics "unknown filter X" / "unsupported filter
			// X"; the reason must name it.
			if msg := fmt.Sprint(p); strings.Contains(msg, "filter") {
				err = unsupportedFilter{strings.TrimSpace(msg[strings.Index(msg, "filter")+len("filter"):])}
			}
		}
	}()
	rc := v.Reader()
	defer rc.Close()
	b, err = io.ReadAll(io.LimitReader(rc, limit))
	if len(b) > 0 {
		err = nil
	}
	return b, err
}

// unsupportedFilter is a stream filter the library cannot decode.
type unsupportedFilter struct{ name string }

func (e unsupportedFilter) Error() string { return "unsupported stream filter " + e.name }

// glyphToUnicode inverts an sfnt font's cmap (Unicode subtables, formats 4
// and 12; a symbol (3,0) subtable is used with its 0xF000 offset removed).
// Where several code points share a glyph, a unified ideograph beats a
// radical or compatibility form, then the lowest code point wins.
func glyphToUnicode(font []byte) map[int]rune {
	// In a collection, table offsets count from the start of the file;
	// the first font's directory is used.
	dir := 0
	if len(font) >= 16 && string(font[:4]) == "ttcf" {
		dir = int(binary.BigEndian.Uint32(font[12:]))
	}
	cmap, post := sfntTable(font, dir, "cmap"), sfntTable(font, dir, "post")
	out := postNames(post)
	if len(cmap) < 4 {
		return out
	}
	add := func(r rune, g int) {
		if g == 0 {
			return
		}
		if old, ok := out[g]; !ok || preferRune(r, old) {
			out[g] = r
		}
	}
	nt := int(binary.BigEndian.Uint16(cmap[2:]))
	best, bestRank := -1, 0
	for i := 0; i < nt; i++ {
		rec := 4 + 8*i
		if rec+8 > len(cmap) {
			break
		}
		pid, eid := binary.BigEndian.Uint16(cmap[rec:]), binary.BigEndian.Uint16(cmap[rec+2:])
		off := int(binary.BigEndian.Uint32(cmap[rec+4:]))
		rank := 0
		switch {
		case pid == 3 && eid == 10, pid == 0 && eid >= 4:
			rank = 4
		case pid == 3 && eid == 1, pid == 0:
			rank = 3
		case pid == 3 && eid == 0:
			rank = 1
		}
		if rank > bestRank && off < len(cmap) {
			best, bestRank = off, rank
		}
	}
	if best < 0 {
		return out
	}
	sub := cmap[best:]
	if len(sub) < 4 {
		return out
	}
	symbol := bestRank == 1
	fix := func(r rune) rune {
		if symbol && r >= 0xF000 && r <= 0xF0FF {
			return r - 0xF000
		}
		return r
	}
	switch binary.BigEndian.Uint16(sub) {
	case 4:
		if len(sub) < 14 {
			return out
		}
		segX2 := int(binary.BigEndian.Uint16(sub[6:]))
		ends := 14
		starts := ends + segX2 + 2
		deltas := starts + segX2
		ranges := deltas + segX2
		if ranges+segX2 > len(sub) {
			return out
		}
		for s := 0; s < segX2; s += 2 {
			end := int(binary.BigEndian.Uint16(sub[ends+s:]))
			start := int(binary.BigEndian.Uint16(sub[starts+s:]))
			delta := int(binary.BigEndian.Uint16(sub[deltas+s:]))
			ro := int(binary.BigEndian.Uint16(sub[ranges+s:]))
			for c := start; c <= end && c != 0xFFFF; c++ {
				var g int
				if ro == 0 {
					g = (c + delta) & 0xFFFF
				} else {
					p := ranges + s + ro + 2*(c-start)
					if p+2 > len(sub) {
						break
					}
					g = int(binary.BigEndian.Uint16(sub[p:]))
					if g != 0 {
						g = (g + delta) & 0xFFFF
					}
				}
				add(fix(rune(c)), g)
			}
		}
	case 12:
		if len(sub) < 16 {
			return out
		}
		ng := int(binary.BigEndian.Uint32(sub[12:]))
		for i := 0; i < ng; i++ {
			p := 16 + 12*i
			if p+12 > len(sub) {
				break
			}
			start := rune(binary.BigEndian.Uint32(sub[p:]))
			end := rune(binary.BigEndian.Uint32(sub[p+4:]))
			g := int(binary.BigEndian.Uint32(sub[p+8:]))
			if end-start > 0x10000 || end > 0x10FFFF {
				continue
			}
			for c := start; c <= end; c++ {
				add(c, g+int(c-start))
			}
		}
	case 6:
		if len(sub) < 10 {
			return out
		}
		first := int(binary.BigEndian.Uint16(sub[6:]))
		cnt := int(binary.BigEndian.Uint16(sub[8:]))
		for i := 0; i < cnt && 10+2*i+2 <= len(sub); i++ {
			add(fix(rune(first+i)), int(binary.BigEndian.Uint16(sub[10+2*i:])))
		}
	case 0:
		for c := 0; c < 256 && 6+c < len(sub); c++ {
			add(fix(rune(c)), int(sub[6+c]))
		}
	}
	return out
}

func preferRune(r, old rune) bool {
	odd := func(x rune) bool { return x >= 0x2E80 && x <= 0x2FDF || x >= 0xF900 && x <= 0xFAFF }
	if odd(r) != odd(old) {
		return odd(old)
	}
	return r < old
}

// sfntTable returns a table of an sfnt font by tag, or nil; dir is the
// offset of the font's table directory.
func sfntTable(font []byte, dir int, tag string) []byte {
	if dir < 0 || dir+12 > len(font) {
		return nil
	}
	n := int(binary.BigEndian.Uint16(font[dir+4:]))
	for i := 0; i < n; i++ {
		rec := dir + 12 + 16*i
		if rec+16 > len(font) {
			break
		}
		if string(font[rec:rec+4]) == tag {
			off := int(binary.BigEndian.Uint32(font[rec+8:]))
			ln := int(binary.BigEndian.Uint32(font[rec+12:]))
			if off >= 0 && off < len(font) && ln >= 0 {
				return font[off:min(len(font), off+ln)]
			}
		}
	}
	return nil
}

// postNames reads glyph names of the form uniXXXX / uXXXXX from a format
// 2.0 'post' table: subset fonts that dropped their cmap often keep them.
// The cmap, read after, overrides these.
func postNames(post []byte) map[int]rune {
	out := map[int]rune{}
	if len(post) < 34 || binary.BigEndian.Uint32(post) != 0x00020000 {
		return out
	}
	n := int(binary.BigEndian.Uint16(post[32:]))
	idx := 34
	if idx+2*n > len(post) {
		return out
	}
	// The Pascal strings after the index array are names 258, 259, …
	var names []string
	for p := idx + 2*n; p < len(post) && len(names) < 1<<16; {
		l := int(post[p])
		if p+1+l > len(post) {
			break
		}
		names = append(names, string(post[p+1:p+1+l]))
		p += 1 + l
	}
	for g := 0; g < n; g++ {
		k := int(binary.BigEndian.Uint16(post[idx+2*g:]))
		if k < 258 || k-258 >= len(names) {
			continue
		}
		if r := glyphNameRune(names[k-258]); r != 0 {
			out[g] = r
		}
	}
	return out
}

func glyphNameRune(name string) rune {
	var hex string
	switch {
	case len(name) == 7 && name[:3] == "uni":
		hex = name[3:]
	case len(name) >= 5 && len(name) <= 7 && name[0] == 'u':
		hex = name[1:]
	default:
		return 0
	}
	v, err := strconv.ParseUint(hex, 16, 32)
	if err != nil || v > 0x10FFFF {
		return 0
	}
	return rune(v)
}
