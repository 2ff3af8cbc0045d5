// Package format implements the canonical layout of bpftrace programs, the
// style of upstream `bpftrace --fmt` (LANGUAGE.md section 12): 2-space
// indentation, a target width of 90 columns, one attach point per line, the
// predicate and the '{' of a probe on their own lines.
//
// The formatter never changes what a program means, nor which language era
// it is written in: attach points print as written (BEGIN stays BEGIN),
// args->x stays args->x, integer literals keep their spelling, and the
// parentheses of if/while/for/unroll conditions are kept exactly when the
// source had them, because bpftrace 0.17 requires them. Source parentheses
// around expressions are not kept: they are recomputed, so that every
// non-primitive operand of an operator is parenthesized as upstream does.
// That is safe because the AST dump treats parentheses as transparent.
//
// Every comment survives, in source order: a comment that followed a token
// on the same line stays on that line, a comment on a line of its own stays
// on a line of its own, block comments stay block comments. At most one
// blank line from the source is kept between lines.
//
// The machinery lives in printer.go: output boxes (a rectangle of lines laid
// out relative to its own first column, as upstream's printer builds them),
// comment interleaving and the line-wrapping search. nodes.go holds one
// print method per node kind.
package format
