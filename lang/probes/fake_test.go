package probes

import (
	"fmt"
	"slices"

	"github.com/bt-tools/bt/lang/kernel"
	"github.com/bt-tools/bt/lang/types"
)

// fakeKernel is a small kernel.Info for tests.
type fakeKernel struct {
	funcs   map[string]*kernel.FuncProto // traceable functions; nil proto = no BTF
	tps     map[kernel.Tracepoint]*kernel.Format
	rawTPs  map[string]*kernel.FuncProto
	iters   []string
	symbols map[string][]kernel.Symbol
}

func notFoundf(format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, kernel.ErrNotFound)...)
}

func (k *fakeKernel) Struct(name string, union bool) (*types.Struct, error) {
	return nil, notFoundf("struct %s", name)
}
func (k *fakeKernel) Enum(name string) (*types.Enum, error) { return nil, notFoundf("enum %s", name) }
func (k *fakeKernel) Typedef(name string) (types.Type, error) {
	return nil, notFoundf("typedef %s", name)
}
func (k *fakeKernel) EnumConst(name string) (int64, *types.Enum, error) {
	return 0, nil, notFoundf("enumerator %s", name)
}

func (k *fakeKernel) Func(name string) (*kernel.FuncProto, error) {
	if p := k.funcs[name]; p != nil {
		return p, nil
	}
	return nil, notFoundf("function %s", name)
}

func (k *fakeKernel) Functions() ([]string, error) { return sortedKeys(k.funcs), nil }

func (k *fakeKernel) Tracepoints() ([]kernel.Tracepoint, error) {
	var out []kernel.Tracepoint
	for tp := range k.tps {
		out = append(out, tp)
	}
	slices.SortFunc(out, func(a, b kernel.Tracepoint) int {
		if a.Category != b.Category {
			return cmpStr(a.Category, b.Category)
		}
		return cmpStr(a.Event, b.Event)
	})
	return out, nil
}

func (k *fakeKernel) TracepointFormat(category, event string) (*kernel.Format, error) {
	if f := k.tps[kernel.Tracepoint{Category: category, Event: event}]; f != nil {
		return f, nil
	}
	return nil, notFoundf("tracepoint %s:%s", category, event)
}

func (k *fakeKernel) RawTracepoint(event string) (*kernel.FuncProto, error) {
	if p := k.rawTPs[event]; p != nil {
		return p, nil
	}
	return nil, notFoundf("raw tracepoint %s", event)
}

func (k *fakeKernel) RawTracepoints() ([]string, error) { return sortedKeys(k.rawTPs), nil }
func (k *fakeKernel) Iters() ([]string, error)          { return k.iters, nil }
func (k *fakeKernel) Kallsym(name string) (uint64, error) {
	return 0, notFoundf("symbol %s", name)
}

func (k *fakeKernel) Symbols(path string) ([]kernel.Symbol, error) {
	if s, ok := k.symbols[path]; ok {
		return s, nil
	}
	return nil, notFoundf("binary %s", path)
}

func sortedKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

var (
	charPtr     = &types.Pointer{Elem: types.Int8}
	taskStruct  = types.NewStruct(false, "task_struct", 0, nil)
	filePtr     = &types.Pointer{Elem: types.NewStruct(false, "file", 0, nil)}
	vfsReadArgs = []kernel.Param{
		{Name: "file", Type: filePtr},
		{Name: "buf", Type: charPtr},
		{Name: "count", Type: types.Uint64},
		{Name: "pos", Type: &types.Pointer{Elem: types.Int64}},
	}
)

func newFakeKernel() *fakeKernel {
	return &fakeKernel{
		funcs: map[string]*kernel.FuncProto{
			"vfs_read":            {Name: "vfs_read", Params: vfsReadArgs, Ret: types.Int64},
			"vfs_write":           {Name: "vfs_write", Params: vfsReadArgs, Ret: types.Int64},
			"vfs_readv":           {Name: "vfs_readv", Ret: types.Int64},
			"vfs_open":            nil, // traceable, but without BTF
			"vfs_read.part.0":     nil,
			"tcp_sendmsg":         {Name: "tcp_sendmsg", Ret: types.Int32},
			"do_nanosleep":        {Name: "do_nanosleep", Ret: types.Int32},
			"ksys_read":           {Name: "ksys_read", Ret: types.Int64},
			"security_file_open":  {Name: "security_file_open", Ret: types.Int32},
			"__x64_sys_getpid":    {Name: "__x64_sys_getpid", Ret: types.Int64},
			"vfs_fsync_range":     {Name: "vfs_fsync_range", Ret: types.Int32},
			"generic_file_read_i": {Name: "generic_file_read_i", Ret: types.Int64},
		},
		tps: map[kernel.Tracepoint]*kernel.Format{
			{Category: "syscalls", Event: "sys_enter_openat"}: {
				Category: "syscalls", Event: "sys_enter_openat", Size: 48,
				Fields: []kernel.FormatField{
					{Name: "__syscall_nr", Type: types.Int32, Offset: 8, Size: 4, Signed: true},
					{Name: "dfd", Type: types.Int64, Offset: 16, Size: 8, Signed: true},
					{Name: "filename", Type: charPtr, Offset: 24, Size: 8},
					{Name: "flags", Type: types.Int64, Offset: 32, Size: 8, Signed: true},
					{Name: "mode", Type: types.Uint64, Offset: 40, Size: 8},
				},
			},
			{Category: "syscalls", Event: "sys_enter_open"}:  {Category: "syscalls", Event: "sys_enter_open", Size: 8},
			{Category: "syscalls", Event: "sys_exit_openat"}: {Category: "syscalls", Event: "sys_exit_openat", Size: 24},
			{Category: "sched", Event: "sched_switch"}: {
				Category: "sched", Event: "sched_switch", Size: 64,
				Fields: []kernel.FormatField{
					{Name: "prev_comm", Type: &types.Array{Elem: types.Int8, Len: 16}, Offset: 8, Size: 16},
					{Name: "prev_pid", Type: types.Int32, Offset: 24, Size: 4, Signed: true},
				},
			},
			{Category: "sched", Event: "sched_process_exec"}: {
				Category: "sched", Event: "sched_process_exec", Size: 24,
				Fields: []kernel.FormatField{
					{Name: "filename", Type: &types.String{Len: 1024}, Offset: 8, Size: 4, DataLoc: true},
				},
			},
		},
		rawTPs: map[string]*kernel.FuncProto{
			"sched_switch": {Name: "sched_switch", Params: []kernel.Param{
				{Name: "preempt", Type: types.Bool},
				{Name: "prev", Type: &types.Pointer{Elem: taskStruct}},
				{Name: "next", Type: &types.Pointer{Elem: taskStruct}},
			}},
			"sched_wakeup": {Name: "sched_wakeup", Params: []kernel.Param{{Name: "p", Type: &types.Pointer{Elem: taskStruct}}}},
		},
		iters: []string{"task", "task_file", "task_vma"},
		symbols: map[string][]kernel.Symbol{
			"/bin/bash": {
				{Name: "readline", Addr: 0x1000, Size: 100, Func: true},
				{Name: "readline_internal", Addr: 0x1100, Size: 10, Func: true},
				{Name: "readline", Addr: 0x1000, Size: 100, Func: true}, // duplicate (dynsym + symtab)
				{Name: "rl_line_buffer", Addr: 0x9000, Size: 8},
				{Name: "main", Addr: 0x500, Size: 50, Func: true},
			},
		},
	}
}
