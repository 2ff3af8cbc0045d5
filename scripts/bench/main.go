// Command bench runs bt and bpftrace side by side on the same scripts and
// prints how they compare: start-up time and memory, attach time, exit
// latency, in-kernel cost per event and printf throughput. scripts/bench.sh
// builds bt and runs it; it needs root.
//
// Each tracer runs alone (never both at once), on the same script and the
// same generated events. Events come from this process: a thread locked to
// the OS and named bt-bench-wl (its comm) calls getpid in a loop.
//
// In-kernel cost is the kernel's own accounting (BPF_ENABLE_STATS, what
// sysctl kernel.bpf_stats_enabled=1 turns on): run time over run count of
// the tracer's programs while the events are generated. "Attached" is when
// bt has opened its start gate, and when bpftrace 0.17 holds the perf
// events of all its probes (it prints "Attaching N probes..." before it
// attaches); both are polled every millisecond.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"

	"github.com/bt-tools/bt/engine/difftest"
)

var (
	btFlag       = flag.String("bt", "bt", "the bt binary")
	bpftraceFlag = flag.String("bpftrace", "bpftrace", "the bpftrace binary (0.17)")
	runsFlag     = flag.Int("runs", 10, "runs of each start-up measurement (the median is shown)")
	wildRuns     = flag.Int("wildcard-runs", 1, "runs of the sys_enter_* script under bpftrace (about 30 s each)")
	eventsFlag   = flag.Int("events", 1_000_000, "events generated for each in-kernel cost measurement")
	outFlag      = flag.String("o", "", "also write the table, with the machine it ran on, to `FILE` (markdown)")
	revFlag      = flag.String("rev", "", "the source revision bt was built from, for the report")
	onlyFlag     = flag.String("only", "", "run only these comma-separated parts: startup, wildcard, attach, exit, kernel, printf")
)

// wlComm is the comm of the event-generating thread.
const wlComm = "bt-bench-wl"

func main() {
	flag.Parse()
	if os.Geteuid() != 0 {
		fmt.Fprintln(os.Stderr, "bench: needs root (loads BPF programs)")
		os.Exit(2)
	}
	b, err := newBench()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	defer b.close()
	b.run()
	table := b.table()
	fmt.Print(table)
	if *outFlag != "" {
		if err := os.WriteFile(*outFlag, []byte(b.document(table)), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
	}
	if len(b.errs) > 0 {
		os.Exit(1)
	}
}

// A row of the table: one measurement of both tracers.
type row struct {
	name      string
	bpftrace  string
	bt        string
	ratio     string
	aim       string
	reference string // bpftrace 0.17 measured earlier on the project's machine
}

type bench struct {
	bt, bpftrace string
	ncpu         int
	stats        io.Closer
	rows         []row
	errs         []error
	gen          *generator
}

func newBench() (*bench, error) {
	b := &bench{}
	var err error
	if b.bt, err = exec.LookPath(*btFlag); err != nil {
		return nil, err
	}
	if b.bpftrace, err = exec.LookPath(*bpftraceFlag); err != nil {
		return nil, fmt.Errorf("%w (apt-get install bpftrace)", err)
	}
	if b.ncpu, err = difftest.OnlineCPUs(); err != nil {
		return nil, err
	}
	if b.stats, err = ebpf.EnableStats(uint32(unix.BPF_STATS_RUN_TIME)); err != nil {
		return nil, fmt.Errorf("enable BPF run-time statistics: %w", err)
	}
	b.gen = newGenerator()
	return b, nil
}

func (b *bench) close() {
	b.stats.Close()
	b.gen.stop()
}

func (b *bench) fail(what string, err error) {
	err = fmt.Errorf("%s: %w", what, err)
	fmt.Fprintln(os.Stderr, "bench:", err)
	b.errs = append(b.errs, err)
}

// ---------------------------------------------------------------------------
// The measurements

func (b *bench) run() {
	parts := []struct {
		name string
		run  func()
	}{
		{"startup", b.startup},
		{"wildcard", b.wildcard},
		{"attach", b.attach},
		{"exit", b.exitLatency},
		{"kernel", b.inKernel},
		{"printf", b.printfRate},
	}
	only := strings.Split(*onlyFlag, ",")
	for _, p := range parts {
		if *onlyFlag == "" || slices.Contains(only, p.name) {
			p.run()
		}
	}
}

// A tracer names the two contenders: argv prefixes before the script.
type tracer struct {
	name string
	argv []string
}

func (b *bench) tracers() [2]tracer {
	return [2]tracer{
		{"bpftrace", []string{b.bpftrace}},
		{"bt", []string{b.bt, "run"}},
	}
}

// startup runs `BEGIN { exit(); }` to completion: wall time and peak RSS.
func (b *bench) startup() {
	const script = "BEGIN { exit(); }"
	var wall [2]time.Duration
	var rss [2]int64
	for i, tr := range b.tracers() {
		var times []time.Duration
		for range *runsFlag {
			d, maxrss, err := runToEnd(append(tr.argv, "-e", script))
			if err != nil {
				b.fail(tr.name+" "+script, err)
				return
			}
			times = append(times, d)
			rss[i] = max(rss[i], maxrss)
		}
		wall[i] = median(times)
	}
	b.rows = append(b.rows,
		durRow("`BEGIN { exit(); }`: wall time (median)", wall, "< 12 ms", "243 ms"),
		row{"`BEGIN { exit(); }`: peak RSS", mib(rss[0]), mib(rss[1]), ratio(float64(rss[1]), float64(rss[0])), "< 15 MiB", "88 MiB"})
}

// wildcard runs the sys_enter_* script to completion.
func (b *bench) wildcard() {
	const script = "tracepoint:syscalls:sys_enter_* { @[probe] = count(); } interval:ms:200 { exit(); }"
	var wall [2][]time.Duration
	for i, tr := range b.tracers() {
		runs := *wildRuns
		if tr.name == "bt" {
			runs = max(3, runs)
		}
		for range runs {
			d, _, err := runToEnd(append(tr.argv, "-e", script))
			if err != nil {
				b.fail(tr.name+" sys_enter_*", err)
				return
			}
			wall[i] = append(wall[i], d)
		}
	}
	b.rows = append(b.rows, spreadRow("`sys_enter_* { @[probe] = count() } interval:ms:200 { exit() }`: wall time", wall, "< 1 s", "27 s"))
}

// attach measures the time from start to all probes attached, for one
// tracepoint and for every sys_enter_* tracepoint.
func (b *bench) attach() {
	for _, c := range []struct{ label, script string }{
		{"one tracepoint", "tracepoint:syscalls:sys_enter_getpid { @ = count(); }"},
		{"sys_enter_* (wildcard)", "tracepoint:syscalls:sys_enter_* { @[probe] = count(); }"},
	} {
		var res [2]time.Duration
		for i, tr := range b.tracers() {
			runs := 3
			if tr.name == "bpftrace" && strings.Contains(c.script, "*") {
				runs = *wildRuns
			}
			var times []time.Duration
			for range runs {
				d, err := b.timeToAttach(tr, c.script)
				if err != nil {
					b.fail(tr.name+" attach "+c.label, err)
					return
				}
				times = append(times, d)
			}
			res[i] = median(times)
		}
		b.rows = append(b.rows, durRow("start → probes attached, "+c.label, res, "", ""))
	}
}

func (b *bench) timeToAttach(tr tracer, script string) (time.Duration, error) {
	t0 := time.Now()
	p, err := difftest.StartTracer(tr.name, append(tr.argv, "-e", script), nil)
	if err != nil {
		return 0, err
	}
	defer stop(p)
	if err := b.waitReady(p, tr, script); err != nil {
		return 0, err
	}
	return time.Since(t0), nil
}

// exitLatency measures the time from a probe calling exit() to the
// process having ended: the probe fires on a getppid of this process.
func (b *bench) exitLatency() {
	script := fmt.Sprintf("tracepoint:syscalls:sys_enter_getppid /pid == %d/ { exit(); }", os.Getpid())
	var res [2]time.Duration
	for i, tr := range b.tracers() {
		var times []time.Duration
		for range 5 {
			p, err := difftest.StartTracer(tr.name, append(tr.argv, "-e", script), nil)
			if err != nil {
				b.fail(tr.name+" exit latency", err)
				return
			}
			if err := b.waitReady(p, tr, script); err != nil {
				stop(p)
				b.fail(tr.name+" exit latency", err)
				return
			}
			time.Sleep(100 * time.Millisecond)
			t0 := time.Now()
			unix.Getppid()
			if err := p.Wait(10 * time.Second); err != nil {
				b.fail(tr.name+" exit latency", err)
				return
			}
			times = append(times, p.Ended().Sub(t0))
		}
		res[i] = median(times)
	}
	b.rows = append(b.rows, durRow("exit() in a probe → process ended", res, "no idle wait", ""))
	b.detachLatency()
}

// detachLatency measures the time from SIGINT to the process having ended
// with every sys_enter_* tracepoint attached: detaching is most of it.
func (b *bench) detachLatency() {
	const script = "tracepoint:syscalls:sys_enter_* { @[probe] = count(); }"
	var res [2][]time.Duration
	for i, tr := range b.tracers() {
		runs := 3
		if tr.name == "bpftrace" {
			runs = *wildRuns
		}
		for range runs {
			d, err := b.sigintToEnd(tr, script)
			if err != nil {
				b.fail(tr.name+" detach latency", err)
				return
			}
			res[i] = append(res[i], d)
		}
	}
	b.rows = append(b.rows, spreadRow("SIGINT → process ended, sys_enter_* attached", res, "no idle wait", ""))
}

func (b *bench) sigintToEnd(tr tracer, script string) (time.Duration, error) {
	p, err := difftest.StartTracer(tr.name, append(tr.argv, "-e", script), nil)
	if err != nil {
		return 0, err
	}
	defer stop(p)
	if err := b.waitReady(p, tr, script); err != nil {
		return 0, err
	}
	time.Sleep(100 * time.Millisecond)
	t0 := time.Now()
	p.Signal(syscall.SIGINT)
	if err := p.Wait(2 * time.Minute); err != nil {
		return 0, err
	}
	return p.Ended().Sub(t0), nil
}

// inKernel measures run time per program run while events are generated.
func (b *bench) inKernel() {
	for _, c := range []struct{ label, script, ref string }{
		{"`@ = count()`", "tracepoint:syscalls:sys_enter_getpid { @ = count(); }", "61 ns"},
		{"`@[comm] = count()`", "tracepoint:syscalls:sys_enter_getpid { @[comm] = count(); }", "127 ns"},
		{"`@ = hist(tid)`", "tracepoint:syscalls:sys_enter_getpid { @ = hist(tid); }", "102 ns"},
		{"`@start[tid]` delta into hist", "tracepoint:syscalls:sys_enter_getpid { @start[tid] = nsecs; } " +
			"tracepoint:syscalls:sys_exit_getpid /@start[tid]/ { @ns = hist(nsecs - @start[tid]); delete(@start[tid]); }", ""},
		{"`printf(\"%d %s\\n\", pid, comm)`", "tracepoint:syscalls:sys_enter_getpid { printf(\"%d %s\\n\", pid, comm); }", ""},
	} {
		var res [2]float64
		var cells [2]string
		for i, tr := range b.tracers() {
			ns, err := b.nsPerRun(tr, c.script)
			if err != nil {
				b.fail(tr.name+" in-kernel "+c.label, err)
				cells[i] = "failed"
				continue
			}
			res[i], cells[i] = ns, fmt.Sprintf("%.0f ns", ns)
		}
		b.rows = append(b.rows, row{
			name:      "in-kernel ns per program run, " + c.label,
			bpftrace:  cells[0],
			bt:        cells[1],
			ratio:     ratio(res[1], res[0]),
			aim:       "≤ bpftrace",
			reference: c.ref,
		})
	}
}

func (b *bench) nsPerRun(tr tracer, script string) (float64, error) {
	p, err := difftest.StartTracer(tr.name, append(tr.argv, "-e", script), nil)
	if err != nil {
		return 0, err
	}
	defer stop(p)
	if err := b.waitReady(p, tr, script); err != nil {
		return 0, err
	}
	before, err := programStats(p.Cmd.Process.Pid)
	if err != nil {
		return 0, err
	}
	b.gen.run(*eventsFlag)
	after, err := programStats(p.Cmd.Process.Pid)
	if err != nil {
		return 0, err
	}
	var runtime time.Duration
	var runs uint64
	for id, a := range after {
		runtime += a.Runtime - before[id].Runtime
		runs += a.RunCount - before[id].RunCount
	}
	// Fewer runs than events happen when another tracing program was
	// running on the CPU (the kernel then skips ours), but not many.
	if runs < uint64(*eventsFlag)*9/10 {
		return 0, fmt.Errorf("programs ran %d times for %d events: is BPF statistics collection on?", runs, *eventsFlag)
	}
	return float64(runtime.Nanoseconds()) / float64(runs), nil
}

// programStats returns the run statistics of every program pid holds.
func programStats(pid int) (map[ebpf.ProgramID]ebpf.ProgramStats, error) {
	o, err := difftest.ProcessObjects(pid)
	if err != nil {
		return nil, err
	}
	stats := map[ebpf.ProgramID]ebpf.ProgramStats{}
	for _, id := range o.Progs {
		prog, err := ebpf.NewProgramFromID(id)
		if err != nil {
			continue
		}
		s, err := prog.Stats()
		prog.Close()
		if err != nil {
			return nil, err
		}
		stats[id] = *s
	}
	return stats, nil
}

// printfPerCall is how many printf events each generated getpid makes:
// one thread making syscalls cannot make a million events a second on its
// own, while the tracer drains on another CPU.
const printfPerCall = 8

// printfRate finds how many printf events per second a tracer drains
// without losing any: one tracer run, events generated at rising rates
// (one second each) until lines go missing or the generator cannot go
// faster.
func (b *bench) printfRate() {
	script := fmt.Sprintf("tracepoint:syscalls:sys_enter_getpid /comm == \"%s\"/ { unroll(%d) { printf(\"getpid %%d\\n\", tid); } }", wlComm, printfPerCall)
	var best [2]float64
	var cells [2]string
	for i, tr := range b.tracers() {
		steps, err := b.ladder(tr, script)
		if err != nil {
			b.fail(tr.name+" printf rate", err)
			return
		}
		best[i], cells[i] = summarize(steps)
	}
	b.rows = append(b.rows, row{
		name: "printf events per second drained without loss", bpftrace: cells[0], bt: cells[1],
		ratio: ratio(best[1], best[0]), aim: "> 1M/s", reference: "~12 µs per event",
	})
}

// A step of the ladder: events generated at a target rate for a second.
type step struct {
	target    int     // events per second asked for
	generated float64 // events per second achieved
	lost      int     // lines that never came
	reported  int     // events the tracer reported lost
}

// summarize returns the best lossless rate and the table cell.
func summarize(steps []step) (float64, string) {
	var best float64
	var sb strings.Builder
	for _, st := range steps {
		if st.lost == 0 {
			best = max(best, st.generated)
		}
	}
	fmt.Fprintf(&sb, "%s/s", si(best))
	if last := steps[len(steps)-1]; last.lost > 0 {
		fmt.Fprintf(&sb, " (next step, %s/s generated: %.0f%% lost, %d reported lost)", si(last.generated),
			100*float64(last.lost)/(last.generated), last.reported)
	} else {
		fmt.Fprintf(&sb, " (no loss; the generator could go no faster)")
	}
	return best, sb.String()
}

// printfRates are the ladder's steps in events per second.
var printfRates = []int{50_000, 100_000, 200_000, 400_000, 800_000, 1_200_000, 1_600_000, 2_400_000, 3_200_000}

func (b *bench) ladder(tr tracer, script string) ([]step, error) {
	cmd := exec.Command(tr.argv[0], append(tr.argv[1:], "-e", script)...)
	c := &lineCounter{}
	cmd.Stdout, cmd.Stderr = c, c
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGINT)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(time.Minute):
			cmd.Process.Kill()
			<-done
		}
	}()
	if err := b.waitReadyPID(cmd.Process.Pid, tr, script); err != nil {
		return nil, err
	}
	var steps []step
	want := 0
	for _, rate := range printfRates {
		t0 := time.Now()
		calls := b.gen.paced(rate/printfPerCall, time.Second)
		st := step{target: rate, generated: float64(calls*printfPerCall) / time.Since(t0).Seconds()}
		want += calls * printfPerCall
		// Wait for the lines to catch up, or to stop coming for a second.
		for {
			time.Sleep(50 * time.Millisecond)
			got, last := c.count()
			if got >= want || time.Since(last) > time.Second {
				break
			}
		}
		got, _ := c.count()
		st.lost, st.reported = want-got, c.lostReported()
		steps = append(steps, st)
		if st.lost > 0 || st.generated < 0.8*float64(rate) {
			break // losing events, or the generator is at its limit
		}
	}
	return steps, nil
}

// A lineCounter counts the event lines a tracer writes ("getpid N") and
// the "Lost N events" reports, in raw chunks rather than line by line so
// that counting does not slow the tracer down.
type lineCounter struct {
	mu    sync.Mutex
	carry []byte
	lines int
	lost  int
	last  time.Time
}

func (c *lineCounter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	chunk := append(c.carry, p...)
	if k := bytes.Count(chunk, []byte("getpid ")); k > 0 {
		c.lines += k
		c.last = time.Now()
	}
	c.lost += lostEvents(chunk)
	// Six bytes cannot hold a whole "getpid ": a match that starts in
	// them ends in the next write.
	c.carry = append(c.carry[:0], chunk[max(0, len(chunk)-6):]...)
	return len(p), nil
}

func (c *lineCounter) count() (int, time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lines, c.last
}

func (c *lineCounter) lostReported() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lost
}

var lostRx = regexp.MustCompile(`Lost (\d+) events`)

// lostEvents adds up the "Lost N events" reports in b.
func lostEvents(b []byte) int {
	n := 0
	for _, m := range lostRx.FindAllSubmatch(b, -1) {
		k, _ := strconv.Atoi(string(m[1]))
		n += k
	}
	return n
}

// ---------------------------------------------------------------------------
// Processes

// runToEnd runs argv to completion and returns its wall time and peak RSS
// (KiB).
func runToEnd(argv []string) (time.Duration, int64, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	t0 := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, 0, fmt.Errorf("%v: %v\n%s", argv, err, stderr.String())
	}
	d := time.Since(t0)
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	var rss int64
	if ru != nil {
		rss = ru.Maxrss
	}
	return d, rss, nil
}

// waitReady waits until a tracer has attached every probe.
func (b *bench) waitReady(p *difftest.Tracer, tr tracer, script string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ready := difftest.BTReady
	if tr.name == "bpftrace" {
		ready = difftest.BpftraceReady(script, b.ncpu)
	}
	return p.WaitReadyEvery(ctx, ready, time.Millisecond)
}

// waitReadyPID is waitReady for a process started without StartTracer
// (its output goes elsewhere): bpftrace's check reads only the perf event
// count, given the attach count its message will have.
func (b *bench) waitReadyPID(pid int, tr tracer, script string) error {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		var ok bool
		var err error
		if tr.name == "bpftrace" {
			var o difftest.Objects
			o, err = difftest.ProcessObjects(pid)
			ok = err == nil && o.Perf >= difftest.BpftracePerfFDs(script, 1, b.ncpu)
		} else {
			ok, err = difftest.GateOpen(pid)
		}
		if ok {
			return nil
		}
		if err != nil {
			return err
		}
		time.Sleep(time.Millisecond)
	}
	return errors.New("not attached after 2 minutes")
}

// stop ends a tracer with SIGINT, then SIGKILL.
func stop(p *difftest.Tracer) {
	p.Signal(syscall.SIGINT)
	if p.Wait(30*time.Second) != nil {
		p.Kill()
	}
}

// ---------------------------------------------------------------------------
// Events

// A generator calls getpid n times on a thread whose comm is wlComm.
type generator struct {
	req  chan int
	done chan struct{}
}

func newGenerator() *generator {
	g := &generator{req: make(chan int), done: make(chan struct{})}
	ready := make(chan struct{})
	go func() {
		runtime.LockOSThread() // never unlocked: the thread keeps its name
		name, _ := unix.BytePtrFromString(wlComm)
		unix.Prctl(unix.PR_SET_NAME, uintptr(unsafe.Pointer(name)), 0, 0, 0)
		close(ready)
		for n := range g.req {
			for range n {
				unix.RawSyscall(unix.SYS_GETPID, 0, 0, 0)
			}
			g.done <- struct{}{}
		}
	}()
	<-ready
	return g
}

func (g *generator) run(n int) {
	g.req <- n
	<-g.done
}

// paced makes rate calls per second for d, in batches every millisecond
// (or as fast as it can, when that is slower), and returns how many it
// made.
func (g *generator) paced(rate int, d time.Duration) int {
	const tick = time.Millisecond
	ticks := int(d / tick)
	batch := max(1, rate/ticks)
	t0 := time.Now()
	for i := range ticks {
		g.run(batch)
		if wait := time.Until(t0.Add(time.Duration(i+1) * tick)); wait > 0 {
			time.Sleep(wait)
		}
	}
	return batch * ticks
}

func (g *generator) stop() { close(g.req) }

// ---------------------------------------------------------------------------
// Formatting

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func durRow(name string, d [2]time.Duration, aim, ref string) row {
	return row{name, dur(d[0]), dur(d[1]), ratio(float64(d[1]), float64(d[0])), aim, ref}
}

// spreadRow is durRow for runs whose times vary a lot (detaching many
// probes waits for RCU grace periods): the median, and the range when the
// slowest run took over twice the fastest.
func spreadRow(name string, runs [2][]time.Duration, aim, ref string) row {
	var cells [2]string
	var med [2]time.Duration
	for i, ds := range runs {
		med[i] = median(ds)
		cells[i] = dur(med[i])
		if lo, hi := slices.Min(ds), slices.Max(ds); hi > 2*lo {
			cells[i] += fmt.Sprintf(" (%s–%s)", dur(lo), dur(hi))
		}
	}
	return row{name, cells[0], cells[1], ratio(float64(med[1]), float64(med[0])), aim, ref}
}

func dur(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
}

func mib(kib int64) string { return fmt.Sprintf("%.1f MiB", float64(kib)/1024) }

func si(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2fM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.0fk", v/1e3)
	default:
		return fmt.Sprintf("%.0f", v)
	}
}

// ratio is bt over bpftrace.
func ratio(bt, bpftrace float64) string {
	if bpftrace == 0 || bt == 0 {
		return "–"
	}
	r := bt / bpftrace
	if r < 0.1 {
		return fmt.Sprintf("%.3f", r)
	}
	return fmt.Sprintf("%.2f", r)
}

func (b *bench) table() string {
	var sb strings.Builder
	sb.WriteString("| Measurement | bpftrace 0.17 | bt | bt / bpftrace | Aim for bt | bpftrace 0.17 earlier |\n")
	sb.WriteString("|---|---|---|---|---|---|\n")
	for _, r := range b.rows {
		fmt.Fprintf(&sb, "| %s | %s | %s | %s | %s | %s |\n", r.name, r.bpftrace, r.bt, r.ratio, r.aim, r.reference)
	}
	return sb.String()
}

// document is docs/bench.md: the table and where it was measured.
func (b *bench) document(table string) string {
	var sb strings.Builder
	sb.WriteString("# bt against bpftrace: benchmark\n\n")
	sb.WriteString("Measured by `scripts/bench.sh` (as root), which runs bt and Debian's bpftrace 0.17 side by side\n")
	sb.WriteString("on the same scripts and the same generated events, one tracer at a time. Regenerate with\n")
	sb.WriteString("`sudo scripts/bench.sh`; see scripts/bench/main.go for how each figure is taken.\n\n")
	fmt.Fprintf(&sb, "Machine: %s; %d CPUs (%s); %s.  \n", kernel(), b.ncpu, cpuModel(), time.Now().UTC().Format("2006-01-02"))
	bt := version(b.bt, "version")
	if *revFlag != "" {
		bt += " built from " + *revFlag
	}
	fmt.Fprintf(&sb, "bt: %s; bpftrace: %s.\n\n", bt, version(b.bpftrace, "--version"))
	sb.WriteString(table)
	sb.WriteString(`
Notes:
- Wall times are medians over several runs, with the range when runs varied more than twofold
  (detaching a few hundred tracepoints waits for an RCU grace period each, which varies a
  lot); peak RSS is the largest maxrss (wait4) seen.
- "start → probes attached": bt has opened its start gate; bpftrace 0.17 holds the perf events of
  all its probes (it prints "Attaching N probes..." before attaching). Both polled every millisecond.
- In-kernel cost: run time over run count of the tracer's programs (BPF_ENABLE_STATS, as
  kernel.bpf_stats_enabled=1) while one thread calls getpid; the delta pattern runs two programs
  per call.
- printf throughput: one run of each tracer; one thread calls getpid at rising rates, a second at
  each rate, and each call makes 8 printf events (unroll); the figure is the highest rate at which
  every line arrived. A step that loses lines ends the ladder, and so does a generator that cannot
  reach the rate asked for (bpftrace's in-kernel printf cost slows the calls down).
- "bpftrace 0.17 earlier": figures measured before on the project's machine, for reference.
`)
	return sb.String()
}

func kernel() string {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return "Linux"
	}
	return "Linux " + unix.ByteSliceToString(u.Release[:])
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

func version(bin, arg string) string {
	out, err := exec.Command(bin, arg).Output()
	if err != nil {
		return "unknown version"
	}
	return strings.TrimSpace(string(out))
}
