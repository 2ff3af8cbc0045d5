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
	GateMap    = "gate"      // ARRAY[1] of uint64: 1 while probes may run (see SyncStart)
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
	// SyncStart: every attached program begins with
	//
	//	if (gate[0] != 1) return 0;
	//
	// The runtime sets gate[0] to 1 once every probe is attached and back
	// to 0 when it stops, before it runs the end programs; that is how all
	// probes start and stop at once although attaching and detaching take
	// time. Programs of special probes (begin, end, self, test, bench) must
	// not check the gate: they run only when the runtime triggers them.
	// Without SyncStart the runtime detaches every probe before running
	// end programs, as bpftrace does, which is slower.
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
	MaxCatBytes     int64 // cat() reads at most this much of a file (0: 10240)
}

// Program is one BPF program and where it goes.
type Program struct {
	// Name is unique, also the ProgramSpec name. The kernel name the
	// runtime loads the program under starts with "bt_" (added when
	// missing, then cut to 15 bytes), so bpftool shows what is ours.
	Name string
	Spec *ebpf.ProgramSpec
	// Attach is the concrete (expanded, wildcard-free) attach point. For
	// begin/end it names the special probe; such programs run through
	// BPF_PROG_TEST_RUN instead of being attached.
	Attach *probes.AttachPoint
	// Probe is the source span of the probe this program was built from.
	ProbePos, ProbeEnd token.Pos
	// PID filters perf events and uprobes to a process (from -p), or 0.
	PID int
	// Symbols makes the program one multi link on these functions
	// (kprobe_multi, uprobe_multi) instead of one attachment per function;
	// Spec.AttachType must then be ebpf.AttachTraceKprobeMulti or
	// ebpf.AttachTraceUprobeMulti. Empty for single-target programs.
	Symbols []string
	// USDT lists the resolved sites of a usdt attach point.
	USDT []USDTSite
}

// USDTSite is one location of a USDT probe, as file offsets in the
// attach point's binary.
type USDTSite struct {
	Offset    uint64 // the probe's nop
	Semaphore uint64 // the probe's semaphore, or 0
}

// Span is the source tag the compiler puts on every instruction
// (asm.Instruction.WithSource). When the verifier rejects a program, the
// runtime finds the failing instruction's Span, so the error points at
// the script (runtime.VerifierError). cilium/ebpf also passes Text to the
// kernel as BTF line info, so the verifier log shows it.
type Span struct {
	Pos, End token.Pos
	Text     string // the source text, for listings and the verifier log
}

func (s Span) String() string { return s.Text }

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

// Event describes one async call site. Every ring buffer record starts
// with the event's ID as a native-endian uint64; the payload follows.
//
// What each kind carries:
//
//	EventPrintf, EventErrorf, EventWarnf: Format, Args.
//	EventCat, EventSystem: Format and Args give the path / the command.
//	EventTime: Format is the strftime format; no payload.
//	EventJoin: Format is the delimiter; Args are the strings (*types.String
//	  each), the first empty one ends the list.
//	EventPrintNonMap: Args[0] is the value's type.
//	EventPrint: Map, Top, Div. EventClear, EventZero: Map.
//	EventExit: Args is empty or one integer, the exit code.
type Event struct {
	ID       uint64
	Kind     EventKind
	Format   string       // printf/cat/system/errorf/warnf/time format, join delimiter
	Args     []types.Type // payload layout after the ID: each argument 8-byte aligned
	Map      string       // print/clear/zero: the user map name ("@x")
	Top      uint64       // print(@m, top, div)
	Div      uint64
	Pos, End token.Pos // call site, for errorf/warnf locations and errors
}
