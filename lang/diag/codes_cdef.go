package diag

// Codes for the C preprocessor and C definitions of the prologue (E150-E169,
// W150-W169). Owned by lang/cdef.
var cdefCodes = []CodeInfo{
	{"E150", "unterminated-conditional", "an #if, #ifdef or #ifndef has no matching #endif"},
	{"E151", "unmatched-conditional", "an #elif, #else or #endif has no matching #if, or follows #else"},
	{"E152", "invalid-constant-expression", "an #if condition or a C constant expression (array size, enumerator, bit-field width) is malformed or cannot be evaluated"},
	{"E153", "invalid-macro-name", "a #define, #undef, #ifdef or #ifndef lacks a valid macro name"},
	{"E154", "error-directive", "an active #error directive was reached"},
	{"E155", "invalid-include", "an #include names no \"FILE\" or <FILE>"},
	{"E156", "c-syntax", "the C text of a struct, union or enum definition does not parse"},
	{"E157", "unknown-type-name", "a C type name is neither a C base type nor a typedef known to BTF"},
	{"E158", "invalid-member-type", "a member has an incomplete type (void, an undefined struct) or a function type"},
	{"E159", "c-redefinition", "a struct, union, enum or enumerator is defined twice, or a tag is used as both struct and union"},
	{"E160", "invalid-bit-field", "a bit-field has a non-integer type or a negative, zero (when named) or too large width"},
	{"E161", "invalid-array", "an array has a negative or huge size, or a flexible array member is not last"},
	{"E162", "unsupported-macro", "a function-like macro is used, or a macro expansion runs away"},
	{"E163", "duplicate-member", "a struct or union has two members with the same name"},
	{"E164", "invalid-attribute", "an __attribute__ is malformed (aligned to a value that is not a power of two)"},
	{"W150", "unknown-directive", "a preprocessor directive bt does not know is ignored"},
	{"W151", "extra-tokens", "a preprocessor directive has extra tokens at its end"},
	{"W152", "macro-redefined", "a macro is defined again with a different body"},
	{"W153", "warning-directive", "an active #warning directive was reached"},
	{"W154", "line-continuation", "a preprocessor line ends with a backslash; bpftrace does not join it with the next line"},
	{"W155", "empty-declaration", "a C declaration declares neither a tag, a member nor an enumerator"},
	{"W156", "unknown-attribute", "an __attribute__ bt does not know is ignored"},
}
