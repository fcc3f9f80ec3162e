package pdf

import "testing"

// TestJoinOCRNumbers: the decimals and percentages tesseract splits are
// one token again; spaces between separate numbers stay.
func TestJoinOCRNumbers(t *testing.T) {
	for in, want := range map[string]string{
		"项目预算412. 60万元":       "项目预算412.60万元",
		"实际支出 398 .15 万元":     "实际支出 398.15 万元",
		"执行率 96. 5 %":         "执行率 96.5%",
		"完成率100 %，得分 9 .5分":   "完成率100%，得分 9.5分",
		"合计 1, 234.50":        "合计 1,234.50",
		"第 1 2 3 项":           "第 1 2 3 项",
		"2022年 12 月":          "2022年 12 月",
		"Budget 412.60 spent": "Budget 412.60 spent",
	} {
		if got := joinOCRNumbers(in); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

// TestScriptQuality: Latin junk that OCR makes of a Chinese page scores
// low on a page that should be Chinese; the same letters are fine on an
// English page, and acronyms in Chinese text are not junk.
func TestScriptQuality(t *testing.T) {
	junk := "BRE Vy DEP MIS 2 CHIT S. MSC R Hv MM Dv 7 ORB E CHAECT VEGAS LILA"
	if q := scriptQuality(junk, true); q > 0.4 {
		t.Errorf("Latin junk on a Chinese page scores %.2f", q)
	}
	if q := scriptQuality(junk, false); q < 0.9 {
		t.Errorf("Latin text on a Latin page scores %.2f", q)
	}
	if q := scriptQuality("本项目采用PPP模式，预算执行率96.5%，GDP增长", true); q < 0.9 {
		t.Errorf("Chinese with acronyms scores %.2f", q)
	}
}
