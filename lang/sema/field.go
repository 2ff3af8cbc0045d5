package sema

import (
	"strconv"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/types"
)

// field checks x.f, x->f and tuple/record element access. '.' and '->'
// both follow any number of pointers (as in bpftrace 0.25+; 0.17 wanted
// '->' on pointers, which is also accepted).
func (c *checker) field(x *ast.FieldExpr) types.Type {
	base := c.expr(x.X)
	if types.IsInvalid(base) || x.Sel.Name == "" {
		return types.Invalid
	}
	derefs := 0
	space := types.AddrKernel
	for {
		p, ok := base.(*types.Pointer)
		if !ok {
			break
		}
		base, space = p.Elem, p.AddrSpace
		derefs++
	}
	switch b := base.(type) {
	case *types.Struct:
		return c.structField(x, b, derefs, space)
	case *types.Tuple:
		return c.tupleField(x, b.Elems, nil)
	case *types.Record:
		if i := b.Index(x.Sel.Name); i >= 0 {
			c.info.Fields[x] = &FieldInfo{Index: i}
			return b.Elems[i]
		}
		c.errorf(x.Sel, "E221", "record has no field named '%s'", x.Sel.Name)
		return types.Invalid
	}
	c.errorf(x.Sel, "E221", "cannot access field '%s' on %s", x.Sel.Name, base)
	return types.Invalid
}

func (c *checker) structField(x *ast.FieldExpr, s *types.Struct, derefs int, space types.AddrSpace) types.Type {
	f, ok := s.Field(x.Sel.Name)
	if !ok {
		if len(s.Fields()) == 0 && s.Size() == 0 {
			return types.Invalid // an incomplete type: nothing to check against
		}
		c.missingField(x, s)
		return types.Invalid
	}
	c.info.Fields[x] = &FieldInfo{Struct: s, Field: f, Derefs: derefs, Index: -1}
	t := charString(f.Type)
	if space == types.AddrUser {
		t = inSpace(t, space)
	}
	return t
}

func (c *checker) missingField(x *ast.FieldExpr, s *types.Struct) {
	var names []string
	for _, f := range s.Fields() {
		names = append(names, f.Name)
	}
	isArgs := false
	if id, ok := ast.Unparen(x.X).(*ast.Ident); ok && id.Name == "args" {
		isArgs = true
	}
	var d = c.errorf(x.Sel, "E220", "%s has no field named '%s'", s, x.Sel.Name)
	if isArgs && c.point != nil {
		d.Message = c.point.AP.String() + " has no argument named '" + x.Sel.Name + "'"
		if c.mixed() {
			d.Message += " (for " + c.groupNames() + ")"
		}
	}
	if m := closest(x.Sel.Name, names); m != "" {
		d.Hints = []string{"did you mean '" + m + "'?"}
	} else if isArgs && len(names) > 0 && len(names) <= 12 {
		d.Hints = []string{"available: " + joinNames(names)}
	}
}

func joinNames(names []string) string {
	s := ""
	for i, n := range names {
		if i > 0 {
			s += ", "
		}
		s += n
	}
	return s
}

func (c *checker) tupleField(x *ast.FieldExpr, elems []types.Type, _ []string) types.Type {
	i, err := strconv.Atoi(x.Sel.Name)
	if err != nil {
		c.errorf(x.Sel, "E221", "tuples have no named fields: use .0, .1, ...")
		return types.Invalid
	}
	if i < 0 || i >= len(elems) {
		c.errorf(x.Sel, "E222", "tuple index %d is out of range (the tuple has %d elements)", i, len(elems))
		return types.Invalid
	}
	c.info.Fields[x] = &FieldInfo{Index: i}
	return elems[i]
}

// inSpace marks pointers read through a user pointer as user pointers.
func inSpace(t types.Type, space types.AddrSpace) types.Type {
	if p, ok := t.(*types.Pointer); ok && p.AddrSpace != space {
		return &types.Pointer{Elem: p.Elem, AddrSpace: space}
	}
	return t
}

func (c *checker) index(x *ast.IndexExpr) types.Type {
	base := c.expr(x.X)
	it := c.expr(x.Index)
	if types.IsInvalid(base) {
		return types.Invalid
	}
	if !types.IsInvalid(it) && !intLike(it) {
		c.errorf(x.Index, "E302", "index must be an integer, found %s", it)
		return types.Invalid
	}
	k, isConst := c.intConst(x.Index)
	switch b := base.(type) {
	case *types.String:
		return types.Int8
	case *types.Array:
		if isConst && (k < 0 || b.Len > 0 && k >= b.Len) {
			c.errorf(x.Index, "E223", "index %d is out of bounds for an array of size %d", k, b.Len)
		}
		return charString(b.Elem)
	case *types.Pointer:
		if b.Elem == types.Void {
			c.errorf(x, "E311", "cannot index a void pointer")
			return types.Invalid
		}
		return charString(b.Elem)
	case *types.Tuple:
		if !isConst {
			c.errorf(x.Index, "E222", "tuple index must be a constant")
			return types.Invalid
		}
		if k < 0 || int(k) >= len(b.Elems) {
			c.errorf(x.Index, "E222", "tuple index %d is out of range (the tuple has %d elements)", k, len(b.Elems))
			return types.Invalid
		}
		return b.Elems[k]
	}
	c.errorf(x, "E305", "cannot index %s", base)
	return types.Invalid
}
