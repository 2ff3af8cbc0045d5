package attach_test

import (
	"context"
	"debug/elf"
	"errors"
	"io"
	"os"
	"os/exec"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"golang.org/x/sys/unix"

	"github.com/bt-tools/bt/engine/attach"
	"github.com/bt-tools/bt/engine/attach/attachtest"
	"github.com/bt-tools/bt/lang/probes"
)

// parse parses an attach point or fails the test.
func parse(t *testing.T, raw string) *probes.AttachPoint {
	t.Helper()
	ap, err := probes.Parse(raw)
	if err != nil {
		t.Fatalf("parse %q: %v", raw, err)
	}
	return ap
}

// provider builds an attach point by hand, for forms the parser would
// make awkward (Go symbol names with '/' in them).
func provider(t *testing.T, name string) *probes.AttachPoint {
	t.Helper()
	p, ok := probes.Lookup(name)
	if !ok {
		t.Fatalf("no provider %s", name)
	}
	return &probes.AttachPoint{Provider: p}
}

// counter is a loaded program that counts its runs in element 0 of an
// array map, filtered to this test process unless tgid is 0.
type counter struct {
	prog  *ebpf.Program
	count *ebpf.Map
}

func (c counter) value(t testing.TB) uint64 { return attachtest.Value(t, c.count, 0) }

func loadCounter(t testing.TB, spec *ebpf.ProgramSpec, tgid int) counter {
	t.Helper()
	name := attachtest.Prefix() + "_c"
	parts := []asm.Instructions{attachtest.Prologue()}
	if tgid != 0 {
		parts = append(parts, attachtest.OnlyTgid(tgid))
	}
	parts = append(parts, attachtest.Count(name, 0))
	full := attachtest.Program(spec.Name, spec.Type, parts...)
	full.AttachType, full.AttachTo = spec.AttachType, spec.AttachTo
	prog, maps := attachtest.Load(t, full, attachtest.Array(name, 1))
	return counter{prog, maps[name]}
}

func mustAttach(t *testing.T, prog *ebpf.Program, ap *probes.AttachPoint, opts attach.Options) attach.Attachment {
	t.Helper()
	a, err := attach.Attach(context.Background(), prog, ap, opts)
	attachtest.SkipIfNotSupported(t, err)
	t.Cleanup(func() { a.Close() })
	return a
}

// waitFor polls cond for up to two seconds: BPF programs run
// synchronously, but perf samples and scheduler events take their time.
func waitFor(cond func() bool) bool {
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

func TestTracepoint(t *testing.T) {
	attachtest.RequireRoot(t)
	if _, err := attach.EnsureTracefs(); err != nil {
		t.Fatal(err)
	}
	c := loadCounter(t, &ebpf.ProgramSpec{Name: "bt_tp", Type: ebpf.TracePoint}, os.Getpid())
	a := mustAttach(t, c.prog, parse(t, "tracepoint:syscalls:sys_enter_getpid"), attach.Options{})
	if a.Probes() != 1 {
		t.Errorf("Probes() = %d, want 1", a.Probes())
	}
	for range 10 {
		syscall.Getpid()
	}
	if n := c.value(t); n < 10 {
		t.Errorf("count = %d after 10 getpid calls, want >= 10", n)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	before := c.value(t)
	syscall.Getpid()
	if after := c.value(t); after != before {
		t.Errorf("program still ran after Close: %d -> %d", before, after)
	}
}

func TestTracepointMissing(t *testing.T) {
	attachtest.RequireRoot(t)
	c := loadCounter(t, &ebpf.ProgramSpec{Name: "bt_tp", Type: ebpf.TracePoint}, 0)
	_, err := attach.Attach(context.Background(), c.prog, parse(t, "tracepoint:nosuch:event"), attach.Options{})
	if err == nil || !strings.Contains(err.Error(), "attach tracepoint:nosuch:event") {
		t.Fatalf("err = %v, want one naming the attach point", err)
	}
}

func TestRawTracepointBTF(t *testing.T) {
	attachtest.RequireRoot(t)
	spec := &ebpf.ProgramSpec{Name: "bt_rt", Type: ebpf.Tracing, AttachType: ebpf.AttachTraceRawTp, AttachTo: "sched_switch"}
	c := loadCounter(t, spec, os.Getpid())
	mustAttach(t, c.prog, parse(t, "rawtracepoint:sched_switch"), attach.Options{})
	if !waitFor(func() bool { time.Sleep(time.Millisecond); return c.value(t) > 0 }) {
		t.Error("tp_btf sched_switch never fired for this process")
	}
}

func TestRawTracepointClassic(t *testing.T) {
	attachtest.RequireRoot(t)
	c := loadCounter(t, &ebpf.ProgramSpec{Name: "bt_rtc", Type: ebpf.RawTracepoint}, os.Getpid())
	mustAttach(t, c.prog, parse(t, "rawtracepoint:sched_switch"), attach.Options{})
	if !waitFor(func() bool { time.Sleep(time.Millisecond); return c.value(t) > 0 }) {
		t.Error("raw tracepoint sched_switch never fired for this process")
	}
}

// spin burns CPU for d so that cpu-clock samples land in this process.
func spin(d time.Duration) {
	for end := time.Now().Add(d); time.Now().Before(end); {
	}
}

func TestProfile(t *testing.T) {
	attachtest.RequireRoot(t)
	c := loadCounter(t, &ebpf.ProgramSpec{Name: "bt_prof", Type: ebpf.PerfEvent}, os.Getpid())
	mustAttach(t, c.prog, parse(t, "profile:hz:99"), attach.Options{})
	if !waitFor(func() bool { spin(50 * time.Millisecond); return c.value(t) > 0 }) {
		t.Error("profile:hz:99 never sampled this busy process")
	}
}

// lockedThread locks the test to its OS thread and returns the thread's
// id: perf events opened for a pid count that thread (and threads it
// creates later), as bpftrace's -p does, not the Go runtime's other
// threads.
func lockedThread(t *testing.T) int {
	runtime.LockOSThread()
	t.Cleanup(runtime.UnlockOSThread)
	return unix.Gettid()
}

func TestProfilePID(t *testing.T) {
	attachtest.RequireRoot(t)
	c := loadCounter(t, &ebpf.ProgramSpec{Name: "bt_profp", Type: ebpf.PerfEvent}, 0)
	mustAttach(t, c.prog, parse(t, "profile:ms:1"), attach.Options{PID: lockedThread(t)})
	if !waitFor(func() bool { spin(20 * time.Millisecond); return c.value(t) > 0 }) {
		t.Error("profile:ms:1 -p self never fired")
	}
}

func TestInterval(t *testing.T) {
	attachtest.RequireRoot(t)
	c := loadCounter(t, &ebpf.ProgramSpec{Name: "bt_int", Type: ebpf.PerfEvent}, 0)
	mustAttach(t, c.prog, parse(t, "interval:ms:10"), attach.Options{PID: os.Getpid()})
	if !waitFor(func() bool { return c.value(t) >= 5 }) {
		t.Errorf("interval:ms:10 fired %d times in 2s, want >= 5", c.value(t))
	}
}

func TestSoftware(t *testing.T) {
	attachtest.RequireRoot(t)
	c := loadCounter(t, &ebpf.ProgramSpec{Name: "bt_sw", Type: ebpf.PerfEvent}, 0)
	mustAttach(t, c.prog, parse(t, "software:page-faults:1"), attach.Options{PID: lockedThread(t)})
	if !waitFor(func() bool { touchPages(64); return c.value(t) > 0 }) {
		t.Error("software:page-faults:1 -p self never fired")
	}
}

// touchPages maps n fresh pages and writes to each, which faults.
func touchPages(n int) {
	b, err := unix.Mmap(-1, 0, n*4096, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		panic(err)
	}
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
	unix.Munmap(b)
}

func TestHardware(t *testing.T) {
	attachtest.RequireRoot(t)
	c := loadCounter(t, &ebpf.ProgramSpec{Name: "bt_hw", Type: ebpf.PerfEvent}, os.Getpid())
	mustAttach(t, c.prog, parse(t, "hardware:cpu-cycles:100000"), attach.Options{})
	if !waitFor(func() bool { spin(20 * time.Millisecond); return c.value(t) > 0 }) {
		t.Error("hardware:cpu-cycles never fired")
	}
}

//go:noinline
func uprobeTarget(x int) int { return x*2 + 1 }

// TestUprobeGoFunction probes a function of the test binary by address
// (uprobe:BIN:ADDR): `go test` strips the symbol table of the binaries it
// runs, so the function is found through its runtime address.
func TestUprobeGoFunction(t *testing.T) {
	attachtest.RequireRoot(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	c := loadCounter(t, &ebpf.ProgramSpec{Name: "bt_up", Type: ebpf.Kprobe}, 0)
	ap := provider(t, "uprobe")
	ap.Target, ap.HasAddr, ap.Addr = exe, true, linkAddress(t, exe, reflect.ValueOf(uprobeTarget).Pointer())
	mustAttach(t, c.prog, ap, attach.Options{PID: os.Getpid()})
	for i := range 7 {
		//lint:ignore SA4017 the call itself is what the uprobe counts
		uprobeTarget(i)
	}
	if n := c.value(t); n != 7 {
		t.Errorf("uprobe fired %d times for 7 calls", n)
	}
}

// linkAddress turns a runtime address in exe into its link-time virtual
// address: the same for a position-dependent executable, less the load
// bias for a PIE.
func linkAddress(t *testing.T, exe string, pc uintptr) uint64 {
	f, err := elf.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Type == elf.ET_EXEC {
		return uint64(pc)
	}
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(maps), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 6 && fields[5] == exe && fields[2] == "00000000" {
			lo, _, _ := strings.Cut(fields[0], "-")
			base, _ := strconv.ParseUint(lo, 16, 64)
			return uint64(pc) - base
		}
	}
	t.Fatalf("no mapping of %s", exe)
	return 0
}

// heldShell starts dash reading one line from a pipe, so that its libc
// read() runs once per byte written (the read builtin reads byte by byte
// from a pipe). Since the shell is already waiting in read() when the
// probe is attached, only the bytes written after attaching count.
func heldShell(t *testing.T) (*exec.Cmd, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command("/bin/sh", "-c", "read x; read y")
	w, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close(); cmd.Process.Kill(); cmd.Wait() })
	io.WriteString(w, "a\n") // let the shell load libc and reach read
	time.Sleep(50 * time.Millisecond)
	return cmd, w
}

func TestUprobeLibc(t *testing.T) {
	for _, kind := range []string{"uprobe", "uretprobe"} {
		t.Run(kind, func(t *testing.T) {
			attachtest.RequireRoot(t)
			cmd, w := heldShell(t)
			c := loadCounter(t, &ebpf.ProgramSpec{Name: "bt_libc", Type: ebpf.Kprobe}, 0)
			mustAttach(t, c.prog, parse(t, kind+":libc:read"), attach.Options{PID: cmd.Process.Pid})
			io.WriteString(w, "hello\n")
			w.Close()
			cmd.Wait()
			if n := c.value(t); n < 5 {
				t.Errorf("%s:libc:read fired %d times for a 6-byte line, want >= 5", kind, n)
			}
		})
	}
}

func TestUprobeMulti(t *testing.T) {
	attachtest.RequireRoot(t)
	cmd, w := heldShell(t)
	c := loadCounter(t, &ebpf.ProgramSpec{Name: "bt_um", Type: ebpf.Kprobe, AttachType: ebpf.AttachTraceUprobeMulti}, 0)
	a := mustAttach(t, c.prog, parse(t, "uprobe:libc:rea*"), attach.Options{PID: cmd.Process.Pid, Symbols: []string{"read", "readdir"}})
	if a.Probes() != 2 {
		t.Errorf("Probes() = %d, want 2", a.Probes())
	}
	io.WriteString(w, "hello\n")
	w.Close()
	cmd.Wait()
	if n := c.value(t); n < 5 {
		t.Errorf("uprobe_multi fired %d times, want >= 5", n)
	}
}

func TestKprobe(t *testing.T) {
	for _, raw := range []string{"kprobe:do_nanosleep", "kretprobe:do_nanosleep"} {
		t.Run(raw, func(t *testing.T) {
			attachtest.RequireRoot(t)
			c := loadCounter(t, &ebpf.ProgramSpec{Name: "bt_kp", Type: ebpf.Kprobe}, os.Getpid())
			_, err := attach.Attach(context.Background(), c.prog, parse(t, raw), attach.Options{})
			if err != nil && attach.HaveKprobes() != nil && !errors.Is(err, attach.ErrNotSupported) {
				t.Fatalf("kprobes are missing but the error does not say so: %v", err)
			}
			attachtest.SkipIfNotSupported(t, err)
			time.Sleep(time.Millisecond)
			if !waitFor(func() bool { time.Sleep(time.Millisecond); return c.value(t) > 0 }) {
				t.Errorf("%s never fired", raw)
			}
		})
	}
}

func TestFentry(t *testing.T) {
	attachtest.RequireRoot(t)
	if err := attach.HaveFentry(); err != nil {
		attachtest.SkipIfNotSupported(t, err)
	}
	spec := &ebpf.ProgramSpec{Name: "bt_fe", Type: ebpf.Tracing, AttachType: ebpf.AttachTraceFEntry, AttachTo: "do_nanosleep"}
	c := loadCounter(t, spec, os.Getpid())
	mustAttach(t, c.prog, parse(t, "fentry:do_nanosleep"), attach.Options{})
	if !waitFor(func() bool { time.Sleep(time.Millisecond); return c.value(t) > 0 }) {
		t.Error("fentry:do_nanosleep never fired")
	}
}

// TestIter attaches iter:task with a program that writes "x\n" per task
// and reads the iterator.
func TestIter(t *testing.T) {
	attachtest.RequireRoot(t)
	insns := asm.Instructions{
		asm.LoadMem(asm.R2, asm.R1, 8, asm.DWord), // ctx->task
		asm.JEq.Imm(asm.R2, 0, attachtest.Exit),
		asm.LoadMem(asm.R1, asm.R1, 0, asm.DWord),   // ctx->meta
		asm.LoadMem(asm.R1, asm.R1, 0, asm.DWord),   // meta->seq
		asm.StoreImm(asm.RFP, -8, 0x0a78, asm.Half), // "x\n"
		asm.Mov.Reg(asm.R2, asm.RFP),
		asm.Add.Imm(asm.R2, -8),
		asm.Mov.Imm(asm.R3, 2),
		asm.FnSeqWrite.Call(),
	}
	spec := attachtest.Program(attachtest.Prefix()+"_it", ebpf.Tracing, insns)
	spec.AttachType, spec.AttachTo = ebpf.AttachTraceIter, "task"
	prog, _ := attachtest.Load(t, spec)
	a := mustAttach(t, prog, parse(t, "iter:task"), attach.Options{})
	it, ok := a.(*attach.Iter)
	if !ok {
		t.Fatalf("Attach returned %T, want *attach.Iter", a)
	}
	r, err := it.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	// At least this process's threads are tasks.
	if n := strings.Count(string(out), "x\n"); n < 2 {
		t.Errorf("iterator printed %d lines, want one per task", n)
	}
}

func TestTrigger(t *testing.T) {
	attachtest.RequireRoot(t)
	c := loadCounter(t, &ebpf.ProgramSpec{Name: "bt_begin", Type: ebpf.RawTracepoint}, 0)
	a := mustAttach(t, c.prog, parse(t, "begin"), attach.Options{})
	trig, ok := a.(*attach.Trigger)
	if !ok {
		t.Fatalf("Attach returned %T, want *attach.Trigger", a)
	}
	for range 3 {
		if _, err := trig.Fire(); err != nil {
			t.Fatal(err)
		}
	}
	if n := c.value(t); n != 3 {
		t.Errorf("begin ran %d times, want 3", n)
	}
}

func TestEnsureTracefs(t *testing.T) {
	attachtest.RequireRoot(t)
	if _, err := attach.EnsureTracefs(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	mounted, err := attach.MountTracefs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !mounted {
		t.Fatal("MountTracefs on an empty directory did not mount")
	}
	defer unix.Unmount(dir, 0)
	if _, err := os.Stat(dir + "/events"); err != nil {
		t.Errorf("mounted tracefs has no events: %v", err)
	}
	if again, err := attach.MountTracefs(dir); err != nil || again {
		t.Errorf("second MountTracefs = %v, %v; want false, nil", again, err)
	}
}

// watched is the variable TestWatchpoint watches.
var watched uint64

func TestWatchpoint(t *testing.T) {
	attachtest.RequireRoot(t)
	c := loadCounter(t, &ebpf.ProgramSpec{Name: "bt_wp", Type: ebpf.PerfEvent}, 0)
	ap := provider(t, "watchpoint")
	ap.Addr, ap.Len, ap.Mode = uint64(uintptr(unsafe.Pointer(&watched))), 8, "w"
	mustAttach(t, c.prog, ap, attach.Options{PID: lockedThread(t)})
	for i := range 5 {
		atomic.StoreUint64(&watched, uint64(i))
	}
	if n := c.value(t); n != 5 {
		t.Errorf("watchpoint fired %d times for 5 writes", n)
	}
}
