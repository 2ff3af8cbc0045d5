package lsp

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/bt-tools/bt/lang"
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/builtins"
	"github.com/bt-tools/bt/lang/probes"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
	"github.com/bt-tools/bt/lsp/internal/protocol"
)

// positionParams are the params of the requests about one position.
type positionParams struct {
	protocol.TextDocumentPositionParams
}

func (p *positionParams) document() protocol.DocumentURI { return p.TextDocument.URI }

func hoverRequest(ctx context.Context, snap *Snapshot, p *positionParams) (*protocol.Hover, error) {
	return Hover(ctx, snap, snap.Mapper.Pos(p.Position))
}

// Hover describes what is at pos: a builtin or function (signature and
// documentation), a map (inferred key and value types, where it is
// written), a variable, a probe type and its attach point's arguments, a
// tracepoint or BTF struct field (type, offset, size), an enum value, a
// #define, a macro. It returns nil when there is nothing to say.
func Hover(ctx context.Context, snap *Snapshot, pos token.Pos) (*protocol.Hover, error) {
	u, err := snap.Checked(ctx)
	if err != nil {
		return nil, err
	}
	h := &hoverer{snap: snap, u: u, path: pathAt(u.AST, pos)}
	h.infos = views(u, h.path)
	text, node := h.describe()
	if text == "" {
		return nil, nil
	}
	kind := protocol.PlainText
	if snap.env.client.markdownHover {
		kind = protocol.Markdown
	}
	rng := snap.Mapper.Range(node.Pos(), node.End())
	return &protocol.Hover{Contents: protocol.MarkupContent{Kind: kind, Value: text}, Range: &rng}, nil
}

type hoverer struct {
	snap  *Snapshot
	u     *lang.Unit
	path  []ast.Node
	infos []*sema.Info
}

// describe returns the hover text for the innermost node that has one,
// and that node.
func (h *hoverer) describe() (string, ast.Node) {
	for i := len(h.path) - 1; i > 0; i-- {
		var text string
		switch n := h.path[i].(type) {
		case *ast.Ident:
			text = h.ident(n, parent(h.path, i))
		case *ast.VarExpr:
			text = h.variable(n)
		case *ast.MapExpr:
			text = h.mapHover(n)
		case *ast.AttachPoint:
			text = h.attachPoint(n)
		case *ast.ParamExpr:
			text = paramHover(n)
		case *ast.TypeExpr:
			text = h.typeExpr(n)
		case *ast.Block, *ast.Probe, ast.Stmt:
			return "", nil // nothing more specific under the cursor
		}
		if text != "" {
			return text, h.path[i]
		}
	}
	return "", nil
}

// ident describes an identifier by where it stands, then by what it
// resolved to.
func (h *hoverer) ident(id *ast.Ident, p ast.Node) string {
	switch p := p.(type) {
	case *ast.CallExpr:
		if p.Fun == id {
			return h.call(p)
		}
	case *ast.FieldExpr:
		if p.Sel == id {
			return h.field(p)
		}
	case *ast.ConfigEntry:
		if p.Name == id {
			return configHover(id.Name)
		}
	case *ast.MacroDecl:
		if p.Name == id {
			return h.macro(p)
		}
	case *ast.FnDecl:
		if p.Name == id {
			return codeBlock(h.header(p, p.Body)) + "\nfunction (experimental: a BPF sub-program)"
		}
	case *ast.MapDecl:
		if p.Kind == id {
			return fmt.Sprintf("map kind `%s`", id.Name)
		}
	}
	if obj, ok := lookup(h.infos, id, identObj); ok {
		if text := h.object(id, obj); text != "" {
			return text
		}
	}
	if b, ok := builtins.Lookup(id.Name); ok {
		return builtinHover(b, nil)
	}
	return ""
}

func (h *hoverer) object(id *ast.Ident, obj *sema.Object) string {
	switch obj.Kind {
	case sema.ObjBuiltin:
		b, ok := builtins.Lookup(id.Name)
		if !ok {
			return ""
		}
		t, _ := lookup(h.infos, ast.Expr(id), typeOf)
		return builtinHover(b, t)
	case sema.ObjEnumConst:
		return enumHover(obj)
	case sema.ObjDefine:
		return h.define(id.Name, obj)
	case sema.ObjMacro:
		if obj.Macro != nil {
			return h.macro(obj.Macro)
		}
	case sema.ObjParam:
		return codeBlock(id.Name) + "\nmacro parameter"
	case sema.ObjType:
		if obj.Type != nil {
			return typeHover(obj.Type)
		}
	case sema.ObjStackMode:
		return fmt.Sprintf("stack mode `%s`", id.Name)
	}
	return ""
}

// call describes the callee of a call: a builtin, a macro or a fn.
func (h *hoverer) call(x *ast.CallExpr) string {
	if c, ok := lookup(h.infos, x, calleeOf); ok {
		switch {
		case c.Builtin != nil:
			t, _ := lookup(h.infos, ast.Expr(x), typeOf)
			return builtinHover(c.Builtin, t)
		case c.Macro != nil:
			return h.macro(c.Macro)
		case c.Fn != nil:
			return codeBlock(h.header(c.Fn, c.Fn.Body)) + "\nfunction (experimental: a BPF sub-program)"
		}
	}
	if b, ok := builtins.Lookup(x.Fun.Name); ok {
		return builtinHover(b, nil)
	}
	return ""
}

// builtinHover shows a builtin's signature, its facts and its doc. t is
// the type of the use, when known (the args struct of this probe, say).
func builtinHover(b *builtins.Builtin, t types.Type) string {
	var sb strings.Builder
	sig := b.Signature
	if t == nil {
		t = b.Result
	}
	if t != nil && t != types.Void && !types.IsInvalid(t) {
		sig += ": " + t.String()
	}
	sb.WriteString(codeBlock(sig))
	facts := []string{b.Kind.String()}
	if b.Since != "" {
		facts = append(facts, "since "+b.Since)
	}
	if b.Async {
		facts = append(facts, "async (runs in user space, later)")
	}
	if b.CompileTime {
		facts = append(facts, "compile time")
	}
	if b.Unsafe {
		facts = append(facts, "unsafe: needs --unsafe")
	}
	sb.WriteString("\n" + strings.Join(facts, " · ") + "\n")
	if len(b.Probes) > 0 {
		fmt.Fprintf(&sb, "\nOnly in %s probes.\n", strings.Join(b.Probes, ", "))
	}
	if b.Deprecated != "" {
		fmt.Fprintf(&sb, "\n**Deprecated:** %s\n", b.Deprecated)
	}
	if b.Doc != "" {
		sb.WriteString("\n" + b.Doc + "\n")
	}
	if s, ok := derefStruct(t); ok && b.Context {
		sb.WriteString("\n" + structLayout(s, 40))
	}
	return strings.TrimRight(sb.String(), "\n")
}

// field describes a field access: a struct field with its type, offset
// and size (a tracepoint field with its C declaration too), or a tuple or
// record element.
func (h *hoverer) field(x *ast.FieldExpr) string {
	fi, ok := lookup(h.infos, x, fieldOf)
	if !ok {
		return h.argsFieldFallback(x)
	}
	f := fi.Field
	if fi.Struct == nil {
		return codeBlock(fmt.Sprintf("%s: %s", x.Sel.Name, typeString(f.Type))) +
			fmt.Sprintf("\nelement %d", fi.Index)
	}
	var sb strings.Builder
	sb.WriteString(codeBlock(fmt.Sprintf("%s: %s", f.Name, typeString(f.Type))))
	if decl := h.tracepointField(fi.Struct, f.Name); decl != "" {
		sb.WriteString("\n" + codeBlockLang("c", decl))
	}
	fmt.Fprintf(&sb, "\nfield of `%s` · offset %d · size %d", fi.Struct, f.Offset, typeSize(f.Type))
	if f.BitSize > 0 {
		fmt.Fprintf(&sb, " · bits %d..%d", f.BitOffset, f.BitOffset+f.BitSize-1)
	}
	switch {
	case fi.Derefs == 1:
		sb.WriteString(" · through a pointer")
	case fi.Derefs > 1:
		fmt.Fprintf(&sb, " · through %d pointers", fi.Derefs)
	}
	return sb.String()
}

// tracepointField returns the format file's C declaration of a field of a
// tracepoint's args struct, or "".
func (h *hoverer) tracepointField(s *types.Struct, name string) string {
	k := h.snap.Kernel()
	if k == nil || !strings.HasPrefix(s.Name, "tracepoint:") {
		return ""
	}
	ap, err := probes.Parse(strings.TrimSuffix(s.Name, "_args"))
	if err != nil || ap.Wildcard {
		return ""
	}
	f, err := k.TracepointFormat(ap.Category, ap.Event)
	if err != nil {
		return ""
	}
	if fld, ok := f.Field(name); ok {
		return fld.CType
	}
	return ""
}

// argsFieldFallback describes args.f in a probe the checker did not type
// (a wildcard, checked with NoExpand): the field as the attach points'
// layouts have it.
func (h *hoverer) argsFieldFallback(x *ast.FieldExpr) string {
	if id, ok := ast.Unparen(x.X).(*ast.Ident); !ok || id.Name != "args" || x.Sel == nil {
		return ""
	}
	p := enclosingProbe(h.u, h.path)
	if p == nil {
		return ""
	}
	for _, l := range argsLayouts(h.snap.Kernel(), p, 16) {
		if f, ok := l.Field(x.Sel.Name); ok {
			return codeBlock(fmt.Sprintf("%s: %s", f.Name, typeString(f.Type))) +
				fmt.Sprintf("\nfield of `%s` · offset %d · size %d", l, f.Offset, typeSize(f.Type))
		}
	}
	return ""
}

func (h *hoverer) variable(x *ast.VarExpr) string {
	v, ok := lookup(h.infos, x, varOf)
	if !ok {
		return ""
	}
	var sb strings.Builder
	sb.WriteString(codeBlock(fmt.Sprintf("$%s: %s", v.Name, typeString(v.Type))))
	sb.WriteString("\nscratch variable")
	if v.Decl != nil {
		how := "assigned first"
		if v.Let {
			how = "declared with let"
		}
		fmt.Fprintf(&sb, " · %s at line %d", how, h.line(v.Decl.Pos()))
	}
	return sb.String()
}

func (h *hoverer) mapHover(x *ast.MapExpr) string {
	if h.u.Prog == nil {
		return ""
	}
	m := h.u.Prog.Maps["@"+x.Name]
	if m == nil {
		return ""
	}
	var sb strings.Builder
	sb.WriteString(codeBlock(mapSignature(m)))
	sb.WriteString("\nmap · " + mapKind(m))
	writes := map[token.Pos]bool{}
	var wl, rl []int
	for _, w := range m.Writes {
		writes[w.Pos()] = true
		wl = append(wl, h.line(w.Pos()))
	}
	for _, r := range m.Refs {
		if !writes[r.Pos()] {
			rl = append(rl, h.line(r.Pos()))
		}
	}
	if len(wl) > 0 {
		sb.WriteString(" · written at " + lineList(wl))
	} else {
		sb.WriteString(" · never written")
	}
	if len(rl) > 0 {
		sb.WriteString(" · read at " + lineList(rl))
	}
	return sb.String()
}

// mapSignature spells a map with its inferred types: "@m[uint32]: uint64".
func mapSignature(m *sema.Map) string {
	s := m.Name
	if !m.Scalar && m.Key != nil {
		s += "[" + keyString(m.Key) + "]"
	}
	return s + ": " + typeString(m.Value)
}

// mapKind says which BPF map holds a map: declared, or the default.
func mapKind(m *sema.Map) string {
	if m.Decl != nil && m.Decl.Kind != nil {
		if lit, ok := m.Decl.Size.(*ast.IntLit); ok {
			return fmt.Sprintf("`%s(%s)`", m.Decl.Kind.Name, lit.Lit)
		}
		return "`" + m.Decl.Kind.Name + "`"
	}
	if _, ok := m.Value.(*types.Agg); ok {
		return "per-CPU hash (aggregation)"
	}
	return "hash"
}

func keyString(t types.Type) string {
	if tup, ok := t.(*types.Tuple); ok {
		parts := make([]string, len(tup.Elems))
		for i, e := range tup.Elems {
			parts[i] = typeString(e)
		}
		return strings.Join(parts, ", ")
	}
	return typeString(t)
}

func lineList(lines []int) string {
	sort.Ints(lines)
	out := make([]string, 0, len(lines))
	for i, l := range lines {
		if i > 0 && l == lines[i-1] {
			continue
		}
		out = append(out, fmt.Sprint(l))
		if len(out) == 8 && len(lines) > i+1 {
			out = append(out, "...")
			break
		}
	}
	word := "line "
	if len(out) > 1 {
		word = "lines "
	}
	return word + strings.Join(out, ", ")
}

// attachPoint describes a probe type and, for a concrete attach point,
// the arguments it offers.
func (h *hoverer) attachPoint(a *ast.AttachPoint) string {
	ap := h.parsedPoint(a)
	if ap == nil {
		return ""
	}
	prov := ap.Provider
	var sb strings.Builder
	fmt.Fprintf(&sb, "**%s** probe", prov.Name)
	if len(prov.Aliases) > 0 {
		fmt.Fprintf(&sb, " (also `%s`)", strings.Join(prov.Aliases, "`, `"))
	}
	sb.WriteString("\n\n" + prov.Doc + "\n")
	if len(prov.Forms) > 0 {
		sb.WriteString("\nForms: `" + strings.Join(prov.Forms, "`, `") + "`\n")
	}
	if ap.Wildcard {
		sb.WriteString("\nA wildcard: the probe attaches to every match.\n")
	} else if k := h.snap.Kernel(); k != nil {
		if lines, err := probes.Describe(ap.String(), k); err == nil && len(lines) > 0 {
			for i := range lines {
				lines[i] = strings.TrimSpace(lines[i])
			}
			fmt.Fprintf(&sb, "\nArguments of `%s`:\n%s", ap, codeBlockLang("c", strings.Join(lines, "\n")))
		} else if err != nil {
			fmt.Fprintf(&sb, "\n%s\n", err)
		}
	}
	return strings.TrimRight(sb.String(), "\n")
}

// parsedPoint returns the checker's parse of an attach point (positional
// parameters substituted), or parses it.
func (h *hoverer) parsedPoint(a *ast.AttachPoint) *probes.AttachPoint {
	if h.u.Prog != nil {
		for _, p := range h.u.Prog.Probes {
			for _, pt := range p.Points {
				if pt.Source == a && pt.AP != nil {
					return pt.AP
				}
			}
		}
	}
	ap, err := probes.Parse(a.Raw)
	if err != nil {
		return nil
	}
	return ap
}

func paramHover(x *ast.ParamExpr) string {
	if x.N == 0 {
		return codeBlock("$#") + "\nthe number of positional parameters"
	}
	return codeBlock(x.Lit) + fmt.Sprintf("\npositional parameter %d (an integer, or a string with `str(%s)`)", x.N, x.Lit)
}

func (h *hoverer) typeExpr(x *ast.TypeExpr) string {
	t, ok := lookup(h.infos, ast.Expr(x), typeOf)
	if !ok {
		return ""
	}
	return typeHover(t)
}

// typeHover shows a type and, for structs, their layout.
func typeHover(t types.Type) string {
	out := codeBlock(typeString(t)) + fmt.Sprintf("\nsize %d", typeSize(t))
	if s, ok := derefStruct(t); ok {
		out += "\n\n" + structLayout(s, 40)
	}
	return out
}

// structLayout lists a struct's fields with offsets and sizes, at most
// max of them.
func structLayout(s *types.Struct, max int) string {
	var lines []string
	fields := s.Fields()
	for i, f := range fields {
		if i == max {
			lines = append(lines, fmt.Sprintf("// ... %d more", len(fields)-max))
			break
		}
		name := f.Name
		if name == "" {
			name = "(anonymous)"
		}
		lines = append(lines, fmt.Sprintf("%s: %s // offset %d, size %d", name, typeString(f.Type), f.Offset, typeSize(f.Type)))
	}
	return fmt.Sprintf("`%s` (size %d):\n%s", s, s.Size(), codeBlock(strings.Join(lines, "\n")))
}

func enumHover(obj *sema.Object) string {
	out := codeBlock(fmt.Sprintf("%s = %d", obj.Name, obj.Value))
	if obj.Enum != nil {
		name := obj.Enum.String()
		if obj.Enum.Name == "" {
			name = "an anonymous enum"
		} else {
			name = "`" + name + "`"
		}
		out += "\nenumerator of " + name
	}
	return out
}

func (h *hoverer) define(name string, obj *sema.Object) string {
	body := ""
	if c := h.u.Prog.C; c != nil {
		if d, ok := c.Defines[name]; ok {
			body = d.Body
		}
	}
	if body == "" && obj.Expr != nil {
		body = h.u.Tok.Text(obj.Expr.Pos(), obj.Expr.End())
	}
	out := codeBlockLang("c", strings.TrimSpace("#define "+name+" "+body))
	if obj.Pos.IsValid() {
		out += fmt.Sprintf("\ndefined at line %d", h.line(obj.Pos))
	}
	return out
}

func (h *hoverer) macro(d *ast.MacroDecl) string {
	return codeBlock(h.header(d, d.Body)) + fmt.Sprintf("\nmacro · defined at line %d", h.line(d.Pos()))
}

// header is the source of a declaration up to its body, on one line.
func (h *hoverer) header(d ast.Node, body *ast.Block) string {
	end := d.End()
	if body != nil {
		end = body.Pos()
	}
	return strings.Join(strings.Fields(h.u.Tok.Text(d.Pos(), end)), " ")
}

func configHover(key string) string {
	return codeBlock(key) + fmt.Sprintf("\nconfig key · the environment variable `BPFTRACE_%s` overrides it",
		strings.ToUpper(key))
}

func (h *hoverer) line(p token.Pos) int { return h.u.Tok.Position(p).Line }

// ---------------------------------------------------------------------------
// Helpers shared by the features

func codeBlock(s string) string { return codeBlockLang("bpftrace", s) }

func codeBlockLang(lang, s string) string { return "```" + lang + "\n" + s + "\n```\n" }

// typeString spells a type, or "unknown" when the checker has none.
func typeString(t types.Type) string {
	if types.IsInvalid(t) {
		return "unknown"
	}
	return t.String()
}

func typeSize(t types.Type) int64 {
	if types.IsInvalid(t) {
		return 0
	}
	return t.Size()
}

// derefStruct returns the struct t is, or points to (through any number
// of pointers), as `.` reaches it.
func derefStruct(t types.Type) (*types.Struct, bool) {
	for {
		switch u := t.(type) {
		case *types.Struct:
			return u, true
		case *types.Pointer:
			t = u.Elem
		default:
			return nil, false
		}
	}
}
