package format

import (
	"os"
	"path/filepath"
	"testing"
)

// TestCommentsEverywhere puts a comment at every boundary between tokens
// of the golden inputs, one at a time, in each style (a block comment on
// the line, a block comment on a line of its own, a line comment), and
// checks the formatter's guarantees on every variant that parses.
func TestCommentsEverywhere(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: thousands of variants")
	}
	inputs, _ := filepath.Glob(filepath.Join(goldenDir, "*.input"))
	for _, in := range inputs {
		t.Run(filepath.Base(in), func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d variants", checkCommentVariants(t, in, src))
		})
	}
}

// checkCommentVariants checks every variant of src with one comment added
// at a token boundary, and returns how many variants parsed.
func checkCommentVariants(t *testing.T, name string, src []byte) int {
	styles := []string{" /* c */ ", "\n/* c */\n", " // c\n"}
	checked := 0
	for _, at := range boundaries(src) {
		for _, c := range styles {
			v := make([]byte, 0, len(src)+len(c))
			v = append(append(append(v, src[:at]...), c...), src[at:]...)
			if _, err := parse(name, v); err != nil {
				continue // a comment inside an attach point or a # line, say
			}
			checked++
			if _, err := checkInvariants(name, v); err != nil {
				t.Fatalf("with %q at offset %d:\n%v", c, at, err)
			}
		}
	}
	return checked
}

// boundaries returns the offsets where one kind of character (word,
// punctuation, space) gives way to another.
func boundaries(src []byte) []int {
	class := func(c byte) int {
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			return 0
		case c == '_' || c == '$' || c == '@' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			return 1
		}
		return 2
	}
	var out []int
	for i := 1; i < len(src); i++ {
		if a, b := class(src[i-1]), class(src[i]); a != b || a == 2 {
			out = append(out, i)
		}
	}
	return out
}
