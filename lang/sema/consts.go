package sema

import (
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
)

// intConst returns x's value if it is an integer constant.
func (c *checker) intConst(x ast.Expr) (int64, bool) {
	k, ok := c.info.Consts[x]
	if !ok || k.IsStr {
		return 0, false
	}
	return k.Int, true
}

// stringConst returns x's value if it is a string constant (a literal or
// a positional parameter).
func (c *checker) stringConst(x ast.Expr) (string, bool) {
	x = ast.Unparen(x)
	if p, ok := x.(*ast.ParamExpr); ok && p.N > 0 {
		if p.N <= len(c.opts.Params) {
			return c.opts.Params[p.N-1], true
		}
		return "", c.opts.ParamsGiven || true
	}
	k, ok := c.info.Consts[x]
	if !ok || !k.IsStr {
		return "", false
	}
	return k.Str, true
}

func (c *checker) foldArith(x *ast.BinaryExpr, t types.Type) {
	a, ok1 := c.intConst(x.X)
	b, ok2 := c.intConst(x.Y)
	if !ok1 || !ok2 {
		return
	}
	signed := isSigned(t)
	var v int64
	switch x.Op {
	case token.ADD:
		v = a + b
	case token.SUB:
		v = a - b
	case token.MUL:
		v = a * b
	case token.QUO, token.REM:
		if b == 0 {
			c.errorf(x, "E313", "division by zero")
			return
		}
		switch {
		case x.Op == token.QUO && signed:
			v = a / b
		case x.Op == token.QUO:
			v = int64(uint64(a) / uint64(b))
		case signed:
			v = a % b
		default:
			v = int64(uint64(a) % uint64(b))
		}
	case token.AND:
		v = a & b
	case token.OR:
		v = a | b
	case token.XOR:
		v = a ^ b
	case token.SHL:
		v = a << uint64(b&63)
	case token.SHR:
		if signed {
			v = a >> uint64(b&63)
		} else {
			v = int64(uint64(a) >> uint64(b&63))
		}
	default:
		return
	}
	c.info.Consts[x] = Const{Int: v, Uint: !signed && v < 0}
}

func (c *checker) foldCompare(x *ast.BinaryExpr) {
	a, ok1 := c.intConst(x.X)
	b, ok2 := c.intConst(x.Y)
	if !ok1 || !ok2 {
		return
	}
	// Compare as the kernel does: narrow unsigned values zero-extended,
	// unsigned unless both sides are signed.
	a, b = zeroExtend(a, c.info.Types[x.X]), zeroExtend(b, c.info.Types[x.Y])
	var r bool
	switch {
	case x.Op == token.EQL:
		r = a == b
	case x.Op == token.NEQ:
		r = a != b
	case c.compareSigned(x):
		switch x.Op {
		case token.LSS:
			r = a < b
		case token.GTR:
			r = a > b
		case token.LEQ:
			r = a <= b
		case token.GEQ:
			r = a >= b
		}
	default:
		ua, ub := uint64(a), uint64(b)
		switch x.Op {
		case token.LSS:
			r = ua < ub
		case token.GTR:
			r = ua > ub
		case token.LEQ:
			r = ua <= ub
		case token.GEQ:
			r = ua >= ub
		}
	}
	c.info.Consts[x] = Const{Int: b2i(r)}
}

// compareSigned reports whether a comparison is signed: both sides are,
// where a bare integer literal takes the sign of the other side.
func (c *checker) compareSigned(x *ast.BinaryExpr) bool {
	ls, rs := isSigned(c.info.Types[x.X]), isSigned(c.info.Types[x.Y])
	if isIntLit(x.X) {
		ls = rs
	}
	if isIntLit(x.Y) {
		rs = ls
	}
	return ls && rs
}

func isIntLit(x ast.Expr) bool {
	_, ok := ast.Unparen(x).(*ast.IntLit)
	return ok
}

// zeroExtend drops the sign bits of a narrow unsigned constant.
func zeroExtend(v int64, t types.Type) int64 {
	if it, ok := t.(*types.Int); ok && it.Bits < 64 && !it.Signed {
		return int64(uint64(v) << (64 - it.Bits) >> (64 - it.Bits))
	}
	return v
}

func (c *checker) foldLogical(x *ast.BinaryExpr) {
	a, ok1 := c.intConst(x.X)
	b, ok2 := c.intConst(x.Y)
	if !ok1 || !ok2 {
		return
	}
	r := a != 0 && b != 0
	if x.Op == token.LOR {
		r = a != 0 || b != 0
	}
	c.info.Consts[x] = Const{Int: b2i(r)}
}
