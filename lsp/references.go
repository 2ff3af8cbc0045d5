package lsp

import (
	"context"
	"errors"
	"regexp"
	"sort"
	"strings"

	"github.com/bt-tools/bt/lang"
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/builtins"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lsp/internal/protocol"
)

// A symbol is what definition, references, rename and document highlight
// work on: a map, a scratch variable, a macro or a C #define.
type symbol struct {
	kind  symKind
	v     *sema.Var // for variables
	name  string    // as written: "@x", "$x", "m", "FOO"
	decls []span    // where it is defined (a map's declaration or first write, ...)
	refs  []ref     // every occurrence, definitions included, in source order
}

type symKind int

const (
	symMap symKind = iota
	symVar
	symMacro
	symDefine
)

type span struct{ pos, end token.Pos }

type ref struct {
	span
	write bool
}

func (s span) contains(p token.Pos) bool { return s.pos <= p && p <= s.end }

// symbolAt finds the symbol under pos, or nil.
func symbolAt(u *lang.Unit, pos token.Pos) *symbol {
	path := pathAt(u.AST, pos)
	infos := views(u, path)
	n := path[len(path)-1]
	switch n := n.(type) {
	case *ast.MapExpr:
		return mapSymbol(u, n.Name)
	case *ast.VarExpr:
		if v, ok := lookup(infos, n, varOf); ok {
			return varSymbol(u, v)
		}
	case *ast.Ident:
		return identSymbol(u, infos, n, parent(path, len(path)-1))
	}
	return nil
}

func mapSymbol(u *lang.Unit, name string) *symbol {
	if u.Prog == nil {
		return nil
	}
	m := u.Prog.Maps["@"+name]
	if m == nil {
		return nil
	}
	sym := &symbol{kind: symMap, name: m.Name}
	writes := map[token.Pos]bool{}
	for _, w := range m.Writes {
		writes[w.Pos()] = true
	}
	add := func(x *ast.MapExpr, write bool) {
		sym.refs = append(sym.refs, ref{span{x.Pos(), x.End()}, write || writes[x.Pos()]})
	}
	if m.Decl != nil {
		add(m.Decl.Map, true)
		sym.decls = append(sym.decls, span{m.Decl.Map.Pos(), m.Decl.Map.End()})
	} else if m.First != nil {
		sym.decls = append(sym.decls, span{m.First.Pos(), m.First.End()})
	}
	for _, r := range m.Refs {
		add(r, false)
	}
	sym.refs = dedupeRefs(sym.refs)
	return sym
}

func varSymbol(u *lang.Unit, v *sema.Var) *symbol {
	sym := &symbol{kind: symVar, v: v, name: "$" + v.Name}
	writes := varWrites(u.AST)
	for _, r := range v.Refs {
		sym.refs = append(sym.refs, ref{span{r.Pos(), r.End()}, writes[r.Pos()]})
	}
	if v.Decl != nil {
		sym.decls = append(sym.decls, span{v.Decl.Pos(), v.Decl.End()})
		sym.refs = append(sym.refs, ref{span{v.Decl.Pos(), v.Decl.End()}, true})
	}
	sym.refs = dedupeRefs(sym.refs)
	return sym
}

// varWrites returns the positions of the variables that are assigned.
func varWrites(f *ast.File) map[token.Pos]bool {
	w := map[token.Pos]bool{}
	mark := func(x ast.Expr) {
		if v, ok := x.(*ast.VarExpr); ok {
			w[v.Pos()] = true
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			mark(n.LHS)
		case *ast.LetStmt:
			mark(n.Var)
		case *ast.ForStmt:
			mark(n.Var)
		case *ast.IncDecExpr:
			mark(n.X)
		}
		return true
	})
	return w
}

// identSymbol resolves an identifier that names a macro or a #define.
func identSymbol(u *lang.Unit, infos []*sema.Info, id *ast.Ident, p ast.Node) *symbol {
	if u.Prog == nil {
		return nil
	}
	switch p := p.(type) {
	case *ast.MacroDecl:
		if p.Name == id {
			return macroSymbol(u, id.Name)
		}
	case *ast.CallExpr:
		if p.Fun == id && len(u.Prog.Macros[id.Name]) > 0 {
			return macroSymbol(u, id.Name)
		}
	}
	obj, ok := lookup(infos, id, identObj)
	if !ok {
		return nil
	}
	switch obj.Kind {
	case sema.ObjMacro:
		return macroSymbol(u, id.Name)
	case sema.ObjDefine:
		return defineSymbol(u, id.Name)
	}
	return nil
}

func macroSymbol(u *lang.Unit, name string) *symbol {
	sym := &symbol{kind: symMacro, name: name}
	for _, d := range u.Prog.Macros[name] {
		sym.decls = append(sym.decls, span{d.Name.Pos(), d.Name.End()})
		sym.refs = append(sym.refs, ref{span: span{d.Name.Pos(), d.Name.End()}})
	}
	// User macros take every call of their name, and bare uses of the
	// zero-argument ones.
	bare := identsResolvedAs(u, name, sema.ObjMacro)
	ast.Inspect(u.AST, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if n.Fun.Name == name {
				sym.refs = append(sym.refs, ref{span: span{n.Fun.Pos(), n.Fun.End()}})
			}
		case *ast.Ident:
			if bare[n.Pos()] {
				sym.refs = append(sym.refs, ref{span: span{n.Pos(), n.End()}})
			}
		}
		return true
	})
	sym.refs = dedupeRefs(sym.refs)
	return sym
}

func defineSymbol(u *lang.Unit, name string) *symbol {
	sym := &symbol{kind: symDefine, name: name}
	if c := u.Prog.C; c != nil {
		if d, ok := c.Defines[name]; ok && d.Pos.IsValid() {
			s := span{d.Pos, d.Pos + token.Pos(len(name))}
			sym.decls = append(sym.decls, s)
			sym.refs = append(sym.refs, ref{span: s})
		}
	}
	uses := identsResolvedAs(u, name, sema.ObjDefine)
	for p := range uses {
		sym.refs = append(sym.refs, ref{span: span{p, p + token.Pos(len(name))}})
	}
	sym.refs = dedupeRefs(sym.refs)
	return sym
}

// defineAtText finds the #define whose name is under pos in a # line
// (kept as text in the AST).
func defineAtText(u *lang.Unit, pos token.Pos) *symbol {
	if u.Prog == nil || u.Prog.C == nil {
		return nil
	}
	for name, d := range u.Prog.C.Defines {
		if d.Pos.IsValid() && d.Pos <= pos && pos <= d.Pos+token.Pos(len(name)) {
			return defineSymbol(u, name)
		}
	}
	return nil
}

// identsResolvedAs returns the positions of the identifiers named name
// that resolved to an object of kind k, in every view of the program.
func identsResolvedAs(u *lang.Unit, name string, k sema.ObjKind) map[token.Pos]bool {
	out := map[token.Pos]bool{}
	for _, info := range allInfos(u) {
		for id, obj := range info.Idents {
			if obj != nil && obj.Kind == k && id.Name == name {
				out[id.Pos()] = true
			}
		}
	}
	return out
}

// dedupeRefs sorts refs and merges those at the same place (macro bodies
// are checked once per call site, on copies with the same positions).
func dedupeRefs(refs []ref) []ref {
	sort.SliceStable(refs, func(i, j int) bool { return refs[i].pos < refs[j].pos })
	out := refs[:0]
	for _, r := range refs {
		if n := len(out); n > 0 && out[n-1].pos == r.pos {
			out[n-1].write = out[n-1].write || r.write
			continue
		}
		out = append(out, r)
	}
	return out
}

// symbolFor finds the symbol at pos, in the AST or in a #define line.
func symbolFor(ctx context.Context, snap *Snapshot, pos token.Pos) (*symbol, *lang.Unit, error) {
	u, err := snap.Checked(ctx)
	if err != nil {
		return nil, nil, err
	}
	if sym := symbolAt(u, pos); sym != nil {
		return sym, u, nil
	}
	return defineAtText(u, pos), u, nil
}

// ---------------------------------------------------------------------------
// Requests

func definitionRequest(ctx context.Context, snap *Snapshot, p *positionParams) ([]protocol.Location, error) {
	return Definition(ctx, snap, snap.Mapper.Pos(p.Position))
}

// Definition returns where the map, variable, macro or #define under pos
// is defined: a map's declaration (let @m = ...) or first write, a
// variable's let or first assignment, a macro's declarations.
func Definition(ctx context.Context, snap *Snapshot, pos token.Pos) ([]protocol.Location, error) {
	sym, _, err := symbolFor(ctx, snap, pos)
	if err != nil || sym == nil {
		return nil, err
	}
	locs := []protocol.Location{}
	for _, d := range sym.decls {
		locs = append(locs, protocol.Location{URI: snap.URI, Range: snap.Mapper.Range(d.pos, d.end)})
	}
	return locs, nil
}

type referenceParams struct {
	protocol.ReferenceParams
}

func (p *referenceParams) document() protocol.DocumentURI { return p.TextDocument.URI }

func referencesRequest(ctx context.Context, snap *Snapshot, p *referenceParams) ([]protocol.Location, error) {
	return References(ctx, snap, snap.Mapper.Pos(p.Position), p.Context.IncludeDeclaration)
}

// References returns every occurrence of the symbol under pos, its
// definitions only if includeDecl.
func References(ctx context.Context, snap *Snapshot, pos token.Pos, includeDecl bool) ([]protocol.Location, error) {
	sym, _, err := symbolFor(ctx, snap, pos)
	if err != nil || sym == nil {
		return nil, err
	}
	decl := map[token.Pos]bool{}
	for _, d := range sym.decls {
		decl[d.pos] = true
	}
	locs := []protocol.Location{}
	for _, r := range sym.refs {
		if !includeDecl && decl[r.pos] {
			continue
		}
		locs = append(locs, protocol.Location{URI: snap.URI, Range: snap.Mapper.Range(r.pos, r.end)})
	}
	return locs, nil
}

func highlightRequest(ctx context.Context, snap *Snapshot, p *positionParams) ([]protocol.DocumentHighlight, error) {
	return Highlight(ctx, snap, snap.Mapper.Pos(p.Position))
}

// Highlight returns the occurrences of the symbol under pos, writes and
// reads told apart for maps and variables.
func Highlight(ctx context.Context, snap *Snapshot, pos token.Pos) ([]protocol.DocumentHighlight, error) {
	sym, _, err := symbolFor(ctx, snap, pos)
	if err != nil || sym == nil {
		return nil, err
	}
	out := []protocol.DocumentHighlight{}
	for _, r := range sym.refs {
		kind := protocol.DocumentHighlightKindText
		if sym.kind == symMap || sym.kind == symVar {
			kind = protocol.DocumentHighlightKindRead
			if r.write {
				kind = protocol.DocumentHighlightKindWrite
			}
		}
		out = append(out, protocol.DocumentHighlight{Range: snap.Mapper.Range(r.pos, r.end), Kind: kind})
	}
	return out, nil
}

type prepareRenameParams struct {
	protocol.PrepareRenameParams
}

func (p *prepareRenameParams) document() protocol.DocumentURI { return p.TextDocument.URI }

func prepareRenameRequest(ctx context.Context, snap *Snapshot, p *prepareRenameParams) (*protocol.Range, error) {
	return PrepareRename(ctx, snap, snap.Mapper.Pos(p.Position))
}

// PrepareRename returns the range of the symbol under pos if it can be
// renamed, and nil otherwise.
func PrepareRename(ctx context.Context, snap *Snapshot, pos token.Pos) (*protocol.Range, error) {
	sym, _, err := symbolFor(ctx, snap, pos)
	if err != nil || sym == nil {
		return nil, err
	}
	for _, r := range sym.refs {
		if r.contains(pos) {
			rng := snap.Mapper.Range(r.pos, r.end)
			return &rng, nil
		}
	}
	return nil, nil
}

type renameParams struct {
	protocol.RenameParams
}

func (p *renameParams) document() protocol.DocumentURI { return p.TextDocument.URI }

func renameRequest(ctx context.Context, snap *Snapshot, p *renameParams) (*protocol.WorkspaceEdit, error) {
	return Rename(ctx, snap, snap.Mapper.Pos(p.Position), p.NewName)
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Rename renames the map, variable, macro or #define under pos
// everywhere in the document. The new name may be given with or without
// its sigil ("@bytes" or "bytes" for a map).
func Rename(ctx context.Context, snap *Snapshot, pos token.Pos, newName string) (*protocol.WorkspaceEdit, error) {
	sym, u, err := symbolFor(ctx, snap, pos)
	if err != nil {
		return nil, err
	}
	if sym == nil {
		return nil, errors.New("there is no map, variable or macro here to rename")
	}
	text, err := validName(u, sym, newName)
	if err != nil {
		return nil, err
	}
	edits := make([]protocol.TextEdit, 0, len(sym.refs))
	for _, r := range sym.refs {
		edits = append(edits, protocol.TextEdit{Range: snap.Mapper.Range(r.pos, r.end), NewText: text})
	}
	return &protocol.WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{snap.URI: edits}}, nil
}

// validName checks a new name and returns it as it is written in the
// source (with the sigil of maps and variables).
func validName(u *lang.Unit, sym *symbol, newName string) (string, error) {
	sigil := ""
	switch sym.kind {
	case symMap:
		sigil = "@"
	case symVar:
		sigil = "$"
	}
	name := strings.TrimPrefix(newName, sigil)
	if !identRE.MatchString(name) {
		return "", errors.New("invalid name " + newName)
	}
	text := sigil + name
	switch sym.kind {
	case symMap:
		if u.Prog.Maps[text] != nil {
			return "", errors.New("the program already has a map " + text)
		}
	case symVar:
		for _, other := range uniqueVars(u) {
			if other.Name == name && other.Probe == sym.v.Probe {
				return "", errors.New("the probe already has a variable " + text)
			}
		}
	case symMacro, symDefine:
		if _, ok := builtins.Lookup(name); ok {
			return "", errors.New(name + " is a builtin")
		}
		if len(u.Prog.Macros[name]) > 0 {
			return "", errors.New("the program already has a macro " + name)
		}
	}
	return text, nil
}
