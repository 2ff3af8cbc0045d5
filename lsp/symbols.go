package lsp

import (
	"context"
	"sort"
	"strings"

	"github.com/bt-tools/bt/lang"
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lsp/internal/protocol"
)

type documentParams struct {
	TextDocument protocol.TextDocumentIdentifier `json:"textDocument"`
}

func (p *documentParams) document() protocol.DocumentURI { return p.TextDocument.URI }

func symbolsRequest(ctx context.Context, snap *Snapshot, p *documentParams) ([]any, error) {
	syms, err := DocumentSymbols(ctx, snap)
	if err != nil {
		return nil, err
	}
	out := []any{}
	if snap.env.client.hierarchicalSyms {
		for _, s := range syms {
			out = append(out, s)
		}
		return out, nil
	}
	for _, s := range flatten(snap.URI, syms, "") {
		out = append(out, s)
	}
	return out, nil
}

// DocumentSymbols outlines the document: the config block and its keys,
// #define and #include lines, C definitions, map declarations, macros,
// fns, and the probes with the maps and variables they introduce.
func DocumentSymbols(ctx context.Context, snap *Snapshot) ([]protocol.DocumentSymbol, error) {
	u, err := snap.Checked(ctx)
	if err != nil {
		return nil, err
	}
	o := &outliner{snap: snap, u: u, firstWrite: firstMapWrites(u)}
	var out []protocol.DocumentSymbol
	for _, d := range u.AST.Decls {
		if s, ok := o.decl(d); ok {
			out = append(out, s)
		}
	}
	return out, nil
}

type outliner struct {
	snap       *Snapshot
	u          *lang.Unit
	firstWrite map[token.Pos]string // map name by the position of its first write
}

// firstMapWrites indexes the maps by the position of their first write,
// to list each map under the probe that introduces it.
func firstMapWrites(u *lang.Unit) map[token.Pos]string {
	out := map[token.Pos]string{}
	if u.Prog == nil {
		return out
	}
	for _, m := range u.Prog.MapOrder {
		if m.Decl == nil && m.First != nil {
			out[m.First.Pos()] = m.Name
		}
	}
	return out
}

func (o *outliner) sym(name, detail string, kind protocol.SymbolKind, n ast.Node, sel ast.Node) protocol.DocumentSymbol {
	if sel == nil {
		sel = n
	}
	return protocol.DocumentSymbol{
		Name: name, Detail: detail, Kind: kind,
		Range:          o.snap.Mapper.Range(n.Pos(), n.End()),
		SelectionRange: o.snap.Mapper.Range(sel.Pos(), sel.End()),
	}
}

func (o *outliner) decl(d ast.Decl) (protocol.DocumentSymbol, bool) {
	switch d := d.(type) {
	case *ast.ConfigDecl:
		return o.config(d), true
	case *ast.PreprocDecl:
		return o.preproc(d)
	case *ast.CDecl:
		head, _, _ := strings.Cut(d.Text, "{")
		return o.sym(strings.Join(strings.Fields(head), " "), "", protocol.SymbolKindStruct, d, nil), true
	case *ast.MapDecl:
		detail := ""
		if d.Kind != nil {
			detail = o.u.Tok.Text(d.Kind.Pos(), d.End())
		}
		return o.sym("@"+d.Map.Name, strings.TrimSuffix(detail, ";"), protocol.SymbolKindVariable, d, d.Map), true
	case *ast.MacroDecl:
		return o.callable(d, d.Name, d.Body)
	case *ast.FnDecl:
		return o.callable(d, d.Name, d.Body)
	case *ast.Probe:
		return o.probe(d)
	}
	return protocol.DocumentSymbol{}, false
}

func (o *outliner) config(d *ast.ConfigDecl) protocol.DocumentSymbol {
	s := o.sym("config", "", protocol.SymbolKindNamespace, d, nil)
	for _, e := range d.Entries {
		val := ""
		if e.Value != nil {
			val = o.u.Tok.Text(e.Value.Pos(), e.Value.End())
		}
		s.Children = append(s.Children, o.sym(e.Name.Name, val, protocol.SymbolKindProperty, e, e.Name))
	}
	return s
}

// callable outlines a macro or a fn, with the variables of its body.
func (o *outliner) callable(d ast.Node, name *ast.Ident, body *ast.Block) (protocol.DocumentSymbol, bool) {
	if name == nil {
		return protocol.DocumentSymbol{}, false
	}
	s := o.sym(name.Name, o.headerAfterName(name, body), protocol.SymbolKindFunction, d, name)
	s.Children = o.body(body)
	return s, true
}

// probe outlines a probe by its attach points, with its predicate as the
// detail and the maps and variables of its body.
func (o *outliner) probe(d *ast.Probe) (protocol.DocumentSymbol, bool) {
	if len(d.Attach) == 0 {
		return protocol.DocumentSymbol{}, false
	}
	var names []string
	for _, a := range d.Attach {
		names = append(names, a.Raw)
	}
	detail := ""
	if d.Pred != nil {
		detail = strings.Join(strings.Fields(o.u.Tok.Text(d.Pred.Pos(), d.Pred.End())), " ")
	}
	last := d.Attach[len(d.Attach)-1]
	s := o.sym(strings.Join(names, ", "), detail, protocol.SymbolKindEvent, d, nil)
	s.SelectionRange = o.snap.Mapper.Range(d.Attach[0].Pos(), last.End())
	s.Children = o.body(d.Body)
	return s, true
}

// preproc outlines #define (by name) and #include lines.
func (o *outliner) preproc(d *ast.PreprocDecl) (protocol.DocumentSymbol, bool) {
	fields := strings.Fields(strings.TrimPrefix(d.Text, "#"))
	if len(fields) < 2 {
		return protocol.DocumentSymbol{}, false
	}
	switch fields[0] {
	case "define":
		name, _, _ := strings.Cut(fields[1], "(")
		s := o.sym(name, strings.Join(fields[2:], " "), protocol.SymbolKindConstant, d, nil)
		if i := strings.Index(d.Text, name); i >= 0 {
			p := d.Pos() + token.Pos(i)
			s.SelectionRange = o.snap.Mapper.Range(p, p+token.Pos(len(name)))
		}
		return s, true
	case "include":
		return o.sym("#include "+strings.Join(fields[1:], " "), "", protocol.SymbolKindFile, d, nil), true
	}
	return protocol.DocumentSymbol{}, false
}

func (o *outliner) headerAfterName(name *ast.Ident, body *ast.Block) string {
	end := name.End()
	if body != nil && body.Pos().IsValid() {
		end = body.Pos()
	}
	return strings.Join(strings.Fields(o.u.Tok.Text(name.End(), end)), " ")
}

// body lists the maps first written and the variables introduced in a
// block, in source order.
func (o *outliner) body(b *ast.Block) []protocol.DocumentSymbol {
	if b == nil {
		return nil
	}
	var out []protocol.DocumentSymbol
	seenVar := map[string]bool{}
	ast.Inspect(b, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.MapExpr:
			if name, ok := o.firstWrite[n.Pos()]; ok {
				detail := ""
				if m := o.u.Prog.Maps[name]; m != nil {
					detail = mapTypeLabel(m.Key, m.Value, m.Scalar)
				}
				out = append(out, o.sym(name, detail, protocol.SymbolKindVariable, n, nil))
			}
		case *ast.LetStmt:
			if n.Var != nil && !seenVar[n.Var.Name] {
				seenVar[n.Var.Name] = true
				out = append(out, o.sym("$"+n.Var.Name, o.varType(n.Var), protocol.SymbolKindVariable, n, n.Var))
			}
		case *ast.AssignStmt:
			if v, ok := n.LHS.(*ast.VarExpr); ok && !seenVar[v.Name] {
				seenVar[v.Name] = true
				out = append(out, o.sym("$"+v.Name, o.varType(v), protocol.SymbolKindVariable, n, v))
			}
		}
		return true
	})
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].SelectionRange.Start, out[j].SelectionRange.Start
		return a.Line < b.Line || a.Line == b.Line && a.Character < b.Character
	})
	return out
}

func (o *outliner) varType(v *ast.VarExpr) string {
	if o.u.Prog == nil {
		return ""
	}
	if sv, ok := lookup(views(o.u, pathAt(o.u.AST, v.Pos())), v, varOf); ok {
		return typeString(sv.Type)
	}
	return ""
}

// flatten turns a symbol tree into the flat list of clients without
// hierarchical symbols.
func flatten(uri protocol.DocumentURI, syms []protocol.DocumentSymbol, container string) []protocol.SymbolInformation {
	var out []protocol.SymbolInformation
	for _, s := range syms {
		out = append(out, protocol.SymbolInformation{
			Name: s.Name, Kind: s.Kind, ContainerName: container,
			Location: protocol.Location{URI: uri, Range: s.Range},
		})
		out = append(out, flatten(uri, s.Children, s.Name)...)
	}
	return out
}
