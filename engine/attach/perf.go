package attach

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"

	"github.com/bt-tools/bt/lang/probes"
)

// Breakpoint types (linux/hw_breakpoint.h), not in x/sys/unix.
const (
	hwBreakpointR = 1
	hwBreakpointW = 2
	hwBreakpointX = 4
)

// perfEvent is what perf_event_open(2) needs, apart from the pid and cpu.
type perfEvent struct {
	typ, config uint64
	period      uint64 // sample every period events (ns for cpu-clock)
	freq        uint64 // or freq times a second
	bpType      uint32 // watchpoints
	bpAddr      uint64
	bpLen       uint64
	inherit     bool
}

// attachPerf attaches a BPF_PROG_TYPE_PERF_EVENT program: profile (one
// cpu-clock event per online CPU), interval (cpu-clock on the first
// online CPU only), software and hardware events (per CPU), watchpoints
// (per thread of the target, or per CPU). With opts.PID the events count
// only that process, except interval, which bpftrace never filters.
func attachPerf(prog *ebpf.Program, ap *probes.AttachPoint, opts Options) (Attachment, error) {
	ev, err := perfEventFor(ap)
	if err != nil {
		return nil, err
	}
	cpus, err := OnlineCPUs()
	if err != nil {
		return nil, err
	}
	pid := opts.PID
	switch ap.Provider.Name {
	case "interval":
		cpus, pid = cpus[:1], 0
	case "watchpoint":
		return attachWatchpoint(prog, ev, cpus, pid)
	}
	if pid > 0 {
		ev.inherit = true
	}
	ls := &links{probes: 1}
	for _, cpu := range cpus {
		pl, err := openPerfLink(prog, ev, pid, cpu)
		if err != nil {
			ls.Close()
			return nil, perfError(ap, err)
		}
		ls.closers = append(ls.closers, pl)
	}
	return ls, nil
}

// attachWatchpoint opens one breakpoint event per thread of pid (any CPU),
// or per CPU when there is no pid. Threads may exit while this runs, so
// only a complete failure is an error, as in bpftrace.
func attachWatchpoint(prog *ebpf.Program, ev perfEvent, cpus []int, pid int) (Attachment, error) {
	type target struct{ tid, cpu int }
	var targets []target
	if pid > 0 {
		tids, err := threads(pid)
		if err != nil {
			return nil, err
		}
		for _, t := range tids {
			targets = append(targets, target{t, -1})
		}
	} else {
		for _, c := range cpus {
			targets = append(targets, target{-1, c})
		}
	}
	ls := &links{probes: 1}
	var first error
	for _, t := range targets {
		pl, err := openPerfLink(prog, ev, t.tid, t.cpu)
		if err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		ls.closers = append(ls.closers, pl)
	}
	if len(ls.closers) == 0 {
		if errors.Is(first, unix.ENOSPC) {
			return nil, fmt.Errorf("no more hardware breakpoint registers left: %w", first)
		}
		return nil, first
	}
	return ls, nil
}

// perfEventFor turns a profile, interval, software, hardware or watchpoint
// attach point into a perf event description.
func perfEventFor(ap *probes.AttachPoint) (perfEvent, error) {
	switch ap.Provider.Name {
	case "profile", "interval":
		return clockEvent(ap)
	case "software":
		return namedEvent(ap, unix.PERF_TYPE_SOFTWARE, softwareConfig)
	case "hardware":
		return namedEvent(ap, unix.PERF_TYPE_HARDWARE, hardwareConfig)
	case "watchpoint":
		return watchpointEvent(ap)
	}
	return perfEvent{}, fmt.Errorf("%s is not a perf event probe", ap.Provider.Name)
}

// clockEvent is cpu-clock sampled at a frequency (hz) or with a period
// in nanoseconds (s, ms, us).
func clockEvent(ap *probes.AttachPoint) (perfEvent, error) {
	ev := perfEvent{typ: unix.PERF_TYPE_SOFTWARE, config: unix.PERF_COUNT_SW_CPU_CLOCK}
	if f := ap.Frequency(); f > 0 {
		ev.freq = f
		return ev, nil
	}
	if p := ap.Period(); p > 0 {
		ev.period = uint64(p.Nanoseconds())
		return ev, nil
	}
	return ev, fmt.Errorf("invalid %s rate %q:%d", ap.Provider.Name, ap.Unit, ap.Rate)
}

// Configs of the software and hardware events, by canonical name
// (linux/perf_event.h).
var (
	softwareConfig = map[string]uint64{
		"cpu-clock":        unix.PERF_COUNT_SW_CPU_CLOCK,
		"task-clock":       unix.PERF_COUNT_SW_TASK_CLOCK,
		"page-faults":      unix.PERF_COUNT_SW_PAGE_FAULTS,
		"context-switches": unix.PERF_COUNT_SW_CONTEXT_SWITCHES,
		"cpu-migrations":   unix.PERF_COUNT_SW_CPU_MIGRATIONS,
		"minor-faults":     unix.PERF_COUNT_SW_PAGE_FAULTS_MIN,
		"major-faults":     unix.PERF_COUNT_SW_PAGE_FAULTS_MAJ,
		"alignment-faults": unix.PERF_COUNT_SW_ALIGNMENT_FAULTS,
		"emulation-faults": unix.PERF_COUNT_SW_EMULATION_FAULTS,
		"dummy":            unix.PERF_COUNT_SW_DUMMY,
		"bpf-output":       unix.PERF_COUNT_SW_BPF_OUTPUT,
	}
	hardwareConfig = map[string]uint64{
		"cpu-cycles":          unix.PERF_COUNT_HW_CPU_CYCLES,
		"instructions":        unix.PERF_COUNT_HW_INSTRUCTIONS,
		"cache-references":    unix.PERF_COUNT_HW_CACHE_REFERENCES,
		"cache-misses":        unix.PERF_COUNT_HW_CACHE_MISSES,
		"branch-instructions": unix.PERF_COUNT_HW_BRANCH_INSTRUCTIONS,
		"branch-misses":       unix.PERF_COUNT_HW_BRANCH_MISSES,
		"bus-cycles":          unix.PERF_COUNT_HW_BUS_CYCLES,
		"frontend-stalls":     unix.PERF_COUNT_HW_STALLED_CYCLES_FRONTEND,
		"backend-stalls":      unix.PERF_COUNT_HW_STALLED_CYCLES_BACKEND,
		"ref-cycles":          unix.PERF_COUNT_HW_REF_CPU_CYCLES,
	}
)

// namedEvent is a software or hardware event sampled every Rate events,
// or every the event's default period (LANGUAGE.md 3.2).
func namedEvent(ap *probes.AttachPoint, typ uint64, configs map[string]uint64) (perfEvent, error) {
	e, ok := probes.LookupPerfEvent(ap.Provider.Name, ap.Event)
	if !ok {
		return perfEvent{}, fmt.Errorf("unknown %s event %q", ap.Provider.Name, ap.Event)
	}
	period := ap.Rate
	if period == 0 {
		period = e.Default
	}
	return perfEvent{typ: typ, config: configs[e.Name], period: period}, nil
}

// watchpointEvent is a hardware breakpoint on ADDR:LEN:MODE. Execute
// breakpoints always have the length of a long, as perf_event_open(2)
// requires.
func watchpointEvent(ap *probes.AttachPoint) (perfEvent, error) {
	ev := perfEvent{typ: unix.PERF_TYPE_BREAKPOINT, period: 1, bpAddr: ap.Addr, bpLen: ap.Len, inherit: true}
	for _, c := range ap.Mode {
		switch c {
		case 'r':
			ev.bpType |= hwBreakpointR
		case 'w':
			ev.bpType |= hwBreakpointW
		case 'x':
			ev.bpType |= hwBreakpointX
		default:
			return ev, fmt.Errorf("invalid watchpoint mode %q", ap.Mode)
		}
	}
	if ev.bpType&hwBreakpointX != 0 {
		ev.bpLen = 8
	}
	return ev, nil
}

func (ev perfEvent) attr() *unix.PerfEventAttr {
	a := &unix.PerfEventAttr{
		Type:    uint32(ev.typ),
		Size:    uint32(unix.PERF_ATTR_SIZE_VER5),
		Config:  ev.config,
		Sample:  ev.period,
		Bp_type: ev.bpType,
		Ext1:    ev.bpAddr,
		Ext2:    ev.bpLen,
	}
	if ev.freq > 0 {
		a.Sample = ev.freq
		a.Bits |= unix.PerfBitFreq
	}
	if ev.inherit {
		a.Bits |= unix.PerfBitInherit
	}
	return a
}

// perfLink is one perf event with the program attached: a BPF link on the
// perf event (5.15+) or, on older kernels, PERF_EVENT_IOC_SET_BPF.
type perfLink struct {
	link io.Closer // nil with the ioctl route
	fd   int
}

// openPerfLink opens the event for pid on cpu (pid 0 = all processes) and
// attaches prog to it.
func openPerfLink(prog *ebpf.Program, ev perfEvent, pid, cpu int) (*perfLink, error) {
	if pid == 0 {
		pid = -1
	}
	fd, err := unix.PerfEventOpen(ev.attr(), pid, cpu, -1, unix.PERF_FLAG_FD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("perf_event_open (cpu %d, pid %d): %w", cpu, pid, err)
	}
	l, err := link.AttachRawLink(link.RawLinkOptions{Target: fd, Program: prog, Attach: ebpf.AttachPerfEvent})
	if err == nil {
		return &perfLink{link: l, fd: fd}, nil
	}
	// Kernels before 5.15 have BPF links but not on perf events (EINVAL).
	if !errors.Is(err, ErrNotSupported) && !errors.Is(err, unix.EINVAL) {
		unix.Close(fd)
		return nil, fmt.Errorf("link perf event: %w", err)
	}
	if err := attachPerfIoctl(fd, prog); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return &perfLink{fd: fd}, nil
}

func attachPerfIoctl(fd int, prog *ebpf.Program) error {
	if err := unix.IoctlSetInt(fd, unix.PERF_EVENT_IOC_SET_BPF, prog.FD()); err != nil {
		return fmt.Errorf("set perf event program: %w", err)
	}
	if err := unix.IoctlSetInt(fd, unix.PERF_EVENT_IOC_ENABLE, 0); err != nil {
		return fmt.Errorf("enable perf event: %w", err)
	}
	return nil
}

// Close detaches the program and closes the event.
func (pl *perfLink) Close() error {
	var err error
	if pl.link != nil {
		err = pl.link.Close()
	}
	return errors.Join(err, unix.Close(pl.fd))
}

// perfError explains the errors perf_event_open gives for events the
// machine lacks.
func perfError(ap *probes.AttachPoint, err error) error {
	if ap.Provider.Name == "hardware" && (errors.Is(err, unix.ENOENT) || errors.Is(err, unix.EOPNOTSUPP)) {
		return &UnsupportedError{Lacks: "a hardware PMU for perf events", Err: err}
	}
	return err
}

// OnlineCPUs returns the online CPUs, from
// /sys/devices/system/cpu/online ("0-3,5").
func OnlineCPUs() ([]int, error) {
	b, err := os.ReadFile("/sys/devices/system/cpu/online")
	if err != nil {
		return nil, fmt.Errorf("online cpus: %w", err)
	}
	cpus, err := parseCPUList(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("online cpus: %w", err)
	}
	return cpus, nil
}

// parseCPUList parses the kernel's CPU list format.
func parseCPUList(s string) ([]int, error) {
	var out []int
	for _, r := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(r, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return nil, fmt.Errorf("bad cpu list %q", s)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a {
				return nil, fmt.Errorf("bad cpu list %q", s)
			}
		}
		for c := a; c <= b; c++ {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("empty cpu list")
	}
	return out, nil
}

// threads lists the thread ids of a process.
func threads(pid int) ([]int, error) {
	ents, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	if err != nil {
		return nil, fmt.Errorf("threads of %d: %w", pid, err)
	}
	var tids []int
	for _, e := range ents {
		if t, err := strconv.Atoi(e.Name()); err == nil {
			tids = append(tids, t)
		}
	}
	return tids, nil
}
