package quantity

import "testing"

// TestFullWidthThousands: a full-width comma between digit groups of a
// number with a unit is a thousands separator; elsewhere it ends a clause.
// Values written by hand from each text.
func TestFullWidthThousands(t *testing.T) {
	type q struct {
		text  string
		value float64
	}
	for _, c := range []struct {
		in   string
		want []q
	}{
		{"惠及居民3，408户", []q{{"3，408户", 3408}}},
		{"批复总投资1，250万元", []q{{"1，250万元", 12500000}}},
		{"下达资金1，234.5万元", []q{{"1，234.5万元", 12345000}}},
		{"资金12，345，678元", []q{{"12，345，678元", 12345678}}},
		// lists and clauses keep their commas
		{"分别为3，4，5个", []q{{"5个", 5}}},
		{"培训12人，345人次参加", []q{{"12人", 12}, {"345人次", 345}}},
		{"完成2023，100户受益", []q{{"100户", 100}}},
		{"共计1234，567户", []q{{"567户", 567}}},
	} {
		got := Find(c.in)
		if len(got) != len(c.want) {
			t.Errorf("%s: %d quantities %v, want %v", c.in, len(got), got, c.want)
			continue
		}
		for k, w := range c.want {
			if got[k].Text != w.text || got[k].Value != w.value {
				t.Errorf("%s: #%d = %q %v, want %q %v", c.in, k, got[k].Text, got[k].Value, w.text, w.value)
			}
		}
	}
}
