// Package pipeline runs the stages — extract, normalize, facts, 自评表 —
// over one document, and ingests sets of files into a dataset.
package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
	"unicode"

	"zipin/extract"
	"zipin/extract/doc"
	"zipin/facts"
	"zipin/normalize"
	"zipin/schema"
	"zipin/segment"
	"zipin/selfeval"
	"zipin/version"
)

// Input is one document to analyze.
type Input struct {
	Source    string // the path or URL it was read from
	SourceURL string // where the harvester fetched it, if it did
	Data      []byte
}

// DocID is the dataset key of a document: the hex SHA-256 of its bytes.
func DocID(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// Analyze runs every stage over one document and returns its rows. An input
// that cannot be read yields a *doc.Unreadable error, for quarantine.
func Analyze(ctx context.Context, in Input) (*schema.Batch, error) {
	d, err := extract.Read(ctx, in.Source, in.Data)
	if err != nil {
		return nil, err
	}
	return AnalyzeDocument(ctx, in, d)
}

// AnalyzeDocument runs the stages after extraction over a document already
// read: normalize; facts (with the process-wide segmenter) and the 自评表
// (selfeval) side by side; facts.Reconcile, which joins the forms to the
// headline; then rows. The bulk importer extracts in worker processes and finishes
// each document with this.
func AnalyzeDocument(ctx context.Context, in Input, d *doc.Document) (*schema.Batch, error) {
	nd, err := normalize.Document(d)
	if err != nil {
		return nil, err
	}
	seg, err := segment.Default()
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, doc.Unreadablef("time budget exceeded: %v", err)
	}
	res := analyzeFlow(nd, seg)
	forms := selfeval.Extract(nd)
	facts.Reconcile(&res.Headline, forms)
	return rows(in, d, nd, res, forms), nil
}

// flowFormats are the formats whose page breaks are layout, not structure:
// a paragraph or a table may run on across them. An XLSX sheet or an HTML
// page stands alone.
var flowFormats = map[doc.Format]bool{doc.FormatPDF: true, doc.FormatDOCX: true, doc.FormatDOC: true, doc.FormatTXT: true}

// analyzeFlow runs the facts stage over the document's pages read as one
// text (normalize.Flow), so that a label and its number, or a table header
// and its rows, parted by a page break still pair, as they do in the same
// report as one text; then maps every span back to its page. A fact whose
// own text a page break cuts keeps the piece before the break when its
// number is whole there, and is dropped otherwise. The 自评表 are read from
// the pages as they are (AnalyzeDocument), which the forms reader already
// reads across breaks, so that each keeps its page.
func analyzeFlow(nd *normalize.Doc, seg *segment.Segmenter) *facts.Result {
	if len(nd.Pages) < 2 || !flowFormats[nd.Format] {
		return facts.Analyze(nd, seg)
	}
	fl := normalize.NewFlow(nd)
	res := facts.Analyze(fl.Doc, seg)
	kept := res.Facts[:0]
	for _, f := range res.Facts {
		page, s, e, ok := fl.Locate(f.Page, f.Start, f.End)
		if !ok {
			// The break cut the fact's own text. When the number is whole
			// before it (1987.08万 ⏎ 元), the fact keeps that piece as its
			// span; a cut number is dropped.
			page, s, e, ok = fl.Clip(f.Page, f.Start, f.End)
			r := []rune(f.Text)
			last := strings.LastIndexFunc(f.Text, unicode.IsDigit)
			if !ok || last < 0 || e-s <= len([]rune(f.Text[:last])) || e-s >= len(r) {
				continue
			}
			f.Text = string(r[:e-s])
		}
		f.Page, f.Start, f.End = page, s, e
		kept = append(kept, f)
	}
	res.Facts = kept
	for i := range res.Headline.Evidence {
		if c := &res.Headline.Evidence[i]; c.Page > 0 {
			page, s, e, ok := fl.Locate(c.Page, c.Start, c.End)
			if !ok {
				// A span cut by the break: the piece on its start's page.
				page, s, e, _ = fl.Clip(c.Page, c.Start, c.End)
			}
			c.Page, c.Start, c.End = page, s, e
		}
	}
	return res
}

// rows is the one place the stages' results become dataset rows: each gets
// the document's doc_id and fiscal year here.
func rows(in Input, d *doc.Document, nd *normalize.Doc, res *facts.Result, forms *selfeval.Result) *schema.Batch {
	id := DocID(in.Data)
	h := res.Headline
	var year *int32
	if h.FiscalYear != nil {
		year = schema.Ptr(int32(*h.FiscalYear))
	}
	rep := schema.Report{
		DocID:            id,
		Source:           in.Source,
		Format:           string(d.Format),
		Pages:            int32(len(nd.Pages)),
		Title:            h.Title,
		Kind:             h.Kind,
		Organization:     h.Organization,
		FiscalYear:       year,
		BudgetYuan:       h.Budget,
		ExecutedYuan:     h.Executed,
		ExecutionRate:    h.ExecutionRate,
		SelfScore:        h.SelfScore,
		Grade:            h.Grade,
		Warnings:         append([]string{}, h.Warnings...),
		ExtractorVersion: version.Extractor,
		ExtractedAt:      time.Now().UTC().Truncate(time.Millisecond),
		Bytes:            int64(len(in.Data)),
		Evidence:         evidence(h.Evidence),
	}
	if in.SourceURL != "" {
		rep.SourceURL = schema.Ptr(in.SourceURL)
	}
	b := &schema.Batch{Reports: []schema.Report{rep}}
	for _, p := range nd.Pages {
		b.Texts = append(b.Texts, schema.Text{DocID: id, Page: int32(p.Number), Text: p.Text, Method: p.Method, Quality: p.Quality})
	}
	for i, f := range res.Facts {
		b.Facts = append(b.Facts, schema.Fact{
			DocID: id, Seq: int32(i + 1), Page: int32(f.Page), Start: int32(f.Start), End: int32(f.End),
			Text: f.Text, Value: f.Value, Unit: f.Unit, UnitText: f.UnitText, Kind: string(f.Kind),
			Approx: opt(f.Approx), Metric: opt(string(f.Metric)), Subject: opt(f.Subject), Section: opt(f.Section),
			FiscalYear: year, Op: opt(f.Op), ValueHigh: f.ValueHigh,
		})
	}
	for _, p := range forms.Projects {
		b.Projects = append(b.Projects, schema.Project{
			DocID: id, ProjectSeq: int32(p.Seq), Project: p.Name, Department: p.Department, Implementer: p.Implementer,
			BudgetInitialYuan: p.BudgetInitial, BudgetYuan: p.Budget, ExecutedYuan: p.Executed, ExecutionRate: p.ExecutionRate,
			TotalWeight: p.TotalWeight, TotalScore: p.TotalScore, FiscalYear: year, Page: int32(p.Page), Warnings: p.Warnings,
		})
	}
	for _, in := range forms.Indicators {
		b.Indicators = append(b.Indicators, schema.Indicator{
			DocID: id, ProjectSeq: int32(in.ProjectSeq), Seq: int32(in.Seq), Level1: in.Level1, Level2: in.Level2, Name: in.Name,
			TargetText: in.TargetText, TargetOp: in.TargetOp, TargetValue: in.TargetValue, ActualText: in.ActualText,
			ActualValue: in.ActualValue, Unit: in.Unit, Weight: in.Weight, Score: in.Score, Note: in.Note, FiscalYear: year,
		})
	}
	return b
}

// evidence maps the headline's weighed candidates to reports.evidence.
func evidence(cs []facts.Candidate) []schema.Evidence {
	out := make([]schema.Evidence, 0, len(cs))
	for _, c := range cs {
		out = append(out, schema.Evidence{
			Field: c.Field, Value: c.Value, Page: int32(c.Page), Start: int32(c.Start), End: int32(c.End),
			Label: c.Label, Source: c.Source, Scope: c.Scope, Chosen: c.Chosen, Reason: c.Reason,
		})
	}
	return out
}

func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
