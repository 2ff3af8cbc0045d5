package attach

import (
	"fmt"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"

	"github.com/bt-tools/bt/lang/probes"
)

// Trigger is a special probe (begin, end, self, test, bench): it is not
// attached, its program runs when Fire is called, through
// BPF_PROG_TEST_RUN (raw_tp test_run needs 5.10).
type Trigger struct {
	prog     *ebpf.Program
	Provider string
}

func newTrigger(prog *ebpf.Program, ap *probes.AttachPoint) (*Trigger, error) {
	switch prog.Type() {
	case ebpf.RawTracepoint, ebpf.XDP:
		return &Trigger{prog: prog, Provider: ap.Provider.Name}, nil
	}
	return nil, fmt.Errorf("program type %s cannot run as a %s probe", prog.Type(), ap.Provider.Name)
}

// Probes returns 1: bpftrace counts begin and end probes as attached.
func (t *Trigger) Probes() int { return 1 }

// Close does nothing; the program belongs to its collection.
func (t *Trigger) Close() error { return nil }

// Fire runs the program once and returns its return value.
func (t *Trigger) Fire() (uint32, error) {
	return t.Run(1)
}

// Run runs the program and returns its return value. XDP programs (bench
// probes) run repeat times; raw_tp test_run rejects repeats.
func (t *Trigger) Run(repeat uint32) (uint32, error) {
	opts := &ebpf.RunOptions{}
	if t.prog.Type() == ebpf.XDP {
		// XDP test_run needs at least an Ethernet header of input and is
		// the only one of the two that can repeat.
		opts.Data, opts.Repeat = make([]byte, 14), repeat
	}
	ret, err := t.prog.Run(opts)
	if err != nil {
		return 0, fmt.Errorf("run %s probe: %w", t.Provider, err)
	}
	return ret, nil
}

// returnZero is the body of a program that does nothing, for feature
// probes.
func returnZero() asm.Instructions {
	return asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()}
}
