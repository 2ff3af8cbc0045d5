package rules

import (
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lint"
)

// ReversedDelta is BT014.
var ReversedDelta = &lint.Rule{
	Code:     "BT014",
	Name:     "reversed-delta",
	Severity: diag.Error,
	Fixable:  true,
	Doc: `the current time is subtracted from a start time

A start time recorded earlier is smaller than the current time, so
@start[tid] - nsecs is negative; in bpftrace's unsigned 64-bit arithmetic
it wraps around to a number near 2^64, and every latency lands in the last
histogram bucket. Subtract the start from the current time. The fix swaps
the operands.

Bad:

	kprobe:vfs_read { @start[tid] = nsecs; }
	kretprobe:vfs_read
	/@start[tid]/
	{
	  @ns = hist(@start[tid] - nsecs);
	  delete(@start, tid);
	}

Good:

	kprobe:vfs_read { @start[tid] = nsecs; }
	kretprobe:vfs_read
	/@start[tid]/
	{
	  @ns = hist(nsecs - @start[tid]);
	  delete(@start, tid);
	}
`,
	Run: runReversedDelta,
}

func runReversedDelta(pass *lint.Pass) error {
	f := pass.File
	for _, m := range startMaps(pass) {
		for _, u := range m.reversed {
			b := u.sub
			d := pass.Reportf(b, "%s is a start time, earlier than %s: the difference is negative and wraps around to a huge unsigned number",
				lint.ExprText(f, b.X), lint.ExprText(f, b.Y))
			swapped := lint.ExprText(f, b.Y) + " - " + lint.ExprText(f, b.X)
			d.Fixes = lint.FixOf("subtract the start time: "+swapped, lint.Replace(b, swapped))
		}
	}
	return nil
}
