package pdf

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"crypto/rc4"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"hash"
	"regexp"
	"strconv"
)

// zipin decrypts PDFs that open with the empty user password itself, into a
// plain copy the library then reads, because the library's own decryption
// gets common cases wrong: it never cuts the per-object RC4 key to
// min(n+5, 16) bytes (so every 40-bit file reads as noise), it ignores
// /EncryptMetadata false in the key (so such AES-128 files look password
// protected), and it has no AES-256. The rules are PDF 32000-1 §7.6
// (algorithms 1, 2, 4, 5) and ISO 32000-2 §7.6.4.3 (algorithm 2.B).

// errUserPassword: the file needs a user password zipin does not have.
var errUserPassword = errors.New("encrypted with a user password")

// cryptFilter says how one kind of data (strings or streams) is encrypted.
type cryptFilter uint8

const (
	cryptNone cryptFilter = iota
	cryptRC4
	cryptAESV2 // AES-128, per-object key
	cryptAESV3 // AES-256, the file key itself
)

type decrypter struct {
	key             []byte
	strF, stmF      cryptFilter
	encryptMetadata bool
	encObj          int64 // the encryption dictionary's object number
}

var (
	encryptDirect = regexp.MustCompile(`/Encrypt\s*<<`)
	lengthKey     = regexp.MustCompile(`/Length\s+(\d{1,12})(?:\s+(\d{1,7})\s+(\d{1,5})\s+R)?`)
	typeXRef      = regexp.MustCompile(`/Type\s*/XRef\b`)
	typeMetadata  = regexp.MustCompile(`/Type\s*/Metadata\b`)
)

// isEncrypted: the file's trailer names an encryption dictionary.
func isEncrypted(data []byte) bool {
	return encRef.Match(data) || encryptDirect.Match(data)
}

// decryptPDF returns a copy of data with every string and stream
// decrypted and the trailer's /Encrypt renamed away (offsets are rebuilt
// by the caller's scan). It fails with errUserPassword when the empty
// user password does not open the file, and with an error naming the
// scheme when zipin does not know it.
func decryptPDF(data []byte) ([]byte, error) {
	objs, _, _, _ := scanObjects(data)
	var enc pdfDict
	var encObj int64 = -1
	if all := encRef.FindAllSubmatch(data, -1); len(all) > 0 {
		m := all[len(all)-1]
		encObj, _ = strconv.ParseInt(string(m[1]), 10, 64)
		e, ok := objs[int(encObj)]
		if !ok {
			return nil, fmt.Errorf("encryption dictionary (object %d) missing", encObj)
		}
		i := skipObjHeader(data, e.off)
		enc, _ = (&objParser{b: data, i: i}).value().(pdfDict)
	} else if loc := encryptDirect.FindIndex(data); loc != nil {
		enc, _ = (&objParser{b: data, i: loc[1] - 2}).value().(pdfDict)
	}
	if enc == nil {
		return nil, errors.New("encryption dictionary unreadable")
	}
	var id []byte
	if ids := idArray.FindAll(data, -1); len(ids) > 0 {
		if arr, ok := (&objParser{b: ids[len(ids)-1], i: 3}).value().([]any); ok && len(arr) > 0 {
			s, _ := arr[0].(string)
			id = []byte(s)
		}
	}
	d, err := newDecrypter(enc, id)
	if err != nil {
		return nil, err
	}
	d.encObj = encObj
	return d.rewrite(data, objs), nil
}

func newDecrypter(enc pdfDict, id []byte) (*decrypter, error) {
	if f := enc.name("Filter"); f != "Standard" {
		return nil, fmt.Errorf("encryption handler %q not supported (only the standard password handler)", f)
	}
	v, r := enc.int("V"), enc.int("R")
	o, u := []byte(enc.str("O")), []byte(enc.str("U"))
	p := uint32(int32(enc.int("P")))
	d := &decrypter{encryptMetadata: true}
	if b, ok := enc["EncryptMetadata"].(bool); ok {
		d.encryptMetadata = b
	}
	switch v {
	case 1, 2:
		d.strF, d.stmF = cryptRC4, cryptRC4
	case 4, 5:
		cf, _ := enc["CF"].(pdfDict)
		filter := func(name string) (cryptFilter, error) {
			if name == "" || name == "Identity" {
				return cryptNone, nil
			}
			sub, _ := cf[name].(pdfDict)
			switch sub.name("CFM") {
			case "V2":
				return cryptRC4, nil
			case "AESV2":
				return cryptAESV2, nil
			case "AESV3":
				return cryptAESV3, nil
			case "None":
				return cryptNone, nil
			}
			return 0, fmt.Errorf("crypt filter method %q not supported", sub.name("CFM"))
		}
		var err error
		if d.strF, err = filter(enc.name("StrF")); err != nil {
			return nil, err
		}
		if d.stmF, err = filter(enc.name("StmF")); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("encryption version V=%d not supported", v)
	}
	switch {
	case r >= 2 && r <= 4:
		n := int(enc.int("Length") / 8)
		if v == 1 || n == 0 {
			n = 5
		}
		if v == 4 {
			n = 16
		}
		if n < 5 || n > 16 || len(o) < 32 || len(u) < 32 {
			return nil, fmt.Errorf("encryption dictionary damaged (key length %d bits)", n*8)
		}
		// Algorithm 2: the file key from the (empty, padded) password.
		h := md5.New()
		h.Write(passwordPad)
		h.Write(o[:32])
		h.Write([]byte{byte(p), byte(p >> 8), byte(p >> 16), byte(p >> 24)})
		h.Write(id)
		if r >= 4 && !d.encryptMetadata {
			h.Write([]byte{0xff, 0xff, 0xff, 0xff})
		}
		key := h.Sum(nil)
		if r >= 3 {
			for i := 0; i < 50; i++ {
				s := md5.Sum(key[:n])
				key = s[:]
			}
		}
		key = key[:n]
		// Algorithms 4 and 5: the empty password is right when it
		// reproduces /U (the first 16 bytes for revision 3 and up).
		var want []byte
		if r == 2 {
			want = make([]byte, 32)
			c, _ := rc4.NewCipher(key)
			c.XORKeyStream(want, passwordPad)
		} else {
			h := md5.New()
			h.Write(passwordPad)
			h.Write(id)
			want = h.Sum(nil)
			k := make([]byte, len(key))
			for i := 0; i <= 19; i++ {
				for j := range key {
					k[j] = key[j] ^ byte(i)
				}
				c, _ := rc4.NewCipher(k)
				c.XORKeyStream(want, want)
			}
		}
		if !bytes.Equal(u[:len(want)], want) {
			return nil, errUserPassword
		}
		d.key = key
	case r == 5 || r == 6:
		ue := []byte(enc.str("UE"))
		if len(u) < 48 || len(ue) < 32 {
			return nil, errors.New("AES-256 encryption dictionary damaged (/U or /UE too short)")
		}
		hashFn := hashR6
		if r == 5 {
			hashFn = func(pw, salt, udata []byte) []byte {
				s := sha256.Sum256(append(append(append([]byte(nil), pw...), salt...), udata...))
				return s[:]
			}
		}
		if !bytes.Equal(hashFn(nil, u[32:40], nil), u[:32]) {
			return nil, errUserPassword
		}
		ik := hashFn(nil, u[40:48], nil)
		block, err := aes.NewCipher(ik)
		if err != nil {
			return nil, err
		}
		key := make([]byte, 32)
		cipher.NewCBCDecrypter(block, make([]byte, 16)).CryptBlocks(key, ue[:32])
		d.key = key
	default:
		return nil, fmt.Errorf("encryption revision R=%d not supported", r)
	}
	return d, nil
}

// hashR6 is ISO 32000-2 algorithm 2.B.
func hashR6(pw, salt, udata []byte) []byte {
	s := sha256.Sum256(append(append(append([]byte(nil), pw...), salt...), udata...))
	k := s[:]
	var e []byte
	for i := 0; i < 64 || int(e[len(e)-1]) > i-32; i++ {
		one := append(append(append([]byte(nil), pw...), k...), udata...)
		k1 := bytes.Repeat(one, 64)
		block, _ := aes.NewCipher(k[:16])
		e = make([]byte, len(k1))
		cipher.NewCBCEncrypter(block, k[16:32]).CryptBlocks(e, k1)
		sum := 0
		for _, c := range e[:16] {
			sum += int(c)
		}
		var h hash.Hash
		switch sum % 3 {
		case 0:
			h = sha256.New()
		case 1:
			h = sha512.New384()
		default:
			h = sha512.New()
		}
		h.Write(e)
		k = h.Sum(nil)
	}
	return k[:32]
}

var passwordPad = []byte{
	0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
	0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
}

// objectKey is algorithm 1: the file key extended with the object number
// and generation, hashed, and cut to min(n+5, 16) bytes.
func (d *decrypter) objectKey(f cryptFilter, num, gen int64) []byte {
	if f == cryptAESV3 {
		return d.key
	}
	h := md5.New()
	h.Write(d.key)
	h.Write([]byte{byte(num), byte(num >> 8), byte(num >> 16), byte(gen), byte(gen >> 8)})
	if f == cryptAESV2 {
		h.Write([]byte("sAlT"))
	}
	return h.Sum(nil)[:min(len(d.key)+5, 16)]
}

// decrypt returns the plain bytes; data it cannot decrypt (an AES string
// shorter than its IV) is returned unchanged.
func (d *decrypter) decrypt(f cryptFilter, num, gen int64, b []byte) []byte {
	switch f {
	case cryptRC4:
		c, _ := rc4.NewCipher(d.objectKey(f, num, gen))
		out := make([]byte, len(b))
		c.XORKeyStream(out, b)
		return out
	case cryptAESV2, cryptAESV3:
		if len(b) < 32 {
			if len(b) == 16 {
				return nil // an empty string: IV only
			}
			return b
		}
		b = b[:len(b)/16*16]
		block, err := aes.NewCipher(d.objectKey(f, num, gen))
		if err != nil {
			return b
		}
		out := make([]byte, len(b)-16)
		cipher.NewCBCDecrypter(block, b[:16]).CryptBlocks(out, b[16:])
		if pad := int(out[len(out)-1]); pad >= 1 && pad <= 16 && pad <= len(out) {
			out = out[:len(out)-pad]
		}
		return out
	}
	return b
}

// rewrite copies data object by object, decrypting strings (written back
// as hex strings) and stream data (padded with spaces to its old length,
// so /Length stays right even when it is an indirect object; filters stop
// at their own end and content streams ignore white space).
func (d *decrypter) rewrite(data []byte, objs map[int]xentry) []byte {
	out := make([]byte, 0, len(data)+len(data)/8)
	pos := 0
	for _, h := range findObjHeads(data, maxRepairObjects) {
		if h.numStart < pos {
			continue // inside an object already copied (stream data)
		}
		num, _ := strconv.ParseInt(string(data[h.numStart:h.numEnd]), 10, 64)
		gen, _ := strconv.ParseInt(string(data[h.genStart:h.genEnd]), 10, 64)
		out = append(out, data[pos:h.end]...)
		pos = h.end
		if num == d.encObj {
			continue
		}
		out, pos = d.object(data, pos, num, gen, objs, out)
	}
	out = append(out, data[pos:]...)
	// The plain copy must not announce encryption: the trailer's key is
	// renamed (same length).
	out = bytes.ReplaceAll(out, []byte("/Encrypt"), []byte("/Decrypt"))
	return out
}

// object copies one object body from i up to its endobj.
func (d *decrypter) object(data []byte, i int, num, gen int64, objs map[int]xentry, out []byte) ([]byte, int) {
	start := i
	for i < len(data) {
		c := data[i]
		switch {
		case c == '%':
			j := i
			for j < len(data) && data[j] != '\n' && data[j] != '\r' {
				j++
			}
			out, i = append(out, data[i:j]...), j
		case c == '(':
			l := &contentLexer{b: data, i: i}
			s := l.literal()
			out = appendHex(out, d.decrypt(d.strF, num, gen, []byte(s)))
			i = l.i
		case c == '<' && i+1 < len(data) && data[i+1] == '<':
			out, i = append(out, "<<"...), i+2
		case c == '<':
			l := &contentLexer{b: data, i: i}
			s := l.hex()
			out = appendHex(out, d.decrypt(d.strF, num, gen, []byte(s)))
			i = l.i
		case isDelimOrSpace(c):
			out, i = append(out, c), i+1
		default:
			j := i
			for j < len(data) && !isDelimOrSpace(data[j]) {
				j++
			}
			word := data[i:j]
			out, i = append(out, word...), j
			switch string(word) {
			case "endobj":
				return out, i
			case "stream":
				out, i = d.stream(data, start, i, num, gen, objs, out)
			}
		}
	}
	return out, i
}

// stream copies a stream's data, decrypted unless it is exempt, starting
// right after the "stream" keyword at i.
func (d *decrypter) stream(data []byte, objStart, i int, num, gen int64, objs map[int]xentry, out []byte) ([]byte, int) {
	if i < len(data) && data[i] == '\r' {
		out, i = append(out, '\r'), i+1
	}
	if i < len(data) && data[i] == '\n' {
		out, i = append(out, '\n'), i+1
	}
	dict := data[objStart:i]
	n := -1
	if m := lengthKey.FindSubmatch(dict); m != nil {
		n, _ = strconv.Atoi(string(m[1]))
		if m[2] != nil { // an indirect /Length
			ref, _ := strconv.Atoi(string(m[2]))
			n = -1
			if e, ok := objs[ref]; ok {
				if v, _, ok := readInt(data, skipObjHeader(data, e.off)); ok {
					n = int(v)
				}
			}
		}
	}
	if n < 0 || i+n > len(data) || !bytes.HasPrefix(bytes.TrimLeft(data[i+n:min(len(data), i+n+32)], "\r\n \t"), []byte("endstream")) {
		// A wrong /Length: the data runs to the end-of-line before endstream.
		k := bytes.Index(data[i:], []byte("endstream"))
		if k < 0 {
			k = len(data) - i
		}
		n = len(bytes.TrimRight(data[i:i+k], "\r\n"))
	}
	body := data[i : i+n]
	f := d.stmF
	if typeXRef.Match(dict) || !d.encryptMetadata && typeMetadata.Match(dict) {
		f = cryptNone
	}
	plain := d.decrypt(f, num, gen, body)
	out = append(out, plain...)
	for k := len(plain); k < n; k++ {
		out = append(out, ' ')
	}
	return out, i + n
}

func appendHex(out, b []byte) []byte {
	const digits = "0123456789ABCDEF"
	out = append(out, '<')
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return append(out, '>')
}

// skipObjHeader returns the offset after "N G obj" at off.
func skipObjHeader(data []byte, off int) int {
	_, j, _ := readInt(data, off)
	_, j, _ = readInt(data, j)
	j = skipSpace(data, j)
	if bytes.HasPrefix(data[j:], []byte("obj")) {
		j += 3
	}
	return j
}

// pdfDict is a parsed dictionary: values are int64, float64, bool, string
// (raw bytes), pdfName, pdfDict, []any or pdfRef.
type pdfDict map[string]any

type pdfName string

type pdfRef struct{ num, gen int64 }

func (d pdfDict) name(k string) string { s, _ := d[k].(pdfName); return string(s) }
func (d pdfDict) str(k string) string  { s, _ := d[k].(string); return s }
func (d pdfDict) int(k string) int64   { n, _ := d[k].(int64); return n }

// objParser reads one direct object (the encryption dictionary, the /ID
// array), depth-bounded.
type objParser struct {
	b     []byte
	i     int
	depth int
}

func (p *objParser) value() any {
	p.i = skipSpace(p.b, p.i)
	if p.i >= len(p.b) || p.depth > 16 {
		return nil
	}
	p.depth++
	defer func() { p.depth-- }()
	b := p.b
	switch c := b[p.i]; {
	case c == '<' && p.i+1 < len(b) && b[p.i+1] == '<':
		p.i += 2
		d := pdfDict{}
		for {
			p.i = skipSpace(b, p.i)
			if p.i >= len(b) || b[p.i] == '>' {
				p.i += 2
				return d
			}
			k, ok := p.value().(pdfName)
			if !ok {
				return d
			}
			d[string(k)] = p.value()
		}
	case c == '[':
		p.i++
		var arr []any
		for {
			p.i = skipSpace(b, p.i)
			if p.i >= len(b) || b[p.i] == ']' {
				p.i++
				return arr
			}
			v := p.value()
			if v == nil {
				return arr
			}
			arr = append(arr, v)
		}
	case c == '(':
		l := &contentLexer{b: b, i: p.i}
		s := l.literal()
		p.i = l.i
		return s
	case c == '<':
		l := &contentLexer{b: b, i: p.i}
		s := l.hex()
		p.i = l.i
		return s
	case c == '/':
		j := p.i + 1
		for j < len(b) && !isDelimOrSpace(b[j]) {
			j++
		}
		n := pdfName(unescapeName(b[p.i+1 : j]))
		p.i = j
		return n
	default:
		j := p.i
		for j < len(b) && !isDelimOrSpace(b[j]) {
			j++
		}
		w := string(b[p.i:j])
		p.i = j
		switch w {
		case "true":
			return true
		case "false":
			return false
		}
		n, err := strconv.ParseInt(w, 10, 64)
		if err != nil {
			f, err := strconv.ParseFloat(w, 64)
			if err != nil {
				return nil
			}
			return f
		}
		// "N G R"
		save := p.i
		if g, j, ok := readInt(b, p.i); ok {
			j = skipSpace(b, j)
			if j < len(b) && b[j] == 'R' && (j+1 == len(b) || isDelimOrSpace(b[j+1])) {
				p.i = j + 1
				return pdfRef{n, g}
			}
		}
		p.i = save
		return n
	}
}
