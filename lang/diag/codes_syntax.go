package diag

// Codes for the scanner, parser and preprocessor (E1xx, W1xx).
var syntaxCodes = []CodeInfo{}
