package diag

// Codes for calls of builtins and functions (E4xx, W4xx). Owned by lang/builtins.
var builtinCodes = []CodeInfo{
	{"E401", "wrong-arg-count", "a builtin function is called with the wrong number of arguments"},
	{"E402", "wrong-arg-kind", "an argument must be a map, a literal, a scratch variable, an identifier or a type"},
	{"E403", "wrong-arg-type", "an argument has a type the function does not accept"},
	{"E404", "format-arg-count", "a format string and its arguments differ in number"},
	{"E405", "format-arg-type", "a format conversion does not fit the type of its argument"},
	{"E406", "invalid-format", "a format string uses an unsupported conversion or is malformed"},
	{"E407", "builtin-probe-type", "the builtin is not available in this probe type"},
	{"E408", "unsafe-builtin", "an unsafe function is used without --unsafe"},
	{"E409", "builtin-in-loop", "the builtin is not allowed in a loop body"},
	{"E410", "literal-out-of-range", "a literal argument is outside its allowed range (hist bits, lhist bounds, stack limit)"},
	{"E411", "invalid-ident-arg", "an identifier argument is not one of the allowed names (stack mode, clock, pid namespace)"},
	{"E412", "not-printable", "print() is given a value that cannot be printed"},
	{"E413", "unknown-register", "reg() names a register the architecture does not have"},
	{"E414", "builtin-outside-probe", "a probe-dependent builtin is used outside any probe"},
	{"E415", "invalid-literal-value", "a literal argument is not a valid address, symbol or option"},
	{"E416", "fail-reached", "a fail() call was reached during compilation"},
	{"E417", "removed-builtin", "the builtin was removed from the language"},
	{"W401", "length-truncated", "a length argument exceeds max_strlen and is shortened"},
	{"W402", "deprecated-form", "a deprecated form of a builtin is used"},
	{"W403", "debugf-production", "debugf() uses bpf_trace_printk and is not meant for production"},
	{"W404", "print-in-loop", "print() of a map in a loop may show values updated after the call"},
	{"W405", "print-stats-args", "print()'s top and div arguments are ignored for stats() maps"},
}
