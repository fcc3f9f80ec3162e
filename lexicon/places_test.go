package lexicon

import "testing"

func TestPlaceAt(t *testing.T) {
	for _, c := range []struct {
		in, after string
		n         int
		level     string
	}{
		{"内蒙古自治区文化和旅游厅", "", 6, Province},
		{"内蒙古文化和旅游厅", "", 3, Province},
		{"红河哈尼族彝族自治州", "", 10, Prefecture},
		{"红河州数据发展中心", "", 3, Prefecture}, // short form of an autonomous prefecture
		{"石林县民族宗教事务局", "", 3, County},    // 石林彝族自治县
		{"第十四师农业农村局", "", 4, Corps},
		{"棠溪镇人民政府", County, 3, Town},
		{"棠溪镇人民政府", "", 0, ""}, // a township by its form only after a county
		{"城乡建设局", County, 0, ""},
		{"城区财政局", "", 0, ""}, // 阳泉市城区 is also a common word
		{"两江新区管理委员会", "", 4, Zone},
		{"建设成渝地区双城经济圈", "", 0, ""},
	} {
		n, l := PlaceAt([]rune(c.in), c.after)
		if n != c.n || l != c.level {
			t.Errorf("PlaceAt(%q, %q) = %d %q, want %d %q", c.in, c.after, n, l, c.n, c.level)
		}
	}
}

func TestGazetteerSize(t *testing.T) {
	gazOnce.Do(loadGazetteer)
	// 31 provinces, about 330 prefectures and 2,900 counties (GB/T 2260).
	if n := len(gaz.names); n < 3000 || n > 4500 {
		t.Errorf("gazetteer holds %d names", n)
	}
}

// TestPlaceAtLongestName checks the length index against the plain search
// it replaced (every length from the longest name down): for each name of
// the gazetteer, itself, each of its prefixes and the name followed by a
// unit's words must give the longest name r starts with.
func TestPlaceAtLongestName(t *testing.T) {
	gazOnce.Do(loadGazetteer)
	plain := func(r []rune) (int, string) {
		for n := min(len(r), gaz.longest); n >= 2; n-- {
			if level, ok := gaz.names[string(r[:n])]; ok {
				return n, level
			}
		}
		return 0, ""
	}
	checked := 0
	for name := range gaz.names {
		r := []rune(name)
		for _, in := range [][]rune{r, []rune(name + "财政局"), []rune(name + "县人民政府")} {
			for end := 1; end <= len(in); end++ {
				wn, wl := plain(in[:end])
				if wn == 0 {
					continue // PlaceAt goes on to forms the plain search had not
				}
				if n, l := PlaceAt(in[:end], ""); n != wn || l != wl {
					t.Fatalf("PlaceAt(%q) = %d, %q; the longest name it starts with is %d runes, %q", string(in[:end]), n, l, wn, wl)
				}
				checked++
			}
		}
	}
	if checked < 10000 {
		t.Fatalf("only %d prefixes checked; the gazetteer has %d names", checked, len(gaz.names))
	}
	t.Logf("%d prefixes checked", checked)
}
