package diag

// Codes for calls of builtins and functions (E4xx, W4xx). Owned by lang/builtins.
var builtinCodes = []CodeInfo{}
