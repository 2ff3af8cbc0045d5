package checkcmd

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bt-tools/bt/internal/cli"
	"github.com/bt-tools/bt/lang/kernel"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// run runs `bt check ARGS` with stdin and the kernel fixture, from
// testdata, and returns its exit code and output.
func runCheck(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	dir, err := kernel.FixtureDir()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(cli.KernelEnv, "fixture:"+dir)
	t.Chdir("testdata")
	cmd := Command()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetIn(strings.NewReader(stdin))
	if args == nil {
		args = []string{} // cobra reads os.Args when given nil
	}
	code = cli.Run(cmd, args)
	return code, out.String(), errOut.String()
}

// golden compares got with testdata/NAME, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it)\n--- got:\n%s\n--- want:\n%s", path, got, want)
	}
}

const validProgram = "kprobe:vfs_read { @bytes[comm] = sum(arg2); }\n"

func TestExitCodesAndOutput(t *testing.T) {
	tests := []struct {
		name         string
		stdin        string
		args         []string
		code         int
		stdout       string // golden file, or "" for no output
		stderr       string // golden file, or "" for no output
		stderrSubstr string // when not golden: a part of stderr
	}{
		{name: "valid file", args: []string{"valid.bt"}, code: 0},
		{name: "warnings only", args: []string{"warnings.bt"}, code: 0, stderr: "warnings.stderr"},
		{name: "no warnings", args: []string{"--no-warnings", "warnings.bt"}, code: 0},
		{name: "errors", args: []string{"errors.bt"}, code: 1, stderr: "errors.stderr"},
		{name: "several files", args: []string{"valid.bt", "errors.bt", "warnings.bt"}, code: 1, stderr: "several.stderr"},
		{name: "json", args: []string{"--format", "json", "errors.bt", "warnings.bt"}, code: 1, stdout: "errors.json"},
		{name: "json clean", args: []string{"--format=json", "valid.bt"}, code: 0, stdout: "clean.json"},
		{name: "expression", args: []string{"-e", validProgram}, code: 0},
		{name: "expression error", args: []string{"-e", "BEGIN { printf(\"%d\\n\", comm); }"}, code: 1, stderr: "expr.stderr"},
		{name: "stdin", stdin: validProgram, code: 0},
		{name: "stdin error", stdin: "BEGIN { $x = ; }\n", code: 1, stderr: "stdin.stderr"},
		{name: "dump ast", args: []string{"--dump", "ast", "valid.bt"}, code: 0, stdout: "valid.ast"},
		{name: "dump ast with a syntax error", args: []string{"--dump=ast", "-e", "BEGIN { $x = ; }"}, code: 1, stdout: "broken.ast", stderr: "broken.stderr"},
		{name: "explain", args: []string{"--explain", "E204"}, code: 0, stdout: "explain.txt"},
		{name: "unreadable file", args: []string{"no-such-file.bt"}, code: 2, stderrSubstr: "no-such-file.bt"},
		{name: "directory", args: []string{"."}, code: 2, stderrSubstr: "is a directory"},
		{name: "expression and files", args: []string{"-e", validProgram, "valid.bt"}, code: 2, stderrSubstr: "-e and files cannot be combined"},
		{name: "unknown format", args: []string{"--format", "xml", "valid.bt"}, code: 2, stderrSubstr: `unknown --format "xml"`},
		{name: "unknown dump", args: []string{"--dump", "types", "valid.bt"}, code: 2, stderrSubstr: `unknown --dump "types"`},
		{name: "unknown code", args: []string{"--explain", "E999"}, code: 2, stderrSubstr: `unknown diagnostic code "E999"`},
		{name: "unknown flag", args: []string{"--frobnicate"}, code: 2, stderrSubstr: "unknown flag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCheck(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout, stderr)
			}
			t.Chdir("..")
			checkStream(t, "stdout", stdout, tt.stdout, "")
			checkStream(t, "stderr", stderr, tt.stderr, tt.stderrSubstr)
		})
	}
}

func checkStream(t *testing.T, what, got, goldenName, substr string) {
	t.Helper()
	switch {
	case goldenName != "":
		golden(t, goldenName, got)
	case substr != "":
		if !strings.Contains(got, substr) {
			t.Errorf("%s does not mention %q:\n%s", what, substr, got)
		}
	case got != "":
		t.Errorf("unexpected %s:\n%s", what, got)
	}
}

// TestTextFormat checks the shape of a diagnostic as text: position and
// code, the source line, a caret under the span, hints and notes.
func TestTextFormat(t *testing.T) {
	_, _, stderr := runCheck(t, "", "-e", "BEGIN {\n\t@m[1] = 1;\n\t@m = 2;\n}")
	want := "-e:3:2: error[E211]: @m is used without a key (as a scalar map), but it was first used with a key\n" +
		" | \t@m = 2;\n" +
		" | \t^~\n" +
		"-e:2:2: note: first use\n"
	if stderr != want {
		t.Errorf("got:\n%s\nwant:\n%s", stderr, want)
	}
}

// TestJSON checks the JSON form field by field.
func TestJSON(t *testing.T) {
	_, stdout, _ := runCheck(t, "", "--format", "json", "-e", "BEGIN { @x = pidd; }")
	var diags []struct {
		File, Severity, Code, Message    string
		Line, Column, EndLine, EndColumn int
		Hints                            []string
	}
	if err := json.Unmarshal([]byte(stdout), &diags); err != nil {
		t.Fatalf("%v:\n%s", err, stdout)
	}
	if len(diags) != 1 {
		t.Fatalf("got %d diagnostics, want 1:\n%s", len(diags), stdout)
	}
	d := diags[0]
	if d.File != "-e" || d.Line != 1 || d.Column != 14 || d.EndLine != 1 || d.EndColumn != 18 ||
		d.Severity != "error" || d.Code != "E204" || d.Message != "unknown identifier 'pidd'" ||
		len(d.Hints) != 1 || d.Hints[0] != "did you mean pid?" {
		t.Errorf("got %+v", d)
	}
}
