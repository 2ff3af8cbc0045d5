package diag

// Codes for the scanner and parser (E1xx).
var syntaxCodes = []CodeInfo{
	{"E100", "syntax", "the parser expected one thing and found another"},
	{"E101", "invalid-character", "a character that cannot start any token, or a missing attach point"},
	{"E102", "unterminated-string", "a string literal is not closed on its line"},
	{"E103", "unterminated-comment", "a /* comment is never closed"},
	{"E104", "invalid-escape", "a string has an unknown or out-of-range escape sequence"},
	{"E105", "invalid-dollar", "'$' is not followed by a variable name, a digit or '#'"},
	{"E108", "c-after-probes", "C definitions and # lines must come before probes, macros, functions and map declarations"},
	{"E109", "misplaced-let", "a top-level let must declare a map; maps cannot be declared inside blocks"},
	{"E110", "invalid-integer", "an integer literal has an invalid digit or suffix"},
	{"E111", "trailing-underscore", "an integer literal ends with '_'"},
	{"E112", "integer-overflow", "an integer literal is larger than 2^64-1"},
	{"E113", "scientific-coefficient", "the coefficient of a scientific literal must be a single digit 1-9"},
	{"E114", "duplicate-config", "a program has more than one config block"},
	{"E115", "invalid-assignment-target", "only variables, maps and map elements can be assigned"},
	{"E116", "invalid-increment", "++ and -- apply to variables and maps only"},
	{"E117", "assignment-as-expression", "an assignment is used where a value is needed"},
	{"E118", "empty-statement", "a stray ';' makes an empty statement, which is not allowed"},
	{"E119", "param-out-of-range", "positional parameters start at $1"},
	{"E121", "missing-attach-point", "a probe body has no attach point before it"},
	{"E122", "nesting-too-deep", "expressions or blocks are nested more than 1000 levels deep"},
}
