package quantity

import (
	"sort"

	"zipin/lexicon"
)

// The grammar reads its vocabulary (units, comparators, qualifiers) from
// package lexicon, the one copy every stage shares; this file only indexes
// it for the scanner.

// Kind is the kind of a quantity (the facts.kind column), lexicon's type;
// its values are lexicon's (lexicon.Money, lexicon.Percent, …).
type Kind = lexicon.Kind

// unitsByLength lists the unit table longest written form first, so 万元
// wins over 万 and mm/24h over mm.
var unitsByLength = func() []lexicon.Unit {
	u := append([]lexicon.Unit(nil), lexicon.Units...)
	sort.SliceStable(u, func(a, b int) bool { return len([]rune(u[a].Written)) > len([]rune(u[b].Written)) })
	return u
}()

// unitsByFirst indexes unitsByLength by first rune, longest first.
var unitsByFirst = func() map[rune][]lexicon.Unit {
	m := map[rune][]lexicon.Unit{}
	for _, u := range unitsByLength {
		first := []rune(u.Written)[0]
		m[first] = append(m[first], u)
	}
	return m
}()

// prefix is a word written before a number that qualifies it: a comparator
// (op) or an approximation (approx).
type prefix struct {
	written string
	op      string
	approx  string
	target  bool // read only in a target cell (达到)
}

// prefixes are lexicon's comparators and the qualifiers written before a
// number.
var prefixes = func() []prefix {
	var ps []prefix
	for _, c := range lexicon.Comparators {
		ps = append(ps, prefix{written: c.Written, op: c.Op, target: c.TargetOnly})
	}
	for _, q := range lexicon.Qualifiers {
		if !q.After {
			ps = append(ps, prefix{written: q.Written, approx: q.Written})
		}
	}
	return ps
}()

// approxSuffixes follow the number or the unit (余, 以上, 左右); innerSuffixes
// may also stand between number and unit (200余台, 20多万人次); boundOf maps a
// suffix to the comparator it states in a target cell (以上 ≥), and
// targetSuffixes are read only there (12个月内).
var approxSuffixes, innerSuffixes, targetSuffixes, boundOf = func() (all, inner, target []string, bound map[string]string) {
	bound = map[string]string{}
	for _, q := range lexicon.Qualifiers {
		if !q.After {
			continue
		}
		if q.Bound != "" {
			bound[q.Written] = q.Bound
		}
		if q.TargetOnly {
			target = append(target, q.Written)
			continue
		}
		all = append(all, q.Written)
		if q.Inner {
			inner = append(inner, q.Written)
		}
	}
	return all, inner, target, bound
}()
