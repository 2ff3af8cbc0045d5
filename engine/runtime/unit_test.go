package runtime_test

import (
	"testing"
	"time"

	"github.com/cilium/ebpf/asm"

	"github.com/bt-tools/bt/engine/runtime"
)

func TestStrftime(t *testing.T) {
	tm := time.Date(2024, time.March, 5, 14, 7, 9, 0, time.UTC)
	for _, tc := range []struct{ format, want string }{
		{"%H:%M:%S\n", "14:07:09\n"},
		{"%Y-%m-%d %a %b %e", "2024-03-05 Tue Mar  5"},
		{"%I %p %j %%", "02 PM 065 %"},
		{"%F %T %s", "2024-03-05 14:07:09 1709647629"},
		{"%Q and a trailing %", "%Q and a trailing %"},
	} {
		if got := string(runtime.Strftime(nil, tc.format, tm)); got != tc.want {
			t.Errorf("Strftime(%q) = %q, want %q", tc.format, got, tc.want)
		}
	}
}

func TestFailingInsn(t *testing.T) {
	for _, tc := range []struct {
		log  []string
		want int
	}{
		{[]string{"0: R1=ctx() R10=fp0", "0: (bf) r6 = r1", "1: (b7) r0 = 0", "2: (bf) r0 = r3", "R3 !read_ok", "processed 3 insns"}, 2},
		{[]string{"back-edge from insn 5 to 3"}, 5},
		{[]string{"missing bpf_line_info for func#0"}, -1},
	} {
		if got := runtime.FailingInsn(tc.log); got != tc.want {
			t.Errorf("FailingInsn(%q) = %d, want %d", tc.log, got, tc.want)
		}
	}
}

func TestSourceAt(t *testing.T) {
	insns := asm.Instructions{
		asm.Mov.Imm(asm.R0, 0).WithSource(asm.Comment("a")),
		asm.LoadImm(asm.R1, 1<<40, asm.DWord).WithSource(asm.Comment("b")), // two slots
		asm.Return().WithSource(asm.Comment("c")),
	}
	for off, want := range []string{"a", "b", "b", "c"} {
		if got := runtime.SourceAt(insns, off); got == nil || got.String() != want {
			t.Errorf("SourceAt(%d) = %v, want %s", off, got, want)
		}
	}
	if got := runtime.SourceAt(insns, 4); got != nil {
		t.Errorf("SourceAt past the end = %v", got)
	}
}

func TestKernelName(t *testing.T) {
	for in, want := range map[string]string{
		"tp_sched_switch_1":   "bt_tp_sched_swi",
		"bt_x":                "bt_x",
		"AT_map-name":         "bt_AT_map_name",
		"kprobe:vfs_read:123": "bt_kprobe_vfs_r",
	} {
		if got := runtime.KernelName(in); got != want {
			t.Errorf("KernelName(%q) = %q, want %q", in, got, want)
		}
	}
}
