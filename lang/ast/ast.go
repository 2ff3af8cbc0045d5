// Package ast declares the syntax tree of bpftrace programs of both language
// eras (0.17 and 0.26): every node carries its span and the positions of its
// punctuation, and the file keeps every comment, so that the formatter can
// reproduce the source and the language server can point into it.
//
// The tree is syntax only. Attach points are kept as raw text (lang/probes
// parses them); types, scopes and resolved names live in lang/sema.
package ast

import (
	"github.com/bt-tools/bt/lang/token"
)

// Node is any node of the tree. End is the position of the first byte
// after the node.
type Node interface {
	Pos() token.Pos
	End() token.Pos
}

// Expr is an expression.
type Expr interface {
	Node
	exprNode()
}

// Stmt is a statement.
type Stmt interface {
	Node
	stmtNode()
}

// Decl is a top-level item: C definitions and # lines, config, imports,
// map declarations, macros, functions and probes.
type Decl interface {
	Node
	declNode()
}

// ---------------------------------------------------------------------------
// Comments and the file

// Comment is a // line comment or a /* block */ comment; Text includes the
// delimiters (and no trailing newline).
type Comment struct {
	Slash token.Pos
	Text  string
}

// Pos returns the position of the comment's first slash.
func (c *Comment) Pos() token.Pos { return c.Slash }

// End returns the position after the comment.
func (c *Comment) End() token.Pos { return c.Slash + token.Pos(len(c.Text)) }

// IsBlock reports whether c is a /* block */ comment.
func (c *Comment) IsBlock() bool { return len(c.Text) > 1 && c.Text[1] == '*' }

// File is a parsed program.
type File struct {
	Shebang  *Shebang // nil if none
	Decls    []Decl   // in source order
	Comments []*Comment
	EOF      token.Pos
}

// Pos returns the start of the file.
func (f *File) Pos() token.Pos { return 1 }

// End returns the end of the file.
func (f *File) End() token.Pos { return f.EOF }

// Probes returns the file's probes in source order.
func (f *File) Probes() []*Probe {
	var ps []*Probe
	for _, d := range f.Decls {
		if p, ok := d.(*Probe); ok {
			ps = append(ps, p)
		}
	}
	return ps
}

// Shebang is a first line "#!...".
type Shebang struct {
	HashPos token.Pos
	Text    string // including "#!", without the newline
}

// Pos returns the start of the line.
func (s *Shebang) Pos() token.Pos { return s.HashPos }

// End returns the end of the line.
func (s *Shebang) End() token.Pos { return s.HashPos + token.Pos(len(s.Text)) }

// ---------------------------------------------------------------------------
// Declarations

type (
	// PreprocDecl is a # line (#include, #define, #ifdef ...), kept verbatim.
	PreprocDecl struct {
		HashPos token.Pos
		Text    string // including "#", without the newline
	}

	// CDecl is a C struct, union or enum definition, kept verbatim.
	CDecl struct {
		StartPos token.Pos
		Text     string
	}

	// ConfigDecl is config = { key = value; ... }.
	ConfigDecl struct {
		Config  token.Pos
		Lbrace  token.Pos
		Entries []*ConfigEntry
		Rbrace  token.Pos
	}

	// ImportDecl is import "path"; at top level or in a block.
	ImportDecl struct {
		Import token.Pos
		Path   *StringLit
		Semi   token.Pos // NoPos if absent
	}

	// MapDecl is let @m = lruhash(N);
	MapDecl struct {
		Let    token.Pos
		Map    *MapExpr
		Kind   *Ident // hash, lruhash, percpuhash, percpulruhash
		Lparen token.Pos
		Size   Expr
		Rparen token.Pos
		Semi   token.Pos // NoPos if absent
	}

	// MacroDecl is macro name(params) { body }.
	MacroDecl struct {
		Macro  token.Pos
		Name   *Ident
		Lparen token.Pos
		Params []Expr    // *VarExpr, *MapExpr or *Ident
		Rparen token.Pos // NoPos for the paren-less form of the stale docs
		Body   *Block
	}

	// FnDecl is fn name($a: T, ...): R { body }.
	FnDecl struct {
		Fn     token.Pos
		Name   *Ident
		Lparen token.Pos
		Params []*FnParam
		Rparen token.Pos
		Result *TypeExpr // nil if omitted
		Body   *Block
	}

	// Probe is attach points, an optional predicate and a body.
	Probe struct {
		Attach []*AttachPoint
		Pred   *Predicate // nil if none
		Body   *Block
	}

	// BadDecl is a top-level item that could not be parsed.
	BadDecl struct {
		From, To token.Pos
	}
)

// ConfigEntry is key = value inside a config block.
type ConfigEntry struct {
	Name   *Ident
	Assign token.Pos
	Value  Expr // *IntLit, *StringLit, *BoolLit or *Ident
	Semi   token.Pos
}

// Pos returns the start of the key.
func (e *ConfigEntry) Pos() token.Pos { return e.Name.Pos() }

// End returns the end of the value (or of the ';').
func (e *ConfigEntry) End() token.Pos {
	if e.Semi.IsValid() {
		return e.Semi + 1
	}
	return e.Value.End()
}

// FnParam is $a: T in a fn declaration.
type FnParam struct {
	Var   *VarExpr
	Colon token.Pos
	Type  *TypeExpr
}

// Pos returns the start of the parameter.
func (p *FnParam) Pos() token.Pos { return p.Var.Pos() }

// End returns the end of its type.
func (p *FnParam) End() token.Pos {
	if p.Type != nil {
		return p.Type.End()
	}
	return p.Var.End()
}

// AttachPoint is one attach point, as written ("kprobe:vfs_read",
// "tracepoint:syscalls:sys_enter_*", "BEGIN"). lang/probes parses Raw.
type AttachPoint struct {
	RawPos token.Pos
	Raw    string
	Comma  token.Pos // the ',' after it, or NoPos
}

// Pos returns the start of the attach point.
func (a *AttachPoint) Pos() token.Pos { return a.RawPos }

// End returns the position after its raw text.
func (a *AttachPoint) End() token.Pos { return a.RawPos + token.Pos(len(a.Raw)) }

// Predicate is /cond/.
type Predicate struct {
	Lslash token.Pos
	Cond   Expr
	Rslash token.Pos
}

// Pos returns the opening slash.
func (p *Predicate) Pos() token.Pos { return p.Lslash }

// End returns the position after the closing slash.
func (p *Predicate) End() token.Pos { return p.Rslash + 1 }

func (d *PreprocDecl) Pos() token.Pos { return d.HashPos }
func (d *PreprocDecl) End() token.Pos { return d.HashPos + token.Pos(len(d.Text)) }
func (d *CDecl) Pos() token.Pos       { return d.StartPos }
func (d *CDecl) End() token.Pos       { return d.StartPos + token.Pos(len(d.Text)) }
func (d *ConfigDecl) Pos() token.Pos  { return d.Config }
func (d *ConfigDecl) End() token.Pos  { return d.Rbrace + 1 }
func (d *ImportDecl) Pos() token.Pos  { return d.Import }
func (d *ImportDecl) End() token.Pos {
	if d.Semi.IsValid() {
		return d.Semi + 1
	}
	return d.Path.End()
}
func (d *MapDecl) Pos() token.Pos { return d.Let }
func (d *MapDecl) End() token.Pos {
	if d.Semi.IsValid() {
		return d.Semi + 1
	}
	return d.Rparen + 1
}
func (d *MacroDecl) Pos() token.Pos { return d.Macro }
func (d *MacroDecl) End() token.Pos { return d.Body.End() }
func (d *FnDecl) Pos() token.Pos    { return d.Fn }
func (d *FnDecl) End() token.Pos    { return d.Body.End() }
func (d *Probe) Pos() token.Pos {
	if len(d.Attach) > 0 {
		return d.Attach[0].Pos()
	}
	return d.Body.Pos()
}
func (d *Probe) End() token.Pos   { return d.Body.End() }
func (d *BadDecl) Pos() token.Pos { return d.From }
func (d *BadDecl) End() token.Pos { return d.To }

func (*PreprocDecl) declNode() {}
func (*CDecl) declNode()       {}
func (*ConfigDecl) declNode()  {}
func (*ImportDecl) declNode()  {}
func (*MapDecl) declNode()     {}
func (*MacroDecl) declNode()   {}
func (*FnDecl) declNode()      {}
func (*Probe) declNode()       {}
func (*BadDecl) declNode()     {}

// ---------------------------------------------------------------------------
// Statements

type (
	// ExprStmt is an expression used as a statement: a call, x++.
	ExprStmt struct {
		X    Expr
		Semi token.Pos // NoPos if the ';' was omitted before '}'
	}

	// AssignStmt is lhs = rhs, lhs op= rhs, or _ = rhs.
	AssignStmt struct {
		LHS    Expr // *VarExpr, *MapExpr, *MapAccess, *Ident "_" (discard), or an invalid target
		TokPos token.Pos
		Tok    token.Token // ASSIGN or a compound assignment
		RHS    Expr
		Semi   token.Pos
	}

	// LetStmt is let $x [: T] [= value];
	LetStmt struct {
		Let    token.Pos
		Var    *VarExpr
		Colon  token.Pos // NoPos if no type annotation
		Type   *TypeExpr // nil if none
		Assign token.Pos // NoPos if no value
		Value  Expr      // nil if none
		Semi   token.Pos
	}

	// ForStmt is for $x : @m { } or for $i : a..b { }.
	ForStmt struct {
		For    token.Pos
		Lparen token.Pos // NoPos if written without parentheses
		Var    *VarExpr
		Colon  token.Pos
		Iter   Expr // *MapExpr or *RangeExpr
		Rparen token.Pos
		Body   *Block
	}

	// WhileStmt is while (cond) { }.
	WhileStmt struct {
		While  token.Pos
		Lparen token.Pos // NoPos if written without parentheses
		Cond   Expr
		Rparen token.Pos
		Body   *Block
	}

	// UnrollStmt is unroll (n) { }.
	UnrollStmt struct {
		Unroll token.Pos
		Lparen token.Pos
		Count  Expr
		Rparen token.Pos
		Body   *Block
	}

	// BranchStmt is break or continue.
	BranchStmt struct {
		TokPos token.Pos
		Tok    token.Token // BREAK or CONTINUE
		Semi   token.Pos
	}

	// ReturnStmt is return [value].
	ReturnStmt struct {
		Return token.Pos
		Result Expr // nil if none
		Semi   token.Pos
	}

	// BadStmt is a statement that could not be parsed.
	BadStmt struct {
		From, To token.Pos
	}
)

func (s *ExprStmt) Pos() token.Pos   { return s.X.Pos() }
func (s *ExprStmt) End() token.Pos   { return endSemi(s.X.End(), s.Semi) }
func (s *AssignStmt) Pos() token.Pos { return s.LHS.Pos() }
func (s *AssignStmt) End() token.Pos { return endSemi(s.RHS.End(), s.Semi) }
func (s *LetStmt) Pos() token.Pos    { return s.Let }
func (s *LetStmt) End() token.Pos {
	end := s.Var.End()
	if s.Value != nil {
		end = s.Value.End()
	} else if s.Type != nil {
		end = s.Type.End()
	}
	return endSemi(end, s.Semi)
}
func (s *ForStmt) Pos() token.Pos    { return s.For }
func (s *ForStmt) End() token.Pos    { return s.Body.End() }
func (s *WhileStmt) Pos() token.Pos  { return s.While }
func (s *WhileStmt) End() token.Pos  { return s.Body.End() }
func (s *UnrollStmt) Pos() token.Pos { return s.Unroll }
func (s *UnrollStmt) End() token.Pos { return s.Body.End() }
func (s *BranchStmt) Pos() token.Pos { return s.TokPos }
func (s *BranchStmt) End() token.Pos {
	return endSemi(s.TokPos+token.Pos(len(s.Tok.String())), s.Semi)
}
func (s *ReturnStmt) Pos() token.Pos { return s.Return }
func (s *ReturnStmt) End() token.Pos {
	end := s.Return + 6
	if s.Result != nil {
		end = s.Result.End()
	}
	return endSemi(end, s.Semi)
}
func (s *BadStmt) Pos() token.Pos { return s.From }
func (s *BadStmt) End() token.Pos { return s.To }

func endSemi(end, semi token.Pos) token.Pos {
	if semi.IsValid() && semi >= end {
		return semi + 1
	}
	return end
}

func (*ExprStmt) stmtNode()   {}
func (*AssignStmt) stmtNode() {}
func (*LetStmt) stmtNode()    {}
func (*ForStmt) stmtNode()    {}
func (*WhileStmt) stmtNode()  {}
func (*UnrollStmt) stmtNode() {}
func (*BranchStmt) stmtNode() {}
func (*ReturnStmt) stmtNode() {}
func (*BadStmt) stmtNode()    {}
func (*ImportDecl) stmtNode() {}

// ---------------------------------------------------------------------------
// Expressions

type (
	// Ident is an identifier: a builtin (pid), a function name, an enum
	// constant, a C macro, a stack mode (perf), a field name.
	Ident struct {
		NamePos token.Pos
		Name    string
	}

	// VarExpr is a scratch variable $name.
	VarExpr struct {
		Dollar token.Pos
		Name   string // without '$'
	}

	// MapExpr is a map @name, or the anonymous map @ (Name "").
	MapExpr struct {
		At   token.Pos
		Name string // without '@'
	}

	// MapAccess is @m[k1, k2, ...] (several keys form a tuple key).
	MapAccess struct {
		Map    *MapExpr
		Lbrack token.Pos
		Keys   []Expr
		Rbrack token.Pos
	}

	// ParamExpr is a positional parameter $1 or the count $#.
	ParamExpr struct {
		Dollar token.Pos
		N      int // 1.., or 0 for $#
		Lit    string
	}

	// IntLit is an integer literal. Value is computed by the parser; Lit
	// keeps the spelling (1_000, 0x10, 1e6, 10ms) for the formatter.
	IntLit struct {
		ValuePos token.Pos
		Lit      string
		Value    uint64
	}

	// StringLit is a string literal. Lit is as written, with quotes.
	StringLit struct {
		ValuePos token.Pos
		Lit      string
		Value    string // unescaped
	}

	// BoolLit is true or false.
	BoolLit struct {
		ValuePos token.Pos
		Value    bool
	}

	// CallExpr is f(args).
	CallExpr struct {
		Fun    *Ident
		Lparen token.Pos
		Args   []Expr
		Rparen token.Pos
	}

	// BinaryExpr is x op y.
	BinaryExpr struct {
		X     Expr
		OpPos token.Pos
		Op    token.Token
		Y     Expr
	}

	// UnaryExpr is op x for ! ~ - * (deref) & (address of).
	UnaryExpr struct {
		OpPos token.Pos
		Op    token.Token
		X     Expr
	}

	// IncDecExpr is x++, x--, ++x or --x.
	IncDecExpr struct {
		X      Expr
		TokPos token.Pos
		Tok    token.Token // INC or DEC
		Post   bool
	}

	// TernaryExpr is cond ? then : else, or cond ?: else (Then nil).
	TernaryExpr struct {
		Cond     Expr
		Question token.Pos
		Then     Expr // nil for the elvis form
		Colon    token.Pos
		Else     Expr
	}

	// FieldExpr is x.f, x->f, or a tuple index x.0.
	FieldExpr struct {
		X     Expr
		OpPos token.Pos
		Arrow bool
		Sel   *Ident // Name "" when the field is missing (x.)
	}

	// IndexExpr is x[i] on arrays, strings, tuples and pointers.
	IndexExpr struct {
		X      Expr
		Lbrack token.Pos
		Index  Expr
		Rbrack token.Pos
	}

	// CastExpr is (type)x.
	CastExpr struct {
		Lparen token.Pos
		Type   *TypeExpr
		Rparen token.Pos
		X      Expr
	}

	// ParenExpr is (x). The AST dump treats it as x, so the formatter may
	// add or drop parentheses without changing the tree.
	ParenExpr struct {
		Lparen token.Pos
		X      Expr
		Rparen token.Pos
	}

	// TupleExpr is (a, b), (a,) or ().
	TupleExpr struct {
		Lparen token.Pos
		Elems  []Expr
		Rparen token.Pos
	}

	// RecordExpr is (a = 1, b = "x").
	RecordExpr struct {
		Lparen token.Pos
		Fields []*RecordField
		Rparen token.Pos
	}

	// SizeofExpr is sizeof(type or expression).
	SizeofExpr struct {
		Sizeof token.Pos
		Lparen token.Pos
		Arg    Node // *TypeExpr or Expr
		Rparen token.Pos
	}

	// OffsetofExpr is offsetof(type or expression, f.g).
	OffsetofExpr struct {
		Offsetof token.Pos
		Lparen   token.Pos
		Arg      Node // *TypeExpr or Expr
		Fields   []*Ident
		Rparen   token.Pos
	}

	// TypeofExpr is typeof(type or expression), or typeinfo(...) if Info.
	TypeofExpr struct {
		Typeof token.Pos
		Info   bool
		Lparen token.Pos
		Arg    Node // *TypeExpr or Expr
		Rparen token.Pos
	}

	// ComptimeExpr is comptime x.
	ComptimeExpr struct {
		Comptime token.Pos
		X        Expr
	}

	// IfExpr is if cond { } [else { } | else if ...]. It is a statement in
	// statement position and a value in expression position.
	IfExpr struct {
		If     token.Pos
		Lparen token.Pos // NoPos if the condition had no parentheses
		Cond   Expr
		Rparen token.Pos
		Then   *Block
		Else   Node      // nil, *Block or *IfExpr
		Semi   token.Pos // an optional ';' after the statement
	}

	// Block is { stmts [value] }: a probe body, a nested block statement,
	// or a block expression whose value is its trailing expression.
	Block struct {
		Lbrace token.Pos
		Stmts  []Stmt
		Value  Expr // trailing expression without ';', or nil
		Rbrace token.Pos
		Semi   token.Pos // an optional ';' after a block statement
	}

	// RangeExpr is lo..hi in a for loop.
	RangeExpr struct {
		Lo     Expr
		DotDot token.Pos
		Hi     Expr
	}

	// BadExpr is an expression that could not be parsed.
	BadExpr struct {
		From, To token.Pos
	}
)

// RecordField is name = value in a record.
type RecordField struct {
	Name   *Ident
	Assign token.Pos
	Value  Expr
}

// Pos returns the start of the field name.
func (f *RecordField) Pos() token.Pos { return f.Name.Pos() }

// End returns the end of the value.
func (f *RecordField) End() token.Pos { return f.Value.End() }

func (x *Ident) Pos() token.Pos   { return x.NamePos }
func (x *Ident) End() token.Pos   { return x.NamePos + token.Pos(len(x.Name)) }
func (x *VarExpr) Pos() token.Pos { return x.Dollar }
func (x *VarExpr) End() token.Pos {
	if x.Name == "" {
		return x.Dollar // a placeholder for a missing variable
	}
	return x.Dollar + token.Pos(1+len(x.Name))
}
func (x *MapExpr) Pos() token.Pos      { return x.At }
func (x *MapExpr) End() token.Pos      { return x.At + token.Pos(1+len(x.Name)) }
func (x *MapAccess) Pos() token.Pos    { return x.Map.Pos() }
func (x *MapAccess) End() token.Pos    { return x.Rbrack + 1 }
func (x *ParamExpr) Pos() token.Pos    { return x.Dollar }
func (x *ParamExpr) End() token.Pos    { return x.Dollar + token.Pos(len(x.Lit)) }
func (x *IntLit) Pos() token.Pos       { return x.ValuePos }
func (x *IntLit) End() token.Pos       { return x.ValuePos + token.Pos(len(x.Lit)) }
func (x *StringLit) Pos() token.Pos    { return x.ValuePos }
func (x *StringLit) End() token.Pos    { return x.ValuePos + token.Pos(len(x.Lit)) }
func (x *BoolLit) Pos() token.Pos      { return x.ValuePos }
func (x *BoolLit) End() token.Pos      { return x.ValuePos + token.Pos(len(x.String())) }
func (x *CallExpr) Pos() token.Pos     { return x.Fun.Pos() }
func (x *CallExpr) End() token.Pos     { return x.Rparen + 1 }
func (x *BinaryExpr) Pos() token.Pos   { return x.X.Pos() }
func (x *BinaryExpr) End() token.Pos   { return x.Y.End() }
func (x *UnaryExpr) Pos() token.Pos    { return x.OpPos }
func (x *UnaryExpr) End() token.Pos    { return x.X.End() }
func (x *TernaryExpr) Pos() token.Pos  { return x.Cond.Pos() }
func (x *TernaryExpr) End() token.Pos  { return x.Else.End() }
func (x *FieldExpr) Pos() token.Pos    { return x.X.Pos() }
func (x *IndexExpr) Pos() token.Pos    { return x.X.Pos() }
func (x *IndexExpr) End() token.Pos    { return x.Rbrack + 1 }
func (x *CastExpr) Pos() token.Pos     { return x.Lparen }
func (x *CastExpr) End() token.Pos     { return x.X.End() }
func (x *ParenExpr) Pos() token.Pos    { return x.Lparen }
func (x *ParenExpr) End() token.Pos    { return x.Rparen + 1 }
func (x *TupleExpr) Pos() token.Pos    { return x.Lparen }
func (x *TupleExpr) End() token.Pos    { return x.Rparen + 1 }
func (x *RecordExpr) Pos() token.Pos   { return x.Lparen }
func (x *RecordExpr) End() token.Pos   { return x.Rparen + 1 }
func (x *SizeofExpr) Pos() token.Pos   { return x.Sizeof }
func (x *SizeofExpr) End() token.Pos   { return x.Rparen + 1 }
func (x *OffsetofExpr) Pos() token.Pos { return x.Offsetof }
func (x *OffsetofExpr) End() token.Pos { return x.Rparen + 1 }
func (x *TypeofExpr) Pos() token.Pos   { return x.Typeof }
func (x *TypeofExpr) End() token.Pos   { return x.Rparen + 1 }
func (x *ComptimeExpr) Pos() token.Pos { return x.Comptime }
func (x *ComptimeExpr) End() token.Pos { return x.X.End() }
func (x *IfExpr) Pos() token.Pos       { return x.If }
func (x *Block) Pos() token.Pos        { return x.Lbrace }
func (x *Block) End() token.Pos        { return endSemi(x.Rbrace+1, x.Semi) }
func (x *RangeExpr) Pos() token.Pos    { return x.Lo.Pos() }
func (x *RangeExpr) End() token.Pos    { return x.Hi.End() }
func (x *BadExpr) Pos() token.Pos      { return x.From }
func (x *BadExpr) End() token.Pos      { return x.To }

// End returns the end of the selector, or of the operator if it is missing.
func (x *FieldExpr) End() token.Pos {
	if x.Sel != nil && x.Sel.Name != "" {
		return x.Sel.End()
	}
	if x.Arrow {
		return x.OpPos + 2
	}
	return x.OpPos + 1
}

// End returns the end of the last branch.
func (x *IfExpr) End() token.Pos {
	end := x.Then.End()
	if x.Else != nil {
		end = x.Else.End()
	}
	return endSemi(end, x.Semi)
}

func (x *IncDecExpr) Pos() token.Pos {
	if x.Post {
		return x.X.Pos()
	}
	return x.TokPos
}

func (x *IncDecExpr) End() token.Pos {
	if x.Post {
		return x.TokPos + 2
	}
	return x.X.End()
}

// String returns "true" or "false".
func (x *BoolLit) String() string {
	if x.Value {
		return "true"
	}
	return "false"
}

func (*Ident) exprNode()        {}
func (*VarExpr) exprNode()      {}
func (*MapExpr) exprNode()      {}
func (*MapAccess) exprNode()    {}
func (*ParamExpr) exprNode()    {}
func (*IntLit) exprNode()       {}
func (*StringLit) exprNode()    {}
func (*BoolLit) exprNode()      {}
func (*CallExpr) exprNode()     {}
func (*BinaryExpr) exprNode()   {}
func (*UnaryExpr) exprNode()    {}
func (*IncDecExpr) exprNode()   {}
func (*TernaryExpr) exprNode()  {}
func (*FieldExpr) exprNode()    {}
func (*IndexExpr) exprNode()    {}
func (*CastExpr) exprNode()     {}
func (*ParenExpr) exprNode()    {}
func (*TupleExpr) exprNode()    {}
func (*RecordExpr) exprNode()   {}
func (*SizeofExpr) exprNode()   {}
func (*OffsetofExpr) exprNode() {}
func (*TypeofExpr) exprNode()   {}
func (*ComptimeExpr) exprNode() {}
func (*IfExpr) exprNode()       {}
func (*Block) exprNode()        {}
func (*RangeExpr) exprNode()    {}
func (*BadExpr) exprNode()      {}

// If and blocks are statements too.
func (*IfExpr) stmtNode() {}
func (*Block) stmtNode()  {}

// ---------------------------------------------------------------------------
// Types

// TypeExpr is a type as written: int32, struct task_struct *, uint8[16],
// string[64], int8[], typeof(x).
type TypeExpr struct {
	StartPos token.Pos
	Keyword  token.Token // STRUCT, UNION, ENUM, or IDENT for plain names
	Name     string      // the name without the keyword
	Typeof   *TypeofExpr // set instead of Name for typeof(...)
	Suffixes []TypeSuffix
	EndPos   token.Pos
}

// TypeSuffix is a '*' or an array/size suffix '[N]' / '[]'.
type TypeSuffix struct {
	Ptr bool
	Len *IntLit // for arrays; nil for '[]' and for pointers
}

// Pos returns the start of the type.
func (t *TypeExpr) Pos() token.Pos { return t.StartPos }

// A type may stand as a call argument (container_of(p, struct x, f)).
func (*TypeExpr) exprNode() {}

// End returns the position after the type.
func (t *TypeExpr) End() token.Pos { return t.EndPos }

// String spells the type canonically: "struct sock *", "uint8[4]".
func (t *TypeExpr) String() string {
	s := t.Name
	switch t.Keyword {
	case token.STRUCT, token.UNION, token.ENUM:
		s = t.Keyword.String() + " " + t.Name
	}
	if t.Typeof != nil {
		s = "typeof(...)"
	}
	for i, suf := range t.Suffixes {
		switch {
		case suf.Ptr:
			if i == 0 || !t.Suffixes[i-1].Ptr {
				s += " "
			}
			s += "*"
		case suf.Len != nil:
			s += "[" + suf.Len.Lit + "]"
		default:
			s += "[]"
		}
	}
	return s
}
