package lsp

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/bt-tools/bt/lang"
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/builtins"
	"github.com/bt-tools/bt/lang/kernel"
	"github.com/bt-tools/bt/lang/probes"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
	"github.com/bt-tools/bt/lsp/internal/protocol"
)

// maxItems bounds the long lists (kernel functions, symbols): the list is
// then marked incomplete, and the editor asks again as the user types.
const maxItems = 200

type completionParams struct {
	protocol.CompletionParams
}

func (p *completionParams) document() protocol.DocumentURI { return p.TextDocument.URI }

func completionRequest(ctx context.Context, snap *Snapshot, p *completionParams) (*protocol.CompletionList, error) {
	return Completion(ctx, snap, snap.Mapper.Pos(p.Position))
}

// Completion lists what may be typed at pos: probe types and attach points
// from kernel info (tracepoint categories and events, kernel functions,
// the symbols of a uprobe's binary ...) at the top level; fields after
// `.` or `->` (`args.` fields from the probe's attach points, BTF struct
// fields); config keys in the config block; maps after `@` and the
// variables in scope after `$`; builtins, functions (as snippets when
// the editor takes them), macros and keywords elsewhere.
func Completion(ctx context.Context, snap *Snapshot, pos token.Pos) (*protocol.CompletionList, error) {
	u, err := snap.Checked(ctx)
	if err != nil {
		return nil, err
	}
	c := &completer{snap: snap, u: u, pos: pos, off: snap.Mapper.clamp(int(pos) - 1)}
	c.path = pathAt(u.AST, pos)
	c.infos = views(u, c.path)
	c.complete(ctx)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	sort.SliceStable(c.items, func(i, j int) bool { return c.items[i].SortText < c.items[j].SortText })
	return &protocol.CompletionList{IsIncomplete: c.incomplete, Items: c.items}, nil
}

type completer struct {
	snap  *Snapshot
	u     *lang.Unit
	pos   token.Pos
	off   int // pos as an offset
	path  []ast.Node
	infos []*sema.Info

	items      []protocol.CompletionItem
	seen       map[string]bool
	incomplete bool
}

// Sort groups: what the user most likely wants comes first.
const (
	rankLocal   = "0" // maps, variables, fields, identifier arguments
	rankBuiltin = "1" // builtin variables
	rankFunc    = "2" // functions and macros
	rankOther   = "3" // aggregations outside a map assignment, constants
	rankKeyword = "4"
)

func (c *completer) complete(ctx context.Context) {
	if c.inCommentOrString() {
		return
	}
	if ap, _ := innermost[*ast.AttachPoint](c.path); ap != nil && ap.Pos() <= c.pos && c.pos <= ap.End() {
		c.attachPoint(ap.Raw[:c.pos-ap.Pos()], c.off-int(c.pos-ap.Pos()))
		return
	}
	if !c.inBody() {
		c.topLevel()
		return
	}
	if cfg, _ := innermost[*ast.ConfigDecl](c.path); cfg != nil {
		c.configKeys(cfg)
		return
	}
	if fx, _ := innermost[*ast.FieldExpr](c.path); fx != nil && c.pos > fx.OpPos {
		c.fields(fx)
		return
	}
	start, word := c.wordBefore()
	switch {
	case start > 0 && c.snap.Src[start-1] == '@':
		c.maps(start - 1)
	case start > 0 && c.snap.Src[start-1] == '$':
		c.vars(start - 1)
	default:
		c.identifiers(start, word)
	}
}

// inBody reports whether the cursor is in code: between the braces of a
// block or the config block, in a predicate, or in a macro's or fn's
// header. Anywhere else is the top level, where attach points go, however
// the parser recovered from the half-typed probe header under the cursor.
func (c *completer) inBody() bool {
	// A brace or slash the parser had to invent (the user has not typed
	// it yet) is not where it says: look at the source.
	src := c.snap.Src
	at := func(p token.Pos, chars string) bool {
		return p.IsValid() && int(p) <= len(src) && strings.IndexByte(chars, src[p-1]) >= 0
	}
	inside := func(l, r token.Pos) bool {
		open := r <= l || !at(r, "}/")
		return at(l, "{/") && l < c.pos && (open || c.pos <= r)
	}
	for _, n := range c.path {
		switch n := n.(type) {
		case *ast.Block:
			if inside(n.Lbrace, n.Rbrace) {
				return true
			}
		case *ast.ConfigDecl:
			if inside(n.Lbrace, n.Rbrace) {
				return true
			}
		case *ast.Predicate:
			if inside(n.Lslash, n.Rslash) {
				return true
			}
		case *ast.MacroDecl, *ast.FnDecl, *ast.MapDecl, *ast.ImportDecl:
			return true
		}
	}
	return false
}

func (c *completer) inCommentOrString() bool {
	for _, cm := range c.u.AST.Comments {
		if cm.Pos() < c.pos && (c.pos < cm.End() || !cm.IsBlock() && c.pos == cm.End()) {
			return true
		}
	}
	if s, _ := innermost[*ast.StringLit](c.path); s != nil && s.Pos() < c.pos && c.pos < s.End() {
		return true
	}
	if d, _ := innermost[*ast.PreprocDecl](c.path); d != nil {
		return true
	}
	return false
}

// wordBefore returns the start offset and text of the identifier that
// ends at the cursor (empty if none).
func (c *completer) wordBefore() (int, string) {
	start := c.off
	for start > 0 && isIdentByte(c.snap.Src[start-1]) {
		start--
	}
	return start, string(c.snap.Src[start:c.off])
}

func isIdentByte(b byte) bool {
	return b == '_' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9'
}

// add appends an item that replaces [from, cursor) with text, once per
// label.
func (c *completer) add(from int, item protocol.CompletionItem, text string) {
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	if c.seen[item.Label] {
		return
	}
	c.seen[item.Label] = true
	rng := c.snap.Mapper.Range(token.Pos(from+1), c.pos)
	item.TextEdit = &protocol.TextEdit{Range: rng, NewText: text}
	if item.InsertTextFormat == 0 {
		item.InsertTextFormat = protocol.InsertTextFormatPlainText
	}
	item.SortText += item.Label
	c.items = append(c.items, item)
}

func (c *completer) doc(md string) any {
	if md == "" {
		return nil
	}
	if c.snap.env.client.markdownCompletion {
		return protocol.MarkupContent{Kind: protocol.Markdown, Value: md}
	}
	return md
}

// ---------------------------------------------------------------------------
// Top level and attach points

var topKeywords = []struct{ word, snippet, doc string }{
	{"config", "config = {\n\t$0\n}", "The config block: `config = { key = value; ... }`."},
	{"macro", "macro ${1:name}($2) {\n\t$0\n}", "A macro: `macro name(params) { body }`."},
	{"fn", "fn ${1:name}($2): ${3:int64} {\n\t$0\n}", "A function (experimental)."},
	{"let", "let @${1:name} = ${2:lruhash}(${3:1024});", "A map declaration: `let @m = lruhash(N);`."},
}

// topLevel completes at the start of a top-level item: probe types and
// the prologue's keywords.
func (c *completer) topLevel() {
	start := c.off
	for start > 0 && !isAttachBreak(c.snap.Src[start-1]) {
		start--
	}
	prefix := string(c.snap.Src[start:c.off])
	c.attachPoint(prefix, start)
	if !strings.Contains(prefix, ":") {
		for _, kw := range topKeywords {
			item := protocol.CompletionItem{Label: kw.word, Kind: protocol.CompletionItemKindKeyword,
				SortText: rankKeyword, Documentation: c.doc(kw.doc)}
			text := kw.word
			if c.snap.env.client.snippets {
				item.InsertTextFormat = protocol.InsertTextFormatSnippet
				text = kw.snippet
			}
			c.add(start, item, text)
		}
	}
}

// isAttachBreak reports whether b ends an attach point (LANGUAGE.md 3.1).
func isAttachBreak(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == ',' || b == '{' || b == '}' || b == ';'
}

// attachPoint completes the part of an attach point under the cursor;
// prefix is the text from the attach point's start to the cursor, which
// is at offset start+len(prefix).
func (c *completer) attachPoint(prefix string, start int) {
	parts := strings.Split(prefix, ":")
	last := parts[len(parts)-1]
	from := start + len(prefix) - len(last)
	if len(parts) == 1 {
		c.providers(from)
		return
	}
	prov, ok := probes.Lookup(parts[0])
	if !ok {
		return
	}
	if k := c.snap.Kernel(); k != nil && c.kernelPart(k, prov.Name, parts, from) {
		return
	}
	c.fixedPart(prov.Name, parts, from)
}

// kernelPart completes the parts that come from kernel info and reports
// whether the provider is one of those.
func (c *completer) kernelPart(k kernel.Info, prov string, parts []string, from int) bool {
	n, last := len(parts), parts[len(parts)-1]
	switch prov {
	case "tracepoint":
		c.tracepoints(k, parts, from)
	case "kprobe", "kretprobe", "fentry", "fexit":
		if n == 2 {
			c.sortedNames(from, last, k.Functions, protocol.CompletionItemKindFunction, "kernel function")
		}
	case "rawtracepoint":
		if n == 2 {
			c.sortedNames(from, last, k.RawTracepoints, protocol.CompletionItemKindEvent, "raw tracepoint")
		}
	case "iter":
		if n == 2 {
			c.sortedNames(from, last, k.Iters, protocol.CompletionItemKindEvent, "iterator")
		}
	case "uprobe", "uretprobe":
		if n == 3 {
			c.symbols(from, last, parts[1], k)
			return true
		}
		return false // the binary: a path
	default:
		return false
	}
	return true
}

// tracepoints completes a tracepoint's category, then its event.
func (c *completer) tracepoints(k kernel.Info, parts []string, from int) {
	tps, err := k.Tracepoints()
	if err != nil {
		return
	}
	for _, tp := range tps {
		switch {
		case len(parts) == 2:
			c.addPart(from, tp.Category, protocol.CompletionItemKindModule, "tracepoint category", tp.Category+":")
		case len(parts) == 3 && tp.Category == parts[1]:
			c.addPart(from, tp.Event, protocol.CompletionItemKindEvent, "tracepoint", tp.Event)
		}
	}
}

// fixedPart completes the parts that do not depend on the kernel: a
// uprobe's binary, perf events, timer units, self's trigger.
func (c *completer) fixedPart(prov string, parts []string, from int) {
	if len(parts) == 3 && prov == "self" {
		c.addPart(from, "SIGUSR1", protocol.CompletionItemKindEvent, "signal", "SIGUSR1")
	}
	if len(parts) != 2 {
		return
	}
	switch prov {
	case "uprobe", "uretprobe":
		c.paths(from, parts[1])
	case "software", "hardware":
		for _, e := range probes.PerfEvents(prov) {
			detail := fmt.Sprintf("%s event, default period %d", prov, e.Default)
			c.addPart(from, e.Name, protocol.CompletionItemKindEvent, detail, e.Name)
			if e.Alias != "" {
				c.addPart(from, e.Alias, protocol.CompletionItemKindEvent, "alias of "+e.Name, e.Alias)
			}
		}
	case "profile", "interval":
		for _, unit := range []string{"hz", "s", "ms", "us"} {
			c.addPart(from, unit, protocol.CompletionItemKindUnit, "rate unit", unit+":")
		}
	case "self":
		c.addPart(from, "signal", protocol.CompletionItemKindEvent, "trigger", "signal:")
	}
}

func (c *completer) addPart(from int, label string, kind protocol.CompletionItemKind, detail, text string) {
	c.add(from, protocol.CompletionItem{Label: label, Kind: kind, Detail: detail, SortText: rankLocal}, text)
}

// providers lists the probe types, with the 0.17 spellings BEGIN and END.
func (c *completer) providers(from int) {
	for _, p := range probes.All() {
		item := protocol.CompletionItem{
			Label: p.Name, Kind: protocol.CompletionItemKindModule, SortText: rankLocal,
			Detail: strings.Join(p.Forms, "  "), Documentation: c.doc(p.Doc),
		}
		text := p.Name
		if !p.Special || p.Name == "self" || p.Name == "test" || p.Name == "bench" {
			text += ":"
		}
		c.add(from, item, text)
		for _, legacy := range p.Legacy {
			if legacy == "BEGIN" || legacy == "END" {
				item.Label, item.Detail = legacy, "the 0.17 spelling of "+p.Name
				c.add(from, item, legacy)
			}
		}
	}
}

// sortedNames adds the names of a sorted list that start with prefix, at
// most maxItems of them.
func (c *completer) sortedNames(from int, prefix string, list func() ([]string, error), kind protocol.CompletionItemKind, detail string) {
	names, err := list()
	if err != nil {
		return
	}
	i := sort.SearchStrings(names, prefix)
	for n := 0; i < len(names) && strings.HasPrefix(names[i], prefix); i++ {
		if n == maxItems {
			c.incomplete = true
			return
		}
		c.addPart(from, names[i], kind, detail, names[i])
		n++
	}
}

// paths completes the binary of a uprobe: the entries of the directory
// typed so far.
func (c *completer) paths(from int, prefix string) {
	if !strings.HasPrefix(prefix, "/") {
		return
	}
	dir, base := filepath.Split(prefix)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	n := 0
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), base) {
			continue
		}
		if n == maxItems {
			c.incomplete = true
			return
		}
		n++
		kind, text := protocol.CompletionItemKindFile, dir+e.Name()
		if e.IsDir() {
			kind, text = protocol.CompletionItemKindFolder, text+"/"
		}
		c.add(from, protocol.CompletionItem{Label: dir + e.Name(), Kind: kind, SortText: rankLocal}, text)
	}
}

// symbols completes the function of a uprobe from the binary's symbols.
func (c *completer) symbols(from int, prefix, bin string, k kernel.Info) {
	syms, err := k.Symbols(bin)
	if err != nil {
		return
	}
	var names []string
	for _, s := range syms {
		if s.Func && strings.HasPrefix(s.Name, prefix) {
			names = append(names, s.Name)
		}
	}
	sort.Strings(names)
	names = slices.Compact(names)
	if len(names) > maxItems {
		names, c.incomplete = names[:maxItems], true
	}
	for _, n := range names {
		c.addPart(from, n, protocol.CompletionItemKindFunction, "symbol of "+filepath.Base(bin), n)
	}
}

// ---------------------------------------------------------------------------
// Config keys

func (c *completer) configKeys(cfg *ast.ConfigDecl) {
	if c.pos <= cfg.Lbrace || cfg.Rbrace.IsValid() && c.pos > cfg.Rbrace {
		return
	}
	for _, e := range cfg.Entries {
		if e.Assign.IsValid() && c.pos > e.Assign && c.pos <= e.End() {
			return // a value, not a key
		}
	}
	start, _ := c.wordBefore()
	keys := sema.ConfigKeys()
	sort.Strings(keys)
	for _, k := range keys {
		c.add(start, protocol.CompletionItem{Label: k, Kind: protocol.CompletionItemKindProperty,
			SortText: rankLocal, Detail: "config key", Documentation: c.doc(configHover(k))}, k+" = ")
	}
}

// ---------------------------------------------------------------------------
// Fields

// fields completes after `.` or `->`: the fields of the struct the left
// side is or points to, the elements of a record or tuple, or the args
// fields of the probe's attach points.
func (c *completer) fields(fx *ast.FieldExpr) {
	from := int(fx.OpPos) // the offset after '.'
	if fx.Arrow {
		from++ // after "->"
	}
	if fx.Sel != nil && fx.Sel.Name != "" && fx.Sel.Pos() <= c.pos {
		from = int(fx.Sel.Pos()) - 1
	}
	if t, ok := lookup(c.infos, fx.X, typeOf); ok {
		c.typeFields(from, t)
		return
	}
	if id, ok := ast.Unparen(fx.X).(*ast.Ident); ok && id.Name == "args" {
		if p := enclosingProbe(c.u, c.path); p != nil {
			layouts := argsLayouts(c.snap.Kernel(), p, 64)
			c.argsFields(from, layouts)
		}
	}
}

func (c *completer) typeFields(from int, t types.Type) {
	switch t := t.(type) {
	case *types.Record:
		for i, name := range t.Names {
			c.add(from, protocol.CompletionItem{Label: name, Kind: protocol.CompletionItemKindField,
				Detail: typeString(t.Elems[i]), SortText: rankLocal}, name)
		}
		return
	case *types.Tuple:
		for i, e := range t.Elems {
			n := fmt.Sprint(i)
			c.add(from, protocol.CompletionItem{Label: n, Kind: protocol.CompletionItemKindField,
				Detail: typeString(e), SortText: rankLocal + fmt.Sprintf("%03d", i)}, n)
		}
		return
	}
	if s, ok := derefStruct(t); ok {
		c.structFields(from, s, 0, nil)
	}
}

// structFields adds the fields of s, those of anonymous members too (C
// reaches them by name), with their offsets relative to the outer struct.
func (c *completer) structFields(from int, s *types.Struct, base int64, decl func(string) string) {
	for _, f := range s.Fields() {
		if f.Name == "" {
			if inner, ok := f.Type.(*types.Struct); ok {
				c.structFields(from, inner, base+f.Offset, decl)
			}
			continue
		}
		doc := fmt.Sprintf("offset %d · size %d", base+f.Offset, typeSize(f.Type))
		if decl != nil {
			if d := decl(f.Name); d != "" {
				doc = "`" + d + "` · " + doc
			}
		}
		c.add(from, protocol.CompletionItem{Label: f.Name, Kind: protocol.CompletionItemKindField,
			Detail: typeString(f.Type), Documentation: c.doc(doc), SortText: rankLocal}, f.Name)
	}
}

// argsFields adds the fields of the args layouts of a probe's attach
// points; a field that only some have says so.
func (c *completer) argsFields(from int, layouts []*types.Struct) {
	count := map[string]int{}
	for _, l := range layouts {
		for _, f := range l.Fields() {
			count[f.Name]++
		}
	}
	for _, l := range layouts {
		for _, f := range l.Fields() {
			detail := typeString(f.Type)
			if n := count[f.Name]; n < len(layouts) {
				detail += fmt.Sprintf(" (in %d of %d attach points)", n, len(layouts))
			}
			c.add(from, protocol.CompletionItem{Label: f.Name, Kind: protocol.CompletionItemKindField,
				Detail: detail, SortText: rankLocal,
				Documentation: c.doc(fmt.Sprintf("offset %d · size %d", f.Offset, typeSize(f.Type)))}, f.Name)
		}
	}
}

// ---------------------------------------------------------------------------
// Maps, variables and identifiers

// maps completes `@name` from the program's maps; from is the '@'.
func (c *completer) maps(from int) {
	if c.u.Prog == nil {
		return
	}
	for _, m := range c.u.Prog.MapOrder {
		if m.Name == "@" || c.onlyAtCursor(m.Refs) {
			continue // the anonymous map, or the one being typed
		}
		c.add(from, protocol.CompletionItem{Label: m.Name, Kind: protocol.CompletionItemKindVariable,
			Detail: mapSignature(m), SortText: rankLocal}, m.Name)
	}
}

// onlyAtCursor reports whether every reference is the one being typed.
func (c *completer) onlyAtCursor(refs []*ast.MapExpr) bool {
	for _, r := range refs {
		if r.End() != c.pos {
			return false
		}
	}
	return len(refs) > 0
}

// vars completes `$name` from the variables in scope at the cursor; from
// is the '$'.
func (c *completer) vars(from int) {
	for _, v := range c.varsInScope() {
		name := "$" + v.Name
		c.add(from, protocol.CompletionItem{Label: name, Kind: protocol.CompletionItemKindVariable,
			Detail: typeString(v.Type), SortText: rankLocal}, name)
	}
}

// varsInScope returns the variables visible at the cursor: those whose
// declaration (let or first assignment) is in a block that holds the
// cursor, in the same probe or macro.
func (c *completer) varsInScope() []*sema.Var {
	var out []*sema.Var
	seen := map[*sema.Var]bool{}
	names := map[string]bool{}
	stmt := c.statement()
	for _, info := range c.infos {
		for _, v := range info.Vars {
			if v == nil || seen[v] || v.Decl == nil {
				continue
			}
			seen[v] = true
			if v.Decl.Pos() > c.pos || names[v.Name] || stmt != nil && stmt.Pos() <= v.Decl.Pos() {
				continue // not declared yet, or by the statement being typed
			}
			block, _ := innermost[*ast.Block](pathAt(c.u.AST, v.Decl.Pos()))
			if block == nil || block.Pos() > c.pos || c.pos > block.End() {
				continue
			}
			names[v.Name] = true
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// statement returns the innermost statement that holds the cursor.
func (c *completer) statement() ast.Node {
	for i := len(c.path) - 1; i >= 0; i-- {
		switch n := c.path[i].(type) {
		case *ast.Block:
			return nil
		case ast.Stmt:
			return n
		}
	}
	return nil
}

var exprKeywords = []string{"if", "else", "for", "while", "unroll", "let", "return", "break",
	"continue", "true", "false", "sizeof", "offsetof", "typeof", "struct", "union", "enum"}

// identifiers completes an identifier at [start, cursor): builtins allowed
// in the probe, functions, macros, #defines, keywords and, for an
// argument that takes one of a set of names (kstack(perf)), those names.
func (c *completer) identifiers(start int, word string) {
	c.identArgs(start)
	provs := c.probeTypes()
	agg := c.inMapAssignment()
	for _, b := range builtins.All() {
		if b.Removed != "" || !allowedIn(b, provs) {
			continue
		}
		c.builtin(start, b, agg)
	}
	if c.u.Prog != nil {
		c.userCallables(start)
		if cdefs := c.u.Prog.C; cdefs != nil {
			for name, d := range cdefs.Defines {
				if d.Pos.IsValid() {
					c.add(start, protocol.CompletionItem{Label: name, Kind: protocol.CompletionItemKindConstant,
						Detail: "#define " + name + " " + d.Body, SortText: rankOther}, name)
				}
			}
			for name, e := range cdefs.EnumConsts {
				c.add(start, protocol.CompletionItem{Label: name, Kind: protocol.CompletionItemKindEnumMember,
					Detail: fmt.Sprintf("%s = %d", e.Enum, e.Value), SortText: rankOther}, name)
			}
		}
	}
	for _, kw := range exprKeywords {
		c.add(start, protocol.CompletionItem{Label: kw, Kind: protocol.CompletionItemKindKeyword, SortText: rankKeyword}, kw)
	}
	if word == "" {
		// Nothing typed yet: offer the maps and variables too, sigil and all.
		c.maps(start)
		c.vars(start)
	}
}

// probeTypes returns the canonical provider names of the enclosing
// probe's attach points (nil outside probes: macros, fns).
func (c *completer) probeTypes() []string {
	p := enclosingProbe(c.u, c.path)
	if p == nil {
		return nil
	}
	var out []string
	for _, pt := range p.Points {
		if pt.AP != nil && !slices.Contains(out, pt.AP.Provider.Name) {
			out = append(out, pt.AP.Provider.Name)
		}
	}
	return out
}

// allowedIn reports whether a builtin may be used in a probe of one of
// the providers (any builtin, outside probes).
func allowedIn(b *builtins.Builtin, provs []string) bool {
	if b.Probes == nil || provs == nil {
		return true
	}
	for _, p := range provs {
		if slices.Contains(b.Probes, p) {
			return true
		}
	}
	return false
}

// inMapAssignment reports whether the cursor is the value of a map
// assignment, where aggregations go.
func (c *completer) inMapAssignment() bool {
	as, i := innermost[*ast.AssignStmt](c.path)
	if i < 0 || c.pos <= as.TokPos {
		return false
	}
	switch as.LHS.(type) {
	case *ast.MapExpr, *ast.MapAccess:
		return true
	}
	return false
}

func (c *completer) builtin(start int, b *builtins.Builtin, agg bool) {
	item := protocol.CompletionItem{Label: b.Name, Detail: b.Signature,
		Documentation: c.doc(b.Doc), Deprecated: b.Deprecated != ""}
	if b.Deprecated != "" {
		item.Tags = []protocol.CompletionItemTag{protocol.CompletionItemTagDeprecated}
	}
	text := b.Name
	switch {
	case b.Keyword:
		item.Kind, item.SortText = protocol.CompletionItemKindKeyword, rankKeyword
	case b.Kind == builtins.Var:
		item.Kind, item.SortText = protocol.CompletionItemKindVariable, rankBuiltin
		if b.Result != nil {
			item.Detail = b.Signature + ": " + b.Result.String()
		}
	default:
		item.Kind, item.SortText = protocol.CompletionItemKindFunction, rankFunc
		if b.Kind == builtins.Agg && !agg {
			item.SortText = rankOther
		}
		if c.snap.env.client.snippets {
			item.InsertTextFormat = protocol.InsertTextFormatSnippet
			text = callSnippet(b.Name, b.Params)
		}
	}
	c.add(start, item, text)
}

// callSnippet is name(${1:p1}, ${2:p2}) with the required parameters.
func callSnippet(name string, params []builtins.Param) string {
	var args []string
	for _, p := range params {
		if p.Optional {
			break
		}
		args = append(args, fmt.Sprintf("${%d:%s}", len(args)+1, snippetEscape(p.Name)))
	}
	return name + "(" + strings.Join(args, ", ") + ")$0"
}

func snippetEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `$`, `\$`, `}`, `\}`).Replace(s)
}

// userCallables adds the script's macros and fns.
func (c *completer) userCallables(start int) {
	var names []string
	for name := range c.u.Prog.Macros {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		d := c.u.Prog.Macros[name][0]
		var params []string
		for i, p := range d.Params {
			params = append(params, fmt.Sprintf("${%d:%s}", i+1, snippetEscape(c.u.Tok.Text(p.Pos(), p.End()))))
		}
		item := protocol.CompletionItem{Label: name, Kind: protocol.CompletionItemKindFunction,
			Detail: "macro", SortText: rankFunc}
		text := name
		if c.snap.env.client.snippets {
			item.InsertTextFormat = protocol.InsertTextFormatSnippet
			text = name + "(" + strings.Join(params, ", ") + ")$0"
		}
		c.add(start, item, text)
	}
	for name := range c.u.Prog.Fns {
		c.add(start, protocol.CompletionItem{Label: name, Kind: protocol.CompletionItemKindFunction,
			Detail: "fn", SortText: rankFunc}, name)
	}
}

// identArgs offers the names an argument takes when the cursor is on an
// argument of a builtin that takes one of a set (kstack(perf), nsecs(tai)).
func (c *completer) identArgs(start int) {
	call, _ := innermost[*ast.CallExpr](c.path)
	if call == nil || c.pos <= call.Lparen || call.Rparen.IsValid() && c.pos > call.Rparen && call.Rparen > call.Lparen {
		return
	}
	b, ok := builtins.Lookup(call.Fun.Name)
	if !ok {
		return
	}
	i := argIndex(c.snap.Src, call, c.pos)
	for _, params := range [][]builtins.Param{b.Params, b.AltParams} {
		if i < len(params) {
			for _, id := range params[i].Idents {
				c.add(start, protocol.CompletionItem{Label: id, Kind: protocol.CompletionItemKindEnumMember,
					Detail: params[i].Name + " of " + b.Name, SortText: rankLocal}, id)
			}
		}
	}
}

// ---------------------------------------------------------------------------
// args layouts

// argsLayouts returns the args layouts of a probe's attach points: the
// checker's, and for wildcards (which the checker does not expand for
// editors) those of at most max matches.
func argsLayouts(k kernel.Info, p *sema.Probe, max int) []*types.Struct {
	var out []*types.Struct
	for _, pt := range p.Points {
		if pt.Args != nil {
			out = append(out, pt.Args)
			continue
		}
		if k == nil || pt.AP == nil || !pt.AP.Wildcard || !pt.AP.Provider.Args {
			continue
		}
		aps, err := probes.Expand(pt.AP, k)
		if err != nil {
			continue
		}
		for _, ap := range aps[:min(len(aps), max)] {
			if s, err := probes.ArgsType(ap, k); err == nil {
				out = append(out, s)
			}
		}
	}
	return out
}
