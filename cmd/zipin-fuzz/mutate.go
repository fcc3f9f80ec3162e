package main

import (
	"archive/zip"
	"bytes"
	"io"
	"math/rand/v2"
)

// tokens are the values a mutation writes over a document's bytes: the
// delimiters and numbers its parsers branch on.
var tokens = [][]byte{
	[]byte("<"), []byte(">>"), []byte("0"), []byte("-1"), []byte("99999999999"), []byte(" obj"),
	[]byte("endstream"), []byte("%%EOF"), []byte("\x00"), []byte("\xff\xff\xff\xff"), []byte("<w:t>"),
	[]byte("</row>"), []byte("&#x0;"), []byte("万元"), []byte("\n"), []byte("\x80"),
}

// mutators change a document's bytes in one way each; names go in the report.
var mutators = []struct {
	name string
	f    func(r *rand.Rand, b []byte) []byte
}{
	{"flip", func(r *rand.Rand, b []byte) []byte {
		b = clone(b)
		for n := 1 + r.IntN(8); n > 0 && len(b) > 0; n-- {
			b[r.IntN(len(b))] ^= byte(1 << r.IntN(8))
		}
		return b
	}},
	{"truncate", func(r *rand.Rand, b []byte) []byte {
		if len(b) == 0 {
			return b
		}
		return clone(b[:r.IntN(len(b))])
	}},
	{"insert", func(r *rand.Rand, b []byte) []byte {
		junk := make([]byte, 1+r.IntN(64))
		for i := range junk {
			junk[i] = byte(r.IntN(256))
		}
		at := r.IntN(len(b) + 1)
		return append(append(clone(b[:at]), junk...), b[at:]...)
	}},
	{"delete", func(r *rand.Rand, b []byte) []byte {
		if len(b) < 2 {
			return clone(b)
		}
		i := r.IntN(len(b))
		j := i + 1 + r.IntN(min(len(b)-i, 4096))
		return append(clone(b[:i]), b[j-1:]...)
	}},
	{"duplicate", func(r *rand.Rand, b []byte) []byte {
		if len(b) < 2 {
			return clone(b)
		}
		i := r.IntN(len(b))
		chunk := b[i : i+1+r.IntN(min(len(b)-i, 4096))]
		at := r.IntN(len(b) + 1)
		return append(append(clone(b[:at]), chunk...), b[at:]...)
	}},
	{"token", func(r *rand.Rand, b []byte) []byte {
		t := tokens[r.IntN(len(tokens))]
		at := r.IntN(len(b) + 1)
		if r.IntN(2) == 0 && at+len(t) <= len(b) {
			b = clone(b)
			copy(b[at:], t)
			return b
		}
		return append(append(clone(b[:at]), t...), b[at:]...)
	}},
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }

// mutate applies 1 to 3 mutations. For a ZIP package (DOCX, XLSX) it
// mutates, half of the time, the content of one part and zips it again, so
// the mutation reaches the XML parsers instead of stopping at a checksum.
func mutate(r *rand.Rand, b []byte) (out []byte, how string) {
	if bytes.HasPrefix(b, []byte("PK\x03\x04")) && r.IntN(2) == 0 {
		if out, how, ok := mutateInside(r, b); ok {
			return out, how
		}
	}
	out = b
	for n := 1 + r.IntN(3); n > 0; n-- {
		m := mutators[r.IntN(len(mutators))]
		out = m.f(r, out)
		if how != "" {
			how += "+"
		}
		how += m.name
	}
	return out, how
}

func mutateInside(r *rand.Rand, b []byte) ([]byte, string, bool) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil || len(zr.File) == 0 {
		return nil, "", false
	}
	victim := r.IntN(len(zr.File))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	how := ""
	for i, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, "", false
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, "", false
		}
		if i == victim {
			m := mutators[r.IntN(len(mutators))]
			data = m.f(r, data)
			how = "inside " + f.Name + ": " + m.name
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			return nil, "", false
		}
		w.Write(data)
	}
	if zw.Close() != nil {
		return nil, "", false
	}
	return buf.Bytes(), how, true
}
