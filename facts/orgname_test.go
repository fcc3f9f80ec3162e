package facts

import "testing"

// Names of many forms, as units write them; each must parse whole.
func TestParseOrgAccepts(t *testing.T) {
	for _, c := range []struct{ in, place, suffix string }{
		{"广州市番禺区退役军人事务局", "广州市番禺区", "事务局"},
		{"内蒙古自治区文化和旅游厅", "内蒙古自治区", "厅"},
		{"红河州数据发展中心", "红河州", "中心"},
		{"红河哈尼族彝族自治州第二人民医院", "红河哈尼族彝族自治州", "医院"},
		{"池州市贵池区棠溪镇人民政府", "池州市贵池区棠溪镇", "人民政府"},
		{"衡山县贯塘乡人民政府", "衡山县贯塘乡", "人民政府"},
		{"淮南市田家庵区人力资源和社会保障局", "淮南市田家庵区", "局"},
		{"金寨县茶谷和美丽乡村建设服务中心", "金寨县", "服务中心"},
		{"渌口区残联", "渌口区", "残联"},
		{"株洲市渌口区残疾人联合会", "株洲市渌口区", "残疾人联合会"},
		{"南县政协", "南县", "政协"},
		{"耒阳市第四中学", "耒阳市", "中学"},
		{"双流区实验中学校", "双流区", "中学校"},
		{"第十四师农业农村局", "第十四师", "局"},
		{"新疆生产建设兵团第八师财政局", "新疆生产建设兵团第八师", "局"},
		{"巴彦淖尔市临河区财政局", "巴彦淖尔市临河区", "局"},
		{"鄂尔多斯市伊金霍洛旗教育体育局", "鄂尔多斯市伊金霍洛旗", "局"},
		{"阿拉善盟生态环境局", "阿拉善盟", "局"},
		{"延边州妇联", "延边州", "妇联"},
		{"西双版纳州科协", "西双版纳州", "科协"},
		{"黔东南州工商联", "黔东南州", "工商联"},
		{"宜宾市叙州区团委", "宜宾市叙州区", "团委"},
		{"中共大英县委组织部", "大英县", "部"},
		{"眉山市东坡区住房和城乡建设局", "眉山市东坡区", "局"},
		{"广西河池市罗城仫佬族自治县水利局", "广西河池市罗城仫佬族自治县", "局"},
		{"石林县民族宗教事务局", "石林县", "事务局"},
		{"大理州农业农村局", "大理州", "局"},
		{"青神县发展和改革局本级", "青神县", "局"},
		{"新洲区文化和旅游局机关", "新洲区", "机关"},
		{"荆门市民政局", "荆门市", "局"},
		{"绵阳市科学技术局", "绵阳市", "局"},
		{"黄浦区五里桥街道办事处", "黄浦区五里桥街道", "办事处"},
	} {
		o, ok := parseOrg(c.in)
		if !ok {
			t.Errorf("parseOrg(%q) rejected", c.in)
			continue
		}
		if c.place != "" && o.Place != c.place || o.Suffix.Word != c.suffix {
			t.Errorf("parseOrg(%q) = place %q suffix %q, want %q %q", c.in, o.Place, o.Suffix.Word, c.place, c.suffix)
		}
	}
}

// Sentence fragments, project names and half names: none is a unit.
func TestParseOrgRejects(t *testing.T) {
	for _, in := range []string{
		"始终坚持把县接待办的",
		"项资金是由市级以上财政部门",
		"城乡集聚区等内部",
		"建设成渝地区双城经济圈和西部",
		"为建设成渝地区双城经济圈和西部",
		"市级以上财政部门",
		"河湖水系水源调度中心",
		"融媒体中心",
		"县财政局和县教育局",
		"广州市财政局印发",
		"县城乡居民基本医疗保险",
		"市农村义务教育学生营养改善计划",
		"荆门市民政局较好的完成了",
		"红河州生态环境局2021年",
		"我局",
		"本单位",
		"财政局",
		"",
	} {
		if o, ok := parseOrg(in); ok {
			t.Errorf("parseOrg(%q) accepted as %+v", in, o)
		}
	}
}

// In running text the name ends at its last suffix, not at a word that
// starts with a suffix character, and not inside a clause.
func TestParseOrgPrefix(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"荆门市民政局较好的完成了年初制定的目标", "荆门市民政局"},
		{"东阳市文化和广电旅游体育局及其下属各单位", "东阳市文化和广电旅游体育局"},
		{"西平县交通运输局财政衔接推进乡村振兴资金项目", "西平县交通运输局"},
		{"红河州第二人民医院国家基本公共卫生服务项目", "红河州第二人民医院"},
		{"耒阳市第四中学专项资金绩效自评价报告", "耒阳市第四中学"},
		{"保山市卫生健康委员会2022年度项目绩效自评报告", "保山市卫生健康委员会"},
		{"广州市财政局局面", "广州市财政局"},
		{"新洲区楚剧团实施单位新洲区文化和旅游局", "新洲区楚剧团"},
		{"县各部门", ""},
	} {
		o, n := parseOrgPrefix([]rune(c.in))
		got := ""
		if n > 0 {
			got = o.Text
		}
		if got != c.want {
			t.Errorf("parseOrgPrefix(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseOrgRenamedAndBranches(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		// 新建县 became 新建区 (2015): the old name still reads by its stem.
		{"新建县残疾人联合会", "新建县残疾人联合会"},
		{"巴彦淖尔市生态环境局临河区分局", "巴彦淖尔市生态环境局临河区分局"},
		{"巴彦淖尔市财政局临河区教育局", "巴彦淖尔市财政局"},
	} {
		o, n := parseOrgPrefix([]rune(c.in))
		if got := string([]rune(c.in)[:n]); n == 0 || got != c.want {
			t.Errorf("parseOrgPrefix(%q) = %q (%+v), want %q", c.in, got, o, c.want)
		}
	}
}

// The 兵团's regiments: 团 ends a unit's name only after a number under a
// division (a 团 elsewhere is a troupe or a group).
func TestParseOrgRegiments(t *testing.T) {
	for _, c := range []struct {
		in string
		ok bool
	}{
		{"第八师一四九团", true},
		{"第一师阿拉尔市十团", true},
		{"新疆生产建设兵团第三师四十五团", true},
		{"第八师石河子市青年团", false},
		{"南昌市东湖区合唱团", false},
	} {
		if _, ok := parseOrg(c.in); ok != c.ok {
			t.Errorf("parseOrg(%q) ok = %v, want %v", c.in, ok, c.ok)
		}
	}
}
