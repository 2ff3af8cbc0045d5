package builtins

// Diagnostic codes for calls of builtins and functions. They are
// documented in lang/diag (codes_builtins.go). Context builtins used in
// the wrong probe type (args, retval, ...) report lang/probes' E511.
const (
	CodeArgCount      = "E401" // wrong number of arguments
	CodeArgKind       = "E402" // an argument of the wrong form: map, literal, variable, identifier, type
	CodeArgType       = "E403" // an argument of the wrong type
	CodeFormatCount   = "E404" // format string and argument count differ
	CodeFormatType    = "E405" // a conversion does not fit its argument's type
	CodeFormatInvalid = "E406" // an unsupported conversion or a malformed format
	CodeProbeType     = "E407" // the function is not available in this probe type
	CodeUnsafe        = "E408" // an unsafe function without --unsafe
	CodeInLoop        = "E409" // not allowed in a loop body
	CodeLiteralRange  = "E410" // a literal argument out of its allowed range
	CodeBadIdent      = "E411" // an identifier argument outside its allowed set
	CodeNotPrintable  = "E412" // print() of something that cannot be printed
	CodeRegister      = "E413" // reg() of an unknown register
	CodeOutsideProbe  = "E414" // a probe-dependent builtin outside any probe
	CodeBadValue      = "E415" // a literal argument that is not valid: address, symbol
	CodeFail          = "E416" // fail() was reached during compilation
	CodeRemoved       = "E417" // the builtin was removed from the language

	CodeStrLen     = "W401" // str()/buf() length longer than max_strlen
	CodeDeprecated = "W402" // a deprecated form
	CodeDebugf     = "W403" // debugf() in production code
	CodePrintLoop  = "W404" // print() of a map inside a loop
	CodePrintStats = "W405" // print()'s top and div on a stats() map
)

// DeprecatedDelete is the warning (code CodeDeprecated) for the old
// delete(@m[k]) form; the checker detects the form and reports it.
const DeprecatedDelete = "delete(@m[key]) is deprecated; use delete(@m, key)"
