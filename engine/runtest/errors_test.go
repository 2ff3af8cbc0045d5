package runtest

import (
	"errors"
	"strings"
	"testing"

	"github.com/bt-tools/bt/engine/compile"
	"github.com/bt-tools/bt/engine/runtime"
)

// A program the verifier rejects: the error names the instruction and,
// through its source tag, the script's statement.
func TestVerifierRejectionHasSourcePosition(t *testing.T) {
	Require(t)
	src := "BEGIN {\n  $i = 0;\n  while (1) { @x++; }\n}"
	res := Run(t, src, Options{})
	var ve *runtime.VerifierError
	if !errors.As(res.Err, &ve) {
		t.Fatalf("err = %v, want a verifier rejection", res.Err)
	}
	if !ve.Pos.IsValid() {
		t.Fatalf("no source position: %s", res.Error())
	}
	pos := res.unit.Tok.Position(ve.Pos)
	if pos.Line != 3 {
		t.Errorf("rejection at %s, want line 3 (the loop): %s", pos, res.Error())
	}
	if !strings.Contains(res.Error(), "infinite loop") {
		t.Errorf("log lacks the reason: %s", res.Error())
	}
}

// Constructs bt cannot compile are errors at their location, never
// panics.
func TestUnsupportedConstructs(t *testing.T) {
	for _, tc := range []struct{ src, at, msg string }{
		{`BEGIN { printf("%s\n", comm(1)); }`, "comm(1)", "comm(pid)"},
		{`kretprobe:vfs_read { @t = tseries(retval, 1000000, 10); }`, "tseries(retval, 1000000, 10)", "tseries"},
		{"fn double($x: int64): int64 { return $x * 2; }\nBEGIN { printf(\"%d\\n\", double(2)); }", "double(2)", "fn functions"},
		{`BEGIN { $x = 1; $p = &$x; }`, "&$x", "addresses"},
	} {
		u, _, err := Compile(tc.src, Options{})
		if err == nil {
			t.Errorf("%s: compiled", tc.src)
			continue
		}
		var ce *compile.Error
		if !errors.As(err, &ce) {
			t.Errorf("%s: err %v is not a *compile.Error", tc.src, err)
			continue
		}
		if got := u.Tok.Text(ce.Pos, ce.End); got != tc.at || !strings.Contains(ce.Msg, tc.msg) {
			t.Errorf("%s: error %q at %q, want %q at %q", tc.src, ce.Msg, got, tc.msg, tc.at)
		}
	}
}

func TestAssert(t *testing.T) {
	res := check(t, `BEGIN { $x = 1; assert($x == 1, "fine"); assert($x == 2, "x is not 2"); printf("not reached\n"); }`,
		exitText, Options{})
	if res.Code != 1 || !strings.Contains(res.Stderr, "stdin:1:42-71: ERROR: assert failed: x is not 2") {
		t.Errorf("code %d, stderr %q", res.Code, res.Stderr)
	}
}
