// SPDX-License-Identifier: BSD-3-Clause

package protocol

// The inlay hints of LSP 3.17, which go.lsp.dev/protocol v0.12.0 predates
// (bt: added, in the style of the copied files).

// MethodTextDocumentInlayHint method name of "textDocument/inlayHint".
//
// @since 3.17.0.
const MethodTextDocumentInlayHint = "textDocument/inlayHint"

// InlayHintOptions is the inlay hint options of the server capabilities.
//
// @since 3.17.0.
type InlayHintOptions struct {
	WorkDoneProgressOptions

	// ResolveProvider is the server provides support to resolve additional
	// information for an inlay hint item.
	ResolveProvider bool `json:"resolveProvider,omitempty"`
}

// InlayHintParams is the parameters of a "textDocument/inlayHint" request.
//
// @since 3.17.0.
type InlayHintParams struct {
	WorkDoneProgressParams

	// TextDocument is the text document.
	TextDocument TextDocumentIdentifier `json:"textDocument"`

	// Range is the visible document range for which inlay hints should be computed.
	Range Range `json:"range"`
}

// InlayHintKind is the kind of an inlay hint.
//
// @since 3.17.0.
type InlayHintKind uint32

const (
	// InlayHintKindType is an inlay hint that is for a type annotation.
	InlayHintKindType InlayHintKind = 1

	// InlayHintKindParameter is an inlay hint that is for a parameter.
	InlayHintKindParameter InlayHintKind = 2
)

// InlayHint is inlay hint information.
//
// @since 3.17.0.
type InlayHint struct {
	// Position is the position of this hint.
	Position Position `json:"position"`

	// Label is the label of this hint (a string; label parts are not used).
	Label string `json:"label"`

	// Kind is the kind of this hint.
	Kind InlayHintKind `json:"kind,omitempty"`

	// Tooltip is the tooltip text when you hover over this item.
	Tooltip *MarkupContent `json:"tooltip,omitempty"`

	// PaddingLeft renders padding before the hint.
	PaddingLeft bool `json:"paddingLeft,omitempty"`

	// PaddingRight renders padding after the hint.
	PaddingRight bool `json:"paddingRight,omitempty"`
}
