package cdef

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/bt-tools/bt/lang/types"
)

// memberTypes spells "name:type" for each field of s.
func memberTypes(s *types.Struct) string {
	var parts []string
	for _, f := range s.Fields() {
		ts := f.Type.String()
		if p, ok := f.Type.(*types.Pointer); ok && p.AddrSpace == types.AddrUser {
			ts += "(user)"
		}
		parts = append(parts, f.Name+":"+ts)
	}
	return strings.Join(parts, " ")
}

func TestMemberTypes(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"ints", "struct s { char a; signed char b; unsigned char c; short d; unsigned short int e; int f; unsigned g; long h; unsigned long i; long long j; unsigned long long int k; long int l; };",
			"a:int8 b:int8 c:uint8 d:int16 e:uint16 f:int32 g:uint32 h:int64 i:uint64 j:int64 k:uint64 l:int64"},
		{"kernel typedefs", "struct s { __u8 a; __u16 b; __u32 c; __u64 d; __s32 e; s64 f; u32 g; bool h; _Bool i; size_t j; pid_t k; };",
			"a:uint8 b:uint16 c:uint32 d:uint64 e:int32 f:int64 g:uint32 h:bool i:bool j:uint64 k:int32"},
		{"pointers", "struct s { struct task_struct *p; char **argv; const char *const name; void *v; };",
			"p:struct task_struct * argv:int8 ** name:int8 * v:void *"},
		{"arrays", "struct s { char name[16]; int m[2][3]; char *argv[4]; char (*rows)[8]; };",
			"name:int8[16] m:int32[3][2] argv:int8 *[4] rows:int8[8] *"},
		{"function pointers", "struct s { void (*fn)(int); int (*cmp)(const void *, const void *); void (**table)(void); };",
			"fn:void * cmp:void * table:void **"},
		{"user pointers", "struct s { char __user *buf; const char __user *const __user *argv; int *k; };",
			"buf:int8 *(user) argv:int8 **(user) k:int32 *"},
		{"qualifiers", "struct s { volatile unsigned long flags; struct task_struct __rcu *parent; };",
			"flags:uint64 parent:struct task_struct *"},
		{"float", "struct s { float f; double d; long double ld; };", "f:uint8[4] d:uint8[8] ld:uint8[16]"},
		{"multiple declarators", "struct s { int a, *b, c[2]; };", "a:int32 b:int32 * c:int32[2]"},
		{"enum member", "enum color { RED }; struct s { enum color c; enum color *pc; };", "c:enum color pc:enum color *"},
		{"typedef via resolver", "struct s { atomic_t a; u64 b; };", "a:struct (anonymous) b:uint64"},
		{"union ref", "union u { int x; }; struct s { union u a; union u *b; };", "a:union u b:union u *"},
		{"macro type", "#define U32 unsigned int\nstruct s { U32 x; };", "x:uint32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, errs, file := run(t, tt.src+"\n", fakeKernel(true))
			checkDiags(t, file, errs, nil)
			if got := memberTypes(res.Structs["s"]); got != tt.want {
				t.Errorf("members = %q\n            want %q", got, tt.want)
			}
		})
	}
}

func TestStructReferences(t *testing.T) {
	src := `struct a { struct b *next; struct a *self; struct path p; struct unknown *u; };
struct b { int x; struct a *back; };
`
	res, errs, file := run(t, src, fakeKernel(true))
	checkDiags(t, file, errs, nil)
	a, b := res.Structs["a"], res.Structs["b"]
	if a == nil || b == nil {
		t.Fatalf("structs = %v", res.Structs)
	}
	field := func(s *types.Struct, name string) types.Type {
		f, ok := s.Field(name)
		if !ok {
			t.Fatalf("%s has no field %s", s, name)
		}
		return f.Type
	}
	if got := field(a, "next").(*types.Pointer).Elem; got != b {
		t.Errorf("a.next points to %p (%v), want the script's struct b %p", got, got, b)
	}
	if got := field(a, "self").(*types.Pointer).Elem; got != a {
		t.Errorf("a.self points to %v, want struct a itself", got)
	}
	if got := field(b, "back").(*types.Pointer).Elem; got != a {
		t.Errorf("b.back points to %v, want struct a", got)
	}
	if p := field(a, "p").(*types.Struct); p.Size() != 16 || len(p.Fields()) != 2 {
		t.Errorf("a.p = %v size %d, want BTF's struct path", p, p.Size())
	}
	if a.Size() != 40 {
		t.Errorf("size of a = %d, want 40", a.Size())
	}
	if pos := res.DefPos[b]; file.Position(pos).String() != "test.bt:2:8" {
		t.Errorf("DefPos of b = %v", file.Position(pos))
	}
}

func TestNoResolver(t *testing.T) {
	// Without BTF, references stay incomplete: fine behind a pointer.
	src := "struct s { struct task_struct *t; u64 ts; char comm[16]; };\n"
	res, errs, file := run(t, src, Options{})
	checkDiags(t, file, errs, nil)
	if got := memberTypes(res.Structs["s"]); got != "t:struct task_struct * ts:uint64 comm:int8[16]" {
		t.Errorf("members = %q", got)
	}
}

func TestEnums(t *testing.T) {
	src := `#define BASE 10
enum e { A, B = 5, C, D = BASE + C, E = D << 1, F = 'x', G = sizeof(int) };
enum { ANON1 = -1, ANON2 };
enum big { HUGE = 0x100000000 };
enum __attribute__((packed)) small { S1 = 200 };
enum neg { N1 = -129, N2 = 1 } __attribute__((packed));
struct s { enum { IN1 = 7 } x; int arr[IN1]; };
`
	res, errs, file := run(t, src, fakeKernel(true))
	checkDiags(t, file, errs, nil)
	e := res.Enums["e"]
	var vals []string
	for _, v := range e.Values {
		vals = append(vals, fmt.Sprintf("%s=%d", v.Name, v.Value))
	}
	if got := strings.Join(vals, " "); got != "A=0 B=5 C=6 D=16 E=32 F=120 G=4" {
		t.Errorf("enum e = %s", got)
	}
	checks := []struct {
		name         string
		size         int64
		signed       bool
		anonConstant string
	}{
		{"e", 4, false, ""}, {"big", 8, false, ""}, {"small", 1, false, ""}, {"neg", 2, true, ""},
	}
	for _, c := range checks {
		got := res.Enums[c.name]
		if got == nil || got.Size() != c.size || got.Signed != c.signed {
			t.Errorf("enum %s = %+v, want size %d signed %v", c.name, got, c.size, c.signed)
		}
	}
	anon := res.EnumConsts["ANON2"]
	if anon.Value != 0 || anon.Enum == nil || anon.Enum.Name != "" || !anon.Enum.Signed || anon.Enum.Size() != 4 {
		t.Errorf("ANON2 = %+v", anon)
	}
	if c := res.EnumConsts["C"]; c.Enum != e || file.Position(c.Pos).String() != "test.bt:2:20" {
		t.Errorf("C = %+v at %v", c, file.Position(c.Pos))
	}
	if f, _ := res.Structs["s"].Field("arr"); f.Type.Size() != 28 {
		t.Errorf("arr = %v, want int32[7]", f.Type)
	}
	if _, ok := res.EnumConsts["IN1"]; !ok {
		t.Errorf("enumerator of a member enum not recorded")
	}
}

func TestResolveConst(t *testing.T) {
	opts := fakeKernel(true)
	opts.ResolveConst = func(name string) (int64, *types.Enum, bool) {
		if name == "TCP_MAX_STATES" {
			return 13, types.NewEnum("", 4, false, nil), true
		}
		return 0, nil, false
	}
	res, errs, file := run(t, "struct s { int counts[TCP_MAX_STATES]; };\n", opts)
	checkDiags(t, file, errs, nil)
	if got := res.Structs["s"].Size(); got != 52 {
		t.Errorf("size = %d, want 52", got)
	}
}

func TestCDiagnostics(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"last member without semicolon", "struct s { int a }", nil},
		{"missing semicolon mid", "struct s {\n\tint a\n\tint b;\n};", []string{"3:2 E156 expected ';' after struct member, found \"int\""}},
		{"unknown type", "struct s {\n\tfoo_t x;\n\tint y;\n};", []string{"2:2 E157 unknown type name \"foo_t\""}},
		{"bad combination", "struct s { unsigned float x; };", []string{"1:12 E156 invalid combination of type specifiers \"unsigned float\""}},
		{"long char", "struct s { long char x; };", []string{"1:12 E156 invalid combination of type specifiers \"long char\""}},
		{"incomplete", "struct s { struct s inner; };", []string{"1:21 E158 member 'inner' has incomplete type 'struct s'"}},
		{"incomplete array", "struct s { struct nope x[2]; };", []string{"1:24 E158 member 'x' has incomplete type 'struct nope'"}},
		{"void member", "struct s { void v; };", []string{"1:17 E158 member 'v' has incomplete type 'void'"}},
		{"function member", "struct s { int f(int); };", []string{"1:16 E158 member 'f' declared as a function"}},
		{"redefinition", "struct s { int a; };\nstruct s { int b; };", []string{"2:8 E159 redefinition of 'struct s'"}},
		{"tag mismatch", "struct s { int a; };\nunion s { int b; };", []string{"2:7 E159 use of \"s\" with tag type that does not match previous declaration"}},
		{"tag mismatch ref", "struct s { int a; };\nstruct t { union s *p; };", []string{"2:18 E159 use of \"s\" with tag type that does not match previous declaration"}},
		{"nested redefinition", "struct s { struct s { int a; } x; };", []string{"1:19 E159 nested redefinition of 'struct s'"}},
		{"enumerator redefinition", "enum a { X };\nenum b { Y, X };", []string{"2:13 E159 redefinition of enumerator \"X\""}},
		{"bit-field too wide", "struct s { int a : 33; };", []string{"1:16 E160 width of bit-field 'a' (33 bits) exceeds the width of its type (32 bits)"}},
		{"bit-field negative", "struct s { int a : -1; };", []string{"1:16 E160 bit-field 'a' has negative width (-1)"}},
		{"bit-field zero named", "struct s { int a : 0; };", []string{"1:16 E160 named bit-field 'a' has zero width"}},
		{"bit-field pointer", "struct s { int *a : 3; };", []string{"1:17 E160 bit-field 'a' has non-integral type 'int32 *'"}},
		{"flexible not last", "struct s { char d[]; int n; };", []string{"1:17 E161 flexible array member 'd' is not at the end of the struct"}},
		{"negative array", "struct s { char d[-1]; };", []string{"1:19 E161 array 'd' has negative size"}},
		{"huge array", "struct s { long d[1UL << 62]; };", []string{"1:17 E161 array 'd' is too large"}},
		{"duplicate member", "struct s { int a; char a; };", []string{"1:24 E163 duplicate member \"a\""}},
		{"duplicate in anonymous", "struct s { int a; union { int a; }; };", []string{"1:19 E163 duplicate member \"a\""}},
		{"undeclared in size", "struct s { char d[NOPE]; };", []string{"1:19 E152 use of undeclared identifier \"NOPE\""}},
		{"bad size expression", "struct s { char d[2 +]; };", []string{"1:22 E152 expected expression, found ']'"}},
		{"sizeof expression", "struct s { char d[sizeof 1]; };", []string{"1:19 E152 sizeof of an expression is not supported; use sizeof(type)"}},
		{"function-like macro", "#define LEN(x) (x)\nstruct s { char d[LEN(4)]; };", []string{"2:19 E162 function-like macro \"LEN\" cannot be expanded by bt"}},
		{"unknown attribute", "struct s { int a; } __attribute__((frobnicate(1)));", []string{"1:36 W156 unknown attribute \"frobnicate\" ignored"}},
		{"bad alignment", "struct s { int a; } __attribute__((aligned(3)));", []string{"1:36 E164 requested alignment 3 is not a positive power of 2"}},
		{"attribute syntax", "struct s { int a __attribute__(packed); };", []string{"1:32 E156 expected '(' after '__attribute__(', found \"packed\""}},
		{"empty enum", "enum e { };", []string{"1:10 E156 use of empty enum"}},
		{"enum bad", "enum e { A B };", []string{"1:12 E156 expected ',' or '}' after enumerator, found \"B\""}},
		{"enum number", "enum e { 1 };", []string{"1:10 E156 expected enumerator name, found \"1\""}},
		{"anonymous top-level", "struct { int a; };", []string{"1:1 W155 declaration does not declare anything"}},
		{"declares nothing", "struct s { int; };", []string{"1:12 W155 declaration does not declare anything"}},
		{"storage class", "struct s { static int a; };", []string{"1:12 E156 storage class \"static\" is not allowed here"}},
		{"member expected", "struct s { int a; * b; };", []string{"1:19 E156 expected member declaration, found '*'"}},
		{"recovery continues", "struct s {\n\tint a b;\n\tfoo_t c;\n\tint d;\n};", []string{"2:8 E156 expected ';' after struct member, found \"b\"", "3:2 E157 unknown type name \"foo_t\""}},
		{"illegal byte", "struct s { int a; @ };", []string{"1:19 E156 expected member declaration, found '@'"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, errs, file := run(t, tt.src+"\n", Options{Arch: "amd64"})
			checkDiags(t, file, errs, tt.want)
			if strings.HasPrefix(tt.src, "struct s") && tt.name != "redefinition" && res.Structs["s"] == nil {
				t.Errorf("struct s not registered after errors")
			}
		})
	}
}

func TestRedefinitionRelated(t *testing.T) {
	_, errs, file := run(t, "struct s { int a; };\nstruct s { int b; };\n", Options{})
	if len(errs) != 1 || len(errs[0].Related) != 1 || file.Position(errs[0].Related[0].Pos).String() != "test.bt:1:8" {
		t.Fatalf("want one error related to the first definition, got %q", spell(file, errs))
	}
}

func TestResultStruct(t *testing.T) {
	res, _, _ := run(t, "union u { int a; };\nstruct s { int b; };\n", Options{})
	if _, ok := res.Struct("u", true); !ok {
		t.Errorf("union u not found")
	}
	if _, ok := res.Struct("u", false); ok {
		t.Errorf("union u found as a struct")
	}
	if s, ok := res.Struct("s", false); !ok || s.Union {
		t.Errorf("struct s not found")
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range res.Structs {
			if !yield(k) {
				return
			}
		}
	})
	if !slices.Equal(names, []string{"s", "u"}) {
		t.Errorf("structs = %v", names)
	}
}

// stubKernel is a Kernel that knows one of each thing.
type stubKernel struct{}

func (stubKernel) Struct(name string, union bool) (*types.Struct, error) {
	if name == "sock" && !union {
		return types.NewStruct(false, "sock", 8, []types.Field{{Name: "sk_family", Type: types.Uint64}}), nil
	}
	return nil, fmt.Errorf("struct %s: not found", name)
}

func (stubKernel) Enum(name string) (*types.Enum, error) {
	if name == "tcp_state" {
		return types.NewEnum("tcp_state", 4, false, []types.EnumValue{{Name: "TCP_CLOSE", Value: 7}}), nil
	}
	return nil, fmt.Errorf("enum %s: not found", name)
}

func (stubKernel) Typedef(name string) (types.Type, error) {
	if name == "sector_t" {
		return types.Uint64, nil
	}
	return nil, fmt.Errorf("typedef %s: not found", name)
}

func (stubKernel) EnumConst(name string) (int64, *types.Enum, error) {
	if name == "TCP_CLOSE" {
		return 7, nil, nil
	}
	return 0, nil, fmt.Errorf("enumerator %s: not found", name)
}

func TestUseKernel(t *testing.T) {
	var opts Options
	opts.UseKernel(stubKernel{})
	src := "#ifdef BPFTRACE_HAVE_BTF\nstruct s { struct sock sk; enum tcp_state st; sector_t sec; char pad[TCP_CLOSE]; struct nope *n; };\n#endif\n"
	res, errs, file := run(t, src, opts)
	checkDiags(t, file, errs, nil)
	s := res.Structs["s"]
	if s == nil {
		t.Fatal("struct s not defined: BPFTRACE_HAVE_BTF not predefined?")
	}
	if got := memberTypes(s); got != "sk:struct sock st:enum tcp_state sec:uint64 pad:int8[7] n:struct nope *" {
		t.Errorf("members = %q", got)
	}
	opts = Options{}
	opts.UseKernel(nil)
	if opts.HaveBTF || opts.Resolve != nil {
		t.Errorf("UseKernel(nil) changed the options")
	}
}

func TestEmpty(t *testing.T) {
	res, errs := Process(nil, nil, Options{})
	if res == nil || len(errs) != 0 || res.Structs == nil || res.Defines["__linux__"].Body != "1" {
		t.Errorf("Process of nothing = %+v, %v", res, errs)
	}
}
