package runtime

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/ringbuf"

	"github.com/bt-tools/bt/engine/attach"
	"github.com/bt-tools/bt/engine/plan"
)

// lostInterval is how often, at most, the lost-events counter is read.
const lostInterval = 100 * time.Millisecond

// loop reads and dispatches events until the run stops, then quiesces the
// probes and drains what is left.
//
// Reading is allocation-free per event: one reused Record, handlers that
// write into a bufio.Writer, and a flush only when the ring buffer is
// empty (BufferLine), so a burst costs one write(2) per 64 KiB.
func (r *runner) loop() error {
	if err := r.runIters(); err != nil {
		return err
	}
	if r.rd == nil {
		<-r.stopChan()
		return r.quiesce()
	}
	for {
		if r.stopping.Load() {
			if err := r.quiesce(); err != nil {
				return err
			}
			if r.rd.AvailableBytes() == 0 {
				return r.idle(true)
			}
		}
		if err := r.rd.ReadInto(&r.rec); err != nil {
			if errors.Is(err, ringbuf.ErrFlushed) {
				// Woken by requestStop or a map dump request.
				if err := r.dumpRequested(); err != nil {
					return err
				}
				continue
			}
			return fmt.Errorf("read ring buffer: %w", err)
		}
		if err := r.dispatch(r.rec.RawSample); err != nil {
			return err
		}
		if err := r.afterEvent(); err != nil {
			return err
		}
	}
}

// dumpRequested prints every map if SIGUSR1 asked for it (bpftrace 0.17).
func (r *runner) dumpRequested() error {
	if !r.dumpMaps.Swap(false) {
		return nil
	}
	if err := r.printAllMaps(); err != nil {
		return err
	}
	return r.flush()
}

// busyCheck is how many events the loop handles, when the ring buffer
// never empties, between two looks at the clock for lost events and
// flushing.
const busyCheck = 4096

// afterEvent flushes output as the buffering mode says, and keeps
// reporting lost events and flushing under a flood that never lets the
// ring buffer empty.
func (r *runner) afterEvent() error {
	if r.opts.Buffering == BufferNone {
		return r.flush()
	}
	r.handled++
	if r.rd.AvailableBytes() == 0 || r.handled%busyCheck == 0 {
		return r.idle(false)
	}
	return nil
}

// idle runs when the ring buffer has been drained (or every busyCheck
// events): flush the output (unless -B full) and report lost events, at
// most every lostInterval unless final.
func (r *runner) idle(final bool) error {
	now := time.Now().UnixNano()
	if final || now-r.lostCheck >= int64(lostInterval) {
		r.lostCheck = now
		r.checkLost()
	}
	if r.opts.Buffering == BufferFull && !final {
		return nil
	}
	return r.flush()
}

// flush writes out buffered output; a write error (a closed pipe, a full
// disk) stops the run.
func (r *runner) flush() error {
	if err := r.out.Flush(); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}

// drain dispatches every event already in the ring buffer, without
// waiting for more.
func (r *runner) drain() error {
	if r.rd == nil {
		return nil
	}
	for r.rd.AvailableBytes() > 0 {
		if err := r.rd.ReadInto(&r.rec); err != nil {
			if errors.Is(err, ringbuf.ErrFlushed) {
				continue
			}
			return fmt.Errorf("read ring buffer: %w", err)
		}
		if err := r.dispatch(r.rec.RawSample); err != nil {
			return err
		}
	}
	return r.idle(true)
}

// quiesce makes the probes stop firing, once. With the start gate that
// is closing it: every program returns at its gate check from then on,
// and the links are closed in the background while the end probes run
// and the maps print (detaching perf-event hooks takes tens of
// milliseconds each). Without the gate the probes are detached here.
func (r *runner) quiesce() error {
	if r.quiesced {
		return nil
	}
	r.quiesced = true
	as := r.attached
	r.attached = nil
	if !r.plan.SyncStart {
		return attach.CloseAll(as)
	}
	if err := r.setGate(0); err != nil {
		r.attached = as
		return err
	}
	r.detached = make(chan error, 1)
	go func() { r.detached <- attach.CloseAll(as) }()
	return nil
}

// finish ends the run: quiesce the probes, stop the child, run the end
// probes, drain the ring buffer, report lost events and print the maps.
func (r *runner) finish() error {
	r.requestStop()
	if err := r.quiesce(); err != nil {
		return err
	}
	if h := r.opts.Hooks.Stopping; h != nil {
		h()
	}
	if r.child != nil {
		r.child.Terminate()
	}
	for _, t := range r.end {
		if _, err := t.Fire(); err != nil {
			return err
		}
	}
	if err := r.drain(); err != nil {
		return err
	}
	r.totalLostMessage()
	r.endMessage()
	if r.plan.Config.PrintMapsOnExit && !r.opts.DryRun {
		if err := r.printAllMaps(); err != nil {
			return err
		}
	}
	return r.flush()
}

// runIters reads every iterator to the output (or pins it), after which
// the run stops: an iter probe cannot be mixed with other probes.
func (r *runner) runIters() error {
	for _, it := range r.iters {
		if err := r.runIter(it); err != nil {
			return err
		}
	}
	if len(r.iters) > 0 {
		r.requestStop()
	}
	return nil
}

func (r *runner) runIter(it *attach.Iter) error {
	if it.Pin != "" {
		if err := it.PinTo(); err != nil {
			return err
		}
		fmt.Fprintf(r.out, "Program pinned to %s\n", it.Pin)
		return r.flush()
	}
	rc, err := it.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	if _, err := io.Copy(r.out, rc); err != nil {
		return fmt.Errorf("read iterator: %w", err)
	}
	return r.flush()
}

// checkLost reads the lost-events counter (summed over CPUs) and reports
// what was lost since the last check.
func (r *runner) checkLost() {
	m, ok := r.coll.maps[plan.LostMap]
	if !ok {
		return
	}
	var total uint64
	if m.Type() == ebpf.PerCPUArray {
		var perCPU []uint64
		if err := m.Lookup(uint32(0), &perCPU); err != nil {
			return
		}
		for _, v := range perCPU {
			total += v
		}
	} else if err := m.Lookup(uint32(0), &total); err != nil {
		return
	}
	if total > r.lost {
		r.lostMessage(total - r.lost)
		r.lost = total
	}
}
