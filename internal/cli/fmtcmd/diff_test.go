package fmtcmd

import (
	"bytes"
	"math/rand"
	"strings"
	"testing"
)

// lcs is the length of a longest common subsequence, by dynamic
// programming: the reference a shortest edit script must agree with.
func lcs(a, b []string) int {
	prev := make([]int, len(b)+1)
	for i := range a {
		cur := make([]int, len(b)+1)
		for j := range b {
			switch {
			case a[i] == b[j]:
				cur[j+1] = prev[j] + 1
			case prev[j+1] > cur[j]:
				cur[j+1] = prev[j+1]
			default:
				cur[j+1] = cur[j]
			}
		}
		prev = cur
	}
	return prev[len(b)]
}

// TestDiffMinimal checks on random inputs that the edit script turns a into
// b and is as short as the longest common subsequence allows.
func TestDiffMinimal(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	gen := func() []string {
		s := make([]string, r.Intn(30))
		for i := range s {
			s[i] = string(rune('a' + r.Intn(4)))
		}
		return s
	}
	for iter := 0; iter < 3000; iter++ {
		a, b := gen(), gen()
		d := diffLines(a, b)
		var got []string
		edits := 0
		for _, o := range d.ops() {
			switch o.kind {
			case ' ':
				got = append(got, a[o.i])
			case '+':
				got = append(got, b[o.j])
				edits++
			case '-':
				edits++
			}
		}
		if strings.Join(got, "") != strings.Join(b, "") {
			t.Fatalf("script for %q -> %q gives %q", a, b, got)
		}
		if want := len(a) + len(b) - 2*lcs(a, b); edits != want {
			t.Fatalf("%q -> %q: %d edits, shortest is %d", a, b, edits, want)
		}
	}
}

func TestUnifiedDiff(t *testing.T) {
	a := "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n"
	b := "1\n2\nthree\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\nfifteen"
	var out bytes.Buffer
	if err := unifiedDiff(&out, "x.bt", []byte(a), []byte(b)); err != nil {
		t.Fatal(err)
	}
	want := `diff x.bt.orig x.bt
--- x.bt.orig
+++ x.bt
@@ -1,6 +1,6 @@
 1
 2
-3
+three
 4
 5
 6
@@ -12,4 +12,4 @@
 12
 13
 14
-15
+fifteen
\ No newline at end of file
`
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
	out.Reset()
	if err := unifiedDiff(&out, "x.bt", []byte(""), []byte("a\nb\n")); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "@@ -0,0 +1,2 @@\n+a\n+b\n") {
		t.Errorf("diff from empty:\n%s", out.String())
	}
	out.Reset()
	_ = unifiedDiff(&out, "x.bt", []byte("same\n"), []byte("same\n"))
	if out.Len() != 0 {
		t.Errorf("equal inputs gave a diff:\n%s", out.String())
	}
}
