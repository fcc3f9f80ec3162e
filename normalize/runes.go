package normalize

// text is a rune sequence in which every rune remembers the offset of the
// raw rune it came from. Each normalization step maps one text to another, so
// the final offset map back to the raw page text falls out of the steps
// without any step having to know about the others.
type text struct {
	r   []rune
	src []int // src[i] is the raw offset of r[i]
}

func newText(s string) text {
	r := []rune(s)
	src := make([]int, len(r))
	for i := range src {
		src[i] = i
	}
	return text{r, src}
}

func (t *text) push(r rune, src int) {
	t.r = append(t.r, r)
	t.src = append(t.src, src)
}

func (t text) String() string { return string(t.r) }
