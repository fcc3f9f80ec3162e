package facts

import (
	"strings"
	"unicode"

	"zipin/lexicon"
)

// orgName is a unit's name read by its parts: place prefix, body and
// institutional suffix (红河州 + 数据发展 + 中心).
type orgName struct {
	Text   string
	Place  string // the place prefix; a level word alone (县, 自治区) when Relative
	Suffix lexicon.OrgSuffix
	// Relative is set when the place is only a level word (县政协,
	// 自治区文化和旅游厅): the name is right but not full.
	Relative bool
	// PlaceLevel is the level of the last place of the prefix.
	PlaceLevel string
}

// orgBodyMax is the longest body between the place and the suffix, in
// runes (人力资源和社会保障 is 9, 茶谷和美丽乡村建设服务 is 11).
const orgBodyMax = 16

// orgBodyNever are words a unit's body never holds: function words, the
// verbs of a clause, the words of a fund's name and of page furniture.
// Words that real units do hold stay out (工程管理站, 项目评审中心,
// 政府采购中心, 绩效评价中心, 计划生育协会). A run holding one is a sentence
// fragment (始终坚持把县接待办的…, 项资金是由市级以上财政部门…).
var orgBodyNever = []string{
	"的", "了", "把", "被", "是", "将", "对", "在", "由", "于", "从", "向", "为", "其", "该", "我", "本", "各", "即",
	"以上", "以下", "关于", "根据", "依据", "按照", "进行", "开展", "坚持", "始终", "完成", "下达", "拨付", "安排", "内部",
	"资金", "经费", "补助", "补贴", "专项", "奖补", "购置", "报告", "自评", "年度", "情况", "主管部门", "实施单位", "名称", "单位",
	"网站", "首页", "位置", "欢迎", "及其", "以及", "和西部", "级以",
}

// orgBodyRune reports whether a body may hold r: Han characters only (no
// digits, spaces or punctuation, which end a name).
func orgBodyRune(r rune) bool { return unicode.Is(unicode.Han, r) }

// parseOrgPrefix reads the longest unit name that r starts with and returns
// it with its length in runes, or 0. A suffix followed by a character that
// makes it the start of a longer word (局面, 部门) does not end a name. The
// place prefix is required: one or more divisions of the gazetteer
// (广东省广州市番禺区), or a level word alone (县政协), which marks the name
// Relative.
func parseOrgPrefix(r []rune) (orgName, int) { return parseOrgPrefixIn(r, false) }

// parseOrgPrefixIn is parseOrgPrefix; bounded is set for text known to
// hold a name (a form's cell, a title, a signature line), where a place is
// also read by its form (lexicon.PlaceFormAt), and a township may start the
// name when its unit is the township's own (白石镇人民政府).
func parseOrgPrefixIn(r []rune, bounded bool) (orgName, int) {
	placeAt := lexicon.PlaceAt
	if bounded {
		placeAt = lexicon.PlaceFormAt
	}
	start := 0
	head := string(r[:min(len(r), 8)])          // enough for any prefix word
	for _, p := range []string{"中共", "中国共产党"} { // 中共某县委组织部
		if strings.HasPrefix(head, p) {
			start = len([]rune(p))
		}
	}
	p, level := start, ""
	for p < len(r) {
		n, l := placeAt(r[p:], level)
		if n == 0 {
			break
		}
		p, level = p+n, l
	}
	relative := false
	if p == start {
		for _, w := range lexicon.RelativePlaces {
			if strings.HasPrefix(string(r[p:min(len(r), p+4)]), w) {
				p += len([]rune(w))
				relative = true
				break
			}
		}
		if !relative {
			return orgName{}, 0
		}
	}
	place := string(r[start:p])
	best := 0
	var bestSuffix lexicon.OrgSuffix
	for j := p; j < len(r) && j-p <= orgBodyMax; j++ {
		body := string(r[p:j])
		if j > p && !orgBodyRune(r[j-1]) || bodyBlocked(body) {
			break
		}
		for _, sfx := range lexicon.OrgSuffixAt(r[j:]) {
			if j == p && !sfx.Bare {
				continue
			}
			if sfx.Numbered && (level != lexicon.Corps && !strings.Contains(place, "师") || !chineseNumerals(r[p:j])) {
				continue // 团 ends a regiment's name only: 第八师一四九团
			}
			end := j + len([]rune(sfx.Word))
			if end < len(r) && strings.ContainsRune(sfx.NotBefore, r[end]) || j > 0 && strings.ContainsRune(sfx.NotAfter, r[j-1]) {
				continue
			}
			// A place inside the body starts a second name (县财政局和县教育局),
			// except before a branch's suffix (市生态环境局临河区分局).
			if j > p && !branchSuffixes[sfx.Word] && placeInside(r[p:j]) {
				continue
			}
			if end > best {
				best, bestSuffix = end, sfx
			}
			break
		}
	}
	if best == 0 || level == lexicon.Town && !townUnit(bestSuffix.Word) && !placeHasCounty(r[start:p]) {
		return orgName{}, 0
	}
	return orgName{Text: string(r[:best]), Place: place, Suffix: bestSuffix, Relative: relative, PlaceLevel: level}, best
}

// branchSuffixes end the name of a unit's branch in a place below it,
// which carries that place inside its name.
var branchSuffixes = map[string]bool{"分局": true, "大队": true, "支队": true, "中队": true, "派出所": true, "管理所": true, "管理站": true}

// chineseNumerals reports whether r is a number written in Chinese
// numerals (一四九, 十).
func chineseNumerals(r []rune) bool {
	for _, c := range r {
		if !strings.ContainsRune("〇零一二三四五六七八九十百", c) {
			return false
		}
	}
	return len(r) > 0
}

// townUnit reports whether a suffix names a township's own unit, the only
// kind a name may start with the township for.
func townUnit(w string) bool {
	return w == "人民政府" || w == "政府" || w == "街道办事处" || w == "办事处" || w == "卫生院"
}

// placeHasCounty reports whether a place prefix holds more than a township.
func placeHasCounty(r []rune) bool {
	n, l := lexicon.PlaceFormAt(r, "")
	return n > 0 && l != lexicon.Town
}

// bodyBlocked reports whether a body holds a word no unit's name holds.
func bodyBlocked(body string) bool {
	for _, w := range orgBodyNever {
		if strings.Contains(body, w) {
			return true
		}
	}
	// 等 ends a list (城乡集聚区等) except in 高等, 中等, 初等.
	if i := strings.Index(body, "等"); i >= 0 {
		if i == 0 || !strings.ContainsAny(body[:i][len(body[:i])-3:], "高中初同平") {
			return true
		}
	}
	return false
}

// placeInside reports whether a body holds a second name's place: a
// county or larger division after a unit's suffix or a conjunction
// (县财政局和县教育局, 市教育局县分局).
func placeInside(body []rune) bool {
	for i := 1; i < len(body); i++ {
		before := string(body[:i])
		_, isSuffix := lexicon.OrgSuffixOf(before)
		if !isSuffix && !strings.ContainsRune("和与及、", body[i-1]) {
			continue
		}
		if n, l := lexicon.PlaceAt(body[i:], ""); n > 0 && l != lexicon.Zone {
			return true
		}
	}
	return false
}

// parseOrg reads s, whole, as a unit's name, after trimming a form cell's
// tails (本级, 盖章); ok is false when s is not one. s is taken as bounded
// text (see parseOrgPrefixIn).
func parseOrg(s string) (orgName, bool) { return parseOrgIn(s, true) }

// parseOrgIn is parseOrg, reading places by their form too when bounded.
func parseOrgIn(s string, bounded bool) (orgName, bool) {
	s = strings.TrimSpace(s)
	for changed := true; changed; {
		changed = false
		for _, t := range lexicon.OrgTails {
			if strings.HasSuffix(s, t) && len(s) > len(t) {
				s, changed = strings.TrimSuffix(s, t), true
			}
		}
	}
	r := []rune(s)
	o, n := parseOrgPrefixIn(r, bounded)
	if n != len(r) || n == 0 {
		return orgName{}, false
	}
	return o, true
}
