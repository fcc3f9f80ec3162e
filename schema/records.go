// Package schema holds the typed records of the zipin dataset and their
// Parquet schema: table names and the options every file is written with.
// Package dataset writes and reads them. The tables and columns follow
// CONTRACT.md (docs/SCHEMA.md in this repository documents each one);
// columns may be added, never renamed or dropped.
package schema

import (
	"time"

	"zipin/quantity"
)

// SchemaVersion is written into every file's key-value metadata as
// zipin.schema_version. Bump it when a column is added.
const SchemaVersion = "2"

// Money is the stages' exact amount in 分, quantity.Money. The writer
// stores its integer 分 as DECIMAL(18,2) 元 (the decimal(2:18) tag): the
// one place an amount becomes a decimal, with no float in between.
type Money = quantity.Money

// Report is one row of `reports`: one source document.
type Report struct {
	DocID            string    `parquet:"doc_id"`
	Source           string    `parquet:"source"`
	Format           string    `parquet:"format"`
	Pages            int32     `parquet:"pages"`
	Title            string    `parquet:"title"`
	Kind             string    `parquet:"kind"`
	Organization     *string   `parquet:"organization,optional"`
	FiscalYear       *int32    `parquet:"fiscal_year,optional"`
	BudgetYuan       *Money    `parquet:"budget_yuan,optional,decimal(2:18)"`
	ExecutedYuan     *Money    `parquet:"executed_yuan,optional,decimal(2:18)"`
	ExecutionRate    *float64  `parquet:"execution_rate,optional"`
	SelfScore        *float64  `parquet:"self_score,optional"`
	Grade            *string   `parquet:"grade,optional"`
	Warnings         []string  `parquet:"warnings,list"`
	ExtractorVersion string    `parquet:"extractor_version"`
	ExtractedAt      time.Time `parquet:"extracted_at,timestamp(millisecond)"`
	// Additions beyond the contract.
	SourceURL *string `parquet:"source_url,optional"` // where the harvester fetched it, if it did
	Bytes     int64   `parquet:"bytes"`
	// Evidence is, for each numeric headline field, the candidates weighed:
	// the chosen one and the rejected ones with the reason, so a reviewer
	// sees why a field holds its value or is NULL.
	Evidence []Evidence `parquet:"evidence,list"`
}

// Evidence is one candidate value weighed for a headline field of a report
// (an element of reports.evidence).
type Evidence struct {
	Field string `parquet:"field"` // budget, executed, execution_rate, self_score, …
	// Value is the candidate in the field's unit (元, %, 分) as a decimal
	// without exponent, or a name.
	Value string `parquet:"value"`
	// Page, Start, End locate the span in texts.text (runes, end exclusive);
	// page 0 when the candidate is not from the text.
	Page   int32  `parquet:"page"`
	Start  int32  `parquet:"start"`
	End    int32  `parquet:"end"`
	Label  string `parquet:"label"`  // the phrase that named the value (全年预算数, 合计, 自评得分)
	Source string `parquet:"source"` // label, title, table, form, signature, prose
	Scope  string `parquet:"scope"`  // document, project, section
	Chosen bool   `parquet:"chosen"`
	Reason string `parquet:"reason"` // why chosen or rejected, in a few words
}

// Fact is one row of `facts`: one quantity found in the text or a table.
type Fact struct {
	DocID    string  `parquet:"doc_id"`
	Seq      int32   `parquet:"seq"`
	Page     int32   `parquet:"page"`
	Start    int32   `parquet:"start"`
	End      int32   `parquet:"end"`
	Text     string  `parquet:"text"`
	Value    float64 `parquet:"value"`
	Unit     string  `parquet:"unit"`
	UnitText string  `parquet:"unit_text"`
	Kind     string  `parquet:"kind"`
	Approx   *string `parquet:"approx,optional"`
	Metric   *string `parquet:"metric,optional"`
	Subject  *string `parquet:"subject,optional"`
	Section  *string `parquet:"section,optional"`
	// Additions beyond the contract.
	FiscalYear *int32   `parquet:"fiscal_year,optional"` // the report's, to filter facts by year without a join
	Op         *string  `parquet:"op,optional"`          // ≥ ≤ > < = for targets
	ValueHigh  *float64 `parquet:"value_high,optional"`  // the upper end of a range (5-10个)
}

// Text is one row of `texts`: one page's normalized text.
type Text struct {
	DocID   string  `parquet:"doc_id"`
	Page    int32   `parquet:"page"`
	Text    string  `parquet:"text"`
	Method  string  `parquet:"method"`
	Quality float64 `parquet:"quality"`
}

// Project is one row of `projects`: one 自评表 in a document.
type Project struct {
	DocID             string   `parquet:"doc_id"`
	ProjectSeq        int32    `parquet:"project_seq"`
	Project           *string  `parquet:"project,optional"`
	Department        *string  `parquet:"department,optional"`
	Implementer       *string  `parquet:"implementer,optional"`
	BudgetInitialYuan *Money   `parquet:"budget_initial_yuan,optional,decimal(2:18)"`
	BudgetYuan        *Money   `parquet:"budget_yuan,optional,decimal(2:18)"`
	ExecutedYuan      *Money   `parquet:"executed_yuan,optional,decimal(2:18)"`
	ExecutionRate     *float64 `parquet:"execution_rate,optional"`
	TotalWeight       *float64 `parquet:"total_weight,optional"`
	TotalScore        *float64 `parquet:"total_score,optional"`
	// Additions beyond the contract.
	FiscalYear *int32   `parquet:"fiscal_year,optional"`
	Page       int32    `parquet:"page"` // where the table starts
	Warnings   []string `parquet:"warnings,list"`
}

// Indicator is one row of `indicators`: one indicator row of a 自评表.
type Indicator struct {
	DocID       string   `parquet:"doc_id"`
	ProjectSeq  int32    `parquet:"project_seq"`
	Seq         int32    `parquet:"seq"`
	Level1      *string  `parquet:"level1,optional"`
	Level2      *string  `parquet:"level2,optional"`
	Name        string   `parquet:"name"`
	TargetText  *string  `parquet:"target_text,optional"`
	TargetOp    *string  `parquet:"target_op,optional"`
	TargetValue *float64 `parquet:"target_value,optional"`
	ActualText  *string  `parquet:"actual_text,optional"`
	ActualValue *float64 `parquet:"actual_value,optional"`
	Unit        *string  `parquet:"unit,optional"`
	Weight      *float64 `parquet:"weight,optional"`
	Score       *float64 `parquet:"score,optional"`
	Note        *string  `parquet:"note,optional"`
	// Additions beyond the contract.
	FiscalYear *int32 `parquet:"fiscal_year,optional"`
}

// Batch is everything extracted from a set of documents, written together.
type Batch struct {
	Reports    []Report
	Facts      []Fact
	Texts      []Text
	Projects   []Project
	Indicators []Indicator
}

// Append adds another batch's rows.
func (b *Batch) Append(o *Batch) {
	b.Reports = append(b.Reports, o.Reports...)
	b.Facts = append(b.Facts, o.Facts...)
	b.Texts = append(b.Texts, o.Texts...)
	b.Projects = append(b.Projects, o.Projects...)
	b.Indicators = append(b.Indicators, o.Indicators...)
}

// Len is the number of documents in the batch.
func (b *Batch) Len() int { return len(b.Reports) }

// Ptr returns a pointer to v; handy for optional columns.
func Ptr[T any](v T) *T { return &v }

// Correction is one row of `corrections`: an auditor's verdict on a
// headline field or a fact of a document, made on the review page. The
// table is append-only and lives beside the extracted tables, which a
// re-extraction replaces: corrections are never rewritten, so they outlast
// every --force run and a newer extractor. The latest row for a (doc_id,
// target) is the one that counts.
type Correction struct {
	DocID string `parquet:"doc_id"`
	// Target is a reports column (budget_yuan, executed_yuan,
	// execution_rate, self_score, organization, fiscal_year, grade, title,
	// kind) or fact:SEQ for facts.value of the fact with that seq.
	Target string `parquet:"target"`
	// Action is confirm (the value is right) or correct (new_value
	// replaces it).
	Action string `parquet:"action"`
	// OldValue is the value the auditor saw, NewValue the right one, both as
	// text in the column's unit (元 with two decimals, %, 分, a year, a
	// name); NULL for a NULL value. A confirmation repeats the old value.
	OldValue *string `parquet:"old_value,optional"`
	NewValue *string `parquet:"new_value,optional"`
	Note     string  `parquet:"note"`
	Reviewer string  `parquet:"reviewer"`
	// ExtractorVersion is the version whose extraction was reviewed.
	ExtractorVersion string    `parquet:"extractor_version"`
	CorrectedAt      time.Time `parquet:"corrected_at,timestamp(millisecond)"`
}
