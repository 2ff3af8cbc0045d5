package runtime_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cilium/ebpf"

	"github.com/bt-tools/bt/engine/attach/attachtest"
	"github.com/bt-tools/bt/engine/runtime"
)

// killPlan is the plan the helper process runs: one probe of each kind
// that attaches on this machine.
func killPlan(t testing.TB, prefix string) *builder {
	b := newPlan(t)
	b.prefix = prefix
	c := b.counter("c")
	b.prog("tracepoint:syscalls:sys_enter_getpid", ebpf.TracePoint, attachtest.Count(c, 0))
	b.prog("rawtracepoint:sched_switch", ebpf.RawTracepoint, attachtest.Count(c, 0))
	b.prog("profile:hz:99", ebpf.PerfEvent, attachtest.Count(c, 0))
	b.prog("interval:ms:100", ebpf.PerfEvent, attachtest.Count(c, 0))
	b.prog("uprobe:libc:getpid", ebpf.Kprobe, attachtest.Count(c, 0))
	return b
}

// TestHelperProcess is not a test: TestKilledProcessReleases runs the
// test binary with it to get a process that runs a plan until killed.
// It prints "ready" and the ids of what it loaded once probes are live.
func TestHelperProcess(t *testing.T) {
	prefix := os.Getenv("BT_RUNTIME_HELPER_PREFIX")
	if prefix == "" {
		t.Skip("helper process for TestKilledProcessReleases")
	}
	b := killPlan(t, prefix)
	opts := runtime.Options{Printer: &fakePrinter{}, Hooks: &runtime.Hooks{}, Quiet: true}
	tr := track(&opts)
	opts.Hooks.Started = func() {
		fmt.Printf("ready %v %v\n", tr.progs, tr.maps)
		os.Stdout.Sync()
	}
	runtime.Run(context.Background(), b.p, opts)
	t.Fatal("Run returned in the helper process")
}

// TestKilledProcessReleases SIGKILLs a process in the middle of a run and
// checks that the kernel released its programs, maps and links: they
// belong to file descriptors only, so nothing outlives the process.
func TestKilledProcessReleases(t *testing.T) {
	attachtest.RequireRoot(t)
	prefix := attachtest.Prefix()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), "BT_RUNTIME_HELPER_PREFIX="+prefix)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	tr, err := readReady(out)
	if err != nil {
		t.Fatal(err)
	}
	links := attachtest.Links(tr.progs)
	if progs := attachtest.Programs(prefix); len(progs) != 5 || len(links) < 2 {
		t.Fatalf("helper has %d programs named %s* and %d links; want 5 programs and links", len(progs), prefix, len(links))
	}
	cmd.Process.Kill()
	cmd.Wait()
	tr.released(t)
	deadline := time.Now().Add(3 * time.Second)
	for len(attachtest.Links(tr.progs)) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("links still there after the process was killed: %v", attachtest.Links(tr.progs))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// readReady reads the helper's "ready [progs] [maps]" line.
func readReady(r interface{ Read([]byte) (int, error) }) (*tracked, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "ready ") {
			continue
		}
		tr := &tracked{}
		parts := strings.SplitN(strings.TrimPrefix(line, "ready "), "] [", 2)
		if len(parts) != 2 {
			return nil, fmt.Errorf("bad ready line %q", line)
		}
		for _, f := range strings.Fields(strings.Trim(parts[0], "[]")) {
			n, _ := strconv.Atoi(f)
			tr.progs = append(tr.progs, ebpf.ProgramID(n))
		}
		for _, f := range strings.Fields(strings.Trim(parts[1], "[]")) {
			n, _ := strconv.Atoi(f)
			tr.maps = append(tr.maps, ebpf.MapID(n))
		}
		return tr, nil
	}
	return nil, fmt.Errorf("helper exited before it was ready: %v", sc.Err())
}
