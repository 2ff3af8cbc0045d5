package cdef

import (
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
)

// checkMembers reports members that C does not allow and returns the
// members to lay out: broken bit-fields become plain members or are
// clamped, so that the layout stays defined.
func (c *cparser) checkMembers(union bool, ms []member) []member {
	seen := map[string]token.Pos{}
	out := ms[:0]
	for i, m := range ms {
		if !c.checkMemberType(m) {
			m.typ = types.Invalid
		}
		if m.bitField {
			m = c.checkBitField(m)
		}
		if m.flexible && !union && i != len(ms)-1 {
			c.errorf(m.pos, m.end, "E161", "flexible array member %s is not at the end of the struct", nameOr(m.name, "member"))
		}
		c.checkDuplicates(m, seen)
		out = append(out, m)
	}
	return out
}

// checkMemberType reports a member of incomplete or function type.
func (c *cparser) checkMemberType(m member) bool {
	switch {
	case m.typ == types.Invalid:
		return true // reported already
	case m.typ == fnType:
		c.errorf(m.pos, m.end, "E158", "member %s declared as a function", nameOr(m.name, "member"))
	case m.flexible && !c.p.c.isIncomplete(m.typ):
		return true
	case c.p.c.isIncomplete(m.typ):
		c.errorf(m.pos, m.end, "E158", "member %s has incomplete type '%s'", nameOr(m.name, "member"), elemOf(m.typ))
	default:
		return true
	}
	return false
}

// elemOf strips array types.
func elemOf(t types.Type) types.Type {
	for {
		a, ok := t.(*types.Array)
		if !ok {
			return t
		}
		t = a.Elem
	}
}

// checkBitField reports a bit-field of non-integer type or bad width and
// repairs it.
func (c *cparser) checkBitField(m member) member {
	name := nameOr(m.name, "anonymous bit-field")
	width := intWidth(m.typ)
	switch {
	case m.typ == types.Invalid:
		m.bitField = false
	case width == 0:
		c.errorf(m.pos, m.end, "E160", "bit-field %s has non-integral type '%s'", name, m.typ)
		m.bitField = false
	case m.bits < 0:
		c.errorf(m.pos, m.end, "E160", "bit-field %s has negative width (%d)", name, m.bits)
		m.bits = 0
	case m.bits == 0 && m.name != "":
		c.errorf(m.pos, m.end, "E160", "named bit-field %s has zero width", name)
	case m.bits > width:
		c.errorf(m.pos, m.end, "E160", "width of bit-field %s (%d bits) exceeds the width of its type (%d bits)", name, m.bits, width)
		m.bits = width
	}
	return m
}

// intWidth returns the width in bits of an integer, enum or bool type,
// or 0.
func intWidth(t types.Type) int64 {
	switch t := t.(type) {
	case *types.Int:
		return int64(t.Bits)
	case *types.Enum:
		return t.Size() * 8
	case *types.Basic:
		if t.Kind == types.BoolKind {
			return 1
		}
	}
	return 0
}

// checkDuplicates reports a member whose name, or the name of a member
// of the anonymous struct it is, was seen before.
func (c *cparser) checkDuplicates(m member, seen map[string]token.Pos) {
	for _, name := range memberNames(m) {
		if prev, ok := seen[name]; ok {
			d := c.p.errs.Errorf(m.pos, m.end, "E163", "duplicate member %q", name)
			c.failed = true
			d.Related = append(d.Related, relatedAt(prev, "previous declaration is here")...)
			continue
		}
		seen[name] = m.pos
	}
}

// memberNames returns the names m makes visible: its own, or those of
// an anonymous struct or union member.
func memberNames(m member) []string {
	if m.name != "" {
		return []string{m.name}
	}
	s, ok := m.typ.(*types.Struct)
	if !ok || s.Name != "" {
		return nil
	}
	var names []string
	for _, f := range s.Fields() {
		names = append(names, memberNames(member{name: f.Name, typ: f.Type})...)
	}
	return names
}

// relatedAt returns a related note at pos, or none if pos is unknown.
func relatedAt(pos token.Pos, msg string) []diag.Related {
	if !pos.IsValid() {
		return nil
	}
	return []diag.Related{{Pos: pos, End: pos, Message: msg}}
}
