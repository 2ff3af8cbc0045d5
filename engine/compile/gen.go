package compile

import (
	"fmt"
	"math"
	"strings"

	"github.com/cilium/ebpf/asm"

	"github.com/bt-tools/bt/engine/plan"
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
)

// The generator works on an IR of cilium/ebpf instructions whose register
// operands may be virtual: a reg below vbase is a machine register (R0-R5
// carry helper arguments and results, R10 is the frame pointer), one
// from vbase up is a virtual register that the allocator (regalloc.go)
// maps to a machine register or a stack slot once the function is
// complete. Expressions therefore never juggle registers: every
// temporary, every scalar scratch variable and the context pointer get a
// virtual register of their own.
type reg int32

const (
	noReg reg = -1
	vbase reg = 16
)

// Machine registers as regs.
const (
	r0 reg = iota
	r1
	r2
	r3
	r4
	r5
	r6
	r7
	r8
	r9
	r10
)

func (r reg) virtual() bool { return r >= vbase }

// stackLimit is what the BPF stack allows (for all frames of a call
// chain together).
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
	reg  reg
	imm  int64
	mem  mem
	// shared: reg is a variable's register, which must be copied before
	// it is modified.
	shared bool
}

// area is where memory is.
type area int8

const (
	areaStack   area = iota // a function's stack frame
	areaScratch             // the per-CPU scratch buffer
)

// mem is a memory location.
type mem struct {
	area  area
	frame int // areaStack: the function whose frame it is (0: the program)
	off   int // stack: negative offset from the frame pointer; scratch: offset in the buffer
	size  int
}

// at returns the part of m at offset off with size n.
func (m mem) at(off, n int) mem { m.off += off; m.size = n; return m }

// insn is an IR instruction: a cilium/ebpf instruction whose register
// operands are dst and src (virtual or not), the labels that name it and
// the label it jumps to.
type insn struct {
	ins      asm.Instruction
	dst, src reg
	labels   []string
	target   string // jump target, or the callback of a function reference
	span     plan.Span
}

// fn is one BPF function: the program, or a loop body callback.
type fn struct {
	index  int
	name   string
	insns  []insn
	stack  int // bytes in use below the frame pointer
	max    int // the most ever in use
	exit   string
	params []reg // registers holding the incoming R1-R5
	// scratch holds the scratch buffer's address once a prologue loads
	// it; usesScratch says whether any instruction needs it.
	scratch     reg
	usesScratch bool
	// mainFP, in callbacks, holds the program's frame pointer (passed as
	// the callback context), through which the body reaches variables.
	mainFP reg
	// callback: a loop body, which returns 0 to go on and 1 to stop.
	callback bool
	// prologueAt is where the scratch buffer lookup goes.
	prologueAt int
	// cache holds the results of pure helpers, valid where they were
	// computed dominates; scopes list what each open branch added.
	cache  map[asm.BuiltinFunc]reg
	scopes [][]asm.BuiltinFunc
}

// gen generates one program (and its callbacks) for one attach point.
type gen struct {
	c    *compiler
	pt   *sema.Point
	info *sema.Info
	name string

	fns     []*fn
	f       *fn // the function being generated
	nregs   int
	nlabels int
	span    plan.Span

	scratch    int // bytes in use in the scratch buffer (shared by all functions)
	maxScratch int

	ctx   reg // the program's context pointer
	vars  map[*sema.Var]varLoc
	loops []loopLabels
	// loopBase holds the lower bound of each range loop, for its callback.
	loopBase map[*ast.ForStmt]mem
	// argsDst, when set, is where argsField puts an array it reads.
	argsDst *mem
	// retMem is a flag in the program's frame that a loop callback sets
	// when its body runs return; zero size until needed.
	retMem mem

	errs []error
}

// varLoc is where a scratch variable lives: a register, or memory in the
// program's frame (strings, tuples, and variables loop bodies use).
type varLoc struct {
	inReg bool
	reg   reg
	mem   mem
}

// loopLabels are the jump targets of break and continue; in a callback
// body they return from the callback instead.
type loopLabels struct {
	brk, cont string
	callback  bool
}

func newGen(c *compiler, name string, pt *sema.Point, info *sema.Info) *gen {
	g := &gen{c: c, name: name, pt: pt, info: info, vars: map[*sema.Var]varLoc{}, loopBase: map[*ast.ForStmt]mem{}}
	g.f = g.newFn(name)
	return g
}

func (g *gen) newFn(name string) *fn {
	f := &fn{index: len(g.fns), name: name, scratch: noReg, mainFP: noReg}
	f.exit = g.newLabel("exit")
	g.fns = append(g.fns, f)
	return f
}

// failf records an error at a node: something the compiler cannot do.
func (g *gen) failf(n ast.Node, format string, args ...any) {
	e := &Error{Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Pos, e.End = n.Pos(), n.End()
	} else {
		e.Pos, e.End = g.span.Pos, g.span.End
	}
	g.errs = append(g.errs, e)
}

// Error is a construct the compiler does not support, with its location.
type Error struct {
	Pos, End token.Pos
	Msg      string
}

func (e *Error) Error() string { return e.Msg }

// ----------------------------------------------------------------------------
// Registers, labels, instructions

func (g *gen) newReg() reg {
	g.nregs++
	return vbase + reg(g.nregs-1)
}

func (g *gen) newLabel(hint string) string {
	g.nlabels++
	return fmt.Sprintf("%s_%d", hint, g.nlabels)
}

// mark puts label on the next emitted instruction.
func (g *gen) mark(label string) {
	if n := len(g.f.insns); n > 0 && g.f.insns[n-1].ins.OpCode == asm.InvalidOpCode {
		g.f.insns[n-1].labels = append(g.f.insns[n-1].labels, label)
		return
	}
	g.f.insns = append(g.f.insns, insn{ins: asm.Instruction{OpCode: asm.InvalidOpCode}, dst: noReg, src: noReg, labels: []string{label}})
}

// add appends ins with its register operands. Labels marked just before
// attach to it (mark leaves a placeholder that add fills).
func (g *gen) add(ins asm.Instruction, dst, src reg) {
	in := insn{ins: ins, dst: dst, src: src, span: g.span}
	if n := len(g.f.insns); n > 0 && g.f.insns[n-1].ins.OpCode == asm.InvalidOpCode {
		in.labels = g.f.insns[n-1].labels
		g.f.insns[n-1] = in
		return
	}
	g.f.insns = append(g.f.insns, in)
}

func (g *gen) mov(d, s reg) {
	if d != s {
		g.add(asm.Mov.Reg(0, 0), d, s)
	}
}

func fitsImm(v int64) bool { return v >= math.MinInt32 && v <= math.MaxInt32 }

func (g *gen) movImm(d reg, v int64) {
	if fitsImm(v) {
		g.add(asm.Mov.Imm(0, int32(v)), d, noReg)
		return
	}
	if v >= 0 && v <= math.MaxUint32 {
		// A 32-bit move zero-extends: one slot instead of two.
		g.add(asm.Mov.Imm32(0, int32(uint32(v))), d, noReg)
		return
	}
	g.add(asm.LoadImm(0, v, asm.DWord), d, noReg)
}

func (g *gen) alu(op asm.ALUOp, d, s reg) { g.add(op.Reg(0, 0), d, s) }

func (g *gen) aluImm(op asm.ALUOp, d reg, v int32) { g.add(op.Imm(0, v), d, noReg) }

// aluConst applies op with a 64-bit constant, through a register when it
// does not fit an immediate.
func (g *gen) aluConst(op asm.ALUOp, d reg, v int64) {
	if fitsImm(v) {
		g.aluImm(op, d, int32(v))
		return
	}
	t := g.newReg()
	g.movImm(t, v)
	g.alu(op, d, t)
}

func (g *gen) ldx(d, base reg, off int16, sz asm.Size) {
	g.add(asm.LoadMem(0, 0, off, sz), d, base)
}

func (g *gen) stx(base reg, off int16, s reg, sz asm.Size) {
	g.add(asm.StoreMem(0, off, 0, sz), base, s)
}

// st stores an immediate; a 64-bit store sign-extends it. (asm.StoreImm
// refuses the 64-bit form, which the kernel has always accepted.)
func (g *gen) st(base reg, off int16, v int32, sz asm.Size) {
	g.add(asm.Instruction{OpCode: asm.StoreImmOp(sz), Offset: off, Constant: int64(v)}, base, noReg)
}

func (g *gen) jmp(op asm.JumpOp, a, b reg, label string) {
	g.add(op.Reg(0, 0, label), a, b)
	g.f.insns[len(g.f.insns)-1].target = label
}

func (g *gen) jmpImm(op asm.JumpOp, a reg, v int32, label string) {
	g.add(op.Imm(0, v, label), a, noReg)
	g.f.insns[len(g.f.insns)-1].target = label
}

// jmpConst compares a with a 64-bit constant.
func (g *gen) jmpConst(op asm.JumpOp, a reg, v int64, label string) {
	if fitsImm(v) {
		g.jmpImm(op, a, int32(v), label)
		return
	}
	t := g.newReg()
	g.movImm(t, v)
	g.jmp(op, a, t, label)
}

func (g *gen) ja(label string) {
	g.add(asm.Ja.Label(label), noReg, noReg)
	g.f.insns[len(g.f.insns)-1].target = label
}

func (g *gen) call(fn asm.BuiltinFunc) { g.add(fn.Call(), noReg, noReg) }

func (g *gen) ldMap(d reg, name string) {
	g.add(asm.LoadMapPtr(0, 0).WithReference(name), d, noReg)
}

func (g *gen) ldMapValue(d reg, name string, off uint32) {
	g.add(asm.LoadMapValue(0, 0, off).WithReference(name), d, noReg)
}

// ldFunc loads the address of a callback function.
func (g *gen) ldFunc(d reg, name string) {
	g.add(asm.Instruction{OpCode: asm.LoadImmOp(asm.DWord), Src: asm.PseudoFunc}, d, noReg)
	g.f.insns[len(g.f.insns)-1].target = name
}

// ret returns v (a constant) from the current function.
func (g *gen) ret(v int32) {
	g.movImm(r0, int64(v))
	g.add(asm.Return(), noReg, noReg)
}

// at sets the source span for the instructions emitted next and returns
// the previous one.
func (g *gen) at(n ast.Node) plan.Span {
	prev := g.span
	if n != nil && n.Pos().IsValid() {
		f := g.c.prog.Tok
		text := f.Text(n.Pos(), n.End())
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			text = strings.TrimRight(text[:i], " \t{") + " ..."
		}
		if len(text) > 80 {
			text = text[:77] + "..."
		}
		g.span = plan.Span{Pos: n.Pos(), End: n.End(), Text: fmt.Sprintf("%s: %s", f.Position(n.Pos()), text)}
	}
	return prev
}

// ----------------------------------------------------------------------------
// Memory

// allocStack reserves size bytes (8-aligned) in the current frame.
func (g *gen) allocStack(size int) (mem, bool) {
	size8 := (size + 7) &^ 7
	if g.f.stack+size8 > g.stackBudget() {
		return mem{}, false
	}
	g.f.stack += size8
	g.f.max = max(g.f.max, g.f.stack)
	return mem{area: areaStack, frame: g.f.index, off: -g.f.stack, size: size}, true
}

// stackBudget keeps room for register spills and, in the program, for
// the frames of loop callbacks.
func (g *gen) stackBudget() int {
	if g.f.index == 0 {
		return stackLimit - 160
	}
	return 96
}

// alloc reserves memory for a value: the stack when it is small and there
// is room, the per-CPU scratch buffer otherwise.
func (g *gen) alloc(size int) mem {
	if size <= 64 {
		if m, ok := g.allocStack(size); ok {
			return m
		}
	}
	m := mem{area: areaScratch, off: g.scratch, size: size}
	g.scratch += (size + 7) &^ 7
	g.maxScratch = max(g.maxScratch, g.scratch)
	if g.scratch > scratchSize {
		g.failf(nil, "the program needs more than %d bytes of temporary memory", scratchSize)
		g.scratch = 0
	}
	return m
}

// frame is a point to return temporaries to.
type frame struct{ stack, scratch int }

func (g *gen) frame() frame { return frame{g.f.stack, g.scratch} }

func (g *gen) release(fr frame) { g.f.stack, g.scratch = fr.stack, fr.scratch }

// addrOf returns a base register and offset addressing m.
func (g *gen) addrOf(m mem) (reg, int16) {
	switch {
	case m.area == areaScratch:
		g.f.usesScratch = true
		if g.f.scratch == noReg {
			g.f.scratch = g.newReg()
		}
		return g.f.scratch, int16(m.off)
	case m.frame == g.f.index:
		return r10, int16(m.off)
	case m.frame == 0 && g.f.mainFP != noReg:
		return g.f.mainFP, int16(m.off)
	}
	g.failf(nil, "internal error: memory of another function")
	return r10, int16(m.off)
}

// ptrTo puts the address of m into dst.
func (g *gen) ptrTo(dst reg, m mem) {
	base, off := g.addrOf(m)
	g.mov(dst, base)
	if off != 0 {
		g.aluImm(asm.Add, dst, int32(off))
	}
}

// zero clears m: 8 bytes per store while that is short, else with one
// failing probe read, which zeroes its destination.
func (g *gen) zero(m mem) {
	size := m.size
	if size <= 0 {
		return
	}
	if m.off%8 == 0 {
		// Memory comes in 8-byte slots.
		size = (size + 7) &^ 7
	}
	if size > 128 {
		g.ptrTo(r1, m)
		g.movImm(r2, int64(size))
		g.movImm(r3, 0)
		g.call(asm.FnProbeReadKernel)
		return
	}
	base, off := g.addrOf(m)
	i := 0
	for ; i+8 <= size; i += 8 {
		g.st(base, off+int16(i), 0, asm.DWord)
	}
	for ; i < size; i++ {
		g.st(base, off+int16(i), 0, asm.Byte)
	}
}

// zeroTail clears the bytes of m from n on.
func (g *gen) zeroTail(m mem, n int) {
	if n >= m.size {
		return
	}
	if n%8 != 0 {
		// Finish the 8-byte word first.
		base, off := g.addrOf(m)
		for ; n%8 != 0 && n < m.size; n++ {
			g.st(base, off+int16(n), 0, asm.Byte)
		}
	}
	g.zero(m.at(n, m.size-n))
}

// ----------------------------------------------------------------------------
// Values

// imm returns a constant value.
func imm(t types.Type, v int64) *val { return &val{t: t, kind: inImm, imm: v} }

// regVal wraps a register result that the caller owns.
func regVal(t types.Type, r reg) *val { return &val{t: t, kind: inReg, reg: r} }

func memVal(t types.Type, m mem) *val { return &val{t: t, kind: inMem, mem: m} }

// scalar returns a register holding v, which the caller must not modify.
func (g *gen) scalar(v *val) reg {
	switch v.kind {
	case inReg:
		return v.reg
	case inImm:
		r := g.newReg()
		g.movImm(r, v.imm)
		v.kind, v.reg, v.shared = inReg, r, false
		return r
	}
	r := g.newReg()
	g.loadScalar(r, v.t, v.mem)
	v.kind, v.reg, v.shared = inReg, r, false
	return r
}

// owned returns a register holding v that the caller may modify.
func (g *gen) owned(v *val) reg {
	if v.kind == inReg && v.shared {
		r := g.newReg()
		g.mov(r, v.reg)
		v.reg, v.shared = r, false
		return r
	}
	return g.scalar(v)
}

// loadScalar loads a scalar of type t stored in m, extending it to 64
// bits.
func (g *gen) loadScalar(d reg, t types.Type, m mem) {
	size := min(m.size, 8)
	if n := int(t.Size()); n > 0 && n < size {
		size = n
	}
	if size != 1 && size != 2 && size != 4 {
		size = 8
	}
	base, off := g.addrOf(m)
	g.ldx(d, base, off, sizeOf(size))
	g.extend(d, t, size)
}

// into puts a scalar value (or the address of a memory value) into a
// specific register, for helper arguments.
func (g *gen) into(dst reg, v *val) {
	switch v.kind {
	case inImm:
		g.movImm(dst, v.imm)
	case inReg:
		g.mov(dst, v.reg)
	case inMem:
		if isScalar(v.t) {
			g.loadScalar(dst, v.t, v.mem)
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

// extend sign-extends a narrow signed value loaded into r.
func (g *gen) extend(r reg, t types.Type, size int) {
	if isSignedType(t) && size < 8 {
		sh := int32(64 - 8*size)
		g.aluImm(asm.LSh, r, sh)
		g.aluImm(asm.ArSh, r, sh)
	}
}

// fromR0 copies a helper's result into a new register.
func (g *gen) fromR0(t types.Type) *val {
	r := g.newReg()
	g.mov(r, r0)
	return regVal(t, r)
}
