package harvest

import (
	"regexp"
	"strings"
	"unicode"

	"zipin/schema"
)

// notReportPrefix starts every reason AcceptReport gives, so that the
// harvester tells its own skips from the pipeline's (already in the dataset).
const notReportPrefix = "not a report: "

// A portal's self-evaluation section lists, beside the reports, the
// documents that surround them: the notice asking departments to evaluate
// themselves, the blank form it attaches, the guide (编制指引) on how to
// write a report. Their titles share the reports' words, so the title
// cannot tell them apart; their content can. A report states what was
// spent, achieved or scored; a form holds placeholders (x万元) or empty
// cells; a notice or guide says so in its title's last word.
var (
	// guideTitle ends the title of a document about reports, never one:
	// whatever figures it holds are examples.
	guideTitle = regexp.MustCompile(`(指引|指南|模板|范本|样表|样本|填报说明|编制说明|填表说明|操作手册|说明书)\s*[)）]?\s*$`)
	// noticeTitle ends a notice's title; a notice that publishes a report in
	// its body states figures, so it is only a look-alike without them.
	noticeTitle = regexp.MustCompile(`(通知|通告|函)\s*[)）]?\s*$`)
	// placeholder is a figure left for the filler: x万元, XX%, ××分, ___元.
	placeholder = regexp.MustCompile(`(?:(?:^|[^A-Za-z])[xX×Ｘｘ*＊]{1,4}|_{2,}|＿{2,})\s*(?:万元|亿元|元|%|％|分|个|人|项|亩|公里)`)
)

// minJudgedRunes is how much text a document needs before its lack of
// figures says anything: a scanned report without a text layer is not a
// look-alike, it is a document the pipeline flags for OCR.
const minJudgedRunes = 20

// AcceptReport is the pipeline's Accept hook (pipeline.Options.Accept,
// worker.Worker.Accept): it returns why an analyzed document is not a report
// (starting "not a report: "), or "" for a report. It judges with the
// product's own extraction: the headline fields and the facts (money
// amounts) the pipeline found, and the normalized text. The harvester's
// own ingest applies it to what it fetched; a queue worker to the jobs the
// harvester enqueued (those with a source URL).
func AcceptReport(_ string, b *schema.Batch) string {
	if b == nil || len(b.Reports) == 0 {
		return ""
	}
	rep := b.Reports[0]
	text := ""
	for _, t := range b.Texts {
		text += t.Text + "\n"
	}
	money := rep.BudgetYuan != nil || rep.ExecutedYuan != nil
	for _, f := range b.Facts {
		if f.Kind == "money" {
			money = true
			break
		}
	}
	figures := money || rep.ExecutionRate != nil || rep.SelfScore != nil
	titles := []string{StripSiteName(rep.Title), StripSiteName(firstLine(text))}
	for _, t := range titles {
		if m := guideTitle.FindStringSubmatch(t); m != nil {
			return notReportPrefix + "a guide or template (its title 《" + t + "》 ends in " + m[1] + ")"
		}
	}
	for _, t := range titles {
		if m := noticeTitle.FindStringSubmatch(t); m != nil && !money {
			return notReportPrefix + "a notice (its title 《" + t + "》 ends in " + m[1] + ") stating no amount spent"
		}
	}
	if n := len(placeholder.FindAllString(text, -1)); n >= 2 && !money {
		return notReportPrefix + "a blank form: placeholders such as “" + strings.TrimSpace(placeholder.FindString(text)) + "” and no amount filled in"
	}
	if !figures && cjkRunes(text) >= minJudgedRunes {
		return notReportPrefix + "states nothing spent, achieved or scored (no amount, rate or score found)"
	}
	return ""
}

func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}

func cjkRunes(s string) int {
	n := 0
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			n++
		}
	}
	return n
}
