// Package lsp is bt's language server: the Language Server Protocol over
// a byte stream (stdin and stdout for `bt lsp`), on go.lsp.dev/jsonrpc2
// v1 and bt's own protocol types (internal/protocol, written from the
// LSP 3.17 specification).
//
// Everything is answered from the front end (lang/) and kernel info; no
// feature parses, types or lists builtins itself. The pieces:
//
//   - server.go: the connection, the lifecycle and the handlers, which
//     are thin: decode the params, take the document's snapshot, release
//     the read loop (jsonrpc2.Async) and call the feature. Panics are
//     recovered per request, reported with window/logMessage and answered
//     as internal errors; notifications never end the connection.
//   - stream.go: header framing that answers malformed frames (bad JSON,
//     bad requests, batches, garbage headers, huge lengths) with the
//     JSON-RPC error response and goes on; jsonrpc2 would end the
//     connection on them.
//   - session.go, snapshot.go: the open documents, one immutable Snapshot
//     per version (source, Mapper, and the parse, check and lint computed
//     once, on demand, in the background); incremental changes applied
//     with UTF-16 ranges.
//   - mapper.go: the one place where byte offsets and token.Pos meet the
//     protocol's UTF-16 line/character positions.
//   - debounce.go: diagnostics per document, at most once per delay while
//     editing, cancelled by newer versions, published in version order.
//   - progress.go: $/progress while the kernel's BTF and lists load.
//   - one file per feature, each a function over a Snapshot: hover.go,
//     completion.go, signature.go, references.go (definition, references,
//     highlight, rename), symbols.go, format.go, codeaction.go, semtok.go,
//     folding.go, inlay.go, diagnostics.go.
//
// The formatter and the linter come in through [Options.Format] and
// [Options.Lint], so that this package depends on neither.
package lsp
