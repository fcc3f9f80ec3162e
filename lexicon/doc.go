// Package lexicon is zipin's domain vocabulary as data, kept once and read by
// every stage that needs it (quantity, facts, selfeval): the units with their
// kind and factor, the comparators and qualifiers written around a number,
// the organization suffixes and the gazetteer of places. A domain expert
// extends zipin by adding rows here; no other package keeps a copy.
//
// The tables:
//   - units.go: units as written (万元, 人次, ㎡, km, kW·h) → base unit, kind, factor
//   - qualifiers.go: comparators (不低于 ≥) and qualifiers (约, 余, 以上) with
//     the bound a target cell reads from them
//   - org.go, places.go: organization suffixes and GB/T 2260 place names
//
// lexicon imports nothing of zipin: it is the bottom of the pipeline.
package lexicon
