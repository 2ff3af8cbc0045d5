package rules

import (
	"fmt"
	"strings"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lang/types"
	"github.com/bt-tools/bt/lint"
)

// MixedProbeArgs is BT001.
var MixedProbeArgs = &lint.Rule{
	Code:     "BT001",
	Name:     "mixed-probe-args",
	Severity: diag.Warning,
	Doc: `one body is shared by attach points whose arguments differ

A probe listing several attach points runs the same body for each, but
their args (or retval) may differ: a field one tracepoint has may be
missing from another, or have another type. Since bpftrace 0.25 each
attach point is compiled on its own, and the body fails for the ones that
lack a field it reads; bpftrace 0.17 to 0.24 reject a list of fentry
(kfunc), fexit (kretfunc), rawtracepoint or uprobe attach points with
different arguments outright ("Probe has attach points with mixed
arguments") as soon as the body uses args or retval (tracepoint lists
worked). Split the probe, or only read what every attach
point has.

Bad:

	tracepoint:syscalls:sys_enter_openat,
	tracepoint:syscalls:sys_enter_statfs
	{
	  @[str(args.filename)] = count();
	}

Good:

	tracepoint:syscalls:sys_enter_openat
	{
	  @[str(args.filename)] = count();
	}

	tracepoint:syscalls:sys_enter_statfs
	{
	  @[str(args.pathname)] = count();
	}
`,
	Run: runMixedArgs,
}

func runMixedArgs(pass *lint.Pass) error {
	for _, p := range pass.Prog.Probes {
		if foundGroups(p) < 2 {
			continue
		}
		uses := contextUses(pass, p)
		if len(uses) == 0 {
			continue
		}
		if pass.Target.Lacks("0.25") && oldMixedError(p) {
			reportOldMixed(pass, p, uses[0])
			continue
		}
		seen := map[string]bool{}
		for _, u := range uses {
			key := u.name()
			if seen[key] {
				continue
			}
			seen[key] = true
			if msg, rel := u.differs(p); msg != "" {
				pass.Reportf(u.node, "%s", msg).Related = rel
			}
		}
	}
	return nil
}

// contextUse is a read of args.FIELD or retval in a probe body.
type contextUse struct {
	node  ast.Node
	field string // "" for retval
}

func (u contextUse) name() string {
	if u.field == "" {
		return "retval"
	}
	return "args." + u.field
}

// contextUses returns the args fields and retvals a probe reads.
func contextUses(pass *lint.Pass, p *sema.Probe) []contextUse {
	var out []contextUse
	pass.Index.ProbeNodes(p, func(n ast.Node) {
		switch n := n.(type) {
		case *ast.FieldExpr:
			if id, ok := ast.Unparen(n.X).(*ast.Ident); ok && id.Name == "args" && n.Sel != nil && n.Sel.Name != "" {
				out = append(out, contextUse{node: n, field: n.Sel.Name})
			}
		case *ast.Ident:
			if n.Name == "retval" && builtinRef(pass.Prog.Info, n) == "retval" {
				out = append(out, contextUse{node: n})
			}
		}
	})
	return out
}

// differs describes how the layouts of p's groups disagree about u.
func (u contextUse) differs(p *sema.Probe) (string, []diag.Related) {
	var have, lack []string
	types := map[string][]string{}
	var order []string
	var rel []diag.Related
	for _, g := range p.Groups {
		pt := g[0]
		if !known(pt, u) {
			continue // missing on this kernel: the checker says so
		}
		names := groupName(g)
		t, ok := u.typeIn(pt)
		if !ok {
			lack = append(lack, names)
			rel = append(rel, diag.Related{Pos: pt.Source.Pos(), End: pt.Source.End(),
				Message: fmt.Sprintf("%s has no %s", pt.AP, u.name())})
			continue
		}
		have = append(have, names)
		ts := t.String()
		if _, ok := types[ts]; !ok {
			order = append(order, ts)
		}
		types[ts] = append(types[ts], names)
	}
	switch {
	case len(lack) > 0 && len(have) > 0:
		return fmt.Sprintf("%s is read for every attach point, but %s %s no such field",
			u.name(), strings.Join(lack, ", "), hasVerb(len(lack) > 1 || strings.Contains(lack[0], ","))), rel
	case len(order) > 1 && !sameKindInts(p, u):
		var parts []string
		for _, ts := range order {
			parts = append(parts, fmt.Sprintf("%s in %s", ts, strings.Join(types[ts], ", ")))
		}
		return fmt.Sprintf("%s has different types across the attach points: %s", u.name(), strings.Join(parts, "; ")), nil
	}
	return "", nil
}

func hasVerb(plural bool) string {
	if plural {
		return "have"
	}
	return "has"
}

// known reports whether the point's layout is known: the point exists on
// this kernel and, for args, its provider has a layout.
func known(pt *sema.Point, u contextUse) bool {
	if pt.Err != nil {
		return false
	}
	if u.field != "" {
		return pt.Args != nil
	}
	return pt.AP.Provider.Retval
}

// typeIn returns the type of the use in a point's layout.
func (u contextUse) typeIn(pt *sema.Point) (types.Type, bool) {
	if u.field == "" {
		return pt.Retval, pt.Retval != nil
	}
	if pt.Args == nil {
		return nil, false
	}
	f, ok := pt.Args.Field(u.field)
	return f.Type, ok
}

// sameKindInts reports whether every layout gives the use an integer of
// the same signedness: widths differ harmlessly, since values widen.
func sameKindInts(p *sema.Probe, u contextUse) bool {
	signed := -1
	for _, g := range p.Groups {
		if !known(g[0], u) {
			continue
		}
		t, _ := u.typeIn(g[0])
		it, ok := t.(*types.Int)
		if !ok {
			return false
		}
		s := 0
		if it.Signed {
			s = 1
		}
		if signed >= 0 && s != signed {
			return false
		}
		signed = s
	}
	return true
}

func groupName(g []*sema.Point) string {
	names := make([]string, 0, len(g))
	for _, pt := range g {
		names = append(names, pt.AP.String())
	}
	if len(names) > 3 {
		names = append(names[:3], fmt.Sprintf("and %d more", len(g)-3))
	}
	return strings.Join(names, ", ")
}

// foundGroups counts the layouts of the attach points that exist.
func foundGroups(p *sema.Probe) int {
	n := 0
	for _, g := range p.Groups {
		if g[0].Err == nil {
			n++
		}
	}
	return n
}

// oldMixedError reports whether bpftrace before 0.25 rejects p: a list of
// fentry, fexit, rawtracepoint or uprobe attach points with different
// arguments (FieldAnalyser::resolve_args). Tracepoint lists were split per
// tracepoint and worked, as Debian's opensnoop.bt shows.
func oldMixedError(p *sema.Probe) bool {
	for _, ap := range pointsOf(p) {
		switch ap.Provider.Name {
		case "fentry", "fexit", "uprobe", "rawtracepoint":
		default:
			return false
		}
	}
	return true
}

func reportOldMixed(pass *lint.Pass, p *sema.Probe, u contextUse) {
	d := p.Decl
	var found []*sema.Point
	for _, g := range p.Groups {
		if g[0].Err == nil {
			found = append(found, g[0])
		}
	}
	a, b := found[0], found[1]
	pass.ReportRangef(d.Attach[0].Pos(), d.Attach[len(d.Attach)-1].End(),
		"bpftrace before 0.25 rejects this probe (\"Probe has attach points with mixed arguments\"): %s and %s have different arguments and the body reads %s",
		a.AP, b.AP, u.name()).Hints = []string{"split the probe into one probe per argument layout"}
}
