package lsp

import (
	"context"
	"sort"
	"strings"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lsp/internal/protocol"
)

func foldingRequest(ctx context.Context, snap *Snapshot, p *documentParams) ([]protocol.FoldingRange, error) {
	return FoldingRanges(ctx, snap)
}

// FoldingRanges returns the foldable regions: blocks (probe bodies, if,
// loops, macros, the config block, C definitions) that span lines, block
// comments and runs of line comments, and runs of # lines.
func FoldingRanges(ctx context.Context, snap *Snapshot) ([]protocol.FoldingRange, error) {
	u, err := snap.Parsed(ctx)
	if err != nil {
		return nil, err
	}
	f := &folder{snap: snap}
	ast.Inspect(u.AST, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Block:
			f.braces(n.Lbrace, n.Rbrace, "")
		case *ast.ConfigDecl:
			f.braces(n.Lbrace, n.Rbrace, "")
		case *ast.CDecl:
			f.add(n.Pos(), n.End(), "")
		}
		return true
	})
	f.comments(u.AST.Comments)
	f.preproc(u.AST.Decls)
	sort.SliceStable(f.out, func(i, j int) bool {
		a, b := f.out[i], f.out[j]
		return a.StartLine < b.StartLine || a.StartLine == b.StartLine && a.EndLine > b.EndLine
	})
	return f.out, nil
}

type folder struct {
	snap *Snapshot
	out  []protocol.FoldingRange
}

// braces folds { ... }: from the line of '{' to the line before '}', so
// that the closing brace stays visible, as editors fold code.
func (f *folder) braces(l, r token.Pos, kind protocol.FoldingRangeKind) {
	if !l.IsValid() || !r.IsValid() || r <= l {
		return
	}
	start, end := f.snap.Mapper.PosPosition(l), f.snap.Mapper.PosPosition(r)
	if end.Line <= start.Line+1 {
		return
	}
	f.out = append(f.out, protocol.FoldingRange{StartLine: start.Line, EndLine: end.Line - 1, Kind: kind})
}

// add folds the lines of [pos, end).
func (f *folder) add(pos, end token.Pos, kind protocol.FoldingRangeKind) {
	start, stop := f.snap.Mapper.PosPosition(pos), f.snap.Mapper.PosPosition(end)
	if stop.Line <= start.Line {
		return
	}
	f.out = append(f.out, protocol.FoldingRange{StartLine: start.Line, EndLine: stop.Line, Kind: kind})
}

// comments folds block comments and runs of line comments on
// consecutive lines.
func (f *folder) comments(cs []*ast.Comment) {
	for i := 0; i < len(cs); i++ {
		if cs[i].IsBlock() {
			f.add(cs[i].Pos(), cs[i].End(), protocol.CommentFoldingRange)
			continue
		}
		j := i
		for j+1 < len(cs) && !cs[j+1].IsBlock() &&
			f.line(cs[j+1].Pos()) == f.line(cs[j].Pos())+1 && f.startsLine(cs[j+1]) {
			j++
		}
		if j > i && f.startsLine(cs[i]) {
			f.add(cs[i].Pos(), cs[j].Pos(), protocol.CommentFoldingRange)
		}
		i = j
	}
}

// startsLine reports whether only blanks precede a comment on its line.
func (f *folder) startsLine(c *ast.Comment) bool {
	off := int(c.Pos()) - 1
	for off > 0 && (f.snap.Src[off-1] == ' ' || f.snap.Src[off-1] == '\t') {
		off--
	}
	return off == 0 || f.snap.Src[off-1] == '\n' || f.snap.Src[off-1] == '\r'
}

// preproc folds runs of # lines (#include blocks, #define tables).
func (f *folder) preproc(decls []ast.Decl) {
	for i := 0; i < len(decls); i++ {
		first, ok := decls[i].(*ast.PreprocDecl)
		if !ok {
			continue
		}
		last := first
		for i+1 < len(decls) {
			next, ok := decls[i+1].(*ast.PreprocDecl)
			if !ok || f.line(next.Pos()) != f.line(last.Pos())+1 {
				break
			}
			last = next
			i++
		}
		if last != first {
			kind := protocol.RegionFoldingRange
			if strings.HasPrefix(first.Text, "#include") {
				kind = protocol.ImportsFoldingRange
			}
			f.add(first.Pos(), last.Pos(), kind)
		}
	}
}

func (f *folder) line(p token.Pos) uint32 { return f.snap.Mapper.PosPosition(p).Line }
