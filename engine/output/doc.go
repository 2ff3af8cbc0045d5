// Package output turns the raw values a bpftrace program leaves in BPF maps
// and ring-buffer events into the text and JSON that bpftrace prints. It
// loads no programs and touches no kernel objects: the runner reads bytes,
// this package decodes and renders them.
//
// Values pass through three representations:
//
//   - raw bytes: little-endian kernel memory laid out as [types.Type]
//     describes it (tuples 8-byte aligned, see [types.Tuple.Offset]);
//     per-CPU maps deliver one such value per CPU, back to back;
//   - [Value]: the decoded Go model ([Int], [String], [Tuple], [Stack], the
//     aggregations [MinMax], [Avg], [Stats], [Hist], [Lhist], ...). Values
//     that need the outside world (symbols, user names, cgroup paths, wall
//     clock) keep their raw form here and are resolved only when printed;
//   - text or JSON, produced by a [Printer]. The Printer holds the policy:
//     which bpftrace era to imitate ([Era017] for Debian's 0.17, [Era026]
//     for 0.26) and the resolvers ([Symbolizer], [UserLookup], ...).
//
// The machinery is split as go/printer splits it: value.go and decode.go
// are the model, text.go and json.go render single values, hist.go holds
// the histogram bucket arithmetic, mapprint.go orders and prints whole maps,
// format.go implements printf, strftime.go the time formats and events.go
// the other asynchronous actions (attached probes, lost events, errorf,
// cat, system, join, time).
//
// Every rendering rule here is taken from bpftrace's own output code
// (src/output/text.cpp, json.cpp, format_string.cpp and types_format.cpp at
// 0.26; src/output.cpp, format_string.cpp and bpftrace.cpp at 0.17) or from
// running Debian's bpftrace 0.17; testdata/bpftrace017 holds such captures.
// Where the two eras differ the [Era] decides, including where bpftrace's
// output is arguably a bug (0.26 prints MAC bytes above 0x7f sign-extended,
// both eras escape non-ASCII bytes in JSON as \uffffffXX): bt promises the
// output users already parse.
package output
