package lsp

import (
	"context"
	"sort"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
	"github.com/bt-tools/bt/lsp/internal/protocol"
)

type inlayHintParams struct {
	protocol.InlayHintParams
}

func (p *inlayHintParams) document() protocol.DocumentURI { return p.TextDocument.URI }

func inlayHintRequest(ctx context.Context, snap *Snapshot, p *inlayHintParams) ([]protocol.InlayHint, error) {
	return InlayHints(ctx, snap, p.Range)
}

// InlayHints shows the types the checker inferred where nothing in the
// source says them: after the first write of each map (not declared with
// a type), its key and value types; after the first assignment of each
// variable not declared with a type, its type.
func InlayHints(ctx context.Context, snap *Snapshot, rng protocol.Range) ([]protocol.InlayHint, error) {
	u, err := snap.Checked(ctx)
	if err != nil {
		return nil, err
	}
	from, to := snap.Mapper.OffsetRange(rng)
	in := func(p token.Pos) bool { off := int(p) - 1; return from <= off && off <= to }
	out := []protocol.InlayHint{}
	add := func(at token.Pos, label string) {
		if in(at) {
			out = append(out, protocol.InlayHint{
				Position: snap.Mapper.PosPosition(at), Label: label,
				Kind: protocol.InlayHintKindType, PaddingLeft: false,
			})
		}
	}
	if u.Prog == nil {
		return out, nil
	}
	for _, m := range u.Prog.MapOrder {
		if m.First == nil || types.IsInvalid(m.Value) {
			continue
		}
		add(mapTargetEnd(u.AST, m.First), ": "+mapTypeLabel(m.Key, m.Value, m.Scalar))
	}
	for _, v := range uniqueVars(u) {
		if v.Decl == nil || types.IsInvalid(v.Type) || v.Let && hasTypeAnnotation(u.AST, v.Decl) {
			continue
		}
		add(v.Decl.End(), ": "+v.Type.String())
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Position, out[j].Position
		return a.Line < b.Line || a.Line == b.Line && a.Character < b.Character
	})
	return out, nil
}

// mapTypeLabel spells a map's type: "uint64" for a scalar map,
// "[uint32]uint64" for a keyed one.
func mapTypeLabel(key, value types.Type, scalar bool) string {
	if scalar || key == nil {
		return typeString(value)
	}
	return "[" + keyString(key) + "]" + typeString(value)
}

// mapTargetEnd returns where a hint about a map goes: after the whole
// access (@m[k]) when the map is accessed with keys, after the map itself
// otherwise.
func mapTargetEnd(f *ast.File, m *ast.MapExpr) token.Pos {
	path := pathAt(f, m.Pos())
	for i := len(path) - 1; i > 0; i-- {
		if acc, ok := path[i].(*ast.MapAccess); ok && acc.Map == m && acc.Rbrack.IsValid() {
			return acc.End()
		}
	}
	return m.End()
}

// hasTypeAnnotation reports whether the let that declares v says its type.
func hasTypeAnnotation(f *ast.File, v *ast.VarExpr) bool {
	path := pathAt(f, v.Pos())
	if let, _ := innermost[*ast.LetStmt](path); let != nil && let.Var == v {
		return let.Type != nil
	}
	return false
}
