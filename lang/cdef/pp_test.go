package cdef

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/bt-tools/bt/lang/token"
)

// userDefines returns the names of the script's macros (not predefined),
// sorted, with their bodies: "A=1 B=x + y".
func userDefines(r *Result) string {
	var parts []string
	for name, d := range r.Defines {
		if d.Pos.IsValid() {
			parts = append(parts, name+"="+d.Body)
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

func TestConditionals(t *testing.T) {
	tests := []struct {
		name, src string
		btf       bool
		want      string // the script's macros afterwards
	}{
		{"ifdef taken", "#define A\n#ifdef A\n#define YES 1\n#endif\n", false, "A= YES=1"},
		{"ifdef not taken", "#ifdef A\n#define YES 1\n#endif\n", false, ""},
		{"ifndef", "#ifndef A\n#define YES 1\n#endif\n", false, "YES=1"},
		{"else", "#ifdef A\n#define X 1\n#else\n#define X 2\n#endif\n", false, "X=2"},
		{"elif chain", "#define V 3\n#if V == 1\n#define X a\n#elif V == 3\n#define X b\n#elif V == 3\n#define X c\n#else\n#define X d\n#endif\n", false, "V=3 X=b"},
		{"nested inactive", "#if 0\n#if 1\n#define X 1\n#else\n#define X 2\n#endif\n#else\n#define X 3\n#endif\n", false, "X=3"},
		{"nested active", "#if 1\n#ifndef Q\n#define X 1\n#endif\n#endif\n", false, "X=1"},
		{"btf predefined", "#ifndef BPFTRACE_HAVE_BTF\n#define X 1\n#else\n#define X 2\n#endif\n", true, "X=2"},
		{"no btf", "#ifndef BPFTRACE_HAVE_BTF\n#define X 1\n#else\n#define X 2\n#endif\n", false, "X=1"},
		{"arch predefined", "#if defined(__x86_64__) && __LP64__\n#define X 1\n#endif\n", false, "X=1"},
		{"bpf not predefined", "#ifdef __BPF__\n#define X 1\n#endif\n", false, ""},
		{"defined forms", "#define A 0\n#if defined A && defined(A) && !defined B && !defined(B)\n#define X 1\n#endif\n", false, "A=0 X=1"},
		{"defined not expanded", "#define A B\n#if defined(A) && !defined(B)\n#define X 1\n#endif\n", false, "A=B X=1"},
		{"undefined ident is 0", "#if FOO || FOO + 1 == 1\n#define X 1\n#endif\n", false, "X=1"},
		{"macro expands", "#define TWO 2\n#define FOUR (TWO * TWO)\n#if FOUR == 4 && FOUR > TWO\n#define X 1\n#endif\n", false, "FOUR=(TWO * TWO) TWO=2 X=1"},
		{"self reference", "#define A A + 1\n#if A == 1\n#define X 1\n#endif\n", false, "A=A + 1 X=1"},
		{"arithmetic", "#if (1 + 2 * 3 - 4) / 3 % 2 == 1 && (1 << 4 | 1) == 17 && (0xff & ~0xf ^ 0x10) == 0xe0\n#define X 1\n#endif\n", false, "X=1"},
		{"comparisons", "#if 1 < 2 && 2 <= 2 && 3 > 2 && 3 >= 3 && 1 != 2 && !(1 == 2)\n#define X 1\n#endif\n", false, "X=1"},
		{"unsigned", "#if -1 > 0u && -1 < 0\n#define X 1\n#endif\n", false, "X=1"},
		{"ternary", "#if (1 ? 2 : 3) == 2 && (0 ? 2 : 3) == 3\n#define X 1\n#endif\n", false, "X=1"},
		{"char constant", "#if 'a' == 97 && '\\n' == 10 && '\\x41' == 65\n#define X 1\n#endif\n", false, "X=1"},
		{"short circuit", "#if 0 && 1 / 0\n#define X 1\n#elif 1 || 1 / 0\n#define X 2\n#endif\n", false, "X=2"},
		{"undef", "#define A 1\n#undef A\n#ifdef A\n#define X 1\n#endif\n", false, ""},
		{"elifdef", "#ifdef A\n#elifdef __linux__\n#define X 1\n#endif\n", false, "X=1"},
		{"comment in body", "#define AF_INET 2 /* IPv4 */\n#define B 3 // three\n", false, "AF_INET=2 B=3"},
		{"multi-token body", "#define SUM (a + b)   \n", false, "SUM=(a + b)"},
		{"comment on endif", "#if 1 /* yes */\n#define X 1\n#endif // done\n", false, "X=1"},
		{"null directive", "#\n#define X 1\n", false, "X=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{HaveBTF: tt.btf, Arch: "amd64"}
			res, errs, file := run(t, tt.src, opts)
			checkDiags(t, file, errs, nil)
			if got := userDefines(res); got != tt.want {
				t.Errorf("defines = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPreprocessorDiagnostics(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"unterminated if", "#define A\n#ifdef A\n#if 1\n#endif\n", []string{"2:1 E150 unterminated #ifdef"}},
		{"two unterminated", "#if 1\n#ifndef X\n", []string{"1:1 E150 unterminated #if", "2:1 E150 unterminated #ifndef"}},
		{"else without if", "#else\n", []string{"1:1 E151 #else without #if"}},
		{"endif without if", "#if 1\n#endif\n#endif\n", []string{"3:1 E151 #endif without #if"}},
		{"elif without if", "#elif 1\n", []string{"1:1 E151 #elif without #if"}},
		{"elif after else", "#if 0\n#else\n#elif 1\n#endif\n", []string{"3:1 E151 #elif after #else"}},
		{"else after else", "#if 0\n#else\n#else\n#endif\n", []string{"3:1 E151 #else after #else"}},
		{"error active", "#ifndef BPFTRACE_HAVE_BTF\n#error \"needs BTF\"\n#endif\n", []string{"2:1 E154 #error \"needs BTF\""}},
		{"error inactive", "#if 0\n#error no\n#foo\n#if garbage (\n#endif\n#endif\n", nil},
		{"warning", "#warning careful\n", []string{"1:1 W153 #warning careful"}},
		{"unknown directive", "#frobnicate x\n", []string{"1:1 W150 unknown preprocessor directive '#frobnicate' is ignored"}},
		{"invalid directive", "# + 1\n", []string{"1:3 W150 invalid preprocessing directive '+'"}},
		{"pragma ignored", "#pragma once\n#line 10\n", nil},
		{"extra tokens", "#if 1\n#else junk\n#endif more  \n", []string{"2:7 W151 extra tokens at end of #else directive", "3:8 W151 extra tokens at end of #endif directive"}},
		{"extra tokens endif", "#if 1\n#endif more  \n", []string{"2:8 W151 extra tokens at end of #endif directive"}},
		{"if without expression", "#if\n#endif\n", []string{"1:2 E152 #if with no expression"}},
		{"if bad expression", "#if 1 +\n#endif\n", []string{"1:8 E152 expected expression, found newline"}},
		{"if trailing", "#if 1 2\n#endif\n", []string{"1:7 E152 expected end of #if expression, found \"2\""}},
		{"if division by zero", "#if 1 / 0\n#endif\n", []string{"1:7 E152 division by zero in constant expression"}},
		{"if bad shift", "#if 1 << 64\n#endif\n", []string{"1:7 E152 shift count 64 is out of range"}},
		{"if bad number", "#if 1.5\n#endif\n", []string{"1:5 E152 invalid integer constant \"1.5\""}},
		{"if unclosed paren", "#if (1\n#endif\n", []string{"1:7 E152 expected ')' to match '(', found newline"}},
		{"defined without name", "#if defined(1)\n#endif\n", []string{"1:13 E153 macro name must be an identifier after 'defined', found \"1\""}},
		{"ifdef without name", "#ifdef\n#endif\n", []string{"1:2 E153 macro name missing after #ifdef"}},
		{"define without name", "#define\n", []string{"1:2 E153 macro name missing after #define"}},
		{"define number", "#define 1 2\n", []string{"1:9 E153 macro name must be an identifier, found \"1\""}},
		{"define defined", "#define defined 2\n", []string{"1:9 E153 'defined' cannot be used as a macro name"}},
		{"redefined", "#define A 1\n#define A 1\n#define A  1 \n#define A 2\n", []string{"4:9 W152 macro \"A\" redefined"}},
		{"function-like in if", "#define F(x) x\n#if F(1)\n#endif\n", []string{"2:5 E162 function-like macro \"F\" cannot be expanded by bt"}},
		{"bad params", "#define F(x, 1) x\n", []string{"1:14 E153 expected parameter name, found \"1\""}},
		{"include bad", "#include linux/sched.h\n", []string{"1:2 E155 #include expects \"FILENAME\" or <FILENAME>"}},
		{"include unclosed", "#include <linux/sched.h\n", []string{"1:2 E155 #include expects \"FILENAME\" or <FILENAME>"}},
		{"include empty", "#include <>\n", []string{"1:10 E155 empty filename in #include"}},
		{"include extra", "#include <a.h> b\n", []string{"1:16 W151 extra tokens at end of #include directive"}},
		{"continuation", "#define A 1 + \\\n", []string{"1:15 W154 line continuation is not supported: the next line is not part of this directive"}},
		{"runaway", runaway(), []string{"6:5 E162 expansion of macro \"D\" is too large"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs, file := run(t, tt.src, Options{Arch: "amd64"})
			checkDiags(t, file, errs, tt.want)
		})
	}
}

func TestFunctionLikeMacroRecorded(t *testing.T) {
	res, errs, file := run(t, "#define MAX(a, b) ((a) > (b) ? (a) : (b))\n#define V(...) 0\n", Options{})
	checkDiags(t, file, errs, nil)
	d := res.Defines["MAX"]
	if !d.FuncLike || !slices.Equal(d.Params, []string{"a", "b"}) || d.Body != "((a) > (b) ? (a) : (b))" {
		t.Errorf("MAX = %+v", d)
	}
	if v := res.Defines["V"]; !v.FuncLike || !slices.Equal(v.Params, []string{"..."}) {
		t.Errorf("V = %+v", v)
	}
}

func TestDefinePositions(t *testing.T) {
	src := "#define  AF_INET6   10 /* IPv6 */\n"
	res, _, file := run(t, src, Options{})
	d := res.Defines["AF_INET6"]
	if got := file.Offset(d.Pos); got != 9 {
		t.Errorf("Pos offset = %d, want 9", got)
	}
	if got := file.Text(d.BodyPos, d.BodyPos+token.Pos(len(d.Body))); got != "10" {
		t.Errorf("text at BodyPos = %q, want \"10\"", got)
	}
}

func TestOptionDefines(t *testing.T) {
	src := "#if FOO == 1 && BAR == 7\n#define X 1\n#endif\n"
	res, errs, file := run(t, src, Options{Defines: []string{"FOO", "BAR=7", "9bad"}})
	if len(errs) != 1 || errs[0].Code != "E153" || errs[0].Pos != token.NoPos {
		t.Errorf("diagnostics = %q, want one E153 without position", spell(file, errs))
	}
	if _, ok := res.Defines["X"]; !ok {
		t.Errorf("X not defined: FOO and BAR from Options.Defines were not seen")
	}
	if d := res.Defines["FOO"]; d.Body != "1" || d.Pos.IsValid() {
		t.Errorf("FOO = %+v, want body 1 and no position", d)
	}
}

func TestIncludes(t *testing.T) {
	src := "#include <linux/sched.h>\n#if 0\n#include <skipped.h>\n#endif\n#include \"local.h\" // note\n"
	res, errs, file := run(t, src, Options{})
	checkDiags(t, file, errs, nil)
	var got []string
	for _, inc := range res.Includes {
		got = append(got, file.Text(inc.Pos, inc.End)+"|"+inc.Path+"|"+file.Position(inc.Hash).String())
		if inc.System != strings.HasPrefix(file.Text(inc.Pos, inc.End), "<") {
			t.Errorf("%s: System = %v", inc.Path, inc.System)
		}
	}
	want := []string{"<linux/sched.h>|linux/sched.h|test.bt:1:1", "\"local.h\"|local.h|test.bt:5:1"}
	if !slices.Equal(got, want) {
		t.Errorf("includes = %q, want %q", got, want)
	}
}

func TestInactiveSpans(t *testing.T) {
	src := "#ifndef BPFTRACE_HAVE_BTF\n#include <a.h>\nstruct s { int x; };\n#else\n#define Y 1\n#endif\n#if 0\n#if 1\n#endif\nstruct t { int y; };\n"
	res, errs, file := run(t, src, Options{HaveBTF: true})
	checkDiags(t, file, errs, []string{"7:1 E150 unterminated #if"})
	var got []string
	for _, sp := range res.Inactive {
		got = append(got, file.Text(sp.Pos, sp.End))
	}
	want := []string{"\n#include <a.h>\nstruct s { int x; };\n", "\n#if 1\n#endif\nstruct t { int y; };\n"}
	if !slices.Equal(got, want) {
		t.Errorf("inactive = %q, want %q", got, want)
	}
	if len(res.Structs) != 0 || len(res.Includes) != 0 {
		t.Errorf("inactive text was processed: structs %v, includes %v", res.Structs, res.Includes)
	}
}

func TestDirectivesInsideDefinition(t *testing.T) {
	src := "#define HAVE_B\nstruct s {\n\tint a;\n#ifdef HAVE_B\n\tint b;\n#else\n\tint c;\n#endif\n#define N 4\n\tchar d[N];\n};\n"
	res, errs, file := run(t, src, Options{})
	checkDiags(t, file, errs, nil)
	s := res.Structs["s"]
	if s == nil || fieldsString(s) != "a@0 b@4 d@8" || s.Size() != 12 {
		t.Fatalf("struct s = %v", s)
	}
	if len(res.Inactive) != 1 || file.Text(res.Inactive[0].Pos, res.Inactive[0].End) != "\n\tint c;\n" {
		t.Errorf("inactive = %v", res.Inactive)
	}
}

// runaway defines macros whose expansion doubles 16-fold four times.
func runaway() string {
	var b strings.Builder
	for _, m := range []string{"A B", "B C", "C D", "D E"} {
		name, next, _ := strings.Cut(m, " ")
		b.WriteString("#define " + name + " " + strings.Repeat(next+"+", 15) + next + "\n")
	}
	b.WriteString("#define E 1\n#if A\n#endif\n")
	return b.String()
}
