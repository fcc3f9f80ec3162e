package schema

import (
	"fmt"
	"time"
	"unsafe"

	"github.com/tinylib/msgp/msgp"
)

// A document's rows travel from the worker process that analyzed it to the
// importing process (package isolate) in this encoding: MessagePack
// (tinylib/msgp's primitives), each row an array of its fields in
// declaration order, NULL as nil, a batch an array of its five tables. gob,
// which carried them before, decoded with reflection and allocated each
// string and each optional value of some 12 000 rows per 40 documents one
// by one; that was the largest share of the importing process's CPU, which
// should only commit (issue 16). Both ends are the same binary, so the
// field lists never meet another version; a row whose array has another
// length is refused.
//
// DecodeBatch allocates little: the strings of facts, texts, projects and
// indicators are views of the encoded bytes, and their optional values come
// from a few shared arrays, so keeping any of those strings keeps the
// encoded batch (about the size of the rows' text) alive. The importing
// process drops a batch once committed; what outlives it — a report's
// fields (an outcome's format), the doc_ids the dataset remembers — is
// copied out: every string of a report row, and doc_id everywhere.

// Fields per row, as encoded: a change to a record's fields must change
// its encoder, its decoder and this count together (TestBatchTransport
// fills every field and fails otherwise).
const (
	reportFields    = 19
	evidenceFields  = 11
	factFields      = 17
	textFields      = 5
	projectFields   = 14
	indicatorFields = 16
	batchTables     = 5
)

// AppendBinary appends the batch's encoding to o (encoding.BinaryAppender).
func (b *Batch) AppendBinary(o []byte) ([]byte, error) {
	n := 64
	for _, t := range b.Texts {
		n += len(t.Text) + 96
	}
	n += len(b.Facts)*200 + len(b.Indicators)*200 + len(b.Projects)*200 + len(b.Reports)*4096
	o = msgp.AppendArrayHeader(msgp.Require(o, n), batchTables)
	o = msgp.AppendArrayHeader(o, uint32(len(b.Reports)))
	for i := range b.Reports {
		o = b.Reports[i].appendMsg(o)
	}
	o = msgp.AppendArrayHeader(o, uint32(len(b.Facts)))
	for i := range b.Facts {
		o = b.Facts[i].appendMsg(o)
	}
	o = msgp.AppendArrayHeader(o, uint32(len(b.Texts)))
	for i := range b.Texts {
		o = b.Texts[i].appendMsg(o)
	}
	o = msgp.AppendArrayHeader(o, uint32(len(b.Projects)))
	for i := range b.Projects {
		o = b.Projects[i].appendMsg(o)
	}
	o = msgp.AppendArrayHeader(o, uint32(len(b.Indicators)))
	for i := range b.Indicators {
		o = b.Indicators[i].appendMsg(o)
	}
	return o, nil
}

// DecodeBatch decodes what AppendBinary wrote. The batch takes data over:
// its strings are views of it (see above), so the caller must not change
// or reuse it. It fails on a truncated or malformed batch, a row with
// another number of fields, or bytes after the batch.
func DecodeBatch(data []byte) (*Batch, error) {
	d := &decoder{b: data}
	b := &Batch{}
	d.array(batchTables, "batch")
	b.Reports = decodeRows(d, (*Report).decodeMsg)
	b.Facts = decodeRows(d, (*Fact).decodeMsg)
	b.Texts = decodeRows(d, (*Text).decodeMsg)
	b.Projects = decodeRows(d, (*Project).decodeMsg)
	b.Indicators = decodeRows(d, (*Indicator).decodeMsg)
	if d.err == nil && len(d.b) != 0 {
		d.err = fmt.Errorf("%d bytes left after the batch", len(d.b))
	}
	if d.err != nil {
		return nil, fmt.Errorf("schema: decoding a batch: %w", d.err)
	}
	return b, nil
}

func decodeRows[T any](d *decoder, decode func(*T, *decoder)) []T {
	n := d.arrayLen()
	if d.err != nil || n == 0 {
		return nil
	}
	if n > uint32(len(d.b)) {
		// Each row takes a byte at least: a corrupt count must not
		// allocate without bound.
		d.err = msgp.ErrShortBytes
		return nil
	}
	rows := make([]T, n)
	for i := range rows {
		decode(&rows[i], d)
		if d.err != nil {
			return nil
		}
	}
	return rows
}

func (r *Report) appendMsg(o []byte) []byte {
	o = msgp.AppendArrayHeader(o, reportFields)
	o = msgp.AppendString(o, r.DocID)
	o = msgp.AppendString(o, r.Source)
	o = msgp.AppendString(o, r.Format)
	o = msgp.AppendInt32(o, r.Pages)
	o = msgp.AppendString(o, r.Title)
	o = msgp.AppendString(o, r.Kind)
	o = appendOpt(o, r.Organization, msgp.AppendString)
	o = appendOpt(o, r.FiscalYear, msgp.AppendInt32)
	o = appendOpt(o, r.BudgetYuan, appendMoney)
	o = appendOpt(o, r.ExecutedYuan, appendMoney)
	o = appendOpt(o, r.ExecutionRate, msgp.AppendFloat64)
	o = appendOpt(o, r.SelfScore, msgp.AppendFloat64)
	o = appendOpt(o, r.Grade, msgp.AppendString)
	o = appendStrings(o, r.Warnings)
	o = msgp.AppendString(o, r.ExtractorVersion)
	o = msgp.AppendTime(o, r.ExtractedAt)
	o = appendOpt(o, r.SourceURL, msgp.AppendString)
	o = msgp.AppendInt64(o, r.Bytes)
	o = msgp.AppendArrayHeader(o, uint32(len(r.Evidence)))
	for i := range r.Evidence {
		o = r.Evidence[i].appendMsg(o)
	}
	return o
}

// decodeMsg copies every string out (see the comment at the top).
func (r *Report) decodeMsg(d *decoder) {
	d.array(reportFields, "report")
	r.DocID = d.docID()
	r.Source = d.ownStr()
	r.Format = d.ownStr()
	r.Pages = d.int32()
	r.Title = d.ownStr()
	r.Kind = d.ownStr()
	r.Organization = d.optOwnStr()
	r.FiscalYear = d.optInt32()
	r.BudgetYuan = d.optMoney()
	r.ExecutedYuan = d.optMoney()
	r.ExecutionRate = d.optFloat64()
	r.SelfScore = d.optFloat64()
	r.Grade = d.optOwnStr()
	r.Warnings = d.ownStrings()
	r.ExtractorVersion = d.ownStr()
	r.ExtractedAt = d.time()
	r.SourceURL = d.optOwnStr()
	r.Bytes = d.int64()
	r.Evidence = decodeRows(d, (*Evidence).decodeMsg)
}

func (e *Evidence) appendMsg(o []byte) []byte {
	o = msgp.AppendArrayHeader(o, evidenceFields)
	o = msgp.AppendString(o, e.Field)
	o = msgp.AppendString(o, e.Value)
	o = msgp.AppendInt32(o, e.Page)
	o = msgp.AppendInt32(o, e.Start)
	o = msgp.AppendInt32(o, e.End)
	o = msgp.AppendString(o, e.Label)
	o = msgp.AppendString(o, e.Source)
	o = msgp.AppendString(o, e.Scope)
	o = msgp.AppendBool(o, e.Chosen)
	o = msgp.AppendString(o, e.Reason)
	return o
}

// decodeMsg copies every string out: evidence belongs to a report row.
func (e *Evidence) decodeMsg(d *decoder) {
	d.array(evidenceFields, "evidence")
	e.Field = d.ownStr()
	e.Value = d.ownStr()
	e.Page = d.int32()
	e.Start = d.int32()
	e.End = d.int32()
	e.Label = d.ownStr()
	e.Source = d.ownStr()
	e.Scope = d.ownStr()
	e.Chosen = d.bool()
	e.Reason = d.ownStr()
}

func (f *Fact) appendMsg(o []byte) []byte {
	o = msgp.AppendArrayHeader(o, factFields)
	o = msgp.AppendString(o, f.DocID)
	o = msgp.AppendInt32(o, f.Seq)
	o = msgp.AppendInt32(o, f.Page)
	o = msgp.AppendInt32(o, f.Start)
	o = msgp.AppendInt32(o, f.End)
	o = msgp.AppendString(o, f.Text)
	o = msgp.AppendFloat64(o, f.Value)
	o = msgp.AppendString(o, f.Unit)
	o = msgp.AppendString(o, f.UnitText)
	o = msgp.AppendString(o, f.Kind)
	o = appendOpt(o, f.Approx, msgp.AppendString)
	o = appendOpt(o, f.Metric, msgp.AppendString)
	o = appendOpt(o, f.Subject, msgp.AppendString)
	o = appendOpt(o, f.Section, msgp.AppendString)
	o = appendOpt(o, f.FiscalYear, msgp.AppendInt32)
	o = appendOpt(o, f.Op, msgp.AppendString)
	o = appendOpt(o, f.ValueHigh, msgp.AppendFloat64)
	return o
}

func (f *Fact) decodeMsg(d *decoder) {
	d.array(factFields, "fact")
	f.DocID = d.docID()
	f.Seq = d.int32()
	f.Page = d.int32()
	f.Start = d.int32()
	f.End = d.int32()
	f.Text = d.str()
	f.Value = d.float64()
	f.Unit = d.str()
	f.UnitText = d.str()
	f.Kind = d.str()
	f.Approx = d.optStr()
	f.Metric = d.optStr()
	f.Subject = d.optStr()
	f.Section = d.optStr()
	f.FiscalYear = d.optInt32()
	f.Op = d.optStr()
	f.ValueHigh = d.optFloat64()
}

func (t *Text) appendMsg(o []byte) []byte {
	o = msgp.AppendArrayHeader(o, textFields)
	o = msgp.AppendString(o, t.DocID)
	o = msgp.AppendInt32(o, t.Page)
	o = msgp.AppendString(o, t.Text)
	o = msgp.AppendString(o, t.Method)
	o = msgp.AppendFloat64(o, t.Quality)
	return o
}

func (t *Text) decodeMsg(d *decoder) {
	d.array(textFields, "text")
	t.DocID = d.docID()
	t.Page = d.int32()
	t.Text = d.str()
	t.Method = d.str()
	t.Quality = d.float64()
}

func (p *Project) appendMsg(o []byte) []byte {
	o = msgp.AppendArrayHeader(o, projectFields)
	o = msgp.AppendString(o, p.DocID)
	o = msgp.AppendInt32(o, p.ProjectSeq)
	o = appendOpt(o, p.Project, msgp.AppendString)
	o = appendOpt(o, p.Department, msgp.AppendString)
	o = appendOpt(o, p.Implementer, msgp.AppendString)
	o = appendOpt(o, p.BudgetInitialYuan, appendMoney)
	o = appendOpt(o, p.BudgetYuan, appendMoney)
	o = appendOpt(o, p.ExecutedYuan, appendMoney)
	o = appendOpt(o, p.ExecutionRate, msgp.AppendFloat64)
	o = appendOpt(o, p.TotalWeight, msgp.AppendFloat64)
	o = appendOpt(o, p.TotalScore, msgp.AppendFloat64)
	o = appendOpt(o, p.FiscalYear, msgp.AppendInt32)
	o = msgp.AppendInt32(o, p.Page)
	o = appendStrings(o, p.Warnings)
	return o
}

func (p *Project) decodeMsg(d *decoder) {
	d.array(projectFields, "project")
	p.DocID = d.docID()
	p.ProjectSeq = d.int32()
	p.Project = d.optStr()
	p.Department = d.optStr()
	p.Implementer = d.optStr()
	p.BudgetInitialYuan = d.optMoney()
	p.BudgetYuan = d.optMoney()
	p.ExecutedYuan = d.optMoney()
	p.ExecutionRate = d.optFloat64()
	p.TotalWeight = d.optFloat64()
	p.TotalScore = d.optFloat64()
	p.FiscalYear = d.optInt32()
	p.Page = d.int32()
	p.Warnings = d.strings()
}

func (x *Indicator) appendMsg(o []byte) []byte {
	o = msgp.AppendArrayHeader(o, indicatorFields)
	o = msgp.AppendString(o, x.DocID)
	o = msgp.AppendInt32(o, x.ProjectSeq)
	o = msgp.AppendInt32(o, x.Seq)
	o = appendOpt(o, x.Level1, msgp.AppendString)
	o = appendOpt(o, x.Level2, msgp.AppendString)
	o = msgp.AppendString(o, x.Name)
	o = appendOpt(o, x.TargetText, msgp.AppendString)
	o = appendOpt(o, x.TargetOp, msgp.AppendString)
	o = appendOpt(o, x.TargetValue, msgp.AppendFloat64)
	o = appendOpt(o, x.ActualText, msgp.AppendString)
	o = appendOpt(o, x.ActualValue, msgp.AppendFloat64)
	o = appendOpt(o, x.Unit, msgp.AppendString)
	o = appendOpt(o, x.Weight, msgp.AppendFloat64)
	o = appendOpt(o, x.Score, msgp.AppendFloat64)
	o = appendOpt(o, x.Note, msgp.AppendString)
	o = appendOpt(o, x.FiscalYear, msgp.AppendInt32)
	return o
}

func (x *Indicator) decodeMsg(d *decoder) {
	d.array(indicatorFields, "indicator")
	x.DocID = d.docID()
	x.ProjectSeq = d.int32()
	x.Seq = d.int32()
	x.Level1 = d.optStr()
	x.Level2 = d.optStr()
	x.Name = d.str()
	x.TargetText = d.optStr()
	x.TargetOp = d.optStr()
	x.TargetValue = d.optFloat64()
	x.ActualText = d.optStr()
	x.ActualValue = d.optFloat64()
	x.Unit = d.optStr()
	x.Weight = d.optFloat64()
	x.Score = d.optFloat64()
	x.Note = d.optStr()
	x.FiscalYear = d.optInt32()
}

// appendOpt appends *p, or nil (NULL) when p is nil.
func appendOpt[T any](o []byte, p *T, appendValue func([]byte, T) []byte) []byte {
	if p == nil {
		return msgp.AppendNil(o)
	}
	return appendValue(o, *p)
}

func appendMoney(o []byte, m Money) []byte { return msgp.AppendInt64(o, int64(m)) }

// appendStrings keeps a nil list apart from an empty one.
func appendStrings(o []byte, ss []string) []byte {
	if ss == nil {
		return msgp.AppendNil(o)
	}
	o = msgp.AppendArrayHeader(o, uint32(len(ss)))
	for _, s := range ss {
		o = msgp.AppendString(o, s)
	}
	return o
}

// decoder reads a batch; the first error sticks and every later read
// returns a zero value.
type decoder struct {
	b   []byte
	err error
	// docIDs are the doc_ids seen, copied once each: a batch holds one
	// document (or a few), and the dataset keeps the doc_ids it committed.
	docIDs []string
	// Optional values are taken from these arrays, a chunk at a time,
	// rather than allocated one by one.
	strs   []string
	int32s []int32
	floats []float64
	money  []Money
}

// optChunk is the number of optional values of one type allocated at once.
const optChunk = 256

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

func (d *decoder) arrayLen() uint32 {
	if d.err != nil {
		return 0
	}
	n, rest, err := msgp.ReadArrayHeaderBytes(d.b)
	if err != nil {
		d.fail(err)
		return 0
	}
	d.b = rest
	return n
}

func (d *decoder) array(fields uint32, what string) {
	if n := d.arrayLen(); d.err == nil && n != fields {
		d.fail(fmt.Errorf("a %s of %d fields, want %d", what, n, fields))
	}
}

// null consumes a nil and says whether there was one.
func (d *decoder) null() bool {
	if d.err != nil {
		return true
	}
	if msgp.IsNil(d.b) {
		d.b = d.b[1:]
		return true
	}
	return false
}

// str is a view of the string in the decoder's buffer.
func (d *decoder) str() string {
	if d.err != nil {
		return ""
	}
	v, rest, err := msgp.ReadStringZC(d.b)
	if err != nil {
		d.fail(err)
		return ""
	}
	d.b = rest
	if len(v) == 0 {
		return ""
	}
	return unsafe.String(&v[0], len(v))
}

// ownStr is a copy of the string, which does not keep the buffer alive.
func (d *decoder) ownStr() string { return own(d.str()) }

// own copies a view of the buffer.
func own(s string) string {
	if s == "" {
		return ""
	}
	return string([]byte(s))
}

func (d *decoder) docID() string {
	s := d.str()
	for _, id := range d.docIDs {
		if id == s {
			return id
		}
	}
	s = own(s)
	d.docIDs = append(d.docIDs, s)
	return s
}

func (d *decoder) optStr() *string {
	if d.null() {
		return nil
	}
	return d.keepStr(d.str())
}

func (d *decoder) optOwnStr() *string {
	if d.null() {
		return nil
	}
	return d.keepStr(d.ownStr())
}

func (d *decoder) keepStr(s string) *string {
	if len(d.strs) == cap(d.strs) {
		d.strs = make([]string, 0, optChunk)
	}
	d.strs = append(d.strs, s)
	return &d.strs[len(d.strs)-1]
}

func (d *decoder) strings() []string {
	if d.null() {
		return nil
	}
	n := d.arrayLen()
	if d.err != nil {
		return nil
	}
	if n > uint32(len(d.b)) {
		d.fail(msgp.ErrShortBytes)
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = d.str()
	}
	return ss
}

func (d *decoder) ownStrings() []string {
	ss := d.strings()
	for i, s := range ss {
		ss[i] = own(s)
	}
	return ss
}

func (d *decoder) int32() int32 {
	if d.err != nil {
		return 0
	}
	v, rest, err := msgp.ReadInt32Bytes(d.b)
	if err != nil {
		d.fail(err)
		return 0
	}
	d.b = rest
	return v
}

func (d *decoder) int64() int64 {
	if d.err != nil {
		return 0
	}
	v, rest, err := msgp.ReadInt64Bytes(d.b)
	if err != nil {
		d.fail(err)
		return 0
	}
	d.b = rest
	return v
}

func (d *decoder) float64() float64 {
	if d.err != nil {
		return 0
	}
	v, rest, err := msgp.ReadFloat64Bytes(d.b)
	if err != nil {
		d.fail(err)
		return 0
	}
	d.b = rest
	return v
}

func (d *decoder) bool() bool {
	if d.err != nil {
		return false
	}
	v, rest, err := msgp.ReadBoolBytes(d.b)
	if err != nil {
		d.fail(err)
		return false
	}
	d.b = rest
	return v
}

// time is in UTC: msgp's extension keeps the instant, not the zone (the
// column is a UTC timestamp).
func (d *decoder) time() time.Time {
	if d.err != nil {
		return time.Time{}
	}
	v, rest, err := msgp.ReadTimeBytes(d.b)
	if err != nil {
		d.fail(err)
		return time.Time{}
	}
	d.b = rest
	return v.UTC()
}

func (d *decoder) optInt32() *int32 {
	if d.null() {
		return nil
	}
	v := d.int32()
	if len(d.int32s) == cap(d.int32s) {
		d.int32s = make([]int32, 0, optChunk)
	}
	d.int32s = append(d.int32s, v)
	return &d.int32s[len(d.int32s)-1]
}

func (d *decoder) optFloat64() *float64 {
	if d.null() {
		return nil
	}
	v := d.float64()
	if len(d.floats) == cap(d.floats) {
		d.floats = make([]float64, 0, optChunk)
	}
	d.floats = append(d.floats, v)
	return &d.floats[len(d.floats)-1]
}

func (d *decoder) optMoney() *Money {
	if d.null() {
		return nil
	}
	v := Money(d.int64())
	if len(d.money) == cap(d.money) {
		d.money = make([]Money, 0, optChunk)
	}
	d.money = append(d.money, v)
	return &d.money[len(d.money)-1]
}
