package builtins

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/bt-tools/bt/lang/probes"
)

// tableArgs is how many argN entries the table holds (and All lists):
// the x86-64 register arguments.
const tableArgs = 6

// maxArgN bounds the argN names Lookup recognises (usdt: 255 arguments).
const maxArgN = 255

// table is every entry, sorted by name; index finds them by name. Both are
// built once, when the package is initialised, and never modified.
var table, index = buildTable()

func buildTable() ([]*Builtin, map[string]*Builtin) {
	var all []*Builtin
	all = append(all, varTable...)
	all = append(all, funcTable...)
	all = append(all, mapTable...)
	for n := range tableArgs {
		all = append(all, argEntry(n))
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	idx := make(map[string]*Builtin, len(all))
	for _, b := range all {
		idx[b.Name] = b
	}
	return all, idx
}

// Lookup finds a builtin by name. It recognises every argN (arg0 ...
// arg255) and the removed sargN.
func Lookup(name string) (*Builtin, bool) {
	if b, ok := index[name]; ok {
		return b, true
	}
	if n, ok := argNumber(name, "arg"); ok {
		return argEntry(n), true
	}
	if n, ok := argNumber(name, "sarg"); ok {
		return sargEntry(n), true
	}
	return nil, false
}

// ArgIndex returns N for "argN", and false for any other name.
func ArgIndex(name string) (int, bool) { return argNumber(name, "arg") }

func argNumber(name, prefix string) (int, bool) {
	digits, ok := strings.CutPrefix(name, prefix)
	if !ok || digits == "" || len(digits) > 1 && digits[0] == '0' {
		return 0, false
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n < 0 || n > maxArgN || strconv.Itoa(n) != digits {
		return 0, false
	}
	return n, true
}

// All returns every builtin, sorted by name (for completion). The slice
// is a copy; the entries must not be modified.
func All() []*Builtin {
	return append([]*Builtin(nil), table...)
}

// Validate checks that the table is consistent: unique names, a doc with
// an example, a signature and a version for every entry, parameters that
// make sense, a way to know the result, and probe types that exist.
func Validate() error {
	var errs []error
	seen := map[string]bool{}
	for _, b := range append(All(), argEntry(tableArgs+1), sargEntry(0)) {
		if seen[b.Name] {
			errs = append(errs, fmt.Errorf("%s: duplicate entry", b.Name))
		}
		seen[b.Name] = true
		for _, err := range b.validate() {
			errs = append(errs, fmt.Errorf("%s: %w", b.Name, err))
		}
	}
	return errors.Join(errs...)
}

func (b *Builtin) validate() []error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	check(b.Name != "", "no name")
	check(b.Doc != "" && strings.Contains(b.Doc, "```"), "doc missing or without an example")
	check(strings.HasPrefix(b.Signature, b.Name), "signature %q does not start with the name", b.Signature)
	check(b.Since != "", "no version")
	check(b.Result != nil || b.Check != nil || b.Context || b.Keyword, "no way to know the result type")
	check(!(b.Context && b.Result != nil), "a context builtin has a fixed result")
	check(b.Removed == "" || b.Deprecated != "", "removed without a message")
	check(!(b.Async && b.CompileTime), "both async and compile-time")
	check(!b.Variadic || b.Kind == Func, "variadic but not a function")
	errs = append(errs, validateParams(b, b.Params, b.Kind == Var)...)
	errs = append(errs, validateParams(b, b.AltParams, false)...)
	for _, p := range b.Probes {
		prov, ok := probes.Lookup(p)
		check(ok && prov.Name == p, "probe type %q is not a canonical provider name", p)
	}
	return errs
}

// validateParams checks one parameter list; allOptional is set for the
// Params of a variable, which may always be used bare.
func validateParams(b *Builtin, params []Param, allOptional bool) []error {
	var errs []error
	add := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	optional := false
	for i, p := range params {
		add(p.Name != "", "parameter %d has no name", i)
		add(!optional || p.Optional, "required parameter %s after an optional one", p.Name)
		add(!allOptional || p.Optional, "variable with required parameter %s", p.Name)
		add(p.Kind == IdentArg || p.Idents == nil, "parameter %s lists identifiers but is a %s", p.Name, p.Kind)
		add(p.Kind != FormatArg || i == 0 && b.Variadic, "format parameter %s is not first in a variadic function", p.Name)
		optional = optional || p.Optional
	}
	return errs
}
