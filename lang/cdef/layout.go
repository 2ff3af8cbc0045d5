package cdef

import (
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
)

// cstate is what the C parser remembers across definitions.
type cstate struct {
	// aligns holds the alignment of types whose size does not tell it:
	// the script's structs (which may be packed or aligned) and the
	// opaque byte arrays standing for floating-point types.
	aligns map[types.Type]int64
	// incomplete holds the placeholders made for "struct X" and "enum X"
	// that nobody defines: usable behind a pointer, not by value.
	incomplete   map[types.Type]bool
	placeholders map[string]types.Type // by "struct X", "union X", "enum X"
	// pending holds, by tag, the pointers to structs that the script has
	// not defined (yet); a later definition of the tag completes them.
	pending map[string][]*types.Pointer
	// defining holds the tags whose bodies are being parsed (true for
	// unions).
	defining map[string]bool
}

func newCState() cstate {
	return cstate{
		aligns:       map[types.Type]int64{},
		incomplete:   map[types.Type]bool{},
		placeholders: map[string]types.Type{},
		pending:      map[string][]*types.Pointer{},
		defining:     map[string]bool{},
	}
}

// isIncomplete reports whether t, or the element type of the array t, is
// void, a function or a placeholder.
func (cs *cstate) isIncomplete(t types.Type) bool {
	for {
		a, ok := t.(*types.Array)
		if !ok {
			break
		}
		t = a.Elem
	}
	return t == types.Void || t == fnType || cs.incomplete[t]
}

// ----------------------------------------------------------------------------
// Alignment

// alignOf returns the alignment of t in bytes.
func (cs *cstate) alignOf(t types.Type) int64 {
	if a, ok := cs.aligns[t]; ok {
		return a
	}
	switch t := t.(type) {
	case *types.Array:
		return cs.alignOf(t.Elem)
	case *types.Pointer:
		return 8
	case *types.Struct:
		a := cs.foreignAlign(t)
		cs.aligns[t] = a
		return a
	}
	return naturalAlign(t.Size())
}

// foreignAlign infers the alignment of a struct that the script did not
// define (from BTF): the largest alignment of its members, lowered until
// it divides the size, as it must have been if the struct is packed.
func (cs *cstate) foreignAlign(s *types.Struct) int64 {
	if s.Size() <= 0 {
		return 1
	}
	var a int64 = 1
	for _, f := range s.Fields() {
		a = max(a, cs.alignOf(f.Type))
	}
	for a > 1 && s.Size()%a != 0 {
		a /= 2
	}
	return a
}

// naturalAlign is the alignment of a scalar of the given size: the
// largest power of two that divides it, at most 8.
func naturalAlign(size int64) int64 {
	var a int64 = 1
	for a < 8 && size > 0 && size%(a*2) == 0 {
		a *= 2
	}
	return a
}

func alignUp(n, a int64) int64 {
	if a <= 1 {
		return n
	}
	return (n + a - 1) / a * a
}

// ----------------------------------------------------------------------------
// Layout

// member is a parsed member declaration, before layout.
type member struct {
	name     string
	pos, end token.Pos // the name, or the start of an unnamed member
	typ      types.Type
	bitField bool
	bits     int64 // the bit-field's width
	attrs    attrs
	flexible bool // declared with [] as the outermost array
}

// layout holds the state of laying out one struct or union.
type layout struct {
	cs     *cstate
	union  bool
	packed bool
	bit    int64 // next free bit (struct) or size so far in bits (union)
	align  int64
	fields []types.Field
}

// makeStruct lays out ms with GCC's rules on x86-64 and returns the
// struct, its alignment recorded.
func (cs *cstate) makeStruct(union bool, name string, ms []member, a attrs) *types.Struct {
	l := &layout{cs: cs, union: union, packed: a.packed, align: 1}
	for _, m := range ms {
		if m.bitField {
			l.addBitField(m)
		} else {
			l.addMember(m)
		}
	}
	align := max(l.align, a.aligned)
	size := alignUp((l.bit+7)/8, align)
	s := types.NewStruct(union, name, size, l.fields)
	cs.aligns[s] = align
	return s
}

// memberAlign is the alignment of m after packed and aligned attributes.
func (l *layout) memberAlign(m member) int64 {
	a := l.cs.alignOf(m.typ)
	if l.packed || m.attrs.packed {
		a = 1
	}
	return max(a, m.attrs.aligned)
}

func (l *layout) addMember(m member) {
	a := l.memberAlign(m)
	var start int64
	if !l.union {
		start = alignUp(l.bit, a*8)
	}
	l.fields = append(l.fields, types.Field{Name: m.name, Offset: start / 8, Type: m.typ})
	l.bit = max(l.bit, start+m.typ.Size()*8)
	l.align = max(l.align, a)
}

// addBitField places a bit-field as the System V ABI does: in the next
// bits unless that would cross a boundary of its type's alignment (no
// such rule when packed). A zero width moves to the next boundary, and
// unnamed bit-fields do not affect the struct's alignment.
func (l *layout) addBitField(m member) {
	unit := l.cs.alignOf(m.typ) * 8
	start := l.bit
	if l.union {
		start = 0
	}
	switch {
	case m.bits == 0:
		if !l.union {
			l.bit = alignUp(l.bit, unit)
		}
		return
	case !l.packed && !m.attrs.packed && start/unit != (start+m.bits-1)/unit:
		start = alignUp(start, unit)
	}
	if m.attrs.aligned > 0 {
		start = alignUp(start, m.attrs.aligned*8)
	}
	if m.name != "" {
		l.fields = append(l.fields, types.Field{
			Name: m.name, Offset: start / 8, BitOffset: int(start % 8), BitSize: int(m.bits), Type: m.typ,
		})
		l.align = max(l.align, l.memberAlign(m))
	}
	l.bit = max(l.bit, start+m.bits)
}

// ----------------------------------------------------------------------------
// Tags

// structRef resolves a reference to "struct tag" or "union tag": the
// script's definition, then BTF's, then an incomplete placeholder.
func (c *cparser) structRef(union bool, tag ctoken) types.Type {
	res, cs := c.p.res, &c.p.c
	if s, ok := res.Structs[tag.text]; ok {
		if s.Union != union {
			c.tagMismatch(tag, s)
		}
		return s
	}
	if e, ok := res.Enums[tag.text]; ok {
		c.tagMismatch(tag, e)
	}
	// A tag being defined is the script's: its body is not complete yet,
	// and BTF's type of the same name must not stand in for it.
	u, defining := cs.defining[tag.text]
	switch f := c.p.opts.ResolveStruct; {
	case defining && u != union:
		c.errorf(tag.pos, tag.end, "E159", "use of %q with tag type that does not match previous declaration", tag.text)
	case !defining && f != nil:
		if s, ok := f(tag.text, union); ok && s != nil {
			return s
		}
	}
	return cs.placeholder(kwOf(union)+" "+tag.text, func() types.Type { return types.NewStruct(union, tag.text, 0, nil) })
}

// enumRef resolves a reference to "enum tag".
func (c *cparser) enumRef(tag ctoken) types.Type {
	res, cs := c.p.res, &c.p.c
	if e, ok := res.Enums[tag.text]; ok {
		return e
	}
	if s, ok := res.Structs[tag.text]; ok {
		c.tagMismatch(tag, s)
	} else if f := c.p.opts.ResolveEnum; f != nil {
		if e, ok := f(tag.text); ok && e != nil {
			return e
		}
	}
	return cs.placeholder("enum "+tag.text, func() types.Type { return types.NewEnum(tag.text, 4, false, nil) })
}

func (c *cparser) tagMismatch(tag ctoken, prev types.Type) {
	d := c.p.errs.Errorf(tag.pos, tag.end, "E159", "use of %q with tag type that does not match previous declaration", tag.text)
	c.failed = true
	c.related(d, prev, "previous definition is here")
}

// related adds the definition of t to d, if the script defines t.
func (c *cparser) related(d *diag.Diagnostic, t types.Type, msg string) {
	if pos, ok := c.p.res.DefPos[t]; ok {
		d.Related = append(d.Related, diag.Related{Pos: pos, End: pos, Message: msg})
	}
}

// placeholder returns the one incomplete type for key, making it with mk.
func (cs *cstate) placeholder(key string, mk func() types.Type) types.Type {
	if t, ok := cs.placeholders[key]; ok {
		return t
	}
	t := mk()
	cs.placeholders[key] = t
	cs.incomplete[t] = true
	return t
}

// notePointer remembers a pointer to a struct the script has not
// defined, so that a later definition of the tag can complete it.
func (c *cparser) notePointer(ptr *types.Pointer) {
	s, ok := ptr.Elem.(*types.Struct)
	if !ok || s.Name == "" || c.p.res.Structs[s.Name] == s {
		return
	}
	c.p.c.pending[s.Name] = append(c.p.c.pending[s.Name], ptr)
}

// defineStruct registers the script's struct s under tag and completes
// the pointers that were waiting for it.
func (c *cparser) defineStruct(s *types.Struct, tag ctoken) {
	c.p.res.Structs[tag.text] = s
	c.p.res.DefPos[s] = tag.pos
	for _, ptr := range c.p.c.pending[tag.text] {
		if old, ok := ptr.Elem.(*types.Struct); ok && old.Union == s.Union {
			ptr.Elem = s
		}
	}
	delete(c.p.c.pending, tag.text)
}

// checkRedefinition reports a second definition of tag and returns
// whether there was one.
func (c *cparser) checkRedefinition(kw, tag ctoken) bool {
	res := c.p.res
	var prev types.Type
	if s, ok := res.Structs[tag.text]; ok {
		prev = s
	} else if e, ok := res.Enums[tag.text]; ok {
		prev = e
	}
	_, nested := c.p.c.defining[tag.text]
	switch {
	case nested:
		c.errorf(tag.pos, tag.end, "E159", "nested redefinition of '%s %s'", kw.text, tag.text)
	case prev == nil:
		return false
	case kindOf(prev) != kw.text:
		c.tagMismatch(tag, prev)
	default:
		d := c.p.errs.Errorf(tag.pos, tag.end, "E159", "redefinition of '%s %s'", kw.text, tag.text)
		c.failed = true
		c.related(d, prev, "previous definition is here")
	}
	return true
}

func kwOf(union bool) string {
	if union {
		return "union"
	}
	return "struct"
}

// kindOf is the keyword of a tagged type.
func kindOf(t types.Type) string {
	if s, ok := t.(*types.Struct); ok {
		return kwOf(s.Union)
	}
	return "enum"
}

// finish ends the C state; pointers still pending keep their BTF type or
// placeholder.
func (cs *cstate) finish() {
	clear(cs.pending)
}
