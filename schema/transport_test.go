package schema

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tinylib/msgp/msgp"
)

// handBatch is one document's rows written by hand: DECIMAL money (in 分),
// NULLs beside set optional values, CJK text, an empty list beside a nil
// one, and every field of every record set somewhere.
func handBatch() *Batch {
	id := "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	at := time.Date(2026, 12, 1, 3, 4, 5, 6_000_000, time.UTC)
	return &Batch{
		Reports: []Report{{
			DocID: id, Source: "/data/江宁区/民政局-2023.pdf", Format: "pdf", Pages: 12,
			Title: "2023年度项目支出绩效自评报告", Kind: "project",
			Organization: Ptr("南京市江宁区民政局"), FiscalYear: Ptr[int32](2023),
			BudgetYuan: Ptr(Money(123456789)), ExecutedYuan: Ptr(Money(-5)), // 1,234,567.89 元; −0.05 元
			ExecutionRate: Ptr(99.5), SelfScore: Ptr(92.0), Grade: Ptr("优"),
			Warnings:         []string{"预算数与合计不符", ""},
			ExtractorVersion: "17", ExtractedAt: at,
			SourceURL: Ptr("https://example.org/a.pdf"), Bytes: 1 << 40,
			Evidence: []Evidence{
				{Field: "budget", Value: "1234567.89", Page: 2, Start: 10, End: 22, Label: "全年预算数",
					Source: "table", Scope: "document", Chosen: true, Reason: "合计行"},
				{Field: "self_score", Value: "92", Label: "自评得分", Source: "prose", Scope: "project", Reason: "较低优先级"},
			},
		}},
		Facts: []Fact{
			{DocID: id, Seq: 1, Page: 2, Start: 3, End: 9, Text: "123.45万元", Value: 1234500, Unit: "元",
				UnitText: "万元", Kind: "money", Approx: Ptr("约"), Metric: Ptr("预算"), Subject: Ptr("项目"),
				Section: Ptr("一、基本情况"), FiscalYear: Ptr[int32](2023), Op: Ptr("≥"), ValueHigh: Ptr(2.5e6)},
			{DocID: id, Seq: 2, Page: 3, Text: "九成", Value: 0.9, Unit: "%", Kind: "ratio"},
		},
		Texts: []Text{
			{DocID: id, Page: 1, Text: "绩效目标完成情况\n\f第二行", Method: "pdf", Quality: 0.98},
			{DocID: id, Page: 2, Text: "", Method: "ocr", Quality: 0},
		},
		Projects: []Project{{
			DocID: id, ProjectSeq: 1, Project: Ptr("困难群众救助"), Department: Ptr("民政局"), Implementer: Ptr("社会救助科"),
			BudgetInitialYuan: Ptr(Money(100)), BudgetYuan: Ptr(Money(9_223_372_036_854_775_807)), ExecutedYuan: Ptr(Money(0)),
			ExecutionRate: Ptr(100.0), TotalWeight: Ptr(100.0), TotalScore: Ptr(95.5),
			FiscalYear: Ptr[int32](2023), Page: 4, Warnings: []string{},
		}, {DocID: id, ProjectSeq: 2}},
		Indicators: []Indicator{{
			DocID: id, ProjectSeq: 1, Seq: 1, Level1: Ptr("产出指标"), Level2: Ptr("数量指标"), Name: "救助人数",
			TargetText: Ptr("≥1000人"), TargetOp: Ptr("≥"), TargetValue: Ptr(1000.0), ActualText: Ptr("1200人"),
			ActualValue: Ptr(1200.0), Unit: Ptr("人"), Weight: Ptr(10.0), Score: Ptr(10.0), Note: Ptr("无"),
			FiscalYear: Ptr[int32](2023),
		}, {DocID: id, ProjectSeq: 1, Seq: 2, Name: "满意度"}},
	}
}

func TestBatchTransportRoundTrip(t *testing.T) {
	in := handBatch()
	// Every field of every record is set in the batch: a field added to a
	// record but not to its encoder fails here.
	for _, rows := range []any{in.Reports, in.Reports[0].Evidence, in.Facts, in.Texts, in.Projects, in.Indicators} {
		v := reflect.ValueOf(rows)
		for f := 0; f < v.Type().Elem().NumField(); f++ {
			set := false
			for i := 0; i < v.Len(); i++ {
				set = set || !v.Index(i).Field(f).IsZero()
			}
			if !set {
				t.Errorf("%s.%s is never set in handBatch", v.Type().Elem().Name(), v.Type().Elem().Field(f).Name)
			}
		}
	}
	enc, err := in.AppendBinary([]byte("prefix"))
	if err != nil {
		t.Fatal(err)
	}
	if string(enc[:6]) != "prefix" {
		t.Fatalf("AppendBinary did not append: %q", enc[:6])
	}
	out, err := DecodeBatch(enc[6:])
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out, in) {
		t.Fatalf("round trip changed the rows:\n got %+v\nwant %+v", out, in)
	}
	// Written by hand, not from in: the decoded values are the exact ones.
	r := out.Reports[0]
	if *r.BudgetYuan != 123456789 || *r.ExecutedYuan != -5 || *out.Projects[0].BudgetYuan != 9_223_372_036_854_775_807 {
		t.Errorf("money: %d %d %d", *r.BudgetYuan, *r.ExecutedYuan, *out.Projects[0].BudgetYuan)
	}
	if out.Facts[1].Approx != nil || out.Facts[1].ValueHigh != nil || out.Projects[1].BudgetYuan != nil || out.Indicators[1].Note != nil {
		t.Error("a NULL came back set")
	}
	if out.Texts[0].Text != "绩效目标完成情况\n\f第二行" || *out.Indicators[0].TargetOp != "≥" {
		t.Errorf("CJK text: %q %q", out.Texts[0].Text, *out.Indicators[0].TargetOp)
	}
	if out.Projects[0].Warnings == nil || len(out.Projects[0].Warnings) != 0 || out.Projects[1].Warnings != nil {
		t.Errorf("an empty list and a nil one: %#v %#v", out.Projects[0].Warnings, out.Projects[1].Warnings)
	}
	if !r.ExtractedAt.Equal(time.Date(2026, 12, 1, 3, 4, 5, 6_000_000, time.UTC)) || r.ExtractedAt.Location() != time.UTC {
		t.Errorf("extracted_at %v", r.ExtractedAt)
	}
	// A report's strings are copies, so keeping an outcome's format does
	// not keep the encoded batch; doc_id is one copy for every table.
	for i := range enc {
		enc[i] = 'x'
	}
	if r.Format != "pdf" || r.Title != "2023年度项目支出绩效自评报告" || r.Evidence[0].Label != "全年预算数" || r.DocID != in.Reports[0].DocID || out.Facts[0].DocID != in.Facts[0].DocID {
		t.Errorf("a report's string or a doc_id shares the encoded bytes: %q %q %q", r.Format, r.Title, r.DocID)
	}
}

func TestBatchTransportEmpty(t *testing.T) {
	enc, _ := (&Batch{}).AppendBinary(nil)
	out, err := DecodeBatch(enc)
	if err != nil || !reflect.DeepEqual(out, &Batch{}) {
		t.Fatalf("empty batch: %+v %v", out, err)
	}
}

func TestBatchTransportRefusesDamage(t *testing.T) {
	enc, _ := handBatch().AppendBinary(nil)
	for _, n := range []int{0, 1, len(enc) / 2, len(enc) - 1} {
		if _, err := DecodeBatch(append([]byte(nil), enc[:n]...)); !errors.Is(err, msgp.ErrShortBytes) {
			t.Errorf("cut at %d of %d bytes: %v, want ErrShortBytes", n, len(enc), err)
		}
	}
	if _, err := DecodeBatch(append(append([]byte(nil), enc...), 0xc0)); err == nil || !strings.Contains(err.Error(), "1 bytes left after the batch") {
		t.Errorf("a stray byte: %v", err)
	}
	// A text row of 4 fields where 5 are wanted (an encoder from another
	// version of the records).
	b := msgp.AppendArrayHeader(nil, batchTables)
	b = msgp.AppendArrayHeader(b, 0)
	b = msgp.AppendArrayHeader(b, 0)
	b = msgp.AppendArrayHeader(b, 1)
	b = msgp.AppendArrayHeader(b, 4)
	b = msgp.AppendString(b, "id")
	if _, err := DecodeBatch(b); err == nil || !strings.Contains(err.Error(), "a text of 4 fields, want 5") {
		t.Errorf("a short row: %v", err)
	}
	// A row count beyond the bytes left allocates nothing.
	b = msgp.AppendArrayHeader(nil, batchTables)
	b = msgp.AppendArrayHeader(b, 1<<31)
	if _, err := DecodeBatch(b); !errors.Is(err, msgp.ErrShortBytes) {
		t.Errorf("a huge row count: %v", err)
	}
}
