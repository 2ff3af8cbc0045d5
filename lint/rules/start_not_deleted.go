package rules

import (
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lint"
)

// StartNotDeleted is BT005.
var StartNotDeleted = &lint.Rule{
	Code:     "BT005",
	Name:     "start-map-not-deleted",
	Severity: diag.Warning,
	Fixable:  true,
	Doc: `a start-timestamp map is never deleted after use

When the probe that computes a latency leaves the start entry in place,
the entry stays: the next operation with the same key whose start was
missed reuses the stale time, and the map keeps one entry per thread (or
request) ever seen until it is full (max_map_keys, 4096 by default) and
new starts are dropped. Delete the entry once it is used. The fix adds
delete(@start, key) after the use (delete(@start[key]) for targets before
bpftrace 0.22).

Bad:

	tracepoint:syscalls:sys_enter_read { @start[tid] = nsecs; }
	tracepoint:syscalls:sys_exit_read
	/@start[tid]/
	{
	  @ns = hist(nsecs - @start[tid]);
	}

Good:

	tracepoint:syscalls:sys_enter_read { @start[tid] = nsecs; }
	tracepoint:syscalls:sys_exit_read
	/@start[tid]/
	{
	  @ns = hist(nsecs - @start[tid]);
	  delete(@start, tid);
	}
`,
	Run: runStartNotDeleted,
}

func runStartNotDeleted(pass *lint.Pass) error {
	for _, m := range startMaps(pass) {
		if len(m.uses) == 0 || len(m.cleanups) > 0 || len(m.resets) > 0 {
			continue
		}
		u := m.uses[0]
		d := pass.Reportf(u.read, "%s is never deleted: stale start times are reused and the map fills up", m.name)
		del := deleteText(pass, u.read)
		d.Hints = []string{"delete the entry once it is used: " + del}
		if usesVars(u.read) {
			continue
		}
		// Delete where the entry is known to exist, since a delete of a
		// missing key warns in 0.24+: at the end of the body when the
		// predicate tests the map (or will, once BT004's fix is applied),
		// else in the block that uses the value.
		b := u.probe.Decl.Body
		if pred := u.probe.Decl.Pred; (pred == nil || !mentions(pred.Cond, pass.Prog.Info, m.name, m.tainted(u.probe))) &&
			m.guarded(pass.Index, pass.Prog.Info, u) {
			if inner := enclosingBlock(pass.Index, u.sub); inner != nil {
				b = inner
			}
		}
		if edits := lint.AppendStmt(pass.File, b, del); edits != nil {
			d.Fixes = lint.FixOf("add "+del+" after the use", edits...)
		}
	}
	return nil
}
