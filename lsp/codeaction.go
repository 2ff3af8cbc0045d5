package lsp

import (
	"context"
	"slices"

	"github.com/bt-tools/bt/lsp/internal/protocol"
)

type codeActionParams struct {
	protocol.CodeActionParams
}

func (p *codeActionParams) document() protocol.DocumentURI { return p.TextDocument.URI }

func codeActionRequest(ctx context.Context, snap *Snapshot, p *codeActionParams) ([]protocol.CodeAction, error) {
	if len(p.Context.Only) > 0 && !slices.Contains(p.Context.Only, protocol.QuickFix) {
		return []protocol.CodeAction{}, nil
	}
	return CodeActions(ctx, snap, p.Range)
}

// CodeActions returns a quick fix for each fix of each diagnostic (the
// front end's or the linter's) that touches rng.
func CodeActions(ctx context.Context, snap *Snapshot, rng protocol.Range) ([]protocol.CodeAction, error) {
	list, err := snap.Diagnostics(ctx)
	if err != nil {
		return nil, err
	}
	from, to := snap.Mapper.OffsetRange(rng)
	out := []protocol.CodeAction{}
	for _, d := range list {
		pos, end := int(d.Pos)-1, int(d.End)-1
		if len(d.Fixes) == 0 || end < from || pos > to {
			continue
		}
		pd := toProtocolDiagnostic(snap, d)
		for i, fix := range d.Fixes {
			edits := make([]protocol.TextEdit, 0, len(fix.Edits))
			for _, e := range fix.Edits {
				edits = append(edits, protocol.TextEdit{Range: snap.Mapper.Range(e.Pos, e.End), NewText: e.NewText})
			}
			out = append(out, protocol.CodeAction{
				Title:       fix.Message,
				Kind:        protocol.QuickFix,
				Diagnostics: []protocol.Diagnostic{pd},
				IsPreferred: i == 0 && len(d.Fixes) == 1,
				Edit:        &protocol.WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{snap.URI: edits}},
			})
		}
	}
	return out, nil
}
