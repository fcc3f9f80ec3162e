package facts

import (
	"math/rand"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestCellLabelAsWhole checks cellLabel, which trims only a window before
// the number, against trimming the whole text before it: the same label
// wherever that is short enough for labelledCell to read, and a label too
// long wherever the whole one is.
func TestCellLabelAsWhole(t *testing.T) {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	alphabet := []rune{' ', ' ', '\t', '\u3000', '|', '|', ':', '：', '分', '得', '评', 'x', '1'}
	check := func(s string) {
		r := []rune(s)
		for from := 0; from <= len(r); from++ {
			to := len(r)
			whole := strings.TrimSpace(strings.Trim(string(r[from:to]), " |:："))
			got := cellLabel(r, from, to)
			if utf8.RuneCountInString(whole) <= maxCellLabel {
				if got != whole {
					t.Fatalf("cellLabel(%q, %d) = %q, want %q", s, from, got, whole)
				}
			} else if utf8.RuneCountInString(got) <= maxCellLabel {
				t.Fatalf("cellLabel(%q, %d) = %q, short; the whole label %q is not", s, from, got, whole)
			}
		}
	}
	// by hand: the window (32 runes) falls inside a run of bars and spaces
	check(strings.Repeat("| ", 40) + "评价得分 | ")
	check("1500 | " + strings.Repeat("|\t", 30) + " 得分")
	for i := 0; i < 3000; i++ {
		n := rng.Intn(120)
		r := make([]rune, n)
		for j := range r {
			r[j] = alphabet[rng.Intn(len(alphabet))]
		}
		check(string(r))
	}
}

// TestRuneCursor checks the counted-on rune offsets against counting from
// the start, forwards and after a step back.
func TestRuneCursor(t *testing.T) {
	text := "总分10098 | 年度资金总额（万元）303010100% ab"
	c := runeCursor{text: text}
	for _, b := range []int{0, 3, 6, 11, 11, 38, 14, len(text)} {
		if got, want := c.at(b), utf8.RuneCountInString(text[:b]); got != want {
			t.Errorf("at(%d) = %d, want %d", b, got, want)
		}
	}
}
