// Package lint is bt's linter: rules that look at a checked bpftrace
// program and report findings with stable codes (BT001 ...), and the
// driver that runs them, applies inline suppressions and configuration,
// applies fixes and writes reports.
//
// The shape follows golang.org/x/tools/go/analysis. A [Rule] is a value
// with a code, a name, a doc (summary, explanation, a bad and a good
// example), a default severity and a Run function; Run sees a [Pass]: the
// unit from lang.Check, kernel info, the target bpftrace versions and a
// shared [Index] of the tree, computed once per file the way
// inspect.Analyzer is, and reports diag.Diagnostics, with fixes as text
// edits. Rules never print. The rules themselves live in lint/rules.
//
// Three kinds of position appear here: token.Pos (byte offset + 1) in
// rules and fixes; 1-based line and byte column in text, JSON and GitHub
// output; 1-based line and Unicode code point column in SARIF.
package lint
