package runtest

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
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
