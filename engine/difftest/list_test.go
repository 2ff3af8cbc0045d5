package difftest

import (
	"os/exec"
	"testing"
)

// TestList compares `bt run -l` and `bpftrace -l` (the first one-liner of
// bpftrace's tutorial): the same probes, in the same order, and with -v
// the same arguments.
func TestList(t *testing.T) {
	requireRoot(t) // tracefs
	bpftrace := requireBpftrace(t)
	bt := btBinary(t)
	for _, c := range []struct {
		name string
		args []string
		skip string
	}{
		{"syscalls_open", []string{"-l", "tracepoint:syscalls:sys_enter_open*"}, ""},
		{"sched_all", []string{"-l", "tracepoint:sched:*"}, ""},
		{"block_rq", []string{"-l", "tracepoint:block:block_rq_*"}, ""},
		{"verbose_openat", []string{"-lv", "tracepoint:syscalls:sys_enter_openat"}, ""},
		{"verbose_sched_switch", []string{"-lv", "tracepoint:sched:sched_switch"}, ""},
		{"verbose_block_rq_issue", []string{"-lv", "tracepoint:block:block_rq_issue"}, ""},
		{"no_provider", []string{"-l", "sys_enter_read*"}, "bt: not supported yet: -l without a provider (bpftrace searches every provider)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.skip != "" {
				t.Skip(c.skip)
			}
			want, wantErr := exec.Command(bpftrace, c.args...).Output()
			got, gotErr := exec.Command(bt, append([]string{"run"}, c.args...)...).Output()
			if exitCode(gotErr) != exitCode(wantErr) {
				t.Errorf("exit status: bt %d (%v), bpftrace %d (%v)", exitCode(gotErr), gotErr, exitCode(wantErr), wantErr)
			}
			if string(got) != string(want) {
				t.Errorf("bt run %v differs from bpftrace (- bpftrace, + bt):\n%s", c.args, lineDiff(string(want), string(got)))
			}
			if len(want) == 0 {
				t.Errorf("bpftrace %v listed nothing", c.args)
			}
		})
	}
}
