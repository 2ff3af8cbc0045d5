package lsp

import (
	"bytes"
	"context"
	"errors"
	"unicode/utf8"

	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lsp/internal/protocol"
)

type formattingParams struct {
	protocol.DocumentFormattingParams
}

func (p *formattingParams) document() protocol.DocumentURI { return p.TextDocument.URI }

func formattingRequest(ctx context.Context, snap *Snapshot, p *formattingParams) ([]protocol.TextEdit, error) {
	return Format(ctx, snap)
}

// Format formats the document with the formatter (fmt/) and returns the
// edit that makes the change: the differing middle of the document, so
// that the editor keeps the cursor and the marks outside it. A program
// that does not parse is not formatted.
func Format(ctx context.Context, snap *Snapshot) ([]protocol.TextEdit, error) {
	if snap.env.format == nil {
		return nil, errors.New("formatting is not available")
	}
	out, err := snap.env.format(snap.filename(), snap.Src)
	if err != nil {
		var l diag.List
		if errors.As(err, &l) && len(l) > 0 {
			p := snap.Mapper.PosPosition(l[0].Pos)
			return nil, errorf("cannot format: line %d: %s", p.Line+1, l[0].Message)
		}
		return nil, errorf("cannot format: %v", err)
	}
	edits := []protocol.TextEdit{}
	if e, ok := diffEdit(snap, out); ok {
		edits = append(edits, e)
	}
	return edits, nil
}

// diffEdit returns one edit that turns the snapshot's text into after:
// the text between their common prefix and suffix, cut at character
// boundaries. ok is false when they are equal.
func diffEdit(snap *Snapshot, after []byte) (protocol.TextEdit, bool) {
	before := snap.Src
	if bytes.Equal(before, after) {
		return protocol.TextEdit{}, false
	}
	pre := 0
	for pre < len(before) && pre < len(after) && before[pre] == after[pre] {
		pre++
	}
	// Cut at a character boundary, and never between "\r" and "\n":
	// a position there is the end of the line for the protocol.
	for pre > 0 && (pre < len(before) && !utf8.RuneStart(before[pre]) || before[pre-1] == '\r') {
		pre--
	}
	suf := 0
	for suf < len(before)-pre && suf < len(after)-pre && before[len(before)-1-suf] == after[len(after)-1-suf] {
		suf++
	}
	for suf > 0 && (!utf8.RuneStart(before[len(before)-suf]) ||
		before[len(before)-suf] == '\n' && len(before)-suf > 0 && before[len(before)-suf-1] == '\r') {
		suf--
	}
	from, to := token.Pos(pre+1), token.Pos(len(before)-suf+1)
	return protocol.TextEdit{
		Range:   snap.Mapper.Range(from, to),
		NewText: string(after[pre : len(after)-suf]),
	}, true
}
