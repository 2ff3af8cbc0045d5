package difftest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/bt-tools/bt/engine/difftest/workload"
)

const (
	casesDir = "../../testdata/difftest"

	// attachTimeout bounds how long a tracer may take to attach: bpftrace
	// 0.17 needs about 40 s for tracepoint:syscalls:sys_enter_*.
	attachTimeout = 90 * time.Second
	// settle lets both tracers read the workload's last events before
	// they are told to stop.
	settle = 300 * time.Millisecond
	// endTimeout bounds how long a tracer may take to stop.
	endTimeout = time.Minute
	// resignal is how often bpftrace gets another SIGINT while it has
	// not stopped.
	resignal = time.Second
)

// TestDiff runs every case in testdata/difftest under bt and bpftrace
// and compares their standard output and exit status. Set
// BT_DIFFTEST_ALL=1 to run the cases marked skip as well, BT_BIN to test a
// bt binary that is already built, and pick cases with -run TestDiff/NAME.
func TestDiff(t *testing.T) {
	requireRoot(t)
	bpftrace := requireBpftrace(t)
	requireVersion(t, bpftrace, "v0.17")
	files, err := filepath.Glob(filepath.Join(casesDir, "*.bt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases in %s (%v)", casesDir, err)
	}
	bt, wl := btBinary(t), workloadBinary(t)
	ncpu, err := OnlineCPUs()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".bt")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			c, err := ParseCase(name, string(src))
			if err != nil {
				t.Fatal(err)
			}
			if c.Skip != "" && os.Getenv("BT_DIFFTEST_ALL") == "" {
				t.Skip(c.Skip)
			}
			r := &caseRun{c: c, bt: bt, wl: wl, bpftrace: bpftrace, ncpu: ncpu}
			r.run(t)
		})
	}
}

func requireVersion(t *testing.T, bpftrace, want string) {
	out, err := exec.Command(bpftrace, "--version").Output()
	if err != nil {
		t.Fatalf("bpftrace --version: %v", err)
	}
	if !strings.Contains(string(out), want) {
		t.Skipf("needs bpftrace %s, found %s", want, strings.TrimSpace(string(out)))
	}
}

// caseRun is one run of a case.
type caseRun struct {
	c                *Case
	bt, wl, bpftrace string
	ncpu             int

	comm, dir string
}

func (r *caseRun) run(t *testing.T) {
	r.comm = "bt-wl-" + randHex(2)
	dir, err := os.MkdirTemp("", "btdt") // short: paths end up in 64-byte strings
	if err != nil {
		t.Fatal(err)
	}
	r.dir = dir
	t.Cleanup(func() { os.RemoveAll(dir) })
	r.requirements(t)

	script := Expand(r.c.Script, r.comm, r.dir)
	file := filepath.Join(dir, r.c.Name+".bt")
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	var args []string
	for _, a := range r.c.Args {
		args = append(args, Expand(a, r.comm, r.dir))
	}
	var flags []string
	if r.c.Unsafe {
		flags = append(flags, "--unsafe")
	}
	if r.c.JSON {
		flags = append(flags, "-f", "json")
	}
	if r.c.Cmd != "" {
		flags = append(flags, "-c", Expand(r.c.Cmd, r.comm, r.dir))
	}
	btArgv := append(append([]string{r.bt, "run", "--compat", "0.17"}, flags...), file)
	bpArgv := append(append([]string{r.bpftrace}, flags...), file)

	btT, err := StartTracer("bt", append(btArgv, args...), r.c.Env)
	if err != nil {
		t.Fatal(err)
	}
	defer btT.Kill()
	bpT, err := StartTracer("bpftrace", append(bpArgv, args...), r.c.Env)
	if err != nil {
		t.Fatal(err)
	}
	defer bpT.Kill()

	switch {
	case r.c.Workload != "":
		release := r.drive(t, script, btT, bpT)
		defer func() {
			if err := release(); err != nil {
				t.Error(err)
			}
		}()
	case r.c.Stop == StopSignal:
		r.interrupt(t, script, btT, bpT)
	}
	for _, tr := range []*Tracer{btT, bpT} {
		if err := r.waitEnd(t, tr); err != nil {
			t.Errorf("%v\nstdout:\n%s\nstderr:\n%s", err, tr.Stdout(), tr.Stderr())
		}
	}
	if t.Failed() {
		return
	}
	r.compare(t, script, btT, bpT)
}

// requirements skips the case when the machine lacks what it needs.
func (r *caseRun) requirements(t *testing.T) {
	for _, f := range r.c.Needs {
		if _, err := os.Stat(f); err != nil {
			t.Skipf("needs %s", f)
		}
	}
	if strings.Contains(r.c.Workload, "dio ") {
		// Block requests need a file system on a block device that
		// takes O_DIRECT (tmpfs does not).
		fd, err := unix.Open(filepath.Join(r.dir, "odirect"), unix.O_WRONLY|unix.O_CREAT|unix.O_DIRECT, 0o600)
		if err != nil {
			t.Skipf("needs O_DIRECT writes under %s (for block I/O): %v", os.TempDir(), err)
		}
		unix.Close(fd)
	}
}

// drive waits until both tracers are attached, runs the workload once and
// stops the tracers unless the script does. The caller releases the
// workload process once the tracers have ended.
func (r *caseRun) drive(t *testing.T, script string, btT, bpT *Tracer) (release func() error) {
	ctx, cancel := context.WithTimeout(context.Background(), attachTimeout)
	defer cancel()
	if err := btT.WaitReady(ctx, BTReady); err != nil {
		t.Fatalf("%v\nstdout:\n%s\nstderr:\n%s", err, btT.Stdout(), btT.Stderr())
	}
	if err := bpT.WaitReady(ctx, BpftraceReady(script, r.ncpu)); err != nil {
		t.Fatalf("%v\nstdout:\n%s\nstderr:\n%s", err, bpT.Stdout(), bpT.Stderr())
	}
	// bpftrace enables each perf event right after opening it.
	time.Sleep(50 * time.Millisecond)
	release, err := r.workload()
	if err != nil {
		t.Fatal(err)
	}
	if r.c.Stop == StopSignal {
		time.Sleep(settle)
		btT.Signal(syscall.SIGINT)
		bpT.Signal(syscall.SIGINT)
	}
	return release
}

// interrupt stops a run that has no workload with SIGINT, once both
// tracers are attached (or have ended by themselves: bt ends a program
// with only BEGIN probes, as bpftrace does since 0.18; 0.17 runs on).
func (r *caseRun) interrupt(t *testing.T, script string, btT, bpT *Tracer) {
	ctx, cancel := context.WithTimeout(context.Background(), attachTimeout)
	defer cancel()
	for _, w := range []struct {
		tr    *Tracer
		ready func(*Tracer) (bool, error)
	}{{btT, BTReady}, {bpT, BpftraceReady(script, r.ncpu)}} {
		err := w.tr.WaitReady(ctx, w.ready)
		select {
		case <-w.tr.Done():
			continue // ended by itself: the output says whether it should have
		default:
		}
		if err != nil {
			t.Fatalf("%v\nstdout:\n%s\nstderr:\n%s", err, w.tr.Stdout(), w.tr.Stderr())
		}
	}
	time.Sleep(settle)
	btT.Signal(syscall.SIGINT)
	bpT.Signal(syscall.SIGINT)
}

// waitEnd waits for a tracer to end. bpftrace 0.17 sometimes misses the
// SIGINT that stops it (the signal lands between its check of the exit
// flag and its next epoll_wait, which then sleeps on), so it gets another
// every second; a second one stops it as well as the first.
func (r *caseRun) waitEnd(t *testing.T, tr *Tracer) error {
	if r.c.Stop == StopSignal && tr.Name == "bpftrace" {
		for tries := 0; ; tries++ {
			select {
			case <-tr.Done():
				return nil
			case <-time.After(resignal):
			}
			if tries == 5 {
				t.Logf("%s still runs %v after SIGINT; sending more\n%s", tr.Name, 5*resignal, procState(tr.Cmd.Process.Pid))
			}
			if tries*int(resignal) >= int(endTimeout) {
				break
			}
			tr.Signal(syscall.SIGINT)
		}
	}
	return tr.Wait(endTimeout)
}

// procState describes where a process's threads are, for a tracer that
// does not stop.
func procState(pid int) string {
	var b strings.Builder
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*", pid))
	for _, task := range tasks {
		stat, _ := os.ReadFile(task + "/stat")
		wchan, _ := os.ReadFile(task + "/wchan")
		stack, _ := os.ReadFile(task + "/stack")
		fmt.Fprintf(&b, "%s: %s wchan=%s\n%s", task, strings.TrimSpace(string(stat)), wchan, stack)
	}
	status, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "Sig") || strings.HasPrefix(line, "ShdPnd") || strings.HasPrefix(line, "State") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// workload runs the case's ops in a process named r.comm, pinned to CPU
// 0. It returns once the ops are done; the process stays until release is
// called, and release reports how it ended.
func (r *caseRun) workload() (release func() error, err error) {
	name := filepath.Join(r.dir, r.comm)
	if err := os.Symlink(r.wl, name); err != nil {
		return nil, err
	}
	argv := []string{name}
	if taskset, err := exec.LookPath("taskset"); err == nil {
		argv = []string{taskset, "-c", "0", name}
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(),
		workload.OpsEnv+"="+Expand(r.c.Workload, r.comm, r.dir),
		workload.DirEnv+"="+r.dir,
		// No preemption signals into the spin loop: fewer stray events.
		"GODEBUG=asyncpreemptoff=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	release = func() error {
		stdin.Close()
		err := cmd.Wait()
		os.Remove(name)
		if err != nil {
			return fmt.Errorf("workload %q: %v\n%s", r.c.Workload, err, stderr.String())
		}
		return nil
	}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if sc.Text() == workload.Done {
			go io.Copy(io.Discard, stdout)
			return release, nil
		}
	}
	return nil, release()
}

func (r *caseRun) compare(t *testing.T, script string, btT, bpT *Tracer) {
	btCode, bpCode := exitCode(btT.Err()), exitCode(bpT.Err())
	btOut, bpOut := r.c.Normalize(btT.Stdout()), r.c.Normalize(bpT.Stdout())
	rxs, err := r.c.Expectations(r.comm, r.dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, rx := range rxs {
		if !rx.MatchString(bpOut) {
			t.Errorf("bpftrace's output does not match %q: the workload was not seen\n%s", rx, bpOut)
		}
	}
	if btOut == bpOut && btCode == bpCode {
		t.Logf("output (both):\n%s", btOut)
		if r.c.Skip != "" {
			t.Logf("STALE SKIP: the case passes; remove its skip (%s)", r.c.Skip)
		}
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "bt and bpftrace differ\nscript:\n%s\n", script)
	if r.c.Workload != "" {
		fmt.Fprintf(&b, "workload: %s\n", r.c.Workload)
	}
	if btCode != bpCode {
		fmt.Fprintf(&b, "exit status: bt %d, bpftrace %d\n", btCode, bpCode)
	}
	if btOut != bpOut {
		fmt.Fprintf(&b, "diff (- bpftrace, + bt), after normalising:\n%s", lineDiff(bpOut, btOut))
	}
	fmt.Fprintf(&b, "bt stderr:\n%s\nbpftrace stderr:\n%s", btT.Stderr(), bpT.Stderr())
	t.Error(b.String())
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// lineDiff is a small line diff (longest common subsequence), enough to
// read a mismatch: "-" lines only in a, "+" lines only in b.
func lineDiff(a, b string) string {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out strings.Builder
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			fmt.Fprintf(&out, "  %q\n", x[i])
			i, j = i+1, j+1
		case j < len(y) && (i == len(x) || lcs[i][j+1] >= lcs[i+1][j]):
			fmt.Fprintf(&out, "+ %q\n", y[j])
			j++
		default:
			fmt.Fprintf(&out, "- %q\n", x[i])
			i++
		}
	}
	return out.String()
}
