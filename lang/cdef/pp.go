package cdef

import (
	"strconv"
	"strings"

	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
)

// processor holds the state of one [Process] call: the conditional stack
// and the macro table of the preprocessor, and what the C parser has
// defined so far.
type processor struct {
	file *token.File
	opts Options
	res  *Result
	errs diag.List

	conds    []cond
	skipFrom token.Pos // start of the current inactive region
	lastEnd  token.Pos // end of the last decl, for files without a File

	c cstate
}

// cond is one level of conditional nesting.
type cond struct {
	kw           string    // "if", "ifdef" or "ifndef"
	pos, end     token.Pos // the opening directive, '#' to keyword
	elsePos      token.Pos // the #else, once seen
	parentActive bool      // the enclosing region is active
	taken        bool      // some branch has been chosen
	active       bool      // the current branch is active
}

func newProcessor(file *token.File, opts Options) *processor {
	p := &processor{
		file: file,
		opts: opts,
		res: &Result{
			Structs:    map[string]*types.Struct{},
			Enums:      map[string]*types.Enum{},
			EnumConsts: map[string]EnumConst{},
			Defines:    map[string]Define{},
			DefPos:     map[types.Type]token.Pos{},
		},
		c: newCState(),
	}
	for _, s := range predefined(opts) {
		p.predefine(s, false)
	}
	for _, s := range opts.Defines {
		p.predefine(s, true)
	}
	return p
}

// predefine defines a macro given as NAME or NAME=BODY.
func (p *processor) predefine(s string, user bool) {
	name, body := splitDefine(s)
	if name == "" || identEnd(name, 0) != len(name) || isDigit(name[0]) {
		if user {
			p.errs.Errorf(token.NoPos, token.NoPos, "E153", "invalid macro name %q in Options.Defines", name)
		}
		return
	}
	p.res.Defines[name] = Define{Name: name, Body: body}
}

// active reports whether the current region is active.
func (p *processor) active() bool {
	n := len(p.conds)
	return n == 0 || p.conds[n-1].active
}

// finish reports unterminated conditionals and closes the last region.
func (p *processor) finish() {
	for i := len(p.conds) - 1; i >= 0; i-- {
		c := p.conds[i]
		p.errs.Errorf(c.pos, c.end, "E150", "unterminated #%s", c.kw)
	}
	if !p.active() {
		end := p.lastEnd
		if p.file != nil {
			end = p.file.Pos(p.file.Size())
		}
		p.res.Inactive = append(p.res.Inactive, Span{p.skipFrom, max(end, p.skipFrom)})
	}
	p.c.finish()
}

// ----------------------------------------------------------------------------
// Directives

// directive runs the '#' line text that starts at pos.
func (p *processor) directive(text string, pos token.Pos) {
	end := pos + token.Pos(len(text))
	p.lastEnd = max(p.lastEnd, end)
	was := p.active()
	p.runDirective(text, pos)
	switch now := p.active(); {
	case was && !now:
		p.skipFrom = end
	case !was && now:
		p.res.Inactive = append(p.res.Inactive, Span{p.skipFrom, pos})
	}
}

func (p *processor) runDirective(text string, pos token.Pos) {
	l := newLexer(text, pos, false)
	l.next() // '#'
	name := l.next()
	if p.active() {
		p.checkContinuation(text, pos)
	}
	switch {
	case name.kind == tEOF, name.kind == tNumber && p.active():
		return // the null directive, or a line marker (# 12 "file")
	case name.kind != tIdent:
		if p.active() {
			p.errs.Warnf(name.pos, name.end, "W150", "invalid preprocessing directive %s", describe(name, "newline"))
		}
		return
	}
	if p.conditional(l, name, pos) || !p.active() {
		return
	}
	p.command(l, name, pos)
}

// command runs the directives other than conditionals, in an active region.
func (p *processor) command(l *lexer, name ctoken, hash token.Pos) {
	switch name.text {
	case "define":
		p.define(l, name)
	case "undef":
		p.undef(l, name)
	case "include", "include_next", "import":
		p.include(l, name, hash)
	case "error":
		p.errs.Errorf(hash, name.end, "E154", "%s", directiveMessage(l, name))
	case "warning":
		p.errs.Warnf(hash, name.end, "W153", "%s", directiveMessage(l, name))
	case "pragma", "line", "ident", "sccs", "assert", "unassert":
		// Nothing bt needs: #pragma once, #pragma pack (TODO: pack is not
		// applied; no tool uses it), line markers.
	default:
		p.errs.Warnf(hash, name.end, "W150", "unknown preprocessor directive '#%s' is ignored", name.text)
	}
}

// directiveMessage spells #error and #warning with their text.
func directiveMessage(l *lexer, name ctoken) string {
	rest, _ := l.rest()
	rest = strings.TrimSpace(blankComments(rest))
	if rest == "" {
		return "#" + name.text
	}
	return "#" + name.text + " " + rest
}

// checkContinuation warns about a '#' line that ends in a backslash:
// bpftrace's lexer ends the line there, so the next line is bpftrace code.
func (p *processor) checkContinuation(text string, pos token.Pos) {
	t := strings.TrimRight(text, " \t\r")
	if strings.HasSuffix(t, `\`) {
		at := pos + token.Pos(len(t)-1)
		p.errs.Warnf(at, at+1, "W154", "line continuation is not supported: the next line is not part of this directive")
	}
}

// extraTokens warns if anything but comments follows on the line.
func (p *processor) extraTokens(l *lexer, name ctoken) {
	t := l.next()
	if t.kind == tEOF {
		return
	}
	rest, _ := l.rest()
	end := t.end + token.Pos(len(strings.TrimRight(blankComments(rest), " \t\r")))
	p.errs.Warnf(t.pos, end, "W151", "extra tokens at end of #%s directive", name.text)
}

// ----------------------------------------------------------------------------
// Conditionals

// conditional runs name if it is a conditional directive and reports
// whether it was one.
func (p *processor) conditional(l *lexer, name ctoken, hash token.Pos) bool {
	switch name.text {
	case "if", "ifdef", "ifndef":
		p.pushCond(name, hash, func() bool { return p.condition(l, name) })
	case "elif", "elifdef", "elifndef":
		p.elif(l, name, hash)
	case "else":
		p.elseDirective(l, name, hash)
	case "endif":
		p.endif(l, name, hash)
	default:
		return false
	}
	return true
}

// condition evaluates the condition of #if, #ifdef, #elif and their kin.
func (p *processor) condition(l *lexer, name ctoken) bool {
	switch name.text {
	case "if", "elif":
		return p.evalIf(l, name)
	case "ifdef", "elifdef":
		return p.ifdef(l, name)
	}
	return !p.ifdef(l, name)
}

func (p *processor) pushCond(name ctoken, hash token.Pos, eval func() bool) {
	c := cond{kw: name.text, pos: hash, end: name.end, parentActive: p.active()}
	if c.parentActive {
		c.active = eval()
		c.taken = c.active
	} else {
		c.taken = true // no branch of a skipped conditional is active
	}
	p.conds = append(p.conds, c)
}

// top returns the innermost conditional, or reports name as unmatched.
func (p *processor) top(name ctoken, hash token.Pos) *cond {
	if len(p.conds) == 0 {
		p.errs.Errorf(hash, name.end, "E151", "#%s without #if", name.text)
		return nil
	}
	return &p.conds[len(p.conds)-1]
}

func (p *processor) elif(l *lexer, name ctoken, hash token.Pos) {
	c := p.top(name, hash)
	if c == nil {
		return
	}
	if c.elsePos.IsValid() {
		p.afterElse(c, name, hash)
		c.active = false
		return
	}
	c.active = false
	if c.parentActive && !c.taken {
		c.active = p.condition(l, name)
		c.taken = c.active
	}
}

func (p *processor) elseDirective(l *lexer, name ctoken, hash token.Pos) {
	c := p.top(name, hash)
	if c == nil {
		return
	}
	if c.elsePos.IsValid() {
		p.afterElse(c, name, hash)
		c.active = false
		return
	}
	c.elsePos = hash
	c.active = c.parentActive && !c.taken
	c.taken = true
	if c.parentActive {
		p.extraTokens(l, name)
	}
}

func (p *processor) afterElse(c *cond, name ctoken, hash token.Pos) {
	d := p.errs.Errorf(hash, name.end, "E151", "#%s after #else", name.text)
	d.Related = append(d.Related, diag.Related{Pos: c.elsePos, End: c.elsePos + 1, Message: "#else is here"})
}

func (p *processor) endif(l *lexer, name ctoken, hash token.Pos) {
	c := p.top(name, hash)
	if c == nil {
		return
	}
	parentActive := c.parentActive
	p.conds = p.conds[:len(p.conds)-1]
	if parentActive {
		p.extraTokens(l, name)
	}
}

// ifdef reports whether the macro named after #ifdef/#ifndef is defined.
func (p *processor) ifdef(l *lexer, name ctoken) bool {
	t := l.next()
	if !p.checkMacroName(t, name) {
		return false
	}
	p.extraTokens(l, name)
	_, ok := p.res.Defines[t.text]
	return ok
}

// checkMacroName reports whether t can name a macro after directive name.
func (p *processor) checkMacroName(t, name ctoken) bool {
	switch {
	case t.kind == tEOF:
		p.errs.Errorf(name.pos, name.end, "E153", "macro name missing after #%s", name.text)
	case t.kind != tIdent:
		p.errs.Errorf(t.pos, t.end, "E153", "macro name must be an identifier, found %s", describe(t, "newline"))
	case t.text == "defined" && (name.text == "define" || name.text == "undef"):
		p.errs.Errorf(t.pos, t.end, "E153", "'defined' cannot be used as a macro name")
	default:
		return true
	}
	return false
}

// evalIf evaluates the rest of an #if or #elif line; a malformed
// condition counts as false.
func (p *processor) evalIf(l *lexer, name ctoken) bool {
	c := newCParser(p, newStream(p, l, false), true)
	c.next()
	if c.tok.kind == tEOF {
		c.errorf(name.pos, name.end, "E152", "#%s with no expression", name.text)
		return false
	}
	v := c.parseExpr()
	if !c.failed && c.tok.kind != tEOF {
		c.errorExpected("E152", "end of #"+name.text+" expression")
	}
	return !c.failed && v.v != 0
}

// ----------------------------------------------------------------------------
// Macros and includes

func (p *processor) define(l *lexer, name ctoken) {
	t := l.next()
	if !p.checkMacroName(t, name) {
		return
	}
	d := Define{Name: t.text, Pos: t.pos}
	if strings.HasPrefix(l.src[l.off:], "(") {
		params, ok := p.macroParams(l)
		if !ok {
			return
		}
		d.FuncLike, d.Params = true, params
	}
	rest, pos := l.rest()
	body := blankComments(rest)
	trimmed := strings.TrimLeft(body, " \t\r\f\v")
	d.BodyPos = pos + token.Pos(len(body)-len(trimmed))
	d.Body = strings.TrimRight(trimmed, " \t\r\f\v")
	if old, ok := p.res.Defines[d.Name]; ok && !sameMacro(old, d) {
		w := p.errs.Warnf(t.pos, t.end, "W152", "macro %q redefined", d.Name)
		if old.Pos.IsValid() {
			w.Related = append(w.Related, diag.Related{Pos: old.Pos, End: old.Pos + token.Pos(len(old.Name)), Message: "previous definition is here"})
		}
	}
	p.res.Defines[d.Name] = d
}

// macroParams parses the parameter list of a function-like macro.
func (p *processor) macroParams(l *lexer) ([]string, bool) {
	l.next() // '('
	var params []string
	for {
		t := l.next()
		if t.is(")") && len(params) == 0 {
			return params, true
		}
		if t.kind != tIdent && !t.is("...") {
			p.errs.Errorf(t.pos, t.end, "E153", "expected parameter name, found %s", describe(t, "newline"))
			return nil, false
		}
		params = append(params, t.text)
		switch t = l.next(); {
		case t.is(")"):
			return params, true
		case !t.is(","):
			p.errs.Errorf(t.pos, t.end, "E153", "expected ',' or ')' in macro parameter list, found %s", describe(t, "newline"))
			return nil, false
		}
	}
}

// sameMacro reports whether two definitions are the same, white space
// aside.
func sameMacro(a, b Define) bool {
	return a.FuncLike == b.FuncLike && strings.Join(a.Params, ",") == strings.Join(b.Params, ",") &&
		strings.Join(strings.Fields(a.Body), " ") == strings.Join(strings.Fields(b.Body), " ")
}

func (p *processor) undef(l *lexer, name ctoken) {
	t := l.next()
	if !p.checkMacroName(t, name) {
		return
	}
	delete(p.res.Defines, t.text)
	p.extraTokens(l, name)
}

// include records an #include "path" or <path>; bt does not read it.
func (p *processor) include(l *lexer, name ctoken, hash token.Pos) {
	rest, pos := l.rest()
	rest = blankComments(rest)
	i := len(rest) - len(strings.TrimLeft(rest, " \t\r\f\v"))
	closer := map[byte]byte{'<': '>', '"': '"'}
	var j int
	if i < len(rest) && closer[rest[i]] != 0 {
		j = strings.IndexByte(rest[i+1:], closer[rest[i]])
	}
	if i >= len(rest) || closer[rest[i]] == 0 || j < 0 {
		end := pos + token.Pos(len(strings.TrimRight(rest, " \t\r")))
		p.errs.Errorf(name.pos, max(end, name.end), "E155", "#%s expects \"FILENAME\" or <FILENAME>", name.text)
		return
	}
	inc := Include{Path: rest[i+1 : i+1+j], System: rest[i] == '<', Hash: hash, Pos: pos + token.Pos(i), End: pos + token.Pos(i+j+2)}
	if inc.Path == "" {
		p.errs.Errorf(inc.Pos, inc.End, "E155", "empty filename in #%s", name.text)
		return
	}
	p.res.Includes = append(p.res.Includes, inc)
	p.defineHeader(inc.Path)
	if tail := strings.TrimSpace(rest[i+j+2:]); tail != "" {
		at := inc.End + token.Pos(strings.Index(rest[i+j+2:], tail))
		p.errs.Warnf(at, at+token.Pos(len(tail)), "W151", "extra tokens at end of #%s directive", name.text)
	}
}

// describe spells a token for "found ..." in messages; eof is the word
// for the end of the text.
func describe(t ctoken, eof string) string {
	switch t.kind {
	case tEOF:
		return eof
	case tIdent, tNumber:
		return "\"" + t.text + "\""
	case tChar, tString:
		return "literal " + t.text
	case tDirective:
		return "preprocessor directive"
	case tIllegal:
		if c := t.text[0]; c < ' ' || c > '~' {
			return strconv.QuoteToASCII(t.text)
		}
	}
	return "'" + t.text + "'"
}
