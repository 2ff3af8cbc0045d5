// Package protocol declares the Language Server Protocol types bt's
// server uses, written from the LSP 3.17 specification
// (https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/):
// the parameters and results of the methods lsp/ implements or calls, the
// capabilities it announces, and the method names.
//
// It holds only what lsp/ reads, writes or names, not the whole protocol:
// a property no part of bt uses is left out (decoding ignores it; bt never
// sends it). What is declared has the specification's wire shape:
//
//   - JSON property names as the specification spells them;
//   - optional properties (name?: in the specification) are omitted when
//     empty; required ones are always sent, and the required arrays bt
//     may leave empty (diagnostics, completion items, semantic token
//     data) go out as [], not null;
//   - numeric enumerations (SymbolKind, DiagnosticSeverity, ...) are
//     integer types, string enumerations (MarkupKind, CodeActionKind,
//     FoldingRangeKind, ...) string types;
//   - URIs are strings ([DocumentURI]);
//   - positions count lines from 0 and characters in UTF-16 code units,
//     the specification's default position encoding, which bt keeps.
//
// Where the specification allows a property several shapes, the field
// has the shape bt sends and its comment names the others. Two unions
// encode and decode both of their arms: [ProgressToken] (integer | string)
// and the textDocumentSync capability ([TextDocumentSyncOptions] also
// decodes a bare [TextDocumentSyncKind]). Properties bt fills with either
// of their shapes (documentation, a parameter's label, a diagnostic's
// code) are of type any, and the comment says which values they take.
//
// bt does not import go.lsp.dev/protocol: its only release, v0.12.0, is
// written for the v0.x API of go.lsp.dev/jsonrpc2 (reply callbacks, the
// Replier type) and does not build with go.lsp.dev/jsonrpc2 v1.0.x, which
// is bt's transport. The few dozen declarations bt needs are its own.
package protocol
