package runtest

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// pidParam is this process's pid as a positional parameter: scripts
// filter on /pid == $1/ to trace only the test's own workload.
var pidParam = strconv.Itoa(os.Getpid())

// getppid makes n getppid system calls: the workload of most tracepoint
// tests (tracepoint:syscalls:sys_enter_getppid).
func getppid(n int) func() {
	return func() {
		for i := 0; i < n; i++ {
			syscall.Getppid()
		}
	}
}

// check runs src and compares its standard output with want.
func check(t *testing.T, src, want string, o Options) *Result {
	t.Helper()
	Require(t)
	res := Run(t, src, o)
	if res.Err != nil {
		t.Fatalf("run failed: %s\nstderr: %s", res.Error(), res.Stderr)
	}
	if res.Stdout != want {
		t.Errorf("script:\n%s\noutput:\n%s\nwant:\n%s\nstderr: %s", src, res.Stdout, want, res.Stderr)
	}
	return res
}

// checkMatch runs src and matches its standard output against the
// regular expression want (anchored at both ends).
func checkMatch(t *testing.T, src, want string, o Options) *Result {
	t.Helper()
	Require(t)
	res := Run(t, src, o)
	if res.Err != nil {
		t.Fatalf("run failed: %s\nstderr: %s", res.Error(), res.Stderr)
	}
	re := regexp.MustCompile(`^(?s:` + want + `)$`)
	if !re.MatchString(res.Stdout) {
		t.Errorf("script:\n%s\noutput:\n%s\nwant match:\n%s\nstderr: %s", src, res.Stdout, want, res.Stderr)
	}
	return res
}

// exitText is what bpftrace prints between exit() and the maps.
const exitText = "\n\n"

// lines joins lines with newlines, ending with one.
func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }
