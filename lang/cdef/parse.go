package cdef

import (
	"strings"

	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
)

// fnType stands for a function type while declarators are applied; a
// pointer to it becomes a pointer to void, as BTF function pointers do.
// It is a distinct void so that it prints sensibly if it ever leaks.
var fnType types.Type = &types.Basic{Kind: types.VoidKind}

// maxArrayBytes bounds the size of one array.
const maxArrayBytes = 1 << 40

// cdecl parses one CDecl; inactive text is skipped, and the directives
// inside it run.
func (p *processor) cdecl(text string, pos token.Pos) {
	p.lastEnd = max(p.lastEnd, pos+token.Pos(len(text)))
	c := newCParser(p, newStream(p, newLexer(text, pos, true), true), false)
	c.next()
	if c.tok.kind == tEOF {
		return // wholly inactive
	}
	c.parseTopDecl()
}

// ----------------------------------------------------------------------------
// Declarations

// parseTopDecl parses "struct|union|enum [TAG] { ... } [attrs] [;]".
func (c *cparser) parseTopDecl() {
	first := c.tok
	sp := c.parseSpec()
	switch {
	case !sp.defined:
		if !c.failed {
			c.errorf(first.pos, first.end, "E156", "expected a struct, union or enum definition, found %s", describe(first, "end of definition"))
		}
	case sp.anon && !sp.isEnum:
		c.p.errs.Warnf(first.pos, c.prevEnd, "W155", "declaration does not declare anything")
	}
	if c.tok.is(";") {
		c.next()
	}
	if c.tok.kind != tEOF && !c.failed {
		c.errorExpected("E156", "';' after definition")
	}
	for c.tok.kind != tEOF {
		c.next() // run the directives that remain
	}
}

// spec is a parsed list of declaration specifiers.
type spec struct {
	pos, end token.Pos
	words    []string   // base-type keywords as written
	typ      types.Type // the type, once known
	hasType  bool
	user     bool // __user: pointers to the type are user pointers
	attrs    attrs
	defined  bool // a struct, union or enum body was parsed
	anon     bool // ... without a tag
	isEnum   bool
}

// parseSpec parses declaration specifiers: base-type keywords, a typedef
// name, a struct, union or enum specifier, qualifiers and attributes.
func (c *cparser) parseSpec() *spec {
	sp := &spec{pos: c.tok.pos}
	for c.tok.kind == tIdent && c.specWord(sp) {
	}
	sp.end = c.prevEnd
	if len(sp.words) > 0 && sp.typ == nil {
		t, ok := c.p.c.wordsType(sp.words)
		if !ok {
			c.errorf(sp.pos, sp.end, "E156", "invalid combination of type specifiers %q", strings.Join(sp.words, " "))
			t = types.Invalid
		}
		sp.typ = t
	}
	return sp
}

// specWord consumes one specifier and reports whether it was one.
func (c *cparser) specWord(sp *spec) bool {
	t := c.tok
	switch {
	case isQualifier(t.text):
		sp.user = sp.user || t.text == "__user"
		c.next()
	case isAttrStart(t.text):
		c.parseAttrs(&sp.attrs)
	case t.text == "struct" || t.text == "union" || t.text == "enum":
		c.parseTagSpec(sp)
	case isBaseWord(t.text):
		if sp.typ != nil {
			c.errorf(t.pos, t.end, "E156", "cannot combine %q with previous type %s", t.text, sp.typ)
		}
		sp.words = append(sp.words, t.text)
		sp.hasType = true
		c.next()
	case isStorageClass(t.text):
		c.errorf(t.pos, t.end, "E156", "storage class %q is not allowed here", t.text)
		c.next()
	case !sp.hasType:
		c.typedefName(sp)
	default:
		return false // the declarator's name
	}
	return true
}

// typedefName resolves the identifier that gives the type.
func (c *cparser) typedefName(sp *spec) {
	t := c.tok
	c.next()
	sp.hasType = true
	if typ, ok := c.p.resolveTypedef(t.text); ok {
		sp.typ = typ
		return
	}
	c.errorf(t.pos, t.end, "E157", "unknown type name %q", t.text)
	sp.typ = types.Invalid
}

// parseTagSpec parses a struct, union or enum specifier: a reference
// "struct TAG" or a definition "struct [TAG] { ... }".
func (c *cparser) parseTagSpec(sp *spec) {
	kw := c.tok
	c.next()
	if sp.hasType {
		c.errorf(kw.pos, kw.end, "E156", "cannot combine %q with a previous type specifier", kw.text)
	}
	sp.hasType = true
	var a attrs
	c.parseAttrs(&a)
	var tag ctoken
	if c.tok.kind == tIdent && !isKeyword(c.tok.text) {
		tag = c.tok
		c.next()
		c.parseAttrs(&a)
	}
	isEnum := kw.text == "enum"
	switch {
	case c.tok.is("{"):
		sp.defined, sp.anon, sp.isEnum = true, tag.text == "", isEnum
		if isEnum {
			sp.typ = c.parseEnumBody(kw, tag, a)
		} else {
			sp.typ = c.parseStructBody(kw, tag, a)
		}
	case tag.text == "":
		c.errorExpected("E156", "identifier or '{' after '"+kw.text+"'")
		sp.typ = types.Invalid
	case isEnum:
		sp.typ = c.enumRef(tag)
	default:
		sp.typ = c.structRef(kw.text == "union", tag)
	}
}

// ----------------------------------------------------------------------------
// Structs and unions

// parseStructBody parses "{ members }" and trailing attributes, lays the
// struct out and registers its tag.
func (c *cparser) parseStructBody(kw, tag ctoken, a attrs) *types.Struct {
	lb := c.tok
	c.next()
	union := kw.text == "union"
	redefined := tag.text != "" && c.checkRedefinition(kw, tag)
	if tag.text != "" && !redefined {
		c.p.c.defining[tag.text] = union
		defer delete(c.p.c.defining, tag.text)
	}
	var ms []member
	if c.enter() {
		ms = c.parseMembers()
		c.leave()
	}
	c.expectClose(lb)
	c.parseAttrs(&a)
	ms = c.checkMembers(union, ms)
	s := c.p.c.makeStruct(union, tag.text, ms, a)
	switch {
	case tag.text == "":
		c.p.res.DefPos[s] = kw.pos
	case !redefined:
		c.defineStruct(s, tag)
	}
	return s
}

// parseMembers parses member declarations up to '}'.
func (c *cparser) parseMembers() []member {
	var ms []member
	for !c.tok.is("}") && c.tok.kind != tEOF {
		n := c.count
		ms = c.parseMember(ms)
		if c.count == n {
			c.next() // always consume a token so that recovery makes progress
		}
	}
	return ms
}

// parseMember parses one member declaration and appends its members.
func (c *cparser) parseMember(ms []member) []member {
	switch {
	case c.tok.is(";"):
		c.next() // an empty declaration, harmless
		return ms
	case c.tok.is("_Static_assert") || c.tok.is("static_assert"):
		c.syncMember()
		return ms
	}
	first := c.tok
	sp := c.parseSpec()
	if !sp.hasType {
		c.errorExpected("E156", "member declaration")
		c.syncMember()
		return ms
	}
	if c.tok.is(";") {
		c.next()
		return c.anonMember(ms, sp, first)
	}
	for {
		m, ok := c.parseMemberDeclarator(sp)
		if !ok {
			c.syncMember()
			return ms
		}
		ms = append(ms, m)
		if !c.tok.is(",") {
			break
		}
		c.next()
	}
	if c.tok.is("}") {
		// clang accepts the last member without its ';' (a warning that
		// bpftrace does not show), and scripts rely on it.
		return ms
	}
	if !c.expect("E156", ";", "after struct member") {
		c.syncMember()
	}
	return ms
}

// parseMemberDeclarator parses one declarator of a member declaration,
// with its bit-field width and attributes.
func (c *cparser) parseMemberDeclarator(sp *spec) (member, bool) {
	d := c.parseDeclarator(false)
	m := member{name: d.name, pos: d.pos, end: d.end, attrs: sp.attrs}
	m.typ = c.apply(d, sp.typ, sp.user)
	m.flexible = d.flexible()
	c.parseAttrs(&m.attrs)
	if c.tok.is(":") {
		c.next()
		m.bitField, m.bits = true, c.bitWidth()
		c.parseAttrs(&m.attrs)
	}
	if m.name == "" && !m.bitField {
		c.errorExpected("E156", "member name")
		return m, false
	}
	return m, true
}

// bitWidth parses a bit-field width; a negative width is clamped after
// the check reports it.
func (c *cparser) bitWidth() int64 {
	v := c.parseExpr()
	if v.unsigned && v.v < 0 {
		return 1 << 62 // too wide for any type
	}
	return v.v
}

// anonMember handles a member declaration without declarators: an
// anonymous struct or union member, an enum that only declares
// enumerators, or nothing.
func (c *cparser) anonMember(ms []member, sp *spec, first ctoken) []member {
	switch {
	case sp.defined && sp.anon && !sp.isEnum:
		return append(ms, member{pos: first.pos, end: first.end, typ: sp.typ, attrs: sp.attrs})
	case sp.defined && sp.isEnum:
		return ms
	}
	c.p.errs.Warnf(first.pos, c.prevEnd, "W155", "declaration does not declare anything")
	return ms
}

// syncMember skips to the end of the member declaration: past a ';', or
// to the '}' that closes the struct.
func (c *cparser) syncMember() {
	depth := 0
	for c.tok.kind != tEOF {
		switch {
		case c.tok.is("{"):
			depth++
		case c.tok.is("}"):
			if depth == 0 {
				return
			}
			depth--
		case c.tok.is(";") && depth == 0:
			c.next()
			return
		}
		c.next()
	}
}

// ----------------------------------------------------------------------------
// Declarators

// declarator is a parsed declarator: "*p", "name[16]", "(*fn)(int)".
type declarator struct {
	name     string
	pos, end token.Pos
	ptrs     []bool // one per '*': whether its qualifiers include __user
	inner    *declarator
	suffixes []suffix
}

// suffix is an array dimension or a parameter list.
type suffix struct {
	fn       bool
	n        int64
	flexible bool // []
}

// flexible reports whether d declares a flexible array: "name[]".
func (d *declarator) flexible() bool {
	return d.inner == nil && len(d.suffixes) > 0 && d.suffixes[0].flexible
}

// parseDeclarator parses a declarator; an abstract one (in a type name)
// has no name.
func (c *cparser) parseDeclarator(abstract bool) *declarator {
	d := &declarator{pos: c.tok.pos, end: c.tok.pos}
	if !c.enter() {
		return d
	}
	defer c.leave()
	for c.tok.is("*") {
		c.next()
		d.ptrs = append(d.ptrs, c.pointerQualifiers())
	}
	switch {
	case c.tok.kind == tIdent && !abstract && !isKeyword(c.tok.text):
		d.name, d.pos, d.end = c.tok.text, c.tok.pos, c.tok.end
		c.next()
	case c.tok.is("("):
		c.parseParenDeclarator(d, abstract)
	}
	c.parseSuffixes(d)
	return d
}

// pointerQualifiers skips the qualifiers after a '*' and reports whether
// they include __user.
func (c *cparser) pointerQualifiers() bool {
	user := false
	for c.tok.kind == tIdent {
		switch {
		case isQualifier(c.tok.text):
			user = user || c.tok.text == "__user"
			c.next()
		case isAttrStart(c.tok.text):
			var a attrs
			c.parseAttrs(&a)
		default:
			return user
		}
	}
	return user
}

// parseParenDeclarator parses "( declarator )" or, in an abstract
// declarator, the parameter list of a function type.
func (c *cparser) parseParenDeclarator(d *declarator, abstract bool) {
	lp := c.tok
	c.next()
	grouped := c.tok.is("*") || c.tok.is("(") || c.tok.is("[") ||
		!abstract && c.tok.kind == tIdent && !c.isTypeStart()
	if !grouped {
		c.skipParams(lp)
		d.suffixes = append(d.suffixes, suffix{fn: true})
		return
	}
	d.inner = c.parseDeclarator(abstract)
	d.name, d.pos, d.end = d.inner.name, d.inner.pos, d.inner.end
	c.expectClose(lp)
}

// parseSuffixes parses array dimensions and parameter lists.
func (c *cparser) parseSuffixes(d *declarator) {
	for {
		switch {
		case c.tok.is("["):
			d.suffixes = append(d.suffixes, c.parseDimension(d, len(d.suffixes) == 0))
		case c.tok.is("("):
			lp := c.tok
			c.next()
			c.skipParams(lp)
			d.suffixes = append(d.suffixes, suffix{fn: true})
		default:
			return
		}
	}
}

// parseDimension parses "[N]", or "[]" if first (a flexible array).
func (c *cparser) parseDimension(d *declarator, first bool) suffix {
	lb := c.tok
	c.next()
	if c.tok.is("]") {
		if !first {
			c.errorf(lb.pos, c.tok.end, "E161", "array has incomplete element type")
		}
		c.next()
		return suffix{flexible: true}
	}
	at := c.tok
	v := c.parseExpr()
	c.expectClose(lb)
	switch {
	case v.v < 0 && !v.unsigned:
		c.errorf(at.pos, c.prevEnd, "E161", "array %s has negative size", nameOr(d.name, "type"))
		return suffix{}
	case uint64(v.v) > maxArrayBytes:
		c.errorf(d.pos, d.end, "E161", "array %s is too large", nameOr(d.name, "type"))
		return suffix{}
	}
	return suffix{n: v.v}
}

// nameOr quotes name, or returns alt if it is empty.
func nameOr(name, alt string) string {
	if name == "" {
		return alt
	}
	return "'" + name + "'"
}

// skipParams skips a parameter list whose '(' was consumed; bt needs no
// parameter types, since function pointers become pointers to void.
func (c *cparser) skipParams(lp ctoken) {
	depth := 1
	for c.tok.kind != tEOF {
		switch {
		case c.tok.is("("):
			depth++
		case c.tok.is(")"):
			depth--
		}
		c.next()
		if depth == 0 {
			return
		}
	}
	c.expectClose(lp)
}

// apply builds the type a declarator gives base; user says that base is
// __user qualified.
func (c *cparser) apply(d *declarator, base types.Type, user bool) types.Type {
	t := base
	for _, u := range d.ptrs {
		t = c.pointerTo(t, user)
		user = u
	}
	for i := len(d.suffixes) - 1; i >= 0; i-- {
		t = c.derive(t, d.suffixes[i], d)
		user = false
	}
	if d.inner != nil {
		return c.apply(d.inner, t, user)
	}
	return t
}

// pointerTo returns a pointer to elem; a function pointer points to void.
func (c *cparser) pointerTo(elem types.Type, user bool) types.Type {
	if elem == fnType {
		elem = types.Void
	}
	space := types.AddrKernel
	if user {
		space = types.AddrUser
	}
	ptr := &types.Pointer{Elem: elem, AddrSpace: space}
	c.notePointer(ptr)
	return ptr
}

// derive applies an array or function suffix to t.
func (c *cparser) derive(t types.Type, s suffix, d *declarator) types.Type {
	switch {
	case s.fn:
		return fnType
	case t == types.Invalid:
		return t
	case t == fnType:
		c.errorf(d.pos, d.end, "E158", "%s declared as an array of functions", nameOr(d.name, "type"))
		return types.Invalid
	case s.n > 0 && t.Size() > maxArrayBytes/s.n:
		c.errorf(d.pos, d.end, "E161", "array %s is too large", nameOr(d.name, "type"))
		return types.Invalid
	}
	return &types.Array{Elem: t, Len: s.n}
}

// parseTypeName parses a type name, as in a cast or sizeof.
func (c *cparser) parseTypeName() types.Type {
	sp := c.parseSpec()
	if !sp.hasType {
		c.errorExpected("E152", "type name")
		return types.Invalid
	}
	return c.apply(c.parseDeclarator(true), sp.typ, sp.user)
}

// ----------------------------------------------------------------------------
// Enums

// parseEnumBody parses "{ A, B = 5, C }" and trailing attributes, and
// registers the enum and its enumerators.
func (c *cparser) parseEnumBody(kw, tag ctoken, a attrs) *types.Enum {
	lb := c.tok
	c.next()
	redefined := tag.text != "" && c.checkRedefinition(kw, tag)
	var names []ctoken
	var vals []types.EnumValue
	next := value{}
	for c.tok.kind == tIdent && !isKeyword(c.tok.text) {
		name := c.tok
		c.next()
		c.parseAttrs(&attrs{})
		v := next
		if c.tok.is("=") {
			c.next()
			v = c.parseExpr()
		}
		if c.defineEnumerator(name, v) {
			names = append(names, name)
			vals = append(vals, types.EnumValue{Name: name.text, Value: v.v})
		}
		next = value{v.v + 1, v.unsigned}
		if !c.tok.is(",") {
			break
		}
		c.next()
	}
	c.closeEnum(lb, len(vals) == 0)
	c.parseAttrs(&a)
	return c.makeEnum(tag, kw, redefined, names, vals, a)
}

// closeEnum expects the '}' of an enum, skipping what is left on error.
func (c *cparser) closeEnum(lb ctoken, empty bool) {
	switch {
	case c.tok.is("}") && empty && !c.failed:
		c.errorf(c.tok.pos, c.tok.end, "E156", "use of empty enum")
	case !c.tok.is("}"):
		what := "',' or '}' after enumerator"
		if empty {
			what = "enumerator name"
		}
		c.errorExpected("E156", what)
		for c.tok.kind != tEOF && !c.tok.is("}") {
			c.next()
		}
	}
	c.expectClose(lb)
}

// defineEnumerator adds an enumerator to the script's constants and
// reports whether it was new.
func (c *cparser) defineEnumerator(name ctoken, v value) bool {
	if prev, ok := c.p.res.EnumConsts[name.text]; ok {
		d := c.p.errs.Errorf(name.pos, name.end, "E159", "redefinition of enumerator %q", name.text)
		c.failed = true
		d.Related = append(d.Related, relatedAt(prev.Pos, "previous definition is here")...)
		return false
	}
	c.p.res.EnumConsts[name.text] = EnumConst{Value: v.v, Pos: name.pos}
	return true
}

// makeEnum builds the enum, with GCC's choice of size, and registers it.
func (c *cparser) makeEnum(tag, kw ctoken, redefined bool, names []ctoken, vals []types.EnumValue, a attrs) *types.Enum {
	size, signed := enumSize(vals, a.packed)
	e := types.NewEnum(tag.text, size, signed, vals)
	for _, n := range names {
		ec := c.p.res.EnumConsts[n.text]
		ec.Enum = e
		c.p.res.EnumConsts[n.text] = ec
	}
	switch {
	case tag.text == "":
		c.p.res.DefPos[e] = kw.pos
	case !redefined:
		c.p.res.Enums[tag.text] = e
		c.p.res.DefPos[e] = tag.pos
	}
	return e
}

// enumSize returns the size and signedness GCC gives an enum: int if a
// value is negative, else unsigned int, widened to 8 bytes if needed; a
// packed enum takes the smallest size that fits.
func enumSize(vals []types.EnumValue, packed bool) (int64, bool) {
	var lo, hi int64
	for _, v := range vals {
		lo, hi = min(lo, v.Value), max(hi, v.Value)
	}
	signed := lo < 0
	sizes := []int64{4, 8}
	if packed {
		sizes = []int64{1, 2, 4, 8}
	}
	for _, size := range sizes {
		if fits(lo, hi, size, signed) {
			return size, signed
		}
	}
	return 8, signed
}

func fits(lo, hi, size int64, signed bool) bool {
	if size >= 8 {
		return true
	}
	bits := uint(size * 8)
	if signed {
		return lo >= -(1<<(bits-1)) && hi < 1<<(bits-1)
	}
	return hi < 1<<bits
}

// ----------------------------------------------------------------------------
// Attributes

// attrs are the attributes that change a layout.
type attrs struct {
	packed  bool
	aligned int64 // 0 if not given
}

// isAttrStart reports whether s starts an attribute.
func isAttrStart(s string) bool {
	switch s {
	case "__attribute__", "__attribute", "__packed", "__aligned", "_Alignas", "alignas":
		return true
	}
	return false
}

// parseAttrs parses any number of attributes into a.
func (c *cparser) parseAttrs(a *attrs) {
	for c.tok.kind == tIdent {
		kw := c.tok
		switch kw.text {
		case "__attribute__", "__attribute":
			c.next()
			c.parseAttribute(a)
		case "__packed":
			c.next()
			a.packed = true
		case "__aligned", "_Alignas", "alignas":
			c.next()
			lp := c.tok
			if c.expect("E156", "(", "after '"+kw.text+"'") {
				c.parseAligned(a, kw)
				c.expectClose(lp)
			}
		default:
			return
		}
	}
}

// parseAttribute parses "((attr, attr(args), ...))".
func (c *cparser) parseAttribute(a *attrs) {
	lp1 := c.tok
	if !c.expect("E156", "(", "after '__attribute__'") {
		return
	}
	lp2 := c.tok
	if !c.expect("E156", "(", "after '__attribute__('") {
		return
	}
	for c.tok.kind == tIdent {
		c.parseAttr(a)
		if !c.tok.is(",") {
			break
		}
		c.next()
	}
	if c.expectClose(lp2) {
		c.expectClose(lp1)
	}
}

// parseAttr parses one attribute; bt acts on packed and aligned only.
func (c *cparser) parseAttr(a *attrs) {
	t := c.tok
	c.next()
	switch name := strings.TrimSuffix(strings.TrimPrefix(t.text, "__"), "__"); {
	case name == "packed":
		a.packed = true
	case name == "aligned" && c.tok.is("("):
		lp := c.tok
		c.next()
		c.parseAligned(a, t)
		c.expectClose(lp)
		return
	case name == "aligned":
		a.aligned = max(a.aligned, 16) // the largest alignment of x86-64
	case !knownAttr(name):
		c.p.errs.Warnf(t.pos, t.end, "W156", "unknown attribute %q ignored", t.text)
	}
	if c.tok.is("(") {
		lp := c.tok
		c.next()
		c.skipParams(lp)
	}
}

// parseAligned parses the argument of aligned(N).
func (c *cparser) parseAligned(a *attrs, at ctoken) {
	v := c.parseExpr()
	switch {
	case c.failed:
	case v.v <= 0 || v.v&(v.v-1) != 0:
		c.errorf(at.pos, c.prevEnd, "E164", "requested alignment %d is not a positive power of 2", v.v)
	case v.v > 1<<28:
		c.errorf(at.pos, c.prevEnd, "E164", "requested alignment %d is too large", v.v)
	default:
		a.aligned = max(a.aligned, v.v)
	}
}

// knownAttr reports whether bt knows an attribute that does not change
// layout.
func knownAttr(name string) bool {
	switch name {
	case "unused", "used", "deprecated", "preserve_access_index", "btf_type_tag", "btf_decl_tag",
		"designated_init", "randomize_layout", "no_randomize_layout", "may_alias", "section",
		"visibility", "noderef", "address_space", "context", "nonstring", "counted_by",
		"warn_unused_result", "transparent_union", "aligned", "packed", "cold", "hot", "weak",
		"always_inline", "noinline", "const", "pure", "format", "nonnull", "noreturn",
		"cleanup", "unavailable", "fallthrough", "preserve_static_offset":
		return true
	}
	return false
}
