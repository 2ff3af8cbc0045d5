package diag

// Codes for names, scopes and types (E2xx, E3xx, W2xx, W3xx).
var semaCodes = []CodeInfo{}
