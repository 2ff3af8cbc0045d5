package builtins

import (
	"fmt"
	"strings"

	"github.com/bt-tools/bt/lang/types"
)

// arg is one argument of a fake call.
type arg struct {
	t     types.Type
	form  Form
	i     *int64
	s     *string
	ident string
	mapV  types.Type
}

// Helpers to build arguments.
func intLit(n int64) arg      { return arg{t: types.Int64, i: &n} }
func strLit(s string) arg     { return arg{t: &types.String{Len: int64(len(s) + 1)}, s: &s} }
func val(t types.Type) arg    { return arg{t: t} }
func ident(name string) arg   { return arg{t: types.Invalid, form: FormIdent, ident: name} }
func mapArg(v types.Type) arg { return arg{t: v, form: FormMap, mapV: v} }
func elem(v types.Type) arg   { return arg{t: v, form: FormMapElem, mapV: v} }
func variable(t types.Type) arg {
	return arg{t: t, form: FormVar}
}
func typeArg(t types.Type) arg { return arg{t: t, form: FormType} }

// diagnostic is one report of a fake call.
type diagnostic struct {
	warn bool
	arg  int
	code string
	msg  string
}

func (d diagnostic) String() string {
	sev := "error"
	if d.warn {
		sev = "warning"
	}
	return fmt.Sprintf("%s[%s] arg %d: %s", sev, d.code, d.arg, d.msg)
}

// fakeCall implements Call for tests.
type fakeCall struct {
	args      []arg
	provider  string
	unsafe    bool
	inLoop    bool
	maxStrlen int64
	diags     []diagnostic
}

func call(provider string, args ...arg) *fakeCall {
	return &fakeCall{args: args, provider: provider, maxStrlen: 1024}
}

func (c *fakeCall) NArgs() int { return len(c.args) }
func (c *fakeCall) ArgType(i int) types.Type {
	if c.args[i].t == nil {
		return types.Invalid
	}
	return c.args[i].t
}
func (c *fakeCall) ArgInt(i int) (int64, bool) {
	if p := c.args[i].i; p != nil {
		return *p, true
	}
	return 0, false
}
func (c *fakeCall) ArgString(i int) (string, bool) {
	if p := c.args[i].s; p != nil {
		return *p, true
	}
	return "", false
}
func (c *fakeCall) ArgIdent(i int) (string, bool) {
	return c.args[i].ident, c.args[i].ident != ""
}
func (c *fakeCall) MapValue(i int) types.Type { return c.args[i].mapV }
func (c *fakeCall) Provider() string          { return c.provider }
func (c *fakeCall) Unsafe() bool              { return c.unsafe }
func (c *fakeCall) MaxStrlen() int64          { return c.maxStrlen }
func (c *fakeCall) ArgForm(i int) Form        { return c.args[i].form }
func (c *fakeCall) InLoop() bool              { return c.inLoop }
func (c *fakeCall) Errorf(i int, code, format string, args ...any) {
	c.diags = append(c.diags, diagnostic{arg: i, code: code, msg: fmt.Sprintf(format, args...)})
}
func (c *fakeCall) Warnf(i int, code, format string, args ...any) {
	c.diags = append(c.diags, diagnostic{warn: true, arg: i, code: code, msg: fmt.Sprintf(format, args...)})
}

func (c *fakeCall) report() string {
	var parts []string
	for _, d := range c.diags {
		parts = append(parts, d.String())
	}
	return strings.Join(parts, "; ")
}
