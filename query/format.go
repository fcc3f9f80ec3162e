package query

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/rivo/uniseg"
)

// Formats are the output formats, by --format name.
var Formats = map[string]func(io.Writer, *Result) error{
	"table": WriteTable,
	"csv":   WriteCSV,
	"json":  WriteJSON,
}

// MaxCellWidth bounds a table cell, in terminal columns (a doc_id is 64), so that a page of
// texts.text does not push every other column off the screen.
const MaxCellWidth = 80

// WriteTable writes an aligned text table. Widths count terminal columns, so
// that 汉字 (two columns each) line up with ASCII; numbers align right.
func WriteTable(w io.Writer, r *Result) error {
	cells := make([][]string, len(r.Rows))
	width := make([]int, len(r.Columns))
	numeric := make([]bool, len(r.Columns))
	for j, c := range r.Columns {
		width[j] = uniseg.StringWidth(c)
		numeric[j] = true
	}
	for i, row := range r.Rows {
		cells[i] = make([]string, len(row))
		for j, v := range row {
			s := truncate(oneLine(text(v, "NULL")), MaxCellWidth)
			cells[i][j] = s
			width[j] = max(width[j], uniseg.StringWidth(s))
			if v != nil && !isNumber(v) {
				numeric[j] = false
			}
		}
	}
	var b bytes.Buffer
	line := func(vals []string, right []bool) {
		for j, s := range vals {
			pad := strings.Repeat(" ", width[j]-uniseg.StringWidth(s))
			if j > 0 {
				b.WriteString("  ")
			}
			if right[j] {
				b.WriteString(pad + s)
			} else if j < len(vals)-1 {
				b.WriteString(s + pad)
			} else {
				b.WriteString(s) // no trailing blanks
			}
		}
		b.WriteByte('\n')
	}
	line(r.Columns, numeric)
	rules := make([]string, len(r.Columns))
	for j := range rules {
		rules[j] = strings.Repeat("-", width[j])
	}
	line(rules, make([]bool, len(r.Columns)))
	for _, row := range cells {
		line(row, numeric)
	}
	fmt.Fprintf(&b, "(%d row%s)\n", len(r.Rows), plural(len(r.Rows)))
	_, err := w.Write(b.Bytes())
	return err
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// WriteCSV writes RFC 4180 CSV with a header; NULL is an empty field.
func WriteCSV(w io.Writer, r *Result) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(r.Columns); err != nil {
		return err
	}
	rec := make([]string, len(r.Columns))
	for _, row := range r.Rows {
		for j, v := range row {
			rec[j] = text(v, "")
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes an array of objects, one a line, keys in column order.
// DECIMAL values are JSON numbers written exactly (123.40), never through a
// float.
func WriteJSON(w io.Writer, r *Result) error {
	var b bytes.Buffer
	b.WriteString("[")
	for i, row := range r.Rows {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n{")
		for j, v := range row {
			if j > 0 {
				b.WriteString(",")
			}
			k, _ := json.Marshal(r.Columns[j])
			b.Write(k)
			b.WriteString(":")
			jv, err := json.Marshal(jsonValue(v))
			if err != nil {
				return fmt.Errorf("json: row %d column %s: %w", i+1, r.Columns[j], err)
			}
			b.Write(jv)
		}
		b.WriteString("}")
	}
	b.WriteString("\n]\n")
	_, err := w.Write(b.Bytes())
	return err
}

// jsonValue maps a driver value to one encoding/json writes faithfully.
func jsonValue(v any) any {
	switch x := v.(type) {
	case Decimal:
		return json.Number(decimalString(x))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return strconv.FormatFloat(x, 'f', -1, 64) // JSON has no NaN
		}
		return x
	case *big.Int:
		return json.Number(x.String())
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonValue(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jsonValue(e)
		}
		return out
	}
	return v
}

// text renders a value for the table and CSV; null stands for SQL NULL.
func text(v any, null string) string {
	switch x := v.(type) {
	case nil:
		return null
	case string:
		return x
	case Decimal:
		return decimalString(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32)
	case time.Time:
		return x.UTC().Format("2006-01-02 15:04:05")
	case []byte:
		return fmt.Sprintf("%x", x)
	case []any, map[string]any:
		b, err := json.Marshal(jsonValue(x))
		if err != nil {
			return fmt.Sprint(x)
		}
		return string(b)
	}
	return fmt.Sprint(v)
}

// decimalString writes a DECIMAL with all its scale digits (1234.50), as
// money is read; the driver's own String drops trailing zeros.
func decimalString(d Decimal) string {
	if d.Unscaled == nil {
		return "0"
	}
	s := new(big.Int).Abs(d.Unscaled).String()
	sign := ""
	if d.Unscaled.Sign() < 0 {
		sign = "-"
	}
	if d.Scale == 0 {
		return sign + s
	}
	sc := d.Scale
	if len(s) <= sc {
		s = strings.Repeat("0", sc-len(s)+1) + s
	}
	return sign + s[:len(s)-sc] + "." + s[len(s)-sc:]
}

func isNumber(v any) bool {
	switch v.(type) {
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64,
		float32, float64, Decimal, *big.Int:
		return true
	}
	return false
}

// oneLine keeps a cell on one line.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", "⏎", "\n", "⏎", "\r", "⏎", "\t", " ").Replace(s)
}

// truncate cuts s to at most w terminal columns, marking the cut with "…".
func truncate(s string, w int) string {
	if uniseg.StringWidth(s) <= w {
		return s
	}
	var b strings.Builder
	used := 0
	g := uniseg.NewGraphemes(s)
	for g.Next() {
		cw := g.Width()
		if used+cw > w-1 {
			break
		}
		b.WriteString(g.Str())
		used += cw
	}
	return b.String() + "…"
}
