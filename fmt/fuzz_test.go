package format

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/bt-tools/bt/lang/parser"
	"github.com/bt-tools/bt/lang/token"
)

// FuzzFormat checks that for any program that parses, formatting keeps the
// tree and every comment, gives a program that parses, and is idempotent;
// and that printing the partial tree of a program that does not parse
// never panics. It is seeded with the scripts under testdata/ and the
// golden inputs.
func FuzzFormat(f *testing.F) {
	for _, s := range testdataScripts(f) {
		f.Add(s.src)
	}
	for _, pattern := range []string{"*.input", "*.golden"} {
		paths, _ := filepath.Glob(filepath.Join(goldenDir, pattern))
		for _, p := range paths {
			src, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		// TODO(parser): lang/parser takes time exponential in the nesting
		// of "(typeof(" casts (isCast re-parses the type speculatively at
		// every level), which stalls the fuzzer; see the formatter's
		// report. Skip such inputs until the parser is fixed.
		if bytes.Count(src, []byte("typeof")) > 6 {
			t.Skip("nested typeof casts: exponential in lang/parser")
		}
		file := token.NewFile("fuzz.bt", src)
		tree, diags := parser.ParseFile(file)
		if diags.HasErrors() {
			_ = File(file, tree)
			return
		}
		if _, err := checkInvariants("fuzz.bt", src); err != nil {
			t.Fatal(err)
		}
	})
}
