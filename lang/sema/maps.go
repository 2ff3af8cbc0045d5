package sema

import (
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
)

func mapName(x *ast.MapExpr) string { return "@" + x.Name }

// lookupMap returns the map named by x, creating its entry on first sight.
func (c *checker) lookupMap(x *ast.MapExpr) *Map {
	name := mapName(x)
	m := c.prog.Maps[name]
	if m == nil {
		m = &Map{Name: name, First: x}
		c.prog.Maps[name] = m
		c.prog.MapOrder = append(c.prog.MapOrder, m)
	} else if m.Decl != nil && m.First == m.Decl.Map && x != m.Decl.Map {
		// First is the first use in code; a declaration only stands in
		// until there is one.
		m.First = x
	}
	return m
}

// useMap records a reference; keyed says whether the use has keys. It
// reports maps that no statement ever assigns.
func (c *checker) useMap(x *ast.MapExpr, keyed bool) *Map {
	m := c.nameMap(x)
	if m != nil {
		c.checkKeyed(x, m, keyed)
	}
	return m
}

// nameMap records a reference to a whole map (print(@m), clear(@m),
// for ($kv : @m)), which is fine for scalar and keyed maps alike.
func (c *checker) nameMap(x *ast.MapExpr) *Map {
	m := c.lookupMap(x)
	if c.report {
		m.Refs = append(m.Refs, x)
	}
	if m.Value == nil && m.Decl == nil {
		if c.report && !m.poisoned {
			c.errorf(x, "E210", "undefined map %s: it is never assigned", m.Name)
		}
		return nil
	}
	return m
}

func (c *checker) checkKeyed(x *ast.MapExpr, m *Map, keyed bool) {
	if m.Value == nil && m.Key == nil && !m.Scalar {
		return
	}
	switch {
	case keyed && m.Scalar:
		c.errorf(x, "E211", "%s is used with a key, but it was first used as a scalar map (without a key)", m.Name).
			Related = relatedAt(m.First, "first use")
	case !keyed && m.Key != nil:
		c.errorf(x, "E211", "%s is used without a key (as a scalar map), but it was first used with a key", m.Name).
			Related = relatedAt(m.First, "first use")
	}
}

func relatedAt(n ast.Node, msg string) []diag.Related {
	if n == nil {
		return nil
	}
	return []diag.Related{{Pos: n.Pos(), End: n.End(), Message: msg}}
}

// mapValueRead is the type of reading m's value in an expression.
func (c *checker) mapValueRead(x ast.Node, m *Map) types.Type {
	if a, ok := m.Value.(*types.Agg); ok && !a.Castable() {
		c.errorf(x, "E213", "%s holds %s values, which can only be printed, cleared or deleted", m.Name, a)
		return types.Invalid
	}
	return readType(m.Value)
}

// keyType is the key type of @m[k1, k2, ...]: the key's type, or a tuple.
func (c *checker) keyType(keys []ast.Expr) types.Type {
	if len(keys) == 1 {
		t := c.expr(keys[0])
		return storable(t, c.isFlexible(keys[0]))
	}
	tt := &types.Tuple{}
	for _, k := range keys {
		tt.Elems = append(tt.Elems, storable(c.expr(k), c.isFlexible(k)))
	}
	return tt
}

func (c *checker) mapAccess(x *ast.MapAccess) types.Type {
	kt := c.keyType(x.Keys)
	m := c.useMap(x.Map, true)
	if m == nil || m.Value == nil {
		return types.Invalid
	}
	c.checkKey(x, m, kt)
	return c.mapValueRead(x, m)
}

func (c *checker) checkKey(x *ast.MapAccess, m *Map, kt types.Type) {
	if m.Key == nil || hasInvalid(kt) || hasInvalid(m.Key) {
		return
	}
	if _, ok := unify(m.Key, kt); !ok {
		c.errorf(x, "E212", "%s is accessed with a key of type %s, but its keys have type %s", m.Name, kt, m.Key).
			Related = relatedAt(m.First, "first use")
	}
}

// mapTarget splits an assignment target into the map and its keys.
func (c *checker) mapTarget(x ast.Expr) (*Map, []ast.Expr) {
	switch x := x.(type) {
	case *ast.MapExpr:
		return c.lookupMap(x), nil
	case *ast.MapAccess:
		return c.lookupMap(x.Map), x.Keys
	}
	return nil, nil
}

// assignMap records that target (a map or map element) is assigned a
// value of type vt, learning or checking the map's key and value types.
func (c *checker) assignMap(m *Map, target ast.Expr, keys []ast.Expr, vt types.Type, rhs ast.Expr) {
	mx, _ := target.(*ast.MapExpr)
	if ma, ok := target.(*ast.MapAccess); ok {
		mx = ma.Map
	}
	if c.report {
		m.Refs = append(m.Refs, mx)
		m.Writes = append(m.Writes, mx)
	}
	if m.First == nil {
		m.First = mx
	}
	if keys == nil {
		c.checkKeyed(mx, m, false)
		if m.Key == nil && !m.Scalar {
			m.Scalar = true
			c.changed = true
		}
	} else {
		kt := c.keyType(keys)
		c.checkKeyed(mx, m, true)
		c.learnKey(target.(*ast.MapAccess), m, kt)
	}
	c.info.Types[mx] = vt
	c.learnValue(target, m, vt, rhs)
}

func (c *checker) learnKey(x *ast.MapAccess, m *Map, kt types.Type) {
	if hasInvalid(kt) || m.Scalar {
		return // an element had an error of its own
	}
	if !validKey(kt) {
		c.errorf(x, "E214", "%s cannot be a map key", kt)
		return
	}
	if m.Key == nil {
		m.Key = kt
		c.changed = true
		return
	}
	u, ok := unify(m.Key, kt)
	if !ok {
		c.checkKey(x, m, kt)
		return
	}
	if !types.Identical(u, m.Key) || u.Size() != m.Key.Size() {
		m.Key = u
		c.changed = true
	}
}

func validKey(t types.Type) bool {
	switch t := t.(type) {
	case *types.Agg:
		return false
	case *types.Basic:
		return t != types.Void && t != types.None && t != types.Invalid
	case *types.Pointer:
		return true
	case *types.Tuple:
		for _, e := range t.Elems {
			if !validKey(e) {
				return false
			}
		}
	}
	return true
}

func (c *checker) learnValue(target ast.Expr, m *Map, vt types.Type, rhs ast.Expr) {
	if types.IsInvalid(vt) {
		// The value had an error of its own; do not also call the map
		// undefined where it is read.
		if !m.poisoned {
			m.poisoned = true
			c.changed = true // reads before this write must not say undefined
		}
		return
	}
	if vt == types.Void || vt == types.None {
		c.errorf(target, "E215", "%s cannot be assigned a value of type %s", m.Name, vt)
		return
	}
	if m.Value == nil {
		m.Value = vt
		c.changed = true
		return
	}
	na, newAgg := vt.(*types.Agg)
	oa, oldAgg := m.Value.(*types.Agg)
	switch {
	case newAgg && oldAgg:
		if na.Kind != oa.Kind {
			c.errorf(target, "E216", "%s is assigned %s() here but %s() elsewhere; a map holds one kind of aggregation", m.Name, na.Kind, oa.Kind).
				Related = relatedAt(m.First, "first use")
		} else if na.Signed && !oa.Signed {
			m.Value = vt
			c.changed = true
		}
		return
	case newAgg != oldAgg:
		c.errorf(target, "E216", "%s mixes an aggregation with plain assignments; use a separate map", m.Name).
			Related = relatedAt(m.First, "first use")
		return
	}
	if c.report && !m.signWarned && intLike(vt) && intLike(m.Value) && isSigned(vt) != isSigned(m.Value) &&
		(rhs == nil || !c.isFlexible(rhs)) {
		// Passes before the reporting one have already widened m.Value:
		// compare each assignment with the final type.
		m.signWarned = true
		c.warnf(target, "W301", "%s is assigned both signed and unsigned integers; its values become %s", m.Name, m.Value)
	}
	u, ok := unify(m.Value, vt)
	if !ok {
		c.errorf(target, "E303", "type mismatch for %s: assigning %s, but the map holds %s", m.Name, vt, m.Value).
			Related = relatedAt(m.First, "first use")
		return
	}
	if !types.Identical(u, m.Value) || u.Size() != m.Value.Size() {
		m.Value = u
		c.changed = true
	}
}

// mapDecl checks let @m = kind(N).
func (c *checker) mapDecl(d *ast.MapDecl) {
	m := c.lookupMap(d.Map)
	if m.Decl != nil && m.Decl != d {
		c.errorf(d.Map, "E217", "%s is declared twice", m.Name).Related = relatedAt(m.Decl.Map, "first declaration")
	}
	m.Decl = d
	switch d.Kind.Name {
	case "hash", "lruhash", "percpuhash", "percpulruhash":
	default:
		c.errorf(d.Kind, "E218", "unknown map kind '%s' (want hash, lruhash, percpuhash or percpulruhash)", d.Kind.Name)
	}
	t := c.withInfo(func() types.Type { return c.expr(d.Size) })
	if v, ok := c.prog.Info.Consts[d.Size]; !ok || v.IsStr || v.Int < 1 {
		if !types.IsInvalid(t) {
			c.errorf(d.Size, "E218", "the map size must be a positive integer constant")
		}
	}
}

// withInfo runs f with the program-wide Info as the current one.
func (c *checker) withInfo(f func() types.Type) types.Type {
	saved, savedScope := c.info, c.scope
	c.info = c.prog.Info
	if c.scope == nil {
		// A top-level expression (a map size) may hold a block.
		c.scope = newScope(nil, nil)
	}
	defer func() { c.info, c.scope = saved, savedScope }()
	return f()
}

// checkMaps reports what is only known once every probe was checked.
func (c *checker) checkMaps() {
	for _, m := range c.prog.MapOrder {
		if m.Decl != nil && len(m.Refs) == 0 {
			c.warnf(m.Decl.Map, "W210", "unused map %s", m.Name)
		}
	}
}

var _ = token.NoPos

// hasInvalid reports whether t is invalid or a tuple holding an invalid
// element.
func hasInvalid(t types.Type) bool {
	switch t := t.(type) {
	case *types.Tuple:
		for _, e := range t.Elems {
			if hasInvalid(e) {
				return true
			}
		}
		return false
	case *types.Record:
		for _, e := range t.Elems {
			if hasInvalid(e) {
				return true
			}
		}
		return false
	}
	return types.IsInvalid(t)
}
