package sema

import (
	"errors"
	"fmt"
	"strings"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/cdef"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/kernel"
	"github.com/bt-tools/bt/lang/probes"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
)

// maxPasses bounds the fix-point iteration over map types: a map read in
// a probe before the probe that writes it needs a second pass.
const maxPasses = 4

type checker struct {
	opts Options
	file *token.File
	f    *ast.File
	prog *Program
	errs diag.List

	// report is false on the passes before the last: they only learn
	// map types.
	report  bool
	changed bool // a map type was learned in this pass

	// The current probe body context.
	probe   *ast.Probe
	point   *Point
	group   []*Point
	info    *Info
	scope   *scope
	loops   int
	macros  []string // macro expansion stack, for recursion errors
	defines []string // #define expansion stack

	cErrs      diag.List // from the C prologue, reported on the last pass
	configErrs diag.List

	forDepth    int                    // for-loop bodies run as callbacks without ctx
	defineCache map[string]ast.Expr    // parsed #define bodies
	args        map[ast.Node]argOrigin // nodes of macro arguments substituted into bodies
	aggCalls    map[*ast.CallExpr]bool // aggregation calls that are the value of a map assignment
	curDecl     *ast.Probe             // the probe whose attach points are being collected
}

func newChecker(file *token.File, f *ast.File, opts Options) *checker {
	if opts.MaxStrlen == 0 {
		opts.MaxStrlen = 1024
	}
	return &checker{
		opts: opts, file: file, f: f,
		prog: &Program{
			File: f, Tok: file,
			Maps:   map[string]*Map{},
			Macros: map[string][]*ast.MacroDecl{},
			Fns:    map[string]*ast.FnDecl{},
			Info:   newInfo(),
		},
	}
}

func (c *checker) errorf(n ast.Node, code, format string, args ...any) *diag.Diagnostic {
	return c.errorAt(n.Pos(), n.End(), code, format, args...)
}

func (c *checker) errorAt(pos, end token.Pos, code, format string, args ...any) *diag.Diagnostic {
	if !c.report {
		return &diag.Diagnostic{}
	}
	msg := fmt.Sprintf(format, args...)
	if c.point != nil && len(c.group) > 0 && c.mixed() {
		msg = fmt.Sprintf("%s (for %s)", msg, c.groupNames())
	}
	return c.errs.Errorf(pos, end, code, "%s", msg)
}

func (c *checker) warnf(n ast.Node, code, format string, args ...any) *diag.Diagnostic {
	return c.warnAt(n.Pos(), n.End(), code, format, args...)
}

func (c *checker) warnAt(pos, end token.Pos, code, format string, args ...any) *diag.Diagnostic {
	if !c.report {
		return &diag.Diagnostic{}
	}
	return c.errs.Warnf(pos, end, code, format, args...)
}

// mixed reports whether the current probe is checked for several layouts.
func (c *checker) mixed() bool {
	for _, p := range c.prog.Probes {
		if p.Decl == c.probe {
			return len(p.Groups) > 1
		}
	}
	return false
}

func (c *checker) groupNames() string {
	names := make([]string, 0, len(c.group))
	for _, p := range c.group {
		names = append(names, p.AP.String())
		if len(names) == 3 && len(c.group) > 3 {
			names = append(names, fmt.Sprintf("and %d more", len(c.group)-3))
			break
		}
	}
	return strings.Join(names, ", ")
}

func (c *checker) run() {
	c.prologue()
	c.collectProbes()
	// Every pass reports; a pass that learns something about a map (a
	// probe read it before the probe that writes it was checked) drops
	// its diagnostics and the next pass starts over with the types
	// learned. Most programs take two passes: one to learn, one that
	// confirms and reports.
	kept := len(c.errs) // the attach points' diagnostics, reported once
	c.report = true
	for pass := 0; ; pass++ {
		c.changed = false
		c.reportPrologue()
		c.checkBodies()
		if !c.changed || pass == maxPasses-1 {
			break
		}
		c.errs = c.errs[:kept]
		for _, m := range c.prog.MapOrder {
			m.Refs, m.Writes, m.Decl, m.signWarned = nil, nil, nil, false
		}
	}
	c.checkMaps()
}

// prologue processes C definitions, the config block, macros, fns and
// map declarations.
func (c *checker) prologue() {
	var cdecls []ast.Decl
	for _, d := range c.f.Decls {
		switch d := d.(type) {
		case *ast.PreprocDecl, *ast.CDecl:
			cdecls = append(cdecls, d)
		case *ast.MacroDecl:
			c.prog.Macros[d.Name.Name] = append(c.prog.Macros[d.Name.Name], d)
		case *ast.FnDecl:
			c.prog.Fns[d.Name.Name] = d
		case *ast.ConfigDecl:
			c.prog.Config = c.config(d)
		}
	}
	if c.prog.Config == nil {
		c.prog.Config = defaultConfig()
	}
	if c.prog.Config.MaxStrlen > 0 {
		c.opts.MaxStrlen = c.prog.Config.MaxStrlen
	}
	c.prog.MaxStrlen = c.opts.MaxStrlen
	c.prog.C = c.processC(cdecls)
}

func (c *checker) processC(decls []ast.Decl) *cdef.Result {
	var opts cdef.Options
	if c.opts.Kernel != nil {
		opts.UseKernel(c.opts.Kernel)
	}
	res, errs := cdef.Process(c.file, decls, opts)
	c.cErrs = errs
	return res
}

func (c *checker) reportPrologue() {
	c.errs = append(c.errs, c.cErrs...)
	c.errs = append(c.errs, c.configErrs...)
	for _, d := range c.f.Decls {
		switch d := d.(type) {
		case *ast.MapDecl:
			c.mapDecl(d)
		case *ast.MacroDecl:
			c.macroDecl(d)
		case *ast.FnDecl:
			c.fnDecl(d)
		case *ast.ImportDecl:
			c.warnf(d, "W202", "import is not supported by bt yet; %s is not read", d.Path.Lit)
		}
	}
}

// collectProbes parses, substitutes and expands every attach point.
func (c *checker) collectProbes() {
	for _, d := range c.f.Decls {
		pd, ok := d.(*ast.Probe)
		if !ok {
			continue
		}
		p := &Probe{Decl: pd}
		c.curDecl = pd
		for _, src := range pd.Attach {
			p.Points = append(p.Points, c.points(src)...)
		}
		p.Groups = groupPoints(p.Points)
		c.prog.Probes = append(c.prog.Probes, p)
	}
	c.checkProbeCount()
}

// checkProbeCount reports a program that attaches more probes than
// max_probes allows (bpftrace refuses to start it).
func (c *checker) checkProbeCount() {
	limit := c.prog.Config.MaxProbes
	n := 0
	var last *ast.Probe
	for _, p := range c.prog.Probes {
		multi := map[*ast.AttachPoint]bool{}
		for _, pt := range p.Points {
			if pt.Err != nil || pt.AP.Provider.Special {
				continue
			}
			if isMulti(pt.Source, pt.AP) && !usesProbe(p.Decl) {
				if multi[pt.Source] {
					continue // one kprobe_multi/uprobe_multi link for all matches
				}
				multi[pt.Source] = true
			}
			n++
			last = p.Decl
		}
	}
	if limit <= 0 || n <= int(limit) || last == nil {
		return
	}
	d := c.errs.Errorf(last.Attach[0].Pos(), last.Attach[len(last.Attach)-1].End(), probes.CodeAttachPoint,
		"the program attaches %d probes, more than max_probes (%d)", n, limit)
	d.Hints = []string{fmt.Sprintf("narrow the wildcards, or raise the limit: config = { max_probes = %d }", n)}
}

// points turns one attach point as written into concrete points.
func (c *checker) points(src *ast.AttachPoint) []*Point {
	raw, err := probes.Substitute(src.Raw, c.opts.Params)
	if err != nil {
		c.probeError(src, err)
		return nil
	}
	ap, err := probes.Parse(raw)
	if err != nil {
		c.probeError(src, err)
		return nil
	}
	if err := ap.CheckUnsafe(c.opts.Unsafe); err != nil {
		c.probeError(src, err)
	}
	k := c.opts.Kernel
	if k == nil || ap.Provider.Special || c.opts.NoExpand && ap.Wildcard {
		return []*Point{{Source: src, AP: ap}}
	}
	if err := probes.Resolve(ap, k); err != nil {
		c.probeWarning(src, err, ap)
		return []*Point{{Source: src, AP: ap, Err: err}}
	}
	aps := []*probes.AttachPoint{ap}
	if ap.Wildcard {
		aps, err = probes.Expand(ap, k)
		if err != nil || len(aps) == 0 {
			c.probeWarning(src, err, ap)
			return []*Point{{Source: src, AP: ap, Err: err}}
		}
	}
	if limit := c.prog.Config.MaxProbes; limit > 0 && int64(len(aps)) > limit && !(isMulti(src, ap) && !usesProbe(c.curDecl)) {
		// Over max_probes on its own (checkProbeCount reports it): the
		// layouts of thousands of matches are not worth computing.
		out := make([]*Point, len(aps))
		for i, a := range aps {
			out[i] = &Point{Source: src, AP: a}
		}
		return out
	}
	out := make([]*Point, 0, len(aps))
	for _, a := range aps {
		// The matches of a wildcard exist: they come from the same lists
		// that Exists would search (once per match: quadratic).
		out = append(out, c.point1(src, a, k, !ap.Wildcard))
	}
	return out
}

func (c *checker) point1(src *ast.AttachPoint, ap *probes.AttachPoint, k kernel.Info, checkExists bool) *Point {
	pt := &Point{Source: src, AP: ap}
	if checkExists && !ap.Wildcard {
		if err := probes.Exists(ap, k); err != nil {
			pt.Err = err
			c.probeWarning(src, err, ap)
			return pt
		}
	}
	if ap.Provider.Args {
		pt.Args, pt.ArgsErr = probes.ArgsType(ap, k)
	}
	if ap.Provider.Retval {
		if t, err := probes.RetvalType(ap, k); err == nil {
			pt.Retval = t
		}
	}
	return pt
}

// probeError reports a malformed attach point. Attach-point diagnostics
// are reported once, in collectProbes, so they bypass c.report.
func (c *checker) probeError(src *ast.AttachPoint, err error) {
	code, msg, hint := probes.CodeInvalidAP, err.Error(), ""
	pos, end := src.Pos(), src.End()
	if pe, ok := err.(*probes.ProbeError); ok {
		code, hint = pe.Code, pe.Hint
		if pe.End > pe.Off && pe.End <= len(src.Raw) {
			pos, end = src.Pos()+token.Pos(pe.Off), src.Pos()+token.Pos(pe.End)
		}
	}
	d := c.errs.Errorf(pos, end, code, "%s", msg)
	if hint != "" {
		d.Hints = append(d.Hints, hint)
	}
}

// probeWarning reports an attach point whose target is missing on this
// kernel, the way bpftrace's missing_probes config says: an error by
// default (E509 for a named target, E510 for a wildcard that matches
// nothing), a warning that the attach point is skipped with "warn" (W502),
// nothing with "ignore". Two cases are only warnings whatever the config:
// kprobes not in the list of traceable functions (W501: the list is not
// the last word) and user-space targets (W503: binaries and libraries
// differ between the machine that checks and the one that runs the
// script). Wildcards bt cannot expand (usdt notes, bpf programs) are not
// checked.
func (c *checker) probeWarning(src *ast.AttachPoint, err error, ap *probes.AttachPoint) {
	if errors.Is(err, probes.ErrNotSupported) {
		return
	}
	mode := "error"
	if c.prog.Config != nil && c.prog.Config.MissingProbes != "" {
		mode = c.prog.Config.MissingProbes
	}
	if mode == "ignore" {
		return
	}
	msg := fmt.Sprintf("no match for %s on this kernel", ap.Raw)
	if err != nil {
		msg = err.Error()
	}
	var pe *probes.ProbeError
	errors.As(err, &pe)
	switch {
	case pe != nil && strings.HasPrefix(pe.Code, "W"):
		c.errs.Warnf(src.Pos(), src.End(), pe.Code, "%s", msg)
		return
	case (ap.Provider.Name == "kprobe" || ap.Provider.Name == "kretprobe") && errors.Is(err, probes.ErrNoMatch):
		// The list of traceable functions may be BTF's (no tracefs), which
		// lacks the compiler's clones (f.constprop.0, f.isra.0).
		c.errs.Warnf(src.Pos(), src.End(), probes.CodeNotTraceable, "%s among the traceable functions; attaching will likely fail", msg)
		return
	case ap.Provider.Name == "uprobe" || ap.Provider.Name == "uretprobe" || ap.Provider.Name == "usdt" ||
		err != nil && !errors.Is(err, kernel.ErrNotFound) && !errors.Is(err, probes.ErrNoMatch):
		// User space, or kernel info that could not be read.
		c.errs.Warnf(src.Pos(), src.End(), probes.CodeMissing, "%s", msg)
		return
	}
	code := probes.CodeNotFound
	if ap.Wildcard || errors.Is(err, probes.ErrNoMatch) {
		code = probes.CodeNoMatch
	}
	if mode == "warn" {
		c.errs.Warnf(src.Pos(), src.End(), probes.CodeSkipped, "%s; skipping it", msg)
		return
	}
	d := c.errs.Errorf(src.Pos(), src.End(), code, "%s", msg)
	if s := c.suggestTarget(ap); s != "" {
		d.Hints = append(d.Hints, "did you mean "+s+"?")
	}
	d.Hints = append(d.Hints, "config = { missing_probes = warn } skips attach points that do not exist")
	if pe != nil && pe.Hint != "" {
		d.Hints = append([]string{pe.Hint}, d.Hints...)
	}
}

// groupPoints partitions points by layout: same provider, same args
// struct and same retval type. (The probe builtin differs per point too,
// but it is a string either way; the compiler folds it per program.)
func groupPoints(pts []*Point) [][]*Point {
	var groups [][]*Point
	index := map[string]int{}
	for _, p := range pts {
		key := layoutKey(p)
		if i, ok := index[key]; ok {
			groups[i] = append(groups[i], p)
			continue
		}
		index[key] = len(groups)
		groups = append(groups, []*Point{p})
	}
	return groups
}

func layoutKey(p *Point) string {
	key := p.AP.Provider.Name
	if p.Args != nil {
		key += "|" + structKey(p.Args)
	}
	if p.Retval != nil {
		key += "|ret " + p.Retval.String()
	}
	return key
}

func structKey(s *types.Struct) string {
	var b strings.Builder
	for _, f := range s.Fields() {
		fmt.Fprintf(&b, "%s:%s@%d;", f.Name, f.Type, f.Offset)
	}
	return b.String()
}

// checkBodies checks every probe body once per layout group.
func (c *checker) checkBodies() {
	for _, p := range c.prog.Probes {
		groups := p.Groups
		if len(groups) == 0 {
			// No usable attach point: still check the body for everything
			// that does not depend on the context.
			groups = [][]*Point{nil}
		}
		for gi, g := range groups {
			info := newInfo()
			if gi == 0 {
				info = c.prog.Info
			}
			c.checkProbe(p, g, info)
			for _, pt := range g {
				pt.Info = info
			}
		}
	}
}

func (c *checker) checkProbe(p *Probe, group []*Point, info *Info) {
	c.probe, c.group, c.info = p.Decl, group, info
	c.point = nil
	if len(group) > 0 {
		c.point = group[0]
	}
	c.scope = newScope(nil, p.Decl)
	c.loops = 0
	if p.Decl.Pred != nil {
		c.cond(p.Decl.Pred.Cond, "predicate")
	}
	c.block(p.Decl.Body)
	c.scope.finish(c)
	c.probe, c.point, c.group = nil, nil, nil
}

// provider returns the current probe's provider, or nil.
func (c *checker) provider() *probes.Provider {
	if c.point != nil {
		return c.point.AP.Provider
	}
	if c.probe != nil {
		for _, src := range c.probe.Attach {
			if ap, err := probes.Parse(src.Raw); err == nil {
				return ap.Provider
			}
		}
	}
	return nil
}

// suggestTarget returns the tracepoint, raw tracepoint or kernel function
// closest to the missing one an attach point names, if one is close.
func (c *checker) suggestTarget(ap *probes.AttachPoint) string {
	k := c.opts.Kernel
	if ap.Wildcard || k == nil {
		return ""
	}
	var names []string
	var name string
	switch ap.Provider.Name {
	case "tracepoint":
		tps, err := k.Tracepoints()
		if err != nil {
			return ""
		}
		name = ap.Category + ":" + ap.Event
		for _, tp := range tps {
			// Only the same category, or the same event: a typo is in one
			// of them, and the full list is long.
			if tp.Category == ap.Category || tp.Event == ap.Event {
				names = append(names, tp.Category+":"+tp.Event)
			}
		}
	case "rawtracepoint":
		list, err := k.RawTracepoints()
		if err != nil {
			return ""
		}
		name, names = ap.Func, list
	default:
		return ""
	}
	if m := closest(name, names); m != "" {
		return ap.Provider.Name + ":" + m
	}
	return ""
}

// isMulti reports whether the matches of a wildcard attach point share one
// program and one multi link (kprobe_multi, uprobe_multi): kprobes and
// kretprobes without a module, uprobes and uretprobes. They count as one
// probe against max_probes.
func isMulti(src *ast.AttachPoint, ap *probes.AttachPoint) bool {
	if !probes.HasWildcard(src.Raw) {
		return false
	}
	switch ap.Provider.Name {
	case "kprobe", "kretprobe":
		return ap.Module == "" || !strings.ContainsAny(ap.Module, "*[")
	case "uprobe", "uretprobe":
		return true
	}
	return false
}

// usesProbe reports whether a probe's body names the probe builtin, which
// needs one program per attach point (each with its own name).
func usesProbe(d *ast.Probe) bool {
	if d == nil {
		return false
	}
	found := false
	ast.Inspect(d, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && (id.Name == "probe" || id.Name == "__builtin_probe") {
			found = true
		}
		return !found
	})
	return found
}
