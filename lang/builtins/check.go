package builtins

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bt-tools/bt/lang/probes"
	"github.com/bt-tools/bt/lang/types"
)

// maxVariadic bounds the arguments of printf-like functions.
const maxVariadic = 128

// CheckCall checks one use of the builtin (a call, or a bare use of a
// variable): the probe type, --unsafe, loops, removal and deprecation,
// the number and kinds of the arguments, then the entry's own Check. It
// reports through c and returns the result type: for Context entries nil
// (lang/probes knows the type), otherwise types.Invalid only when the
// result cannot be known.
func (b *Builtin) CheckCall(c Call) types.Type {
	if b.Removed != "" {
		c.Errorf(-1, CodeRemoved, "%s", b.Deprecated)
		return types.Invalid
	}
	b.checkProbe(c)
	b.checkMode(c)
	if !b.checkArgs(c) {
		return b.fallback()
	}
	if b.Check != nil {
		return b.Check(c)
	}
	return b.Result
}

// fallback is the result after an argument error: the fixed result if
// there is one, so that checking can go on without cascades.
func (b *Builtin) fallback() types.Type {
	if b.Result != nil {
		return b.Result
	}
	if b.Context {
		return nil
	}
	return types.Invalid
}

// displayName is how messages name the builtin: "printf()" or "pid".
func (b *Builtin) displayName() string {
	if b.Kind == Var {
		return b.Name
	}
	return b.Name + "()"
}

// AllowedIn reports whether the builtin may be used in probes of the
// given provider (canonical name).
func (b *Builtin) AllowedIn(provider string) bool {
	return b.Probes == nil || slices.Contains(b.Probes, provider)
}

func (b *Builtin) checkProbe(c Call) {
	if b.Probes == nil {
		return
	}
	name := c.Provider()
	if name == "" {
		c.Errorf(-1, CodeOutsideProbe, "%s cannot be used outside a probe", b.displayName())
		return
	}
	if b.AllowedIn(name) {
		return
	}
	p, ok := probes.Lookup(name)
	if !ok {
		return // the attach point has its own error
	}
	if b.Kind == Var && probes.IsContextBuiltin(b.Name) {
		e := probes.ContextError(p, b.Name)
		c.Errorf(-1, e.Code, "%s%s", e.Msg, hintSuffix(e.Hint))
		return
	}
	c.Errorf(-1, CodeProbeType, "%s cannot be used in %s probes (only in %s)",
		b.displayName(), name, strings.Join(b.Probes, ", "))
}

func hintSuffix(h string) string {
	if h == "" {
		return ""
	}
	return "; " + h
}

// checkMode checks --unsafe, loops and deprecation.
func (b *Builtin) checkMode(c Call) {
	if b.Unsafe && !c.Unsafe() {
		c.Errorf(-1, CodeUnsafe, "%s is unsafe: it needs --unsafe", b.displayName())
	}
	if b.NotInLoop && c.InLoop() {
		c.Errorf(-1, CodeInLoop, "%s cannot be used in a for loop", b.displayName())
	}
	if b.Deprecated != "" {
		c.Warnf(-1, CodeDeprecated, "%s", b.Deprecated)
	}
}

// ---------------------------------------------------------------------------
// Arguments

// argError is a mismatch between the arguments and a parameter list.
type argError struct {
	arg   int // -1: the whole call
	code  string
	msg   string
	arity bool // the number of arguments is wrong
}

// checkArgs matches the arguments against Params, then AltParams, and
// reports the more telling error when neither fits.
func (b *Builtin) checkArgs(c Call) bool {
	if b.Kind == Var && c.NArgs() == 0 {
		return true
	}
	err := b.match(c, b.Params)
	if err == nil {
		return true
	}
	if b.AltParams != nil {
		alt := b.match(c, b.AltParams)
		if alt == nil {
			return true
		}
		if err.arity && !alt.arity {
			err = alt
		}
	}
	c.Errorf(err.arg, err.code, "%s", err.msg)
	return false
}

// match checks arity and the kind of every argument against params.
func (b *Builtin) match(c Call, params []Param) *argError {
	if err := b.arity(c.NArgs(), params); err != nil {
		return err
	}
	for i := 0; i < c.NArgs() && i < len(params); i++ {
		if err := b.checkKind(c, i, params[i]); err != nil {
			return err
		}
	}
	return nil
}

func (b *Builtin) arity(n int, params []Param) *argError {
	lo, hi := 0, len(params)
	for _, p := range params {
		if !p.Optional {
			lo++
		}
	}
	if b.Variadic {
		hi = maxVariadic
	}
	var msg string
	switch {
	case n < lo && lo == hi:
		msg = fmt.Sprintf("%s requires %s", b.displayName(), countArgs(lo))
	case n < lo:
		msg = fmt.Sprintf("%s requires at least %s", b.displayName(), countArgs(lo))
	case n > hi && hi == 0:
		msg = fmt.Sprintf("%s takes no arguments", b.displayName())
	case n > hi && lo == hi:
		msg = fmt.Sprintf("%s requires %s", b.displayName(), countArgs(hi))
	case n > hi:
		msg = fmt.Sprintf("%s takes up to %s", b.displayName(), countArgs(hi))
	default:
		return nil
	}
	return &argError{arg: -1, code: CodeArgCount, msg: fmt.Sprintf("%s (%d provided)", msg, n), arity: true}
}

func countArgs(n int) string {
	if n == 1 {
		return "one argument"
	}
	return fmt.Sprintf("%d arguments", n)
}

func (b *Builtin) checkKind(c Call, i int, p Param) *argError {
	bad := func(code, format string, args ...any) *argError {
		return &argError{arg: i, code: code, msg: fmt.Sprintf(format, args...)}
	}
	t := c.ArgType(i)
	switch p.Kind {
	case AnyArg:
		if c.ArgForm(i) == FormType {
			return bad(CodeArgKind, "%s expects a value for %s, not a type", b.displayName(), p.Name)
		}
	case IntArg:
		if !types.IsInvalid(t) && !isIntegral(t) {
			return bad(CodeArgType, "%s expects an integer for %s (%s provided)", b.displayName(), p.Name, t)
		}
	case IntLit:
		if _, ok := c.ArgInt(i); !ok {
			return bad(CodeArgKind, "%s expects an integer literal for %s", b.displayName(), p.Name)
		}
	case StringArg:
		if !types.IsInvalid(t) && !isStringLike(t) {
			return bad(CodeArgType, "%s expects a string for %s (%s provided)", b.displayName(), p.Name, t)
		}
	case StringLit, FormatArg:
		if _, ok := c.ArgString(i); !ok {
			return bad(CodeArgKind, "%s expects a string literal for %s", b.displayName(), p.Name)
		}
	case PointerArg:
		if _, isPtr := t.(*types.Pointer); !types.IsInvalid(t) && !isPtr && !isIntegral(t) {
			return bad(CodeArgType, "%s expects a pointer or an integer for %s (%s provided)", b.displayName(), p.Name, t)
		}
	default:
		return b.checkSyntaxKind(c, i, p)
	}
	return nil
}

// checkSyntaxKind checks the kinds that depend on the argument's form.
func (b *Builtin) checkSyntaxKind(c Call, i int, p Param) *argError {
	form := c.ArgForm(i)
	switch p.Kind {
	case MapElemArg:
		if form != FormMap && form != FormMapElem {
			return &argError{arg: i, code: CodeArgKind, msg: fmt.Sprintf("%s expects a map element (@map[key]) for %s", b.displayName(), p.Name)}
		}
	case IdentArg:
		return b.checkIdent(c, i, p)
	default:
		if form != formOf(p.Kind) {
			return &argError{arg: i, code: CodeArgKind, msg: fmt.Sprintf("%s expects a %s for %s", b.displayName(), p.Kind, p.Name)}
		}
	}
	return nil
}

// formOf is the form an argument of kind k must have.
func formOf(k ArgKind) Form {
	switch k {
	case MapArg:
		return FormMap
	case VarArg:
		return FormVar
	case TypeArg:
		return FormType
	}
	return FormExpr
}

func (b *Builtin) checkIdent(c Call, i int, p Param) *argError {
	id, ok := c.ArgIdent(i)
	want := strings.Join(p.Idents, ", ")
	switch {
	case !ok && p.Idents == nil:
		return &argError{arg: i, code: CodeArgKind, msg: fmt.Sprintf("%s expects an identifier for %s", b.displayName(), p.Name)}
	case !ok:
		return &argError{arg: i, code: CodeArgKind, msg: fmt.Sprintf("%s expects one of %s for %s", b.displayName(), want, p.Name)}
	case p.Idents != nil && !slices.Contains(p.Idents, id):
		return &argError{arg: i, code: CodeBadIdent, msg: fmt.Sprintf("invalid %s %q for %s (want one of %s)", p.Name, id, b.displayName(), want)}
	}
	return nil
}

// isStringLike reports whether t is a string or an array of bytes (which
// the checker reads as a string).
func isStringLike(t types.Type) bool {
	if types.IsString(t) {
		return true
	}
	a, ok := t.(*types.Array)
	if !ok {
		return false
	}
	e, ok := a.Elem.(*types.Int)
	return ok && e.Bits == 8
}
