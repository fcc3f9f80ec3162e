package pdf

import (
	"bytes"
	"crypto/md5"
	"crypto/rc4"
	"fmt"
	"strings"
	"testing"

	"zipin/internal/testpdf"
)

// rc4Encrypt encrypts a plain PDF with the standard handler, RC4 with a
// key of bits bits (revision 2 for 40, 3 otherwise), an empty user
// password and owner password "owner", written from PDF 32000-1
// algorithms 2, 3 and 5. RC4 is its own inverse, so the strings and
// streams are encrypted by the decrypter's rewrite.
func rc4Encrypt(plain []byte, bits int) []byte {
	n := bits / 8
	r := 3
	if bits == 40 {
		r = 2
	}
	id := []byte("0123456789abcdef")
	p := int32(-44)
	// Algorithm 3: /O from the owner password.
	h := md5.Sum(append([]byte("owner"), passwordPad[:32-5]...))
	okey := h[:]
	if r >= 3 {
		for i := 0; i < 50; i++ {
			s := md5.Sum(okey[:n])
			okey = s[:]
		}
	}
	okey = okey[:n]
	o := append([]byte(nil), passwordPad...)
	c, _ := rc4.NewCipher(okey)
	c.XORKeyStream(o, o)
	if r >= 3 {
		k := make([]byte, n)
		for i := 1; i <= 19; i++ {
			for j := range k {
				k[j] = okey[j] ^ byte(i)
			}
			c, _ := rc4.NewCipher(k)
			c.XORKeyStream(o, o)
		}
	}
	// Algorithm 2: the file key.
	hh := md5.New()
	hh.Write(passwordPad)
	hh.Write(o)
	hh.Write([]byte{byte(p), byte(p >> 8), byte(p >> 16), byte(p >> 24)})
	hh.Write(id)
	key := hh.Sum(nil)
	if r >= 3 {
		for i := 0; i < 50; i++ {
			s := md5.Sum(key[:n])
			key = s[:]
		}
	}
	key = key[:n]
	// Algorithm 4/5: /U.
	var u []byte
	if r == 2 {
		u = append([]byte(nil), passwordPad...)
		c, _ := rc4.NewCipher(key)
		c.XORKeyStream(u, u)
	} else {
		s := md5.Sum(append(append([]byte(nil), passwordPad...), id...))
		u = s[:]
		k := make([]byte, n)
		for i := 0; i <= 19; i++ {
			for j := range k {
				k[j] = key[j] ^ byte(i)
			}
			c, _ := rc4.NewCipher(k)
			c.XORKeyStream(u, u)
		}
		u = append(u, make([]byte, 16)...)
	}
	body := plain[:bytes.Index(plain, []byte("xref\n"))]
	objs, _, _, _ := scanObjects(body)
	d := &decrypter{key: key, strF: cryptRC4, stmF: cryptRC4, encObj: -1}
	enc := d.rewrite(body, objs)
	v := 1
	if r == 3 {
		v = 2
	}
	var b bytes.Buffer
	b.Write(enc)
	fmt.Fprintf(&b, "9 0 obj\n<< /Filter /Standard /V %d /R %d /Length %d /P %d /O <%X> /U <%X> >>\nendobj\n", v, r, bits, p, o, u)
	objs, maxNum, _, _ := scanObjects(b.Bytes())
	return appendXrefTable(b.Bytes(), objs, maxNum, "1 0 R", fmt.Sprintf(" /Info 6 0 R /Encrypt 9 0 R /ID [<%X> <%X>]", id, id), nil)
}

// TestRC4KeyLengths: RC4 keys under 128 bits (40, 56, 96) and 128 bits
// all open with the empty user password: the per-object key is cut to
// min(n+5, 16) bytes. The encryptor shares objectKey with the reader; the
// qpdf-made fixtures (TestEncryption) check 40 and 128 bits independently.
func TestRC4KeyLengths(t *testing.T) {
	plain := testpdf.Build(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
		testpdf.Stream("", "BT /F1 12 Tf 72 700 Td (Budget 412.60) Tj ET"),
		helvetica,
		"<< /Title (Budget report 2023) >>",
	)
	plain = bytes.Replace(plain, []byte("/Root 1 0 R"), []byte("/Root 1 0 R /Info 6 0 R"), 1)
	for _, bits := range []int{40, 56, 96, 128} {
		t.Run(fmt.Sprint(bits), func(t *testing.T) {
			data := rc4Encrypt(plain, bits)
			if bytes.Contains(data, []byte("Budget")) {
				t.Fatal("the test file is not encrypted")
			}
			d := readBytes(t, data)
			if text := docText(d); !strings.Contains(text, "Budget 412.60") || d.Title != "Budget report 2023" {
				t.Errorf("text %q, title %q", text, d.Title)
			}
		})
	}
}
