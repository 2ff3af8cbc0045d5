// Package compile turns a checked program into eBPF instructions with
// cilium/ebpf/asm: no C, no LLVM. The result is a [plan.Plan] (program
// and map specs, attach points, async event layouts) that the runtime
// loads and attaches; building it needs no privileges, so tests can check
// it.
//
// Code generation is direct from the typed AST: scalars live in the
// callee-saved registers R6-R8 (spilled to the stack when they run out),
// the context pointer stays in R9, and strings, tuples and map keys live
// on the stack or, when large, in a per-CPU scratch buffer. Every
// instruction carries its source span, so a verifier rejection points at
// the script line that produced it.
package compile

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"

	"github.com/bt-tools/bt/engine/plan"
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/probes"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lang/types"
)

// Options control code generation.
type Options struct {
	// PIDs restricts kernel probes to these processes (-p); perf events
	// and uprobes get the PID at attach time instead.
	PIDs []int
	// SyncStart makes every attached program check the start gate.
	SyncStart bool
	// MaxMapKeys is the default number of entries of a map.
	MaxMapKeys int
	// MaxStrlen bounds strings read with str().
	MaxStrlen int64
	// Unsafe allows system(), signal() and friends.
	Unsafe bool
	// CPID is the pid of the -c child (the cpid builtin), or 0.
	CPID int
}

type compiler struct {
	prog   *sema.Program
	opts   Options
	plan   *plan.Plan
	maps   map[string]*plan.Map // by user name
	events []*plan.Event
	errs   []error
}

// Compile builds the plan for prog, which must have checked without
// errors. Unsupported constructs are reported as *Error values (joined).
func Compile(prog *sema.Program, opts Options) (*plan.Plan, error) {
	if opts.MaxMapKeys == 0 {
		opts.MaxMapKeys = 4096
	}
	if opts.MaxStrlen == 0 {
		opts.MaxStrlen = 64
	}
	c := &compiler{prog: prog, opts: opts, maps: map[string]*plan.Map{}}
	c.plan = &plan.Plan{File: prog.Tok, SyncStart: opts.SyncStart, Config: configOf(prog)}
	c.internalMaps()
	c.userMaps()
	for _, p := range prog.Probes {
		c.probe(p)
	}
	c.plan.Events = c.events
	if len(c.errs) > 0 {
		return c.plan, errors.Join(c.errs...)
	}
	return c.plan, nil
}

func configOf(prog *sema.Program) plan.Config {
	cfg := plan.Config{PrintMapsOnExit: true, MissingProbes: "error", MaxStrlen: 64, StrTruncTrailer: ".."}
	if pc := prog.Config; pc != nil {
		cfg.PrintMapsOnExit = pc.PrintMapsOnExit
		cfg.MissingProbes = pc.MissingProbes
		if pc.MaxStrlen > 0 {
			cfg.MaxStrlen = pc.MaxStrlen
		}
		cfg.StrTruncTrailer = pc.StrTruncTrailer
	}
	return cfg
}

// ----------------------------------------------------------------------------
// Maps

func (c *compiler) internalMaps() {
	add := func(name string, spec *ebpf.MapSpec) {
		spec.Name = name
		c.plan.Maps = append(c.plan.Maps, &plan.Map{Name: name, Spec: spec})
	}
	add(plan.RingBufMap, &ebpf.MapSpec{Type: ebpf.RingBuf, MaxEntries: 1 << 22})
	add(plan.GateMap, &ebpf.MapSpec{Type: ebpf.Array, KeySize: 4, ValueSize: 8, MaxEntries: 1})
	add(plan.StartMap, &ebpf.MapSpec{Type: ebpf.Array, KeySize: 4, ValueSize: 8, MaxEntries: 1})
	add(plan.LostMap, &ebpf.MapSpec{Type: ebpf.PerCPUArray, KeySize: 4, ValueSize: 8, MaxEntries: 1})
}

// scratchSize is the per-CPU buffer for large temporaries.
const scratchSize = 1 << 15

func (c *compiler) userMaps() {
	for i, m := range c.prog.MapOrder {
		if m.Value == nil {
			continue
		}
		pm := &plan.Map{
			Name:     kernelMapName(i, m.Name),
			UserName: m.Name,
			Scalar:   m.Scalar,
			Key:      storage(m.Key),
			Value:    storage(m.Value),
		}
		spec := &ebpf.MapSpec{Name: pm.Name, Type: ebpf.Hash, MaxEntries: uint32(c.opts.MaxMapKeys)}
		keySize := 8
		if !m.Scalar && pm.Key != nil {
			keySize = slotSize(pm.Key)
		}
		valueSize := slotSize(pm.Value)
		if agg, ok := pm.Value.(*types.Agg); ok {
			spec.Type = ebpf.PerCPUHash
			valueSize = int(agg.Size())
			if agg.Kind == types.Hist || agg.Kind == types.Lhist {
				pm.Bucketed = true
				keySize += 8
				if m.Scalar {
					keySize = 8
				}
				valueSize = 8
			}
		}
		if m.Scalar {
			spec.MaxEntries = 1
			if pm.Bucketed {
				spec.MaxEntries = 1024
			}
		}
		if d := m.Decl; d != nil {
			c.declaredKind(spec, d)
		}
		spec.KeySize, spec.ValueSize = uint32(keySize), uint32(valueSize)
		pm.Spec = spec
		c.plan.Maps = append(c.plan.Maps, pm)
		c.maps[m.Name] = pm
	}
}

func (c *compiler) declaredKind(spec *ebpf.MapSpec, d *ast.MapDecl) {
	switch d.Kind.Name {
	case "lruhash":
		spec.Type = ebpf.LRUHash
	case "percpuhash":
		spec.Type = ebpf.PerCPUHash
	case "percpulruhash":
		spec.Type = ebpf.LRUCPUHash
	}
	if lit, ok := d.Size.(*ast.IntLit); ok && lit.Value > 0 {
		spec.MaxEntries = uint32(lit.Value)
	}
}

// kernelMapName is a valid, unique BPF object name for a user map.
func kernelMapName(i int, name string) string {
	clean := strings.Map(func(r rune) rune {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, name)
	s := fmt.Sprintf("m%d_%s", i, clean)
	if len(s) > 15 {
		s = s[:15]
	}
	return s
}

// storage is the type a value has in map memory: integers widen to 64
// bits (8-byte slots keep tuples aligned), and the rest is unchanged.
func storage(t types.Type) types.Type {
	switch t := t.(type) {
	case *types.Int:
		return types.IntOf(64, t.Signed)
	case *types.Tuple:
		out := &types.Tuple{Elems: make([]types.Type, len(t.Elems))}
		for i, e := range t.Elems {
			out.Elems[i] = storage(e)
		}
		return out
	case *types.Basic:
		if t == types.Bool {
			return types.Uint64
		}
	}
	return t
}

// slotSize is a value's size rounded up to 8 bytes.
func slotSize(t types.Type) int {
	if t == nil {
		return 8
	}
	n := int(t.Size())
	if n == 0 {
		n = 8
	}
	return (n + 7) &^ 7
}

// ----------------------------------------------------------------------------
// Probes and programs

func (c *compiler) probe(p *sema.Probe) {
	for i, pt := range p.Points {
		if pt.Err != nil || pt.Info == nil {
			continue
		}
		name := fmt.Sprintf("p%d_%d", len(c.plan.Programs), i)
		g := newGen(c, name, pt, pt.Info)
		spec := g.program(p.Decl)
		if len(g.errs) > 0 {
			c.errs = append(c.errs, g.errs...)
			continue
		}
		c.plan.Programs = append(c.plan.Programs, &plan.Program{
			Name: name, Spec: spec, Attach: pt.AP,
			ProbePos: p.Decl.Pos(), ProbeEnd: p.Decl.End(),
		})
	}
}

// progType maps a provider to the BPF program type and attach type.
func progType(ap *probes.AttachPoint) (ebpf.ProgramType, ebpf.AttachType, string) {
	switch ap.Provider.ProgType {
	case probes.ProgKprobe:
		return ebpf.Kprobe, ebpf.AttachNone, ""
	case probes.ProgTracepoint:
		return ebpf.TracePoint, ebpf.AttachNone, ""
	case probes.ProgRawTracepoint:
		return ebpf.RawTracepoint, ebpf.AttachNone, ""
	case probes.ProgPerfEvent:
		return ebpf.PerfEvent, ebpf.AttachNone, ""
	case probes.ProgXDP:
		return ebpf.XDP, ebpf.AttachNone, ""
	case probes.ProgTracing:
		switch ap.Provider.Name {
		case "fentry":
			return ebpf.Tracing, ebpf.AttachTraceFEntry, ap.Func
		case "fexit":
			return ebpf.Tracing, ebpf.AttachTraceFExit, ap.Func
		case "iter":
			return ebpf.Tracing, ebpf.AttachTraceIter, ap.Func
		}
		return ebpf.Tracing, ebpf.AttachTraceRawTp, ap.Func
	}
	return ebpf.UnspecifiedProgram, ebpf.AttachNone, ""
}

// program generates the whole program for one attach point.
func (g *gen) program(d *ast.Probe) *ebpf.ProgramSpec {
	ap := g.pt.AP
	body := func() {
		g.at(d)
		g.emit(asm.Mov.Reg(regCtx, asm.R1))
		if g.c.opts.SyncStart && !ap.Provider.Special {
			g.gate()
		}
		g.pidFilter()
		g.allocVars(d)
		if d.Pred != nil {
			prev := g.at(d.Pred)
			g.condJump(d.Pred.Cond, g.exit)
			g.span = prev
		}
		g.block(d.Body)
	}
	body()
	g.mark(g.exit)
	g.emit(asm.Mov.Imm(asm.R0, 0), asm.Return())
	insns := g.prologue()
	typ, attachType, attachTo := progType(ap)
	return &ebpf.ProgramSpec{
		Name: g.name, Type: typ, AttachType: attachType, AttachTo: attachTo,
		License: "GPL", Instructions: insns,
	}
}

// prologue adds what the body turned out to need: the scratch buffer.
func (g *gen) prologue() asm.Instructions {
	if !g.usesScratch() {
		return g.insns
	}
	var pre asm.Instructions
	pre = append(pre,
		asm.Mov.Reg(regCtx, asm.R1),
		asm.StoreImm(asm.R10, -4, 0, asm.Word),
		asm.LoadMapPtr(asm.R1, 0).WithReference(plan.ScratchMap),
		asm.Mov.Reg(asm.R2, asm.R10),
		asm.Add.Imm(asm.R2, -4),
		asm.FnMapLookupElem.Call(),
		asm.JNE.Imm(asm.R0, 0, "scratch_ok"),
		asm.Mov.Imm(asm.R0, 0),
		asm.Return(),
		asm.StoreMem(asm.R10, g.scratchSlot(), asm.R0, asm.DWord).WithSymbol("scratch_ok"),
		asm.Mov.Reg(asm.R1, regCtx),
	)
	g.c.needScratch()
	return append(pre, g.insns...)
}

func (c *compiler) needScratch() {
	for _, m := range c.plan.Maps {
		if m.Name == plan.ScratchMap {
			return
		}
	}
	c.plan.Maps = append(c.plan.Maps, &plan.Map{Name: plan.ScratchMap, Spec: &ebpf.MapSpec{
		Name: plan.ScratchMap, Type: ebpf.PerCPUArray, KeySize: 4, ValueSize: scratchSize, MaxEntries: 1,
	}})
}

// gate returns early unless the start gate is open.
func (g *gen) gate() {
	g.emit(
		asm.LoadMapValue(asm.R0, 0, 0).WithReference(plan.GateMap),
		asm.LoadMem(asm.R0, asm.R0, 0, asm.DWord),
		asm.JNE.Imm(asm.R0, 1, g.exit),
	)
}

// pidFilter returns early for other processes when -p is given, in probe
// types that are not filtered at attach time.
func (g *gen) pidFilter() {
	pids := g.c.opts.PIDs
	if len(pids) == 0 {
		return
	}
	switch g.pt.AP.Provider.Name {
	case "kprobe", "kretprobe", "fentry", "fexit", "tracepoint", "rawtracepoint":
	default:
		return
	}
	g.emit(asm.FnGetCurrentPidTgid.Call(), asm.RSh.Imm(asm.R0, 32))
	ok := g.newLabel("pid_ok")
	for _, pid := range pids {
		g.emit(asm.JEq.Imm(asm.R0, int32(pid), ok))
	}
	g.emit(asm.Ja.Label(g.exit))
	g.mark(ok)
}

// event registers an async event and returns it.
func (c *compiler) event(e *plan.Event) *plan.Event {
	e.ID = uint64(len(c.events))
	c.events = append(c.events, e)
	return e
}
