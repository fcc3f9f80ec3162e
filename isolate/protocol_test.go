package isolate

import (
	"bufio"
	"bytes"
	"reflect"
	"testing"
	"time"

	"zipin/schema"
)

// A response's rows travel in a frame of their own after the gob frame;
// responses with and without rows alternate on one connection.
func TestResponseRowsFrame(t *testing.T) {
	var pipe bytes.Buffer
	fw, fr := newFrameWriter(bufio.NewWriter(&pipe)), newFrameReader(&pipe)
	rows := &schema.Batch{
		Reports: []schema.Report{{DocID: "abc", Format: "txt", BudgetYuan: schema.Ptr(schema.Money(12345)), Title: "自评报告"}},
		Facts:   []schema.Fact{{DocID: "abc", Seq: 1, Text: "1.5万元", Value: 15000, Unit: "元"}, {DocID: "abc", Seq: 2, Section: schema.Ptr("二、")}},
	}
	sent := []Response{
		{Seq: 1, DocID: "abc", Size: 10, Batch: rows, Format: "txt", Analyze: time.Millisecond},
		{Seq: 2, Unreadable: "not a report"},
		{Seq: 3, DocID: "abc", Batch: &schema.Batch{}},
	}
	for _, r := range sent {
		if err := fw.writeResponse(r); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range sent {
		var got Response
		if err := fr.readResponse(&got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v\nwant %+v", got, want)
		}
	}
	if got := *sent[0].Batch.Reports[0].BudgetYuan; got != 12345 {
		t.Errorf("the sender's rows changed: %d", got)
	}
	if pipe.Len() != 0 {
		t.Errorf("%d bytes left on the connection", pipe.Len())
	}
}
