package runtest

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestPrintfFormats(t *testing.T) {
	src := `BEGIN {
  printf("%d %i %u %x %X %o %c|%5d|%-5d|%05d|%%\n", -3, 7, 3, 255, 255, 8, 65, 42, 42, 42);
  printf("%s|%10s|%-10s|%.2s\n", "abc", "right", "left", "trunc");
  printf("%lu %lld %hhd %p\n", 1, -2, 3, 4096);
  exit();
}`
	// 0.26 formats with C++ streams (no precision for strings), 0.17
	// with snprintf.
	check(t, src, lines(
		"-3 7 3 ff FF 10 A|   42|42   |00042|%",
		"abc|     right|left      |trunc",
		"1 -2 3 0x1000",
	)+exitText, Options{})
	// 0.17 has no %i.
	src = strings.Replace(strings.Replace(src, "%i ", "", 1), "-3, 7,", "-3,", 1)
	check(t, src, lines(
		"-3 3 ff FF 10 A|   42|42   |00042|%%", // as bpftrace 0.17 prints it
		"abc|     right|left      |tr",
		"1 -2 3 0x1000",
	)+exitText, Options{Era017: true})
}

func TestPrintfStringOfEveryType(t *testing.T) {
	check(t, `BEGIN {
  $t = (1, "two", (3, 4));
  printf("%s %s %s %s %s\n", 42, "str", $t, ntop(0x0100007f), ksym(0));
  printf("%s %s\n", (int8)-1, true);
  exit();
}`, lines("42 str (1, two, (3, 4)) 127.0.0.1 0", "-1 true")+exitText, Options{})
}

func TestBuiltinVariables(t *testing.T) {
	want := fmt.Sprintf("%d %d %d %d\n", os.Getpid(), syscall.Gettid(), os.Getuid(), os.Getgid())
	res := checkMatch(t, `tracepoint:syscalls:sys_enter_getppid /pid == $1/ {
  printf("%d %d %d %d\n", pid, tid, uid, gid);
  printf("nsecs=%d elapsed=%d cpu=%d cgroup=%d rand=%d curtask=%d\n", nsecs > 0, elapsed > 0, cpu < 4096, cgroup > 0, rand >= 0, curtask != 0);
  printf("%s|%s|%s\n", comm, probe, probetype);
  exit();
}`, `\d+ \d+ \d+ \d+\nnsecs=1 elapsed=1 cpu=1 cgroup=1 rand=1 curtask=1\n[^|]+\|tracepoint:syscalls:sys_enter_getppid\|tracepoint\n`+exitText,
		Options{Params: []string{pidParam}, Workload: lockedGetppid(1)})
	// pid and tid are of the thread that made the call; the uid and gid
	// are ours.
	if f := strings.Fields(strings.SplitN(res.Stdout, "\n", 2)[0]); len(f) == 4 {
		if f[0] != pidParam || f[2] != fmt.Sprint(os.Getuid()) || f[3] != fmt.Sprint(os.Getgid()) {
			t.Errorf("pid tid uid gid = %v, want %q", f, want)
		}
	}
}

// lockedGetppid makes the calls from a thread of this process (any: the
// runtime may move goroutines).
func lockedGetppid(n int) func() { return getppid(n) }

func TestCommIsTheThreadName(t *testing.T) {
	comm, err := os.ReadFile("/proc/self/comm")
	if err != nil {
		t.Skip(err)
	}
	check(t, `BEGIN { printf("%s|%s\n", comm, comm == "nomatch" ? "eq" : "ne"); exit(); }`,
		strings.TrimSpace(string(comm))+"|ne\n"+exitText, Options{})
}

func TestStringsAndBuffers(t *testing.T) {
	check(t, `BEGIN {
  printf("%s|%s|%s\n", str("abcdef", 3), buf("abc\x01\xff", 5), ntop(2, 0x0100007f));
  printf("%r|%rx|%rh\n", buf("ab\x01", 3), buf("ab\x01", 3), buf("ab\x01", 3));
  printf("%lx %x %s\n", bswap((uint64)0x0102030405060708), bswap((uint16)0x1234), ntop(0x0101a8c0));
  $s = "a longer string";
  printf("[%s] [%s]\n", str($s, 6), $s);
  exit();
}`, lines(
		"abc|abc\\x01\\xff|127.0.0.1",
		"ab\\x01|\\x61\\x62\\x01|61 62 01",
		"807060504030201 3412 192.168.1.1",
		"[a long] [a longer string]",
	)+exitText, Options{})
}

func TestCompileTimeFunctions(t *testing.T) {
	check(t, `BEGIN {
  printf("%d %s\n", kaddr("vfs_read") > 0, ksym(kaddr("vfs_read")));
  printf("%d %d\n", cgroupid("/sys/fs/cgroup") > 0, cgroupid("/sys/fs/cgroup") != 0);
  exit();
}`, "1 vfs_read\n1 1\n"+exitText, Options{})
}

func TestTimeFunctions(t *testing.T) {
	year := fmt.Sprint(time.Now().Year())
	checkMatch(t, `BEGIN {
  time("%Y|");
  printf("%s|%s\n", strftime("%Y", nsecs), strftime("%H:%M", nsecs));
  $t = strftime("%m", nsecs);
  printf("%s\n", $t);
  exit();
}`, year+`\|`+year+`\|\d\d:\d\d\n\d\d\n`+exitText, Options{})
}

// Parent process builtins and struct field chains through pointers.
func TestTaskBuiltins(t *testing.T) {
	parent, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", os.Getppid()))
	if err != nil {
		t.Skip(err)
	}
	check(t, `BEGIN {
  printf("%s %d %d\n", pcomm, ppid, curtask->real_parent->tgid == ppid);
  printf("%d %d\n", curtask->tgid == pid, curtask->real_parent->real_parent->pid > 0);
  exit();
}`, fmt.Sprintf("%s %d 1\n1 1\n", strings.TrimSpace(string(parent)), os.Getppid())+exitText, Options{})
}

// Stacks symbolised: kernel frames through kallsyms, user frames through
// the ELF symbols of the traced program (a C program with frame
// pointers, run with -c).
func TestStacks(t *testing.T) {
	checkMatch(t, `tracepoint:syscalls:sys_enter_getppid /pid == $1/ {
  printf("%s|%s|%d\n", kstack, kstack(perf, 2), len(kstack(3)));
  @[kstack(2)] = count();
  exit();
}`, `\n(        \S+\+\d+\n)*        do_syscall_64\+\d+\n.*\|\n\t[0-9a-f]+ \S+\+\d+\n\t[0-9a-f]+ \S+\+\d+\n\|3\n`+
		exitText+`@\[\n        \S+\+\d+\n        \S+\+\d+\n\]: 1\n`,
		Options{Params: []string{pidParam}, Workload: getppid(1)})
	bin := buildC(t, `
__attribute__((noinline)) int inner(int x) { return x + 1; }
__attribute__((noinline)) int outer(int x) { return inner(x) * 2; }
int main(void) { return outer(1) == 4 ? 0 : 1; }`)
	checkMatch(t, fmt.Sprintf(`uprobe:%s:inner { printf("%%s|%%s\n", ustack(2), ustack(perf, 1)); @[ustack(1)] = count(); }`, bin),
		fmt.Sprintf(`\n        inner\+0\n        (main|outer)\+\d+\n\|\n\t[0-9a-f]+ inner\+0 \(%s\)\n\n`, regexp.QuoteMeta(bin))+
			exitText+`@\[\n        inner\+0\n\]: 1\n`, Options{Child: bin})
}

func TestAsyncOutput(t *testing.T) {
	res := check(t, `BEGIN {
  errorf("bad %d", 1);
  warnf("careful %s", "x");
  cat("/proc/sys/kernel/ostype");
  system("echo hi %d", 5);
  printf("%s\n", "done");
  exit(3);
}`, "Linux\nhi 5\n\ndone\n"+exitText, Options{Unsafe: true}) // 0.26 adds a newline after system()'s output
	if res.Code != 3 {
		t.Errorf("exit code %d, want 3", res.Code)
	}
	if !strings.Contains(res.Stderr, "stdin:2:3-22: ERROR: bad 1") || !strings.Contains(res.Stderr, "stdin:3:3-27: WARNING: careful x") {
		t.Errorf("stderr:\n%s", res.Stderr)
	}
}

// join() prints the strings of an argv, as execve's.
func TestJoin(t *testing.T) {
	check(t, `tracepoint:syscalls:sys_enter_execve /ppid == $1 && str(args->filename) == "/bin/echo"/ {
  join(args->argv);
  join(args->argv, ",");
}`, "/bin/echo a bc\n/bin/echo,a,bc\n"+exitText, Options{Params: []string{pidParam}, Workload: func() {
		exec.Command("/bin/echo", "a", "bc").Run()
	}})
}

// signal() sends a signal to the current process: a child that sleeps.
func TestSignal(t *testing.T) {
	Require(t)
	cmd := exec.Command("/bin/sleep", "10")
	res := Run(t, `tracepoint:syscalls:sys_enter_clock_nanosleep /pid == cpid/ { signal("SIGTERM"); printf("sent\n"); }`,
		Options{Unsafe: true, Child: "/bin/sleep 10", Timeout: 5 * time.Second})
	_ = cmd
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if res.Stdout != "sent\n"+exitText {
		t.Errorf("output %q", res.Stdout)
	}
}

func TestStringTables(t *testing.T) {
	check(t, `BEGIN {
  printf("%s|%s|%s\n", strerror(2), strerror(-13), strerror(9999));
  printf("%s|%s|%s|%s\n", signal_name(9), signal_name(200), syscall_name(0), syscall_name(100000));
  exit();
}`, lines("No such file or directory|Permission denied|Unknown error", "Killed|N/A|read|Unknown syscall")+exitText, Options{})
}

func TestCompileTimeValues(t *testing.T) {
	check(t, `BEGIN {
  printf("%d %d %s %s\n", getopt("flag"), getopt("n", 5), getopt("s", "def"), getopt("t", "x"));
  printf("%d %d\n", pton("127.0.0.1")[0], pton("::1")[15]);
  exit();
}`, "1 9 def given\n127 1\n"+exitText, Options{Named: map[string]string{"flag": "", "n": "9", "t": "given"}})
}

func TestStringSearch(t *testing.T) {
	check(t, `BEGIN {
  $s = "hello world";
  printf("%d %d %d %d %d\n", strlen($s), strlen(""), strcontains($s, "o w"), strcontains($s, "xyz"), strcontains($s, "hello world!"));
  @m[1] = 42; $v = 0;
  printf("%d %d %d\n", find(@m, 1, $v), $v, find(@m, 2, $v));
  clear(@m);
  exit();
}`, "11 0 1 0 0\n1 42 0\n"+exitText, Options{})
}

func TestPointerFunctions(t *testing.T) {
	check(t, `struct s { long a; long b; }
BEGIN {
  $q = container_of((long *)1008, struct s, b);
  printf("%d %d %d\n", (uint64)$q, is_err((int64)-5), is_err((struct s *)1000));
  exit();
}`, "1000 1 0\n"+exitText, Options{})
}
