package compile

import (
	"github.com/cilium/ebpf/asm"

	"github.com/bt-tools/bt/engine/plan"
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
)

func (g *gen) block(b *ast.Block) {
	if b == nil {
		return
	}
	for _, s := range b.Stmts {
		g.stmt(s)
	}
	if b.Value != nil {
		f := g.frame()
		g.expr(b.Value)
		g.release(f)
	}
}

// stmt generates one statement; its temporaries are released after it.
func (g *gen) stmt(s ast.Stmt) {
	f := g.frame()
	prev := g.at(s)
	defer func() {
		g.span = prev
		g.release(f)
	}()
	switch s := s.(type) {
	case *ast.ExprStmt:
		g.expr(s.X)
	case *ast.AssignStmt:
		g.assign(s)
	case *ast.LetStmt:
		if s.Value != nil {
			if v := g.info.Vars[s.Var]; v != nil {
				g.noteStrftime(v, s.Value)
				g.varAssign(v, s.Value)
			}
		}
	case *ast.IfExpr:
		g.ifStmt(s)
	case *ast.Block:
		g.block(s)
	case *ast.ReturnStmt:
		g.returnStmt()
	case *ast.BranchStmt:
		g.branch(s)
	case *ast.WhileStmt:
		g.while(s)
	case *ast.UnrollStmt:
		n, _ := g.constInt(s.Count)
		for i := int64(0); i < n; i++ {
			g.block(s.Body)
		}
	case *ast.ForStmt:
		g.forStmt(s)
	case *ast.BadStmt, *ast.ImportDecl:
	default:
		g.failf(s, "bt run does not support this statement yet")
	}
}

// staticCond returns the value of an if's condition when it is known at
// compile time (if comptime ..., constants): only the branch taken is
// generated; the checker did not check the other.
func (g *gen) staticCond(x ast.Expr) (bool, bool) {
	for {
		switch e := x.(type) {
		case *ast.ParenExpr:
			x = e.X
			continue
		case *ast.ComptimeExpr:
			if k, ok := g.constInt(e); ok {
				return k != 0, true
			}
			x = e.X
			continue
		}
		break
	}
	k, ok := g.constInt(x)
	return k != 0, ok
}

func (g *gen) ifStmt(x *ast.IfExpr) {
	if taken, ok := g.staticCond(x.Cond); ok {
		if taken {
			g.block(x.Then)
			return
		}
		switch e := x.Else.(type) {
		case *ast.Block:
			g.block(e)
		case *ast.IfExpr:
			g.ifStmt(e)
		}
		return
	}
	els, done := g.newLabel("else"), g.newLabel("endif")
	g.condJump(x.Cond, els)
	g.inBranch(func() { g.block(x.Then) })
	if x.Else != nil {
		g.ja(done)
	}
	g.mark(els)
	g.inBranch(func() {
		switch e := x.Else.(type) {
		case *ast.Block:
			g.block(e)
		case *ast.IfExpr:
			g.ifStmt(e)
		}
	})
	if x.Else != nil {
		g.mark(done)
	}
}

// returnStmt leaves the probe; in a loop body, it leaves the loop with a
// flag that the code after the loop checks.
func (g *gen) returnStmt() {
	if !g.f.callback {
		g.ja(g.f.exit)
		return
	}
	base, off := g.addrOf(g.retMem)
	g.st(base, off, 1, asm.DWord)
	g.ret(1)
}

func (g *gen) branch(s *ast.BranchStmt) {
	if len(g.loops) == 0 {
		g.failf(s, "%s outside of a loop", s.Tok)
		return
	}
	l := g.loops[len(g.loops)-1]
	if l.callback {
		if s.Tok == token.CONTINUE {
			g.ret(0)
		} else {
			g.ret(1)
		}
		return
	}
	if s.Tok == token.CONTINUE {
		g.ja(l.cont)
	} else {
		g.ja(l.brk)
	}
}

func (g *gen) while(s *ast.WhileStmt) {
	top, done := g.newLabel("while"), g.newLabel("endwhile")
	g.mark(top)
	g.condJump(s.Cond, done)
	g.loops = append(g.loops, loopLabels{brk: done, cont: top})
	g.inBranch(func() { g.block(s.Body) })
	g.loops = g.loops[:len(g.loops)-1]
	g.ja(top)
	g.mark(done)
}

func (g *gen) assign(s *ast.AssignStmt) {
	switch lhs := ast.Unparen(s.LHS).(type) {
	case *ast.Ident: // _ = x
		g.expr(s.RHS)
	case *ast.VarExpr:
		v := g.info.Vars[lhs]
		if v == nil {
			g.failf(lhs, "internal error: unresolved variable $%s", lhs.Name)
			return
		}
		if s.Tok == token.ASSIGN {
			g.noteStrftime(v, s.RHS)
			if g.selfUpdate(v, s.RHS) {
				return
			}
			g.varAssign(v, s.RHS)
			return
		}
		if l := g.varLoc(v); l.inReg {
			// Update the variable's register in place.
			cur := regVal(v.Type, l.reg)
			g.compound(s, cur)
			return
		}
		g.varWrite(v, g.compound(s, g.varRead(lhs)))
	case *ast.MapExpr:
		g.mapAssign(s, lhs, nil)
	case *ast.MapAccess:
		g.mapAssign(s, lhs.Map, lhs.Keys)
	default:
		g.failf(s, "bt run cannot assign to this")
	}
}

// varAssign assigns x to variable v: straight into its memory when x
// builds its bytes there and does not read v.
func (g *gen) varAssign(v *sema.Var, x ast.Expr) {
	l := g.varLoc(v)
	if l.inReg || mentions(g.info, x, v) {
		g.varWrite(v, g.expr(x))
		return
	}
	g.exprTo(x, l.mem, g.c.storage(v.Type), true)
}

// mentions says whether x reads variable v.
func mentions(info *sema.Info, x ast.Expr, v *sema.Var) bool {
	found := false
	ast.Inspect(x, func(n ast.Node) bool {
		if e, ok := n.(*ast.VarExpr); ok && info.Vars[e] == v {
			found = true
		}
		if e, ok := n.(ast.Expr); ok && info.Expansions[e] != nil {
			found = true // a macro may: be safe
		}
		return !found
	})
	return found
}

// selfUpdate generates $x = $x op y for a variable in a register as
// $x op= y: in place.
func (g *gen) selfUpdate(v *sema.Var, rhs ast.Expr) bool {
	l := g.varLoc(v)
	b, ok := ast.Unparen(rhs).(*ast.BinaryExpr)
	if !l.inReg || !ok {
		return false
	}
	x, ok := ast.Unparen(b.X).(*ast.VarExpr)
	if !ok || g.info.Vars[x] != v {
		return false
	}
	signed := isSignedType(g.typeOf(b))
	switch b.Op {
	case token.ADD, token.SUB, token.MUL, token.AND, token.OR, token.XOR, token.SHL:
	case token.SHR:
		signed = isSignedType(g.typeOf(b.X))
	default:
		return false
	}
	if !types.Identical(g.typeOf(b), v.Type) || isPtrType(g.typeOf(b.X)) {
		return false // a conversion is due
	}
	op, _ := aluOp(b.Op, signed)
	y := g.expr(b.Y)
	if y.kind == inImm && fitsImm(y.imm) {
		g.aluImm(op, l.reg, int32(y.imm))
	} else {
		g.alu(op, l.reg, g.scalar(y))
	}
	return true
}

// compound computes lhs op rhs for op= assignments, in cur's register.
func (g *gen) compound(s *ast.AssignStmt, cur *val) *val {
	ra := g.owned(cur)
	b := g.expr(s.RHS)
	signed := isSignedType(cur.t)
	op, ok := aluOp(s.Tok.BinaryOf(), signed)
	if !ok {
		g.failf(s, "bt run does not support %s yet", s.Tok)
		return cur
	}
	if signed && (op == asm.Div || op == asm.Mod) && !g.c.opts.Era017 {
		res := g.signedDiv(s.Tok.BinaryOf(), regVal(cur.t, ra), b, cur.t)
		g.mov(ra, res.reg)
		return cur
	}
	if b.kind == inImm && fitsImm(b.imm) {
		g.aluImm(op, ra, int32(b.imm))
	} else {
		g.alu(op, ra, g.scalar(b))
	}
	return cur
}

// ----------------------------------------------------------------------------
// Loops with callbacks

// forStmt generates a for loop as a callback function: over a range with
// bpf_loop, over a map with bpf_for_each_map_elem. The callback reaches
// the program's variables through the program's frame pointer, passed as
// the callback context; break and continue return from it.
func (g *gen) forStmt(s *ast.ForStmt) {
	v := g.info.Vars[s.Var]
	if v == nil {
		g.failf(s, "internal error: unresolved loop variable")
		return
	}
	lv := g.varLoc(v)
	switch it := s.Iter.(type) {
	case *ast.RangeExpr:
		g.rangeLoop(s, it, lv)
	case *ast.MapExpr:
		g.mapLoop(s, it, lv)
	default:
		g.failf(s, "bt run cannot loop over this")
	}
}

// callback generates body as a new function whose parameters arrive in
// R1..Rn; the program's frame pointer is parameter ctxArg.
func (g *gen) callback(nparams, ctxArg int, body func(params []reg)) string {
	cur := g.f
	name := g.newLabel(g.name + "_cb")
	f := g.newFn(name)
	f.callback = true
	g.f = f
	for i := 0; i < nparams; i++ {
		r := g.newReg()
		g.mov(r, r1+reg(i))
		f.params = append(f.params, r)
	}
	f.mainFP = f.params[ctxArg-1]
	body(f.params)
	g.ret(0)
	g.f = cur
	return name
}

// mainFP is the program's frame pointer as seen from the current function.
func (g *gen) mainFP() reg {
	if g.f.index == 0 {
		return r10
	}
	return g.f.mainFP
}

// afterLoop returns from the probe when the loop body ran return.
func (g *gen) afterLoop() {
	if g.retMem.size == 0 {
		return
	}
	t := g.newReg()
	base, off := g.addrOf(g.retMem)
	g.ldx(t, base, off, asm.DWord)
	if g.f.callback {
		next := g.newLabel("ret_ok")
		g.jmpImm(asm.JEq, t, 0, next)
		g.ret(1)
		g.mark(next)
		return
	}
	g.jmpImm(asm.JNE, t, 0, g.f.exit)
}

func (g *gen) rangeLoop(s *ast.ForStmt, r *ast.RangeExpr, lv varLoc) {
	if lv.inReg {
		g.failf(s, "internal error: loop variable in a register")
		return
	}
	lo, hi := g.expr(r.Lo), g.expr(r.Hi)
	// The callback adds the index to lo, kept in the program's frame.
	base := g.loopBase[s]
	g.store(base, lo)
	n := g.newReg()
	g.into(n, hi)
	rl := g.scalar(lo)
	signed := isSignedType(g.typeOf(r.Lo)) || isSignedType(g.typeOf(r.Hi))
	skip := g.newLabel("for_skip")
	if signed {
		g.jmp(asm.JSLE, n, rl, skip)
	} else {
		g.jmp(asm.JLE, n, rl, skip)
	}
	g.alu(asm.Sub, n, rl)
	v := g.info.Vars[s.Var]
	name := g.callback(2, 2, func(p []reg) {
		i := g.newReg()
		b, off := g.addrOf(base)
		g.ldx(i, b, off, asm.DWord)
		g.alu(asm.Add, i, p[0])
		if !hasLoop(s.Body) {
			// Only this callback sees the variable: a register of its own.
			g.vars[v] = varLoc{inReg: true, reg: i}
			defer func() { g.vars[v] = lv }()
		} else {
			b, off = g.addrOf(lv.mem)
			g.stx(b, off, i, asm.DWord)
		}
		g.loopBody(s.Body)
	})
	g.mov(r1, n)
	g.ldFunc(r2, name)
	g.mov(r3, g.mainFP())
	g.movImm(r4, 0)
	g.call(asm.FnLoop)
	g.afterLoop()
	g.mark(skip)
}

// hasLoop says whether a loop body has loops of its own (callbacks that
// reach variables through memory).
func hasLoop(b *ast.Block) bool {
	found := false
	ast.Inspect(b, func(n ast.Node) bool {
		if _, ok := n.(*ast.ForStmt); ok {
			found = true
		}
		return !found
	})
	return found
}

func (g *gen) loopBody(b *ast.Block) {
	g.loops = append(g.loops, loopLabels{callback: true})
	outer := g.loops
	g.loops = g.loops[len(g.loops)-1:]
	g.block(b)
	g.loops = outer[:len(outer)-1]
}

// mapLoop iterates over a map: $kv = (key, value) for each entry.
func (g *gen) mapLoop(s *ast.ForStmt, m *ast.MapExpr, lv varLoc) {
	pm := g.userMap(m)
	if pm == nil {
		return
	}
	if pm.Bucketed {
		g.failf(s, "bt run cannot loop over a histogram")
		return
	}
	kt := tupleOf(g.c.storage(g.typeOf(s.Var)))
	if kt == nil || lv.inReg || len(kt.Elems) != 2 {
		g.failf(s, "internal error: loop variable of type %s", g.typeOf(s.Var))
		return
	}
	keyMem := lv.mem.at(0, slotSize(kt.Elems[0]))
	valMem := lv.mem.at(int(kt.Offset(1)), slotSize(kt.Elems[1]))
	name := g.callback(4, 4, func(p []reg) {
		// Copy the key and the value into $kv.
		kb, koff := g.addrOf(keyMem)
		t := g.newReg()
		for i := 0; i < keyMem.size; i += 8 {
			g.ldx(t, p[1], int16(i), asm.DWord)
			g.stx(kb, koff+int16(i), t, asm.DWord)
		}
		if agg, ok := pm.Value.(*types.Agg); ok {
			if !agg.Castable() {
				g.failf(s, "bt run cannot read %s values in a loop", agg)
				return
			}
			v := g.aggRead(pm, keyMem, agg)
			g.store(valMem, v)
		} else {
			vb, voff := g.addrOf(valMem)
			n := min(valMem.size, slotSize(pm.Value))
			for i := 0; i < n; i += 8 {
				g.ldx(t, p[2], int16(i), asm.DWord)
				g.stx(vb, voff+int16(i), t, asm.DWord)
			}
		}
		g.loopBody(s.Body)
	})
	g.ldMap(r1, pm.Name)
	g.ldFunc(r2, name)
	g.mov(r3, g.mainFP())
	g.movImm(r4, 0)
	g.call(asm.FnForEachMapElem)
	g.afterLoop()
}

// mapLen counts a map's entries with bpf_for_each_map_elem, whose result
// is the number of elements it visited.
func (g *gen) mapLen(pm *plan.Map) *val {
	name := g.newLabel(g.name + "_len")
	cur := g.f
	f := g.newFn(name)
	f.callback = true
	g.f = f
	g.ret(0)
	g.f = cur
	g.ldMap(r1, pm.Name)
	g.ldFunc(r2, name)
	g.movImm(r3, 0)
	g.movImm(r4, 0)
	g.call(asm.FnForEachMapElem)
	return g.fromR0(types.Int64)
}
