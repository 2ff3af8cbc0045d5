package compile

import (
	"github.com/cilium/ebpf/asm"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
)

func (g *gen) typeOf(x ast.Expr) types.Type {
	if t := g.info.Types[x]; t != nil {
		return t
	}
	return types.Invalid
}

func isScalar(t types.Type) bool {
	switch t := t.(type) {
	case *types.Int, *types.Enum, *types.Pointer:
		return true
	case *types.Basic:
		switch t.Kind {
		case types.BoolKind, types.KsymKind, types.TimestampKind, types.UsernameKind, types.CgroupPathKind:
			return true
		}
	case *types.Agg:
		return t.Castable()
	}
	return false
}

func isSignedType(t types.Type) bool {
	switch t := t.(type) {
	case *types.Int:
		return t.Signed
	case *types.Enum:
		return t.Signed
	case *types.Agg:
		return t.Signed
	}
	return false
}

// constInt returns x's value when it is an integer constant.
func (g *gen) constInt(x ast.Expr) (int64, bool) {
	k, ok := g.info.Consts[x]
	if !ok || k.IsStr {
		return 0, false
	}
	if b, ok := ast.Unparen(x).(*ast.BinaryExpr); ok {
		if (b.Op == token.QUO || b.Op == token.REM) && g.c.opts.Era017 {
			// 0.17 divides unsigned.
			x, ok1 := g.constInt(b.X)
			y, ok2 := g.constInt(b.Y)
			if ok1 && ok2 && y != 0 {
				if b.Op == token.QUO {
					return int64(uint64(x) / uint64(y)), true
				}
				return int64(uint64(x) % uint64(y)), true
			}
		}
	}
	return k.Int, true
}

// expr generates x and returns its value.
func (g *gen) expr(x ast.Expr) *val {
	t := g.typeOf(x)
	if k, ok := g.info.Consts[x]; ok {
		if !k.IsStr && (isScalar(t) || t == types.Bool) {
			v, _ := g.constInt(x)
			return imm(t, v)
		}
		if k.IsStr && types.IsString(t) {
			return g.stringConst(k.Str, t)
		}
	}
	switch x := x.(type) {
	case *ast.ParenExpr:
		return g.expr(x.X)
	case *ast.IntLit:
		return imm(t, int64(x.Value))
	case *ast.BoolLit:
		return imm(types.Bool, b2i(x.Value))
	case *ast.StringLit:
		return g.stringConst(x.Value, t)
	case *ast.ParamExpr:
		return imm(types.Int64, 0)
	case *ast.Ident:
		return g.ident(x)
	case *ast.VarExpr:
		return g.varRead(x)
	case *ast.MapExpr:
		return g.mapRead(x, nil)
	case *ast.MapAccess:
		return g.mapRead(x.Map, x.Keys)
	case *ast.CallExpr:
		return g.callExpr(x)
	case *ast.BinaryExpr:
		return g.binary(x)
	case *ast.UnaryExpr:
		return g.unary(x)
	case *ast.TernaryExpr:
		return g.ternary(x)
	case *ast.FieldExpr:
		return g.field(x)
	case *ast.IndexExpr:
		return g.index(x)
	case *ast.CastExpr:
		return g.cast(x)
	case *ast.TupleExpr:
		if len(x.Elems) == 0 {
			return imm(types.None, 0)
		}
		return g.tuple(x.Elems, t)
	case *ast.RecordExpr:
		elems := make([]ast.Expr, len(x.Fields))
		for i, f := range x.Fields {
			elems[i] = f.Value
		}
		return g.tuple(elems, t)
	case *ast.IfExpr:
		return g.ifValue(x)
	case *ast.Block:
		return g.blockValue(x)
	case *ast.IncDecExpr:
		return g.incDec(x)
	case *ast.ComptimeExpr:
		return g.expr(x.X)
	case *ast.SizeofExpr, *ast.OffsetofExpr:
		g.failf(x, "bt run cannot compute this %s at compile time", exprKind(x))
		return imm(types.Uint64, 0)
	}
	g.failf(x, "bt run does not support this expression yet")
	return imm(types.Int64, 0)
}

func exprKind(x ast.Expr) string {
	switch x.(type) {
	case *ast.SizeofExpr:
		return "sizeof"
	case *ast.OffsetofExpr:
		return "offsetof"
	}
	return "expression"
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// ----------------------------------------------------------------------------
// Operators

func (g *gen) binary(x *ast.BinaryExpr) *val {
	t := g.typeOf(x)
	switch x.Op {
	case token.LAND, token.LOR, token.EQL, token.NEQ, token.LSS, token.GTR, token.LEQ, token.GEQ:
		return g.boolValue(x)
	}
	a := g.expr(x.X)
	b := g.expr(x.Y)
	lt := g.typeOf(x.X)
	if p, ok := lt.(*types.Pointer); ok && types.IsInt(g.typeOf(x.Y)) {
		// Pointer arithmetic counts elements.
		if sz := p.Elem.Size(); sz > 1 {
			if b.kind == inImm {
				b = imm(b.t, b.imm*sz)
			} else {
				rb := g.owned(b)
				g.aluImm(asm.Mul, rb, int32(sz))
			}
		}
	}
	signed := isSignedType(t)
	switch x.Op {
	case token.QUO, token.REM:
		if signed && !g.c.opts.Era017 { // 0.17 divides unsigned
			return g.signedDiv(x.Op, a, b, t)
		}
		signed = false
	case token.SHR:
		signed = isSignedType(lt)
	}
	op, ok := aluOp(x.Op, signed)
	if !ok {
		g.failf(x, "bt run does not support the %s operator yet", x.Op)
		return a
	}
	ra := g.owned(a)
	if b.kind == inImm && fitsImm(b.imm) {
		g.aluImm(op, ra, int32(b.imm))
	} else {
		g.alu(op, ra, g.scalar(b))
	}
	a.t = t
	return a
}

// signedDiv divides with C's truncation toward zero through unsigned
// division of the magnitudes (BPF's signed division needs cpu v4).
func (g *gen) signedDiv(op token.Token, a, b *val, t types.Type) *val {
	ra := g.owned(a)
	rb := g.owned(b)
	sa, sb := g.newReg(), g.newReg()
	// s = x >> 63 (all ones when negative); |x| = (x ^ s) - s
	for _, p := range [][2]reg{{sa, ra}, {sb, rb}} {
		g.mov(p[0], p[1])
		g.aluImm(asm.ArSh, p[0], 63)
		g.alu(asm.Xor, p[1], p[0])
		g.alu(asm.Sub, p[1], p[0])
	}
	if op == token.QUO {
		g.alu(asm.Div, ra, rb)
		g.alu(asm.Xor, sa, sb) // the quotient's sign
	} else {
		g.alu(asm.Mod, ra, rb) // the remainder has the dividend's sign
	}
	g.alu(asm.Xor, ra, sa)
	g.alu(asm.Sub, ra, sa)
	return regVal(t, ra)
}

func aluOp(op token.Token, signed bool) (asm.ALUOp, bool) {
	switch op {
	case token.ADD:
		return asm.Add, true
	case token.SUB:
		return asm.Sub, true
	case token.MUL:
		return asm.Mul, true
	case token.QUO:
		return asm.Div, true
	case token.REM:
		return asm.Mod, true
	case token.AND:
		return asm.And, true
	case token.OR:
		return asm.Or, true
	case token.XOR:
		return asm.Xor, true
	case token.SHL:
		return asm.LSh, true
	case token.SHR:
		if signed {
			return asm.ArSh, true
		}
		return asm.RSh, true
	}
	return 0, false
}

// boolValue materialises a condition as 0 or 1.
func (g *gen) boolValue(x ast.Expr) *val {
	r := g.newReg()
	done := g.newLabel("bool")
	g.movImm(r, 0)
	g.condJump(x, done)
	g.movImm(r, 1)
	g.mark(done)
	return regVal(types.Bool, r)
}

// condJump jumps to target when x is false, short-circuiting && and ||.
func (g *gen) condJump(x ast.Expr, target string) {
	x = ast.Unparen(x)
	if k, ok := g.constInt(x); ok {
		if k == 0 {
			g.ja(target)
		}
		return
	}
	switch x := x.(type) {
	case *ast.BinaryExpr:
		switch x.Op {
		case token.LAND:
			g.condJump(x.X, target)
			g.inBranch(func() { g.condJump(x.Y, target) })
			return
		case token.LOR:
			ok := g.newLabel("or_true")
			next := g.newLabel("or_next")
			g.condJump(x.X, next)
			g.ja(ok)
			g.mark(next)
			g.inBranch(func() { g.condJump(x.Y, target) })
			g.mark(ok)
			return
		case token.EQL, token.NEQ, token.LSS, token.GTR, token.LEQ, token.GEQ:
			g.compareJump(x, target)
			return
		}
	case *ast.UnaryExpr:
		if x.Op == token.NOT {
			ok := g.newLabel("not")
			g.condJump(x.X, ok)
			g.ja(target)
			g.mark(ok)
			return
		}
	}
	v := g.expr(x)
	if v.kind == inImm {
		if v.imm == 0 {
			g.ja(target)
		}
		return
	}
	g.jmpImm(asm.JEq, g.scalar(v), 0, target)
}

// compareSigned says whether a comparison is signed: both sides signed,
// where a literal takes the other side's sign.
func (g *gen) compareSigned(x *ast.BinaryExpr) bool {
	ls, rs := isSignedType(g.typeOf(x.X)), isSignedType(g.typeOf(x.Y))
	if isLiteral(x.X) {
		ls = rs
	}
	if isLiteral(x.Y) {
		rs = ls
	}
	return ls && rs
}

// isLiteral says whether x is a (non-negative) integer literal, whose
// sign adapts to what it is compared with.
func isLiteral(x ast.Expr) bool {
	_, ok := ast.Unparen(x).(*ast.IntLit)
	return ok
}

// compareJump jumps to target when the comparison is false.
func (g *gen) compareJump(x *ast.BinaryExpr, target string) {
	lt, rt := g.typeOf(x.X), g.typeOf(x.Y)
	if types.IsString(lt) && types.IsString(rt) {
		g.stringCompareJump(x, target)
		return
	}
	if _, ok := lt.(*types.Array); ok {
		g.arrayCompareJump(x, target)
		return
	}
	signed := g.compareSigned(x)
	a := g.expr(x.X)
	b := g.expr(x.Y)
	op := inverse(x.Op, signed)
	if a.kind == inImm && b.kind != inImm {
		// Put the constant on the right.
		a, b = b, a
		op = swapped(op)
	}
	ra := g.scalar(a)
	if b.kind == inImm && fitsImm(b.imm) {
		g.jmpImm(op, ra, int32(b.imm), target)
		return
	}
	g.jmp(op, ra, g.scalar(b), target)
}

// inverse is the jump taken when the comparison op is false.
func inverse(op token.Token, signed bool) asm.JumpOp {
	switch op {
	case token.EQL:
		return asm.JNE
	case token.NEQ:
		return asm.JEq
	case token.LSS:
		if signed {
			return asm.JSGE
		}
		return asm.JGE
	case token.GTR:
		if signed {
			return asm.JSLE
		}
		return asm.JLE
	case token.LEQ:
		if signed {
			return asm.JSGT
		}
		return asm.JGT
	}
	if signed { // GEQ
		return asm.JSLT
	}
	return asm.JLT
}

// swapped is the jump that compares the operands the other way round.
func swapped(op asm.JumpOp) asm.JumpOp {
	switch op {
	case asm.JGT:
		return asm.JLT
	case asm.JLT:
		return asm.JGT
	case asm.JGE:
		return asm.JLE
	case asm.JLE:
		return asm.JGE
	case asm.JSGT:
		return asm.JSLT
	case asm.JSLT:
		return asm.JSGT
	case asm.JSGE:
		return asm.JSLE
	case asm.JSLE:
		return asm.JSGE
	}
	return op
}

// stringCompareJump compares two strings up to the shorter length or the
// first NUL: against the bytes of a literal with immediates, 4 at a time
// (the literal's NUL is among the bytes compared, so what follows the NUL
// in the other string does not matter), else byte by byte.
func (g *gen) stringCompareJump(x *ast.BinaryExpr, target string) {
	lit, other := x.Y, x.X
	k, ok := g.info.Consts[lit]
	if !ok || !k.IsStr {
		lit, other = x.X, x.Y
		k, ok = g.info.Consts[lit]
	}
	if ok && k.IsStr {
		s := g.expr(other)
		n := s.mem.size
		if st, ok := s.t.(*types.String); ok {
			n = min(n, int(st.Len))
		}
		want := append([]byte(k.Str), 0)
		n = min(n, len(want))
		differ, _, end := g.equality(x.Op == token.EQL, target)
		base, off := g.addrOf(s.mem)
		c := g.newReg()
		for i := 0; i < n; {
			sz := 4
			for sz > n-i {
				sz /= 2
			}
			var w uint32
			for j := sz - 1; j >= 0; j-- {
				w = w<<8 | uint32(want[i+j])
			}
			g.ldx(c, base, off+int16(i), sizeOf(sz))
			g.jmpImm(asm.JNE, c, int32(w), differ)
			i += sz
		}
		end()
		return
	}
	a, b := g.expr(x.X), g.expr(x.Y)
	n := min(a.mem.size, b.mem.size)
	if la, ok := a.t.(*types.String); ok {
		n = min(n, int(la.Len))
	}
	if lb, ok := b.t.(*types.String); ok {
		n = min(n, int(lb.Len))
	}
	differ, equal, end := g.equality(x.Op == token.EQL, target)
	ab, aoff := g.addrOf(a.mem)
	bb, boff := g.addrOf(b.mem)
	ca, cb := g.newReg(), g.newReg()
	for i := 0; i < n; i++ {
		g.ldx(ca, ab, aoff+int16(i), asm.Byte)
		g.ldx(cb, bb, boff+int16(i), asm.Byte)
		g.jmp(asm.JNE, ca, cb, differ)
		g.jmpImm(asm.JEq, ca, 0, equal)
	}
	end()
}

// equality gives the labels of an equality test that jumps to target
// when the comparison (== if eq, else !=) is false: differ and equal are
// where the test jumps when it knows; falling through its end means
// equal. end places the labels after the test.
func (g *gen) equality(eq bool, target string) (differ, equal string, end func()) {
	if eq {
		equal = g.newLabel("eq")
		return target, equal, func() { g.mark(equal) }
	}
	differ, equal = g.newLabel("ne"), target
	return differ, equal, func() {
		g.ja(target)
		g.mark(differ)
	}
}

// arrayCompareJump compares two integer arrays of the same size.
func (g *gen) arrayCompareJump(x *ast.BinaryExpr, target string) {
	a, b := g.expr(x.X), g.expr(x.Y)
	if a.kind != inMem || b.kind != inMem {
		g.failf(x, "bt run cannot compare these arrays")
		return
	}
	n := min(a.mem.size, b.mem.size)
	differ, _, end := g.equality(x.Op == token.EQL, target)
	ab, aoff := g.addrOf(a.mem)
	bb, boff := g.addrOf(b.mem)
	ca, cb := g.newReg(), g.newReg()
	for i := 0; i < n; {
		sz := 8
		for sz > n-i {
			sz /= 2
		}
		g.ldx(ca, ab, aoff+int16(i), sizeOf(sz))
		g.ldx(cb, bb, boff+int16(i), sizeOf(sz))
		g.jmp(asm.JNE, ca, cb, differ)
		i += sz
	}
	end()
}

func (g *gen) unary(x *ast.UnaryExpr) *val {
	t := g.typeOf(x)
	switch x.Op {
	case token.NOT:
		return g.boolValue(x)
	case token.SUB:
		v := g.expr(x.X)
		if v.kind == inImm {
			return imm(t, -v.imm)
		}
		g.aluImm(asm.Neg, g.owned(v), 0)
		v.t = t
		return v
	case token.TILDE:
		v := g.expr(x.X)
		if v.kind == inImm {
			return imm(t, ^v.imm)
		}
		g.aluImm(asm.Xor, g.owned(v), -1)
		v.t = t
		return v
	case token.MUL:
		p := g.expr(x.X)
		return g.deref(p, t, 0)
	case token.AND:
		g.failf(x, "bt run does not support taking addresses yet")
		return imm(types.Uint64, 0)
	}
	g.failf(x, "bt run does not support the %s operator yet", x.Op)
	return imm(types.Int64, 0)
}

func readFn(space types.AddrSpace, str bool) asm.BuiltinFunc {
	switch {
	case space == types.AddrUser && str:
		return asm.FnProbeReadUserStr
	case space == types.AddrUser:
		return asm.FnProbeReadUser
	case str:
		return asm.FnProbeReadKernelStr
	}
	return asm.FnProbeReadKernel
}

// spaceOf is where an address of type t points: a pointer's own address
// space, else the probe's (user memory in uprobes).
func (g *gen) spaceOf(t types.Type) types.AddrSpace {
	if p, ok := t.(*types.Pointer); ok && p.AddrSpace != types.AddrNone {
		return p.AddrSpace
	}
	if s := g.pt.AP.Provider.AddrSpace; s != types.AddrNone {
		return s
	}
	return types.AddrKernel
}

// deref reads a value of type t at pointer p plus off with a probe read.
func (g *gen) deref(p *val, t types.Type, off int64) *val {
	space := g.spaceOf(p.t)
	if s, ok := t.(*types.String); ok {
		return g.readString(p, off, int(s.Len), space)
	}
	size := int(t.Size())
	if size <= 0 {
		size = 8
	}
	m := g.alloc(max(size, 8)) // a failed read zeroes what it reads
	g.ptrTo(r1, m)
	g.movImm(r2, int64(size))
	g.into(r3, p)
	if off != 0 {
		g.aluConst(asm.Add, r3, off)
	}
	g.call(readFn(space, false))
	if isScalar(t) {
		r := g.newReg()
		g.loadScalar(r, t, mem{area: m.area, frame: m.frame, off: m.off, size: size})
		return regVal(t, r)
	}
	m.size = size
	return memVal(t, m)
}

// readString reads a NUL-terminated string of at most n bytes.
func (g *gen) readString(p *val, off int64, n int, space types.AddrSpace) *val {
	if n <= 0 || int64(n) > g.c.opts.MaxStrlen {
		n = int(g.c.opts.MaxStrlen)
	}
	m := g.alloc(n)
	g.zero(m)
	g.ptrTo(r1, m)
	g.movImm(r2, int64(n))
	g.into(r3, p)
	if off != 0 {
		g.aluConst(asm.Add, r3, off)
	}
	g.call(readFn(space, true))
	return memVal(&types.String{Len: int64(n)}, m)
}

func (g *gen) ternary(x *ast.TernaryExpr) *val {
	t := g.typeOf(x)
	els, done := g.newLabel("else"), g.newLabel("tern_done")
	if isScalar(t) || t == types.Bool {
		r := g.newReg()
		if x.Then == nil { // c ?: e
			g.into(r, g.expr(x.Cond))
			g.jmpImm(asm.JNE, r, 0, done)
			g.inBranch(func() { g.into(r, g.expr(x.Else)) })
			g.mark(done)
			return regVal(t, r)
		}
		g.condJump(x.Cond, els)
		g.inBranch(func() { g.into(r, g.expr(x.Then)) })
		g.ja(done)
		g.mark(els)
		g.inBranch(func() { g.into(r, g.expr(x.Else)) })
		g.mark(done)
		return regVal(t, r)
	}
	m := g.alloc(slotSize(t))
	st := g.c.storage(t)
	if x.Then == nil {
		g.failf(x, "bt run does not support ?: on this type yet")
		return memVal(t, m)
	}
	g.condJump(x.Cond, els)
	g.inBranch(func() { g.storeAs(m, g.expr(x.Then), st) })
	g.ja(done)
	g.mark(els)
	g.inBranch(func() { g.storeAs(m, g.expr(x.Else), st) })
	g.mark(done)
	return memVal(t, m)
}

func (g *gen) cast(x *ast.CastExpr) *val {
	t := g.typeOf(x)
	v := g.expr(x.X)
	if !isScalar(t) {
		if v.kind == inMem {
			v.t = t
			return v
		}
		// An integer reinterpreted as an array of bytes.
		m := g.alloc(slotSize(t))
		g.store(m.at(0, 8), v)
		m.size = int(t.Size())
		return memVal(t, m)
	}
	if v.kind == inMem && !isScalar(v.t) {
		// An integer array reinterpreted as an integer.
		r := g.newReg()
		base, off := g.addrOf(v.mem)
		g.ldx(r, base, off, sizeOf(int(t.Size())))
		v = regVal(t, r)
	}
	g.convert(v, t)
	return v
}

// convert changes v's type to t, truncating or extending integers.
// Registers always hold the 64-bit extension of their type's value.
func (g *gen) convert(v *val, t types.Type) {
	defer func() { v.t = t }()
	it, ok := t.(*types.Int)
	if !ok || it.Bits >= 64 {
		return
	}
	if from, ok := v.t.(*types.Int); ok {
		if from.Signed == it.Signed && from.Bits <= it.Bits || !from.Signed && from.Bits < it.Bits {
			return // already in range
		}
	}
	if v.kind == inImm {
		sh := 64 - it.Bits
		if it.Signed {
			v.imm = v.imm << sh >> sh
		} else {
			v.imm = int64(uint64(v.imm) << sh >> sh)
		}
		return
	}
	r := g.owned(v)
	switch {
	case it.Signed:
		sh := int32(64 - it.Bits)
		g.aluImm(asm.LSh, r, sh)
		g.aluImm(asm.ArSh, r, sh)
	case it.Bits == 32:
		g.add(asm.Mov.Reg32(0, 0), r, r)
	default:
		g.aluImm(asm.And, r, int32(1<<it.Bits-1))
	}
}

func (g *gen) tuple(elems []ast.Expr, t types.Type) *val {
	tt := tupleOf(g.c.storage(t))
	if tt == nil {
		g.failf(nil, "internal error: tuple of type %s", t)
		return imm(types.Int64, 0)
	}
	m := g.alloc(slotSize(tt))
	for i, e := range elems {
		off := int(tt.Offset(i))
		g.exprTo(e, m.at(off, slotSize(tt.Elems[i])), tt.Elems[i], true)
	}
	return memVal(t, m)
}

func (g *gen) incDec(x *ast.IncDecExpr) *val {
	delta := int64(1)
	if x.Tok == token.DEC {
		delta = -1
	}
	switch target := ast.Unparen(x.X).(type) {
	case *ast.VarExpr:
		v := g.info.Vars[target]
		if l := g.varLoc(v); l.inReg {
			// In place; the old value is a copy (gone if unused).
			var old reg
			if x.Post {
				old = g.newReg()
				g.mov(old, l.reg)
			}
			g.aluImm(asm.Add, l.reg, int32(delta))
			if x.Post {
				return regVal(v.Type, old)
			}
			return &val{t: v.Type, kind: inReg, reg: l.reg, shared: true}
		}
		cur := g.varRead(target)
		res := g.newReg()
		g.into(res, cur)
		nv := g.newReg()
		g.mov(nv, res)
		g.aluImm(asm.Add, nv, int32(delta))
		g.varWrite(v, regVal(v.Type, nv))
		if !x.Post {
			return regVal(v.Type, nv)
		}
		return regVal(v.Type, res)
	case *ast.MapExpr:
		return g.mapAdd(target, nil, delta, x.Post)
	case *ast.MapAccess:
		return g.mapAdd(target.Map, target.Keys, delta, x.Post)
	}
	g.failf(x, "bt run cannot increment this")
	return imm(types.Int64, 0)
}

// ifValue and blockValue generate if and block expressions used as values.
func (g *gen) ifValue(x *ast.IfExpr) *val {
	t := g.typeOf(x)
	if t == types.Void || types.IsInvalid(t) || t == types.None {
		g.ifStmt(x)
		return imm(types.None, 0)
	}
	if !isScalar(t) {
		m := g.alloc(slotSize(t))
		st := g.c.storage(t)
		g.ifArms(x, func(v *val) { g.storeAs(m, v, st) })
		return memVal(t, m)
	}
	r := g.newReg()
	g.ifArms(x, func(v *val) { g.into(r, v) })
	return regVal(t, r)
}

// ifArms generates an if expression, handing each arm's value to put.
func (g *gen) ifArms(x *ast.IfExpr, put func(*val)) {
	if taken, ok := g.staticCond(x.Cond); ok {
		if taken {
			put(g.blockValue(x.Then))
			return
		}
		switch e := x.Else.(type) {
		case *ast.Block:
			put(g.blockValue(e))
		case *ast.IfExpr:
			g.ifArms(e, put)
		}
		return
	}
	els, done := g.newLabel("else"), g.newLabel("if_done")
	g.condJump(x.Cond, els)
	g.inBranch(func() { put(g.blockValue(x.Then)) })
	g.ja(done)
	g.mark(els)
	g.inBranch(func() {
		switch e := x.Else.(type) {
		case *ast.Block:
			put(g.blockValue(e))
		case *ast.IfExpr:
			g.ifArms(e, put)
		}
	})
	g.mark(done)
}

func (g *gen) blockValue(b *ast.Block) *val {
	stmts := b.Stmts
	if b.Value == nil && len(stmts) > 0 {
		// A trailing if/else is the block's value.
		if last, ok := stmts[len(stmts)-1].(*ast.IfExpr); ok && hasValue(g.typeOf(last)) {
			for _, s := range stmts[:len(stmts)-1] {
				g.stmt(s)
			}
			return g.ifValue(last)
		}
	}
	for _, s := range stmts {
		g.stmt(s)
	}
	if b.Value == nil {
		return imm(types.None, 0)
	}
	return g.expr(b.Value)
}

func hasValue(t types.Type) bool {
	return !types.IsInvalid(t) && t != types.Void && t != types.None
}

func isPtrType(t types.Type) bool { _, ok := t.(*types.Pointer); return ok }
