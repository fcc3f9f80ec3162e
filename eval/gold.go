// Package eval measures zipin against hand-labelled gold reports: the
// precision and recall of the headline fields, the recall of the gold facts,
// and whether every fact's offsets point at its text.
package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
)

// Gold is one labelled document (the fields of corpus/README.md).
type Gold struct {
	ID         string     `json:"id"`
	Kind       string     `json:"kind"`
	Year       *int       `json:"year"`
	Department *string    `json:"department"`
	BudgetWan  *float64   `json:"budget_total_wan"`
	ExecWan    *float64   `json:"executed_wan"`
	RatePct    *float64   `json:"execution_rate_pct"`
	SelfScore  *float64   `json:"self_score"`
	Grade      *string    `json:"grade"`
	Facts      []GoldFact `json:"facts"`
	Notes      string     `json:"notes"`
}

// GoldFact is one labelled quantity: the exact span as written, its value
// with qualifiers stripped, and its unit as written.
type GoldFact struct {
	Text  string  `json:"text"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
	What  string  `json:"what"`
}

// ReadGold reads a gold.jsonl file.
func ReadGold(path string) ([]Gold, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Gold
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	line := 0
	for sc.Scan() {
		line++
		if len(sc.Bytes()) == 0 {
			continue
		}
		var g Gold
		if err := json.Unmarshal(sc.Bytes(), &g); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		out = append(out, g)
	}
	return out, sc.Err()
}
