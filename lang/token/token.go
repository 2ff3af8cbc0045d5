package token

import "strconv"

// Token is the kind of a lexical token.
type Token int

// The tokens of the language.
const (
	ILLEGAL Token = iota
	EOF
	COMMENT

	literalBeg
	IDENT       // pid, kprobe, struct field names
	VAR         // $x
	PARAM       // $1
	PARAMCOUNT  // $#
	MAP         // @x or the anonymous @
	INT         // 123, 0x1f, 1_000, 1e6, 10ms
	STRING      // "abc" (the literal keeps its quotes)
	ATTACHPOINT // kprobe:vfs_read (raw text, scanned on the parser's request)
	HASHLINE    // #include <x.h> (a whole preprocessor line)
	SHEBANG     // #!/usr/bin/env bpftrace
	CTEXT       // struct X { ... }; a C definition, captured verbatim
	literalEnd

	operatorBeg
	ADD // +
	SUB // -
	MUL // *
	QUO // /
	REM // %
	AND // &
	OR  // |
	XOR // ^
	SHL // <<
	SHR // >>

	ADDASSIGN // +=
	SUBASSIGN // -=
	MULASSIGN // *=
	QUOASSIGN // /=
	REMASSIGN // %=
	ANDASSIGN // &=
	ORASSIGN  // |=
	XORASSIGN // ^=
	SHLASSIGN // <<=
	SHRASSIGN // >>=

	LAND  // &&
	LOR   // ||
	INC   // ++
	DEC   // --
	EQL   // ==
	NEQ   // !=
	LSS   // <
	GTR   // >
	LEQ   // <=
	GEQ   // >=
	NOT   // !
	TILDE // ~

	ASSIGN   // =
	LPAREN   // (
	RPAREN   // )
	LBRACK   // [
	RBRACK   // ]
	LBRACE   // {
	RBRACE   // }
	COMMA    // ,
	SEMI     // ;
	COLON    // :
	QUESTION // ?
	DOT      // .
	DOTDOT   // ..
	ARROW    // ->
	operatorEnd

	keywordBeg
	IF
	ELSE
	FOR
	WHILE
	UNROLL
	BREAK
	CONTINUE
	RETURN
	LET
	MACRO
	FN
	CONFIG
	IMPORT
	SIZEOF
	OFFSETOF
	TYPEOF
	TYPEINFO
	COMPTIME
	TRUE
	FALSE
	STRUCT
	UNION
	ENUM
	keywordEnd
)

var tokens = [...]string{
	ILLEGAL: "ILLEGAL", EOF: "EOF", COMMENT: "COMMENT",
	IDENT: "IDENT", VAR: "VAR", PARAM: "PARAM", PARAMCOUNT: "$#", MAP: "MAP",
	INT: "INT", STRING: "STRING", ATTACHPOINT: "ATTACHPOINT", HASHLINE: "HASHLINE",
	SHEBANG: "SHEBANG", CTEXT: "CTEXT",
	ADD: "+", SUB: "-", MUL: "*", QUO: "/", REM: "%", AND: "&", OR: "|", XOR: "^",
	SHL: "<<", SHR: ">>",
	ADDASSIGN: "+=", SUBASSIGN: "-=", MULASSIGN: "*=", QUOASSIGN: "/=", REMASSIGN: "%=",
	ANDASSIGN: "&=", ORASSIGN: "|=", XORASSIGN: "^=", SHLASSIGN: "<<=", SHRASSIGN: ">>=",
	LAND: "&&", LOR: "||", INC: "++", DEC: "--", EQL: "==", NEQ: "!=",
	LSS: "<", GTR: ">", LEQ: "<=", GEQ: ">=", NOT: "!", TILDE: "~",
	ASSIGN: "=", LPAREN: "(", RPAREN: ")", LBRACK: "[", RBRACK: "]", LBRACE: "{",
	RBRACE: "}", COMMA: ",", SEMI: ";", COLON: ":", QUESTION: "?", DOT: ".",
	DOTDOT: "..", ARROW: "->",
	IF: "if", ELSE: "else", FOR: "for", WHILE: "while", UNROLL: "unroll",
	BREAK: "break", CONTINUE: "continue", RETURN: "return", LET: "let",
	MACRO: "macro", FN: "fn", CONFIG: "config", IMPORT: "import",
	SIZEOF: "sizeof", OFFSETOF: "offsetof", TYPEOF: "typeof", TYPEINFO: "typeinfo",
	COMPTIME: "comptime", TRUE: "true", FALSE: "false",
	STRUCT: "struct", UNION: "union", ENUM: "enum",
}

// String returns the token's spelling for operators and keywords and its
// name for the others.
func (t Token) String() string {
	if 0 <= t && int(t) < len(tokens) && tokens[t] != "" {
		return tokens[t]
	}
	return "token(" + strconv.Itoa(int(t)) + ")"
}

// IsLiteral reports whether t is an identifier or a literal.
func (t Token) IsLiteral() bool { return literalBeg < t && t < literalEnd }

// IsOperator reports whether t is an operator or punctuation.
func (t Token) IsOperator() bool { return operatorBeg < t && t < operatorEnd }

// IsKeyword reports whether t is a keyword.
func (t Token) IsKeyword() bool { return keywordBeg < t && t < keywordEnd }

// IsAssignOp reports whether t is '=' or a compound assignment.
func (t Token) IsAssignOp() bool { return t == ASSIGN || (ADDASSIGN <= t && t <= SHRASSIGN) }

// BinaryOf returns the binary operator of a compound assignment ('+' for '+=').
func (t Token) BinaryOf() Token {
	if ADDASSIGN <= t && t <= SHRASSIGN {
		return ADD + (t - ADDASSIGN)
	}
	return ILLEGAL
}

var keywords map[string]Token

func init() {
	keywords = make(map[string]Token, keywordEnd-keywordBeg)
	for t := keywordBeg + 1; t < keywordEnd; t++ {
		keywords[tokens[t]] = t
	}
}

// Lookup maps an identifier to its keyword token, or IDENT.
func Lookup(ident string) Token {
	if t, ok := keywords[ident]; ok {
		return t
	}
	return IDENT
}

// Precedence levels of binary operators; higher binds tighter.
const (
	LowestPrec  = 0 // non-operators
	UnaryPrec   = 11
	HighestPrec = 12
)

// Precedence returns the binary precedence of t (LANGUAGE.md 1.5), or
// LowestPrec if t is not a binary operator.
func (t Token) Precedence() int {
	switch t {
	case LOR:
		return 1
	case LAND:
		return 2
	case OR:
		return 3
	case XOR:
		return 4
	case AND:
		return 5
	case EQL, NEQ:
		return 6
	case LSS, GTR, LEQ, GEQ:
		return 7
	case SHL, SHR:
		return 8
	case ADD, SUB:
		return 9
	case MUL, QUO, REM:
		return 10
	}
	return LowestPrec
}
