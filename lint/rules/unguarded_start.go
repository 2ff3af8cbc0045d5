package rules

import (
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lint"
)

// UnguardedStartLookup is BT004.
var UnguardedStartLookup = &lint.Rule{
	Code:     "BT004",
	Name:     "unguarded-start-lookup",
	Severity: diag.Warning,
	Fixable:  true,
	Doc: `a start timestamp is subtracted without checking that it was recorded

A map written with a timestamp in one probe (@start[tid] = nsecs) and
subtracted in another (nsecs - @start[tid]) has no entry for operations
that began before tracing started, or whose start probe did not fire. A
missing entry reads as 0, so the difference is the whole uptime: a huge
bogus latency that lands in the top bucket of every histogram. Test the
entry first: a predicate /@start[tid]/, has_key(@start, tid) (0.22+) or an
if. The fix adds the predicate.

Bad:

	kprobe:vfs_read { @start[tid] = nsecs; }
	kretprobe:vfs_read
	{
	  @us = hist((nsecs - @start[tid]) / 1000);
	  delete(@start, tid);
	}

Good:

	kprobe:vfs_read { @start[tid] = nsecs; }
	kretprobe:vfs_read
	/@start[tid]/
	{
	  @us = hist((nsecs - @start[tid]) / 1000);
	  delete(@start, tid);
	}
`,
	Run: runUnguardedStart,
}

func runUnguardedStart(pass *lint.Pass) error {
	for _, m := range startMaps(pass) {
		done := map[any]bool{}
		for _, u := range m.uses {
			if done[u.probe] || m.guarded(pass.Index, pass.Prog.Info, u) {
				continue
			}
			done[u.probe] = true
			d := pass.Reportf(u.read, "%s is read without checking that it holds an entry; a missing start time reads as 0 and gives a huge latency", lint.ExprText(pass.File, u.read))
			d.Hints = []string{"test the entry first, as in the predicate /" + lint.ExprText(pass.File, u.read) + "/"}
			if !usesVars(u.read) {
				cond := accessText(pass.File, u.read)
				d.Fixes = lint.FixOf("add the predicate /"+cond+"/", lint.AddPredicate(pass.File, u.probe.Decl, cond)...)
			}
		}
	}
	return nil
}
