package runtime_test

import (
	"context"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"

	"github.com/bt-tools/bt/engine/attach/attachtest"
	"github.com/bt-tools/bt/engine/plan"
	"github.com/bt-tools/bt/engine/runtime"
	"github.com/bt-tools/bt/lang/types"
)

// panicPrinter panics on printf.
type panicPrinter struct{ fakePrinter }

func (*panicPrinter) Printf(io.Writer, *plan.Event, []byte) error { panic("printer bug") }

// TestPanicInHandler: a panic while handling an event still releases
// everything before it propagates.
func TestPanicInHandler(t *testing.T) {
	attachtest.RequireRoot(t)
	b := newPlan(t)
	id := b.event(&plan.Event{Kind: plan.EventPrintf, Args: []types.Type{types.IntOf(64, true)}})
	b.prog("tracepoint:syscalls:sys_enter_getpid", ebpf.TracePoint, attachtest.OnlyTgid(os.Getpid()), emit(id, 1))
	var o output
	opts := o.options(&panicPrinter{})
	tr := track(&opts)
	opts.Hooks.Started = func() { syscall.Getpid() }
	func() {
		defer func() {
			if r := recover(); r != "printer bug" {
				t.Errorf("recovered %v", r)
			}
		}()
		runtime.Run(context.Background(), b.p, opts)
	}()
	tr.released(t)
}

// TestIter runs an iter:task probe: its output is the run's output and
// the run ends after it.
func TestIter(t *testing.T) {
	attachtest.RequireRoot(t)
	b := newPlan(t)
	p := b.prog("iter:task", ebpf.Tracing)
	p.Spec = attachtest.Program(p.Name, ebpf.Tracing, asm.Instructions{
		asm.LoadMem(asm.R2, asm.R1, 8, asm.DWord), // ctx->task
		asm.JEq.Imm(asm.R2, 0, attachtest.Exit),
		asm.LoadMem(asm.R1, asm.R1, 0, asm.DWord),   // ctx->meta
		asm.LoadMem(asm.R1, asm.R1, 0, asm.DWord),   // meta->seq
		asm.StoreImm(asm.RFP, -8, 0x0a78, asm.Half), // "x\n"
		asm.Mov.Reg(asm.R2, asm.RFP),
		asm.Add.Imm(asm.R2, -8),
		asm.Mov.Imm(asm.R3, 2),
		asm.FnSeqWrite.Call(),
	})
	p.Spec.AttachType, p.Spec.AttachTo = ebpf.AttachTraceIter, "task"
	var o output
	if _, err := runtime.Run(context.Background(), b.p, o.options(&fakePrinter{})); err != nil {
		t.Fatal(err)
	}
	out := o.stdout.String()
	if strings.Count(out, "x\n") < 2 || strings.Trim(out, "x\n") != "" || !strings.HasSuffix(out, "x\n\n\n") {
		t.Errorf("stdout = %q, want a line per task and the two newlines of the end", out)
	}
}

// TestSelfSignal runs a self:signal:SIGUSR1 probe when the process gets
// SIGUSR1; its exit() ends the run.
func TestSelfSignal(t *testing.T) {
	attachtest.RequireRoot(t)
	b := newPlan(t)
	pf := b.event(&plan.Event{Kind: plan.EventPrintf, Format: "sig ", Args: []types.Type{types.IntOf(64, true)}})
	exit := b.event(&plan.Event{Kind: plan.EventExit})
	b.prog("self:signal:SIGUSR1", ebpf.RawTracepoint, emit(pf, 1), emit(exit))
	var o output
	opts := o.options(&fakePrinter{})
	opts.Hooks.Started = func() { syscall.Kill(os.Getpid(), syscall.SIGUSR1) }
	if _, err := runtime.Run(context.Background(), b.p, opts); err != nil {
		t.Fatal(err)
	}
	if got := o.stdout.String(); got != "sig 1\n\n\n" {
		t.Errorf("stdout = %q", got)
	}
}

func TestDryRun(t *testing.T) {
	attachtest.RequireRoot(t)
	b := newPlan(t)
	b.counter("c")
	b.prog("tracepoint:syscalls:sys_enter_getpid", ebpf.TracePoint)
	var o output
	opts := o.options(&fakePrinter{})
	opts.DryRun = true
	if _, err := runtime.Run(context.Background(), b.p, opts); err != nil {
		t.Fatal(err)
	}
	if got := o.stdout.String(); got != "\n\n" {
		t.Errorf("stdout = %q (no maps in a dry run)", got)
	}
}

// TestCancelledBeforeStart: a context cancelled before Run (Ctrl-C during
// compilation) ends the run normally at once.
func TestCancelledBeforeStart(t *testing.T) {
	attachtest.RequireRoot(t)
	b := newPlan(t)
	b.counter("c")
	b.prog("tracepoint:syscalls:sys_enter_getpid", ebpf.TracePoint)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var o output
	opts := o.options(&fakePrinter{})
	tr := track(&opts)
	code, err := runtime.Run(ctx, b.p, opts)
	if err != nil || code != 0 {
		t.Fatalf("Run = %d, %v", code, err)
	}
	if got := o.stdout.String(); got != "\n\n@c: 0\n" {
		t.Errorf("stdout = %q", got)
	}
	tr.released(t)
}

// TestSIGUSR1Era017 prints every map on SIGUSR1, as bpftrace 0.17 did.
func TestSIGUSR1Era017(t *testing.T) {
	attachtest.RequireRoot(t)
	b := newPlan(t)
	c := b.counter("c")
	b.prog("tracepoint:syscalls:sys_enter_getpid", ebpf.TracePoint, attachtest.OnlyTgid(os.Getpid()), attachtest.Count(c, 0))
	var o output
	fp := &fakePrinter{}
	opts := o.options(fp)
	opts.Era, opts.Quiet = runtime.Era017, true
	ctx, cancel := context.WithCancel(context.Background())
	self := os.Getpid()
	opts.Hooks.Started = func() {
		syscall.Getpid()
		syscall.Kill(self, syscall.SIGUSR1)
		go func() {
			for !fp.printed("@c") {
				runtimeGosched()
			}
			cancel()
		}()
	}
	if _, err := runtime.Run(ctx, b.p, opts); err != nil {
		t.Fatal(err)
	}
	if got := o.stdout.String(); got != "@c: 1\n\n\n@c: 1\n" {
		t.Errorf("stdout = %q", got)
	}
}
