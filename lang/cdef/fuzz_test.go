package cdef

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/bt-tools/bt/lang/parser"
	"github.com/bt-tools/bt/lang/token"
)

// fuzzSeeds are small prologues that reach most of the package.
var fuzzSeeds = []string{
	"#ifndef BPFTRACE_HAVE_BTF\n#include <linux/sched.h>\n#else\n#define TASK_RUNNING 0\n#endif\n",
	"#define N 4\n#if N > 2 && defined(N)\nstruct s { char a[N]; int b:3; union { long c; void (*f)(int); }; } __attribute__((packed));\n#endif\n",
	"enum e { A, B = A + 5, C = sizeof(struct s *) };\nstruct t { enum e x; struct t *next; char __user *buf; };\n",
	"struct a {\n#ifdef X\n int x;\n#else\n long y[2][3];\n#endif\n} __attribute__((aligned(16)));\n",
	"#define A B\n#define B A\n#if A\n#elif 1/0\n#else\n#endif\n#error x\n",
}

func FuzzProcess(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	for _, set := range toolSets {
		paths, _ := filepath.Glob(set.glob)
		for _, path := range paths {
			if src, err := os.ReadFile(path); err == nil {
				f.Add(src)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file := token.NewFile("fuzz.bt", src)
		ast, _ := parser.ParseFile(file)
		for _, opts := range []Options{fakeKernel(false), fakeKernel(true), {}} {
			res, errs := Process(file, ast.Decls, opts)
			inFile := func(what string, pos, end token.Pos) {
				if pos < 1 || int(pos) > file.Size()+1 || end < pos || int(end) > file.Size()+1 {
					t.Fatalf("%s [%d, %d) is outside the file of %d bytes", what, pos, end, file.Size())
				}
			}
			for _, d := range errs {
				inFile("diagnostic "+d.Code+" "+d.Message, d.Pos, d.End)
				for _, r := range d.Related {
					inFile("related "+r.Message, r.Pos, r.End)
				}
			}
			for _, sp := range res.Inactive {
				inFile("inactive span", sp.Pos, sp.End)
			}
			for _, inc := range res.Includes {
				inFile("include", inc.Pos, inc.End)
			}
		}
	})
}
