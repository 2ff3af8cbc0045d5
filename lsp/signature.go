package lsp

import (
	"context"
	"strings"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/builtins"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lsp/internal/protocol"
)

type signatureParams struct {
	protocol.SignatureHelpParams
}

func (p *signatureParams) document() protocol.DocumentURI { return p.TextDocument.URI }

func signatureHelpRequest(ctx context.Context, snap *Snapshot, p *signatureParams) (*protocol.SignatureHelp, error) {
	return SignatureHelp(ctx, snap, snap.Mapper.Pos(p.Position))
}

// SignatureHelp shows the signature of the call whose parentheses hold
// pos: a builtin's from the builtins table (both overloads when it has
// two), or a macro's, with the parameter under the cursor active.
func SignatureHelp(ctx context.Context, snap *Snapshot, pos token.Pos) (*protocol.SignatureHelp, error) {
	u, err := snap.Parsed(ctx)
	if err != nil {
		return nil, err
	}
	call := callAt(pathAt(u.AST, pos), pos)
	if call == nil {
		return nil, nil
	}
	arg := argIndex(snap.Src, call, pos)
	var sigs []protocol.SignatureInformation
	if decls := macrosOf(u.AST, call.Fun.Name); len(decls) > 0 {
		for _, d := range decls {
			var params []string
			for _, p := range d.Params {
				params = append(params, u.Tok.Text(p.Pos(), p.End()))
			}
			sigs = append(sigs, signature(snap, d.Name.Name+"("+strings.Join(params, ", ")+")", params, false, ""))
		}
	} else if b, ok := builtins.Lookup(call.Fun.Name); ok && b.Kind != builtins.Var || ok && len(b.Params) > 0 {
		sigs = append(sigs, signature(snap, b.Signature, paramNames(b.Params), b.Variadic, b.Doc))
		if len(b.AltParams) > 0 {
			alt := b.Name + "(" + strings.Join(paramNames(b.AltParams), ", ") + ")"
			sigs = append(sigs, signature(snap, alt, paramNames(b.AltParams), false, b.Doc))
		}
	}
	if len(sigs) == 0 {
		return nil, nil
	}
	active := 0
	for i, s := range sigs {
		if arg < len(s.Parameters) || s.Parameters == nil && arg == 0 {
			active = i
			break
		}
	}
	return &protocol.SignatureHelp{Signatures: sigs, ActiveSignature: uint32(active), ActiveParameter: uint32(arg)}, nil
}

// callAt returns the innermost call whose parentheses hold pos.
func callAt(path []ast.Node, pos token.Pos) *ast.CallExpr {
	for i := len(path) - 1; i >= 0; i-- {
		if c, ok := path[i].(*ast.CallExpr); ok && c.Lparen.IsValid() && c.Lparen < pos &&
			(!c.Rparen.IsValid() || c.Rparen <= c.Lparen || pos <= c.Rparen) {
			return c
		}
	}
	return nil
}

// argIndex returns the index of the argument of call that pos is in: the
// number of commas between the parentheses, outside nested brackets,
// strings and comments.
func argIndex(src []byte, call *ast.CallExpr, pos token.Pos) int {
	n, depth := 0, 0
	end := min(int(pos)-1, len(src))
	for i := int(call.Lparen); i < end; i++ {
		switch c := src[i]; c {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case ',':
			if depth == 0 {
				n++
			}
		case '"':
			for i++; i < end && src[i] != '"'; i++ {
				if src[i] == '\\' {
					i++
				}
			}
		case '/':
			if i+1 < end && src[i+1] == '/' {
				for i < end && src[i] != '\n' {
					i++
				}
			} else if i+1 < end && src[i+1] == '*' {
				for i += 2; i+1 < end && !(src[i] == '*' && src[i+1] == '/'); i++ {
				}
				i++
			}
		}
	}
	return n
}

func paramNames(params []builtins.Param) []string {
	names := make([]string, len(params))
	for i, p := range params {
		names[i] = p.Name
	}
	return names
}

// signature builds a SignatureInformation; parameters are given as
// [start, end) offsets into the label (in UTF-16 code units) when the
// client takes them, found by name from left to right.
func signature(snap *Snapshot, label string, params []string, variadic bool, doc string) protocol.SignatureInformation {
	si := protocol.SignatureInformation{Label: label}
	if doc != "" {
		si.Documentation = protocol.MarkupContent{Kind: protocol.Markdown, Value: doc}
	}
	from := strings.Index(label, "(") + 1
	for _, name := range params {
		pi := protocol.ParameterInformation{Label: name}
		if i := indexWord(label, name, from); i >= 0 {
			if snap.env.client.labelOffsets {
				start := UTF16Len(label[:i])
				pi.Label = [2]uint32{uint32(start), uint32(start + UTF16Len(name))}
			}
			from = i + len(name)
		}
		si.Parameters = append(si.Parameters, pi)
	}
	if variadic {
		si.Parameters = append(si.Parameters, protocol.ParameterInformation{Label: "..."})
	}
	return si
}

// indexWord finds name in s at or after from, as a whole word.
func indexWord(s, name string, from int) int {
	for from <= len(s) {
		i := strings.Index(s[from:], name)
		if i < 0 {
			return -1
		}
		i += from
		before := i == 0 || !isIdentByte(s[i-1])
		after := i+len(name) == len(s) || !isIdentByte(s[i+len(name)])
		if before && after {
			return i
		}
		from = i + 1
	}
	return -1
}

// macrosOf returns the macro declarations of a name.
func macrosOf(f *ast.File, name string) []*ast.MacroDecl {
	var out []*ast.MacroDecl
	for _, d := range f.Decls {
		if m, ok := d.(*ast.MacroDecl); ok && m.Name != nil && m.Name.Name == name {
			out = append(out, m)
		}
	}
	return out
}
