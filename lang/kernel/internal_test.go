package kernel

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cilium/ebpf/btf"

	"github.com/bt-tools/bt/lang/types"
)

func TestParseDecl(t *testing.T) {
	tests := []struct {
		in   string
		want decl
	}{
		{"int dfd", decl{typ: "int", name: "dfd"}},
		{"const char * filename", decl{typ: "const char *", name: "filename"}},
		{"const char *const * argv", decl{typ: "const char *const *", name: "argv"}},
		{"struct robust_list_head * * head_ptr", decl{typ: "struct robust_list_head * *", name: "head_ptr"}},
		{"const void*ptr", decl{typ: "const void*", name: "ptr"}},
		{"char prev_comm[16]", decl{typ: "char", name: "prev_comm", array: true, n: 16}},
		{"unsigned long args[6]", decl{typ: "unsigned long", name: "args", array: true, n: 6}},
		{"__data_loc char[] filename", decl{typ: "char", name: "filename", dataLoc: true, array: true}},
		{"__data_loc cpumask_t cpumask", decl{typ: "cpumask_t", name: "cpumask", dataLoc: true}},
		{"__rel_loc u8[] buf", decl{typ: "u8", name: "buf", dataLoc: true, array: true}},
		{"u8 data[0x10]", decl{typ: "u8", name: "data", array: true, n: 16}},
	}
	for _, tt := range tests {
		got, err := parseDecl(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("parseDecl(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "int", "char x[16", "char x[n]", "*"} {
		if got, err := parseDecl(bad); err == nil {
			t.Errorf("parseDecl(%q) = %+v, want an error", bad, got)
		}
	}
}

// TestResolveCWithoutBTF resolves what needs no BTF.
func TestResolveCWithoutBTF(t *testing.T) {
	var b *kbtf
	tests := []struct {
		in   string
		want types.Type
	}{
		{"char", types.Int8},
		{"signed char", types.Int8},
		{"unsigned char", types.Uint8},
		{"short", types.Int16},
		{"short unsigned int", types.Uint16},
		{"unsigned", types.Uint32},
		{"int", types.Int32},
		{"long", types.Int64},
		{"long long unsigned int", types.Uint64},
		{"_Bool", types.Bool},
		{"void", types.Void},
		{"const volatile int", types.Int32},
		{"void __seg_gs *", &types.Pointer{Elem: types.Void, AddrSpace: types.AddrUser}},
		{"struct foo *", &types.Pointer{Elem: types.NewStruct(false, "foo", 0, nil), AddrSpace: types.AddrUser}},
	}
	for _, tt := range tests {
		got, err := b.resolveC(tt.in, types.AddrUser)
		if err != nil || !types.Identical(got, tt.want) {
			t.Errorf("resolveC(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if p, ok := got.(*types.Pointer); ok && p.AddrSpace != types.AddrUser {
			t.Errorf("resolveC(%q): address space %v", tt.in, p.AddrSpace)
		}
	}
	for _, bad := range []string{"pid_t", "enum x", "long char", "signed unsigned", "short long"} {
		if got, err := b.resolveC(bad, types.AddrKernel); err == nil {
			t.Errorf("resolveC(%q) = %v, want an error", bad, got)
		}
	}
}

// TestParseFormatWithoutBTF checks the fallback to the size and sign of a
// field when its type cannot be resolved.
func TestParseFormatWithoutBTF(t *testing.T) {
	const format = `name: ev
ID: 1
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:pid_t pid;	offset:8;	size:4;	signed:1;
	field:mystery_t blob;	offset:12;	size:3;	signed:0;
	field:u8 addr[4];	offset:15;	size:4;	signed:0;
	field:__data_loc char[] name;	offset:20;	size:4;	signed:0;

print fmt: "pid=%d", REC->pid
`
	var b *kbtf
	f, err := b.parseFormat("cat", "ev", []byte(format))
	if err != nil {
		t.Fatal(err)
	}
	want := []types.Type{types.Int32, &types.Array{Elem: types.Uint8, Len: 3}, &types.Array{Elem: types.Uint8, Len: 4}, &types.String{}}
	if len(f.Fields) != len(want) || f.Size != 24 {
		t.Fatalf("fields %+v, size %d", f.Fields, f.Size)
	}
	for i, w := range want {
		if !types.Identical(f.Fields[i].Type, w) {
			t.Errorf("field %s: %v, want %v", f.Fields[i].Name, f.Fields[i].Type, w)
		}
	}
	if _, err := b.parseFormat("cat", "ev", []byte("\tfield:int x;\toffset:z;\tsize:4;\tsigned:1;\n")); err == nil {
		t.Error("bad offset: no error")
	}
}

func TestParseKallsyms(t *testing.T) {
	syms, err := parseKallsyms([]byte("ffffffff81000000 T _stext\nffffffff81000010 t dup\nffffffff81000020 t dup\nffffffffc0001000 t mod_fn\t[mod]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if syms["_stext"] != 0xffffffff81000000 || syms["dup"] != 0xffffffff81000010 || syms["mod_fn"] != 0xffffffffc0001000 {
		t.Errorf("parseKallsyms = %x", syms)
	}
	if _, err := parseKallsyms([]byte("0000000000000000 T _stext\n")); err == nil || !strings.Contains(err.Error(), "needs root") {
		t.Errorf("hidden addresses: err %v", err)
	}
	if _, err := parseKallsyms([]byte("zzz T _stext\n")); err == nil {
		t.Error("bad address: no error")
	}
}

func TestParseLists(t *testing.T) {
	fns := parseFilterFunctions([]byte("vfs_write\nvfs_read\nxfs_foo [xfs]\nvfs_read\n\n"))
	if !slices.Equal(fns, []string{"vfs_read", "vfs_write", "xfs_foo"}) {
		t.Errorf("parseFilterFunctions = %q", fns)
	}
	tps := parseEvents([]byte("sched:sched_switch\nblock:block_rq_issue\nsched:sched_wakeup\nbogus\n"))
	want := []Tracepoint{{"block", "block_rq_issue"}, {"sched", "sched_switch"}, {"sched", "sched_wakeup"}}
	if !slices.Equal(tps, want) {
		t.Errorf("parseEvents = %v", tps)
	}
}

func TestGuessCategory(t *testing.T) {
	for ev, want := range map[string]string{
		"sched_switch": "sched", "sys_enter": "raw_syscalls", "kfree_skb": "skb", "kfree": "kmem",
		"mm_vmscan_kswapd_wake": "vmscan", "hrtimer_start": "timer", "tcp_probe": "tcp",
	} {
		if got := guessCategory(ev); got != want {
			t.Errorf("guessCategory(%s) = %s, want %s", ev, got, want)
		}
	}
}

// TestIndex checks the one-pass index against cilium/ebpf's decoding of
// every type.
func TestIndex(t *testing.T) {
	fx := fixture(t)
	b, err := fx.kbtf()
	if err != nil {
		t.Fatal(err)
	}
	var funcs, iters, rawTPs []string
	enumerators := make(map[string]bool)
	for typ, err := range b.spec.All() {
		if err != nil {
			t.Fatal(err)
		}
		switch typ := typ.(type) {
		case *btf.Func:
			funcs = append(funcs, typ.Name)
		case *btf.Struct:
			if n, ok := strings.CutPrefix(typ.Name, iterPrefix); ok {
				iters = append(iters, n)
			}
		case *btf.Typedef:
			if n, ok := strings.CutPrefix(typ.Name, rawTPPrefix); ok {
				rawTPs = append(rawTPs, n)
			}
		case *btf.Enum:
			for _, v := range typ.Values {
				enumerators[v.Name] = true
			}
		}
	}
	for _, s := range []*[]string{&funcs, &iters, &rawTPs} {
		slices.Sort(*s)
		*s = slices.Compact(*s)
	}
	if !slices.Equal(b.idx.funcs, funcs) || !slices.Equal(b.idx.iters, iters) || !slices.Equal(b.idx.rawTPs, rawTPs) {
		t.Errorf("index: %d funcs, %d iters, %d raw tracepoints; decoding: %d, %d, %d",
			len(b.idx.funcs), len(b.idx.iters), len(b.idx.rawTPs), len(funcs), len(iters), len(rawTPs))
	}
	if len(b.idx.enumerators) != len(enumerators) {
		t.Errorf("index: %d enumerators; decoding: %d", len(b.idx.enumerators), len(enumerators))
	}
}

func TestIndexErrors(t *testing.T) {
	for name, raw := range map[string][]byte{
		"short":     {0x9f, 0xeb},
		"bad magic": make([]byte, 24),
		"bounds":    {0x9f, 0xeb, 1, 0, 24, 0, 0, 0, 0, 0, 0, 0, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
	} {
		if _, err := indexBTF(raw); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestLoadBTFErrors(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage")
	if err := os.WriteFile(garbage, []byte("not BTF at all, not even close"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{garbage, filepath.Join(dir, "missing")} {
		l := NewLive(LiveOptions{BTF: path})
		err := l.LoadBTF()
		if err == nil || !strings.Contains(err.Error(), "load BTF "+path) {
			t.Errorf("LoadBTF(%s): err %v", path, err)
		}
		if _, err2 := l.Struct("task_struct", false); err2 == nil {
			t.Errorf("Struct after failed load: no error")
		}
	}
}

func TestBTFEnv(t *testing.T) {
	t.Setenv("BPFTRACE_BTF", "/from/env")
	if got := NewLive(LiveOptions{}).src.btf; got != "/from/env" {
		t.Errorf("BPFTRACE_BTF: BTF from %s", got)
	}
	if got := NewLive(LiveOptions{BTF: "/explicit"}).src.btf; got != "/explicit" {
		t.Errorf("explicit option: BTF from %s", got)
	}
}

func fixture(t testing.TB) *Fixture {
	t.Helper()
	dir, err := FixtureDir()
	if err != nil {
		t.Fatal(err)
	}
	fx, err := NewFixture(dir)
	if err != nil {
		t.Fatal(err)
	}
	return fx
}

func TestCTypeName(t *testing.T) {
	char := &btf.Int{Name: "char", Size: 1}
	cchar := &btf.Const{Type: char}
	tests := []struct {
		t    btf.Type
		want string
	}{
		{&btf.Int{Name: "int", Size: 4, Encoding: btf.Signed}, "int x"},
		{&btf.Pointer{Target: cchar}, "const char * x"},
		{&btf.Pointer{Target: &btf.Const{Type: &btf.Pointer{Target: cchar}}}, "const char *const * x"},
		{&btf.Array{Type: char, Nelems: 16}, "char x[16]"},
		{&btf.Array{Type: &btf.Array{Type: char, Nelems: 4}, Nelems: 2}, "char x[2][4]"},
		{&btf.Pointer{Target: &btf.Struct{Name: "sock"}}, "struct sock * x"},
		{&btf.Pointer{Target: &btf.Fwd{Name: "foo", Kind: btf.FwdUnion}}, "union foo * x"},
		{&btf.Pointer{Target: &btf.FuncProto{}}, "void * x"},
		{&btf.Typedef{Name: "pid_t", Type: &btf.Int{Name: "int", Size: 4}}, "pid_t x"},
	}
	for _, tt := range tests {
		if got := cTypeName(tt.t, "x"); got != tt.want {
			t.Errorf("cTypeName(%v) = %q, want %q", tt.t, got, tt.want)
		}
	}
}

func TestTypedefWithoutBTF(t *testing.T) {
	l := NewLive(LiveOptions{BTF: filepath.Join(t.TempDir(), "missing")})
	if got, err := l.Typedef("unsigned int"); err != nil || got != types.Uint32 {
		t.Errorf("Typedef(unsigned int) = %v, %v", got, err)
	}
	for _, name := range []string{"u64", "struct task_struct", "char *"} {
		if got, err := l.Typedef(name); err == nil {
			t.Errorf("Typedef(%q) without BTF = %v, want an error", name, got)
		}
	}
}
