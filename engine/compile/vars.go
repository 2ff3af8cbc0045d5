package compile

import (
	"github.com/cilium/ebpf/asm"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
)

// stringConst writes a string literal into memory, padded with NULs to
// its type's length.
func (g *gen) stringConst(s string, t types.Type) *val {
	n := len(s) + 1
	if st, ok := t.(*types.String); ok && int(st.Len) > n {
		n = int(st.Len)
	}
	m := g.alloc(n)
	g.storeBytes(m, []byte(s))
	return memVal(&types.String{Len: int64(n)}, m)
}

// storeBytes fills m with b and zeroes the rest, 8 bytes at a time (two
// 32-bit immediate stores per word, none of them through a register).
func (g *gen) storeBytes(m mem, b []byte) {
	base, off := g.addrOf(m)
	size := (m.size + 7) &^ 7 // allocations are 8-byte slots
	for i := 0; i < size; i += 8 {
		var chunk [8]byte
		if i < len(b) {
			copy(chunk[:], b[i:])
		}
		lo := int32(uint32(chunk[0]) | uint32(chunk[1])<<8 | uint32(chunk[2])<<16 | uint32(chunk[3])<<24)
		hi := int32(uint32(chunk[4]) | uint32(chunk[5])<<8 | uint32(chunk[6])<<16 | uint32(chunk[7])<<24)
		if hi == 0 && lo >= 0 {
			g.st(base, off+int16(i), lo, asm.DWord)
			continue
		}
		g.st(base, off+int16(i), lo, asm.Word)
		g.st(base, off+int16(i+4), hi, asm.Word)
	}
}

// ----------------------------------------------------------------------------
// Variables

// allocVars decides where every variable the probe uses lives, in its
// body and in the macro bodies expanded into it, and initialises it:
// scalars in registers, unless a loop body (a callback, which cannot see
// the program's registers) uses them; everything else in the program's
// frame. Zeroing keeps the verifier happy on paths that read a variable
// before any assignment.
func (g *gen) allocVars(n ast.Node) {
	var order []*sema.Var
	inLoop := map[*sema.Var]bool{}
	seen := map[ast.Node]bool{}
	var loops []*ast.ForStmt
	retInLoop := false
	var walk func(n ast.Node, depth int)
	walk = func(n ast.Node, depth int) {
		ast.Inspect(n, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.ReturnStmt:
				retInLoop = retInLoop || depth > 0
			case *ast.ForStmt:
				loops = append(loops, x)
				if x.Var != nil {
					walk(x.Var, depth+1) // the callback writes it
				}
				if x.Iter != nil {
					walk(x.Iter, depth)
				}
				if x.Body != nil {
					walk(x.Body, depth+1)
				}
				return false
			case *ast.VarExpr:
				if v := g.info.Vars[x]; v != nil {
					if _, ok := inLoop[v]; !ok {
						order = append(order, v)
						inLoop[v] = false
					}
					if depth > 0 {
						inLoop[v] = true
					}
				}
			case *ast.CallExpr, *ast.Ident:
				if e := g.info.Expansions[x.(ast.Expr)]; e != nil && !seen[e.Body] {
					seen[e.Body] = true
					walk(e.Body, depth)
				}
			}
			return true
		})
	}
	walk(n, 0)
	assignedFirst := g.assignedFirst(n)
	for _, v := range order {
		if isScalar(v.Type) && !inLoop[v] {
			r := g.newReg()
			g.movImm(r, 0)
			g.vars[v] = varLoc{inReg: true, reg: r}
			continue
		}
		m := g.alloc(slotSize(g.c.storage(v.Type)))
		if !assignedFirst[v] || inLoop[v] {
			g.zero(m)
		}
		g.vars[v] = varLoc{mem: m}
	}
	// Loop callbacks see the program's frame only: what they share with
	// the code around the loop lives there for the whole program.
	for _, l := range loops {
		if _, ok := l.Iter.(*ast.RangeExpr); ok {
			g.loopBase[l], _ = g.allocStack(8)
		}
	}
	if retInLoop {
		g.retMem, _ = g.allocStack(8)
		g.st(r10, int16(g.retMem.off), 0, asm.DWord)
	}
}

// assignedFirst finds the variables that a top-level statement of the
// probe's body assigns before anything else mentions them: their memory
// needs no zeroing, the assignment initialises it.
func (g *gen) assignedFirst(n ast.Node) map[*sema.Var]bool {
	out := map[*sema.Var]bool{}
	p, ok := n.(*ast.Probe)
	if !ok || p.Body == nil {
		return out
	}
	mentioned := map[*sema.Var]bool{}
	mention := func(n ast.Node) {
		if n == nil {
			return
		}
		ast.Inspect(n, func(n ast.Node) bool {
			if x, ok := n.(*ast.VarExpr); ok {
				if v := g.info.Vars[x]; v != nil {
					mentioned[v] = true
				}
			}
			if x, ok := n.(ast.Expr); ok && g.info.Expansions[x] != nil {
				mentioned[nil] = true // a macro: stop here
			}
			return true
		})
	}
	if p.Pred != nil {
		mention(p.Pred)
	}
	for _, st := range p.Body.Stmts {
		var target *ast.VarExpr
		var rhs ast.Expr
		switch st := st.(type) {
		case *ast.AssignStmt:
			if x, ok := ast.Unparen(st.LHS).(*ast.VarExpr); ok && st.Tok == token.ASSIGN {
				target, rhs = x, st.RHS
			}
		case *ast.LetStmt:
			if st.Value != nil {
				target, rhs = st.Var, st.Value
			}
		}
		if target != nil {
			mention(rhs)
			if v := g.info.Vars[target]; v != nil && !mentioned[v] && !mentioned[nil] {
				out[v] = true
			}
		}
		mention(st)
		if mentioned[nil] {
			break
		}
	}
	return out
}

// varLoc returns where v lives, allocating memory for a variable met
// outside allocVars' walk (a compiler bug, but harmless).
func (g *gen) varLoc(v *sema.Var) varLoc {
	if l, ok := g.vars[v]; ok {
		return l
	}
	m := g.alloc(slotSize(g.c.storage(v.Type)))
	g.zero(m)
	l := varLoc{mem: m}
	g.vars[v] = l
	return l
}

func (g *gen) varRead(x *ast.VarExpr) *val {
	v := g.info.Vars[x]
	if v == nil {
		g.failf(x, "internal error: unresolved variable $%s", x.Name)
		return imm(types.Int64, 0)
	}
	l := g.varLoc(v)
	if l.inReg {
		return &val{t: v.Type, kind: inReg, reg: l.reg, shared: true}
	}
	if isScalar(v.Type) {
		r := g.newReg()
		base, off := g.addrOf(l.mem)
		g.ldx(r, base, off, asm.DWord)
		return regVal(v.Type, r)
	}
	return memVal(v.Type, l.mem)
}

// noteStrftime remembers the format of a strftime() call assigned to a
// variable, for printing the variable.
func (g *gen) noteStrftime(v *sema.Var, x ast.Expr) {
	if call, ok := ast.Unparen(x).(*ast.CallExpr); ok && call.Fun.Name == "strftime" && len(call.Args) > 0 {
		if k, ok := g.info.Consts[call.Args[0]]; ok && k.IsStr {
			g.c.strftime[v] = k.Str
		}
	}
}

// varWrite assigns val to variable v.
func (g *gen) varWrite(v *sema.Var, x *val) {
	l := g.varLoc(v)
	if l.inReg {
		g.into(l.reg, x)
		return
	}
	g.storeAs(l.mem, x, g.c.storage(v.Type))
}

// store writes scalar or memory value v into m.
func (g *gen) store(m mem, v *val) {
	if v.kind != inMem || isScalar(v.t) {
		base, off := g.addrOf(m)
		if v.kind == inImm && fitsImm(v.imm) {
			g.st(base, off, int32(v.imm), sizeOf(min(m.size, 8)))
			return
		}
		r := g.scalar(v)
		base, off = g.addrOf(m)
		g.stx(base, off, r, sizeOf(min(m.size, 8)))
		return
	}
	n := min(m.size, v.mem.size)
	g.copyMem(m, v.mem, n)
	g.zeroTail(m, n)
}

// storeAs stores v into a slot of type t, copying at most t's size (so a
// shorter string never drags garbage into a key) and zeroing the rest.
func (g *gen) storeAs(m mem, v *val, t types.Type) {
	if st, ok := t.(*types.String); ok && v.kind == inMem {
		n := min(int(st.Len), v.mem.size, m.size)
		if vs, ok := v.t.(*types.String); ok {
			n = min(n, int(vs.Len))
		}
		g.copyMem(m, v.mem, n)
		g.zeroTail(m, n)
		return
	}
	g.store(m, v)
}

// copyMem copies n bytes from src to dst: word by word through a
// register, or with one probe read when that is long.
func (g *gen) copyMem(dst, src mem, n int) {
	if n <= 0 || dst == src {
		return
	}
	if n > 256 {
		g.ptrTo(r1, dst)
		g.movImm(r2, int64(n))
		g.ptrTo(r3, src)
		g.call(asm.FnProbeReadKernel)
		return
	}
	db, doff := g.addrOf(dst)
	sb, soff := g.addrOf(src)
	t := g.newReg()
	for i := 0; i < n; {
		sz := 8
		for sz > n-i {
			sz /= 2
		}
		g.ldx(t, sb, soff+int16(i), sizeOf(sz))
		g.stx(db, doff+int16(i), t, sizeOf(sz))
		i += sz
	}
}

// exprTo evaluates x into m, a slot of type t: straight into m when x
// produces bytes in memory (comm, str(), tuples), so that they are not
// copied again; else as a value stored there. Unless clean, the bytes of
// a string after its NUL may be left as they were (event records are
// read up to the NUL; keys and values are compared whole).
func (g *gen) exprTo(x ast.Expr, m mem, t types.Type, clean bool) {
	x = ast.Unparen(x)
	st, isStr := t.(*types.String)
	if k, ok := g.info.Consts[x]; ok {
		if k.IsStr && isStr && m.off%8 == 0 {
			// The literal's bytes, NUL padded, cut to the slot.
			n := min(int(st.Len), m.size) - 1
			b := []byte(k.Str)
			if len(b) > n {
				b = b[:n]
			}
			g.storeBytes(m, b)
			return
		}
		g.storeAs(m, g.expr(x), t)
		return
	}
	switch e := x.(type) {
	case *ast.Ident:
		if isStr && e.Name == "comm" && g.isBuiltinIdent(e) && m.size >= 16 && st.Len >= 16 {
			g.commTo(m)
			return
		}
	case *ast.CallExpr:
		callee := g.info.Calls[e]
		if callee == nil || callee.Builtin == nil || g.info.Expansions[e] != nil {
			break
		}
		switch callee.Builtin.Name {
		case "comm":
			if isStr && len(e.Args) == 0 && m.size >= 16 && st.Len >= 16 {
				g.commTo(m)
				return
			}
		case "str":
			rt, ok := g.typeOf(e).(*types.String)
			if !isStr || !ok || int(rt.Len) > m.size || !isScalar(g.typeOf(e.Args[0])) {
				break
			}
			if len(e.Args) > 1 {
				if _, ok := g.constInt(e.Args[1]); !ok {
					break
				}
			}
			v := g.expr(e.Args[0])
			if clean {
				g.zero(m)
			}
			g.ptrTo(r1, m)
			g.movImm(r2, rt.Len)
			g.into(r3, v)
			g.call(readFn(g.spaceOf(v.t), true))
			return
		}
	case *ast.FieldExpr:
		// A char array of a tracepoint's args, read into the slot.
		if fi := g.info.Fields[e]; isStr && fi != nil && g.isArgs(e.X) && g.pt.AP.Provider.Name == "tracepoint" {
			if a, ok := fi.Field.Type.(*types.Array); ok && int(a.Size()) <= m.size && int64(m.size) <= st.Len+7 {
				g.argsDst = &m
				v := g.expr(x)
				g.argsDst = nil
				if v.mem == m {
					g.zeroTail(m, int(a.Size()))
					return
				}
				g.storeAs(m, v, t)
				return
			}
		}
	case *ast.TupleExpr:
		tt := tupleOf(t)
		if tt == nil || len(tt.Elems) != len(e.Elems) || m.size < slotSize(tt) {
			break
		}
		for i, el := range e.Elems {
			g.exprTo(el, m.at(int(tt.Offset(i)), slotSize(tt.Elems[i])), tt.Elems[i], clean)
		}
		return
	}
	g.storeAs(m, g.expr(x), t)
}

// commTo writes comm into m, NUL padded.
func (g *gen) commTo(m mem) {
	g.ptrTo(r1, m)
	g.movImm(r2, 16)
	g.call(asm.FnGetCurrentComm)
	g.zeroTail(m, 16)
}

func (g *gen) isBuiltinIdent(id *ast.Ident) bool {
	o := g.info.Idents[id]
	return o != nil && o.Kind == sema.ObjBuiltin
}
