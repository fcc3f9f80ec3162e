package pdf

import (
	"bytes"
	"compress/zlib"
	"encoding/ascii85"
	"fmt"
	"math/bits"
	"strings"
	"testing"

	"zipin/internal/testpdf"
)

// lzwEncode is a PDF LZW encoder (EarlyChange 1) for the test, written
// from the format: the code width follows the decoder's table size.
func lzwEncode(data []byte) []byte {
	var out []byte
	var acc uint64
	nbits, width := 0, 9
	put := func(code int) {
		acc = acc<<uint(width) | uint64(code)
		nbits += width
		for nbits >= 8 {
			out = append(out, byte(acc>>(nbits-8)))
			nbits -= 8
		}
	}
	dict := map[string]int{}
	for i := range 256 {
		dict[string([]byte{byte(i)})] = i
	}
	next, emitted, decSize := 258, 0, 258
	emit := func(code int) {
		put(code)
		emitted++
		if emitted >= 2 {
			decSize++
			if n := decSize + 1; n&(n-1) == 0 {
				width = min(bits.Len(uint(n)), 12)
			}
		}
	}
	put(256)
	w := ""
	for _, c := range data {
		wc := w + string([]byte{c})
		if _, ok := dict[wc]; ok {
			w = wc
			continue
		}
		emit(dict[w])
		dict[wc] = next
		next++
		w = string([]byte{c})
	}
	if w != "" {
		emit(dict[w])
	}
	put(257)
	if nbits > 0 {
		out = append(out, byte(acc<<(8-nbits)))
	}
	return out
}

func runLengthEncode(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); {
		j := i
		for j < len(b) && j-i < 128 && b[j] == b[i] {
			j++
		}
		if j-i >= 3 {
			out = append(out, byte(257-(j-i)), b[i])
			i = j
			continue
		}
		n := min(len(b)-i, 128)
		out = append(out, byte(n-1))
		out = append(out, b[i:i+n]...)
		i += n
	}
	return append(out, 128)
}

// TestOwnFilters: page content in the filters the library lacks (LZW,
// RunLength, ASCIIHex, and chains with Flate) is decoded by zipin.
func TestOwnFilters(t *testing.T) {
	var content strings.Builder
	for i := 0; i < 60; i++ {
		fmt.Fprintf(&content, "BT /F1 10 Tf 72 %d Td (Line %d: budget %d.%02d spent %d) Tj ET\n", 780-i*12, i, 400+i*7, i*3%100, 300+i*11)
	}
	c := []byte(content.String())
	flate := func(b []byte) []byte {
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write(b)
		zw.Close()
		return z.Bytes()
	}
	a85 := func(b []byte) []byte {
		out := make([]byte, ascii85.MaxEncodedLen(len(b)))
		return append(out[:ascii85.Encode(out, b)], "~>"...)
	}
	cases := map[string]struct {
		filter string
		data   []byte
	}{
		"lzw":            {"/LZWDecode", lzwEncode(c)},
		"lzw-parms":      {"/LZWDecode /DecodeParms << /EarlyChange 1 >>", lzwEncode(c)},
		"runlength":      {"/RunLengthDecode", runLengthEncode(c)},
		"asciihex":       {"/ASCIIHexDecode", []byte(fmt.Sprintf("%X>", c))},
		"asciihex+flate": {"/Filter [/ASCIIHexDecode /FlateDecode]", []byte(fmt.Sprintf("%X>", flate(c)))},
		"a85+lzw":        {"/Filter [/ASCII85Decode /LZWDecode]", a85(lzwEncode(c))},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			dict := tc.filter
			if !strings.HasPrefix(dict, "/Filter") {
				dict = "/Filter " + dict
			}
			data := testpdf.Build(
				"<< /Type /Catalog /Pages 2 0 R >>",
				"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
				"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
				fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(tc.data), tc.data),
				helvetica,
			)
			text := docText(readBytes(t, data))
			for _, want := range []string{"Line 0: budget 400.00 spent 300", "Line 59: budget 813.77 spent 949"} {
				if !strings.Contains(text, want) {
					t.Fatalf("%q missing from %q", want, text)
				}
			}
		})
	}
}
