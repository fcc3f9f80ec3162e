package pdf

import (
	"bytes"
	"compress/zlib"
	"encoding/ascii85"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"reflect"
	"unsafe"

	lpdf "github.com/ledongthuc/pdf"
)

// The library decodes FlateDecode and ASCII85Decode only; a page whose
// content is LZW (Acrobat before 5), RunLength or ASCIIHex came out empty.
// decodeRaw reads such a stream's bytes as stored and runs the filter
// chain itself (PDF 32000-1 §7.4).

// rawStream returns a stream's bytes as stored in the file. The library
// exports neither the stream's offset nor its reader, so they are read
// through reflection (as keyOf reads object identity). A file the library
// decrypts itself is not handled: its stored bytes are ciphertext.
func rawStream(v lpdf.Value, limit int64) (b []byte, ok bool) {
	defer func() {
		if recover() != nil {
			b, ok = nil, false
		}
	}()
	rv := reflect.ValueOf(&v).Elem()
	data := rv.FieldByName("data")
	if data.Kind() != reflect.Interface || data.IsNil() {
		return nil, false
	}
	st := data.Elem()
	if st.Kind() != reflect.Struct {
		return nil, false
	}
	off := st.FieldByName("offset")
	r := rv.FieldByName("r")
	if off.Kind() != reflect.Int64 || r.Kind() != reflect.Pointer || r.IsNil() {
		return nil, false
	}
	if key := r.Elem().FieldByName("key"); key.Kind() == reflect.Slice && key.Len() > 0 {
		return nil, false
	}
	f := r.Elem().FieldByName("f")
	if !f.IsValid() || !f.CanAddr() {
		return nil, false
	}
	ra, isRA := reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Interface().(io.ReaderAt)
	n := v.Key("Length").Int64()
	if !isRA || n <= 0 || n > limit {
		return nil, false
	}
	b = make([]byte, n)
	m, _ := ra.ReadAt(b, off.Int())
	return b[:m], m > 0
}

// decodeRaw decodes a stream with zipin's own filters.
func decodeRaw(v lpdf.Value, limit int64) ([]byte, error) {
	b, ok := rawStream(v, limit)
	if !ok {
		return nil, errors.New("stream data not reachable")
	}
	filter, parms := v.Key("Filter"), v.Key("DecodeParms")
	var names []string
	var params []lpdf.Value
	switch filter.Kind() {
	case lpdf.Name:
		names, params = []string{filter.Name()}, []lpdf.Value{parms}
	case lpdf.Array:
		for i := 0; i < filter.Len() && i < 8; i++ {
			names = append(names, filter.Index(i).Name())
			params = append(params, parms.Index(i))
		}
	}
	var err error
	for i, name := range names {
		if b, err = applyFilter(name, params[i], b, int(limit)); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func applyFilter(name string, parm lpdf.Value, b []byte, limit int) ([]byte, error) {
	var out []byte
	var err error
	switch name {
	case "ASCIIHexDecode", "AHx":
		out, _ = hexString(b, 0)
	case "ASCII85Decode", "A85":
		b = bytes.TrimPrefix(bytes.TrimSpace(b), []byte("<~"))
		if i := bytes.Index(b, []byte("~>")); i >= 0 {
			b = b[:i]
		}
		buf := make([]byte, 4*len(b)/5+4)
		n, _, derr := ascii85.Decode(buf, bytes.Join(bytes.Fields(b), nil), true)
		out, err = buf[:n], derr
	case "RunLengthDecode", "RL":
		out = runLengthDecode(b, limit)
	case "LZWDecode", "LZW":
		early := 1
		if e := parm.Key("EarlyChange"); e.Kind() == lpdf.Integer {
			early = int(e.Int64())
		}
		out = lzwDecode(b, early, limit)
	case "FlateDecode", "Fl":
		zr, zerr := zlib.NewReader(bytes.NewReader(b))
		if zerr != nil {
			return nil, zerr
		}
		out, err = io.ReadAll(io.LimitReader(zr, int64(limit)))
		if len(out) > 0 {
			err = nil
		}
	default:
		return nil, unsupportedFilter{name}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if p := parm.Key("Predictor").Int64(); p >= 10 {
		cols := int(max(parm.Key("Columns").Int64(), 1) * max(parm.Key("Colors").Int64(), 1) * max(parm.Key("BitsPerComponent").Int64(), 8) / 8)
		out = unpredictPNG(out, cols)
	}
	return out, nil
}

// runLengthDecode: a length byte n < 128 copies n+1 bytes, n > 128
// repeats the next byte 257-n times, 128 ends the data.
func runLengthDecode(b []byte, limit int) []byte {
	var out []byte
	for i := 0; i < len(b) && len(out) < limit; {
		n := int(b[i])
		i++
		switch {
		case n < 128:
			end := min(i+n+1, len(b))
			out = append(out, b[i:end]...)
			i = end
		case n > 128:
			if i < len(b) {
				out = append(out, bytes.Repeat(b[i:i+1], 257-n)...)
				i++
			}
		default:
			return out
		}
	}
	return out
}

// lzwDecode decodes LZW with variable codes of 9 to 12 bits, code 256
// clearing the table and 257 ending the data; with early change (the PDF
// default) the code width grows one code early. As in pdf.js.
func lzwDecode(b []byte, early, limit int) []byte {
	type entry struct {
		prev  int
		last  byte
		first byte
		n     int
	}
	table := make([]entry, 258, 4096)
	for i := range 256 {
		table[i] = entry{prev: -1, last: byte(i), first: byte(i), n: 1}
	}
	var out []byte
	width, prev := 9, -1
	var acc uint64
	nbits, pos := 0, 0
	emit := func(code int) {
		e := table[code]
		start := len(out)
		out = append(out, make([]byte, e.n)...)
		for k := start + e.n - 1; k >= start; k-- {
			out[k] = table[code].last
			code = table[code].prev
		}
	}
	for len(out) < limit {
		for nbits < width {
			if pos >= len(b) {
				return out
			}
			acc = acc<<8 | uint64(b[pos])
			pos++
			nbits += 8
		}
		code := int(acc>>(nbits-width)) & (1<<width - 1)
		nbits -= width
		switch {
		case code == 256:
			table, width, prev = table[:258], 9, -1
			continue
		case code == 257:
			return out
		}
		if prev < 0 {
			if code >= 256 {
				return out
			}
			emit(code)
			prev = code
			continue
		}
		var first byte
		switch {
		case code < len(table):
			first = table[code].first
		case code == len(table):
			first = table[prev].first
		default:
			return out // a code not yet defined: damaged data
		}
		if len(table) < 4096 {
			table = append(table, entry{prev: prev, last: first, first: table[prev].first, n: table[prev].n + 1})
		}
		emit(code)
		prev = code
		if next := len(table) + early; next&(next-1) == 0 && next <= 4096 {
			width = min(bits.Len(uint(next)), 12)
		}
	}
	return out[:min(len(out), limit)]
}
