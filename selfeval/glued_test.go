package selfeval

import "testing"

// Values written by hand from the runs: each part keeps its own place.
func TestSplitFundingRun(t *testing.T) {
	cases := []struct {
		run    string
		header []string
		sub    bool
		want   []GluedPart
	}{
		// 全年 = 执行 = 285.3, rate 100%
		{"285.3285.3100%", []string{"全年预算数", "全年执行数", "执行率"}, false, []GluedPart{
			{0, 5, "285.3", 285.3, "全年预算数"}, {5, 10, "285.3", 285.3, "全年执行数"}, {10, 14, "100%", 100, "执行率"},
		}},
		// the standard form: 年初 40, 全年 40, 执行 40, 分值 10, 100%, no score written
		{"40404010100%", nil, false, []GluedPart{
			{0, 2, "40", 40, "年初预算数"}, {2, 4, "40", 40, "全年预算数"}, {4, 6, "40", 40, "全年执行数"},
			{6, 8, "10", 10, "分值"}, {8, 12, "100%", 100, "执行率"},
		}},
	}
	for _, c := range cases {
		got, ok := SplitFundingRun(c.run, c.header, c.sub)
		if !ok || len(got) != len(c.want) {
			t.Errorf("%s: %v %v, want %v", c.run, got, ok, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: part %d = %+v, want %+v", c.run, i, got[i], c.want[i])
			}
		}
	}
	// Two readings fit the form's arithmetic (285.3 | 285.3 | 285.3 and
	// 285.32 | 85.32 | 85.3, both 100%): none is taken.
	if got, ok := SplitFundingRun("285.3285.3285.3100%", []string{"年初预算数", "全年预算数", "全年执行数", "执行率"}, false); ok {
		t.Errorf("ambiguous run split as %v", got)
	}
	// Digits that no reading of the form fits are no facts.
	if got, ok := SplitFundingRun("1234567", nil, false); ok {
		t.Errorf("1234567 split as %v", got)
	}
}
