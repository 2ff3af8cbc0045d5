package format

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/parser"
	"github.com/bt-tools/bt/lang/token"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/fmt")

const goldenDir = "../testdata/fmt"

// TestGolden formats each testdata/fmt/NAME.input and compares the result
// with NAME.golden; a second pass over the golden must not change it.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join(goldenDir, "*.input"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no golden inputs in %s (%v)", goldenDir, err)
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".input")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			out, err := checkInvariants(in, src)
			if err != nil {
				t.Fatal(err)
			}
			golden := strings.TrimSuffix(in, ".input") + ".golden"
			if *update {
				if err := os.WriteFile(golden, out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(out, want) {
				t.Errorf("output differs from %s:\n%s", golden, lineDiff(string(want), string(out)))
			}
			if again, err := Source(golden, want); err != nil || !bytes.Equal(again, want) {
				t.Errorf("formatting %s changes it (err %v):\n%s", golden, err, lineDiff(string(want), string(again)))
			}
		})
	}
}

// TestSourceError checks that a program that does not parse gives the
// diagnostics and no output.
func TestSourceError(t *testing.T) {
	out, err := Source("bad.bt", []byte("BEGIN { $x = ; }\n"))
	if err == nil || out != nil {
		t.Fatalf("Source = %q, %v; want no output and an error", out, err)
	}
	if !strings.Contains(err.Error(), "E100") {
		t.Errorf("error %q does not carry the parse diagnostic", err)
	}
}

// TestEmpty checks that a file with nothing in it stays empty.
func TestEmpty(t *testing.T) {
	for _, src := range []string{"", "\n", "\n\n  \n"} {
		out, err := Source("empty.bt", []byte(src))
		if err != nil || len(out) != 0 {
			t.Errorf("Source(%q) = %q, %v; want empty", src, out, err)
		}
	}
}

// TestFprint prints nodes other than a file, as a quick fix or hover would.
func TestFprint(t *testing.T) {
	src := []byte("BEGIN { if (pid == 1) { @x[comm, pid] = count(); } $y = (1 + 2) * 3; }")
	file := token.NewFile("x.bt", src)
	f, diags := parser.ParseFile(file)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	probe := f.Decls[0].(*ast.Probe)
	assign := probe.Body.Stmts[1].(*ast.AssignStmt)
	for _, c := range []struct {
		node ast.Node
		want string
	}{
		{probe.Body.Stmts[0], "if (pid == 1) {\n  @x[comm, pid] = count();\n}\n"},
		{assign, "$y = (1 + 2) * 3;\n"},
		{assign.RHS, "(1 + 2) * 3\n"},
		{probe, "BEGIN\n{\n  if (pid == 1) {\n    @x[comm, pid] = count();\n  }\n  $y = (1 + 2) * 3;\n}\n"},
	} {
		var b strings.Builder
		if err := Fprint(&b, file, c.node); err != nil {
			t.Fatal(err)
		}
		if b.String() != c.want {
			t.Errorf("Fprint(%T) = %q, want %q", c.node, b.String(), c.want)
		}
	}
}
