package compile

import (
	"fmt"

	"github.com/cilium/ebpf/asm"

	"github.com/bt-tools/bt/engine/plan"
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
)

// Register conventions. R1-R5 carry helper arguments and are clobbered
// by calls, R0 is the return value; R6-R8 hold scalar temporaries across
// calls; R9 keeps the context pointer for the whole program.
const (
	regCtx = asm.R9
)

var pool = [...]asm.Register{asm.R6, asm.R7, asm.R8}

// stackLimit is what the BPF stack allows.
const stackLimit = 512

// kind says where a value lives.
type kind int

const (
	inReg kind = iota // a scalar in a register
	inImm             // a constant scalar
	inMem             // bytes on the stack or in the scratch buffer
)

// val is a value being computed. Scalars (integers, bools, pointers) live
// in registers or are constants; everything else lives in memory.
type val struct {
	t    types.Type
	kind kind
	reg  asm.Register
	imm  int64
	mem  mem
}

// mem is a memory location: stack (fp-relative) or scratch buffer.
type mem struct {
	scratch bool
	off     int // stack: negative offset from R10; scratch: offset in the buffer
	size    int
}

// gen generates one program.
type gen struct {
	c    *compiler
	pt   *sema.Point
	info *sema.Info
	name string

	insns   asm.Instructions
	pending string // a label to put on the next instruction
	nlabels int
	span    plan.Span

	stack      int // bytes in use below R10
	maxStack   int
	scratch    int // bytes in use in the scratch buffer
	maxScratch int
	scratchPtr int // stack slot holding the scratch buffer's address (0: none yet)

	free  [len(pool)]bool
	live  []*val // values in pool registers, oldest first
	vars  map[*sema.Var]mem
	loops []loopLabels
	exit  string

	errs []error
}

type loopLabels struct{ brk, cont string }

func newGen(c *compiler, name string, pt *sema.Point, info *sema.Info) *gen {
	g := &gen{c: c, name: name, pt: pt, info: info, vars: map[*sema.Var]mem{}}
	for i := range g.free {
		g.free[i] = true
	}
	g.exit = g.newLabel("exit")
	return g
}

// failf records an error at a node: something the compiler cannot do.
func (g *gen) failf(n ast.Node, format string, args ...any) {
	g.errs = append(g.errs, &Error{Pos: n.Pos(), End: n.End(), Msg: fmt.Sprintf(format, args...)})
}

// Error is a construct the compiler does not support, with its location.
type Error struct {
	Pos, End token.Pos
	Msg      string
}

func (e *Error) Error() string { return e.Msg }

// ----------------------------------------------------------------------------
// Instructions and labels

func (g *gen) emit(ins ...asm.Instruction) {
	for _, in := range ins {
		if g.pending != "" {
			in = in.WithSymbol(g.pending)
			g.pending = ""
		}
		if g.span.Pos.IsValid() {
			in = in.WithSource(g.span)
		}
		g.insns = append(g.insns, in)
	}
}

func (g *gen) newLabel(hint string) string {
	g.nlabels++
	return fmt.Sprintf("%s_%d", hint, g.nlabels)
}

// mark puts label on the next emitted instruction.
func (g *gen) mark(label string) {
	if g.pending != "" {
		// Two labels on one spot: the first goes on a jump to the next
		// instruction ("ja +0").
		g.insns = append(g.insns, asm.Instruction{OpCode: asm.Ja.Op(asm.ImmSource)}.WithSymbol(g.pending))
	}
	g.pending = label
}

// at sets the source span for the instructions emitted next and returns
// the previous one.
func (g *gen) at(n ast.Node) plan.Span {
	prev := g.span
	if n != nil && n.Pos().IsValid() {
		f := g.c.prog.Tok
		text := f.Text(n.Pos(), n.End())
		if len(text) > 80 {
			text = text[:77] + "..."
		}
		g.span = plan.Span{Pos: n.Pos(), End: n.End(), Text: fmt.Sprintf("%s: %s", f.Position(n.Pos()), text)}
	}
	return prev
}

// ----------------------------------------------------------------------------
// Memory

// allocStack reserves size bytes (8-aligned) on the stack.
func (g *gen) allocStack(size int) (mem, bool) {
	size = (size + 7) &^ 7
	if g.stack+size > stackLimit-16 {
		return mem{}, false
	}
	g.stack += size
	if g.stack > g.maxStack {
		g.maxStack = g.stack
	}
	return mem{off: -g.stack, size: size}, true
}

// alloc reserves memory for a value: the stack when it is small and there
// is room, the per-CPU scratch buffer otherwise.
func (g *gen) alloc(size int) mem {
	if size <= 64 {
		if m, ok := g.allocStack(size); ok {
			m.size = size
			return m
		}
	}
	size8 := (size + 7) &^ 7
	m := mem{scratch: true, off: g.scratch, size: size}
	g.scratch += size8
	if g.scratch > g.maxScratch {
		g.maxScratch = g.scratch
	}
	return m
}

// frame is a point to return temporaries to.
type frame struct{ stack, scratch int }

func (g *gen) frame() frame       { return frame{g.stack, g.scratch} }
func (g *gen) release(f frame)    { g.stack, g.scratch = f.stack, f.scratch }
func (g *gen) usesScratch() bool  { return g.maxScratch > 0 }
func (g *gen) scratchSlot() int16 { return int16(-(stackLimit - 8)) }
func (g *gen) addrOf(m mem) (asm.Register, int16) {
	if !m.scratch {
		return asm.R10, int16(m.off)
	}
	// The scratch buffer's address lives in a stack slot reserved at the
	// top of the frame.
	g.emit(asm.LoadMem(asm.R0, asm.R10, g.scratchSlot(), asm.DWord))
	return asm.R0, int16(m.off)
}

// ptrTo puts the address of m into dst.
func (g *gen) ptrTo(dst asm.Register, m mem) {
	if !m.scratch {
		g.emit(asm.Mov.Reg(dst, asm.R10), asm.Add.Imm(dst, int32(m.off)))
		return
	}
	g.emit(asm.LoadMem(dst, asm.R10, g.scratchSlot(), asm.DWord))
	if m.off != 0 {
		g.emit(asm.Add.Imm(dst, int32(m.off)))
	}
}

// zero clears m.
func (g *gen) zero(m mem) {
	base, off := g.addrOf(m)
	if base == asm.R0 {
		// Keep the base in a register that stores do not clobber.
		g.emit(asm.Mov.Reg(asm.R1, asm.R0))
		base = asm.R1
	}
	size := (m.size + 7) &^ 7
	// cilium/ebpf has no 64-bit store-immediate: store a zeroed register.
	g.emit(asm.Mov.Imm(asm.R4, 0))
	for i := 0; i < size; i += 8 {
		g.emit(asm.StoreMem(base, off+int16(i), asm.R4, asm.DWord))
	}
}

// storeConst stores a 64-bit constant at base+off through R4 (or R3 when
// base is R4).
func (g *gen) storeConst(base asm.Register, off int16, v int32) {
	tmp := asm.R4
	if base == asm.R4 {
		tmp = asm.R3
	}
	g.emit(asm.Mov.Imm(tmp, v), asm.StoreMem(base, off, tmp, asm.DWord))
}

// ----------------------------------------------------------------------------
// Registers

// reg allocates a pool register, spilling the oldest live value if none
// is free.
func (g *gen) reg() asm.Register {
	for i, f := range g.free {
		if f {
			g.free[i] = false
			return pool[i]
		}
	}
	g.spill(g.live[0])
	return g.reg()
}

func poolIndex(r asm.Register) int {
	for i, p := range pool {
		if p == r {
			return i
		}
	}
	return -1
}

// track records that v occupies its register.
func (g *gen) track(v *val) *val {
	if v.kind == inReg && poolIndex(v.reg) >= 0 {
		g.live = append(g.live, v)
	}
	return v
}

// drop frees v's register.
func (g *gen) drop(v *val) {
	if v == nil || v.kind != inReg {
		return
	}
	if i := poolIndex(v.reg); i >= 0 {
		g.free[i] = true
		for j, l := range g.live {
			if l == v {
				g.live = append(g.live[:j], g.live[j+1:]...)
				break
			}
		}
	}
}

// spill moves a register value to the stack.
func (g *gen) spill(v *val) {
	m, ok := g.allocStack(8)
	if !ok {
		g.errs = append(g.errs, fmt.Errorf("%s: expression too complex: out of stack while spilling registers", g.span))
		m = mem{off: -8, size: 8}
	}
	g.emit(asm.StoreMem(asm.R10, int16(m.off), v.reg, asm.DWord))
	g.drop(v)
	v.kind, v.mem = inMem, mem{off: m.off, size: 8}
}

// scalar returns v in a pool register.
func (g *gen) scalar(v *val) asm.Register {
	switch v.kind {
	case inReg:
		return v.reg
	case inImm:
		r := g.reg()
		g.emit(asm.LoadImm(r, v.imm, asm.DWord))
		v.kind, v.reg = inReg, r
		g.track(v)
		return r
	}
	r := g.reg()
	base, off := g.addrOf(v.mem)
	g.emit(asm.LoadMem(r, base, off, sizeOf(v.mem.size)))
	if isSignedType(v.t) && v.mem.size < 8 {
		g.emit(asm.LSh.Imm(r, int32(64-8*v.mem.size)), asm.ArSh.Imm(r, int32(64-8*v.mem.size)))
	}
	v.kind, v.reg = inReg, r
	g.track(v)
	return r
}

// into puts a scalar value into a specific register (for helper
// arguments), without allocating.
func (g *gen) into(dst asm.Register, v *val) {
	switch v.kind {
	case inImm:
		g.emit(asm.LoadImm(dst, v.imm, asm.DWord))
	case inReg:
		if v.reg != dst {
			g.emit(asm.Mov.Reg(dst, v.reg))
		}
	case inMem:
		if isScalar(v.t) {
			base, off := g.addrOf(v.mem)
			g.emit(asm.LoadMem(dst, base, off, sizeOf(min(v.mem.size, 8))))
			return
		}
		g.ptrTo(dst, v.mem)
	}
}

func sizeOf(n int) asm.Size {
	switch n {
	case 1:
		return asm.Byte
	case 2:
		return asm.Half
	case 4:
		return asm.Word
	}
	return asm.DWord
}

// imm returns a constant value.
func imm(t types.Type, v int64) *val { return &val{t: t, kind: inImm, imm: v} }

// regVal wraps a register result.
func (g *gen) regVal(t types.Type, r asm.Register) *val {
	return g.track(&val{t: t, kind: inReg, reg: r})
}

// fromR0 moves a helper's result into a pool register.
func (g *gen) fromR0(t types.Type) *val {
	r := g.reg()
	g.emit(asm.Mov.Reg(r, asm.R0))
	return g.regVal(t, r)
}

// call emits a helper call; R1-R5 must be set.
func (g *gen) call(fn asm.BuiltinFunc) { g.emit(fn.Call()) }
