package runtime_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"

	"github.com/bt-tools/bt/engine/attach/attachtest"
	"github.com/bt-tools/bt/engine/plan"
	"github.com/bt-tools/bt/engine/runtime"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
)

// tracked records the ids of what a run loaded, to check afterwards that
// the kernel released it all.
type tracked struct {
	progs []ebpf.ProgramID
	maps  []ebpf.MapID
}

func track(opts *runtime.Options) *tracked {
	tr := &tracked{}
	opts.Hooks.Loaded = func(progs map[string]*ebpf.Program, maps map[string]*ebpf.Map) {
		for _, p := range progs {
			if info, err := p.Info(); err == nil {
				if id, ok := info.ID(); ok {
					tr.progs = append(tr.progs, id)
				}
			}
		}
		for _, m := range maps {
			if info, err := m.Info(); err == nil {
				if id, ok := info.ID(); ok {
					tr.maps = append(tr.maps, id)
				}
			}
		}
	}
	return tr
}

// released fails the test unless every tracked object is gone (allowing
// the kernel a moment: objects are freed after an RCU grace period).
func (tr *tracked) released(t *testing.T) {
	t.Helper()
	if len(tr.progs) == 0 {
		t.Fatal("the Loaded hook saw no programs")
	}
	deadline := time.Now().Add(3 * time.Second)
	for {
		var left []string
		for _, id := range tr.progs {
			if p, err := ebpf.NewProgramFromID(id); err == nil {
				p.Close()
				left = append(left, "prog "+strconv.Itoa(int(id)))
			}
		}
		for _, id := range tr.maps {
			if m, err := ebpf.NewMapFromID(id); err == nil {
				m.Close()
				left = append(left, "map "+strconv.Itoa(int(id)))
			}
		}
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("still loaded after Run returned: %v", left)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestBeginPrintf(t *testing.T) {
	attachtest.RequireRoot(t)
	b := newPlan(t)
	id := b.event(&plan.Event{Kind: plan.EventPrintf, Format: "v=", Args: []types.Type{types.IntOf(64, true)}})
	b.prog("begin", ebpf.RawTracepoint, emit(id, 42), emit(id, 43))
	var o output
	fp := &fakePrinter{}
	opts := o.options(fp)
	tr := track(&opts)
	code, err := runtime.Run(context.Background(), b.p, opts)
	if err != nil || code != 0 {
		t.Fatalf("Run = %d, %v", code, err)
	}
	if got := o.stdout.String(); got != "v=42\nv=43\n\n\n" {
		t.Errorf("stdout = %q", got)
	}
	if got := o.stderr.String(); got != "Attached 1 probe\n" {
		t.Errorf("stderr = %q", got)
	}
	tr.released(t)
}

func TestExitCode(t *testing.T) {
	attachtest.RequireRoot(t)
	b := newPlan(t)
	pid := b.event(&plan.Event{Kind: plan.EventPrintf, Format: "v=", Args: []types.Type{types.IntOf(64, true)}})
	exit := b.event(&plan.Event{Kind: plan.EventExit, Args: []types.Type{types.IntOf(64, true)}})
	b.prog("begin", ebpf.RawTracepoint, emit(pid, 1), emit(exit, 3))
	b.prog("interval:s:10", ebpf.PerfEvent)
	b.prog("end", ebpf.RawTracepoint, emit(pid, 2))
	var o output
	opts := o.options(&fakePrinter{})
	start := time.Now()
	code, err := runtime.Run(context.Background(), b.p, opts)
	if err != nil || code != 3 {
		t.Fatalf("Run = %d, %v; want 3, nil", code, err)
	}
	if got := o.stdout.String(); got != "v=1\nv=2\n\n\n" {
		t.Errorf("stdout = %q", got)
	}
	if got := o.stderr.String(); got != "Attached 3 probes\n" {
		t.Errorf("stderr = %q", got)
	}
	t.Logf("run with exit() in begin took %v", time.Since(start))
}

// TestTracepointCount counts getpid calls of this process on a
// tracepoint and checks the map printed at exit.
func TestTracepointCount(t *testing.T) {
	attachtest.RequireRoot(t)
	b := newPlan(t)
	c := b.counter("calls")
	b.prog("tracepoint:syscalls:sys_enter_getpid", ebpf.TracePoint, attachtest.OnlyTgid(os.Getpid()), attachtest.Count(c, 0))
	var o output
	fp := &fakePrinter{}
	opts := o.options(fp)
	tr := track(&opts)
	ctx, cancel := context.WithCancel(context.Background())
	opts.Hooks.Started = func() {
		go func() {
			for range 25 {
				syscall.Getpid()
			}
			cancel()
		}()
	}
	code, err := runtime.Run(ctx, b.p, opts)
	if err != nil || code != 0 {
		t.Fatalf("Run = %d, %v", code, err)
	}
	if n := fp.lastMap(t, "@calls"); n < 25 {
		t.Errorf("@calls = %d after 25 getpid calls", n)
	}
	if !strings.HasSuffix(o.stdout.String(), "\n\n@calls: 25\n") {
		t.Errorf("stdout = %q", o.stdout.String())
	}
	tr.released(t)
}

// TestGate checks that attached programs do nothing before the gate
// opens: the Attached hook runs with every probe attached and the gate
// still closed.
func TestGate(t *testing.T) {
	attachtest.RequireRoot(t)
	b := newPlan(t)
	c := b.counter("n")
	b.prog("tracepoint:syscalls:sys_enter_getpid", ebpf.TracePoint, attachtest.OnlyTgid(os.Getpid()), attachtest.Count(c, 0))
	var o output
	fp := &fakePrinter{}
	opts := o.options(fp)
	var counter *ebpf.Map
	opts.Hooks.Loaded = func(_ map[string]*ebpf.Program, maps map[string]*ebpf.Map) { counter = maps[c] }
	var before uint64
	opts.Hooks.Attached = func(context.Context) error {
		for range 10 {
			syscall.Getpid()
		}
		before = attachtest.Value(t, counter, 0)
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	opts.Hooks.Started = func() {
		for range 5 {
			syscall.Getpid()
		}
		cancel()
	}
	if _, err := runtime.Run(ctx, b.p, opts); err != nil {
		t.Fatal(err)
	}
	if before != 0 {
		t.Errorf("counted %d getpid calls before the gate opened", before)
	}
	if n := fp.lastMap(t, "@n"); n < 5 {
		t.Errorf("@n = %d after the gate opened and 5 getpid calls", n)
	}
}

// TestPrintClearZero runs print, clear and zero events from begin.
func TestPrintClearZero(t *testing.T) {
	attachtest.RequireRoot(t)
	b := newPlan(t)
	c := b.counter("x")
	pr := b.event(&plan.Event{Kind: plan.EventPrint, Map: "@x"})
	zero := b.event(&plan.Event{Kind: plan.EventZero, Map: "@x"})
	clear := b.event(&plan.Event{Kind: plan.EventClear, Map: "@x"})
	b.prog("begin", ebpf.RawTracepoint,
		attachtest.Count(c, 0), attachtest.Count(c, 0), emit(pr),
		attachtest.Count(c, 0), emit(zero), emit(pr),
		attachtest.Count(c, 0), emit(clear))
	var o output
	b.p.Config.PrintMapsOnExit = false
	code, err := runtime.Run(context.Background(), b.p, o.options(&fakePrinter{}))
	if err != nil || code != 0 {
		t.Fatalf("Run = %d, %v", code, err)
	}
	// The events are handled after begin has finished: print sees 4,
	// zero makes it 0, clear keeps the array's entry at 0.
	if got, want := o.stdout.String(), "@x: 4\n@x: 0\n\n\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
}

func TestTimeCatJoinSystem(t *testing.T) {
	attachtest.RequireRoot(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	os.WriteFile(file, []byte("file contents"), 0o644)
	b := newPlan(t)
	tm := b.event(&plan.Event{Kind: plan.EventTime, Format: "%Y|"})
	cat := b.event(&plan.Event{Kind: plan.EventCat, Format: file})
	sys := b.event(&plan.Event{Kind: plan.EventSystem, Format: "echo hi"})
	str8 := &types.String{Len: 8}
	join := b.event(&plan.Event{Kind: plan.EventJoin, Format: ",", Args: []types.Type{str8, str8, str8}})
	b.prog("begin", ebpf.RawTracepoint, emit(tm), emit(cat), emit(sys), emit(join, 0x6261, 0x6463, 0))
	var o output
	opts := o.options(&fakePrinter{})
	opts.Unsafe = true
	if _, err := runtime.Run(context.Background(), b.p, opts); err != nil {
		t.Fatal(err)
	}
	want := "[time]" + time.Now().Format("2006") + "|[cat]file contents[syscall]hi\n\n[join]ab,cd\n\n\n"
	if got := o.stdout.String(); got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
}

func TestEra017Messages(t *testing.T) {
	attachtest.RequireRoot(t)
	b := newPlan(t)
	b.prog("begin", ebpf.RawTracepoint)
	b.prog("end", ebpf.RawTracepoint)
	var o output
	opts := o.options(&fakePrinter{})
	opts.Era = runtime.Era017
	if _, err := runtime.Run(context.Background(), b.p, opts); err != nil {
		t.Fatal(err)
	}
	if got := o.stdout.String(); got != "Attaching 2 probes...\n\n\n" {
		t.Errorf("stdout = %q", got)
	}
	if o.stderr.Len() != 0 {
		t.Errorf("stderr = %q", o.stderr.String())
	}
}

func TestJSONMessages(t *testing.T) {
	attachtest.RequireRoot(t)
	b := newPlan(t)
	b.prog("begin", ebpf.RawTracepoint)
	var o output
	opts := o.options(&fakePrinter{})
	opts.JSON = true
	if _, err := runtime.Run(context.Background(), b.p, opts); err != nil {
		t.Fatal(err)
	}
	if got := o.stdout.String(); got != "{\"type\": \"attached_probes\", \"count\": 1, \"data\": {\"probes\": 1}}\n" {
		t.Errorf("stdout = %q", got)
	}
}

func TestErrorfLocation(t *testing.T) {
	attachtest.RequireRoot(t)
	src := "begin { errorf(\"bad\"); }\n"
	b := newPlan(t)
	b.p.File = token.NewFile("stdin", []byte(src))
	id := b.event(&plan.Event{Kind: plan.EventErrorf, Format: "bad", Pos: b.p.File.Pos(8), End: b.p.File.Pos(21)})
	b.prog("begin", ebpf.RawTracepoint, emit(id))
	var o output
	if _, err := runtime.Run(context.Background(), b.p, o.options(&fakePrinter{})); err != nil {
		t.Fatal(err)
	}
	if got, want := o.stderr.String(), "Attached 1 probe\nstdin:1:9-22: ERROR: bad\n"; got != want {
		t.Errorf("stderr = %q, want %q", got, want)
	}
}

// TestVerifierError loads a program that reads an uninitialised register
// at an instruction tagged with a source span.
func TestVerifierError(t *testing.T) {
	attachtest.RequireRoot(t)
	b := newPlan(t)
	file := token.NewFile("x.bt", []byte("begin { @x = $y; }\n"))
	bad := asm.Instructions{
		asm.Mov.Imm(asm.R0, 0).WithSource(plan.Span{Pos: file.Pos(0), End: file.Pos(5), Text: "begin"}),
		asm.Mov.Reg(asm.R0, asm.R3).WithSource(plan.Span{Pos: file.Pos(13), End: file.Pos(15), Text: "$y"}),
	}
	p := b.prog("begin", ebpf.RawTracepoint, bad)
	var o output
	opts := o.options(&fakePrinter{})
	tr := track(&opts)
	_, err := runtime.Run(context.Background(), b.p, opts)
	var ve *runtime.VerifierError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want a *VerifierError", err)
	}
	if ve.Prog != p.Name || ve.Pos != file.Pos(13) || ve.End != file.Pos(15) {
		t.Errorf("VerifierError = %+v", ve)
	}
	if !strings.Contains(err.Error(), "($y): R3 !read_ok") {
		t.Errorf("message = %q", err.Error())
	}
	t.Logf("%v", err)
	if tr.progs != nil {
		t.Errorf("Loaded hook ran although loading failed")
	}
}

// TestCleanupOnAttachError: a missing tracepoint (missing_probes=error)
// fails the run after other probes were attached; nothing stays loaded.
func TestCleanupOnAttachError(t *testing.T) {
	attachtest.RequireRoot(t)
	b := newPlan(t)
	b.prog("profile:hz:99", ebpf.PerfEvent)
	b.prog("tracepoint:syscalls:sys_enter_getpid", ebpf.TracePoint)
	b.prog("tracepoint:nosuch:event", ebpf.TracePoint)
	var o output
	opts := o.options(&fakePrinter{})
	tr := track(&opts)
	_, err := runtime.Run(context.Background(), b.p, opts)
	var ae *runtime.AttachError
	if !errors.As(err, &ae) || ae.Probe != "tracepoint:nosuch:event" {
		t.Fatalf("err = %v, want an AttachError for tracepoint:nosuch:event", err)
	}
	tr.released(t)
	if left := attachtest.Programs(b.prefix); len(left) > 0 {
		t.Errorf("programs left: %v", left)
	}
}

func TestMissingProbesWarn(t *testing.T) {
	attachtest.RequireRoot(t)
	b := newPlan(t)
	b.p.Config.MissingProbes = "warn"
	b.prog("tracepoint:nosuch:event", ebpf.TracePoint)
	b.prog("begin", ebpf.RawTracepoint)
	var o output
	if _, err := runtime.Run(context.Background(), b.p, o.options(&fakePrinter{})); err != nil {
		t.Fatal(err)
	}
	if got := o.stderr.String(); !strings.Contains(got, "WARNING: Unable to attach probe: tracepoint:nosuch:event. Skipping.\nAttached 1 probe\n") {
		t.Errorf("stderr = %q", got)
	}
}

// TestCancelDuringRun cancels a run with live probes (as Ctrl-C does)
// and checks that it returns at once and releases everything.
func TestCancelDuringRun(t *testing.T) {
	attachtest.RequireRoot(t)
	b := newPlan(t)
	c := b.counter("c")
	for _, ev := range []string{"sys_enter_getpid", "sys_exit_getpid", "sys_enter_getppid", "sys_exit_getppid"} {
		b.prog("tracepoint:syscalls:"+ev, ebpf.TracePoint, attachtest.Count(c, 0))
	}
	b.prog("profile:hz:99", ebpf.PerfEvent, attachtest.Count(c, 0))
	b.prog("rawtracepoint:sched_switch", ebpf.RawTracepoint, attachtest.Count(c, 0))
	var o output
	opts := o.options(&fakePrinter{})
	tr := track(&opts)
	ctx, cancel := context.WithCancel(context.Background())
	var stopAt time.Time
	var quiesced time.Duration
	opts.Hooks.Started = func() { time.AfterFunc(50*time.Millisecond, func() { stopAt = time.Now(); cancel() }) }
	opts.Hooks.Stopping = func() { quiesced = time.Since(stopAt) }
	if _, err := runtime.Run(ctx, b.p, opts); err != nil {
		t.Fatal(err)
	}
	t.Logf("6 probes (4 tracepoints): quiesced %v after cancel, Run returned %v after cancel", quiesced, time.Since(stopAt))
	tr.released(t)
}

// TestNoSyncStart runs without the gate: probes are detached before end
// runs.
func TestNoSyncStart(t *testing.T) {
	attachtest.RequireRoot(t)
	b := newPlan(t)
	b.p.SyncStart = false
	c := b.counter("c")
	ap := b.prog("tracepoint:syscalls:sys_enter_getpid", ebpf.TracePoint, attachtest.OnlyTgid(os.Getpid()), attachtest.Count(c, 0))
	ap.Spec = attachtest.Program(ap.Name, ebpf.TracePoint, attachtest.Prologue(), attachtest.OnlyTgid(os.Getpid()), attachtest.Count(c, 0))
	var o output
	fp := &fakePrinter{}
	opts := o.options(fp)
	ctx, cancel := context.WithCancel(context.Background())
	opts.Hooks.Started = func() { syscall.Getpid(); cancel() }
	opts.Hooks.Stopping = func() {
		for range 10 {
			syscall.Getpid() // detached: not counted
		}
	}
	if _, err := runtime.Run(ctx, b.p, opts); err != nil {
		t.Fatal(err)
	}
	if n := fp.lastMap(t, "@c"); n < 1 || n > 3 {
		t.Errorf("@c = %d, want the getpid calls before stopping only", n)
	}
}

// TestChild runs -c: the child is held until the probes are attached and
// the run ends when it exits.
func TestChild(t *testing.T) {
	attachtest.RequireRoot(t)
	marker := filepath.Join(t.TempDir(), "ran")
	child, err := runtime.StartChild([]string{"/bin/sh", "-c", "echo > " + marker}, runtime.ChildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("the child ran before it was released")
	}
	b := newPlan(t)
	b.prog("interval:s:10", ebpf.PerfEvent)
	var o output
	opts := o.options(&fakePrinter{})
	opts.Child = child
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := runtime.Run(context.Background(), b.p, opts); err != nil {
			t.Error(err)
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after the child exited")
	}
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("the child did not run: %v", err)
	}
}

// TestChildKilledWhenUnreleased: a child whose run fails before release
// never runs.
func TestChildKilledWhenUnreleased(t *testing.T) {
	attachtest.RequireRoot(t)
	marker := filepath.Join(t.TempDir(), "ran")
	child, err := runtime.StartChild([]string{"/bin/sh", "-c", "echo > " + marker}, runtime.ChildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b := newPlan(t)
	b.prog("tracepoint:nosuch:event", ebpf.TracePoint)
	var o output
	opts := o.options(&fakePrinter{})
	opts.Child = child
	if _, err := runtime.Run(context.Background(), b.p, opts); err == nil {
		t.Fatal("Run succeeded")
	}
	<-child.Done()
	if _, err := os.Stat(marker); err == nil {
		t.Error("the child ran")
	}
}

// TestPIDExit runs -p on a short-lived process: the run ends when it
// exits.
func TestPIDExit(t *testing.T) {
	attachtest.RequireRoot(t)
	cmd := exec.Command("sleep", "0.3")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go cmd.Wait()
	b := newPlan(t)
	b.prog("profile:hz:99", ebpf.PerfEvent)
	var o output
	opts := o.options(&fakePrinter{})
	opts.PIDs = []int{cmd.Process.Pid}
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := runtime.Run(ctx, b.p, opts); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Run took %v; the -p process lived 0.3s", d)
	}
}

// TestLostEvents fills a small ring buffer from begin and checks that the
// losses are reported.
func TestLostEvents(t *testing.T) {
	attachtest.RequireRoot(t)
	b := newPlan(t)
	b.p.Maps[0].Spec = attachtest.RingBuf(plan.RingBufMap, 4096)
	id := b.event(&plan.Event{Kind: plan.EventPrintf, Format: "", Args: []types.Type{types.IntOf(64, true)}})
	var body []asm.Instructions
	for range 200 {
		body = append(body, emit(id, 1))
	}
	b.prog("begin", ebpf.RawTracepoint, body...)
	var o output
	fp := &fakePrinter{}
	if _, err := runtime.Run(context.Background(), b.p, o.options(fp)); err != nil {
		t.Fatal(err)
	}
	// 4096 bytes hold 102 records of 32+8 bytes.
	lost := 200 - fp.count
	want := "Attached 1 probe\nLost " + strconv.Itoa(lost) + " events\nWARNING: Total lost event count: " + strconv.Itoa(lost) + "\n"
	if lost == 0 || o.stderr.String() != want {
		t.Errorf("%d events printed; stderr = %q, want %q", fp.count, o.stderr.String(), want)
	}
}
