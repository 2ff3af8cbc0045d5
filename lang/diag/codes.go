package diag

import "sort"

// CodeInfo documents one diagnostic code. Every code the front end emits is
// listed in one of the codes_*.go files, so that `bt check --explain` and
// the tests that require every code to be exercised can enumerate them.
type CodeInfo struct {
	Code    string
	Name    string // short kebab-case name: "unterminated-string"
	Summary string // one line
}

// Codes returns every front-end code, sorted.
func Codes() []CodeInfo {
	var all []CodeInfo
	for _, l := range [][]CodeInfo{syntaxCodes, semaCodes, builtinCodes, probeCodes, cdefCodes} {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Code < all[j].Code })
	return all
}

// Lookup returns the documentation of a code.
func Lookup(code string) (CodeInfo, bool) {
	for _, c := range Codes() {
		if c.Code == code {
			return c, true
		}
	}
	return CodeInfo{}, false
}
