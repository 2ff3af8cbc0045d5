package builtins

import "github.com/bt-tools/bt/lang/types"

func fmtParams() []Param { return []Param{{Name: "fmt", Kind: FormatArg}} }

func one(name string, kind ArgKind) []Param { return []Param{{Name: name, Kind: kind}} }

// funcTable lists the functions that are not map functions.
var funcTable = []*Builtin{
	// ---- output
	{
		Name: "printf", Kind: Func, Params: fmtParams(), Variadic: true, Result: types.Void,
		Async: true, Since: "0.17", Check: checkFormatCall, Signature: "printf(string fmt, ...)",
		Doc: "Formats the arguments as C's printf does and prints the text; formatting happens " +
			"in user space, so values are copied at the call. Beyond the C conversions, `%r`, " +
			"`%rx` and `%rh` print buffers and `%s` prints any value (symbols, addresses, enums, " +
			"stacks). In iterators the output goes to the iterator file.\n\n" +
			"```\nkprobe:vfs_open { printf(\"%-16s %6d\\n\", comm, pid); }\n```",
	},
	{
		Name: "print", Kind: Func, Result: types.Void, Async: true, Since: "0.17", Check: checkPrint,
		Params: []Param{
			{Name: "value", Kind: AnyArg},
			{Name: "top", Kind: IntLit, Optional: true},
			{Name: "div", Kind: IntLit, Optional: true},
		},
		Signature: "print(@map [, int top [, int div]]) | print(value)",
		Doc: "Prints a map (read when user space handles the event, so later updates may show), " +
			"only its `top` largest entries, with values divided by `div`; or prints any other " +
			"value, copied at the call, in its default format.\n\n" +
			"```\ninterval:s:1 { print(@bytes, 10); clear(@bytes); }\n```",
	},
	{
		Name: "errorf", Kind: Func, Params: fmtParams(), Variadic: true, Result: types.Void,
		Async: true, Since: "0.24", Check: checkFormatCall, Signature: "errorf(string fmt, ...)",
		Doc: "Prints a formatted error message with the source location of the call, on stderr.\n\n" +
			"```\nkretprobe:vfs_read /(int64)retval < 0/ { errorf(\"read failed: %d\", (int64)retval); }\n```",
	},
	{
		Name: "warnf", Kind: Func, Params: fmtParams(), Variadic: true, Result: types.Void,
		Async: true, Since: "0.25", Check: checkFormatCall, Signature: "warnf(string fmt, ...)",
		Doc: "Prints a formatted warning with the source location of the call, on stderr; " +
			"`--no-warnings` silences it.\n\n" +
			"```\nbegin { if ($# == 0) { warnf(\"no arguments, using defaults\"); } }\n```",
	},
	{
		Name: "debugf", Kind: Func, Params: fmtParams(), Variadic: true, Result: types.Void,
		Since: "0.17", Check: checkDebugf, Signature: "debugf(string fmt, ...)",
		Doc: "Writes a formatted line to the kernel's trace pipe with `bpf_trace_printk`, at most " +
			"three arguments and only `%d %u %x %p %s`. For debugging only.\n\n" +
			"```\nkprobe:vfs_read { debugf(\"pid %d\", pid); }\n```",
	},
	{
		Name: "fail", Kind: Func, Params: fmtParams(), Variadic: true, Result: types.Void,
		CompileTime: true, Since: "0.25", Check: checkFail, Signature: "fail(string fmt, ...)",
		Doc: "Stops compilation with the formatted message when the checker reaches the call; " +
			"all arguments must be literals. Meant for macros and `if comptime` branches.\n\n" +
			"```\nmacro need_int(x) { if comptime !is_integer(x) { fail(\"need an integer\"); } x }\n```",
	},
	{
		Name: "exit", Kind: Func, Result: types.Void, Async: true, NotInLoop: true, Since: "0.17",
		Params:    []Param{{Name: "code", Kind: IntArg, Optional: true}},
		Signature: "exit([int code])",
		Doc: "Ends tracing as Ctrl-C would (end probes still run and maps are printed), with an " +
			"optional exit status. The probe returns right after the call.\n\n" +
			"```\ninterval:s:10 { exit(); }\n```",
	},
	{
		Name: "time", Kind: Func, Result: types.Void, Async: true, Since: "0.17",
		Params:    []Param{{Name: "fmt", Kind: StringLit, Optional: true}},
		Signature: "time([string fmt])",
		Doc: "Prints the wall-clock time when user space handles the event, formatted by " +
			"strftime(3) (default `%H:%M:%S\\n`).\n\n" +
			"```\ninterval:s:1 { time(\"%H:%M:%S \"); printf(\"%d\\n\", @n); }\n```",
	},
	{
		Name: "strftime", Kind: Func, Result: types.Timestamp, Since: "0.17", Check: checkStrftime,
		Params:    []Param{{Name: "fmt", Kind: StringLit}, {Name: "nsecs", Kind: IntArg}},
		Signature: "strftime(string fmt, uint64 nsecs)",
		Doc: "A boot-clock timestamp formatted as wall-clock time by strftime(3) in user space, " +
			"plus `%f` for microseconds; print it with `%s`.\n\n" +
			"```\ntracepoint:syscalls:sys_enter_execve { printf(\"%s\\n\", strftime(\"%H:%M:%S.%f\", nsecs)); }\n```",
	},
	{
		Name: "cat", Kind: Func, Params: fmtParams(), Variadic: true, Result: types.Void,
		Async: true, Since: "0.17", Check: checkFormatCall, Signature: "cat(string fmt, ...)",
		Doc: "Prints the contents of the file whose name the format gives (up to `max_cat_bytes`).\n\n" +
			"```\ntracepoint:syscalls:sys_enter_execve { cat(\"/proc/%d/status\", pid); }\n```",
	},
	{
		Name: "system", Kind: Func, Params: fmtParams(), Variadic: true, Result: types.Void,
		Async: true, Unsafe: true, Since: "0.17", Check: checkFormatCall, Signature: "system(string fmt, ...)",
		Doc: "Runs the formatted command in a shell and prints its output. Event processing " +
			"waits for the command, so events may be lost. Needs `--unsafe`.\n\n" +
			"```\ninterval:s:5 { system(\"ps -p %d -o rss=\", $1); }\n```",
	},
	{
		Name: "join", Kind: Func, Result: types.Void, Async: true, Since: "0.17",
		Params:    []Param{{Name: "array", Kind: PointerArg}, {Name: "sep", Kind: StringLit, Optional: true}},
		Signature: "join(char *array[] [, string sep])",
		Doc: "Prints the strings of a NULL-terminated array of string pointers (such as `argv`), " +
			"separated by `sep` (a space by default), then a newline.\n\n" +
			"```\ntracepoint:syscalls:sys_enter_execve { join(args.argv); }\n```",
	},

	// ---- strings and buffers
	{
		Name: "str", Kind: Func, Since: "0.17", Check: checkStr,
		Params:    []Param{{Name: "ptr", Kind: AnyArg}, {Name: "len", Kind: IntArg, Optional: true}},
		Signature: "str(char *ptr [, int64 len])",
		Doc: "Reads a NUL-terminated string from kernel or user memory (by the pointer's address " +
			"space), at most `len` bytes and at most `max_strlen`.\n\n" +
			"```\ntracepoint:syscalls:sys_enter_openat { printf(\"%s\\n\", str(args.filename)); }\n```",
	},
	{
		Name: "buf", Kind: Func, Since: "0.17", Check: checkBuf,
		Params:    []Param{{Name: "ptr", Kind: AnyArg}, {Name: "len", Kind: IntArg, Optional: true}},
		Signature: "buf(void *ptr [, int64 len])",
		Doc: "Reads `len` raw bytes (the whole array when `ptr` is an array) into a buffer, " +
			"printed with `%r` (ASCII, other bytes escaped), `%rx` (all escaped) or `%rh` (hex pairs).\n\n" +
			"```\nkprobe:tcp_sendmsg { printf(\"%rh\\n\", buf(arg1, 16)); }\n```",
	},
	{
		Name: "strncmp", Kind: Func, Result: types.Uint64, Since: "0.17", Check: checkStrncmp,
		Params:    []Param{{Name: "s1", Kind: StringArg}, {Name: "s2", Kind: StringArg}, {Name: "n", Kind: IntLit}},
		Signature: "strncmp(string s1, string s2, int64 n)",
		Doc: "Compares at most `n` bytes of two strings: 0 when equal. `==` and `!=` on strings " +
			"are usually clearer.\n\n" +
			"```\ntracepoint:syscalls:sys_enter_openat /strncmp(comm, \"bash\", 4) == 0/ { @ = count(); }\n```",
	},
	{
		Name: "strlen", Kind: Func, Since: "0.25", Check: checkStringLike("strlen", types.Uint64),
		Params: one("s", AnyArg), Signature: "strlen(string s)",
		Doc: "The length of a string, a char array or the string a char pointer points to.\n\n" +
			"```\ntracepoint:syscalls:sys_enter_openat { @len = hist(strlen(str(args.filename))); }\n```",
	},
	{
		Name: "strcap", Kind: Func, Since: "0.25", Check: checkStringLike("strcap", types.Int64),
		Params: one("s", AnyArg), Signature: "strcap(string s)",
		Doc: "The capacity of a string-like value: the size of a bt string or array, which bounds " +
			"searches without scanning it.\n\n" +
			"```\nbegin { print(strcap(comm)); }\n```",
	},
	{
		Name: "strstr", Kind: Func, Result: types.Int64, Since: "0.25",
		Params:    []Param{{Name: "haystack", Kind: StringArg}, {Name: "needle", Kind: StringArg}},
		Signature: "strstr(string haystack, string needle)",
		Doc: "The index of the first occurrence of `needle` in `haystack`, or -1.\n\n" +
			"```\ntracepoint:syscalls:sys_enter_openat { $i = strstr(str(args.filename), \".so\"); }\n```",
	},
	{
		Name: "strcontains", Kind: Func, Result: types.Bool, Since: "0.17",
		Params:    []Param{{Name: "haystack", Kind: StringArg}, {Name: "needle", Kind: StringArg}},
		Signature: "strcontains(string haystack, string needle)",
		Doc: "Whether `needle` occurs in `haystack` (an integer 0/1 before 0.24).\n\n" +
			"```\ntracepoint:syscalls:sys_enter_openat /strcontains(str(args.filename), \"/etc/\")/ { @ = count(); }\n```",
	},
	{
		Name: "str_concat", Kind: Func, Result: &types.String{Len: 1024}, Since: "0.27",
		Params:    []Param{{Name: "s1", Kind: StringArg}, {Name: "s2", Kind: StringArg}},
		Signature: "str_concat(string s1, string s2)",
		Doc: "A new string made of `s1` followed by `s2`.\n\n" +
			"```\nbegin { print(str_concat(\"pid-\", \"file\")); }\n```",
	},
	{
		Name: "strerror", Kind: Func, Result: &types.String{Len: 64}, Since: "0.17",
		Params: one("errno", IntArg), Signature: "strerror(int errno)",
		Doc: "The description of an errno value, such as `Permission denied`.\n\n" +
			"```\ntracepoint:syscalls:sys_exit_openat /args.ret < 0/ { @[strerror(-args.ret)] = count(); }\n```",
	},
	{
		Name: "signal_name", Kind: Func, Result: &types.String{Len: 64}, Since: "0.26",
		Params: one("sig", IntArg), Signature: "signal_name(int sig)",
		Doc: "The name of a signal number, such as `SIGINT`.\n\n" +
			"```\ntracepoint:signal:signal_generate { @[signal_name(args.sig)] = count(); }\n```",
	},
	{
		Name: "syscall_name", Kind: Func, Result: &types.String{Len: 64}, Since: "0.25",
		Params: one("nr", IntArg), Signature: "syscall_name(int nr)",
		Doc: "The name of a system call number of the running architecture, such as `read`.\n\n" +
			"```\ntracepoint:raw_syscalls:sys_enter { @[syscall_name(args.id)] = count(); }\n```",
	},

	// ---- symbols and addresses
	{
		Name: "ksym", Kind: Func, Result: types.Ksym, Async: true, Since: "0.17",
		Params: one("addr", PointerArg), Signature: "ksym(uint64 addr)",
		Doc: "The kernel symbol an address falls in, resolved in user space when printed.\n\n" +
			"```\nkprobe:do_nanosleep { printf(\"%s\\n\", ksym(reg(\"ip\"))); }\n```",
	},
	{
		Name: "usym", Kind: Func, Result: types.Usym, Async: true, Since: "0.17",
		Params: one("addr", PointerArg), Signature: "usym(uint64 addr)",
		Doc: "The user-space symbol an address of the current process falls in, resolved in " +
			"user space when printed (the process must still be there).\n\n" +
			"```\nuprobe:/lib/x86_64-linux-gnu/libc.so.6:pthread_create { printf(\"%s\\n\", usym(arg2)); }\n```",
	},
	{
		Name: "kaddr", Kind: Func, Result: types.Uint64, CompileTime: true, Since: "0.17",
		Check: checkKaddr, Params: one("symbol", StringLit), Signature: "kaddr(string symbol)",
		Doc: "The address of a kernel symbol from /proc/kallsyms, known at compile time; " +
			"dereference it to read the variable.\n\n" +
			"```\ninterval:s:1 { printf(\"%d\\n\", *kaddr(\"avenrun\") >> 11); }\n```",
	},
	{
		Name: "uaddr", Kind: Func, CompileTime: true, Since: "0.17", Probes: userProbes,
		Check: checkUaddr, Params: one("symbol", StringLit), Signature: "uaddr(string symbol)",
		Doc: "The address of a symbol in the probed binary, as a pointer into user memory whose " +
			"width follows the symbol's size (`uint64 *` by default).\n\n" +
			"```\nuprobe:/bin/bash:readline { printf(\"%s\\n\", str(*uaddr(\"ps1_prompt\"))); }\n```",
	},
	{
		Name: "percpu_kaddr", Kind: Func, Result: types.Uint64, Since: "0.23",
		Params:    []Param{{Name: "symbol", Kind: StringLit}, {Name: "cpu", Kind: IntArg, Optional: true}},
		Signature: "percpu_kaddr(string symbol [, int cpu])",
		Doc: "The address of a per-CPU kernel variable on the current CPU, or on `cpu` (then " +
			"possibly 0, which must be checked before use).\n\n" +
			"```\ninterval:s:1 { $rq = (struct rq *)percpu_kaddr(\"runqueues\", 0); if ($rq != 0) { print($rq.nr_running); } }\n```",
	},
	{
		Name: "cgroupid", Kind: Func, Result: types.Uint64, CompileTime: true, Since: "0.17",
		Params: one("path", StringLit), Signature: "cgroupid(string path)",
		Doc: "The id of the cgroup v2 at `path`, looked up at compile time; compare it with `cgroup`.\n\n" +
			"```\nkprobe:vfs_read /cgroup == cgroupid(\"/sys/fs/cgroup/system.slice\")/ { @ = count(); }\n```",
	},
	{
		Name: "cgroup_path", Kind: Func, Result: types.CgroupPath, Async: true, Since: "0.17",
		Params:    []Param{{Name: "id", Kind: IntArg}, {Name: "filter", Kind: StringArg, Optional: true}},
		Signature: "cgroup_path(int id [, string filter])",
		Doc: "The path of a cgroup id, resolved in user space when printed; `filter` selects the " +
			"hierarchies by wildcard (`unified` for cgroup v2).\n\n" +
			"```\ntracepoint:syscalls:sys_enter_openat { printf(\"%s\\n\", cgroup_path(cgroup)); }\n```",
	},
	{
		Name: "ntop", Kind: Func, Since: "0.17", Check: checkNtop,
		Params:    []Param{{Name: "af", Kind: IntArg}, {Name: "addr", Kind: AnyArg}},
		AltParams: []Param{{Name: "addr", Kind: AnyArg}},
		Signature: "ntop([int af,] addr)",
		Doc: "An IPv4 or IPv6 address, printed in its usual text form with `%s`. An integer or a " +
			"4-byte array is IPv4, a 16-byte array IPv6; `af` (AF_INET, AF_INET6) may say so.\n\n" +
			"```\nkprobe:tcp_connect { printf(\"%s\\n\", ntop(((struct sock *)arg0).__sk_common.skc_daddr)); }\n```",
	},
	{
		Name: "pton", Kind: Func, CompileTime: true, Since: "0.17", Check: checkPton,
		Params: one("addr", StringLit), Signature: "pton(string addr)",
		Doc: "The bytes of an IPv4 (`uint8[4]`) or IPv6 (`uint8[16]`) address written as text, " +
			"in network byte order.\n\n" +
			"```\nkprobe:tcp_connect { $lo = pton(\"127.0.0.1\"); }\n```",
	},
	{
		Name: "macaddr", Kind: Func, Result: types.Macaddr, Since: "0.17", Check: checkMacaddr,
		Params: one("mac", AnyArg), Signature: "macaddr(char mac[6])",
		Doc: "A MAC address read from 6 bytes, printed as `AA:BB:CC:DD:EE:FF` with `%s`.\n\n" +
			"```\nkprobe:arp_create { printf(\"%s\\n\", macaddr(arg5)); }\n```",
	},
	{
		Name: "bswap", Kind: Func, Since: "0.17", Check: checkBswap,
		Params: one("n", IntArg), Signature: "bswap(uint n)",
		Doc: "Reverses the byte order of an integer; the result is unsigned of the same width.\n\n" +
			"```\nkprobe:tcp_connect { $port = bswap(((struct sock *)arg0).__sk_common.skc_dport); }\n```",
	},
	{
		Name: "reg", Kind: Func, Result: types.Uint64, Since: "0.17", Probes: regProbes, Check: checkReg,
		Params: one("name", StringLit), Signature: "reg(string name)",
		Doc: "The value of a register at the probe (`ip`, `sp`, `ax`, `di`, ... on x86-64).\n\n" +
			"```\nkprobe:do_nanosleep { printf(\"%s\\n\", ksym(reg(\"ip\"))); }\n```",
	},
	{
		Name: "kptr", Kind: Func, Since: "0.17", Check: checkAddrSpace(types.AddrKernel),
		Params: one("ptr", PointerArg), Signature: "kptr(T *ptr)",
		Doc: "Marks a pointer as pointing to kernel memory; the type is otherwise unchanged.\n\n" +
			"```\ntracepoint:syscalls:sys_enter_read { $p = kptr(args.buf); }\n```",
	},
	{
		Name: "uptr", Kind: Func, Since: "0.17", Check: checkAddrSpace(types.AddrUser),
		Params: one("ptr", PointerArg), Signature: "uptr(T *ptr)",
		Doc: "Marks a pointer as pointing to user memory, so that reads use the user helpers.\n\n" +
			"```\nkprobe:do_sys_openat2 { printf(\"%s\\n\", str(uptr(arg1))); }\n```",
	},
	{
		Name: "path", Kind: Func, Since: "0.17", Probes: []string{"fentry", "fexit", "iter"}, Check: checkPath,
		Params:    []Param{{Name: "path", Kind: AnyArg}, {Name: "size", Kind: IntLit, Optional: true}},
		Signature: "path(struct path *path [, int size])",
		Doc: "The full path of a `struct path` with `bpf_d_path` (kernel 5.10+), in functions the " +
			"kernel allows it for; longer paths lose their beginning.\n\n" +
			"```\nfentry:security_file_open { printf(\"%s\\n\", path(args.file.f_path)); }\n```",
	},
	{
		Name: "skboutput", Kind: Func, Result: types.Uint32, Since: "0.17", Probes: tracingProbes,
		Params: []Param{
			{Name: "file", Kind: StringLit}, {Name: "skb", Kind: PointerArg},
			{Name: "len", Kind: IntArg}, {Name: "offset", Kind: IntArg},
		},
		Signature: "skboutput(string file, struct sk_buff *skb, uint64 len, uint64 offset)",
		Doc: "Appends `len` bytes of a socket buffer's data, from `offset`, to a pcap file " +
			"(raw IP). Returns 0 or a negative error.\n\n" +
			"```\nfentry:napi_gro_receive { $r = skboutput(\"rx.pcap\", args.skb, args.skb.len, 0); }\n```",
	},
	{
		Name: "socket_cookie", Kind: Func, Result: types.Uint64, Since: "0.24", Probes: tracingProbes,
		Check: checkSocketCookie, Params: one("sk", PointerArg), Signature: "socket_cookie(struct sock *sk)",
		Doc: "The kernel's stable cookie of a socket (created on first use), or 0 for NULL.\n\n" +
			"```\nfentry:tcp_rcv_established { @[socket_cookie(args.sk)] = count(); }\n```",
	},

	// ---- side effects
	{
		Name: "override", Kind: Func, Result: types.Void, Unsafe: true, Since: "0.17",
		Probes: []string{"kprobe"}, Params: one("rc", IntArg), Signature: "override(uint64 rc)",
		Doc: "Skips the probed kernel function and makes it return `rc`. Only for functions " +
			"marked for error injection, on kernels built with `CONFIG_BPF_KPROBE_OVERRIDE`. " +
			"Needs `--unsafe`.\n\n" +
			"```\nkprobe:__x64_sys_getuid /comm == \"id\"/ { override(0); }\n```",
	},
	{
		Name: "signal", Kind: Func, Result: types.Void, Unsafe: true, Since: "0.17",
		Probes: signalProbes, Check: checkSignal("signal"), Params: one("sig", AnyArg),
		Signature: "signal(string name | uint32 number)",
		Doc: "Sends a signal, by name or number (1-64), to the current process. Needs `--unsafe`.\n\n" +
			"```\nkprobe:__x64_sys_execve /comm == \"bash\"/ { signal(\"SIGSTOP\"); }\n```",
	},
	{
		Name: "signal_thread", Kind: Func, Result: types.Void, Unsafe: true, Since: "0.25",
		Probes: signalProbes, Check: checkSignal("signal_thread"), Params: one("sig", AnyArg),
		Signature: "signal_thread(string name | uint32 number)",
		Doc: "Sends a signal, by name or number (1-64), to the current thread only. Needs `--unsafe`.\n\n" +
			"```\nuprobe:/bin/x:crash_me { signal_thread(\"SIGABRT\"); }\n```",
	},
	{
		Name: "write_user", Kind: Func, Result: types.Bool, Unsafe: true, Since: "0.26",
		Params: []Param{
			{Name: "dst", Kind: PointerArg}, {Name: "src", Kind: AnyArg}, {Name: "len", Kind: IntArg},
		},
		Signature: "write_user(T *dst, T *src, uint32 len)",
		Doc: "Writes `len` bytes into the current task's user memory; true on success. It can " +
			"corrupt the process. Needs `--unsafe`.\n\n" +
			"```\ntracepoint:syscalls:sys_enter_openat { $ok = write_user(args.filename, \"/tmp/x\\0\", 7); }\n```",
	},
	{
		Name: "unwatch", Kind: Func, Result: types.Void, Async: true, Since: "0.17",
		Params: one("addr", IntArg), Signature: "unwatch(uint64 addr)",
		Doc: "Removes the watchpoint on an address.\n\n" +
			"```\nwatchpoint:0x10000000:8:w { unwatch(0x10000000); }\n```",
	},

	// ---- program options and compile-time helpers
	{
		Name: "getopt", Kind: Func, CompileTime: true, Since: "0.24", Check: checkGetopt,
		Params: []Param{
			{Name: "name", Kind: StringLit}, {Name: "default", Kind: AnyArg, Optional: true},
			{Name: "description", Kind: StringLit, Optional: true},
		},
		Signature: "getopt(string name [, default [, string description]])",
		Doc: "A named program option given after `--` (`--name=value`, or `--name` for true). " +
			"The default's type (bool, integer or string) is the option's; without one it is " +
			"a bool.\n\n" +
			"```\nbegin { if (getopt(\"verbose\")) { printf(\"limit %d\\n\", getopt(\"limit\", 10)); } }\n```",
	},
	{
		Name: "len", Kind: Func, Result: types.Int64, Since: "0.20", Check: checkLen,
		Params: one("value", AnyArg), Signature: "len(@map | kstack | ustack)",
		Doc: "The number of elements of a map, or the number of frames of a stack.\n\n" +
			"```\ninterval:s:1 { printf(\"%d keys\\n\", len(@start)); }\n```",
	},
	{
		Name: "is_err", Kind: Func, Result: types.Bool, Since: "0.26",
		Params: one("ptr", PointerArg), Signature: "is_err(void *ptr)",
		Doc: "Whether a kernel pointer encodes an error (`IS_ERR`): a value from -4095 to -1.\n\n" +
			"```\nfexit:do_filp_open { if (is_err(retval)) { @errors = count(); } }\n```",
	},
	{
		Name: "container_of", Kind: Func, Since: "0.27", Check: checkContainerOf,
		Params: []Param{
			{Name: "ptr", Kind: PointerArg}, {Name: "type", Kind: TypeArg}, {Name: "member", Kind: IdentArg},
		},
		Signature: "container_of(Member *ptr, Type, member)",
		Doc: "A pointer to the object of type `Type` that holds the member `member` at `ptr`, " +
			"as the kernel macro does.\n\n" +
			"```\nfentry:inet_csk_accept { $tp = container_of(args.sk, struct tcp_sock, inet_conn.icsk_inet.sk); }\n```",
	},
	{
		Name: "assert", Kind: Func, Result: types.Void, Since: "0.24",
		Params:    []Param{{Name: "cond", Kind: AnyArg}, {Name: "msg", Kind: StringLit}},
		Signature: "assert(bool cond, string msg)",
		Doc: "Exits with an error and `msg` when the condition is false at run time.\n\n" +
			"```\nkretprobe:vfs_read { assert(retval <= 1 << 30, \"read too large\"); }\n```",
	},
	{
		Name: "static_assert", Kind: Func, Result: types.Void, CompileTime: true, Since: "0.25",
		Params:    []Param{{Name: "cond", Kind: AnyArg}, {Name: "msg", Kind: StringLit}},
		Signature: "static_assert(bool cond, string msg)",
		Doc: "Stops compilation with `msg` when the compile-time condition is false.\n\n" +
			"```\nbegin { static_assert(sizeof(struct sock) > 0, \"struct sock is missing\"); }\n```",
	},
	{
		Name: "sizeof", Kind: Func, Result: types.Uint64, Keyword: true, CompileTime: true, Since: "0.17",
		Params: one("x", AnyArg), Signature: "sizeof(TYPE | expr)",
		Doc: "The size in bytes of a type or of an expression's type; the expression is not evaluated.\n\n" +
			"```\nbegin { printf(\"%d\\n\", sizeof(struct task_struct)); }\n```",
	},
	{
		Name: "offsetof", Kind: Func, Result: types.Uint64, Keyword: true, CompileTime: true, Since: "0.17",
		Params:    []Param{{Name: "type", Kind: AnyArg}, {Name: "field", Kind: IdentArg}},
		Signature: "offsetof(TYPE | expr, field[.subfield...])",
		Doc: "The byte offset of a (possibly nested) field in a struct.\n\n" +
			"```\nbegin { printf(\"%d\\n\", offsetof(struct task_struct, comm)); }\n```",
	},
	{
		Name: "typeof", Kind: Func, Keyword: true, CompileTime: true, Since: "0.24",
		Params: one("x", AnyArg), Signature: "typeof(TYPE | expr)",
		Doc: "The type of an expression, usable where a type is expected: `let` annotations, " +
			"casts, `sizeof` and macro arguments.\n\n" +
			"```\nkprobe:f { let $copy: typeof(arg0) = arg0; }\n```",
	},
	{
		Name: "typeinfo", Kind: Func, Keyword: true, CompileTime: true, Since: "0.26",
		Unstable: "unstable_typeinfo", Params: one("x", AnyArg), Signature: "typeinfo(TYPE | expr)",
		Doc: "A record describing a type (its base type, name, ...), for compile-time checks in " +
			"macros. Unstable: an error unless enabled in the config.\n\n" +
			"```\nmacro kind(x) { typeinfo(x).base_type }\n```",
	},
	isPredicate("is_str", "is a string", "0.25"),
	isPredicate("is_ptr", "is a pointer", "0.25"),
	isPredicate("is_array", "is an array", "0.25"),
	isPredicate("is_integer", "is an integer", "0.25"),
	isPredicate("is_unsigned_integer", "is an unsigned integer", "0.25"),
	isPredicate("is_literal", "is a literal (1, true, \"x\")", "0.25"),
	{
		Name: "kfunc_exist", Kind: Func, Result: types.Bool, CompileTime: true, Since: "0.25",
		Params: one("name", StringLit), Signature: "kfunc_exist(string name)",
		Doc: "Whether the kernel's BTF has the kfunc `name`.\n\n" +
			"```\nbegin { if comptime kfunc_exist(\"bpf_task_from_pid\") { printf(\"yes\\n\"); } }\n```",
	},
	{
		Name: "kfunc_allowed", Kind: Func, Result: types.Bool, CompileTime: true, Since: "0.25",
		Params: one("name", StringLit), Signature: "kfunc_allowed(string name)",
		Doc: "Whether the kfunc `name` may be called from the current probe's program type.\n\n" +
			"```\nkprobe:f { if comptime kfunc_allowed(\"bpf_task_from_pid\") { printf(\"ok\\n\"); } }\n```",
	},
}

func isPredicate(name, what, since string) *Builtin {
	return &Builtin{
		Name: name, Kind: Func, Result: types.Bool, CompileTime: true, Since: since,
		Params: one("x", AnyArg), Signature: name + "(expr)",
		Doc: "Whether the expression's type " + what + ", known at compile time; for macros " +
			"that adapt to their arguments.\n\n" +
			"```\nmacro show(x) { if comptime " + name + "(x) { print(x); } }\n```",
	}
}
