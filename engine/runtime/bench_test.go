package runtime_test

import (
	"context"
	"io"
	"os"
	goruntime "runtime"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/cilium/ebpf"

	"github.com/bt-tools/bt/engine/attach/attachtest"
	"github.com/bt-tools/bt/engine/plan"
	"github.com/bt-tools/bt/engine/runtime"
	"github.com/bt-tools/bt/lang/types"
)

// countingPrinter renders printf events as a decimal line, the cheapest
// realistic output, and counts them.
type countingPrinter struct {
	fakePrinter
	n   atomic.Int64
	buf []byte
}

func (c *countingPrinter) Printf(w io.Writer, ev *plan.Event, payload []byte) error {
	c.n.Add(1)
	c.buf = strconv.AppendUint(append(c.buf[:0], ev.Format...), le64(payload), 10)
	c.buf = append(c.buf, '\n')
	_, err := w.Write(c.buf)
	return err
}

// BenchmarkDrain measures how fast the runtime reads events: a
// tracepoint on getpid emits a fixed-size event per call of this process
// (b.N calls from one thread, as fast as it can), the runtime reads and
// prints them to io.Discard. It reports events read per second and the
// events lost because the ring buffer was full.
func BenchmarkDrain(b *testing.B) {
	for _, size := range []int{32, 128} {
		b.Run("event="+strconv.Itoa(size)+"B", func(b *testing.B) { benchmarkDrain(b, size) })
	}
}

func benchmarkDrain(b *testing.B, size int) {
	attachtest.RequireRoot(b)
	pb := newPlan(b)
	pb.p.Maps[0].Spec = attachtest.RingBuf(plan.RingBufMap, 16<<20)
	pb.p.Config.PrintMapsOnExit = false
	id := pb.event(&plan.Event{Kind: plan.EventPrintf, Format: "n=", Args: []types.Type{types.IntOf(64, false)}})
	pb.prog("tracepoint:syscalls:sys_enter_getpid", ebpf.TracePoint,
		attachtest.OnlyTgid(os.Getpid()),
		attachtest.Emit(plan.RingBufMap, plan.LostMap, size, id, 7))
	cp := &countingPrinter{}
	opts := runtime.Options{Stdout: io.Discard, Stderr: io.Discard, Printer: cp, Quiet: true, Hooks: &runtime.Hooks{}}
	var lostMap *ebpf.Map
	opts.Hooks.Loaded = func(_ map[string]*ebpf.Program, maps map[string]*ebpf.Map) { lostMap = maps[plan.LostMap] }
	var lost uint64
	opts.Hooks.Stopping = func() { lost = sumPerCPU(b, lostMap) }
	ctx, cancel := context.WithCancel(context.Background())
	var start time.Time
	var produced time.Duration
	opts.Hooks.Started = func() {
		go func() {
			goruntime.LockOSThread()
			defer goruntime.UnlockOSThread()
			start = time.Now()
			b.ResetTimer()
			for range b.N {
				syscall.Getpid()
			}
			produced = time.Since(start)
			cancel()
		}()
	}
	if _, err := runtime.Run(ctx, pb.p, opts); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	read := cp.n.Load()
	b.ReportMetric(float64(read)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(b.N)/produced.Seconds(), "produced/s")
	b.ReportMetric(float64(lost), "lost")
	if read+int64(lost) < int64(b.N) {
		b.Errorf("read %d + lost %d < %d events produced", read, lost, b.N)
	}
}

func sumPerCPU(tb testing.TB, m *ebpf.Map) uint64 {
	var vs []uint64
	if err := m.Lookup(uint32(0), &vs); err != nil {
		tb.Fatal(err)
	}
	var sum uint64
	for _, v := range vs {
		sum += v
	}
	return sum
}

// BenchmarkDrainFlood measures the reader's own speed: before the
// runtime starts reading, an XDP program run b.N times in one
// BPF_PROG_TEST_RUN call fills the run's 64 MiB ring buffer, then the
// runtime drains it (printing each event to io.Discard). events/s is the
// drain rate; lost counts what did not fit in the ring buffer.
//
// BenchmarkDrain shows the other side: with a live producer the rate is
// the producer's, since a reader that keeps up makes the kernel wake it
// for nearly every event.
//
// The output goes to /dev/null through write(2), so the -B modes can be
// compared: line (flush when the ring buffer is drained) and none (a
// write per event).
func BenchmarkDrainFlood(b *testing.B) {
	for _, size := range []int{32, 128} {
		for _, mode := range []struct {
			name string
			b    runtime.Buffering
		}{{"line", runtime.BufferLine}, {"none", runtime.BufferNone}} {
			b.Run("event="+strconv.Itoa(size)+"B/B="+mode.name, func(b *testing.B) { benchmarkFlood(b, size, mode.b) })
		}
	}
}

func benchmarkFlood(b *testing.B, size int, buffering runtime.Buffering) {
	attachtest.RequireRoot(b)
	pb := newPlan(b)
	pb.p.Maps[0].Spec = attachtest.RingBuf(plan.RingBufMap, 64<<20)
	pb.p.Config.PrintMapsOnExit = false
	id := pb.event(&plan.Event{Kind: plan.EventPrintf, Format: "n=", Args: []types.Type{types.IntOf(64, false)}})
	pb.prog("tracepoint:syscalls:sys_enter_getppid", ebpf.TracePoint) // keeps the run alive
	cp := &countingPrinter{}
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer null.Close()
	opts := runtime.Options{Stdout: null, Stderr: io.Discard, Printer: cp, Quiet: true, Buffering: buffering, Hooks: &runtime.Hooks{}}
	var flood *ebpf.Program
	var lostMap *ebpf.Map
	opts.Hooks.Loaded = func(_ map[string]*ebpf.Program, maps map[string]*ebpf.Map) {
		lostMap = maps[plan.LostMap]
		spec := attachtest.Program(pb.prefix+"_flood", ebpf.XDP,
			attachtest.Emit(plan.RingBufMap, plan.LostMap, size, id, 7))
		spec.Instructions.AssociateMap(plan.RingBufMap, maps[plan.RingBufMap])
		spec.Instructions.AssociateMap(plan.LostMap, maps[plan.LostMap])
		var err error
		if flood, err = ebpf.NewProgram(spec); err != nil {
			b.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var start time.Time
	var drained time.Duration
	var lost uint64
	var cpu0, cpu1 time.Duration
	opts.Hooks.Started = func() {
		if _, err := flood.Run(&ebpf.RunOptions{Data: make([]byte, 14), Repeat: uint32(b.N)}); err != nil {
			b.Error(err)
		}
		lost = sumPerCPU(b, lostMap)
		cancel()
		b.ResetTimer()
		start, cpu0 = time.Now(), cpuTime(b)
	}
	opts.Hooks.Stopping = func() { drained, cpu1 = time.Since(start), cpuTime(b) }
	if _, err := runtime.Run(ctx, pb.p, opts); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	flood.Close()
	read := cp.n.Load()
	b.ReportMetric(float64(read)/drained.Seconds(), "events/s")
	b.ReportMetric(float64(cpu1-cpu0)/float64(read), "cpu-ns/event")
	b.ReportMetric(float64(lost), "lost")
	if read+int64(lost) != int64(b.N) {
		b.Errorf("read %d + lost %d != %d events produced", read, lost, b.N)
	}
}

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
