package protocol

import "go.lsp.dev/jsonrpc2"

// The names of the methods bt's server handles or sends.
const (
	// Lifecycle.
	MethodInitialize  = "initialize"  // client → server request
	MethodInitialized = "initialized" // client → server notification
	MethodShutdown    = "shutdown"    // client → server request
	MethodExit        = "exit"        // client → server notification

	// Workspace notifications (bt has nothing to do on them).
	MethodWorkspaceDidChangeConfiguration    = "workspace/didChangeConfiguration"
	MethodWorkspaceDidChangeWatchedFiles     = "workspace/didChangeWatchedFiles"
	MethodWorkspaceDidChangeWorkspaceFolders = "workspace/didChangeWorkspaceFolders"

	// Document synchronization: client → server notifications.
	MethodTextDocumentDidOpen   = "textDocument/didOpen"
	MethodTextDocumentDidChange = "textDocument/didChange"
	MethodTextDocumentDidClose  = "textDocument/didClose"
	MethodTextDocumentDidSave   = "textDocument/didSave"
	MethodTextDocumentWillSave  = "textDocument/willSave"

	// Language features: client → server requests.
	MethodTextDocumentHover             = "textDocument/hover"
	MethodTextDocumentCompletion        = "textDocument/completion"
	MethodTextDocumentSignatureHelp     = "textDocument/signatureHelp"
	MethodTextDocumentDefinition        = "textDocument/definition"
	MethodTextDocumentReferences        = "textDocument/references"
	MethodTextDocumentDocumentHighlight = "textDocument/documentHighlight"
	MethodTextDocumentPrepareRename     = "textDocument/prepareRename"
	MethodTextDocumentRename            = "textDocument/rename"
	MethodTextDocumentDocumentSymbol    = "textDocument/documentSymbol"
	MethodTextDocumentFormatting        = "textDocument/formatting"
	MethodTextDocumentCodeAction        = "textDocument/codeAction"
	MethodSemanticTokensFull            = "textDocument/semanticTokens/full"
	MethodTextDocumentFoldingRange      = "textDocument/foldingRange"
	MethodTextDocumentInlayHint         = "textDocument/inlayHint"

	// Server → client.
	MethodTextDocumentPublishDiagnostics = "textDocument/publishDiagnostics" // notification
	MethodWindowLogMessage               = "window/logMessage"               // notification
	MethodWorkDoneProgressCreate         = "window/workDoneProgress/create"  // request
	MethodProgress                       = "$/progress"                      // notification
)

// CodeRequestCancelled is the error code of a response to a request the
// client cancelled with $/cancelRequest (or that the server gave up on
// for the same reason). The protocol defines it beside the JSON-RPC
// codes, which go.lsp.dev/jsonrpc2 declares.
const CodeRequestCancelled jsonrpc2.Code = -32800

// ErrRequestCancelled is the error that answers a cancelled request.
var ErrRequestCancelled = jsonrpc2.NewError(CodeRequestCancelled, "request cancelled")
