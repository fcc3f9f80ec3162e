package facts

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"zipin/lexicon"
	"zipin/normalize"
)

// orgSourceRank orders the places a reporting unit is read from, strongest
// first: a labelled field of the form (单位名称, 实施单位 …), the report's
// title, the signature block at its end, the portal's page metadata
// (发布机构, 信息来源), and the opening text's subject. The first source
// that names a unit decides; where it names two different units the field
// is NULL.
var orgSourceRank = []string{"label", "title", "signature", "portal", "body"}

// orgLabel is a label of a field that names a unit, and the unit's role.
type orgLabel struct {
	label string
	// role: "reporter" names the reporting unit itself; "implementer" is
	// a project's 实施单位, "supervisor" its 主管部门 (CONTRACT: the
	// implementer reports; the supervisor only where no implementer is
	// given); "portal" is the page's publisher.
	role string
	// loose is set for labels long enough to be read glued to the cell
	// before them (…专项经费主管部门新洲区…); short ones (部门) need a
	// cell or line boundary before them.
	loose bool
}

// orgLabels are read longest first where one contains another.
var orgLabels = []orgLabel{
	{"预算部门、单位名称", "reporter", true},
	{"资金使用单位", "reporter", true},
	{"预算单位名称", "reporter", true},
	{"预算部门名称", "reporter", true},
	{"单位名称", "reporter", true},
	{"部门名称", "reporter", true},
	{"填报单位", "reporter", true},
	{"报送单位", "reporter", true},
	{"自评单位", "reporter", true},
	{"编报单位", "reporter", true},
	{"用款单位", "reporter", true},
	{"项目实施单位", "implementer", true},
	{"项目单位", "implementer", true},
	{"预算单位", "reporter", false},
	{"预算部门", "reporter", false},
	{"部门", "reporter", false},
	{"单位", "reporter", false}, // 单位：某局（盖章）; 单位：万元 is no name
	{"实施单位", "implementer", true},
	{"主管部门", "supervisor", true},
	{"发布机构", "portal", false},
	{"发布单位", "portal", false},
	{"发文机关", "portal", false},
	{"信息来源", "portal", false},
	{"来源", "portal", false},
}

// orgLabelNotAfter are words that, right before a label, make it another
// label: 中央主管部门 and 地方主管部门 of a transfer payment's form name the
// funding departments, not the reporter.
var orgLabelNotAfter = []string{"中央", "地方", "省级", "市级", "县级", "上级", "财政", "业务", "归口"}

// orgValueFollowers may follow a unit's name glued in a flattened form: the
// next label.
var orgValueFollowers = []string{"文字", "字体", "字号", "浏览", "阅读", "点击", "时间", "日期", "作者", "实施单位", "主管部门", "项目名称", "项目资金", "资金投入", "单位名称", "部门名称", "联系人", "联系电话", "填报", "负责人", "预算", "年度", "自评", "绩效", "文号", "发布", "总分", "得分", "资金"}

var codePrefix = regexp.MustCompile(`^[0-9A-Za-z]+[-－—]`)

// orgCandidate is a unit's name found in the document.
type orgCandidate struct {
	name   orgName
	source string
	label  string
	role   string
	page   int
	start  int // rune offsets in the page's text; -1 when unknown
	end    int
	reason string // why it was rejected, if it was
	// unparsed is set for a 实施单位 field whose value is not a full name
	// (水利工作站): it still says the implementer is not the 主管部门.
	unparsed bool
}

// findOrganization decides the reporting unit among the candidates of every
// source and returns it (nil when no source names one or the strongest
// disagrees with itself) with the evidence.
func findOrganization(nd *normalize.Doc, ti titleInfo) (*string, []Candidate) {
	var cands []orgCandidate
	cands = append(cands, orgFromLabels(nd)...)
	cands = append(cands, orgFromTitle(nd, ti)...)
	cands = append(cands, orgFromSignature(nd)...)
	for _, b := range orgFromBody(nd) {
		if !sameSpan(cands, b) { // a labelled cell is not a body candidate too
			cands = append(cands, b)
		}
	}
	// A name that gives its place only by level (县财政局) stands as written
	// where the report itself writes it (a field, the title, the
	// signature); from the publisher line or the prose it needs its full
	// form somewhere in the text.
	for i, c := range cands {
		if c.name.Relative && c.reason == "" && c.source != "label" && c.source != "title" && c.source != "signature" && fullName(nd, c.name).Relative {
			cands[i].reason = "names its place only by level (县, 市) and is written nowhere in full"
		}
	}
	chosen := decideOrg(cands)
	// A form's field that names a unit the parser cannot read still rules
	// out a different unit from elsewhere.
	for _, c := range cands {
		if chosen < 0 || !c.unparsed || hasAnyPrefix(c.name.Text, sameUnitWords...) {
			continue
		}
		raw := strings.TrimSuffix(c.name.Text, "本级")
		if ch := cands[chosen].name.Text; !strings.Contains(ch, raw) && !strings.Contains(raw, ch) {
			cands[chosen].reason = "the " + c.label + " field names another unit (" + c.name.Text + ")"
			chosen = -1
		}
	}
	var out *string
	if chosen >= 0 {
		full := fullName(nd, cands[chosen].name)
		if full.Text != cands[chosen].name.Text {
			cands[chosen].reason = "strongest source; written in full elsewhere as " + full.Text
		}
		s := full.Text
		out = &s
	}
	ev := make([]Candidate, 0, len(cands))
	for i, c := range cands {
		reason := c.reason
		if i == chosen && reason == "" {
			reason = "strongest source"
		}
		ev = append(ev, Candidate{Field: "organization", Value: c.name.Text, Page: c.page, Start: max(c.start, 0), End: max(c.end, 0),
			Label: c.label, Source: c.source, Scope: "document", Chosen: i == chosen, Reason: reason})
	}
	return out, ev
}

// lastRunes returns the last n runes of s.
func lastRunes(s string, n int) []rune {
	i := len(s)
	for k := 0; k < n && i > 0; k++ {
		_, w := utf8.DecodeLastRuneInString(s[:i])
		i -= w
	}
	return []rune(s[i:])
}

func sameSpan(cs []orgCandidate, b orgCandidate) bool {
	for _, c := range cs {
		if c.page == b.page && c.start == b.start && c.end == b.end {
			return true
		}
	}
	return false
}

// decideOrg returns the index of the chosen candidate, or -1, and sets the
// reason of each rejected one.
func decideOrg(cands []orgCandidate) int {
	for _, src := range orgSourceRank {
		var idx []int
		for i, c := range cands {
			if c.source == src && c.reason == "" {
				idx = append(idx, i)
			}
		}
		if len(idx) == 0 {
			continue
		}
		pick := idx[0]
		if src == "label" {
			if pick = pickByRole(cands, idx); pick == noFullName {
				continue
			}
		}
		if pick < 0 {
			return -1
		}
		for _, i := range idx {
			if i != pick && !sameUnit(cands[i].name.Text, cands[pick].name.Text) && cands[i].reason == "" {
				if src == "label" && cands[i].role != cands[pick].role {
					cands[i].reason = "the " + cands[pick].role + " field reports, not the " + cands[i].role
					continue
				}
				cands[i].reason = "conflicts with " + cands[pick].name.Text + " from the same source"
				cands[pick].reason = "conflicts with " + cands[i].name.Text + " from the same source"
				return -1
			}
		}
		for i := range cands {
			if i != pick && cands[i].reason == "" {
				if sameUnit(cands[i].name.Text, cands[pick].name.Text) {
					cands[i].reason = "agrees with the chosen value"
				} else {
					cands[i].reason = "weaker source than " + src
				}
			}
		}
		return pick
	}
	return -1
}

// pickByRole chooses among labelled candidates: a reporter field, else the
// implementer (实施单位), else the supervisor (主管部门). Where a form's two
// fields are swapped — the 主管部门 holds an institution (剧团, 学校) and the
// 实施单位 a government department — the institution is the implementer.
// Several implementers of different units (one form per project) leave the
// common supervisor as the reporter. Returns -1 when the fields disagree,
// noFullName when they name no unit in full (the weaker sources decide,
// checked against what the fields do say).
func pickByRole(cands []orgCandidate, idx []int) int {
	byRole := map[string][]int{}
	for _, i := range idx {
		byRole[cands[i].role] = append(byRole[cands[i].role], i)
	}
	consistent := func(role string) int {
		ids := byRole[role]
		if len(ids) == 0 {
			return -1
		}
		for _, i := range ids[1:] {
			if !sameUnit(cands[i].name.Text, cands[ids[0]].name.Text) {
				return -2
			}
		}
		return ids[0]
	}
	var parsedRep []int
	for _, i := range byRole["reporter"] {
		if cands[i].unparsed {
			cands[i].reason = "not a full name"
		} else {
			parsedRep = append(parsedRep, i)
		}
	}
	byRole["reporter"] = parsedRep
	if r := consistent("reporter"); r != -1 {
		return r
	}
	var unparsed []int
	parsedImpl := byRole["implementer"][:0:0]
	for _, i := range byRole["implementer"] {
		if cands[i].unparsed {
			unparsed = append(unparsed, i)
		} else {
			parsedImpl = append(parsedImpl, i)
		}
	}
	byRole["implementer"] = parsedImpl
	impl, sup := consistent("implementer"), consistent("supervisor")
	if impl == -1 && sup >= 0 {
		for _, u := range unparsed {
			raw := cands[u].name.Text
			if !hasAnyPrefix(raw, sameUnitWords...) && !strings.Contains(cands[sup].name.Text, strings.TrimSuffix(raw, "本级")) {
				cands[u].reason = "the 实施单位 is not written in full, and it is not the 主管部门: the reporter is unknown"
				cands[sup].reason = "the 主管部门 reports only where no 实施单位 is given"
				return -1
			}
			cands[u].reason = "the 实施单位 field names the 主管部门 itself"
		}
	}
	for _, u := range unparsed {
		if cands[u].reason == "" {
			cands[u].reason = "not a full name"
		}
	}
	switch {
	case impl >= 0 && sup >= 0:
		si, ss := cands[impl].name.Suffix.Kind, cands[sup].name.Suffix.Kind
		if ss != lexicon.Administrative && si == lexicon.Administrative {
			cands[impl].reason = "the form's fields are swapped: the 主管部门 field holds the implementing institution"
			return sup
		}
		return impl
	case impl >= 0:
		return impl
	case impl == -2 && sup >= 0:
		for _, i := range byRole["implementer"] {
			cands[i].reason = "one of several projects' implementers; their common 主管部门 reports"
		}
		return sup
	case impl == -1 && sup >= 0:
		return sup
	case impl == -1 && sup == -1:
		return noFullName
	}
	return -1
}

// noFullName is pickByRole's answer where the form's fields name no unit
// in full.
const noFullName = -3

// sameUnit reports whether two names are the same unit, one written fuller
// than the other (贯塘乡人民政府, 衡山县贯塘乡人民政府).
func sameUnit(a, b string) bool {
	return a == b || strings.HasSuffix(a, b) || strings.HasSuffix(b, a)
}

// fullName returns the name as written in full elsewhere in the document
// (内蒙古自治区文化和旅游厅 for 自治区文化和旅游厅, 南县政协 for 县政协,
// 衡山县贯塘乡人民政府 for 贯塘乡人民政府): the longest name that ends with
// it. A province alone is not added to a name that has its place (红河州…
// stays), and two different fuller names leave it as it is.
func fullName(nd *normalize.Doc, o orgName) orgName {
	var fuller []orgName
	seen := map[string]bool{} // the text before an occurrence, read once
	for _, p := range nd.Pages {
		text := p.Text
		for off := 0; ; {
			i := strings.Index(text[off:], o.Text)
			if i < 0 {
				break
			}
			at := off + i
			off = at + len(o.Text)
			before := lastRunes(text[:at], 14)
			if seen[string(before)] {
				continue
			}
			seen[string(before)] = true
			var best orgName
			for k := 1; k <= len(before); k++ {
				f, ok := parseOrgIn(string(before[len(before)-k:])+o.Text, false)
				if ok && !f.Relative && (o.Relative || !lexicon.IsProvince(strings.TrimSuffix(f.Place, o.Place))) {
					best = f
				}
			}
			if best.Text != "" {
				fuller = append(fuller, best)
			}
		}
	}
	if len(fuller) == 0 {
		return o
	}
	long := fuller[0]
	for _, f := range fuller[1:] {
		switch {
		case strings.HasSuffix(f.Text, long.Text):
			long = f
		case !strings.HasSuffix(long.Text, f.Text):
			return o // two different fuller names
		}
	}
	return long
}

// orgFromLabels reads the value of each unit label: the rest of the cell or
// line after it, or the next line when the label stands alone.
func orgFromLabels(nd *normalize.Doc) []orgCandidate {
	var out []orgCandidate
	for _, p := range nd.Pages {
		lines := strings.Split(p.Text, "\n")
		lineStart := 0
		for li, l := range lines {
			lr := []rune(l)
			for i := 0; i < len(lr); i++ {
				lab, ok := labelAt(lr, i)
				if !ok {
					continue
				}
				after := i + len([]rune(lab.label))
				vStart, vr := valueAfter(lr, after)
				if len(vr) == 0 && li+1 < len(lines) {
					nr := []rune(lines[li+1])
					k := 0
					for k < len(nr) && strings.ContainsRune(" \t|•·-*:：", nr[k]) {
						k++
					}
					vStart, vr = lineStart+len(lr)+1+k, nr[k:]
				} else {
					vStart += lineStart
				}
				if lab.role == "portal" && li > 25 {
					continue // publisher lines stand at the page's head
				}
				name, n := labelValue(vr)
				src := "label"
				if lab.role == "portal" {
					src = "portal"
				}
				if n == 0 {
					// A field that names a unit the parser cannot read
					// (第七师某团场, 融媒体中心) still says who reports.
					if raw := rawUnit(vr); raw != "" && (lab.role == "implementer" || lab.role == "reporter" && lab.loose && len([]rune(raw)) >= 3) {
						out = append(out, orgCandidate{name: orgName{Text: raw}, source: src, label: lab.label, role: lab.role, page: p.Number,
							start: vStart, end: vStart + len([]rune(raw)), unparsed: true})
					}
					continue
				}
				c := orgCandidate{name: name, source: src, label: lab.label, role: lab.role, page: p.Number, start: vStart, end: vStart + n}
				if src == "portal" && (lexicon.GovernmentSuffixes[name.Suffix.Word] || strings.HasSuffix(name.Text, "人民政府办公室")) && selfReference(nd) == "" {
					c.reason = "the portal's government publishes for every unit"
				}
				out = append(out, c)
				// 实施单位：甲中学、乙中学: every unit of the field is a
				// candidate, so that several implementers leave the
				// 主管部门 as the reporter.
				for rest := vr[n:]; len(rest) > 1 && strings.ContainsRune("、，,及和与", rest[0]); {
					more, m := labelValue(rest[1:])
					if m == 0 {
						break
					}
					at := c.start + len(vr) - len(rest) + 1
					out = append(out, orgCandidate{name: more, source: src, label: lab.label, role: lab.role, page: p.Number, start: at, end: at + m})
					rest = rest[1+m:]
				}
				i = after - 1
			}
			lineStart += len(lr) + 1
		}
	}
	return out
}

// rawUnit returns a labelled value that names some unit though it does not
// parse as a full name (水利工作站, 本级), or "": a 实施单位 field that says
// something is never read as empty.
func rawUnit(v []rune) string {
	n := 0
	for n < len(v) && unicode.Is(unicode.Han, v[n]) {
		n++
	}
	raw := string(v[:n])
	if n < 2 || n > 30 || hasAnyPrefix(raw, orgValueFollowers...) {
		return ""
	}
	return raw
}

// sameUnitWords in a 实施单位 field mean the 主管部门 itself.
var sameUnitWords = []string{"本级", "本单位", "本部门", "同上", "同主管部门"}

// unitNameLabel is the label of a form's unit field in its bracketed and
// 全称 variants: 部门(单位)全称, 单位（部门）名称, 单位全称.
var unitNameLabel = regexp.MustCompile(`^(?:预算)?(?:部门|单位)(?:[（(](?:部门|单位)[)）])?(?:全称|名称)`)

// labelFirst holds the first characters of the labels, a cheap test before
// the comparisons.
const labelFirst = "预资单部填报自编用项实主发信来"

// labelAt reports the unit label that starts at rune i of a line.
func labelAt(lr []rune, i int) (orgLabel, bool) {
	if !strings.ContainsRune(labelFirst, lr[i]) {
		return orgLabel{}, false
	}
	s := string(lr[i:min(len(lr), i+12)])
	labels := orgLabels
	if m := unitNameLabel.FindString(s); m != "" {
		labels = append([]orgLabel{{m, "reporter", true}}, orgLabels...)
	}
	for _, lab := range labels {
		if !strings.HasPrefix(s, lab.label) {
			continue
		}
		before := string(lr[:i])
		for _, w := range orgLabelNotAfter {
			if strings.HasSuffix(before, w) {
				return orgLabel{}, false
			}
		}
		prevHan := i > 0 && unicode.Is(unicode.Han, lr[i-1])
		if prevHan && !lab.loose {
			return orgLabel{}, false
		}
		end := i + len([]rune(lab.label))
		if !lab.loose || lab.role == "portal" {
			// a short label is followed by a separator: 部门：X, 部门 | X
			if end < len(lr) && !strings.ContainsRune(" \t|:：(（", lr[end]) {
				return orgLabel{}, false
			}
		}
		return lab, true
	}
	return orgLabel{}, false
}

// valueAfter skips the separators after a label and returns where the
// value starts and its runes up to the end of the cell.
func valueAfter(lr []rune, at int) (int, []rune) {
	for at < len(lr) && strings.ContainsRune(" \t|:：", lr[at]) {
		at++
	}
	for _, t := range []string{"（盖章）", "(盖章)", "盖章"} {
		if strings.HasPrefix(string(lr[at:min(len(lr), at+4)]), t) {
			at += len([]rune(t))
			for at < len(lr) && strings.ContainsRune(" \t|:：", lr[at]) {
				at++
			}
		}
	}
	end := at
	for end < len(lr) && lr[end] != '|' {
		end++
	}
	return at, []rune(strings.TrimRight(string(lr[at:end]), " \t"))
}

// labelValue reads a unit's name at the start of a labelled value (after
// a code such as 219- or 1R0001-), and how many runes of the value it
// spans; 0 when the value is not a name or runs on into a clause.
func labelValue(v []rune) (orgName, int) {
	skip := 0
	if m := codePrefix.FindString(string(v)); m != "" {
		skip = len([]rune(m))
	}
	o, n := parseOrgPrefixIn(v[skip:], true)
	if n == 0 {
		return orgName{}, 0
	}
	rest := string(v[skip+n:])
	for _, t := range lexicon.OrgTails {
		rest = strings.TrimPrefix(rest, t)
	}
	if r, _ := utf8.DecodeRuneInString(rest); rest != "" && unicode.Is(unicode.Han, r) && !hasAnyPrefix(rest, orgValueFollowers...) {
		return orgName{}, 0
	}
	return o, skip + n
}

// orgFromTitle reads the unit at the start of the title (X关于…的报告,
// X2023年度…报告, 2023年X…报告), and of the page's own title with the
// portal's site name (_X县人民政府) stripped.
func orgFromTitle(nd *normalize.Doc, ti titleInfo) []orgCandidate {
	var out []orgCandidate
	seen := map[string]bool{}
	for _, t := range []string{ti.text, stripSiteName(nd.Title)} {
		t = strings.TrimSpace(t)
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		r := []rune(t)
		at := 0
		if m := leadingYear.FindString(t); m != "" {
			at = len([]rune(m))
		}
		for _, w := range []string{"关于", "（", "("} {
			if strings.HasPrefix(string(r[at:min(len(r), at+2)]), w) {
				at += len([]rune(w))
			}
		}
		o, n := parseOrgPrefixIn(r[at:], true)
		if n == 0 {
			// …绩效自评报告（某县某局）: the unit in brackets at the end.
			m := trailingBracket.FindStringSubmatch(t)
			if m == nil {
				continue
			}
			var ok bool
			if o, ok = parseOrg(m[1]); !ok {
				continue
			}
		}
		c := orgCandidate{name: o, source: "title", start: -1}
		c.page, c.start, c.end = locate(nd, o.Text)
		out = append(out, c)
	}
	return out
}

var (
	leadingYear     = regexp.MustCompile(`^(?:19|20)\d{2}\s*年度?`)
	trailingBracket = regexp.MustCompile(`[（(]([^（()）]{4,40})[）)]$`)
)

// stripSiteName removes the portal's site name that a page title ends with:
// 某局2023年度自评报告_某县人民政府 → 某局2023年度自评报告.
func stripSiteName(t string) string {
	for _, sep := range []string{"_", "－", " - ", "-", "|", "——"} {
		if i := strings.LastIndex(t, sep); i > 0 {
			tail := strings.TrimSpace(t[i+len(sep):])
			if _, ok := parseOrg(tail); ok || strings.Contains(tail, "网") || strings.Contains(tail, "门户") {
				return strings.TrimSpace(t[:i])
			}
		}
	}
	return t
}

// locate finds s in the document: page and rune offsets, or 0, -1, -1.
func locate(nd *normalize.Doc, s string) (int, int, int) {
	for _, p := range nd.Pages {
		if i := strings.Index(p.Text, s); i >= 0 {
			st := len([]rune(p.Text[:i]))
			return p.Number, st, st + len([]rune(s))
		}
	}
	return 0, -1, -1
}

// dateLine is a signature's date: 2023年3月20日, 2023-03-20, 二〇二三年三月二十日.
var dateLine = regexp.MustCompile(`^(?:(?:19|20)\d{2}\s*(?:年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|[-./]\d{1,2}[-./]\d{1,2})|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月(?:[一二三四五六七八九十]{1,3}日)?)$`)

// orgFromSignature reads the unit that signs the report: a line at its end
// that is a unit's name alone, next to the date line.
func orgFromSignature(nd *normalize.Doc) []orgCandidate {
	if len(nd.Pages) == 0 {
		return nil
	}
	p := nd.Pages[len(nd.Pages)-1]
	lines := strings.Split(p.Text, "\n")
	var out []orgCandidate
	nonEmpty := 0
	for i := len(lines) - 1; i >= 0 && nonEmpty < 8; i-- {
		l := strings.TrimSpace(lines[i])
		if l == "" {
			continue
		}
		nonEmpty++
		if !dateLine.MatchString(strings.ReplaceAll(l, " ", "")) {
			continue
		}
		for _, j := range []int{i - 1, i - 2, i + 1} {
			if j < 0 || j >= len(lines) {
				continue
			}
			o, ok := parseOrg(strings.ReplaceAll(strings.TrimSpace(lines[j]), " ", ""))
			if !ok {
				continue
			}
			c := orgCandidate{name: o, source: "signature"}
			c.page = p.Number
			c.start = len([]rune(strings.Join(lines[:j], "\n"))) + 1
			if j == 0 {
				c.start = 0
			}
			c.start += strings.Index(lines[j], strings.TrimSpace(lines[j])[:1])
			c.end = c.start + len([]rune(strings.TrimSpace(lines[j])))
			out = append(out, c)
			break
		}
	}
	return out
}

// orgNotBefore: a name followed by one of these is named as the author of
// another document or as the body that funds (某局关于印发…, 某局下达…,
// 某局拨付…).
var orgNotBefore = []string{"关于", "印发", "转发", "下达", "下拨", "拨付", "拨款", "批准", "审批", "核定", "分配", "文件", "要求", "网站", "门户", "通知", "批复", "办法", "规定", "的通知", "《",
	"对我", "对本", "向我", "给我", "为我", "与我", "给予", "督促", "考核", "委托", "评审"}

// orgNotAfter: a name after one of these is a body the report refers to
// (根据某局…, 报送某局, 向某局), not its author.
var orgNotAfter = []string{"根据", "按照", "依据", "由", "向", "报送", "上报", "提交", "报", "经", "会同", "配合", "联合", "对", "给", "和", "与", "及", "、", "到", "在", "协调", "督促", "指导", "请", "至"}

// orgFromBody reads the unit the opening text names as its subject: a full
// name (with a place from the gazetteer) at the start of a sentence or
// clause, not quoted, not a document's author, not one of a list; it must
// fit the report's word for itself (我局 → a 局).
func orgFromBody(nd *normalize.Doc) []orgCandidate {
	var out []orgCandidate
	self := selfReference(nd)
	budget := 1500
	for _, p := range nd.Pages {
		r := []rune(p.Text)
		lim := min(len(r), budget)
		budget -= lim
		for i := 0; i < lim; i++ {
			if i > 0 && unicode.Is(unicode.Han, r[i-1]) && r[i-1] != '年' {
				continue // not at a clause start
			}
			if n, _ := lexicon.PlaceAt(r[i:], ""); n == 0 && !hasAnyPrefix(string(r[i:min(len(r), i+5)]), "中共", "中国共产党") {
				continue
			}
			o, n := parseOrgPrefix(r[i:])
			if n == 0 || o.Relative {
				continue
			}
			before, after := string(r[max(0, i-6):i]), string(r[i+n:min(len(r), i+n+4)])
			c := orgCandidate{name: o, source: "body", page: p.Number, start: i, end: i + n}
			switch {
			case namedSelf(r, i, i+n):
				// 我单位（某中心）: the report names itself.
			case !subjectFollows(r, i, i+n):
				c.reason = "a form's cell or a list item, not the subject of a sentence"
			case quoted(r[:i]):
				c.reason = "inside quotation marks or a document's title"
			case hasAnyPrefix(after, orgNotBefore...):
				c.reason = "named as the author of another document"
			case after == "制" || strings.HasPrefix(after, "制\n") || strings.HasPrefix(after, "制 "):
				c.reason = "the body that printed the form (某财政局制)"
			case hasAnySuffix(strings.TrimRight(before, "0123456789年，, "), orgNotAfter...):
				c.reason = "named as another body the report refers to"
			case self != "" && !strings.ContainsRune(self, []rune(o.Text)[len([]rune(o.Text))-1]):
				c.reason = "the report's word for itself does not fit this unit"
			case lexicon.GovernmentSuffixes[o.Suffix.Word] && self == "":
				c.reason = "a government the text refers to; the report does not speak as one"
			}
			out = append(out, c)
			i += n - 1
		}
		if budget <= 0 {
			break
		}
	}
	// Only the first acceptable subject is a candidate; later ones are
	// other units the text mentions.
	first := true
	for i := range out {
		if out[i].reason == "" {
			if !first && !sameUnit(out[i].name.Text, firstBody(out)) {
				out[i].reason = "a later unit the text mentions"
			}
			first = false
		}
	}
	return out
}

// selfWords are the words a report calls its own unit by.
var selfWords = []string{"我单位", "本单位", "我部门", "本部门"}

// namedSelf reports whether the name at r[i:end] stands in brackets right
// after the report's word for itself: 我单位（某中心）, 本局(某局).
func namedSelf(r []rune, i, end int) bool {
	if i == 0 || end >= len(r) || !strings.ContainsRune("（(", r[i-1]) || !strings.ContainsRune("）)", r[end]) {
		return false
	}
	before := string(r[max(0, i-4) : i-1])
	if hasAnySuffix(before, selfWords...) {
		return true
	}
	for w := range lexicon.SelfReferences {
		if strings.HasSuffix(before, w) {
			return true
		}
	}
	return false
}

// yearThen follows a subject: 2023年, 2023年度.
var yearThen = regexp.MustCompile(`^\s?(?:19|20)\d{2}\s?年`)

// subjectFollows reports whether the name at r[i:end] is the subject of
// the text: a sentence goes on after it (荆门市民政局较好地完成…,
// …人民政府2023年…), or it stands alone on its line (a heading above the
// title). A name followed by a space or a cell border is a form's cell.
func subjectFollows(r []rune, i, end int) bool {
	ls, le := i, end
	for ls > 0 && r[ls-1] != '\n' {
		ls--
	}
	for le < len(r) && r[le] != '\n' {
		le++
	}
	// The name alone on its line, bare or in brackets (a heading above or
	// under the title).
	if line := strings.TrimSpace(string(r[ls:le])); line == string(r[i:end]) || strings.Trim(line, "（）() ") == string(r[i:end]) && i > ls && strings.ContainsRune("（(", r[i-1]) {
		return true
	}
	if end == len(r) || r[end] == '\n' {
		return false
	}
	return unicode.Is(unicode.Han, r[end]) || strings.ContainsRune("（(", r[end]) || yearThen.MatchString(string(r[end:min(len(r), end+8)]))
}

func firstBody(cs []orgCandidate) string {
	for _, c := range cs {
		if c.reason == "" {
			return c.name.Text
		}
	}
	return ""
}

// quoted reports whether the text before a position leaves a 《》 or “”
// open.
func quoted(before []rune) bool {
	s := string(before)
	if strings.Count(s, "《") > strings.Count(s, "》") {
		return true
	}
	if i := strings.LastIndexAny(s, "\n。"); i >= 0 {
		s = s[i:]
	}
	return strings.Count(s, "“") > strings.Count(s, "”") || strings.Count(s, "「") > strings.Count(s, "」")
}

// selfReference returns the last characters a unit's name may end with
// given the report's word for itself (我局 → 局, 我校 → 学校园), or ""
// when it uses none or several that disagree.
func selfReference(nd *normalize.Doc) string {
	found := ""
	for _, p := range nd.Pages {
		for w, sfx := range lexicon.SelfReferences {
			if strings.Contains(p.Text, w) {
				if found != "" && found != sfx {
					return ""
				}
				found = sfx
			}
		}
	}
	return found
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
