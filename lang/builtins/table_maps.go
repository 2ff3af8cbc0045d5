package builtins

import "github.com/bt-tools/bt/lang/types"

func valueParam() []Param { return one("n", IntArg) }

// mapTable lists the aggregations (assigned to a map: @m = count()) and
// the functions that take a map.
var mapTable = []*Builtin{
	{
		Name: "count", Kind: Agg, Result: &types.Agg{Kind: types.Count}, Since: "0.17", Signature: "count()",
		Doc: "Counts the calls, in a per-CPU map: cheap, lock-free writes; reading it in a probe " +
			"sums the CPUs. The map prints its counts.\n\n" +
			"```\ntracepoint:raw_syscalls:sys_enter { @[comm] = count(); }\n```",
	},
	{
		Name: "sum", Kind: Agg, Params: valueParam(), Since: "0.17", Check: checkAgg(types.Sum),
		Signature: "sum(int64 n)",
		Doc: "Adds up the values given, per CPU; signed when the argument is.\n\n" +
			"```\nkretprobe:vfs_read /(int64)retval > 0/ { @bytes[comm] = sum(retval); }\n```",
	},
	{
		Name: "min", Kind: Agg, Params: valueParam(), Since: "0.17", Check: checkAgg(types.Min),
		Signature: "min(int64 n)",
		Doc: "Keeps the smallest value given. The first value is always kept.\n\n" +
			"```\nkretprobe:vfs_read { @smallest = min(retval); }\n```",
	},
	{
		Name: "max", Kind: Agg, Params: valueParam(), Since: "0.17", Check: checkAgg(types.Max),
		Signature: "max(int64 n)",
		Doc: "Keeps the largest value given. The first value is always kept.\n\n" +
			"```\nkretprobe:vfs_read { @largest = max(retval); }\n```",
	},
	{
		Name: "avg", Kind: Agg, Params: valueParam(), Since: "0.17", Check: checkAgg(types.Avg),
		Signature: "avg(int64 n)",
		Doc: "The running average of the values given (a total and a count, divided when read).\n\n" +
			"```\nkretprobe:vfs_read { @avg_bytes = avg(retval); }\n```",
	},
	{
		Name: "stats", Kind: Agg, Params: valueParam(), Since: "0.17", Check: checkAgg(types.Stats),
		Signature: "stats(int64 n)",
		Doc: "Count, average and total of the values given, printed together.\n\n" +
			"```\nkprobe:vfs_read { @[comm] = stats(arg2); }\n```",
	},
	{
		Name: "hist", Kind: Agg, Since: "0.17", Check: checkHist,
		Params:    []Param{{Name: "n", Kind: IntArg}, {Name: "k", Kind: IntLit, Optional: true}},
		Signature: "hist(int64 n [, int k])",
		Doc: "A power-of-two histogram of the values; `k` (a literal 0 to 5, default 0) splits " +
			"each power of two into 2^k buckets.\n\n" +
			"```\nkretprobe:vfs_read { @bytes = hist(retval); }\n```",
	},
	{
		Name: "lhist", Kind: Agg, Since: "0.17", Check: checkLhist,
		Params: []Param{
			{Name: "n", Kind: IntArg}, {Name: "min", Kind: IntLit},
			{Name: "max", Kind: IntLit}, {Name: "step", Kind: IntLit},
		},
		Signature: "lhist(int64 n, int64 min, int64 max, int64 step)",
		Doc: "A linear histogram with buckets of `step` from `min` to `max` (non-negative " +
			"literals, at most 1000 buckets), plus one for values below and one for values above.\n\n" +
			"```\nprofile:hz:99 { @cpu = lhist(cpu, 0, 64, 1); }\n```",
	},
	{
		Name: "tseries", Kind: Agg, Since: "0.24", Check: checkTseries, Unstable: "unstable_tseries",
		Params: []Param{
			{Name: "n", Kind: IntArg}, {Name: "interval_ns", Kind: IntLit},
			{Name: "num_intervals", Kind: IntLit}, {Name: "agg", Kind: StringLit, Optional: true},
		},
		Signature: "tseries(int64 n, int64 interval_ns, int64 num_intervals [, string agg])",
		Doc: "A time series of the value over the last `num_intervals` intervals of `interval_ns`; " +
			"each interval keeps the last value, or its `avg`, `max`, `min` or `sum`. Printed as a graph.\n\n" +
			"```\ninterval:ms:100 { @load = tseries(@running, 1s, 30, \"max\"); }\n```",
	},
	{
		Name: "clear", Kind: Func, Result: types.Void, Async: true, Since: "0.17",
		Params: one("map", MapArg), Signature: "clear(@map)",
		Doc: "Deletes every key of a map (in user space, when the event is handled).\n\n" +
			"```\ninterval:s:1 { print(@); clear(@); }\n```",
	},
	{
		Name: "zero", Kind: Func, Result: types.Void, Async: true, Since: "0.17",
		Params: one("map", MapArg), Signature: "zero(@map)",
		Doc: "Sets every value of a map to zero, keeping the keys.\n\n" +
			"```\ninterval:s:1 { print(@); zero(@); }\n```",
	},
	{
		Name: "delete", Kind: Func, Result: types.Bool, Since: "0.17",
		Params:    []Param{{Name: "map", Kind: MapArg}, {Name: "key", Kind: AnyArg}},
		AltParams: []Param{{Name: "map", Kind: MapElemArg}},
		Signature: "delete(@map, key) | delete(@map)",
		Doc: "Deletes one key of a map (a scalar map has none to give); returns whether the key " +
			"was there. `delete(@map[key])` is the deprecated older form.\n\n" +
			"```\nkretprobe:vfs_read { @ns = hist(nsecs - @start[tid]); delete(@start, tid); }\n```",
	},
	{
		Name: "has_key", Kind: Func, Result: types.Bool, Since: "0.22",
		Params:    []Param{{Name: "map", Kind: MapArg}, {Name: "key", Kind: AnyArg}},
		Signature: "has_key(@map, key)",
		Doc: "Whether a keyed map holds the key.\n\n" +
			"```\nkretprobe:vfs_read /has_key(@start, tid)/ { @ns = hist(nsecs - @start[tid]); }\n```",
	},
	{
		Name: "find", Kind: Func, Result: types.Bool, Since: "0.25",
		Params: []Param{
			{Name: "map", Kind: MapArg}, {Name: "key", Kind: AnyArg}, {Name: "value", Kind: VarArg},
		},
		Signature: "find(@map, key, $value)",
		Doc: "Looks a key up once: when it is there, copies its value into the scratch variable " +
			"and returns true.\n\n" +
			"```\nkretprobe:vfs_read { let $t; if (find(@start, tid, $t)) { @ns = hist(nsecs - $t); } }\n```",
	},
}
