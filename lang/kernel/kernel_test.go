package kernel_test

import (
	"cmp"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/bt-tools/bt/lang/kernel"
	"github.com/bt-tools/bt/lang/kernel/kerneltest"
	"github.com/bt-tools/bt/lang/types"
)

func TestStructFields(t *testing.T) {
	fx := kerneltest.Fixture(t)
	task := mustStruct(t, fx, "task_struct", false)
	sockCommon := mustStruct(t, fx, "sock_common", false)
	tests := []struct {
		strct, field string
		want         types.Type
		bitSize      int
	}{
		{"task_struct", "pid", types.Int32, 0},
		{"task_struct", "tgid", types.Int32, 0},
		{"task_struct", "comm", &types.Array{Elem: types.Int8, Len: 16}, 0},
		{"task_struct", "real_parent", &types.Pointer{Elem: task, AddrSpace: types.AddrKernel}, 0},
		{"task_struct", "in_execve", types.Uint32, 1},
		{"sock_common", "skc_family", types.Uint16, 0},
		{"sock_common", "skc_state", types.Uint8, 0},
		{"sock_common", "skc_reuse", types.Uint8, 4},
		{"sock_common", "skc_daddr", types.Uint32, 0}, // in an anonymous struct in an anonymous union
		{"sock_common", "skc_num", types.Uint16, 0},
		{"sock", "__sk_common", sockCommon, 0},
		{"sock", "sk_rcvbuf", types.Int32, 0},
		{"sk_buff", "len", types.Uint32, 0},
		{"sk_buff", "cloned", types.Uint8, 1},
	}
	for _, tt := range tests {
		s := mustStruct(t, fx, tt.strct, false)
		f, ok := s.Field(tt.field)
		if !ok {
			t.Errorf("%s has no field %s", tt.strct, tt.field)
			continue
		}
		if !types.Identical(f.Type, tt.want) {
			t.Errorf("%s.%s: type %v, want %v", tt.strct, tt.field, f.Type, tt.want)
		}
		if f.BitSize != tt.bitSize {
			t.Errorf("%s.%s: bit size %d, want %d", tt.strct, tt.field, f.BitSize, tt.bitSize)
		}
	}
}

func TestStructIdentity(t *testing.T) {
	fx := kerneltest.Fixture(t)
	task := mustStruct(t, fx, "task_struct", false)
	if again := mustStruct(t, fx, "task_struct", false); again != task {
		t.Error("two lookups of task_struct returned different pointers")
	}
	for _, name := range []string{"real_parent", "parent", "group_leader"} {
		f, _ := task.Field(name)
		if p, ok := f.Type.(*types.Pointer); !ok || p.Elem != task {
			t.Errorf("task_struct.%s is %v, not a pointer to the task_struct of Struct", name, f.Type)
		}
	}
	if task.Size() < 1000 || task.Name != "task_struct" || task.Union {
		t.Errorf("task_struct: name %q union %v size %d", task.Name, task.Union, task.Size())
	}
}

// TestAnonymousMembers checks that anonymous struct and union members are
// kept, named "", and that Field looks through them with offsets relative
// to the outer struct.
func TestAnonymousMembers(t *testing.T) {
	fx := kerneltest.Fixture(t)
	sc := mustStruct(t, fx, "sock_common", false)
	var anon *types.Struct
	var anonOff int64
	for _, f := range sc.Fields() {
		if s, ok := f.Type.(*types.Struct); ok && f.Name == "" && s.Union {
			anon, anonOff = s, f.Offset
			break
		}
	}
	if anon == nil {
		t.Fatal("sock_common has no anonymous union member")
	}
	inner := anon.Fields()[0]
	outer, ok := sc.Field(inner.Name)
	if inner.Name == "" || !ok || outer.Offset != anonOff+inner.Offset {
		t.Errorf("Field(%q) = %+v, %v; want offset %d", inner.Name, outer, ok, anonOff+inner.Offset)
	}
}

func TestUnion(t *testing.T) {
	fx := kerneltest.Fixture(t)
	u, err := fx.Struct("bpf_attr", true)
	if err != nil {
		t.Fatal(err)
	}
	if !u.Union || len(u.Fields()) == 0 {
		t.Errorf("union bpf_attr: union %v, %d fields", u.Union, len(u.Fields()))
	}
	if _, err := fx.Struct("bpf_attr", false); !errors.Is(err, kernel.ErrNotFound) {
		t.Errorf("struct bpf_attr: err %v, want ErrNotFound", err)
	}
}

func TestEnums(t *testing.T) {
	fx := kerneltest.Fixture(t)
	consts := []struct {
		name  string
		value int64
		enum  string
	}{
		{"TCP_ESTABLISHED", 1, ""}, // include/net/tcp_states.h's enum has no name
		{"TCP_CLOSE", 7, ""},
		{"SKB_DROP_REASON_NOT_SPECIFIED", 2, "skb_drop_reason"},
		{"BPF_MAP_TYPE_HASH", 1, "bpf_map_type"},
	}
	for _, c := range consts {
		v, e, err := fx.EnumConst(c.name)
		if err != nil || v != c.value || e.Name != c.enum {
			t.Errorf("EnumConst(%s) = %d, %v, %v; want %d in enum %q", c.name, v, e, err, c.value, c.enum)
		}
	}
	if _, _, err := fx.EnumConst("NO_SUCH_ENUMERATOR"); !errors.Is(err, kernel.ErrNotFound) {
		t.Errorf("EnumConst(NO_SUCH_ENUMERATOR): err %v, want ErrNotFound", err)
	}
	e, err := fx.Enum("skb_drop_reason")
	if err != nil {
		t.Fatal(err)
	}
	if name, ok := e.Lookup(2); !ok || name != "SKB_DROP_REASON_NOT_SPECIFIED" || e.Size() != 4 {
		t.Errorf("enum skb_drop_reason: Lookup(2) = %q, %v; size %d", name, ok, e.Size())
	}
	if _, v, _ := fx.EnumConst("SKB_DROP_REASON_NOT_SPECIFIED"); v != e {
		t.Error("EnumConst and Enum returned different *types.Enum")
	}
}

func TestTypedef(t *testing.T) {
	fx := kerneltest.Fixture(t)
	task := mustStruct(t, fx, "task_struct", false)
	tests := []struct {
		name string
		want types.Type
	}{
		{"u64", types.Uint64},
		{"u8", types.Uint8},
		{"s32", types.Int32},
		{"pid_t", types.Int32},
		{"size_t", types.Uint64},
		{"dev_t", types.Uint32},
		{"gfp_t", types.Uint32},
		{"bool", types.Bool},
		{"char", types.Int8},
		{"unsigned int", types.Uint32},
		{"unsigned long", types.Uint64},
		{"long long", types.Int64},
		{"long unsigned int", types.Uint64}, // BTF's spelling
		{"struct task_struct", task},
		{"struct task_struct *", &types.Pointer{Elem: task, AddrSpace: types.AddrKernel}},
		{"const char *", &types.Pointer{Elem: types.Int8, AddrSpace: types.AddrKernel}},
	}
	for _, tt := range tests {
		got, err := fx.Typedef(tt.name)
		if err != nil || !types.Identical(got, tt.want) {
			t.Errorf("Typedef(%q) = %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
	if got, _ := fx.Typedef("u64"); got != types.Uint64 {
		t.Error("Typedef(u64) is not the canonical types.Uint64")
	}
	for _, name := range []string{"no_such_t", "struct no_such", "unsigned char short"} {
		if _, err := fx.Typedef(name); !errors.Is(err, kernel.ErrNotFound) {
			t.Errorf("Typedef(%q): err %v, want ErrNotFound", name, err)
		}
	}
}

func TestFunc(t *testing.T) {
	fx := kerneltest.Fixture(t)
	file := mustStruct(t, fx, "file", false)
	p, err := fx.Func("vfs_read")
	if err != nil {
		t.Fatal(err)
	}
	want := []kernel.Param{
		{Name: "file", Type: &types.Pointer{Elem: file, AddrSpace: types.AddrKernel}},
		{Name: "buf", Type: &types.Pointer{Elem: types.Int8, AddrSpace: types.AddrKernel}},
		{Name: "count", Type: types.Uint64},
		{Name: "pos", Type: &types.Pointer{Elem: types.Int64, AddrSpace: types.AddrKernel}},
	}
	checkParams(t, "vfs_read", p.Params, want)
	if p.Ret != types.Int64 || p.Name != "vfs_read" {
		t.Errorf("vfs_read: name %q, returns %v", p.Name, p.Ret)
	}
	if p, err := fx.Func("schedule"); err != nil || len(p.Params) != 0 || p.Ret != types.Void {
		t.Errorf("Func(schedule) = %+v, %v; want no params, void", p, err)
	}
	if _, err := fx.Func("no_such_function"); !errors.Is(err, kernel.ErrNotFound) {
		t.Errorf("Func(no_such_function): err %v, want ErrNotFound", err)
	}
}

func TestFunctions(t *testing.T) {
	fns, err := kerneltest.Fixture(t).Functions()
	if err != nil {
		t.Fatal(err)
	}
	if len(fns) < 10000 || !slices.IsSorted(fns) {
		t.Errorf("Functions: %d names, sorted %v", len(fns), slices.IsSorted(fns))
	}
	for _, fn := range []string{"vfs_read", "do_sys_openat2", "tcp_sendmsg"} {
		if _, ok := slices.BinarySearch(fns, fn); !ok {
			t.Errorf("Functions lacks %s", fn)
		}
	}
}

func TestTracepointFormat(t *testing.T) {
	fx := kerneltest.Fixture(t)
	userStr := &types.Pointer{Elem: types.Int8, AddrSpace: types.AddrUser}
	comm := &types.Array{Elem: types.Int8, Len: 16}
	tests := []struct {
		category, event string
		want            []kernel.FormatField // Name, Type, Offset, Size, DataLoc are compared
	}{
		{"syscalls", "sys_enter_openat", []kernel.FormatField{
			{Name: "__syscall_nr", Type: types.Int32, Offset: 8, Size: 4},
			{Name: "dfd", Type: types.Int32, Offset: 16, Size: 8},
			{Name: "filename", Type: userStr, Offset: 24, Size: 8},
			{Name: "flags", Type: types.Int32, Offset: 32, Size: 8},
			{Name: "mode", Type: types.Uint16, Offset: 40, Size: 8},
		}},
		{"syscalls", "sys_exit_openat", []kernel.FormatField{
			{Name: "__syscall_nr", Type: types.Int32, Offset: 8, Size: 4},
			{Name: "ret", Type: types.Int64, Offset: 16, Size: 8},
		}},
		{"sched", "sched_switch", []kernel.FormatField{
			{Name: "prev_comm", Type: comm, Offset: 8, Size: 16},
			{Name: "prev_pid", Type: types.Int32, Offset: 24, Size: 4},
			{Name: "prev_prio", Type: types.Int32, Offset: 28, Size: 4},
			{Name: "prev_state", Type: types.Int64, Offset: 32, Size: 8},
			{Name: "next_comm", Type: comm, Offset: 40, Size: 16},
			{Name: "next_pid", Type: types.Int32, Offset: 56, Size: 4},
			{Name: "next_prio", Type: types.Int32, Offset: 60, Size: 4},
		}},
		{"sched", "sched_process_exec", []kernel.FormatField{
			{Name: "filename", Type: &types.String{}, Offset: 8, Size: 4, DataLoc: true},
			{Name: "pid", Type: types.Int32, Offset: 12, Size: 4},
			{Name: "old_pid", Type: types.Int32, Offset: 16, Size: 4},
		}},
		{"block", "block_rq_issue", []kernel.FormatField{
			{Name: "dev", Type: types.Uint32, Offset: 8, Size: 4},
			{Name: "sector", Type: types.Uint64, Offset: 16, Size: 8},
			{Name: "nr_sector", Type: types.Uint32, Offset: 24, Size: 4},
			{Name: "bytes", Type: types.Uint32, Offset: 28, Size: 4},
			{Name: "ioprio", Type: types.Uint16, Offset: 32, Size: 2},
			{Name: "rwbs", Type: &types.Array{Elem: types.Int8, Len: 10}, Offset: 34, Size: 10},
			{Name: "comm", Type: comm, Offset: 44, Size: 16},
			{Name: "cmd", Type: &types.String{}, Offset: 60, Size: 4, DataLoc: true},
		}},
	}
	for _, tt := range tests {
		f, err := fx.TracepointFormat(tt.category, tt.event)
		if err != nil {
			t.Errorf("TracepointFormat(%s, %s): %v", tt.category, tt.event, err)
			continue
		}
		if f.FromBTF || f.Category != tt.category || f.Event != tt.event {
			t.Errorf("%s:%s: FromBTF %v, names %s:%s", tt.category, tt.event, f.FromBTF, f.Category, f.Event)
		}
		checkFormat(t, f, tt.want)
	}
}

func TestTracepointFormatDetails(t *testing.T) {
	fx := kerneltest.Fixture(t)
	f, err := fx.TracepointFormat("syscalls", "sys_enter_openat")
	if err != nil {
		t.Fatal(err)
	}
	if fld, _ := f.Field("filename"); fld.CType != "const char * filename" || fld.Signed {
		t.Errorf("filename: CType %q, signed %v", fld.CType, fld.Signed)
	}
	if _, ok := f.Field("common_pid"); ok || f.Size != 48 {
		t.Errorf("sys_enter_openat: has common_pid %v, size %d (want 48)", ok, f.Size)
	}
	// A pointer to a pointer to user memory is itself in user memory.
	f, err = fx.TracepointFormat("syscalls", "sys_enter_execve")
	if err != nil {
		t.Fatal(err)
	}
	argv, _ := f.Field("argv")
	want := &types.Pointer{Elem: &types.Pointer{Elem: types.Int8, AddrSpace: types.AddrUser}, AddrSpace: types.AddrUser}
	if p, ok := argv.Type.(*types.Pointer); !ok || !types.Identical(p, want) || p.AddrSpace != types.AddrUser ||
		p.Elem.(*types.Pointer).AddrSpace != types.AddrUser {
		t.Errorf("execve argv: %v", argv.Type)
	}
	// Outside syscalls, pointers are kernel pointers; __data_loc arrays of
	// other than char keep their element type.
	f, err = fx.TracepointFormat("ipi", "ipi_send_cpumask")
	if err != nil {
		t.Fatal(err)
	}
	cs, _ := f.Field("callsite")
	mask, _ := f.Field("cpumask")
	if p, ok := cs.Type.(*types.Pointer); !ok || p.AddrSpace != types.AddrKernel || p.Elem != types.Void {
		t.Errorf("ipi_send_cpumask callsite: %v", cs.Type)
	}
	if s, ok := mask.Type.(*types.Struct); !ok || !mask.DataLoc || s.Name != "cpumask" {
		t.Errorf("ipi_send_cpumask cpumask: %v, DataLoc %v", mask.Type, mask.DataLoc)
	}
	again, _ := fx.TracepointFormat("ipi", "ipi_send_cpumask")
	if again != f {
		t.Error("TracepointFormat is not cached")
	}
}

func TestTracepointFormatErrors(t *testing.T) {
	fx := kerneltest.Fixture(t)
	for _, tp := range []kernel.Tracepoint{{"sched", "no_such_event"}, {"no_such", "sched_switch"}, {"..", "sched"}, {"sched/../sched", "sched_switch"}, {"", ""}} {
		if _, err := fx.TracepointFormat(tp.Category, tp.Event); !errors.Is(err, kernel.ErrNotFound) {
			t.Errorf("TracepointFormat(%q, %q): err %v, want ErrNotFound", tp.Category, tp.Event, err)
		}
	}
}

func TestTracepoints(t *testing.T) {
	tps, err := kerneltest.Fixture(t).Tracepoints()
	if err != nil {
		t.Fatal(err)
	}
	if len(tps) < 2000 {
		t.Errorf("Tracepoints: %d, want thousands", len(tps))
	}
	sorted := slices.IsSortedFunc(tps, func(a, b kernel.Tracepoint) int {
		return cmp.Or(cmp.Compare(a.Category, b.Category), cmp.Compare(a.Event, b.Event))
	})
	if !sorted {
		t.Error("Tracepoints are not sorted by category, event")
	}
	for _, tp := range []kernel.Tracepoint{{"syscalls", "sys_enter_openat"}, {"sched", "sched_switch"}, {"raw_syscalls", "sys_enter"}} {
		if !slices.Contains(tps, tp) {
			t.Errorf("Tracepoints lacks %v", tp)
		}
	}
}

func TestRawTracepoint(t *testing.T) {
	fx := kerneltest.Fixture(t)
	task := &types.Pointer{Elem: mustStruct(t, fx, "task_struct", false), AddrSpace: types.AddrKernel}
	p, err := fx.RawTracepoint("sched_switch")
	if err != nil {
		t.Fatal(err)
	}
	checkParams(t, "rt:sched_switch", p.Params, []kernel.Param{
		{Name: "preempt", Type: types.Bool},
		{Name: "prev", Type: task},
		{Name: "next", Type: task},
		{Name: "prev_state", Type: types.Uint32},
	})
	// sched_wakeup_new is a DEFINE_EVENT of a template.
	p, err = fx.RawTracepoint("sched_wakeup_new")
	if err != nil {
		t.Fatal(err)
	}
	checkParams(t, "rt:sched_wakeup_new", p.Params, []kernel.Param{{Name: "p", Type: task}})
	if _, err := fx.RawTracepoint("no_such"); !errors.Is(err, kernel.ErrNotFound) {
		t.Errorf("RawTracepoint(no_such): err %v, want ErrNotFound", err)
	}
	rts, err := fx.RawTracepoints()
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range []string{"sched_switch", "sys_enter", "block_rq_issue"} {
		if _, ok := slices.BinarySearch(rts, ev); !ok {
			t.Errorf("RawTracepoints lacks %s", ev)
		}
	}
}

func TestIters(t *testing.T) {
	its, err := kerneltest.Fixture(t).Iters()
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range []string{"task", "task_file", "task_vma", "bpf_map"} {
		if _, ok := slices.BinarySearch(its, it); !ok {
			t.Errorf("Iters lacks %s (have %v)", it, its)
		}
	}
}

func TestKallsym(t *testing.T) {
	fx := kerneltest.Fixture(t)
	for name, want := range map[string]uint64{
		"avenrun": 0xffffffff82a1b2c0, "jiffies": 0xffffffff82a05000, "_stext": 0xffffffff81000000,
		"xfs_fs_fill_super": 0xffffffffc0a01000, // a module's
	} {
		if got, err := fx.Kallsym(name); err != nil || got != want {
			t.Errorf("Kallsym(%s) = %#x, %v; want %#x", name, got, err, want)
		}
	}
	if _, err := fx.Kallsym("no_such_symbol"); !errors.Is(err, kernel.ErrNotFound) {
		t.Errorf("Kallsym(no_such_symbol): err %v, want ErrNotFound", err)
	}
}

func TestKallsymHidden(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kallsyms")
	data := "0000000000000000 T _stext\n0000000000000000 D avenrun\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	l := kernel.NewLive(kernel.LiveOptions{Kallsyms: path})
	if _, err := l.Kallsym("avenrun"); err == nil || errors.Is(err, kernel.ErrNotFound) {
		t.Errorf("Kallsym with hidden addresses: err %v, want a needs-root error", err)
	}
}

func TestSymbols(t *testing.T) {
	fx := kerneltest.Fixture(t)
	const bash = "/bin/bash"
	if _, err := os.Stat(bash); err != nil {
		t.Skipf("needs %s: %v", bash, err)
	}
	syms, err := fx.Symbols(bash)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(syms, func(s kernel.Symbol) bool { return s.Name == "main" })
	if i < 0 || !syms[i].Func || syms[i].Addr == 0 || syms[i].Size == 0 {
		t.Fatalf("symbols of %s: no function main among %d symbols", bash, len(syms))
	}
	if !slices.IsSortedFunc(syms, func(a, b kernel.Symbol) int { return cmp.Compare(a.Addr, b.Addr) }) {
		t.Error("symbols are not sorted by address")
	}
	if again, _ := fx.Symbols(bash); &again[0] != &syms[0] {
		t.Error("symbols are not cached")
	}
}

func TestSymbolsErrors(t *testing.T) {
	fx := kerneltest.Fixture(t)
	notELF := filepath.Join(t.TempDir(), "not-elf")
	if err := os.WriteFile(notELF, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{notELF, filepath.Join(t.TempDir(), "missing")} {
		if _, err := fx.Symbols(path); err == nil {
			t.Errorf("Symbols(%s): no error", path)
		}
	}
}

// TestConcurrent runs lookups from many goroutines; run with -race.
func TestConcurrent(t *testing.T) {
	dir, err := kernel.FixtureDir()
	if err != nil {
		t.Fatal(err)
	}
	fx, err := kernel.NewFixture(dir) // fresh, so that loading races too
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	results := make([]*types.Struct, 8)
	for i := range results {
		wg.Go(func() {
			s, err := fx.Struct("task_struct", false)
			if err != nil {
				t.Error(err)
				return
			}
			f, _ := s.Field("real_parent")
			results[i] = f.Type.(*types.Pointer).Elem.(*types.Struct)
			if _, err := fx.TracepointFormat("sched", "sched_switch"); err != nil {
				t.Error(err)
			}
			if _, _, err := fx.EnumConst("TCP_ESTABLISHED"); err != nil {
				t.Error(err)
			}
			mustStruct(t, fx, "sock", false).Field("sk_rcvbuf")
		})
	}
	wg.Wait()
	for _, s := range results {
		if s != results[0] {
			t.Fatal("concurrent lookups returned different task_structs")
		}
	}
}

func TestNewFixtureMissing(t *testing.T) {
	if _, err := kernel.NewFixture(t.TempDir()); err == nil {
		t.Error("NewFixture of an empty directory: no error")
	}
}

// ---------------------------------------------------------------------------
// Tracepoints from BTF, without tracefs

// noTraceFS is the fixture's BTF without its tracefs files.
func noTraceFS(t testing.TB) *kernel.Live {
	dir, err := kernel.FixtureDir()
	if err != nil {
		t.Fatal(err)
	}
	return kernel.NewLive(kernel.LiveOptions{
		BTF:     filepath.Join(dir, kernel.FixtureBTF),
		TraceFS: []string{filepath.Join(t.TempDir(), "no-tracefs")},
	})
}

func TestBTFFallbackFormat(t *testing.T) {
	fx, fb := kerneltest.Fixture(t), noTraceFS(t)
	for _, tp := range []kernel.Tracepoint{
		{"sched", "sched_switch"},       // TRACE_EVENT: the class is the event
		{"sched", "sched_wakeup_new"},   // DEFINE_EVENT of sched_wakeup_template
		{"sched", "sched_process_exec"}, // __data_loc filename
		{"block", "block_rq_issue"},     // DEFINE_EVENT of block_rq, not of the event block_rq_requeue
		{"syscalls", "sys_exit_openat"},
		{"syscalls", "sys_enter_brk"},   // from __do_sys_brk
		{"syscalls", "sys_enter_clone"}, // from __do_sys_clone
	} {
		want, err := fx.TracepointFormat(tp.Category, tp.Event)
		if err != nil {
			t.Fatal(err)
		}
		got, err := fb.TracepointFormat(tp.Category, tp.Event)
		if err != nil {
			t.Errorf("%v from BTF: %v", tp, err)
			continue
		}
		if !got.FromBTF {
			t.Errorf("%v: FromBTF not set", tp)
		}
		checkFormat(t, got, want.Fields)
	}
}

func TestBTFFallbackSchedSwitch(t *testing.T) {
	f, err := noTraceFS(t).TracepointFormat("sched", "sched_switch")
	if err != nil {
		t.Fatal(err)
	}
	checkFormat(t, f, []kernel.FormatField{
		{Name: "prev_comm", Type: &types.Array{Elem: types.Int8, Len: 16}, Offset: 8, Size: 16},
		{Name: "prev_pid", Type: types.Int32, Offset: 24, Size: 4},
		{Name: "prev_prio", Type: types.Int32, Offset: 28, Size: 4},
		{Name: "prev_state", Type: types.Int64, Offset: 32, Size: 8},
		{Name: "next_comm", Type: &types.Array{Elem: types.Int8, Len: 16}, Offset: 40, Size: 16},
		{Name: "next_pid", Type: types.Int32, Offset: 56, Size: 4},
		{Name: "next_prio", Type: types.Int32, Offset: 60, Size: 4},
	})
	if fld, _ := f.Field("prev_comm"); fld.CType != "char prev_comm[16]" {
		t.Errorf("prev_comm: CType %q", fld.CType)
	}
	if fld, _ := f.Field("prev_pid"); fld.CType != "pid_t prev_pid" || !fld.Signed {
		t.Errorf("prev_pid: CType %q, signed %v", fld.CType, fld.Signed)
	}
}

func TestBTFFallbackSyscall(t *testing.T) {
	// __do_sys_getpid(const struct pt_regs *__unused) stands for a syscall
	// without arguments.
	f, err := noTraceFS(t).TracepointFormat("syscalls", "sys_enter_getpid")
	if err != nil {
		t.Fatal(err)
	}
	checkFormat(t, f, []kernel.FormatField{{Name: "__syscall_nr", Type: types.Int32, Offset: 8, Size: 4}})
	// read's __do_sys_read is inlined, so BTF does not know its
	// parameters: they come from bt's embedded syscall formats.
	f, err = noTraceFS(t).TracepointFormat("syscalls", "sys_enter_read")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"__syscall_nr", "fd", "buf", "count"} {
		if _, ok := f.Field(name); !ok {
			t.Errorf("sys_enter_read without tracefs lacks %s", name)
		}
	}
	for _, ev := range []string{"sys_enter_no_such", "sys_exit_no_such"} {
		if _, err := noTraceFS(t).TracepointFormat("syscalls", ev); !errors.Is(err, kernel.ErrNotFound) {
			t.Errorf("%s: err %v, want ErrNotFound", ev, err)
		}
	}
}

// TestBTFFallbackAgreement compares, event by event, the formats BTF gives
// with tracefs's. BTF cannot always tell which template a DEFINE_EVENT
// used, nor a syscall's parameters; the test pins down how often it
// manages on the fixture's kernel, and that it almost never answers
// wrongly rather than not at all.
func TestBTFFallbackAgreement(t *testing.T) {
	fx, fb := kerneltest.Fixture(t), noTraceFS(t)
	tps, err := fx.Tracepoints()
	if err != nil {
		t.Fatal(err)
	}
	listed := make(map[string]string) // event -> guessed category
	fbTPs, err := fb.Tracepoints()
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range fbTPs {
		listed[tp.Event] = tp.Category
	}
	var events, same, wrong, missing, rightCategory int
	for _, tp := range tps {
		if tp.Category == "syscalls" {
			continue
		}
		events++
		if listed[tp.Event] == tp.Category {
			rightCategory++
		}
		want, err := fx.TracepointFormat(tp.Category, tp.Event)
		if err != nil {
			t.Fatal(err)
		}
		got, err := fb.TracepointFormat(tp.Category, tp.Event)
		switch {
		case err != nil:
			missing++
		case sameLayout(got, want):
			same++
		default:
			wrong++
			t.Logf("%s:%s: BTF's layout differs", tp.Category, tp.Event)
		}
	}
	t.Logf("%d events: %d formats agree, %d differ, %d unknown; %d categories guessed right",
		events, same, wrong, missing, rightCategory)
	if same < events*95/100 || wrong > events/100 || rightCategory < events*90/100 {
		t.Errorf("BTF fallback: %d of %d formats agree (want 95%%), %d differ (want at most 1%%), %d categories right (want 90%%)",
			same, events, wrong, rightCategory)
	}
}

func sameLayout(a, b *kernel.Format) bool {
	return slices.EqualFunc(a.Fields, b.Fields, func(x, y kernel.FormatField) bool {
		return x.Name == y.Name && x.Offset == y.Offset && x.Size == y.Size && x.DataLoc == y.DataLoc
	})
}

// ---------------------------------------------------------------------------
// Helpers

func mustStruct(t testing.TB, info kernel.Info, name string, union bool) *types.Struct {
	t.Helper()
	s, err := info.Struct(name, union)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func checkParams(t *testing.T, what string, got, want []kernel.Param) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d params %v, want %d", what, len(got), got, len(want))
		return
	}
	for i := range want {
		if got[i].Name != want[i].Name || !types.Identical(got[i].Type, want[i].Type) {
			t.Errorf("%s param %d: %s %v, want %s %v", what, i, got[i].Name, got[i].Type, want[i].Name, want[i].Type)
		}
	}
}

func checkFormat(t *testing.T, f *kernel.Format, want []kernel.FormatField) {
	t.Helper()
	if len(f.Fields) != len(want) {
		t.Errorf("%s:%s: fields %v, want %d", f.Category, f.Event, f.Fields, len(want))
		return
	}
	for i, w := range want {
		g := f.Fields[i]
		if g.Name != w.Name || !types.Identical(g.Type, w.Type) || g.Offset != w.Offset || g.Size != w.Size || g.DataLoc != w.DataLoc {
			t.Errorf("%s:%s field %d: %s %v off %d size %d dataloc %v; want %s %v off %d size %d dataloc %v",
				f.Category, f.Event, i, g.Name, g.Type, g.Offset, g.Size, g.DataLoc, w.Name, w.Type, w.Offset, w.Size, w.DataLoc)
		}
	}
}

// ---------------------------------------------------------------------------
// Benchmarks of warm lookups (cold ones are in live_test.go)

func BenchmarkStructLookup(b *testing.B) {
	fx := kerneltest.Fixture(b)
	mustStruct(b, fx, "task_struct", false).Fields()
	for b.Loop() {
		fx.Struct("task_struct", false)
	}
}

// BenchmarkFieldLookup is types.Struct.Field on a converted struct, for
// comparison: task_struct has some 250 members.
func BenchmarkFieldLookup(b *testing.B) {
	task := mustStruct(b, kerneltest.Fixture(b), "task_struct", false)
	for b.Loop() {
		task.Field("pid")
	}
}

func BenchmarkTracepointFormat(b *testing.B) {
	fx := kerneltest.Fixture(b)
	if _, err := fx.TracepointFormat("sched", "sched_switch"); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		fx.TracepointFormat("sched", "sched_switch")
	}
}

func BenchmarkEnumConst(b *testing.B) {
	fx := kerneltest.Fixture(b)
	for b.Loop() {
		fx.EnumConst("TCP_ESTABLISHED")
	}
}
