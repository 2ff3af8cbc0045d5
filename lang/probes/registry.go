package probes

import "github.com/bt-tools/bt/lang/types"

// x86-64 passes six integer arguments in registers; argN beyond them is
// not available in kprobes, uprobes and raw tracepoints.
const maxRegArgs = 6

// registry is the table of probe types. Order matters only for
// case-insensitive lookups that collide: uprobe ("u") precedes usdt ("U").
var registry = []*Provider{
	{
		Name: "begin", Aliases: []string{"BEGIN"}, Legacy: []string{"BEGIN"},
		Forms:   []string{"begin"},
		Special: true, ProgType: ProgRawTracepoint, TypeName: "special", Since: "0.17",
		Doc: "Runs once when the program starts, before any other probe is attached. " +
			"There is no probe context; use it to print a header or initialise maps. " +
			"`BEGIN` is the spelling of older releases.\n\n" +
			"```\nbegin { printf(\"Tracing... Hit Ctrl-C to end.\\n\"); }\n```",
		parse: parseNoArgs,
	},
	{
		Name: "end", Aliases: []string{"END"}, Legacy: []string{"END"},
		Forms:   []string{"end"},
		Special: true, ProgType: ProgRawTracepoint, TypeName: "special", Since: "0.17",
		Doc: "Runs once at exit, after every other probe has been detached and before the " +
			"maps are printed. `END` is the spelling of older releases.\n\n" +
			"```\nend { clear(@start); }\n```",
		parse: parseNoArgs,
	},
	{
		Name: "self", Forms: []string{"self:signal:SIGUSR1"},
		Special: true, ProgType: ProgRawTracepoint, TypeName: "special", Since: "0.22",
		Doc: "Runs when bt itself receives a signal; only `SIGUSR1` is supported. " +
			"Handy to dump a map on demand with `kill -USR1`.\n\n" +
			"```\nself:signal:SIGUSR1 { print(@bytes); }\n```",
		parse: parseSelf,
	},
	{
		Name: "test", Forms: []string{"test:NAME"},
		Special: true, ProgType: ProgXDP, TypeName: "test", Since: "0.25",
		Doc: "A unit test run only in test mode: the body runs once and passes when it " +
			"returns 0 without calling `exit` with a non-zero code or `errorf`.\n\n" +
			"```\ntest:add { if (1 + 1 != 2) { errorf(\"math is broken\"); } }\n```",
		parse: parseName,
	},
	{
		Name: "bench", Forms: []string{"bench:NAME"},
		Special: true, ProgType: ProgXDP, TypeName: "benchmark", Since: "0.24",
		Doc: "A micro-benchmark run only in benchmark mode: the body runs repeatedly and " +
			"its average time is reported.\n\n" +
			"```\nbench:strlen { $n = strlen(\"hello\"); }\n```",
		parse: parseName,
	},
	{
		Name: "kprobe", Aliases: []string{"k"},
		Forms: []string{"kprobe:FUNC", "kprobe:MOD:FUNC", "kprobe:FUNC+OFFSET", "kprobe:ADDR"},
		ArgN:  true, MaxArgN: maxRegArgs, Func: true, Ctx: true, Reg: true, Wildcards: true,
		AddrSpace: types.AddrKernel, ProgType: ProgKprobe, CtxType: "struct pt_regs",
		TypeName: "kprobe", Since: "0.17",
		Doc: "Dynamic tracing of a kernel function's entry, or of an instruction offset in it. " +
			"Arguments are read from registers as `arg0`..`arg5` (unsigned 64-bit); `func` names " +
			"the function. Wildcards attach to every matching traceable function; probing " +
			"a raw address needs `--unsafe`.\n\n" +
			"```\nkprobe:vfs_read { @reads[comm] = count(); }\n```",
		parse: parseKprobe,
	},
	{
		Name: "kretprobe", Aliases: []string{"kr"},
		Forms:  []string{"kretprobe:FUNC", "kretprobe:MOD:FUNC", "kretprobe:ADDR"},
		Retval: true, Func: true, Ctx: true, Reg: true, Wildcards: true,
		AddrSpace: types.AddrKernel, ProgType: ProgKprobe, CtxType: "struct pt_regs",
		TypeName: "kretprobe", Since: "0.17",
		Doc: "Dynamic tracing of a kernel function's return. `retval` holds the return " +
			"value as an unsigned 64-bit integer; the arguments are gone by then.\n\n" +
			"```\nkretprobe:vfs_read { @bytes = hist(retval); }\n```",
		parse: parseKretprobe,
	},
	{
		Name: "uprobe", Aliases: []string{"u"},
		Forms: []string{"uprobe:BIN:FUNC", "uprobe:BIN:FUNC+OFFSET", "uprobe:BIN:ADDR",
			"uprobe:BIN:cpp:FUNC", "uprobe:BIN@FILE:LINE[:COL]"},
		Args: true, ArgN: true, MaxArgN: maxRegArgs, Func: true, Ctx: true, Reg: true,
		Wildcards: true, UserTarget: true,
		AddrSpace: types.AddrUser, ProgType: ProgKprobe, CtxType: "struct pt_regs",
		TypeName: "uprobe", Since: "0.17",
		Doc: "Dynamic tracing of a user-space function's entry in a binary or shared library " +
			"(`libc` style names are looked up like the dynamic linker does). Arguments are " +
			"`arg0`..`arg5`; `args` needs DWARF debug info. With `-p` the binary may be left out.\n\n" +
			"```\nuprobe:/bin/bash:readline { printf(\"%d waits for input\\n\", pid); }\n```",
		parse: parseUprobe,
	},
	{
		Name: "uretprobe", Aliases: []string{"ur"},
		Forms:  []string{"uretprobe:BIN:FUNC", "uretprobe:BIN:ADDR", "uretprobe:BIN:cpp:FUNC"},
		Retval: true, Func: true, Ctx: true, Reg: true, Wildcards: true, UserTarget: true,
		AddrSpace: types.AddrUser, ProgType: ProgKprobe, CtxType: "struct pt_regs",
		TypeName: "uretprobe", Since: "0.17",
		Doc: "Dynamic tracing of a user-space function's return; `retval` is the returned " +
			"value as an unsigned 64-bit integer.\n\n" +
			"```\nuretprobe:/bin/bash:readline { printf(\"read %s\\n\", str(retval)); }\n```",
		parse: parseUretprobe,
	},
	{
		Name: "usdt", Aliases: []string{"U"},
		Forms: []string{"usdt:BIN:PROBE", "usdt:BIN:NAMESPACE:PROBE", "usdt:*:PROBE"},
		ArgN:  true, Ctx: true, Reg: true, Wildcards: true, UserTarget: true,
		AddrSpace: types.AddrUser, ProgType: ProgKprobe, CtxType: "struct pt_regs",
		TypeName: "usdt", Since: "0.17",
		Doc: "A statically defined tracepoint compiled into a user-space program " +
			"(a `.note.stapsdt` entry). `arg0`, `arg1`, ... are decoded from the note's " +
			"argument specification.\n\n" +
			"```\nusdt:/usr/lib/libpython3.so:python:function__entry { printf(\"%s\\n\", str(arg1)); }\n```",
		parse: parseUsdt,
	},
	{
		Name: "tracepoint", Aliases: []string{"t"},
		Forms: []string{"tracepoint:CATEGORY:EVENT"},
		Args:  true, Wildcards: true,
		AddrSpace: types.AddrKernel, ProgType: ProgTracepoint,
		TypeName: "tracepoint", Since: "0.17",
		Doc: "A static kernel tracepoint. The event's fields are read through `args` " +
			"(`args.filename`, or `args->filename` in older scripts); pointers of the " +
			"`syscalls` category point to user memory. Wildcards are allowed in both parts.\n\n" +
			"```\ntracepoint:syscalls:sys_enter_openat { printf(\"%s\\n\", str(args.filename)); }\n```",
		parse: parseTracepoint,
	},
	{
		Name: "rawtracepoint", Aliases: []string{"rt"},
		Forms: []string{"rawtracepoint:EVENT", "rawtracepoint:MOD:EVENT"},
		Args:  true, ArgN: true, MaxArgN: maxRegArgs, Wildcards: true,
		AddrSpace: types.AddrKernel, ProgType: ProgTracing,
		TypeName: "rawtracepoint", Since: "0.17",
		Doc: "A kernel tracepoint attached without the perf buffer copy (BTF-typed `tp_btf`). " +
			"The tracepoint's raw arguments are `arg0`, `arg1`, ... and, with kernel BTF, " +
			"typed fields of `args`.\n\n" +
			"```\nrawtracepoint:sched_switch { @[args.next.comm] = count(); }\n```",
		parse: parseRawTracepoint,
	},
	{
		Name: "fentry", Aliases: []string{"f", "kfunc"}, Legacy: []string{"kfunc"},
		Forms: []string{"fentry:FUNC", "fentry:MOD:FUNC", "fentry:bpf:PROG", "fentry:bpf:ID:PROG"},
		Args:  true, Func: true, Wildcards: true,
		AddrSpace: types.AddrKernel, ProgType: ProgTracing,
		TypeName: "fentry", Since: "0.17",
		Doc: "A kernel function's entry through BPF trampolines: cheaper than a kprobe, " +
			"and the arguments are typed from BTF as fields of `args`. `kfunc` is the " +
			"older name.\n\n" +
			"```\nfentry:vfs_open { printf(\"%s\\n\", str(args.path.dentry.d_name.name)); }\n```",
		parse: parseFentry,
	},
	{
		Name: "fexit", Aliases: []string{"fr", "kretfunc"}, Legacy: []string{"kretfunc"},
		Forms: []string{"fexit:FUNC", "fexit:MOD:FUNC", "fexit:bpf:PROG", "fexit:bpf:ID:PROG"},
		Args:  true, Retval: true, Func: true, Wildcards: true,
		AddrSpace: types.AddrKernel, ProgType: ProgTracing,
		TypeName: "fexit", Since: "0.17",
		Doc: "A kernel function's return through BPF trampolines. Both the arguments " +
			"(`args`) and the BTF-typed return value (`retval`) are available. " +
			"`kretfunc` is the older name.\n\n" +
			"```\nfexit:vfs_read { @bytes[comm] = sum(retval); }\n```",
		parse: parseFentry,
	},
	{
		Name: "profile", Aliases: []string{"p"},
		Forms: []string{"profile:hz:RATE", "profile:s:N", "profile:ms:N", "profile:us:N", "profile:DURATION"},
		Ctx:   true, Reg: true,
		AddrSpace: types.AddrKernel, ProgType: ProgPerfEvent, CtxType: "struct bpf_perf_event_data",
		TypeName: "profile", Since: "0.17",
		Doc: "Timed sampling on every CPU, at a frequency (`hz`) or with a period " +
			"(`s`, `ms`, `us`, or a bare duration such as `10ms`). Typical for CPU profiles.\n\n" +
			"```\nprofile:hz:99 { @[kstack] = count(); }\n```",
		parse: parseTimer,
	},
	{
		Name: "interval", Aliases: []string{"i"},
		Forms: []string{"interval:s:N", "interval:ms:N", "interval:us:N", "interval:hz:RATE", "interval:DURATION"},
		Ctx:   true, Reg: true,
		AddrSpace: types.AddrKernel, ProgType: ProgPerfEvent, CtxType: "struct bpf_perf_event_data",
		TypeName: "interval", Since: "0.17",
		Doc: "Runs periodically on one CPU only, for output such as per-second summaries.\n\n" +
			"```\ninterval:s:1 { print(@syscalls); clear(@syscalls); }\n```",
		parse: parseTimer,
	},
	{
		Name: "software", Aliases: []string{"s"},
		Forms: []string{"software:EVENT", "software:EVENT:COUNT"},
		Ctx:   true, Reg: true,
		AddrSpace: types.AddrKernel, ProgType: ProgPerfEvent, CtxType: "struct bpf_perf_event_data",
		TypeName: "software", Since: "0.17",
		Doc: "A kernel software event (`page-faults`, `context-switches`, `cpu-clock`, ...), " +
			"sampled once every COUNT occurrences (each event has a default).\n\n" +
			"```\nsoftware:page-faults:100 { @[comm] = count(); }\n```",
		parse: parsePerf,
	},
	{
		Name: "hardware", Aliases: []string{"h"},
		Forms: []string{"hardware:EVENT", "hardware:EVENT:COUNT"},
		Ctx:   true, Reg: true,
		AddrSpace: types.AddrKernel, ProgType: ProgPerfEvent, CtxType: "struct bpf_perf_event_data",
		TypeName: "hardware", Since: "0.17",
		Doc: "A processor performance counter (`cache-misses`, `instructions`, ...), sampled " +
			"once every COUNT events. Needs a PMU, which virtual machines often lack.\n\n" +
			"```\nhardware:cache-misses:1000000 { @[pid] = count(); }\n```",
		parse: parsePerf,
	},
	{
		Name: "watchpoint", Aliases: []string{"w"},
		Forms: []string{"watchpoint:ADDR:LEN:MODE"},
		Ctx:   true, Reg: true,
		AddrSpace: types.AddrKernel, ProgType: ProgPerfEvent, CtxType: "struct bpf_perf_event_data",
		TypeName: "watchpoint", Since: "0.17",
		Doc: "A hardware breakpoint on LEN (1, 2, 4 or 8) bytes at ADDR, firing on reads, " +
			"writes or execution as MODE says (`r`, `w`, `x` combined). Needs a target " +
			"process from `-p` or `-c`.\n\n" +
			"```\nwatchpoint:0x10000000:8:w { printf(\"written by %s\\n\", comm); }\n```",
		parse: parseWatchpoint,
	},
	{
		Name: "iter", Aliases: []string{"it"},
		Forms:     []string{"iter:NAME", "iter:NAME:PIN"},
		Ctx:       true,
		AddrSpace: types.AddrKernel, ProgType: ProgTracing, CtxType: "struct bpf_iter__%s",
		TypeName: "iter", Since: "0.17",
		Doc: "A BPF iterator walks a kernel object list (`task`, `task_file`, `task_vma`, ...) " +
			"and runs the body once per element, reached through `ctx`. The program ends " +
			"when the walk does; with PIN the iterator is pinned under /sys/fs/bpf instead. " +
			"It cannot be combined with other probes.\n\n" +
			"```\niter:task { printf(\"%s:%d\\n\", ctx.task.comm, ctx.task.pid); }\n```",
		parse: parseIter,
	},
}
