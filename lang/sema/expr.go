package sema

import (
	"math"
	"strconv"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
)

// Const is a compile-time value: an integer or a string.
type Const struct {
	IsStr bool
	Str   string
	Int   int64 // as int64; see Uint
	Uint  bool  // the value is a uint64 above math.MaxInt64, stored in Int's bits
}

// Uint64 returns the integer's bits as uint64.
func (k Const) Uint64() uint64 { return uint64(k.Int) }

// expr checks x and returns its type, which is also recorded.
func (c *checker) expr(x ast.Expr) types.Type {
	t := c.expr1(x)
	if t == nil {
		t = types.Invalid
	}
	c.info.Types[x] = t
	return t
}

func (c *checker) expr1(x ast.Expr) types.Type {
	switch x := x.(type) {
	case *ast.IntLit:
		return c.intLit(x)
	case *ast.StringLit:
		c.info.Consts[x] = Const{IsStr: true, Str: x.Value}
		return &types.String{Len: int64(len(x.Value)) + 1}
	case *ast.BoolLit:
		return types.Bool
	case *ast.ParamExpr:
		return c.param(x)
	case *ast.Ident:
		return c.ident(x)
	case *ast.VarExpr:
		if v := c.useVar(x); v != nil && v.Type != nil {
			return v.Type
		}
		return types.Invalid
	case *ast.MapExpr:
		m := c.useMap(x, false)
		if m == nil || m.Value == nil {
			return types.Invalid
		}
		return c.mapValueRead(x, m)
	case *ast.MapAccess:
		return c.mapAccess(x)
	case *ast.CallExpr:
		return c.call(x, c.aggCalls[x])
	case *ast.BinaryExpr:
		return c.binary(x)
	case *ast.UnaryExpr:
		return c.unary(x)
	case *ast.IncDecExpr:
		return c.incDec(x)
	case *ast.TernaryExpr:
		return c.ternary(x)
	case *ast.FieldExpr:
		return c.field(x)
	case *ast.IndexExpr:
		return c.index(x)
	case *ast.CastExpr:
		return c.cast(x)
	case *ast.ParenExpr:
		t := c.expr(x.X)
		if k, ok := c.info.Consts[x.X]; ok {
			c.info.Consts[x] = k
		}
		return t
	case *ast.TupleExpr:
		tt := &types.Tuple{} // () is the empty tuple, as upstream's Tuple({})
		for _, e := range x.Elems {
			tt.Elems = append(tt.Elems, storable(c.expr(e), c.isFlexible(e)))
		}
		return tt
	case *ast.RecordExpr:
		r := &types.Record{}
		for _, f := range x.Fields {
			if r.Index(f.Name.Name) >= 0 {
				c.errorf(f.Name, "E224", "duplicate record field %q", f.Name.Name)
			}
			r.Names = append(r.Names, f.Name.Name)
			r.Elems = append(r.Elems, storable(c.expr(f.Value), c.isFlexible(f.Value)))
		}
		return r
	case *ast.SizeofExpr:
		return c.sizeof(x)
	case *ast.OffsetofExpr:
		return c.offsetof(x)
	case *ast.TypeofExpr:
		c.typeArg(x.Arg)
		return types.Invalid
	case *ast.TypeExpr:
		c.resolveType(x)
		return types.Invalid
	case *ast.ComptimeExpr:
		t := c.expr(x.X)
		if k, ok := c.info.Consts[x.X]; ok {
			c.info.Consts[x] = k
		} else {
			c.errorf(x.X, "E310", "expression is not a compile-time constant")
		}
		return t
	case *ast.IfExpr:
		return c.ifExpr(x)
	case *ast.Block:
		return c.block(x)
	case *ast.RangeExpr:
		c.errorf(x, "E100", "a range is only allowed in a for loop")
		return types.Invalid
	case *ast.BadExpr:
		return types.Invalid
	}
	return types.Invalid
}

// intLit types a literal with the smallest signed type that fits; values
// above MaxInt64 are uint64.
func (c *checker) intLit(x *ast.IntLit) types.Type {
	v := x.Value
	c.info.Consts[x] = Const{Int: int64(v), Uint: v > math.MaxInt64}
	return literalType(v)
}

func literalType(v uint64) types.Type {
	switch {
	case v <= math.MaxInt8:
		return types.Int8
	case v <= math.MaxInt16:
		return types.Int16
	case v <= math.MaxInt32:
		return types.Int32
	case v <= math.MaxInt64:
		return types.Int64
	}
	return types.Uint64
}

// negLiteralType is the type of the literal -k.
func negLiteralType(k int64) types.Type {
	switch {
	case k <= -math.MinInt8:
		return types.Int8
	case k <= -math.MinInt16:
		return types.Int16
	case k <= -math.MinInt32:
		return types.Int32
	}
	return types.Int64
}

// isFlexible reports whether x is a non-negative integer constant: such
// literals take the sign of the other operand.
func (c *checker) isFlexible(x ast.Expr) bool {
	k, ok := c.info.Consts[x]
	return ok && !k.IsStr && (k.Int >= 0 || k.Uint)
}

// storable is the type a value has once stored in a variable, map or
// tuple: integer constants widen to 64 bits.
func storable(t types.Type, flexible bool) types.Type {
	if _, ok := t.(*types.Int); ok && flexible {
		return types.Int64
	}
	return t
}

func (c *checker) param(x *ast.ParamExpr) types.Type {
	if x.N == 0 { // $#
		c.info.Consts[x] = Const{Int: int64(len(c.opts.Params))}
		return types.Int64
	}
	if !c.opts.ParamsGiven {
		return types.Int64
	}
	if x.N > len(c.opts.Params) || c.opts.Params[x.N-1] == "" {
		c.warnf(x, "W208", "positional parameter %s is empty or not provided", x.Lit)
		c.info.Consts[x] = Const{}
		return types.Int64
	}
	s := c.opts.Params[x.N-1]
	if v, err := strconv.ParseInt(s, 0, 64); err == nil {
		c.info.Consts[x] = Const{Int: v}
		return types.Int64
	}
	c.errorf(x, "E230", "positional parameter %s is not a number (%q)", x.Lit, s).Hints = []string{"use str(" + x.Lit + ") to treat " + x.Lit + " as a string"}
	return types.Invalid
}

// ---------------------------------------------------------------------------
// Operators

func isSigned(t types.Type) bool {
	switch t := t.(type) {
	case *types.Int:
		return t.Signed
	case *types.Enum:
		return t.Signed
	}
	return false
}

// intLike reports whether t behaves as an integer in arithmetic.
func intLike(t types.Type) bool {
	switch t := t.(type) {
	case *types.Int, *types.Enum:
		return true
	case *types.Basic:
		return t == types.Bool
	case *types.Agg:
		return t.Castable()
	}
	return false
}

// arith is the type of a binary arithmetic result (LANGUAGE.md 6.1):
// always 64 bits; signed if either operand is signed (a non-negative
// constant takes the other operand's sign) or the operator is '-'; shifts
// take the left operand's sign.
func arith(op token.Token, a, b types.Type, aFlex, bFlex bool) types.Type {
	as, bs := isSigned(a), isSigned(b)
	if aFlex && !bFlex {
		as = bs
	}
	if bFlex && !aFlex {
		bs = as
	}
	if op == token.SHL || op == token.SHR {
		return types.IntOf(64, as)
	}
	return types.IntOf(64, as || bs || op == token.SUB)
}

func (c *checker) binary(x *ast.BinaryExpr) types.Type {
	a, b := c.expr(x.X), c.expr(x.Y)
	if types.IsInvalid(a) || types.IsInvalid(b) {
		return c.binaryFallback(x.Op)
	}
	switch x.Op {
	case token.LAND, token.LOR:
		c.condType(x.X, a)
		c.condType(x.Y, b)
		c.foldLogical(x)
		return types.Bool
	case token.EQL, token.NEQ:
		if !comparable(a, b) {
			c.errorf(x, "E304", "type mismatch for '%s': comparing %s with %s", x.Op, a, b)
		}
		c.foldCompare(x)
		return types.Bool
	case token.LSS, token.GTR, token.LEQ, token.GEQ:
		if !(intLike(a) || isPtr(a)) || !(intLike(b) || isPtr(b)) {
			c.errorf(x, "E304", "type mismatch for '%s': comparing %s with %s", x.Op, a, b)
		}
		c.foldCompare(x)
		return types.Bool
	}
	// Pointer arithmetic.
	if isPtr(a) && intLike(b) && (x.Op == token.ADD || x.Op == token.SUB) {
		return a
	}
	if intLike(a) && isPtr(b) && x.Op == token.ADD {
		return b
	}
	if isPtr(a) && isPtr(b) && x.Op == token.SUB {
		return types.Int64
	}
	if !intLike(a) || !intLike(b) {
		c.errorf(x, "E305", "the '%s' operator cannot be used on %s and %s", x.Op, a, b)
		return types.Invalid
	}
	if (x.Op == token.QUO || x.Op == token.REM) && (c.signedOperand(x.X, a) || c.signedOperand(x.Y, b)) {
		c.warnf(x, "W302", "signed operands for '%s' can lead to undefined behaviour", x.Op).Hints = []string{"cast to an unsigned type to silence this warning"}
	}
	t := arith(x.Op, a, b, c.isFlexible(x.X), c.isFlexible(x.Y))
	c.foldArith(x, t)
	return t
}

// signedOperand reports whether x is really signed, for the
// signed-division warning. Non-negative constants are not, and arithmetic
// on unsigned values is not either, even though the language types it
// int64 ('-' always yields int64, so nsecs - @start[tid] is signed).
func (c *checker) signedOperand(x ast.Expr, t types.Type) bool {
	if !isSigned(t) || c.isFlexible(x) {
		return false
	}
	switch x := ast.Unparen(x).(type) {
	case *ast.BinaryExpr:
		return c.signedOperand(x.X, c.info.Types[x.X]) || c.signedOperand(x.Y, c.info.Types[x.Y])
	case *ast.TernaryExpr:
		return x.Then != nil && c.signedOperand(x.Then, c.info.Types[x.Then]) || c.signedOperand(x.Else, c.info.Types[x.Else])
	case *ast.VarExpr:
		if v := c.info.Vars[x]; v != nil {
			return v.signed
		}
	}
	return true
}

func (c *checker) binaryFallback(op token.Token) types.Type {
	switch op {
	case token.LAND, token.LOR, token.EQL, token.NEQ, token.LSS, token.GTR, token.LEQ, token.GEQ:
		return types.Bool
	}
	return types.Invalid
}

func (c *checker) condType(x ast.Expr, t types.Type) {
	if !intLike(t) && !isPtr(t) && !types.IsInvalid(t) {
		c.errorf(x, "E301", "invalid condition: %s is not a condition (need an integer, bool or pointer)", t)
	}
}

func isPtr(t types.Type) bool { _, ok := t.(*types.Pointer); return ok }

func comparable(a, b types.Type) bool {
	switch {
	case intLike(a) && intLike(b):
		return true
	case isPtr(a) && (isPtr(b) || intLike(b)), isPtr(b) && intLike(a):
		return true
	case types.IsString(a) && types.IsString(b):
		return true
	}
	if aa, ok := a.(*types.Array); ok {
		if bb, ok := b.(*types.Array); ok {
			return aa.Size() == bb.Size() && types.IsInt(aa.Elem) && types.IsInt(bb.Elem)
		}
	}
	if _, ok := a.(*types.Buffer); ok {
		_, ok := b.(*types.Buffer)
		return ok // compared up to the shorter length
	}
	switch a.(type) {
	case *types.Tuple, *types.Record, *types.Inet, *types.Stack:
		return types.Identical(a, b)
	case *types.Basic:
		return types.Identical(a, b)
	}
	return false
}

func (c *checker) unary(x *ast.UnaryExpr) types.Type {
	t := c.expr(x.X)
	if types.IsInvalid(t) && x.Op != token.AND {
		return types.Invalid
	}
	switch x.Op {
	case token.NOT:
		c.condType(x.X, t)
		if k, ok := c.intConst(x.X); ok {
			c.info.Consts[x] = Const{Int: b2i(k == 0)}
		}
		return types.Bool
	case token.TILDE:
		if !intLike(t) {
			c.errorf(x, "E305", "the '~' operator cannot be used on %s", t)
			return types.Invalid
		}
		if k, ok := c.intConst(x.X); ok {
			c.info.Consts[x] = Const{Int: ^k}
		}
		return types.IntOf(64, isSigned(t))
	case token.SUB:
		if !intLike(t) {
			c.errorf(x, "E305", "the '-' operator cannot be used on %s", t)
			return types.Invalid
		}
		if k, ok := c.intConst(x.X); ok {
			c.info.Consts[x] = Const{Int: -k}
			if _, lit := ast.Unparen(x.X).(*ast.IntLit); lit && k >= 0 {
				// A negative literal: the smallest signed type that holds it.
				return negLiteralType(k)
			}
			return types.Int64
		}
		return types.Int64
	case token.MUL:
		return c.deref(x, t)
	case token.AND:
		switch ast.Unparen(x.X).(type) {
		case *ast.VarExpr, *ast.MapExpr:
			return &types.Pointer{Elem: t, AddrSpace: types.AddrKernel}
		}
		c.errorf(x, "E305", "the address-of operator '&' can only be used on variables and maps")
		return types.Invalid
	}
	return types.Invalid
}

func (c *checker) deref(x *ast.UnaryExpr, t types.Type) types.Type {
	switch t := t.(type) {
	case *types.Pointer:
		if t.Elem == types.Void {
			c.errorf(x, "E311", "cannot dereference a void pointer").Hints = []string{"cast it to a pointer to the type it points to"}
			return types.Invalid
		}
		return charString(t.Elem)
	case *types.Int:
		// *kaddr("sym") reads 8 bytes at an integer address.
		return types.Uint64
	}
	c.errorf(x, "E311", "cannot dereference %s: it is not a pointer", t)
	return types.Invalid
}

func (c *checker) incDec(x *ast.IncDecExpr) types.Type {
	switch target := ast.Unparen(x.X).(type) {
	case *ast.VarExpr:
		v := c.useVar(target)
		if v == nil || v.Type == nil {
			return types.Invalid
		}
		c.info.Types[target] = v.Type
		if !intLike(v.Type) && !isPtr(v.Type) {
			c.errorf(x, "E305", "the '%s' operator cannot be used on %s", x.Tok, v.Type)
		}
		return v.Type
	case *ast.MapExpr, *ast.MapAccess:
		m, keys := c.mapTarget(target)
		if m == nil {
			return types.Invalid
		}
		vt := types.Type(types.Int64)
		if m.Value != nil && isPtr(m.Value) {
			vt = m.Value // @p++ steps a pointer
		}
		c.assignMap(m, target, keys, vt, nil)
		t := c.expr(target)
		if !types.IsInvalid(t) && !intLike(t) && !isPtr(t) {
			c.errorf(x, "E305", "the '%s' operator cannot be used on %s", x.Tok, t)
		}
		return t
	}
	c.expr(x.X)
	return types.Invalid
}

func (c *checker) ternary(x *ast.TernaryExpr) types.Type {
	c.cond(x.Cond, "condition")
	then := c.info.Types[x.Cond]
	if x.Then != nil {
		then = c.expr(x.Then)
	}
	els := c.expr(x.Else)
	if types.IsInvalid(then) || types.IsInvalid(els) {
		return types.Invalid
	}
	return c.unifyBranches(x, then, els)
}

// unifyBranches is the type of a value that is either a or b.
func (c *checker) unifyBranches(x ast.Node, a, b types.Type) types.Type {
	if t, ok := unify(a, b); ok {
		return t
	}
	c.errorf(x, "E312", "branches must have the same type: %s and %s", a, b)
	return types.Invalid
}

// unify returns the common type of a and b: integers widen, strings take
// the longer length, tuples unify element by element.
func unify(a, b types.Type) (types.Type, bool) {
	switch {
	case types.Identical(a, b):
		if sa, ok := a.(*types.String); ok {
			if sb := b.(*types.String); sb.Len > sa.Len {
				return sb, true
			}
		}
		return a, true
	case intLike(a) && intLike(b):
		ai, bi := asInt(a), asInt(b)
		return types.IntOf(max(ai.Bits, bi.Bits), ai.Signed || bi.Signed), true
	case isPtr(a) && isPtr(b):
		return a, true
	}
	if ba, ok := a.(*types.Buffer); ok {
		// Buffers of different sizes unify to the larger, as strings do.
		if bb, ok := b.(*types.Buffer); ok {
			return &types.Buffer{Len: max(ba.Len, bb.Len)}, true
		}
	}
	if ra, ok := a.(*types.Record); ok {
		if rb, ok := b.(*types.Record); ok {
			return unifyRecords(ra, rb)
		}
	}
	ta, ok1 := a.(*types.Tuple)
	tb, ok2 := b.(*types.Tuple)
	if ok1 && ok2 && len(ta.Elems) == len(tb.Elems) {
		out := &types.Tuple{}
		for i := range ta.Elems {
			u, ok := unify(ta.Elems[i], tb.Elems[i])
			if !ok {
				return nil, false
			}
			out.Elems = append(out.Elems, u)
		}
		return out, true
	}
	return nil, false
}

// unifyRecords unifies records with the same field names, in any order:
// the first record's order wins.
func unifyRecords(a, b *types.Record) (types.Type, bool) {
	if len(a.Names) != len(b.Names) {
		return nil, false
	}
	out := &types.Record{}
	for i, name := range a.Names {
		j := b.Index(name)
		if j < 0 {
			return nil, false
		}
		u, ok := unify(a.Elems[i], b.Elems[j])
		if !ok {
			return nil, false
		}
		out.Names = append(out.Names, name)
		out.Elems = append(out.Elems, u)
	}
	return out, true
}

func asInt(t types.Type) *types.Int {
	switch t := t.(type) {
	case *types.Int:
		return t
	case *types.Enum:
		return types.IntOf(int(t.Size()*8), t.Signed)
	case *types.Agg:
		return types.IntOf(64, t.Signed)
	}
	return types.Uint8 // bool
}

// charString turns char arrays into strings, as bpftrace reads them.
func charString(t types.Type) types.Type {
	if a, ok := t.(*types.Array); ok {
		if it, ok := a.Elem.(*types.Int); ok && it.Bits == 8 && a.Len > 0 {
			return &types.String{Len: a.Len}
		}
	}
	return t
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
