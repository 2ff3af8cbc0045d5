package parser

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/token"
)

// seedScripts returns the scripts under testdata/lang and testdata/grammar,
// the seeds of the fuzz targets.
func seedScripts(tb testing.TB) [][]byte {
	var out [][]byte
	for _, dir := range []string{"../../testdata/lang", "../../testdata/grammar"} {
		_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".bt") {
				if b, err := os.ReadFile(path); err == nil {
					out = append(out, b)
				}
			}
			return nil
		})
	}
	return out
}

// FuzzParse parses arbitrary input: there must always be a tree and
// sorted diagnostics, no panic and no hang, and every span of a node or a
// diagnostic must lie within the file: 1 <= Pos <= End <= len+1.
func FuzzParse(f *testing.F) {
	for _, s := range seedScripts(f) {
		f.Add(s)
	}
	f.Add([]byte(""))
	f.Add([]byte("#!"))
	f.Add([]byte("k:f { @[1, 2] = (a = 1, b = (2,)); $x = if (1) { 2 } else { 3 }; }"))
	f.Fuzz(func(t *testing.T, src []byte) {
		done := make(chan struct{})
		var tree *ast.File
		var errs diag.List
		file := token.NewFile("fuzz.bt", src)
		go func() {
			defer close(done)
			tree, errs = ParseFile(file)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			// A hang detector, not a performance bound: parsing is linear
			// and takes microseconds.
			t.Fatalf("ParseFile(%q) does not return", src)
		}
		if tree == nil {
			t.Fatal("ParseFile returned no tree")
		}
		if err := CheckSpans(file, tree, errs); err != nil {
			t.Fatal(err)
		}
	})
}

// CheckSpans reports the first node or diagnostic whose span is not within
// file, or diagnostics out of order.
func CheckSpans(file *token.File, tree ast.Node, errs diag.List) error {
	max := token.Pos(file.Size() + 1)
	in := func(pos, end token.Pos) bool { return 1 <= pos && pos <= end && end <= max }
	var bad error
	ast.Inspect(tree, func(n ast.Node) bool {
		if n == nil || bad != nil {
			return false
		}
		if !in(n.Pos(), n.End()) {
			bad = fmt.Errorf("%T spans [%d, %d), outside [1, %d]", n, n.Pos(), n.End(), max)
		}
		return bad == nil
	})
	if bad != nil {
		return bad
	}
	if f, ok := tree.(*ast.File); ok {
		for _, c := range f.Comments {
			if !in(c.Pos(), c.End()) {
				return fmt.Errorf("comment %q spans [%d, %d), outside [1, %d]", c.Text, c.Pos(), c.End(), max)
			}
		}
	}
	for i, d := range errs {
		if !in(d.Pos, d.End) {
			return fmt.Errorf("diagnostic %q spans [%d, %d), outside [1, %d]", d.Message, d.Pos, d.End, max)
		}
		if i > 0 && errs[i-1].Pos > d.Pos {
			return fmt.Errorf("diagnostics are not sorted: %q before %q", errs[i-1].Message, d.Message)
		}
	}
	return nil
}
