// Package plan is the contract between the compiler (engine/compile) and
// the runtime (engine/runtime): what to load, where to attach it, and how
// to decode what the programs send to user space.
//
// A Plan is built without privileges, so tests can check it; loading and
// attaching happen later, in the runtime.
package plan

import (
	"github.com/cilium/ebpf"

	"github.com/bt-tools/bt/lang/probes"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
)

// Internal map names. User maps are named after the script's maps
// ("@x" -> "AT_x", "@" -> "AT_").
const (
	RingBufMap = "ringbuf"   // BPF_MAP_TYPE_RINGBUF: async events
	GateMap    = "gate"      // ARRAY[1] of uint64: 0 until every probe is attached
	StartMap   = "starttime" // ARRAY[1] of uint64: boot ns at start, for elapsed
	LostMap    = "lost"      // PERCPU_ARRAY[1] of uint64: events dropped when the ring buffer was full
	ScratchMap = "scratch"   // PERCPU_ARRAY[1]: large temporaries (strings, tuples) that do not fit the stack
	ParamsMap  = "params"    // rodata for positional/named params, if any
)

// Plan is a compiled program.
type Plan struct {
	File     *token.File
	Programs []*Program
	Maps     []*Map
	// Events describes each async event by its ID (the first 8 bytes of
	// every ring buffer record).
	Events []*Event
	// SyncStart: programs check GateMap before doing anything.
	SyncStart bool
	// Config values the runtime honours (max_strlen, print_maps_on_exit,
	// stack_mode, missing_probes, ...), resolved from the script's config
	// block, the environment and flags.
	Config Config
}

// Config is what the runtime needs of the resolved configuration.
type Config struct {
	PrintMapsOnExit bool
	MissingProbes   string // "error", "warn" or "ignore"
	MaxStrlen       int64
	StrTruncTrailer string
	PerfRingPages   int
}

// Program is one BPF program and where it goes.
type Program struct {
	Name string // unique, also the ProgramSpec name
	Spec *ebpf.ProgramSpec
	// Attach is the concrete (expanded, wildcard-free) attach point. For
	// begin/end it names the special probe; such programs run through
	// BPF_PROG_TEST_RUN instead of being attached.
	Attach *probes.AttachPoint
	// Probe is the source span of the probe this program was built from.
	ProbePos, ProbeEnd token.Pos
	// PID filters perf events and uprobes to a process (from -p), or 0.
	PID int
}

// MapKind is how a user map is stored.
type MapKind int

// Map kinds.
const (
	MapHash MapKind = iota
	MapPercpuHash
	MapLRUHash
	MapPercpuLRUHash
	MapArray // internal and scalar maps
	MapPercpuArray
	MapRingBuf
)

// Map is a BPF map with, for user maps, its bpftrace types.
type Map struct {
	Name     string // spec name
	Spec     *ebpf.MapSpec
	UserName string // "@x", "@" for the anonymous map; "" for internal maps
	Scalar   bool   // @x (no key): stored under key 0
	Key      types.Type
	Value    types.Type // *types.Agg for aggregations
	// For hist and lhist the kernel key is the user key followed by a
	// uint64 bucket index.
	Bucketed bool
}

// EventKind is the kind of an async event.
type EventKind int

// Event kinds.
const (
	EventPrintf EventKind = iota
	EventPrint            // print(@m [, top, div]) or print(value)
	EventClear
	EventZero
	EventExit
	EventTime
	EventCat
	EventSystem
	EventJoin
	EventErrorf
	EventWarnf
	EventPrintNonMap
)

// Event describes one async call site.
type Event struct {
	ID     uint64
	Kind   EventKind
	Format string       // printf/cat/system/errorf/warnf/time format
	Args   []types.Type // payload layout after the ID: each argument 8-byte aligned
	Map    string       // print/clear/zero: the user map name ("@x")
	Top    uint64       // print(@m, top, div)
	Div    uint64
	Pos    token.Pos // call site, for errorf/warnf locations and errors
}
