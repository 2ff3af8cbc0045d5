package protocol

// InitializeResult is the result of initialize: what the server can do
// and who it is. (The client's initialize parameters are decoded by lsp/
// itself, leniently, into just the capabilities it reads.)
type InitializeResult struct {
	Capabilities ServerCapabilities `json:"capabilities"`
	ServerInfo   *ServerInfo        `json:"serverInfo,omitempty"`
}

// ServerInfo names the server to the client.
type ServerInfo struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

// ServerCapabilities are the features the server offers. A feature left
// out (false, nil) is not offered.
//
// For most providers the specification allows either true or an options
// object; each field here has the form bt sends: a bool where true is all
// there is to say, a pointer to the options object where there is more.
type ServerCapabilities struct {
	// TextDocumentSync says how the client sends documents: bt wants
	// open and close notifications and incremental changes.
	TextDocumentSync           *TextDocumentSyncOptions `json:"textDocumentSync,omitempty"`
	CompletionProvider         *CompletionOptions       `json:"completionProvider,omitempty"`
	HoverProvider              bool                     `json:"hoverProvider,omitempty"`
	SignatureHelpProvider      *SignatureHelpOptions    `json:"signatureHelpProvider,omitempty"`
	DefinitionProvider         bool                     `json:"definitionProvider,omitempty"`
	ReferencesProvider         bool                     `json:"referencesProvider,omitempty"`
	DocumentHighlightProvider  bool                     `json:"documentHighlightProvider,omitempty"`
	DocumentSymbolProvider     bool                     `json:"documentSymbolProvider,omitempty"`
	CodeActionProvider         *CodeActionOptions       `json:"codeActionProvider,omitempty"`
	DocumentFormattingProvider bool                     `json:"documentFormattingProvider,omitempty"`
	RenameProvider             *RenameOptions           `json:"renameProvider,omitempty"`
	FoldingRangeProvider       bool                     `json:"foldingRangeProvider,omitempty"`
	SemanticTokensProvider     *SemanticTokensOptions   `json:"semanticTokensProvider,omitempty"`
	InlayHintProvider          bool                     `json:"inlayHintProvider,omitempty"`
}
