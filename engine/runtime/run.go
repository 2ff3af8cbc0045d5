package runtime

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/ringbuf"
	"github.com/cilium/ebpf/rlimit"
	"golang.org/x/sys/unix"

	"github.com/bt-tools/bt/engine/attach"
	"github.com/bt-tools/bt/engine/plan"
)

// Run runs p until it stops and returns the exit code (exit(N) in the
// script, else 0). err is non-nil when the run could not start or failed;
// the exit code is then 1. Whatever happens, everything Run loaded is
// released before it returns.
func Run(ctx context.Context, p *plan.Plan, opts Options) (exitCode int, err error) {
	opts.setDefaults()
	r, err := newRunner(p, opts)
	if err != nil {
		return 1, err
	}
	defer func() {
		if cerr := r.close(); err == nil && cerr != nil {
			err = cerr
		}
		if err != nil {
			exitCode = 1
		}
	}()
	if err := r.start(ctx); err != nil {
		return 1, err
	}
	if err := r.loop(); err != nil {
		r.finish()
		return 1, err
	}
	if err := r.finish(); err != nil {
		return 1, err
	}
	return int(r.exitCode.Load()), nil
}

// runner is the state of one Run.
type runner struct {
	plan *plan.Plan
	opts Options
	out  *bufio.Writer

	coll     *collection
	rd       *ringbuf.Reader
	rec      ringbuf.Record
	events   []*plan.Event          // by ID, when IDs are small
	eventMap map[uint64]*plan.Event // the others
	userMaps map[string]*plan.Map   // by user name ("@x")

	attached []attach.Attachment
	begin    []*attach.Trigger
	end      []*attach.Trigger
	self     []*attach.Trigger
	iters    []*attach.Iter
	probes   int // "Attached N probes"

	stopOnce  sync.Once
	stopping  atomic.Bool
	stopped   chan struct{} // closed by requestStop
	dumpMaps  atomic.Bool   // SIGUSR1 under Era017: print all maps
	quiesced  bool          // gate closed or probes detached, by the loop
	detached  chan error
	exitCode  atomic.Int64
	lost      uint64
	lostCheck int64 // nanotime of the last lost-events check
	handled   uint64
	watchers  []func()
	watching  sync.WaitGroup // the watcher goroutines
	child     *Child
}

func newRunner(p *plan.Plan, opts Options) (*runner, error) {
	r := &runner{
		plan:     p,
		opts:     opts,
		out:      bufio.NewWriterSize(opts.Stdout, 64<<10),
		eventMap: map[uint64]*plan.Event{},
		userMaps: map[string]*plan.Map{},
		child:    opts.Child,
		stopped:  make(chan struct{}),
	}
	for _, ev := range p.Events {
		if ev.ID < 1024 {
			for uint64(len(r.events)) <= ev.ID {
				r.events = append(r.events, nil)
			}
			r.events[ev.ID] = ev
		} else {
			r.eventMap[ev.ID] = ev
		}
	}
	for _, m := range p.Maps {
		if m.UserName != "" {
			r.userMaps[m.UserName] = m
		}
	}
	for _, prog := range p.Programs {
		if prog.Spec == nil || prog.Attach == nil || prog.Attach.Provider == nil {
			return nil, fmt.Errorf("runtime: program %s has no spec or attach point", prog.Name)
		}
	}
	if opts.Printer == nil && (len(p.Events) > 0 || (p.Config.PrintMapsOnExit && len(r.userMaps) > 0)) {
		return nil, errNoPrinter
	}
	return r, nil
}

// start does everything up to reading events: load, attach, open the
// gate, run begin probes, let the child go.
func (r *runner) start(ctx context.Context) error {
	if err := r.load(); err != nil {
		return err
	}
	if r.opts.Era == Era017 {
		r.attachingMessage(len(r.plan.Programs))
	}
	if err := r.attachAll(ctx); err != nil {
		return err
	}
	if r.opts.Era != Era017 {
		r.attachedMessage(r.probes)
	}
	if h := r.opts.Hooks.Attached; h != nil {
		if err := h(ctx); err != nil {
			return err
		}
	}
	return r.launch(ctx)
}

// load prepares the kernel side: memlock, tracefs, maps and programs,
// the start time, the ring buffer reader.
func (r *runner) load() error {
	// Kernels since 5.11 account BPF memory to the cgroup; RemoveMemlock
	// then does nothing. Where it fails, loading says why.
	_ = rlimit.RemoveMemlock()
	if r.needsTracefs() {
		// A failure is not fatal here: uprobes work without tracefs, and a
		// tracepoint that cannot attach says that tracefs is missing.
		_, _ = attach.EnsureTracefs()
	}
	var err error
	if r.coll, err = load(r.plan, &r.opts); err != nil {
		return err
	}
	if h := r.opts.Hooks.Loaded; h != nil {
		h(r.coll.progs, r.coll.maps)
	}
	if err := r.writeStartTime(); err != nil {
		return err
	}
	return r.openRingBuf()
}

// launch opens the gate, runs the begin probes, starts the watchers and
// lets the child run.
func (r *runner) launch(ctx context.Context) error {
	if err := r.setGate(1); err != nil {
		return err
	}
	for _, t := range r.begin {
		if _, err := t.Fire(); err != nil {
			return err
		}
	}
	r.watch(ctx)
	if r.child != nil {
		if err := r.child.Release(); err != nil {
			return err
		}
	}
	if h := r.opts.Hooks.Started; h != nil {
		h()
	}
	if r.opts.DryRun || r.onlySpecial() {
		r.requestStop()
	}
	return nil
}

// needsTracefs reports whether a probe finds its hook through tracefs.
func (r *runner) needsTracefs() bool {
	for _, p := range r.plan.Programs {
		switch p.Attach.Provider.Name {
		case "tracepoint", "kprobe", "kretprobe", "uprobe", "uretprobe", "usdt":
			return true
		}
	}
	return false
}

// onlySpecial reports whether nothing is attached that could produce
// events later: bpftrace then drains the ring buffer and exits.
func (r *runner) onlySpecial() bool {
	return len(r.attached) == 0 && len(r.self) == 0 && len(r.iters) == 0
}

// writeStartTime stores the boot-clock time in the start map, the origin
// of elapsed.
func (r *runner) writeStartTime() error {
	m, ok := r.coll.maps[plan.StartMap]
	if !ok {
		return nil
	}
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts); err != nil {
		return fmt.Errorf("read boot clock: %w", err)
	}
	if err := m.Update(uint32(0), uint64(ts.Nano()), ebpf.UpdateAny); err != nil {
		return fmt.Errorf("write start time: %w", err)
	}
	return nil
}

// setGate writes the start gate, when the plan has one.
func (r *runner) setGate(v uint64) error {
	if !r.plan.SyncStart {
		return nil
	}
	m, ok := r.coll.maps[plan.GateMap]
	if !ok {
		return fmt.Errorf("plan has SyncStart but no %s map", plan.GateMap)
	}
	if err := m.Update(uint32(0), v, ebpf.UpdateAny); err != nil {
		return fmt.Errorf("set start gate to %d: %w", v, err)
	}
	return nil
}

func (r *runner) openRingBuf() error {
	m, ok := r.coll.maps[plan.RingBufMap]
	if !ok {
		return nil
	}
	rd, err := ringbuf.NewReader(m)
	if err != nil {
		return fmt.Errorf("open ring buffer: %w", err)
	}
	r.rd = rd
	r.rec.RawSample = make([]byte, 0, 4096)
	return nil
}

// requestStop makes the run stop: the loop drains what is left and
// returns. It may be called from any goroutine, more than once.
func (r *runner) requestStop() {
	r.stopOnce.Do(func() {
		r.stopping.Store(true)
		close(r.stopped)
		if r.rd != nil {
			_ = r.rd.Flush() // wake the reader
		}
	})
}

// stopChan is closed when the run is to stop.
func (r *runner) stopChan() <-chan struct{} { return r.stopped }

// close releases everything, in every case; it is idempotent.
func (r *runner) close() error {
	var errs []error
	for _, stop := range r.watchers {
		stop()
	}
	r.watchers = nil
	r.watching.Wait() // a self probe may be running: wait before closing it
	if r.child != nil {
		r.child.Kill()
	}
	if r.detached != nil {
		errs = append(errs, <-r.detached)
		r.detached = nil
	}
	errs = append(errs, attach.CloseAll(r.attached))
	r.attached = nil
	if r.rd != nil {
		errs = append(errs, r.rd.Close())
		r.rd = nil
	}
	if r.coll != nil {
		r.coll.Close()
		r.coll = nil
	}
	errs = append(errs, r.out.Flush())
	return errors.Join(errs...)
}

// event returns the event with an ID.
func (r *runner) event(id uint64) *plan.Event {
	if id < uint64(len(r.events)) {
		return r.events[id]
	}
	return r.eventMap[id]
}

// nativeUint64 reads a native-endian uint64.
func nativeUint64(b []byte) uint64 { return binary.NativeEndian.Uint64(b) }
