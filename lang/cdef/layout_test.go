package cdef

import (
	"strings"
	"testing"
)

// TestLayout checks layouts against what GCC gives on x86-64; the
// expected offsets were worked out by hand from the System V ABI rules.
func TestLayout(t *testing.T) {
	tests := []struct {
		name, src   string
		size, align int64
		fields      string
	}{
		{"padding", "struct s { char a; int b; short c; };", 12, 4, "a@0 b@4 c@8"},
		{"double", "struct s { char a; double d; float f; };", 24, 8, "a@0 d@8 f@16"},
		{"long", "struct s { char a; long b; char c; };", 24, 8, "a@0 b@8 c@16"},
		{"pointer", "struct s { char c; void *p; char **argv; };", 24, 8, "c@0 p@8 argv@16"},
		{"arrays", "struct s { char name[16]; int x; long y[2][3]; };", 72, 8, "name@0 x@16 y@24"},
		{"bool", "struct s { _Bool a; bool b; unsigned short c; };", 4, 2, "a@0 b@1 c@2"},
		{"typedefs", "struct s { u8 a; u64 b; __s32 c; pid_t d; size_t e; };", 32, 8, "a@0 b@8 c@16 d@20 e@24"},
		{"long long", "struct s { int a; unsigned long long b; signed char c; };", 24, 8, "a@0 b@8 c@16"},
		{"function pointer", "struct s { void (*fn)(int, char *); char c; };", 16, 8, "fn@0 c@8"},
		{"empty", "struct s { };", 0, 1, ""},
		{"bit-fields", "struct s { unsigned int a:3; unsigned int b:5; unsigned int c:30; };", 8, 4, "a@0.0:3 b@0.3:5 c@4.0:30"},
		{"bit-field after char", "struct s { char a; int b:4; };", 4, 4, "a@0 b@1.0:4"},
		{"bit-field straddle short", "struct s { short a:7; short b:10; };", 4, 2, "a@0.0:7 b@2.0:10"},
		{"bit-field crossing unit", "struct s { char a; short b:9; char c; };", 6, 2, "a@0 b@2.0:9 c@4"},
		{"bit-field long", "struct s { unsigned long long x:60; unsigned int y:8; };", 16, 8, "x@0.0:60 y@8.0:8"},
		{"bit-field long then char", "struct s { long a:1; char b; };", 8, 8, "a@0.0:1 b@1"},
		{"zero-width bit-field", "struct s { char a; int :0; char b; };", 5, 1, "a@0 b@4"},
		{"unnamed bit-field", "struct s { char a; int :4; char b:4; };", 2, 1, "a@0 b@1.4:4"},
		{"packed", "struct s { char a; int b; short c; } __attribute__((packed));", 7, 1, "a@0 b@1 c@5"},
		{"packed before tag", "struct __attribute__((__packed__)) s { char a; long b; };", 9, 1, "a@0 b@1"},
		{"packed kernel spelling", "struct __packed s { char a; int b; };", 5, 1, "a@0 b@1"},
		{"packed bit-fields", "struct s { unsigned a:3; unsigned b:30; } __attribute__((packed));", 5, 1, "a@0.0:3 b@0.3:30"},
		{"packed member", "struct s { char a; int b __attribute__((packed)); };", 5, 1, "a@0 b@1"},
		{"aligned struct", "struct s { char a; } __attribute__((aligned(8)));", 8, 8, "a@0"},
		{"aligned member", "struct s { char a; int b __attribute__((aligned(16))); };", 32, 16, "a@0 b@16"},
		{"aligned default", "struct s { char a; } __attribute__((aligned));", 16, 16, "a@0"},
		{"aligned packed", "struct s { char a; int b; } __attribute__((packed, aligned(4)));", 8, 4, "a@0 b@1"},
		{"union", "union s { char a; int b; short c[3]; };", 8, 4, "a@0 b@0 c@0"},
		{"union bit-fields", "union s { unsigned a:3; unsigned char b; };", 4, 4, "a@0.0:3 b@0"},
		{"anonymous union", "struct s { int a; union { char b; long c; }; char d; };", 24, 8, "a@0 _@8 d@16"},
		{"anonymous struct in union", "union s { struct { short x; short y; }; int xy; };", 4, 4, "_@0 xy@0"},
		{"nested named", "struct s { char c; struct in { char a; long b; } i; int n; };", 32, 8, "c@0 i@8 n@24"},
		{"flexible array", "struct s { int n; char data[]; };", 4, 4, "n@0 data@4"},
		{"flexible long array", "struct s { int n; long data[]; };", 8, 8, "n@0 data@8"},
		{"enum member", "struct s { char c; enum e { A, B } x; };", 8, 4, "c@0 x@4"},
		{"packed enum member", "struct s { char c; enum __attribute__((packed)) e { A, B } x; };", 2, 1, "c@0 x@1"},
		{"macro size", "struct s { char comm[TASK_COMM_LEN]; };", 16, 1, "comm@0"},
		{"sizeof size", "struct s { char a[sizeof(long) * 2]; int b[sizeof(struct in { char c[3]; })]; };", 28, 4, "a@0 b@16"},
		{"cast size", "struct s { char a[(unsigned char)0x103]; };", 3, 1, "a@0"},
		{"BTF struct by value", "struct s { char c; struct load_weight lw; };", 24, 8, "c@0 lw@8"},
		{"BTF typedef struct", "struct s { char c; atomic_t v; };", 8, 4, "c@0 v@4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kw := "struct"
			if strings.HasPrefix(tt.src, "union") {
				kw = "union"
			}
			// probe_align puts s at its alignment.
			src := "#define TASK_COMM_LEN 16\n" + tt.src + "\nstruct probe_align { char c; " + kw + " s x; };\n"
			res, errs, file := run(t, src, fakeKernel(true))
			checkDiags(t, file, errs, nil)
			s, ok := res.Struct("s", kw == "union")
			if !ok {
				t.Fatalf("%s s not defined; structs: %v", kw, res.Structs)
			}
			if got := fieldsString(s); got != tt.fields {
				t.Errorf("fields = %q, want %q", got, tt.fields)
			}
			if s.Size() != tt.size {
				t.Errorf("size = %d, want %d", s.Size(), tt.size)
			}
			if f, _ := res.Structs["probe_align"].Field("x"); f.Offset != tt.align {
				t.Errorf("align = %d, want %d", f.Offset, tt.align)
			}
		})
	}
}
