package lexicon

import (
	"cmp"
	"slices"
	"strings"
)

// Kinds of unit an organization suffix names.
const (
	// Administrative units are government departments and organs (局, 委,
	// 办, 厅, 人民政府): the ones that can be a project's 主管部门.
	Administrative = "administrative"
	// Institution units carry out work under a department (中心, 学校,
	// 医院, 剧团, 站, 所).
	Institution = "institution"
	// PeoplesGroup units are the 人民团体 (残联, 妇联, 团委, 科协, 工商联).
	PeoplesGroup = "peoples-group"
)

// OrgSuffix is a word that ends the name of a unit.
type OrgSuffix struct {
	Word string
	Kind string
	// Bare is set when the word may follow the place directly, with no
	// body between (南县政协, 渌口区残联, 棠溪镇人民政府).
	Bare bool
	// NotBefore lists the characters that, right after the word, show it
	// starts a longer ordinary word instead (局面, 部门, 会议, 院校).
	NotBefore string
	// NotAfter lists the characters that, right before the word, make it
	// the end of an ordinary word (西部, 网站).
	NotAfter string
	// Numbered is set for a word that ends a unit only after a number in
	// Chinese numerals and a 兵团 division: its regiments (第八师一四九团).
	Numbered bool
}

// OrgSuffixes are the words a unit's name ends with, longest first within
// each shared ending. The short forms of the 人民团体 (残联 = 残疾人联合会,
// 妇联, 团委, 科协, 工商联) are suffixes of their own.
var OrgSuffixes = []OrgSuffix{
	{Word: "人民代表大会常务委员会", Kind: Administrative, Bare: true},
	{Word: "人大常委会", Kind: Administrative, Bare: true},
	{Word: "人民政府办公室", Kind: Administrative, Bare: true},
	{Word: "人民政府", Kind: Administrative, Bare: true},
	{Word: "人民法院", Kind: Administrative, Bare: true},
	{Word: "人民检察院", Kind: Administrative, Bare: true},
	{Word: "街道办事处", Kind: Administrative, Bare: true},
	{Word: "办事处", Kind: Administrative, Bare: true},
	{Word: "管理委员会", Kind: Administrative},
	{Word: "委员会", Kind: Administrative, NotBefore: "委"},
	{Word: "管委会", Kind: Administrative},
	{Word: "常委会", Kind: Administrative},
	{Word: "办公室", Kind: Administrative, NotBefore: "内外"},
	{Word: "管理局", Kind: Administrative},
	{Word: "事务局", Kind: Administrative},
	{Word: "分局", Kind: Administrative},
	{Word: "派出所", Kind: Institution},
	{Word: "管理所", Kind: Institution},
	{Word: "管理站", Kind: Institution},
	{Word: "局", Kind: Administrative, NotBefore: "面势限长"},
	{Word: "厅", Kind: Administrative, NotBefore: "长"},
	{Word: "委", Kind: Administrative, Bare: true, NotBefore: "托员屈派"},
	{Word: "办", Kind: Administrative, NotBefore: "理法好事公"},
	{Word: "机关", Kind: Administrative},
	{Word: "政协", Kind: Administrative, Bare: true},
	{Word: "人大", Kind: Administrative, Bare: true},
	{Word: "政府", Kind: Administrative, Bare: true},
	{Word: "残疾人联合会", Kind: PeoplesGroup, Bare: true},
	{Word: "工商业联合会", Kind: PeoplesGroup, Bare: true},
	{Word: "妇女联合会", Kind: PeoplesGroup, Bare: true},
	{Word: "归国华侨联合会", Kind: PeoplesGroup, Bare: true},
	{Word: "文学艺术界联合会", Kind: PeoplesGroup, Bare: true},
	{Word: "科学技术协会", Kind: PeoplesGroup, Bare: true},
	{Word: "红十字会", Kind: PeoplesGroup, Bare: true},
	{Word: "总工会", Kind: PeoplesGroup, Bare: true},
	{Word: "联合会", Kind: PeoplesGroup},
	{Word: "工商联", Kind: PeoplesGroup, Bare: true},
	{Word: "残联", Kind: PeoplesGroup, Bare: true},
	{Word: "妇联", Kind: PeoplesGroup, Bare: true},
	{Word: "侨联", Kind: PeoplesGroup, Bare: true},
	{Word: "文联", Kind: PeoplesGroup, Bare: true},
	{Word: "团委", Kind: PeoplesGroup, Bare: true},
	{Word: "科协", Kind: PeoplesGroup, Bare: true},
	{Word: "协会", Kind: PeoplesGroup},
	{Word: "学会", Kind: PeoplesGroup},
	{Word: "联络处", Kind: Administrative},
	{Word: "服务中心", Kind: Institution},
	{Word: "中心", Kind: Institution, NotBefore: "城区镇"},
	{Word: "中学校", Kind: Institution},
	{Word: "中学", Kind: Institution, NotBefore: "生"},
	{Word: "小学", Kind: Institution, NotBefore: "生"},
	{Word: "学校", Kind: Institution},
	{Word: "中心校", Kind: Institution},
	{Word: "幼儿园", Kind: Institution},
	{Word: "大学", Kind: Institution, NotBefore: "生"},
	{Word: "学院", Kind: Institution},
	{Word: "党校", Kind: Institution},
	{Word: "卫生院", Kind: Institution},
	{Word: "医院", Kind: Institution},
	{Word: "研究院", Kind: Institution},
	{Word: "研究所", Kind: Institution},
	{Word: "院", Kind: Institution, NotBefore: "校内"},
	{Word: "所", Kind: Institution, NotBefore: "有以属得在需"},
	{Word: "站", Kind: Institution, NotBefore: "在位点", NotAfter: "网"},
	{Word: "大队", Kind: Institution},
	{Word: "支队", Kind: Institution},
	{Word: "中队", Kind: Institution},
	{Word: "队", Kind: Institution, NotBefore: "伍员"},
	{Word: "图书馆", Kind: Institution},
	{Word: "博物馆", Kind: Institution},
	{Word: "文化馆", Kind: Institution},
	{Word: "纪念馆", Kind: Institution},
	{Word: "馆", Kind: Institution, NotBefore: "藏"},
	{Word: "剧团", Kind: Institution},
	{Word: "团", Kind: Administrative, Numbered: true},
	{Word: "艺术团", Kind: Institution},
	{Word: "集团", Kind: Institution},
	{Word: "公司", Kind: Institution},
	{Word: "电视台", Kind: Institution},
	{Word: "广播电台", Kind: Institution},
	{Word: "气象台", Kind: Institution},
	{Word: "林场", Kind: Institution},
	{Word: "农场", Kind: Institution},
	{Word: "监狱", Kind: Institution},
	{Word: "看守所", Kind: Institution},
	{Word: "保护区管理局", Kind: Administrative},
	{Word: "社", Kind: Institution, NotBefore: "会区保"},
	{Word: "处", Kind: Administrative, NotBefore: "理置于在罚分"},
	{Word: "科", Kind: Administrative, NotBefore: "学技研普"},
	{Word: "部", Kind: Administrative, NotBefore: "门分署位", NotAfter: "东西南北中全内外局"},
}

// OrgSuffixAt returns the suffixes that r starts with, longest first.
func OrgSuffixAt(r []rune) []OrgSuffix {
	s := string(r[:min(len(r), 12)])
	var out []OrgSuffix
	for _, x := range OrgSuffixes {
		if strings.HasPrefix(s, x.Word) {
			out = append(out, x)
		}
	}
	// Longest first; stable, so equal lengths keep the table's order.
	slices.SortStableFunc(out, func(a, b OrgSuffix) int { return cmp.Compare(len(b.Word), len(a.Word)) })
	return out
}

// OrgSuffixOf returns the longest suffix that s ends with.
func OrgSuffixOf(s string) (OrgSuffix, bool) {
	var best OrgSuffix
	for _, x := range OrgSuffixes {
		if strings.HasSuffix(s, x.Word) && len(x.Word) > len(best.Word) {
			best = x
		}
	}
	return best, best.Word != ""
}

// OrgTails may follow a unit's name in a form's cell without being part of
// it: 青神县发展和改革局本级 is the 局.
var OrgTails = []string{"（本级）", "(本级)", "本级", "（盖章）", "(盖章)", "盖章", "部门"}

// SelfReferences are the words a report calls its own unit by (我局, 我校),
// with the last characters the unit's name may end with.
var SelfReferences = map[string]string{
	"我局": "局", "本局": "局", "我委": "委会", "本委": "委会", "我办": "办室", "本办": "办室", "我厅": "厅", "本厅": "厅",
	"我院": "院", "本院": "院", "我中心": "心", "本中心": "心", "我校": "学校园", "本校": "学校园",
	"我馆": "馆", "本馆": "馆", "我站": "站", "本站": "站", "我所": "所", "本所": "所",
	"我镇": "府", "本镇": "府", "我乡": "府", "本乡": "府", "我街道": "处府", "本街道": "处府",
}

// GovernmentSuffixes name a place's government or party committee (某县人民
// 政府, 某县委): in a department's report they are the bodies it answers
// to, so prose names them as the reporter only when the report speaks as a
// township (我镇, 本街道).
var GovernmentSuffixes = map[string]bool{"人民政府": true, "政府": true, "委": true, "人大": true, "人大常委会": true, "政协": true}
