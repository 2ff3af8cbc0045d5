package compile

import (
	"github.com/cilium/ebpf/asm"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/sema"
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

// expr generates x and returns its value.
func (g *gen) expr(x ast.Expr) *val {
	t := g.typeOf(x)
	if k, ok := g.info.Consts[x]; ok && !k.IsStr && isScalar(t) {
		return imm(t, k.Int)
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
		if k, ok := g.info.Consts[x]; ok && k.IsStr {
			return g.stringConst(k.Str, t)
		}
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
	}
	g.failf(x, "bt run does not support this expression yet")
	return imm(types.Int64, 0)
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// stringConst writes a string literal into memory.
func (g *gen) stringConst(s string, t types.Type) *val {
	n := len(s) + 1
	if st, ok := t.(*types.String); ok && int(st.Len) > n {
		n = int(st.Len)
	}
	m := g.alloc(n)
	g.zero(m)
	g.storeBytes(m, []byte(s))
	return &val{t: &types.String{Len: int64(n)}, kind: inMem, mem: m}
}

// storeBytes writes b at the start of m, 8 bytes at a time.
func (g *gen) storeBytes(m mem, b []byte) {
	base, off := g.addrOf(m)
	if base == asm.R0 {
		g.emit(asm.Mov.Reg(asm.R1, asm.R0))
		base = asm.R1
	}
	for i := 0; i < len(b); i += 8 {
		var chunk [8]byte
		copy(chunk[:], b[i:])
		v := int64(0)
		for j := 7; j >= 0; j-- {
			v = v<<8 | int64(chunk[j])
		}
		if v == 0 {
			continue
		}
		g.emit(asm.LoadImm(asm.R2, v, asm.DWord), asm.StoreMem(base, off+int16(i), asm.R2, asm.DWord))
	}
}

// ----------------------------------------------------------------------------
// Variables

// varMem is the storage of a variable, reserved before the body is
// generated (see allocVars) so that statement frames never release it.
func (g *gen) varMem(v *sema.Var) mem {
	if m, ok := g.vars[v]; ok {
		return m
	}
	m := g.alloc(slotSize(storage(v.Type)))
	g.vars[v] = m
	return m
}

// allocVars reserves and zeroes storage for every variable the probe
// uses, in its body and in the macro bodies expanded into it. Zeroing
// keeps the verifier happy on paths that read a variable before any
// assignment.
func (g *gen) allocVars(n ast.Node) {
	var walk func(ast.Node)
	seen := map[ast.Node]bool{}
	walk = func(n ast.Node) {
		ast.Inspect(n, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.VarExpr:
				if v := g.info.Vars[x]; v != nil {
					if _, ok := g.vars[v]; !ok {
						m := g.alloc(slotSize(storage(v.Type)))
						g.vars[v] = m
						g.zero(m)
					}
				}
			case *ast.CallExpr, *ast.Ident:
				if e := g.info.Expansions[x.(ast.Expr)]; e != nil && !seen[e.Body] {
					seen[e.Body] = true
					walk(e.Body)
				}
			}
			return true
		})
	}
	walk(n)
}

func (g *gen) varRead(x *ast.VarExpr) *val {
	v := g.info.Vars[x]
	if v == nil {
		g.failf(x, "internal error: unresolved variable $%s", x.Name)
		return imm(types.Int64, 0)
	}
	m := g.varMem(v)
	t := v.Type
	if isScalar(t) {
		r := g.reg()
		base, off := g.addrOf(m)
		g.emit(asm.LoadMem(r, base, off, asm.DWord))
		return g.regVal(t, r)
	}
	return &val{t: t, kind: inMem, mem: m}
}

// store writes v into m (sized for v's storage type).
func (g *gen) store(m mem, v *val) {
	if isScalar(v.t) || v.kind != inMem {
		r := g.scalar(v)
		base, off := g.addrOf(m)
		g.emit(asm.StoreMem(base, off, r, asm.DWord))
		return
	}
	g.copyMem(m, v.mem, min(m.size, v.mem.size))
}

// copyMem copies n bytes from src to dst through R0/R1/R2.
func (g *gen) copyMem(dst, src mem, n int) {
	g.ptrTo(asm.R1, dst)
	g.ptrTo(asm.R2, src)
	i := 0
	for ; i+8 <= n; i += 8 {
		g.emit(asm.LoadMem(asm.R3, asm.R2, int16(i), asm.DWord), asm.StoreMem(asm.R1, int16(i), asm.R3, asm.DWord))
	}
	for ; i < n; i++ {
		g.emit(asm.LoadMem(asm.R3, asm.R2, int16(i), asm.Byte), asm.StoreMem(asm.R1, int16(i), asm.R3, asm.Byte))
	}
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
	ra := g.scalar(a)
	b := g.expr(x.Y)
	signed := isSignedType(t)
	if isPtrType(g.typeOf(x.X)) && types.IsInt(g.typeOf(x.Y)) {
		if p, ok := g.typeOf(x.X).(*types.Pointer); ok {
			// Pointer arithmetic counts elements.
			if sz := p.Elem.Size(); sz > 1 {
				rb := g.scalar(b)
				g.emit(asm.Mul.Imm(rb, int32(sz)))
			}
		}
	}
	op, ok := aluOp(x.Op, signed)
	if !ok {
		g.failf(x, "bt run does not support the %s operator yet", x.Op)
		return a
	}
	ra = g.scalar(a)
	if b.kind == inImm && b.imm >= -1<<31 && b.imm < 1<<31 {
		g.emit(op.Imm(ra, int32(b.imm)))
	} else {
		rb := g.scalar(b)
		g.emit(op.Reg(ra, rb))
		g.drop(b)
	}
	a.t = t
	return a
}

func isPtrType(t types.Type) bool { _, ok := t.(*types.Pointer); return ok }

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
	r := g.reg()
	v := g.regVal(types.Bool, r)
	f := g.newLabel("false")
	done := g.newLabel("bool_done")
	g.condJump(x, f)
	g.emit(asm.Mov.Imm(r, 1), asm.Ja.Label(done))
	g.mark(f)
	g.emit(asm.Mov.Imm(r, 0))
	g.mark(done)
	return v
}

// condJump jumps to target when x is false, short-circuiting && and ||.
func (g *gen) condJump(x ast.Expr, target string) {
	x = ast.Unparen(x)
	if k, ok := g.info.Consts[x]; ok && !k.IsStr {
		if k.Int == 0 {
			g.emit(asm.Ja.Label(target))
		}
		return
	}
	switch x := x.(type) {
	case *ast.BinaryExpr:
		switch x.Op {
		case token.LAND:
			g.condJump(x.X, target)
			g.condJump(x.Y, target)
			return
		case token.LOR:
			ok := g.newLabel("or_true")
			next := g.newLabel("or_next")
			g.condJump(x.X, next)
			g.emit(asm.Ja.Label(ok))
			g.mark(next)
			g.condJump(x.Y, target)
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
			g.emit(asm.Ja.Label(target))
			g.mark(ok)
			return
		}
	}
	v := g.expr(x)
	r := g.scalar(v)
	g.emit(asm.JEq.Imm(r, 0, target))
	g.drop(v)
}

// compareJump jumps to target when the comparison is false.
func (g *gen) compareJump(x *ast.BinaryExpr, target string) {
	lt, rt := g.typeOf(x.X), g.typeOf(x.Y)
	if types.IsString(lt) && types.IsString(rt) {
		g.stringCompareJump(x, target)
		return
	}
	a := g.expr(x.X)
	ra := g.scalar(a)
	b := g.expr(x.Y)
	signed := isSignedType(lt) || isSignedType(rt)
	op := inverse(x.Op, signed)
	if b.kind == inImm && b.imm >= -1<<31 && b.imm < 1<<31 {
		g.emit(op.Imm(ra, int32(b.imm), target))
	} else {
		rb := g.scalar(b)
		g.emit(op.Reg(ra, rb, target))
	}
	g.drop(a)
	g.drop(b)
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

// stringCompareJump compares two strings byte by byte up to the shorter
// length or the first NUL.
func (g *gen) stringCompareJump(x *ast.BinaryExpr, target string) {
	a, b := g.expr(x.X), g.expr(x.Y)
	n := min(a.mem.size, b.mem.size)
	if la, ok := a.t.(*types.String); ok {
		n = min(n, int(la.Len))
	}
	if lb, ok := b.t.(*types.String); ok {
		n = min(n, int(lb.Len))
	}
	equal, differ := g.newLabel("streq"), g.newLabel("strne")
	g.ptrTo(asm.R1, a.mem)
	g.ptrTo(asm.R2, b.mem)
	for i := 0; i < n; i++ {
		g.emit(
			asm.LoadMem(asm.R3, asm.R1, int16(i), asm.Byte),
			asm.LoadMem(asm.R4, asm.R2, int16(i), asm.Byte),
			asm.JNE.Reg(asm.R3, asm.R4, differ),
			asm.JEq.Imm(asm.R3, 0, equal),
		)
	}
	g.emit(asm.Ja.Label(equal))
	done := g.newLabel("strcmp_done")
	if x.Op == token.EQL {
		g.mark(differ)
		g.emit(asm.Ja.Label(target))
		g.mark(equal)
		g.emit(asm.Ja.Label(done))
	} else {
		g.mark(equal)
		g.emit(asm.Ja.Label(target))
		g.mark(differ)
		g.emit(asm.Ja.Label(done))
	}
	g.mark(done)
}

func (g *gen) unary(x *ast.UnaryExpr) *val {
	t := g.typeOf(x)
	switch x.Op {
	case token.NOT:
		return g.boolValue(x)
	case token.SUB:
		v := g.expr(x.X)
		r := g.scalar(v)
		g.emit(asm.Neg.Imm(r, 0))
		v.t = t
		return v
	case token.TILDE:
		v := g.expr(x.X)
		r := g.scalar(v)
		g.emit(asm.Xor.Imm(r, -1))
		v.t = t
		return v
	case token.MUL:
		p := g.expr(x.X)
		return g.deref(x, p, t, 0)
	}
	g.failf(x, "bt run does not support the %s operator yet", x.Op)
	return imm(types.Int64, 0)
}

// deref reads a value of type t at pointer p plus off with probe_read.
func (g *gen) deref(at ast.Node, p *val, t types.Type, off int64) *val {
	space := types.AddrKernel
	if pt, ok := p.t.(*types.Pointer); ok {
		space = pt.AddrSpace
	}
	size := int(t.Size())
	if size <= 0 {
		size = 8
	}
	if s, ok := t.(*types.String); ok {
		return g.readString(p, off, int(s.Len), space)
	}
	m := g.alloc(max(size, 8))
	g.zero(m)
	g.ptrTo(asm.R1, m)
	g.emit(asm.Mov.Imm(asm.R2, int32(size)))
	g.into(asm.R3, p)
	if off != 0 {
		g.emit(asm.Add.Imm(asm.R3, int32(off)))
	}
	g.drop(p)
	g.call(readFn(space, false))
	if isScalar(t) {
		r := g.reg()
		base, o := g.addrOf(m)
		g.emit(asm.LoadMem(r, base, o, sizeOf(size)))
		v := g.regVal(t, r)
		g.extend(r, t, size)
		return v
	}
	return &val{t: t, kind: inMem, mem: m}
}

// extend sign-extends a narrow signed value loaded into r.
func (g *gen) extend(r asm.Register, t types.Type, size int) {
	if isSignedType(t) && size < 8 {
		sh := int32(64 - 8*size)
		g.emit(asm.LSh.Imm(r, sh), asm.ArSh.Imm(r, sh))
	}
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

// readString reads a NUL-terminated string of at most n bytes.
func (g *gen) readString(p *val, off int64, n int, space types.AddrSpace) *val {
	if n <= 0 || int64(n) > g.c.opts.MaxStrlen {
		n = int(g.c.opts.MaxStrlen)
	}
	m := g.alloc(n)
	g.zero(m)
	g.ptrTo(asm.R1, m)
	g.emit(asm.Mov.Imm(asm.R2, int32(n)))
	g.into(asm.R3, p)
	if off != 0 {
		g.emit(asm.Add.Imm(asm.R3, int32(off)))
	}
	g.drop(p)
	g.call(readFn(space, true))
	return &val{t: &types.String{Len: int64(n)}, kind: inMem, mem: m}
}

func (g *gen) ternary(x *ast.TernaryExpr) *val {
	t := g.typeOf(x)
	els, done := g.newLabel("else"), g.newLabel("tern_done")
	if isScalar(t) {
		r := g.reg()
		res := g.regVal(t, r)
		if x.Then == nil { // c ?: e
			c := g.expr(x.Cond)
			g.into(r, c)
			g.drop(c)
			g.emit(asm.JNE.Imm(r, 0, done))
			e := g.expr(x.Else)
			g.into(r, e)
			g.drop(e)
			g.mark(done)
			return res
		}
		g.condJump(x.Cond, els)
		a := g.expr(x.Then)
		g.into(r, a)
		g.drop(a)
		g.emit(asm.Ja.Label(done))
		g.mark(els)
		b := g.expr(x.Else)
		g.into(r, b)
		g.drop(b)
		g.mark(done)
		return res
	}
	m := g.alloc(slotSize(t))
	g.zero(m)
	g.condJump(x.Cond, els)
	a := g.expr(x.Then)
	g.store(m, a)
	g.emit(asm.Ja.Label(done))
	g.mark(els)
	b := g.expr(x.Else)
	g.store(m, b)
	g.mark(done)
	return &val{t: t, kind: inMem, mem: m}
}

func (g *gen) cast(x *ast.CastExpr) *val {
	t := g.typeOf(x)
	v := g.expr(x.X)
	if !isScalar(t) {
		if v.kind == inMem {
			v.t = t
			return v
		}
		m := g.alloc(slotSize(t))
		g.store(m, v)
		return &val{t: t, kind: inMem, mem: m}
	}
	if it, ok := t.(*types.Int); ok && it.Bits < 64 {
		r := g.scalar(v)
		sh := int32(64 - it.Bits)
		g.emit(asm.LSh.Imm(r, sh))
		if it.Signed {
			g.emit(asm.ArSh.Imm(r, sh))
		} else {
			g.emit(asm.RSh.Imm(r, sh))
		}
	}
	v.t = t
	return v
}

func (g *gen) tuple(elems []ast.Expr, t types.Type) *val {
	st := storage(t)
	tt, _ := st.(*types.Tuple)
	if rec, ok := t.(*types.Record); ok {
		tt = &types.Tuple{Elems: rec.Elems}
		st = storage(tt)
		tt = st.(*types.Tuple)
	}
	if tt == nil {
		return imm(types.Int64, 0)
	}
	m := g.alloc(slotSize(tt))
	g.zero(m)
	for i, e := range elems {
		v := g.expr(e)
		off := int(tt.Offset(i))
		g.store(mem{scratch: m.scratch, off: m.off + off, size: slotSize(tt.Elems[i])}, v)
		g.drop(v)
	}
	return &val{t: t, kind: inMem, mem: m}
}

func (g *gen) incDec(x *ast.IncDecExpr) *val {
	delta := int64(1)
	if x.Tok == token.DEC {
		delta = -1
	}
	switch target := ast.Unparen(x.X).(type) {
	case *ast.VarExpr:
		v := g.info.Vars[target]
		m := g.varMem(v)
		r := g.reg()
		base, off := g.addrOf(m)
		g.emit(asm.LoadMem(r, base, off, asm.DWord))
		res := g.regVal(v.Type, r)
		g.emit(asm.Add.Imm(r, int32(delta)))
		base, off = g.addrOf(m)
		g.emit(asm.StoreMem(base, off, r, asm.DWord))
		if x.Post {
			g.emit(asm.Add.Imm(r, int32(-delta)))
		}
		return res
	case *ast.MapExpr:
		return g.mapAdd(target, nil, imm(types.Int64, delta), x.Post)
	case *ast.MapAccess:
		return g.mapAdd(target.Map, target.Keys, imm(types.Int64, delta), x.Post)
	}
	g.failf(x, "bt run cannot increment this")
	return imm(types.Int64, 0)
}

// ifValue and blockValue generate if and block expressions used as values.
func (g *gen) ifValue(x *ast.IfExpr) *val {
	t := g.typeOf(x)
	if t == types.Void || t == nil || types.IsInvalid(t) {
		g.ifStmt(x)
		return imm(types.Int64, 0)
	}
	r := g.reg()
	res := g.regVal(t, r)
	els, done := g.newLabel("else"), g.newLabel("if_done")
	g.condJump(x.Cond, els)
	a := g.blockValue(x.Then)
	g.into(r, a)
	g.drop(a)
	g.emit(asm.Ja.Label(done))
	g.mark(els)
	switch e := x.Else.(type) {
	case *ast.Block:
		b := g.blockValue(e)
		g.into(r, b)
		g.drop(b)
	case *ast.IfExpr:
		b := g.ifValue(e)
		g.into(r, b)
		g.drop(b)
	}
	g.mark(done)
	return res
}

func (g *gen) blockValue(b *ast.Block) *val {
	for _, s := range b.Stmts {
		g.stmt(s)
	}
	if b.Value == nil {
		return imm(types.Int64, 0)
	}
	return g.expr(b.Value)
}
