package lsp

import (
	"slices"

	"github.com/bt-tools/bt/lsp/internal/protocol"
)

// initializeParams is the part of the initialize request the server
// reads. It is decoded leniently (see initialize), so it lists only what
// is used, in loose types.
type initializeParams struct {
	Capabilities struct {
		TextDocument struct {
			Completion struct {
				CompletionItem struct {
					SnippetSupport      bool     `json:"snippetSupport"`
					DocumentationFormat []string `json:"documentationFormat"`
				} `json:"completionItem"`
			} `json:"completion"`
			Hover struct {
				ContentFormat []string `json:"contentFormat"`
			} `json:"hover"`
			SignatureHelp struct {
				SignatureInformation struct {
					ParameterInformation struct {
						LabelOffsetSupport bool `json:"labelOffsetSupport"`
					} `json:"parameterInformation"`
				} `json:"signatureInformation"`
			} `json:"signatureHelp"`
			DocumentSymbol struct {
				Hierarchical bool `json:"hierarchicalDocumentSymbolSupport"`
			} `json:"documentSymbol"`
			FoldingRange struct {
				LineFoldingOnly bool `json:"lineFoldingOnly"`
			} `json:"foldingRange"`
		} `json:"textDocument"`
		Window struct {
			WorkDoneProgress bool `json:"workDoneProgress"`
		} `json:"window"`
	} `json:"capabilities"`
}

// clientCaps is what the client can do, as the features need to know it.
type clientCaps struct {
	snippets           bool // completion items may be snippets
	markdownHover      bool // hover may be Markdown
	markdownCompletion bool // completion documentation may be Markdown
	labelOffsets       bool // signature parameters may be [start, end] offsets
	hierarchicalSyms   bool // documentSymbol may return DocumentSymbol trees
	lineFoldingOnly    bool // folding ranges are whole lines
	workDoneProgress   bool // the server may create progress tokens
}

func (p *initializeParams) caps() clientCaps {
	td := &p.Capabilities.TextDocument
	return clientCaps{
		snippets:           td.Completion.CompletionItem.SnippetSupport,
		markdownHover:      len(td.Hover.ContentFormat) == 0 || slices.Contains(td.Hover.ContentFormat, "markdown"),
		markdownCompletion: slices.Contains(td.Completion.CompletionItem.DocumentationFormat, "markdown"),
		labelOffsets:       td.SignatureHelp.SignatureInformation.ParameterInformation.LabelOffsetSupport,
		hierarchicalSyms:   td.DocumentSymbol.Hierarchical,
		lineFoldingOnly:    td.FoldingRange.LineFoldingOnly,
		workDoneProgress:   p.Capabilities.Window.WorkDoneProgress,
	}
}

// completionTriggers are the characters after which editors ask for
// completion without the user asking: fields (. and ->), attach-point
// parts, maps and variables.
var completionTriggers = []string{".", ">", ":", "@", "$"}

func serverCapabilities(opts Options) protocol.ServerCapabilities {
	return protocol.ServerCapabilities{
		TextDocumentSync: &protocol.TextDocumentSyncOptions{
			OpenClose: true,
			Change:    protocol.TextDocumentSyncKindIncremental,
		},
		HoverProvider: true,
		CompletionProvider: &protocol.CompletionOptions{
			TriggerCharacters: completionTriggers,
		},
		SignatureHelpProvider: &protocol.SignatureHelpOptions{
			TriggerCharacters:   []string{"(", ","},
			RetriggerCharacters: []string{")"},
		},
		DefinitionProvider:         true,
		ReferencesProvider:         true,
		DocumentHighlightProvider:  true,
		RenameProvider:             &protocol.RenameOptions{PrepareProvider: true},
		DocumentSymbolProvider:     true,
		DocumentFormattingProvider: opts.Format != nil,
		CodeActionProvider: &protocol.CodeActionOptions{
			CodeActionKinds: []protocol.CodeActionKind{protocol.QuickFix},
		},
		SemanticTokensProvider: &protocol.SemanticTokensOptions{
			Legend: semanticLegend(),
			Full:   true,
		},
		FoldingRangeProvider: true,
		InlayHintProvider:    true,
	}
}
