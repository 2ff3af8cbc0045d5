package ast

// Inspect traverses the tree in depth-first order: it calls f(n); if f
// returns true, Inspect visits n's children, then calls f(nil).
func Inspect(n Node, f func(Node) bool) {
	if n == nil || isNilNode(n) || !f(n) {
		return
	}
	for _, c := range Children(n) {
		Inspect(c, f)
	}
	f(nil)
}

// isNilNode catches typed nils stored in interfaces (an absent *Block).
func isNilNode(n Node) bool {
	switch n := n.(type) {
	case *Block:
		return n == nil
	case *IfExpr:
		return n == nil
	case *TypeExpr:
		return n == nil
	case *Predicate:
		return n == nil
	case *Ident:
		return n == nil
	case *StringLit:
		return n == nil
	case *MapExpr:
		return n == nil
	case *VarExpr:
		return n == nil
	case *TypeofExpr:
		return n == nil
	case *IntLit:
		return n == nil
	}
	return false
}

// Children returns the direct children of n in source order.
func Children(n Node) []Node {
	var out []Node
	add := func(ns ...Node) {
		for _, c := range ns {
			if c != nil && !isNilNode(c) {
				out = append(out, c)
			}
		}
	}
	switch n := n.(type) {
	case *File:
		if n.Shebang != nil {
			add(n.Shebang)
		}
		for _, d := range n.Decls {
			add(d)
		}
	case *ConfigDecl:
		for _, e := range n.Entries {
			add(e)
		}
	case *ConfigEntry:
		add(n.Name, n.Value)
	case *ImportDecl:
		add(n.Path)
	case *MapDecl:
		add(n.Map, n.Kind, n.Size)
	case *MacroDecl:
		add(n.Name)
		for _, p := range n.Params {
			add(p)
		}
		add(n.Body)
	case *FnDecl:
		add(n.Name)
		for _, p := range n.Params {
			add(p)
		}
		add(n.Result, n.Body)
	case *FnParam:
		add(n.Var, n.Type)
	case *Probe:
		for _, a := range n.Attach {
			add(a)
		}
		add(n.Pred, n.Body)
	case *Predicate:
		add(n.Cond)
	case *ExprStmt:
		add(n.X)
	case *AssignStmt:
		add(n.LHS, n.RHS)
	case *LetStmt:
		add(n.Var, n.Type, n.Value)
	case *ForStmt:
		add(n.Var, n.Iter, n.Body)
	case *WhileStmt:
		add(n.Cond, n.Body)
	case *UnrollStmt:
		add(n.Count, n.Body)
	case *ReturnStmt:
		add(n.Result)
	case *MapAccess:
		add(n.Map)
		for _, k := range n.Keys {
			add(k)
		}
	case *CallExpr:
		add(n.Fun)
		for _, a := range n.Args {
			add(a)
		}
	case *BinaryExpr:
		add(n.X, n.Y)
	case *UnaryExpr:
		add(n.X)
	case *IncDecExpr:
		add(n.X)
	case *TernaryExpr:
		add(n.Cond, n.Then, n.Else)
	case *FieldExpr:
		add(n.X, n.Sel)
	case *IndexExpr:
		add(n.X, n.Index)
	case *CastExpr:
		add(n.Type, n.X)
	case *ParenExpr:
		add(n.X)
	case *TupleExpr:
		for _, e := range n.Elems {
			add(e)
		}
	case *RecordExpr:
		for _, f := range n.Fields {
			add(f)
		}
	case *RecordField:
		add(n.Name, n.Value)
	case *SizeofExpr:
		add(n.Arg)
	case *OffsetofExpr:
		add(n.Arg)
		for _, f := range n.Fields {
			add(f)
		}
	case *TypeofExpr:
		add(n.Arg)
	case *ComptimeExpr:
		add(n.X)
	case *IfExpr:
		add(n.Cond, n.Then, n.Else)
	case *Block:
		for _, s := range n.Stmts {
			add(s)
		}
		add(n.Value)
	case *RangeExpr:
		add(n.Lo, n.Hi)
	case *TypeExpr:
		if n.Typeof != nil {
			add(n.Typeof)
		}
		for _, s := range n.Suffixes {
			if s.Len != nil {
				add(s.Len)
			}
		}
	}
	return out
}

// Unparen strips any number of parentheses around x.
func Unparen(x Expr) Expr {
	for {
		p, ok := x.(*ParenExpr)
		if !ok {
			return x
		}
		x = p.X
	}
}
