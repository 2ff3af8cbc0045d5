package compile

import (
	"github.com/cilium/ebpf/asm"

	"github.com/bt-tools/bt/lang/ast"
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
		g.exprStmt(b.Value)
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
		g.exprStmt(s.X)
	case *ast.AssignStmt:
		g.assign(s)
	case *ast.LetStmt:
		if s.Value != nil {
			v := g.expr(s.Value)
			g.store(g.varMem(g.info.Vars[s.Var]), v)
			g.drop(v)
		}
	case *ast.IfExpr:
		g.ifStmt(s)
	case *ast.Block:
		g.block(s)
	case *ast.ReturnStmt:
		g.emit(asm.Ja.Label(g.exit))
	case *ast.BranchStmt:
		if len(g.loops) == 0 {
			g.failf(s, "%s outside of a loop", s.Tok)
			return
		}
		l := g.loops[len(g.loops)-1]
		target := l.brk
		if s.Tok == token.CONTINUE {
			target = l.cont
		}
		g.emit(asm.Ja.Label(target))
	case *ast.WhileStmt:
		g.while(s)
	case *ast.UnrollStmt:
		n, _ := g.info.Consts[s.Count]
		for i := int64(0); i < n.Int; i++ {
			g.block(s.Body)
		}
	case *ast.ForStmt:
		g.forStmt(s)
	case *ast.BadStmt:
	default:
		g.failf(s, "bt run does not support this statement yet")
	}
}

func (g *gen) exprStmt(x ast.Expr) {
	v := g.expr(x)
	g.drop(v)
}

func (g *gen) ifStmt(x *ast.IfExpr) {
	els, done := g.newLabel("else"), g.newLabel("endif")
	g.condJump(x.Cond, els)
	g.block(x.Then)
	if x.Else != nil {
		g.emit(asm.Ja.Label(done))
	}
	g.mark(els)
	switch e := x.Else.(type) {
	case *ast.Block:
		g.block(e)
	case *ast.IfExpr:
		g.ifStmt(e)
	}
	if x.Else != nil {
		g.mark(done)
	}
	// Make sure a trailing label lands on an instruction.
	if g.pending != "" {
		g.emit(asm.Mov.Reg(asm.R0, asm.R0))
	}
}

func (g *gen) while(s *ast.WhileStmt) {
	top, done := g.newLabel("while"), g.newLabel("endwhile")
	g.mark(top)
	g.condJump(s.Cond, done)
	g.loops = append(g.loops, loopLabels{brk: done, cont: top})
	g.block(s.Body)
	g.loops = g.loops[:len(g.loops)-1]
	g.emit(asm.Ja.Label(top))
	g.mark(done)
	g.emit(asm.Mov.Imm(asm.R0, 0))
}

// forStmt generates a range loop as a bounded loop the verifier follows.
func (g *gen) forStmt(s *ast.ForStmt) {
	r, ok := s.Iter.(*ast.RangeExpr)
	if !ok {
		g.failf(s, "bt run does not support for loops over maps yet")
		return
	}
	v := g.info.Vars[s.Var]
	m := g.varMem(v)
	lo := g.expr(r.Lo)
	g.store(m, lo)
	g.drop(lo)
	hiMem := g.alloc(8)
	hi := g.expr(r.Hi)
	g.store(hiMem, hi)
	g.drop(hi)
	top, cont, done := g.newLabel("for"), g.newLabel("forcont"), g.newLabel("endfor")
	g.mark(top)
	base, off := g.addrOf(m)
	g.emit(asm.LoadMem(asm.R1, base, off, asm.DWord))
	base, off = g.addrOf(hiMem)
	g.emit(asm.LoadMem(asm.R2, base, off, asm.DWord))
	if isSignedType(v.Type) {
		g.emit(asm.JSGE.Reg(asm.R1, asm.R2, done))
	} else {
		g.emit(asm.JGE.Reg(asm.R1, asm.R2, done))
	}
	g.loops = append(g.loops, loopLabels{brk: done, cont: cont})
	g.block(s.Body)
	g.loops = g.loops[:len(g.loops)-1]
	g.mark(cont)
	base, off = g.addrOf(m)
	g.emit(asm.LoadMem(asm.R1, base, off, asm.DWord), asm.Add.Imm(asm.R1, 1))
	base, off = g.addrOf(m)
	g.emit(asm.StoreMem(base, off, asm.R1, asm.DWord), asm.Ja.Label(top))
	g.mark(done)
	g.emit(asm.Mov.Imm(asm.R0, 0))
}

func (g *gen) assign(s *ast.AssignStmt) {
	switch lhs := ast.Unparen(s.LHS).(type) {
	case *ast.Ident: // _ = x
		g.exprStmt(s.RHS)
	case *ast.VarExpr:
		v := g.info.Vars[lhs]
		m := g.varMem(v)
		var val *val
		if s.Tok == token.ASSIGN {
			val = g.expr(s.RHS)
		} else {
			val = g.compound(s, g.varRead(lhs))
		}
		if st, ok := v.Type.(*types.String); ok && val.kind == inMem {
			g.zero(mem{scratch: m.scratch, off: m.off, size: int(st.Len)})
		}
		g.store(m, val)
		g.drop(val)
	case *ast.MapExpr:
		g.mapAssign(s, lhs, nil)
	case *ast.MapAccess:
		g.mapAssign(s, lhs.Map, lhs.Keys)
	default:
		g.failf(s, "bt run cannot assign to this")
	}
}

// compound computes lhs op rhs for op= assignments.
func (g *gen) compound(s *ast.AssignStmt, cur *val) *val {
	ra := g.scalar(cur)
	b := g.expr(s.RHS)
	op, _ := aluOp(s.Tok.BinaryOf(), isSignedType(cur.t))
	if b.kind == inImm && b.imm >= -1<<31 && b.imm < 1<<31 {
		g.emit(op.Imm(ra, int32(b.imm)))
	} else {
		rb := g.scalar(b)
		g.emit(op.Reg(ra, rb))
		g.drop(b)
	}
	return cur
}
