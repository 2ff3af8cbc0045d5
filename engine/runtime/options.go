package runtime

import (
	"context"
	"io"
	"os"

	"github.com/cilium/ebpf"
)

// Era selects which bpftrace release's run-time messages to reproduce.
type Era int

// Eras.
const (
	// EraNew is bpftrace 0.26: "Attached N probes" on stderr, lost events
	// on stderr, "Total lost event count" at the end.
	EraNew Era = iota
	// Era017 is bpftrace 0.17 as Debian ships it: "Attaching N probes..."
	// on stdout before attaching, lost events on stdout.
	Era017
)

// Buffering is how program output is flushed (bpftrace's -B).
type Buffering int

// Buffering modes.
const (
	// BufferLine (the default, -B line) flushes whenever the ring buffer
	// has been drained, and at exit. Output therefore appears as soon as
	// the events that produce it are read, as with per-line flushing, but
	// a burst of events is written in large blocks.
	BufferLine Buffering = iota
	// BufferFull (-B full) flushes when the buffer is full and at exit.
	BufferFull
	// BufferNone (-B none) flushes after every event.
	BufferNone
)

// Options configure a run. The zero value writes to os.Stdout and
// os.Stderr, in bpftrace 0.26's text format, except that a Printer is
// required for scripts that print.
type Options struct {
	Stdout io.Writer // program output (-o FILE); default os.Stdout
	Stderr io.Writer // errors, warnings, run messages; default os.Stderr
	// Printer renders events and maps (engine/output).
	Printer Printer
	Era     Era
	// JSON: run messages as bpftrace's NDJSON records ("attached_probes",
	// "lost_events", "errorf", ...). The Printer must be in JSON mode too.
	JSON      bool
	Quiet     bool // -q: no "Attached N probes"
	Buffering Buffering
	// Unsafe allows system() and probing raw kernel addresses (--unsafe).
	Unsafe bool
	// NoWarnings suppresses warnf output (--no-warnings).
	NoWarnings bool
	// PIDs are the -p targets: perf events and uprobes of programs with
	// no plan.Program.PID attach to each of them, and the run ends when
	// all of them have exited. The compiler filters the other probe types
	// in the programs.
	PIDs []int
	// Child is the -c command, created held with [StartChild] before
	// compiling (so that its pid is known). Run lets it go once every
	// probe is attached and the begin probes have run, ends when it exits,
	// and kills it if it still runs when the run ends.
	Child *Child
	// DryRun (--dry-run) loads and attaches, then stops at once.
	DryRun bool
	// LogSize is the starting size of the verifier log buffer
	// (log_size); 0 leaves cilium/ebpf's default.
	LogSize uint32
	// Hooks let tests watch and interfere with a run; nil in production.
	Hooks *Hooks
}

// Hooks are called at points of a run. Any may be nil.
type Hooks struct {
	// Loaded is called once everything is loaded, with the programs and
	// maps by plan name.
	Loaded func(progs map[string]*ebpf.Program, maps map[string]*ebpf.Map)
	// Attached is called after every probe is attached, before the gate
	// opens. An error aborts the run.
	Attached func(ctx context.Context) error
	// Started is called once the gate is open, the begin probes have run
	// and the child was released: probes are live.
	Started func()
	// Stopping is called when the run has decided to stop, after the
	// probes were quiesced and before the end probes run.
	Stopping func()
}

func (o *Options) setDefaults() {
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
	if o.Hooks == nil {
		o.Hooks = &Hooks{}
	}
}
