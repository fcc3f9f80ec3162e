package facts

import (
	"regexp"
	"strings"

	"zipin/lexicon"
	"zipin/normalize"
	"zipin/quantity"
)

// The 总分 row of a 自评表's indicator table: `| 总分 | 100 | 93 | 优 |`.
// Its first number is the form's full mark (分值, 100) and the second the
// self-evaluation score; a grade may follow. Flattened, the cells may be
// glued (总分10098). The row is read only on a page whose table has a score
// column (分值, 权重, 得分), so that prose "总分100分" is never read as one.

// scoreRowLabels open the total row of an indicator table. 合计 is not one:
// in a funding table its row holds amounts (合计 100 95 could be 万元).
var scoreRowLabels = []string{"总分", "总 分"}

// formFullMark is the full mark of a 自评表 (财预〔2020〕10号): a total row
// whose first number is not it is no total row.
const formFullMark = 100

// gluedTotal reads the two numbers of a total row glued into one cell:
// 10098 → 100 | 98, 10093.5 → 100 | 93.5.
var gluedTotal = regexp.MustCompile(`总分(100)((?:100|[1-9]?[0-9])(?:\.[0-9]{1,2})?)`)

// gradeCell is a grade written in a cell of the total row.
var gradeCell = regexp.MustCompile(`^(优秀|良好|中等|优|良|中|差)$`)

// scoreRow is what a total row gives: the score fact and the grade, if any.
type scoreRow struct {
	score Fact
	grade *Candidate
}

// totalScoreRows finds the 总分 rows of a page.
func totalScoreRows(p *normalize.Page) []scoreRow {
	r := p.Runes()
	if !hasScoreColumn(p.Text) {
		return nil
	}
	toks := tokens(r, 0, len(r))
	var out []scoreRow
	for i, t := range toks {
		label := ""
		for _, l := range scoreRowLabels {
			if strings.HasPrefix(t.text, l) {
				label = l
			}
		}
		if label == "" {
			continue
		}
		rest := strings.TrimPrefix(t.text, label)
		if rest != "" {
			continue // glued: read below
		}
		var weight, score token
		next := i + 1
		switch {
		case rest == "" && i+2 < len(toks) && isValueToken(toks[i+1].text) && isValueToken(toks[i+2].text):
			weight, score, next = toks[i+1], toks[i+2], i+3
		default:
			continue
		}
		w, ok1 := quantity.ParseNumber(weight.text)
		v, ok2 := quantity.ParseNumber(score.text)
		if !ok1 || !ok2 || w != formFullMark || v > w || percentCell(score.text) {
			continue
		}
		sr := scoreRow{score: Fact{
			Page: p.Number, Start: score.start, End: score.end, Text: score.text, Value: v,
			Unit: "分", Kind: lexicon.Score, Metric: SelfScore, Section: p.SectionAt(score.start),
			label: "总分行", row: label, cell: true, total: true, full: w,
		}}
		if next < len(toks) && gradeCell.MatchString(toks[next].text) {
			g := toks[next]
			sr.grade = &Candidate{Field: "grade", Value: g.text, Page: p.Number, Start: g.start, End: g.end,
				Label: label, Source: "table", Scope: "document", Reason: "the grade cell of the 总分 row"}
		}
		out = append(out, sr)
	}
	// Glued: the cells of a flattened form run together (总分10098).
	cur := runeCursor{text: p.Text}
	for _, m := range gluedTotal.FindAllStringSubmatchIndex(p.Text, -1) {
		at := cur.at
		if m[1] < len(p.Text) && strings.ContainsAny(p.Text[m[1]:m[1]+1], "0123456789.%") {
			continue
		}
		v, ok := quantity.ParseNumber(p.Text[m[4]:m[5]])
		if !ok || v > formFullMark {
			continue
		}
		s, e := at(m[4]), at(m[5])
		out = append(out, scoreRow{score: Fact{
			Page: p.Number, Start: s, End: e, Text: p.Text[m[4]:m[5]], Value: v,
			Unit: "分", Kind: lexicon.Score, Metric: SelfScore, Section: p.SectionAt(s),
			label: "总分行", row: "总分", cell: true, total: true, full: formFullMark,
		}})
	}
	return out
}

// scoreHeader names a score column of an indicator table.
var scoreHeader = regexp.MustCompile(`(?:^|[|\n\s])\s*(?:分值|权重|得分|指标分值|自评得分)\s*(?:[（(]分[)）])?\s*(?:[|\n\s]|$)`)

func hasScoreColumn(text string) bool {
	return scoreHeader.MatchString(text) || strings.Contains(text, "分值") && strings.Contains(text, "得分")
}

// withScoreRows adds the scores of the page's 总分 rows as facts, or types
// the facts already read at their spans.
func withScoreRows(p *normalize.Page, page []Fact) []Fact {
	for _, sr := range totalScoreRows(p) {
		found := false
		for k := range page {
			f := &page[k]
			if f.Start == sr.score.Start && f.End == sr.score.End {
				f.Value, f.Kind, f.Unit, f.UnitText, f.Metric, f.label = sr.score.Value, lexicon.Score, "分", "", SelfScore, sr.score.label
				f.row, f.cell, f.total, f.full = sr.score.row, true, true, sr.score.full
				found = true
			}
		}
		if !found {
			page = append(page, sr.score)
		}
	}
	return page
}

// scoreRowGrades are the grades stated in the 总分 rows of a document, for
// the grade field where the text states none.
func scoreRowGrades(nd *normalize.Doc) []Candidate {
	var out []Candidate
	for pi := range nd.Pages {
		for _, sr := range totalScoreRows(&nd.Pages[pi]) {
			if sr.grade != nil {
				out = append(out, *sr.grade)
			}
		}
	}
	return out
}
