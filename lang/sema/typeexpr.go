package sema

import (
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
)

// basicTypes are the type names bpftrace knows without BTF.
var basicTypes = map[string]types.Type{
	"bool": types.Bool, "int8": types.Int8, "int16": types.Int16, "int32": types.Int32,
	"int64": types.Int64, "uint8": types.Uint8, "uint16": types.Uint16,
	"uint32": types.Uint32, "uint64": types.Uint64, "void": types.Void,
	"char": types.Int8, "short": types.Int16, "int": types.Int32, "long": types.Int64,
	"ksym_t": types.Ksym, "usym_t": types.Usym, "username_t": types.Username,
	"timestamp": types.Timestamp, "macaddr_t": types.Macaddr, "cgroup_path_t": types.CgroupPath,
	"inet": &types.Inet{},
}

// resolveType turns a written type into a type; errors are reported.
func (c *checker) resolveType(t *ast.TypeExpr) types.Type {
	base := c.baseType(t)
	if types.IsInvalid(base) {
		return types.Invalid
	}
	for _, suf := range t.Suffixes {
		switch {
		case suf.Ptr:
			base = &types.Pointer{Elem: base, AddrSpace: c.defaultSpace()}
		default:
			n := int64(-1) // [] : inferred from the cast operand
			if suf.Len != nil {
				n = int64(suf.Len.Value)
			}
			switch base.(type) {
			case *types.String:
				base = &types.String{Len: n}
			case *types.Buffer:
				base = &types.Buffer{Len: n}
			default:
				base = &types.Array{Elem: base, Len: n}
			}
		}
	}
	return base
}

func (c *checker) defaultSpace() types.AddrSpace {
	if p := c.provider(); p != nil && p.AddrSpace != types.AddrNone {
		return p.AddrSpace
	}
	return types.AddrKernel
}

func (c *checker) baseType(t *ast.TypeExpr) types.Type {
	if t.Typeof != nil {
		return c.typeArg(t.Typeof.Arg)
	}
	switch t.Keyword {
	case token.STRUCT, token.UNION:
		return c.structType(t, t.Keyword == token.UNION)
	case token.ENUM:
		if c.prog.C != nil {
			if e, ok := c.prog.C.Enums[t.Name]; ok {
				return e
			}
		}
		if k := c.opts.Kernel; k != nil {
			if e, err := k.Enum(t.Name); err == nil {
				return e
			}
			c.errorf(t, "E241", "unknown type 'enum %s'", t.Name)
			return types.Invalid
		}
		return types.NewEnum(t.Name, 8, false, nil)
	}
	switch t.Name {
	case "string":
		return &types.String{Len: c.opts.MaxStrlen}
	case "buffer":
		return &types.Buffer{Len: 64}
	}
	if b, ok := basicTypes[t.Name]; ok {
		return b
	}
	if k := c.opts.Kernel; k != nil {
		if td, err := k.Typedef(t.Name); err == nil {
			return td
		}
	}
	if c.opts.Kernel == nil {
		return types.Int64 // unknown typedef without kernel info: assume an integer
	}
	c.errorf(t, "E240", "unknown type '%s'", t.Name)
	return types.Invalid
}

func (c *checker) structType(t *ast.TypeExpr, union bool) types.Type {
	if c.prog.C != nil {
		if s, ok := c.prog.C.Struct(t.Name, union); ok {
			return s
		}
	}
	k := c.opts.Kernel
	if k == nil {
		// No BTF: an opaque struct that field accesses do not check.
		return types.NewStruct(union, t.Name, 0, nil)
	}
	s, err := k.Struct(t.Name, union)
	if err != nil {
		c.errorf(t, "E241", "unknown type '%s'", t.String())
		return types.Invalid
	}
	return s
}

// typeArg is the type named by the operand of sizeof/typeof/offsetof.
func (c *checker) typeArg(n ast.Node) types.Type {
	switch n := n.(type) {
	case *ast.TypeExpr:
		t := c.resolveType(n)
		c.info.Types[n] = t
		return t
	case ast.Expr:
		if id, ok := n.(*ast.Ident); ok {
			// A bare name in a type position may be a typedef.
			if b, ok := basicTypes[id.Name]; ok {
				return b
			}
			if k := c.opts.Kernel; k != nil {
				if td, err := k.Typedef(id.Name); err == nil {
					c.info.Idents[id] = &Object{Kind: ObjType, Name: id.Name, Type: td}
					return td
				}
			}
		}
		return c.expr(n)
	}
	return types.Invalid
}

func (c *checker) sizeof(x *ast.SizeofExpr) types.Type {
	t := c.typeArg(x.Arg)
	if !types.IsInvalid(t) {
		c.info.Consts[x] = Const{Int: t.Size()}
	}
	return types.Uint64
}

func (c *checker) offsetof(x *ast.OffsetofExpr) types.Type {
	t := c.typeArg(x.Arg)
	if types.IsInvalid(t) {
		return types.Uint64
	}
	var off int64
	for _, f := range x.Fields {
		for {
			p, ok := t.(*types.Pointer)
			if !ok {
				break
			}
			t = p.Elem
		}
		s, ok := t.(*types.Struct)
		if !ok {
			c.errorf(f, "E221", "cannot take the offset of '%s' in %s", f.Name, t)
			return types.Uint64
		}
		fld, ok := s.Field(f.Name)
		if !ok {
			if len(s.Fields()) > 0 {
				c.errorf(f, "E220", "%s has no field named '%s'", s, f.Name)
			}
			return types.Uint64
		}
		off += fld.Offset
		t = fld.Type
	}
	c.info.Consts[x] = Const{Int: off}
	return types.Uint64
}

func (c *checker) cast(x *ast.CastExpr) types.Type {
	to := c.resolveType(x.Type)
	from := c.expr(x.X)
	if types.IsInvalid(to) || types.IsInvalid(from) {
		return to
	}
	if a, ok := to.(*types.Array); ok && a.Len < 0 {
		if a.Elem.Size() == 0 || from.Size()%a.Elem.Size() != 0 {
			c.errorf(x, "E306", "cannot cast from %s to %s", from, to)
			return types.Invalid
		}
		to = &types.Array{Elem: a.Elem, Len: from.Size() / a.Elem.Size()}
	}
	if a, ok := to.(*types.Array); ok && c.isFlexible(x.X) && intLike(a.Elem) && a.Size() <= 8 {
		// A non-negative literal takes the size of the array it is cast to.
		from = types.IntOf(int(a.Size()*8), false)
	}
	if !castable(from, to) {
		c.errorf(x, "E306", "cannot cast from %s to %s", from, to)
		return types.Invalid
	}
	if types.Identical(from, to) && !c.isFlexible(x.X) && !c.readsAggregation(x.X) {
		if _, isInt := to.(*types.Int); isInt {
			c.warnf(x, "W303", "unnecessary cast: the expression already has type %s", to)
		}
	}
	if k, ok := c.intConst(x.X); ok {
		if it, isInt := to.(*types.Int); isInt {
			c.info.Consts[x] = Const{Int: truncate(k, it)}
		}
	}
	return to
}

func truncate(v int64, t *types.Int) int64 {
	if t.Bits == 64 {
		return v
	}
	shift := 64 - uint(t.Bits)
	if t.Signed {
		return v << shift >> shift
	}
	return int64(uint64(v) << shift >> shift)
}

func castable(from, to types.Type) bool {
	switch {
	case intLike(from) && (intLike(to) || isPtr(to)):
		return true
	case isPtr(from) && (isPtr(to) || intLike(to)):
		return true
	}
	if a, ok := to.(*types.Array); ok && intLike(from) {
		return intLike(a.Elem) && a.Size() == from.Size()
	}
	if a, ok := from.(*types.Array); ok {
		if intLike(to) {
			return intLike(a.Elem) && a.Size() == to.Size()
		}
		if b, ok := to.(*types.Array); ok {
			return a.Size() == b.Size()
		}
	}
	if _, ok := to.(*types.Enum); ok && intLike(from) {
		return true
	}
	if s, ok := from.(*types.String); ok {
		if a, ok := to.(*types.Array); ok {
			return types.IsInt(a.Elem) && a.Size() <= s.Len
		}
	}
	return types.Identical(from, to)
}

// readsAggregation reports whether x reads a map of counts, sums, ...:
// casting it converts the aggregation, even to the integer type it reads
// as, so the cast is not unnecessary.
func (c *checker) readsAggregation(x ast.Expr) bool {
	var mx *ast.MapExpr
	switch x := ast.Unparen(x).(type) {
	case *ast.MapExpr:
		mx = x
	case *ast.MapAccess:
		mx = x.Map
	default:
		return false
	}
	m := c.prog.Maps[mapName(mx)]
	if m == nil {
		return false
	}
	_, isAgg := m.Value.(*types.Agg)
	return isAgg
}
