package facts

import (
	"regexp"
	"strings"

	"zipin/normalize"
)

// orgSuffixes end the name of a reporting unit.
const orgSuffixes = `(?:委员会|办公室|管理局|事务局|服务中心|中心|人民政府|政府|局|委|办|院|所|站|厅|部|会|队|团|馆|学校|中学|小学|幼儿园|学院|大学|医院|社|处|室|集团|公司|街道办事处|街道|政协|人大)`

// findOrganization takes the unit from the title, then from the form's
// unit rows, then from a full name early in the body. It never takes a
// pronoun (我局, 本单位).
func findOrganization(nd *normalize.Doc, title string) *string {
	if m := yearRe.FindStringIndex(title); m != nil && m[0] > 0 {
		prefix := strings.TrimSpace(title[:m[0]])
		if org := cleanOrg(orgCellRe.FindString(prefix)); org != "" {
			// Only a connective may stand between the name and the year:
			// 某局关于2022年度…, 某局（本级）2022年….
			rest := strings.TrimSpace(strings.TrimPrefix(prefix, org))
			if rest == "" || rest == "关于" || rest == "的" || rest == "本级" || rest == "（本级）" || rest == "(本级)" {
				return &org
			}
		}
	}
	if org, stated := orgFromLabels(nd); stated {
		return org
	}
	if org := cleanOrg(orgRe.FindString(title)); org != "" {
		return &org
	}
	return orgFromBody(nd)
}

// orgFromLabels reads the value after a unit label in a form: the next cell
// of a grid, the text after the label on its line, or the next line.
func orgFromLabels(nd *normalize.Doc) (org *string, stated bool) {
	found := map[string]string{}
	for _, p := range nd.Pages {
		lines := strings.Split(p.Text, "\n")
		for i, l := range lines {
			for _, label := range orgLabels {
				if _, done := found[label]; done {
					continue
				}
				j := strings.Index(l, label)
				if j < 0 {
					continue
				}
				rest := l[j+len(label):]
				if strings.TrimSpace(strings.Trim(rest, " |:：()（）盖章")) == "" && i+1 < len(lines) {
					rest = lines[i+1]
				}
				if v := orgValue(rest); v != "" {
					found[label] = v
				}
			}
		}
	}
	for _, label := range orgLabels[:5] {
		if v, ok := found[label]; ok {
			return &v, true
		}
	}
	impl, dept := found["实施单位"], found["主管部门"]
	switch {
	case impl != "" && (dept == "" || strings.HasPrefix(dept, impl) || strings.HasPrefix(impl, dept)):
		return &impl, true
	case impl == "" && dept != "":
		return &dept, true
	case impl != "" && dept != "":
		return nil, true // the rows name different units: which one reports is not stated
	}
	return nil, false
}

// orgValue cleans the text after a label into a unit name, or "".
func orgValue(s string) string {
	s = strings.TrimLeft(s, " |:：()（）盖章")
	for _, l := range append(orgLabels, "项目资金", "项目名称") {
		if i := strings.Index(s, l); i > 0 {
			s = s[:i]
		}
	}
	if i := strings.IndexAny(s, "|"); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	s = codePrefix.ReplaceAllString(s, "")
	if f := strings.Fields(s); len(f) > 0 {
		s = f[0]
	}
	if m := orgCellRe.FindString(s); m != "" {
		return cleanOrg(m)
	}
	return ""
}

// orgNeverStarts are characters a unit's name never begins with; a match
// that does has swallowed the word before it (现将2022年西平县…, 由县…).
const orgNeverStarts = "年月日的了在和与及将对由是为现到其该本我各"

// orgNeverContains are words that show a match is not a name: page
// furniture or a form label run into the name.
var orgNeverContains = []string{"我", "情况", "书面", "报送", "上报", "提交", "整改", "欢迎", "来到", "网站", "位置", "首页", "主管部门", "实施单位", "名称", "我局", "我单位", "本单位"}

// cleanOrg trims what a match swallowed before the name and checks that
// what is left is still a full name (a place of at least two characters and
// a unit); else "".
func cleanOrg(s string) string { return cleanOrgBefore(s, "") }

// orgSuffixWords: a unit suffix followed by one of these characters is the
// start of an ordinary word, not the end of a name.
var orgSuffixWords = map[rune]string{
	'社': "会区", '部': "门分署", '会': "议上", '处': "理置", '所': "有以属", '站': "在位",
	'局': "面势部限", '院': "校", '队': "伍", '室': "内外", '办': "理法", '委': "托员",
}

// cleanOrgBefore is cleanOrg for a match followed in its text by rest.
func cleanOrgBefore(s, rest string) string {
	r := []rune(s)
	for len(r) > 0 && strings.ContainsRune(orgNeverStarts, r[0]) {
		r = r[1:]
	}
	s = string(r)
	for _, w := range orgNeverContains {
		if strings.Contains(s, w) {
			return ""
		}
	}
	if m := orgRe.FindString(s); m == "" || !strings.HasPrefix(s, m) && !strings.HasSuffix(s, m) {
		return ""
	}
	if next, ok := orgSuffixWords[r[len(r)-1]]; ok && rest != "" && strings.ContainsRune(next, []rune(rest)[0]) {
		return "" // 经济社会, 各部门: the suffix starts a longer word
	}
	if loc := placeRe.FindStringIndex(s); loc == nil || loc[0] != 0 || len([]rune(s[:loc[1]])) < 2 {
		return ""
	}
	return s
}

var placeRe = regexp.MustCompile(`^(?:` + placeLevel + `)`)

// placeLevel is one level of a place name: a short name and its level. Names
// of ordinary places are short (番禺区, 红河州); only autonomous areas run long
// (红河哈尼族彝族自治州). A longer run before 县 is a clause, not a place
// (…书面报送县财政局).
const placeLevel = `[\p{Han}]{2,9}?(?:自治区|自治州|自治县|自治旗|地区|盟)|[\p{Han}]{1,5}?(?:省|市|州|县|区|旗|镇|乡)`

// orgFromBody finds the first full unit name in the opening text that is not
// quoted from a document title (《…》) or named as an instructing body.
func orgFromBody(nd *normalize.Doc) *string {
	head := strings.Join(firstLines(nd, 40), "\n")
	if r := []rune(head); len(r) > 800 {
		head = string(r[:800])
	}
	for _, m := range orgRe.FindAllStringIndex(head, -1) {
		before := head[:m[0]]
		if strings.Count(before, "《") > strings.Count(before, "》") {
			continue
		}
		after := head[m[1]:]
		if hasAnyPrefix(after, "关于", "印发", "下达", "文件", "要求", "网站") || hasAnySuffix(before, "根据", "按照", "来源:", "来源：", "发布机构:", "报送", "上报", "提交", "报", "向", "由", "经") {
			continue
		}
		if org := cleanOrgBefore(head[m[0]:m[1]], after); org != "" {
			return &org
		}
	}
	return nil
}

func hasAnyPrefix(s string, ps ...string) bool {
	for _, p := range ps {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func hasAnySuffix(s string, ps ...string) bool {
	s = strings.TrimSpace(s)
	for _, p := range ps {
		if strings.HasSuffix(s, p) {
			return true
		}
	}
	return false
}
