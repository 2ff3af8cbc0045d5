package builtins

import (
	"fmt"

	"github.com/bt-tools/bt/lang/probes"
	"github.com/bt-tools/bt/lang/types"
)

// Probe types derived from the provider flags, so that the context rules
// live in one place (lang/probes).
var (
	argsProbes    = contextProbes("args")
	argNProbes    = contextProbes("argN")
	retvalProbes  = contextProbes("retval")
	funcProbes    = contextProbes("func")
	ctxProbes     = contextProbes("ctx")
	regProbes     = contextProbes("reg")
	tracingProbes = probes.Names(func(p *probes.Provider) bool { return p.ProgType == probes.ProgTracing })
	userProbes    = probes.Names(func(p *probes.Provider) bool { return p.UserTarget })
	// signal() needs a probe that runs in the context of a task it can
	// signal.
	signalProbes = []string{"fentry", "fexit", "kprobe", "kretprobe", "profile", "rawtracepoint",
		"tracepoint", "uprobe", "uretprobe", "usdt"}
)

func contextProbes(builtin string) []string {
	return probes.Names(func(p *probes.Provider) bool { return p.Allows(builtin) })
}

var (
	pidNamespaces = []string{"curr_ns", "init"}
	clocks        = []string{"boot", "monotonic", "tai", "sw_tai"}
	stackModes    = []string{"bpftrace", "perf", "raw", "build_id"}
	taskStruct    = types.NewStruct(false, "task_struct", 0, nil) // opaque: the checker completes it from BTF
)

func stackParams() []Param {
	return []Param{
		{Name: "mode", Kind: IdentArg, Optional: true, Idents: stackModes},
		{Name: "limit", Kind: IntLit, Optional: true},
	}
}

func taskParam() []Param {
	return []Param{{Name: "task", Kind: PointerArg, Optional: true}}
}

// varTable lists the builtin variables.
var varTable = []*Builtin{
	{
		Name: "pid", Kind: Var, Result: types.Uint32, Since: "0.17",
		Params:    []Param{{Name: "namespace", Kind: IdentArg, Optional: true, Idents: pidNamespaces}},
		Signature: "pid([curr_ns|init])",
		Doc: "The process id (thread group id) of the current task, as seen from bt's pid namespace; " +
			"`pid(init)` gives it as the initial namespace sees it. 32-bit since 0.24 (64-bit in 0.17).\n\n" +
			"```\ntracepoint:syscalls:sys_enter_openat /pid == 1234/ { @opens = count(); }\n```",
	},
	{
		Name: "tid", Kind: Var, Result: types.Uint32, Since: "0.17",
		Params:    []Param{{Name: "namespace", Kind: IdentArg, Optional: true, Idents: pidNamespaces}},
		Signature: "tid([curr_ns|init])",
		Doc: "The id of the current thread, from bt's pid namespace or, with `tid(init)`, from the " +
			"initial one. Useful as a key to pair entry and return probes.\n\n" +
			"```\nkprobe:vfs_read { @start[tid] = nsecs; }\n```",
	},
	{
		Name: "uid", Kind: Var, Result: types.Uint64, Since: "0.17", Signature: "uid",
		Doc: "The user id of the current task, as the initial user namespace sees it.\n\n" +
			"```\ntracepoint:syscalls:sys_enter_execve /uid == 0/ { printf(\"root runs %s\\n\", str(args.filename)); }\n```",
	},
	{
		Name: "gid", Kind: Var, Result: types.Uint64, Since: "0.17", Signature: "gid",
		Doc: "The group id of the current task, as the initial user namespace sees it.\n\n" +
			"```\nbegin { printf(\"gid %d\\n\", gid); }\n```",
	},
	{
		Name: "nsecs", Kind: Var, Result: types.Uint64, Since: "0.17",
		Params:    []Param{{Name: "clock", Kind: IdentArg, Optional: true, Idents: clocks}},
		Signature: "nsecs([boot|monotonic|tai|sw_tai])",
		Doc: "A timestamp in nanoseconds. The default clock is `boot` (counts suspend time); " +
			"`monotonic` skips suspend, `tai` is International Atomic Time (kernel 6.1+) and " +
			"`sw_tai` approximates it on older kernels.\n\n" +
			"```\nkretprobe:vfs_read /@start[tid]/ { @ns = hist(nsecs - @start[tid]); }\n```",
	},
	{
		Name: "elapsed", Kind: Var, Result: types.Uint64, Since: "0.17", Signature: "elapsed",
		Doc: "Nanoseconds since bt started tracing.\n\n" +
			"```\ninterval:s:10 { printf(\"%d s\\n\", elapsed / 1e9); }\n```",
	},
	{
		Name: "cpu", Kind: Var, Result: types.Uint64, Since: "0.17", Signature: "cpu",
		Doc: "The id of the CPU the probe runs on.\n\n" +
			"```\nprofile:hz:99 { @samples[cpu] = count(); }\n```",
	},
	{
		Name: "ncpus", Kind: Var, Result: types.Uint64, Since: "0.24", Signature: "ncpus",
		Doc: "The number of CPUs, fixed when the program is loaded.\n\n" +
			"```\nbegin { printf(\"%d CPUs\\n\", ncpus); }\n```",
	},
	{
		Name: "numaid", Kind: Var, Result: types.Uint64, Since: "0.17", Signature: "numaid",
		Doc: "The NUMA node of the CPU the probe runs on.\n\n" +
			"```\nkprobe:__alloc_pages { @[numaid] = count(); }\n```",
	},
	{
		Name: "comm", Kind: Var, Since: "0.17", Check: checkComm,
		Params:    []Param{{Name: "pid", Kind: IntArg, Optional: true}},
		Signature: "comm([uint32 pid])",
		Doc: "The name of the current thread (`string[16]`). Since 0.25, `comm(pid)` looks up " +
			"the name of another process (`string[64]`), where kfuncs allow it.\n\n" +
			"```\ntracepoint:syscalls:sys_enter_openat { @[comm] = count(); }\n```",
	},
	{
		Name: "pcomm", Kind: Var, Result: &types.String{Len: 16}, Since: "0.25",
		Params: taskParam(), Signature: "pcomm([struct task_struct *task])",
		Doc: "The name of the parent (`real_parent`) of the current task, or of the task given. " +
			"Needs kernel BTF.\n\n" +
			"```\ntracepoint:sched:sched_process_exec { printf(\"%s started by %s\\n\", comm, pcomm); }\n```",
	},
	{
		Name: "ppid", Kind: Var, Result: types.Int32, Since: "0.24",
		Params: taskParam(), Signature: "ppid([struct task_struct *task])",
		Doc: "The pid of the parent (`real_parent`) of the current task, or of the task given. " +
			"Needs kernel BTF.\n\n" +
			"```\ntracepoint:sched:sched_process_exec { printf(\"%d -> %d\\n\", ppid, pid); }\n```",
	},
	{
		Name: "leader_comm", Kind: Var, Result: &types.String{Len: 16}, Since: "0.26",
		Params: taskParam(), Signature: "leader_comm([struct task_struct *task])",
		Doc: "The name of the thread group leader of the current task (or of the task given); " +
			"unlike `pcomm`, this is the main thread, not the parent.\n\n" +
			"```\nprofile:hz:99 { @[leader_comm] = count(); }\n```",
	},
	{
		Name: "leader_tid", Kind: Var, Result: types.Int32, Since: "0.26",
		Params: taskParam(), Signature: "leader_tid([struct task_struct *task])",
		Doc: "The thread id of the thread group leader of the current task (or of the task given).\n\n" +
			"```\nprofile:hz:99 { @[leader_tid] = count(); }\n```",
	},
	{
		Name: "curtask", Kind: Var, Since: "0.17", Signature: "curtask",
		Result: &types.Pointer{Elem: taskStruct, AddrSpace: types.AddrKernel},
		Doc: "A pointer to the kernel's `struct task_struct` of the current task; with BTF its " +
			"fields can be read directly.\n\n" +
			"```\nkprobe:do_exit { printf(\"%d exits\\n\", curtask.pid); }\n```",
	},
	{
		Name: "cgroup", Kind: Var, Result: types.Uint64, Since: "0.17", Signature: "cgroup",
		Doc: "The cgroup v2 id of the current task; compare it with `cgroupid(\"/sys/fs/cgroup/...\")`.\n\n" +
			"```\ntracepoint:syscalls:sys_enter_openat /cgroup == cgroupid(\"/sys/fs/cgroup/app\")/ { @ = count(); }\n```",
	},
	{
		Name: "rand", Kind: Var, Result: types.Uint32, Since: "0.17", Signature: "rand",
		Doc: "A pseudo-random 32-bit number.\n\n" +
			"```\ninterval:ms:10 { @ = lhist(rand % 10, 0, 10, 1); }\n```",
	},
	{
		Name: "jiffies", Kind: Var, Result: types.Uint64, Since: "0.20", Signature: "jiffies",
		Doc: "The kernel's jiffies counter (timer ticks since boot).\n\n" +
			"```\ninterval:s:1 { printf(\"%d\\n\", jiffies); }\n```",
	},
	{
		Name: "username", Kind: Var, Result: types.Username, Since: "0.17", Signature: "username",
		Doc: "The name of the current task's user, looked up in user space when printed.\n\n" +
			"```\ntracepoint:syscalls:sys_enter_execve { printf(\"%s\\n\", username); }\n```",
	},
	{
		Name: "usermode", Kind: Var, Result: types.Uint8, Since: "0.24", Signature: "usermode",
		Probes: regProbes,
		Doc: "1 when the probe interrupted the task in user mode, 0 in kernel mode (x86-64 only).\n\n" +
			"```\nprofile:hz:99 { @[usermode ? \"user\" : \"kernel\"] = count(); }\n```",
	},
	{
		Name: "cpid", Kind: Var, Result: types.Uint64, Since: "0.17", Signature: "cpid",
		Doc: "The pid of the command started with `-c`; without `-c` it is 0 and a warning is " +
			"printed (test with `has_cpid` first).\n\n" +
			"```\ntracepoint:syscalls:sys_enter_openat /pid == cpid/ { @ = count(); }\n```",
	},
	{
		Name: "has_cpid", Kind: Var, Result: types.Bool, Since: "0.25", Signature: "has_cpid",
		Doc: "Whether a command was started with `-c`, so that `cpid` is meaningful.\n\n" +
			"```\nbegin { if (!has_cpid) { printf(\"no -c given\\n\"); } }\n```",
	},
	{
		Name: "retval", Kind: Var, Context: true, Since: "0.17", Signature: "retval",
		Probes: retvalProbes, NotInLoop: true,
		Doc: "The return value of the traced function: `uint64` in kretprobes and uretprobes, the " +
			"BTF return type in fexit. Not available inside `for` loops.\n\n" +
			"```\nkretprobe:vfs_read { @bytes = hist(retval); }\n```",
	},
	{
		Name: "args", Kind: Var, Context: true, Since: "0.17", Signature: "args",
		Probes: argsProbes,
		Doc: "The typed arguments of the probe: the fields of a tracepoint, the BTF parameters of " +
			"an fentry/fexit function or raw tracepoint. `args.f` and (in older scripts) `args->f` " +
			"both work.\n\n" +
			"```\ntracepoint:syscalls:sys_enter_openat { printf(\"%s\\n\", str(args.filename)); }\n```",
	},
	{
		Name: "ctx", Kind: Var, Context: true, Since: "0.17", Signature: "ctx",
		Probes: ctxProbes,
		Doc: "The raw probe context: `struct pt_regs *` in kprobes and uprobes, " +
			"`struct bpf_perf_event_data *` in perf probes, `struct bpf_iter__NAME *` in iterators.\n\n" +
			"```\niter:task { printf(\"%s\\n\", ctx.task.comm); }\n```",
	},
	{
		Name: "func", Kind: Var, Since: "0.17", Signature: "func", Check: checkFunc,
		Probes: funcProbes,
		Doc: "The traced function, printed as its name: `ksym_t` in kernel probes, `usym_t` in " +
			"uprobes. Return probes and fentry/fexit need kernel 5.15+.\n\n" +
			"```\nkprobe:vfs_* { @[func] = count(); }\n```",
	},
	{
		Name: "probe", Kind: Var, Context: true, Since: "0.17", Signature: "probe",
		Doc: "The full name of the probe that fired, such as `tracepoint:syscalls:sys_enter_openat`. " +
			"Using it makes every wildcard match its own program.\n\n" +
			"```\ntracepoint:syscalls:sys_enter_* { @[probe] = count(); }\n```",
	},
	{
		Name: "probetype", Kind: Var, Since: "0.25", Signature: "probetype", Check: checkProbetype,
		Doc: "The probe type as a string: `kprobe`, `tracepoint`, ...; `special` for begin and end. " +
			"Known at compile time, so `if comptime` can branch on it.\n\n" +
			"```\nmacro where() { printf(\"in a %s probe\\n\", probetype); }\n```",
	},
	{
		Name: "kstack", Kind: Var, Since: "0.17", Check: checkStack(false),
		Params: stackParams(), AltParams: []Param{{Name: "limit", Kind: IntLit}},
		Signature: "kstack([bpftrace|perf|raw] [, int limit])",
		Doc: "The kernel stack trace, up to `limit` frames (127 by default), printed in the " +
			"given mode (default: the `stack_mode` config). Usable as a map key.\n\n" +
			"```\nprofile:hz:99 { @[kstack(perf, 5)] = count(); }\n```",
	},
	{
		Name: "ustack", Kind: Var, Since: "0.17", Check: checkStack(true),
		Params: stackParams(), AltParams: []Param{{Name: "limit", Kind: IntLit}},
		Signature: "ustack([bpftrace|perf|raw|build_id] [, int limit])",
		Doc: "The user stack trace, walked with frame pointers, up to `limit` frames; " +
			"`build_id` mode prints build ids and offsets for offline symbolisation.\n\n" +
			"```\nuprobe:/bin/bash:readline { @[ustack] = count(); }\n```",
	},
	{
		Name: "dw_ustack", Kind: Var, Since: "0.26", Check: checkStack(true), Unstable: "unstable_dw_ustack",
		Params: stackParams(), AltParams: []Param{{Name: "limit", Kind: IntLit}},
		Signature: "dw_ustack([bpftrace|perf|raw|build_id] [, int limit])",
		Doc: "Like `ustack`, but unwound with the DWARF `.eh_frame` tables of the processes named " +
			"by `-p`, `-c` or `--dwarf-pid`, so that code built without frame pointers still " +
			"gives full stacks (x86-64, unstable).\n\n" +
			"```\nprofile:hz:49 /pid == cpid/ { @[dw_ustack] = count(); }\n```",
	},
	{
		Name: "config", Kind: Var, Context: true, Since: "0.27", Signature: "config",
		Doc: "A record of the current configuration values, known at compile time.\n\n" +
			"```\nbegin { printf(\"max_strlen is %d\\n\", config.max_strlen); }\n```",
	},
}

// argEntry describes argN for one N. The table holds arg0..arg5; Lookup
// makes the others (usdt has up to 255 arguments).
func argEntry(n int) *Builtin {
	name := fmt.Sprintf("arg%d", n)
	return &Builtin{
		Name: name, Kind: Var, Result: types.Uint64, Since: "0.17", Signature: name,
		Probes: argNProbes, NotInLoop: true, Check: checkArgN(n),
		Doc: "Argument " + fmt.Sprint(n) + " of the traced function (`arg0` is the first), as an " +
			"unsigned 64-bit integer read from the registers in kprobes and uprobes, from the " +
			"context in raw tracepoints, or from the note's argument spec in usdt probes. " +
			"Cast it to the real type.\n\n" +
			"```\nkprobe:do_sys_openat2 { printf(\"%s\\n\", str(arg1)); }\n```",
	}
}

// sargEntry describes the removed sargN (stack arguments).
func sargEntry(n int) *Builtin {
	name := fmt.Sprintf("sarg%d", n)
	return &Builtin{
		Name: name, Kind: Var, Result: types.Uint64, Since: "0.17", Removed: "0.25", Signature: name,
		Probes: []string{"kprobe", "uprobe"},
		Deprecated: fmt.Sprintf("%s was removed in bpftrace 0.25; read the stack instead: *(uint64 *)(reg(\"sp\") + %d)",
			name, 8*(n+1)),
		Doc: "Stack argument " + fmt.Sprint(n) + " in kprobes and uprobes (0.17 only). Removed: read " +
			"the stack through `reg(\"sp\")` instead.\n\n" +
			"```\nuprobe:/bin/x:f { $a = *(uint64 *)(reg(\"sp\") + 8); }\n```",
	}
}
