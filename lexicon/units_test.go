package lexicon

import "testing"

// The tables are data anyone may extend; these checks keep a new row from
// breaking a reader silently.
func TestUnitTable(t *testing.T) {
	kinds := map[Kind]bool{Money: true, Count: true, Percent: true, Score: true, Duration: true, Area: true, Other: true}
	seen := map[string]bool{}
	for _, u := range Units {
		if u.Written == "" || u.Base == "" || u.Factor <= 0 || !kinds[u.Kind] {
			t.Errorf("bad row %+v", u)
		}
		if seen[u.Written] {
			t.Errorf("%s written twice", u.Written)
		}
		seen[u.Written] = true
	}
	// A length is not an area (issue 12, class 11).
	for _, w := range []string{"m", "米", "km", "公里", "cm", "mm"} {
		if u, ok := UnitOf(w); !ok || u.Kind == Area {
			t.Errorf("%s: %+v", w, u)
		}
	}
	for _, w := range []string{"m²", "㎡", "平方米", "亩", "公顷", "km²"} {
		if u, ok := UnitOf(w); !ok || u.Kind != Area {
			t.Errorf("%s: %+v", w, u)
		}
	}
}

func TestQualifierTables(t *testing.T) {
	ops := map[string]bool{"≥": true, "≤": true, ">": true, "<": true, "=": true}
	seen := map[string]bool{}
	for _, c := range Comparators {
		if !ops[c.Op] || seen[c.Written] {
			t.Errorf("bad or repeated comparator %+v", c)
		}
		seen[c.Written] = true
	}
	for _, q := range Qualifiers {
		if q.Bound != "" && !ops[q.Bound] || seen[q.Written] || q.Inner && !q.After {
			t.Errorf("bad or repeated qualifier %+v", q)
		}
		seen[q.Written] = true
	}
}
