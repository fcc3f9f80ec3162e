package opc

import (
	"bytes"
	"encoding/xml"
	"io"

	"golang.org/x/net/html/charset"
)

// NewDecoder returns an xml.Decoder over b that accepts the encodings
// declared by older producers (some WPS versions write GB2312 declarations)
// and tolerates undefined entities by leaving them as written rather than
// failing the whole part.
func NewDecoder(b []byte) *xml.Decoder {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		return charset.NewReaderLabel(label, in)
	}
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose[:0]
	d.Entity = xml.HTMLEntity
	return d
}

// Unmarshal decodes b into v with NewDecoder's settings.
func Unmarshal(b []byte, v any) error {
	return NewDecoder(b).Decode(v)
}
