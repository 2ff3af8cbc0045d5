package rules

import (
	"strings"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lint"
)

// StartKeyedByPid is BT006.
var StartKeyedByPid = &lint.Rule{
	Code:     "BT006",
	Name:     "start-keyed-by-pid",
	Severity: diag.Warning,
	Fixable:  true,
	Doc: `a per-call start map is keyed by pid where tid is needed

A start time recorded on function or syscall entry and read on its return
belongs to one call, and calls of the threads of one process overlap: with
pid as the key, the threads overwrite each other's start times and the
latencies mix up. Key per-call maps by tid (the thread id). pid stays
right for per-process state (a fork-to-exit lifetime). The fix changes
every key of the map from pid to tid.

Bad:

	tracepoint:syscalls:sys_enter_futex { @start[pid] = nsecs; }
	tracepoint:syscalls:sys_exit_futex
	/@start[pid]/
	{
	  @ns = hist(nsecs - @start[pid]);
	  delete(@start, pid);
	}

Good:

	tracepoint:syscalls:sys_enter_futex { @start[tid] = nsecs; }
	tracepoint:syscalls:sys_exit_futex
	/@start[tid]/
	{
	  @ns = hist(nsecs - @start[tid]);
	  delete(@start, tid);
	}
`,
	Run: runStartKeyedByPid,
}

func runStartKeyedByPid(pass *lint.Pass) error {
	info := pass.Prog.Info
	for _, m := range startMaps(pass) {
		w := m.writes[0]
		key := w.LHS.(*ast.MapAccess)
		if len(key.Keys) != 1 || builtinRef(info, key.Keys[0]) != "pid" || !perCall(m) {
			continue
		}
		d := pass.Reportf(key.Keys[0], "%s holds per-call start times but is keyed by pid: threads of one process overwrite each other's entries", m.name)
		d.Hints = []string{"key it by tid"}
		if edits, ok := pidKeys(pass, m.name); ok {
			d.Fixes = lint.FixOf("key "+m.name+" by tid", edits...)
		}
	}
	return nil
}

// perCall reports whether the map is written on entry to calls and read
// on their return: kprobe/kretprobe, uprobe/uretprobe, fentry/fexit and
// sys_enter/sys_exit pairs.
func perCall(m *startMap) bool {
	entry := false
	for p := range m.writers {
		if callSide(p) == "entry" {
			entry = true
		}
	}
	for _, u := range m.uses {
		if entry && callSide(u.probe) == "return" {
			return true
		}
	}
	return false
}

// callSide says whether every attach point of p is a call's entry, its
// return, or neither ("").
func callSide(p *sema.Probe) string {
	side := ""
	for _, ap := range pointsOf(p) {
		s := ""
		switch ap.Provider.Name {
		case "kprobe", "uprobe", "fentry":
			s = "entry"
		case "kretprobe", "uretprobe", "fexit":
			s = "return"
		case "tracepoint":
			switch {
			case ap.Category == "syscalls" && strings.HasPrefix(ap.Event, "sys_enter_"),
				ap.Category == "raw_syscalls" && ap.Event == "sys_enter":
				s = "entry"
			case ap.Category == "syscalls" && strings.HasPrefix(ap.Event, "sys_exit_"),
				ap.Category == "raw_syscalls" && ap.Event == "sys_exit":
				s = "return"
			}
		}
		if s == "" || side != "" && s != side {
			return ""
		}
		side = s
	}
	return side
}

// pidKeys returns the edits that turn every pid key of the map into tid,
// or false if some access uses another key.
func pidKeys(pass *lint.Pass, name string) ([]diag.TextEdit, bool) {
	info := pass.Prog.Info
	var edits []diag.TextEdit
	keyEdit := func(k ast.Expr) bool {
		if builtinRef(info, k) != "pid" {
			return false
		}
		edits = append(edits, lint.Replace(k, "tid"))
		return true
	}
	for _, a := range lint.Nodes[*ast.MapAccess](pass.Index) {
		if "@"+a.Map.Name != name {
			continue
		}
		if len(a.Keys) != 1 || !keyEdit(a.Keys[0]) {
			return nil, false
		}
	}
	// delete(@m, pid), has_key(@m, pid), find(@m, pid, $v)
	for _, fn := range []string{"delete", "has_key", "find"} {
		for _, c := range pass.Index.Calls(fn) {
			if len(c.Args) < 2 {
				continue
			}
			if mx, ok := ast.Unparen(c.Args[0]).(*ast.MapExpr); ok && "@"+mx.Name == name && !keyEdit(c.Args[1]) {
				return nil, false
			}
		}
	}
	return edits, true
}
