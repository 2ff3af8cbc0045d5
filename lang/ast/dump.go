package ast

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Dump writes the tree in a canonical text form without positions: one node
// per line, children indented by two spaces. Parentheses (ParenExpr) and
// comments are not part of the dump; integer literals print their spelling,
// which the formatter keeps. The formatter's AST-preservation tests compare
// dumps.
func Dump(w io.Writer, n Node) error {
	d := &dumper{w: w}
	d.node(n, 0)
	return d.err
}

// DumpString returns the dump of n as a string.
func DumpString(n Node) string {
	var b strings.Builder
	_ = Dump(&b, n)
	return b.String()
}

type dumper struct {
	w   io.Writer
	err error
}

func (d *dumper) line(depth int, format string, args ...any) {
	if d.err != nil {
		return
	}
	_, d.err = fmt.Fprintf(d.w, "%s%s\n", strings.Repeat("  ", depth), fmt.Sprintf(format, args...))
}

func (d *dumper) node(n Node, depth int) {
	if n == nil || isNilNode(n) {
		return
	}
	if p, ok := n.(*ParenExpr); ok {
		d.node(p.X, depth)
		return
	}
	d.line(depth, "%s", label(n))
	for _, c := range Children(n) {
		if id, ok := c.(*Ident); ok && skipsIdent(n, id) {
			continue
		}
		d.node(c, depth+1)
	}
}

// skipsIdent reports whether the label of parent already names id.
func skipsIdent(parent Node, id *Ident) bool {
	switch p := parent.(type) {
	case *CallExpr:
		return p.Fun == id
	case *FieldExpr:
		return p.Sel == id
	case *MacroDecl:
		return p.Name == id
	case *FnDecl:
		return p.Name == id
	case *MapDecl:
		return p.Kind == id
	case *ConfigEntry:
		return p.Name == id
	case *RecordField:
		return p.Name == id
	case *OffsetofExpr:
		return true
	}
	return false
}

func label(n Node) string {
	switch n := n.(type) {
	case *File:
		return "File"
	case *Shebang:
		return "Shebang " + strconv.Quote(n.Text)
	case *PreprocDecl:
		return "Preproc " + strconv.Quote(n.Text)
	case *CDecl:
		return "CDecl " + strconv.Quote(n.Text)
	case *ConfigDecl:
		return "Config"
	case *ConfigEntry:
		return "ConfigEntry " + n.Name.Name
	case *ImportDecl:
		return "Import"
	case *MapDecl:
		return "MapDecl " + n.Kind.Name
	case *MacroDecl:
		return "Macro " + n.Name.Name
	case *FnDecl:
		return "Fn " + n.Name.Name
	case *FnParam:
		return "FnParam"
	case *Probe:
		return "Probe"
	case *AttachPoint:
		return "AttachPoint " + strconv.Quote(n.Raw)
	case *Predicate:
		return "Predicate"
	case *BadDecl:
		return "BadDecl"
	case *ExprStmt:
		return "ExprStmt"
	case *AssignStmt:
		return "Assign " + n.Tok.String()
	case *LetStmt:
		return "Let"
	case *ForStmt:
		return "For"
	case *WhileStmt:
		return "While"
	case *UnrollStmt:
		return "Unroll"
	case *BranchStmt:
		return n.Tok.String()
	case *ReturnStmt:
		return "Return"
	case *BadStmt:
		return "BadStmt"
	case *Ident:
		return "Ident " + n.Name
	case *VarExpr:
		return "Var $" + n.Name
	case *MapExpr:
		return "Map @" + n.Name
	case *MapAccess:
		return "MapAccess"
	case *ParamExpr:
		return "Param " + n.Lit
	case *IntLit:
		return "Int " + n.Lit
	case *StringLit:
		return "String " + strconv.Quote(n.Value)
	case *BoolLit:
		return "Bool " + n.String()
	case *CallExpr:
		return "Call " + n.Fun.Name
	case *BinaryExpr:
		return "Binary " + n.Op.String()
	case *UnaryExpr:
		return "Unary " + n.Op.String()
	case *IncDecExpr:
		if n.Post {
			return "Post" + n.Tok.String()
		}
		return "Pre" + n.Tok.String()
	case *TernaryExpr:
		if n.Then == nil {
			return "Elvis"
		}
		return "Ternary"
	case *FieldExpr:
		op := "."
		if n.Arrow {
			op = "->"
		}
		return "Field " + op + n.Sel.Name
	case *IndexExpr:
		return "Index"
	case *CastExpr:
		return "Cast"
	case *TupleExpr:
		return fmt.Sprintf("Tuple %d", len(n.Elems))
	case *RecordExpr:
		return "Record"
	case *RecordField:
		return "RecordField " + n.Name.Name
	case *SizeofExpr:
		return "Sizeof"
	case *OffsetofExpr:
		names := make([]string, len(n.Fields))
		for i, f := range n.Fields {
			names[i] = f.Name
		}
		return "Offsetof " + strings.Join(names, ".")
	case *TypeofExpr:
		if n.Info {
			return "Typeinfo"
		}
		return "Typeof"
	case *ComptimeExpr:
		return "Comptime"
	case *IfExpr:
		return "If"
	case *Block:
		if n.Value != nil {
			return "Block (value)"
		}
		return "Block"
	case *RangeExpr:
		return "Range"
	case *BadExpr:
		return "BadExpr"
	case *TypeExpr:
		return "Type " + n.String()
	}
	return fmt.Sprintf("%T", n)
}
