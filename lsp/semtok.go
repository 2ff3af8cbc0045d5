package lsp

import (
	"context"
	"sort"
	"strings"

	"github.com/bt-tools/bt/lang"
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/builtins"
	"github.com/bt-tools/bt/lang/probes"
	"github.com/bt-tools/bt/lang/scanner"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lsp/internal/protocol"
)

// The semantic token legend. The order is the encoding: a token's type is
// its index in semTypes, its modifiers a bit set over semMods.
var semTypes = []protocol.SemanticTokenTypes{
	"namespace", "type", "struct", "enumMember", "parameter", "variable", "property",
	"function", "macro", "keyword", "comment", "string", "number", "event",
}

var semMods = []protocol.SemanticTokenModifiers{
	"declaration", "readonly", "defaultLibrary", "modification", "global",
}

const (
	stNamespace = iota
	stType
	stStruct
	stEnumMember
	stParameter
	stVariable
	stProperty
	stFunction
	stMacro
	stKeyword
	stComment
	stString
	stNumber
	stEvent
)

const (
	smDeclaration = 1 << iota
	smReadonly
	smDefaultLibrary
	smModification
	smGlobal // maps
)

func semanticLegend() protocol.SemanticTokensLegend {
	return protocol.SemanticTokensLegend{TokenTypes: semTypes, TokenModifiers: semMods}
}

func semanticTokensRequest(ctx context.Context, snap *Snapshot, p *documentParams) (*protocol.SemanticTokens, error) {
	return SemanticTokens(ctx, snap)
}

// semTok is one token before encoding.
type semTok struct {
	pos, end token.Pos
	typ, mod int
}

// class is what an identifier is, for highlighting.
type class struct{ typ, mod int }

// SemanticTokens classifies the document's tokens: attach points (probe
// type and target), keywords, maps, variables, positional parameters,
// builtins, functions and macros as the checker resolved them, fields,
// types, enum values, literals and comments.
func SemanticTokens(ctx context.Context, snap *Snapshot) (*protocol.SemanticTokens, error) {
	u, err := snap.Checked(ctx)
	if err != nil {
		return nil, err
	}
	t := &tokenizer{snap: snap, u: u, idents: identClasses(u), writes: varWrites(u.AST)}
	if u.Prog != nil {
		for _, m := range u.Prog.Maps {
			for _, w := range m.Writes {
				t.writes[w.Pos()] = true
			}
		}
	}
	for _, c := range u.AST.Comments {
		t.add(c.Pos(), c.End(), stComment, 0)
	}
	for _, d := range u.AST.Decls {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		t.decl(d)
	}
	return &protocol.SemanticTokens{Data: t.encode()}, nil
}

type tokenizer struct {
	snap   *Snapshot
	u      *lang.Unit
	idents map[token.Pos]class
	writes map[token.Pos]bool
	toks   []semTok
}

func (t *tokenizer) add(pos, end token.Pos, typ, mod int) {
	if pos.IsValid() && end > pos {
		t.toks = append(t.toks, semTok{pos, end, typ, mod})
	}
}

func (t *tokenizer) decl(d ast.Decl) {
	switch d := d.(type) {
	case *ast.Probe:
		for _, a := range d.Attach {
			t.attachPoint(a)
		}
		if d.Pred != nil {
			t.scan(d.Pred.Pos(), d.Pred.End())
		}
		if d.Body != nil {
			t.scan(d.Body.Pos(), d.Body.End())
		}
	case *ast.PreprocDecl:
		t.preproc(d)
	case *ast.CDecl, *ast.BadDecl:
	default:
		t.scan(d.Pos(), d.End())
	}
}

// attachPoint marks the probe type as a namespace and the rest as the
// function or event it names.
func (t *tokenizer) attachPoint(a *ast.AttachPoint) {
	prov, rest, ok := strings.Cut(a.Raw, ":")
	p, found := probes.Lookup(prov)
	if !found {
		return
	}
	t.add(a.Pos(), a.Pos()+token.Pos(len(prov)), stNamespace, smDefaultLibrary)
	if !ok || rest == "" {
		return
	}
	typ := stEvent
	switch p.Name {
	case "kprobe", "kretprobe", "fentry", "fexit", "uprobe", "uretprobe":
		typ = stFunction
	}
	start := a.Pos() + token.Pos(len(prov)+1)
	t.add(start, a.End(), typ, 0)
}

// preproc marks a # line's directive and, for #define, the name.
func (t *tokenizer) preproc(d *ast.PreprocDecl) {
	text := d.Text
	i := 1
	for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
		i++
	}
	j := i
	for j < len(text) && isIdentByte(text[j]) {
		j++
	}
	t.add(d.Pos(), d.Pos()+token.Pos(j), stKeyword, 0)
	directive := text[i:j]
	k := j
	for k < len(text) && (text[k] == ' ' || text[k] == '\t') {
		k++
	}
	switch directive {
	case "define", "ifdef", "ifndef", "undef":
		l := k
		for l < len(text) && isIdentByte(text[l]) {
			l++
		}
		t.add(d.Pos()+token.Pos(k), d.Pos()+token.Pos(l), stMacro, boolMod(directive == "define", smDeclaration))
	case "include":
		t.add(d.Pos()+token.Pos(k), d.End(), stString, 0)
	}
}

func boolMod(b bool, m int) int {
	if b {
		return m
	}
	return 0
}

// scan tokenizes [pos, end) of the source as statements and expressions
// (never attach points or # lines) and classifies each token.
func (t *tokenizer) scan(pos, end token.Pos) {
	if !pos.IsValid() || end <= pos {
		return
	}
	from, to := int(pos)-1, min(int(end)-1, len(t.snap.Src))
	if from >= to {
		return
	}
	var s scanner.Scanner
	s.Init(token.NewFile("", t.snap.Src[from:to]), nil)
	for {
		p, tok, lit := s.Scan()
		if tok == token.EOF {
			return
		}
		at := p + token.Pos(from)
		stop := at + token.Pos(len(lit))
		switch {
		case tok == token.COMMENT:
			// From the AST's comment list.
		case tok.IsKeyword():
			t.add(at, at+token.Pos(len(tok.String())), stKeyword, 0)
		case tok == token.IDENT:
			if c, ok := t.idents[at]; ok {
				t.add(at, stop, c.typ, c.mod)
			}
		case tok == token.VAR:
			t.add(at, stop, stVariable, boolMod(t.writes[at], smModification))
		case tok == token.MAP:
			t.add(at, stop, stVariable, smGlobal|boolMod(t.writes[at], smModification))
		case tok == token.PARAM || tok == token.PARAMCOUNT:
			t.add(at, stop, stParameter, smReadonly)
		case tok == token.INT:
			t.add(at, stop, stNumber, 0)
		case tok == token.STRING:
			t.add(at, stop, stString, 0)
		}
	}
}

// identClasses classifies the identifiers of the program by position,
// from what the checker resolved them to and from where they stand.
func identClasses(u *lang.Unit) map[token.Pos]class {
	out := map[token.Pos]class{}
	resolvedClasses(u, out)
	ast.Inspect(u.AST, func(n ast.Node) bool {
		syntaxClasses(u, n, out)
		return true
	})
	return out
}

// resolvedClasses adds what the checker resolved, in every view (macro
// copies included: they keep the positions of the macro's body).
func resolvedClasses(u *lang.Unit, out map[token.Pos]class) {
	for _, info := range allInfos(u) {
		for id, obj := range info.Idents {
			if obj != nil {
				out[id.Pos()] = objectClass(obj)
			}
		}
		for call, c := range info.Calls {
			switch {
			case c == nil:
			case c.Macro != nil:
				out[call.Fun.Pos()] = class{stMacro, 0}
			case c.Builtin != nil:
				out[call.Fun.Pos()] = class{stFunction, smDefaultLibrary}
			default:
				out[call.Fun.Pos()] = class{stFunction, 0}
			}
		}
	}
}

// syntaxClasses adds what the checker does not record, from where an
// identifier stands.
func syntaxClasses(u *lang.Unit, n ast.Node, out map[token.Pos]class) {
	switch n := n.(type) {
	case *ast.CallExpr:
		if _, ok := out[n.Fun.Pos()]; !ok {
			out[n.Fun.Pos()] = class{stFunction, boolMod(isBuiltin(n.Fun.Name), smDefaultLibrary)}
		}
	case *ast.FieldExpr:
		if n.Sel != nil && n.Sel.Name != "" {
			out[n.Sel.Pos()] = class{stProperty, 0}
		}
	case *ast.RecordField:
		out[n.Name.Pos()] = class{stProperty, 0}
	case *ast.OffsetofExpr:
		for _, f := range n.Fields {
			out[f.Pos()] = class{stProperty, 0}
		}
	case *ast.ConfigEntry:
		out[n.Name.Pos()] = class{stProperty, 0}
		if v, ok := n.Value.(*ast.Ident); ok {
			out[v.Pos()] = class{stEnumMember, 0}
		}
	case *ast.MacroDecl:
		macroClasses(n, out)
	case *ast.FnDecl:
		if n.Name != nil {
			out[n.Name.Pos()] = class{stFunction, smDeclaration}
		}
	case *ast.MapDecl:
		if n.Kind != nil {
			out[n.Kind.Pos()] = class{stType, smDefaultLibrary}
		}
	case *ast.TypeExpr:
		typeNameClass(u, n, out)
	case *ast.Ident:
		if _, ok := out[n.Pos()]; !ok && isBuiltin(n.Name) {
			out[n.Pos()] = class{stVariable, smDefaultLibrary | smReadonly}
		}
	}
}

// macroClasses marks a macro's name and its parameters, in the header
// and in the body: the checker substitutes the arguments for the
// parameters, so their uses in the body resolve to nothing.
func macroClasses(n *ast.MacroDecl, out map[token.Pos]class) {
	if n.Name != nil {
		out[n.Name.Pos()] = class{stMacro, smDeclaration}
	}
	params := map[string]bool{}
	for _, p := range n.Params {
		if id, ok := p.(*ast.Ident); ok {
			out[id.Pos()] = class{stParameter, smDeclaration}
			params[id.Name] = true
		}
	}
	ast.Inspect(n.Body, func(b ast.Node) bool {
		if id, ok := b.(*ast.Ident); ok && params[id.Name] {
			out[id.Pos()] = class{stParameter, 0}
		}
		return true
	})
}

func isBuiltin(name string) bool {
	_, ok := builtins.Lookup(name)
	return ok
}

func objectClass(obj *sema.Object) class {
	switch obj.Kind {
	case sema.ObjBuiltin:
		return class{stVariable, smDefaultLibrary | smReadonly}
	case sema.ObjEnumConst, sema.ObjStackMode:
		return class{stEnumMember, 0}
	case sema.ObjDefine, sema.ObjMacro:
		return class{stMacro, 0}
	case sema.ObjParam:
		return class{stParameter, 0}
	case sema.ObjType:
		return class{stType, 0}
	}
	return class{stVariable, 0}
}

// typeNameClass marks the name of a type as written (int32, task_struct
// in struct task_struct *).
func typeNameClass(u *lang.Unit, x *ast.TypeExpr, out map[token.Pos]class) {
	if x.Name == "" || x.Typeof != nil {
		return
	}
	text := u.Tok.Text(x.Pos(), x.End())
	i := indexWord(text, x.Name, 0)
	if i < 0 {
		return
	}
	typ := stType
	if x.Keyword == token.STRUCT || x.Keyword == token.UNION {
		typ = stStruct
	}
	out[x.Pos()+token.Pos(i)] = class{typ, 0}
}

// encode sorts the tokens, drops overlaps, splits multi-line ones and
// encodes them relative to each other, in UTF-16 columns.
func (t *tokenizer) encode() []uint32 {
	sort.SliceStable(t.toks, func(i, j int) bool { return t.toks[i].pos < t.toks[j].pos })
	m := t.snap.Mapper
	data := []uint32{}
	var prevLine, prevChar uint32
	var last token.Pos
	emit := func(pos, end token.Pos, typ, mod int) {
		start, stop := m.PosPosition(pos), m.PosPosition(end)
		if stop.Line != start.Line || stop.Character <= start.Character {
			return
		}
		dl, dc := start.Line-prevLine, start.Character
		if dl == 0 {
			dc = start.Character - prevChar
		}
		data = append(data, dl, dc, stop.Character-start.Character, uint32(typ), uint32(mod))
		prevLine, prevChar = start.Line, start.Character
	}
	for _, tk := range t.toks {
		if tk.pos < last {
			continue // overlaps the previous token
		}
		last = tk.end
		// One token per line: clients need not support multi-line tokens.
		for p := tk.pos; p < tk.end; {
			lineEnd := t.lineEndPos(p, tk.end)
			emit(p, lineEnd, tk.typ, tk.mod)
			p = t.nextLine(lineEnd, tk.end)
		}
	}
	return data
}

// lineEndPos returns the end of the line p is on, or end if sooner.
func (t *tokenizer) lineEndPos(p, end token.Pos) token.Pos {
	for q := p; q < end; q++ {
		if c := t.snap.Src[q-1]; c == '\n' || c == '\r' {
			return q
		}
	}
	return end
}

// nextLine returns the start of the line after the line end at p.
func (t *tokenizer) nextLine(p, end token.Pos) token.Pos {
	if p >= end {
		return p
	}
	c := t.snap.Src[p-1]
	if c != '\n' && c != '\r' {
		return p
	}
	p++
	if c == '\r' && p < end && t.snap.Src[p-1] == '\n' {
		p++
	}
	return p
}
