// Package compile turns a checked program into eBPF instructions with
// cilium/ebpf/asm: no C, no LLVM. The result is a [plan.Plan] (program
// and map specs, attach points, async event layouts) that the runtime
// loads and attaches; building it needs no privileges, so tests can check
// it, and [Listing] prints it (bt run -d).
//
// The pipeline, per attach point:
//
//   - generation (gen.go and the files per construct: expr.go, stmt.go,
//     maps.go, context.go, builtins.go) walks the typed AST and emits
//     instructions whose operands are virtual registers, one per value
//     (scalar variables, the context, every temporary); strings, tuples,
//     keys and event records live on the stack or, when large, in a
//     per-CPU scratch buffer. Loop bodies become callback functions
//     (bpf_loop, bpf_for_each_map_elem) that reach the program's
//     variables through its frame pointer;
//   - clean-up (regalloc.go) drops unreachable code (the verifier rejects
//     it) and computations whose result nobody reads, on liveness;
//   - register allocation (regalloc.go) maps virtual registers to R0-R9
//     by linear scan over live intervals: values live across a helper
//     call go to R6-R9, short ones to R0-R5 where the helper arguments
//     leave room, a move between a value and the register it comes from
//     or goes to disappears, and what does not fit is spilled;
//   - layout (regalloc.go: peephole, encode) removes moves to the same
//     register and jumps to the next instruction and resolves labels.
//
// Every instruction carries its source span (plan.Span), so a verifier
// rejection points at the script line that produced it. Scalar maps live
// in arrays rather than hash maps (see umap), which engine/render knows.
package compile

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/btf"

	"github.com/bt-tools/bt/engine/plan"
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/kernel"
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
	// Kernel answers kaddr() and the struct task_struct layout that
	// pcomm and ppid read; nil disables them.
	Kernel kernel.Info
	// NamedParams are the program's named parameters (--name=value or
	// --name after "--" on the command line), which getopt() reads; a
	// flag given without a value maps to "".
	NamedParams map[string]string
	// Era017 reproduces bpftrace 0.17's semantics where they differ:
	// division and modulo are unsigned, and comparisons are integers
	// (1 and 0) rather than booleans.
	Era017 bool
}

type compiler struct {
	prog   *sema.Program
	opts   Options
	plan   *plan.Plan
	maps   map[string]*umap // by user name
	events []*plan.Event
	errs   []error
	// strftime formats of variables assigned strftime() calls.
	strftime map[*sema.Var]string

	taskStruct *types.Struct
	taskErr    error
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
	c := &compiler{prog: prog, opts: opts, maps: map[string]*umap{}, strftime: map[*sema.Var]string{}}
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
	deleted := c.deletedMaps()
	for i, m := range c.prog.MapOrder {
		if m.Value == nil {
			if len(m.Refs) == 0 {
				continue
			}
			// Only ever read, or assigned from its own value (@x = @x + 1):
			// an integer.
			m.Value = types.Int64
		}
		um := &umap{Map: &plan.Map{
			Name:     kernelMapName(i, m.Name),
			UserName: m.Name,
			Scalar:   m.Scalar,
			Key:      c.storage(m.Key),
			Value:    c.storage(m.Value),
		}}
		spec := &ebpf.MapSpec{Name: um.Name, Type: ebpf.Hash, MaxEntries: uint32(c.opts.MaxMapKeys)}
		keySize := 8
		if !m.Scalar && um.Key != nil {
			keySize = slotSize(um.Key)
		}
		valueSize := slotSize(um.Value)
		agg, isAgg := um.Value.(*types.Agg)
		if isAgg {
			spec.Type = ebpf.PerCPUHash
			valueSize = int(agg.Size())
			if agg.Kind == types.Hist || agg.Kind == types.Lhist {
				um.Bucketed = true
				keySize += 8
				if m.Scalar {
					keySize = 8
				}
				valueSize = 8
			}
		}
		switch {
		case m.Decl != nil:
			c.declaredKind(spec, m.Decl, isAgg)
		case m.Scalar && isAgg && !deleted[m.Name]:
			um.array = true
			spec.Type, keySize, spec.MaxEntries = ebpf.PerCPUArray, 4, 1
			if um.Bucketed {
				spec.MaxEntries = uint32(histBuckets(agg))
			}
		case m.Scalar && !isAgg:
			um.array, um.flag = true, true
			spec.Type, keySize, spec.MaxEntries = ebpf.Array, 4, 1
			valueSize += 8
		case m.Scalar:
			spec.MaxEntries = 1
			if um.Bucketed {
				spec.MaxEntries = uint32(histBuckets(agg))
			}
		}
		spec.KeySize, spec.ValueSize = uint32(keySize), uint32(valueSize)
		um.Spec = spec
		c.plan.Maps = append(c.plan.Maps, um.Map)
		c.maps[m.Name] = um
	}
}

// deletedMaps finds the maps passed to delete().
func (c *compiler) deletedMaps() map[string]bool {
	out := map[string]bool{}
	var walk func(n ast.Node, info *sema.Info)
	walk = func(n ast.Node, info *sema.Info) {
		ast.Inspect(n, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if e := info.Expansions[call]; e != nil {
				walk(e.Body, info)
			}
			if call.Fun.Name != "delete" || len(call.Args) == 0 {
				return true
			}
			switch a := ast.Unparen(call.Args[0]).(type) {
			case *ast.MapExpr:
				out["@"+a.Name] = true
			case *ast.MapAccess:
				out["@"+a.Map.Name] = true
			}
			return true
		})
	}
	for _, p := range c.prog.Probes {
		for _, pt := range p.Points {
			if pt.Info != nil {
				walk(p.Decl, pt.Info)
			}
		}
	}
	return out
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

func (c *compiler) declaredKind(spec *ebpf.MapSpec, d *ast.MapDecl, agg bool) {
	switch d.Kind.Name {
	case "hash":
		if agg {
			spec.Type = ebpf.PerCPUHash // aggregations are per-CPU
		}
	case "lruhash":
		spec.Type = ebpf.LRUHash
		if agg {
			spec.Type = ebpf.LRUCPUHash
		}
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

// ----------------------------------------------------------------------------
// Probes and programs

func (c *compiler) probe(p *sema.Probe) {
	for i, pt := range p.Points {
		if pt.Err != nil || pt.Info == nil {
			continue
		}
		name := fmt.Sprintf("p%d_%d", len(c.plan.Programs), i)
		spec, errs := c.program(name, pt, p.Decl)
		if len(errs) > 0 {
			c.errs = append(c.errs, errs...)
			continue
		}
		c.plan.Programs = append(c.plan.Programs, &plan.Program{
			Name: name, Spec: spec, Attach: pt.AP,
			ProbePos: p.Decl.Pos(), ProbeEnd: p.Decl.End(),
		})
	}
}

// program generates one program, turning a panic (a compiler bug) into
// an error at the probe.
func (c *compiler) program(name string, pt *sema.Point, d *ast.Probe) (spec *ebpf.ProgramSpec, errs []error) {
	g := newGen(c, name, pt, pt.Info)
	defer func() {
		if r := recover(); r != nil {
			errs = []error{&Error{Pos: g.span.Pos, End: g.span.End,
				Msg: fmt.Sprintf("internal compiler error: %v", r)}}
			if !g.span.Pos.IsValid() {
				errs[0].(*Error).Pos, errs[0].(*Error).End = d.Pos(), d.End()
			}
		}
	}()
	spec = g.program(d)
	return spec, g.errs
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
	g.at(d)
	g.ctx = g.newReg()
	g.mov(g.ctx, r1)
	g.f.params = []reg{g.ctx}
	if g.c.opts.SyncStart && !ap.Provider.Special {
		g.gate()
	}
	g.pidFilter()
	// The scratch buffer, if the program needs it, is looked up here:
	// after the early returns.
	g.f.prologueAt = len(g.f.insns)
	if n := len(g.f.insns); n > 0 && g.f.insns[n-1].ins.OpCode == asm.InvalidOpCode {
		g.f.prologueAt-- // a label waiting for the next instruction
	}
	g.allocVars(d)
	if d.Pred != nil {
		prev := g.at(d.Pred)
		g.condJump(d.Pred.Cond, g.f.exit)
		g.span = prev
	}
	g.block(d.Body)
	g.at(d)
	g.mark(g.f.exit)
	g.ret(0)
	insns := g.finish()
	typ, attachType, attachTo := progType(ap)
	return &ebpf.ProgramSpec{
		Name: g.name, Type: typ, AttachType: attachType, AttachTo: attachTo,
		License: "GPL", Instructions: insns,
	}
}

// finish allocates registers in every function and lays them out: the
// program first, then its callbacks.
func (g *gen) finish() asm.Instructions {
	var out asm.Instructions
	mainStack, cbStack := 0, 0
	for _, f := range g.fns {
		insns, stack, err := g.finishFn(f)
		if err != nil {
			g.failf(nil, "%s", err.Error())
			return nil
		}
		if f.index == 0 {
			mainStack = stack
		} else {
			cbStack = max(cbStack, stack)
		}
		var info *btf.Func
		if len(g.fns) > 1 {
			// Programs with callbacks need BTF function info.
			info = funcInfo(f)
		}
		out = append(out, encode(insns, f.name, info)...)
	}
	if mainStack+cbStack > stackLimit {
		g.failf(nil, "the program needs %d bytes of stack, more than BPF's %d", mainStack+cbStack, stackLimit)
	}
	return out
}

func (g *gen) finishFn(f *fn) ([]insn, int, error) {
	if n := len(f.insns); n > 0 && f.insns[n-1].ins.OpCode == asm.InvalidOpCode {
		return nil, 0, fmt.Errorf("internal error: label %v at the end of %s", f.insns[n-1].labels, f.name)
	}
	if f.usesScratch {
		g.scratchPrologue(f)
	}
	insns, err := removeUnreachable(f.insns)
	if err != nil {
		return nil, 0, err
	}
	insns = removeDeadDefs(insns)
	if insns, err = removeDeadStores(insns, g.nregs); err != nil {
		return nil, 0, err
	}
	insns, stack, err := allocate(insns, g.nregs, (f.max+7)&^7)
	if err != nil {
		return nil, 0, err
	}
	return peephole(insns), stack, nil
}

// funcInfo describes a function for BTF: long name(u64, ...).
func funcInfo(f *fn) *btf.Func {
	u64 := &btf.Int{Name: "u64", Size: 8}
	proto := &btf.FuncProto{Return: &btf.Int{Name: "long", Size: 8, Encoding: btf.Signed}}
	n := len(f.params)
	for i := 0; i < n; i++ {
		proto.Params = append(proto.Params, btf.FuncParam{Name: fmt.Sprintf("a%d", i), Type: u64})
	}
	if f.index == 0 {
		proto.Params = []btf.FuncParam{{Name: "ctx", Type: &btf.Pointer{Target: &btf.Void{}}}}
	}
	return &btf.Func{Name: f.name, Type: proto, Linkage: btf.StaticFunc}
}

// scratchPrologue loads the scratch buffer's address into f.scratch,
// right after the function saved its parameters.
func (g *gen) scratchPrologue(f *fn) {
	body := f.insns
	f.insns = nil
	cur := g.f
	g.f = f
	// The key's slot is below everything else (the budget of allocStack
	// does not apply: the frame's total is checked at the end).
	f.max = (f.max+7)&^7 + 8
	key := mem{area: areaStack, frame: f.index, off: -f.max, size: 8}
	g.span = body[0].span
	n := max(f.prologueAt, len(f.params))
	g.f.insns = append(g.f.insns, body[:n]...)
	if n < len(body) {
		// Jumps to where the prologue goes must run it.
		first := body[n]
		for _, l := range first.labels {
			g.mark(l)
		}
		first.labels = nil
		body = append(append(body[:n:n], first), body[n+1:]...)
	}
	g.st(r10, int16(key.off), 0, asm.Word)
	g.ldMap(r1, plan.ScratchMap)
	g.ptrTo(r2, key)
	g.call(asm.FnMapLookupElem)
	ok := g.newLabel("scratch_ok")
	g.jmpImm(asm.JNE, r0, 0, ok)
	if f.callback {
		g.ret(1)
	} else {
		g.ret(0)
	}
	g.mark(ok)
	g.mov(f.scratch, r0)
	g.f.insns = append(g.f.insns, body[n:]...)
	g.f = cur
	g.c.needScratch()
}

// gate returns early unless the start gate is open.
func (g *gen) gate() {
	t := g.newReg()
	g.ldMapValue(t, plan.GateMap, 0)
	g.ldx(t, t, 0, asm.DWord)
	g.jmpImm(asm.JNE, t, 1, g.f.exit)
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
	g.call(asm.FnGetCurrentPidTgid)
	g.aluImm(asm.RSh, r0, 32)
	if len(pids) == 1 {
		g.jmpImm(asm.JNE, r0, int32(pids[0]), g.f.exit)
		return
	}
	ok := g.newLabel("pid_ok")
	for _, pid := range pids {
		g.jmpImm(asm.JEq, r0, int32(pid), ok)
	}
	g.ja(g.f.exit)
	g.mark(ok)
}

// event registers an async event and returns it.
func (c *compiler) event(e *plan.Event) *plan.Event {
	e.ID = uint64(len(c.events))
	c.events = append(c.events, e)
	return e
}
