// SPDX-FileCopyrightText: 2019 The Go Language Server Authors
// SPDX-License-Identifier: BSD-3-Clause

// Package protocol holds the Language Server Protocol types of
// go.lsp.dev/protocol v0.12.0, the structs that map directly to the wire
// format, with its comments.
//
// Why a copy: go.lsp.dev/protocol v0.12.0 (its latest release) is written
// against the go.lsp.dev/jsonrpc2 v0.x API (jsonrpc2.Replier, reply
// callbacks) and does not compile with go.lsp.dev/jsonrpc2 v1, which bt
// uses for its transport. The files that only declare types compile
// unchanged and are copied here as they are; the dispatch files (server.go,
// client.go, handler.go, protocol.go, log.go, context.go) are left out,
// since lsp/ has its own handlers on jsonrpc2 v1. Changes to the copied
// files:
//
//   - base.go uses encoding/json instead of github.com/segmentio/encoding/json;
//   - methods.go gathers the method-name constants of server.go and client.go;
//   - inlay.go and the InlayHintProvider field of ServerCapabilities add the
//     LSP 3.17 inlay hints, which v0.12.0 predates;
//   - SemanticTokensOptions gets its legend, range and full fields, which
//     v0.12.0 lacks;
//   - TextDocumentContentChangeEvent.Range is a pointer, so that a change
//     of the whole document can be told from one at 0:0-0:0;
//   - ParameterInformation.Label is an interface{}, so that a parameter can
//     be given by its offsets in the signature (string | [uint32, uint32]).
//
// When go.lsp.dev/protocol has a release for jsonrpc2 v1, this package can
// go and lsp/ can import it instead.
package protocol
