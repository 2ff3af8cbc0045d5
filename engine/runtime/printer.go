package runtime

import (
	"io"

	"github.com/bt-tools/bt/engine/plan"
)

// Printer renders what the programs send and what the maps hold, in the
// output format (text or JSON) and era the caller chose. engine/output
// implements it. Every method writes complete records (a JSON object per
// line in JSON mode).
type Printer interface {
	// Printf writes a printf event: ev.Format applied to the payload laid
	// out as ev.Args.
	Printf(w io.Writer, ev *plan.Event, payload []byte) error
	// Sprintf appends the formatted text of a printf-like event to dst:
	// the message of errorf and warnf, the path of cat, the command of
	// system.
	Sprintf(dst []byte, ev *plan.Event, payload []byte) ([]byte, error)
	// Message writes text the runtime produced for an event of a kind:
	// "time", "cat", "join" or "syscall" (bpftrace's JSON type names). In
	// text mode that is the text as it is.
	Message(w io.Writer, kind string, text []byte) error
	// Value writes print(value) of a non-map value (ev.Args[0]).
	Value(w io.Writer, ev *plan.Event, payload []byte) error
	// Map writes a map: for print(@m, top, div) and when the run ends
	// (top and div 0).
	Map(w io.Writer, m *plan.Map, d *MapData, top, div uint64) error
}

// MapData is a snapshot of a BPF map in the kernel's layout.
type MapData struct {
	Keys [][]byte
	// Values holds one value per key. For per-CPU maps a value is NumCPU
	// values, each padded to a multiple of 8 bytes, concatenated.
	Values [][]byte
	PerCPU bool
	NumCPU int // possible CPUs, for splitting per-CPU values
}
