package protocol

// ---------------------------------------------------------------------------
// Hover

// Hover is the result of textDocument/hover (null when there is nothing
// to show).
type Hover struct {
	// Contents is what to show. (The specification also allows the
	// deprecated MarkedString forms; bt sends MarkupContent.)
	Contents MarkupContent `json:"contents"`
	// Range is the text the hover is about, which clients may highlight.
	Range *Range `json:"range,omitempty"`
}

// ---------------------------------------------------------------------------
// Signature help

// SignatureHelpParams are the parameters of textDocument/signatureHelp.
// (The signature help context, how the request was triggered, is not
// read.)
type SignatureHelpParams struct {
	TextDocumentPositionParams
}

// SignatureHelp is the result of textDocument/signatureHelp: the
// signatures of the callable at the cursor, one of them active.
type SignatureHelp struct {
	Signatures []SignatureInformation `json:"signatures"`
	// ActiveSignature is the index of the active signature; left out
	// when 0, which is also its default.
	ActiveSignature uint32 `json:"activeSignature,omitempty"`
	// ActiveParameter is the index of the active parameter of the active
	// signature; left out when 0, which is also its default.
	ActiveParameter uint32 `json:"activeParameter,omitempty"`
}

// SignatureInformation is one signature: its label and parameters.
type SignatureInformation struct {
	Label string `json:"label"`
	// Documentation is a string or a MarkupContent; nil for none.
	Documentation any                    `json:"documentation,omitempty"`
	Parameters    []ParameterInformation `json:"parameters,omitempty"`
}

// ParameterInformation is one parameter of a signature.
type ParameterInformation struct {
	// Label is either a string, which must occur in the signature's
	// label, or the parameter's place in the signature's label as a
	// [2]uint32 of UTF-16 offsets, start included and end excluded (for
	// clients with labelOffsetSupport). Decoded, the offsets are a []any
	// of two float64s.
	Label any `json:"label"`
}

// SignatureHelpOptions is the signatureHelpProvider server capability.
type SignatureHelpOptions struct {
	// TriggerCharacters open signature help when typed.
	TriggerCharacters []string `json:"triggerCharacters,omitempty"`
	// RetriggerCharacters update signature help that is already open
	// when typed.
	RetriggerCharacters []string `json:"retriggerCharacters,omitempty"`
}

// ---------------------------------------------------------------------------
// References, highlights, rename

// ReferenceParams are the parameters of textDocument/references.
type ReferenceParams struct {
	TextDocumentPositionParams
	Context ReferenceContext `json:"context"`
}

// ReferenceContext says which references are wanted.
type ReferenceContext struct {
	// IncludeDeclaration asks for the declarations too.
	IncludeDeclaration bool `json:"includeDeclaration"`
}

// DocumentHighlight is an occurrence of the symbol at the cursor, in the
// result of textDocument/documentHighlight.
type DocumentHighlight struct {
	Range Range `json:"range"`
	// Kind is DocumentHighlightKindText when 0.
	Kind DocumentHighlightKind `json:"kind,omitempty"`
}

// DocumentHighlightKind says what an occurrence does with its symbol.
type DocumentHighlightKind int32

// The highlight kinds.
const (
	DocumentHighlightKindText  DocumentHighlightKind = 1 // a textual occurrence
	DocumentHighlightKindRead  DocumentHighlightKind = 2 // the symbol is read
	DocumentHighlightKindWrite DocumentHighlightKind = 3 // the symbol is written
)

// PrepareRenameParams are the parameters of textDocument/prepareRename,
// which asks whether the symbol at a position can be renamed and what its
// range is.
type PrepareRenameParams struct {
	TextDocumentPositionParams
}

// RenameParams are the parameters of textDocument/rename.
type RenameParams struct {
	TextDocumentPositionParams
	NewName string `json:"newName"`
}

// RenameOptions is the renameProvider server capability in its object
// form. (The specification also allows a bare true; bt sends the object,
// to announce prepareRename.)
type RenameOptions struct {
	// PrepareProvider says the server answers textDocument/prepareRename.
	PrepareProvider bool `json:"prepareProvider,omitempty"`
}

// ---------------------------------------------------------------------------
// Formatting

// DocumentFormattingParams are the parameters of textDocument/formatting.
type DocumentFormattingParams struct {
	TextDocument TextDocumentIdentifier `json:"textDocument"`
	Options      FormattingOptions      `json:"options"`
}

// FormattingOptions are the editor's settings for formatting. bt's
// formatter has one canonical layout and reads none of them. (The
// optional trimming settings and the open-ended properties the
// specification also allows are not declared.)
type FormattingOptions struct {
	TabSize      uint32 `json:"tabSize"`
	InsertSpaces bool   `json:"insertSpaces"`
}

// ---------------------------------------------------------------------------
// Code actions

// CodeActionParams are the parameters of textDocument/codeAction.
type CodeActionParams struct {
	TextDocument TextDocumentIdentifier `json:"textDocument"`
	// Range is the selection, or the cursor as an empty range.
	Range   Range             `json:"range"`
	Context CodeActionContext `json:"context"`
}

// CodeActionContext is what the client knows about the range of a code
// action request.
type CodeActionContext struct {
	// Diagnostics are the client's diagnostics that overlap the range.
	// bt finds its own again and does not read these. Sent as [] when
	// empty.
	Diagnostics []Diagnostic `json:"diagnostics"`
	// Only, when set, limits the actions to these kinds.
	Only []CodeActionKind `json:"only,omitempty"`
}

// MarshalJSON sends no diagnostics as [], as the specification requires
// an array.
func (c CodeActionContext) MarshalJSON() ([]byte, error) {
	type context CodeActionContext // without this method
	if c.Diagnostics == nil {
		c.Diagnostics = []Diagnostic{}
	}
	return marshal(context(c))
}

// CodeAction is an action offered for a range: here, an edit that fixes a
// diagnostic.
type CodeAction struct {
	Title string         `json:"title"`
	Kind  CodeActionKind `json:"kind,omitempty"`
	// Diagnostics are the diagnostics the action resolves.
	Diagnostics []Diagnostic `json:"diagnostics,omitempty"`
	// IsPreferred marks the action an editor may apply by itself (the
	// one fix of a problem).
	IsPreferred bool           `json:"isPreferred,omitempty"`
	Edit        *WorkspaceEdit `json:"edit,omitempty"`
}

// CodeActionKind is a hierarchical, dot-separated kind of code action
// ("refactor.extract" is a "refactor").
type CodeActionKind string

// QuickFix is the kind of the actions that fix a problem.
const QuickFix CodeActionKind = "quickfix"

// CodeActionOptions is the codeActionProvider server capability in its
// object form. (The specification also allows a bare true.)
type CodeActionOptions struct {
	// CodeActionKinds are the kinds of action the server may return.
	CodeActionKinds []CodeActionKind `json:"codeActionKinds,omitempty"`
}

// ---------------------------------------------------------------------------
// Folding

// FoldingRange is a region the client can fold: whole lines from
// StartLine to EndLine (both zero-based, both included). (The optional
// start and end characters, for clients that fold inside lines, are not
// used: bt folds lines, which every client supports.)
type FoldingRange struct {
	StartLine uint32 `json:"startLine"`
	EndLine   uint32 `json:"endLine"`
	// Kind is empty for a region of code.
	Kind FoldingRangeKind `json:"kind,omitempty"`
}

// FoldingRangeKind says what a folding range holds; clients may fold some
// kinds by command ("fold all comments").
type FoldingRangeKind string

// The folding range kinds.
const (
	CommentFoldingRange FoldingRangeKind = "comment"
	ImportsFoldingRange FoldingRangeKind = "imports"
	RegionFoldingRange  FoldingRangeKind = "region"
)

// ---------------------------------------------------------------------------
// Inlay hints

// InlayHintParams are the parameters of textDocument/inlayHint: the range
// the client shows.
type InlayHintParams struct {
	TextDocument TextDocumentIdentifier `json:"textDocument"`
	Range        Range                  `json:"range"`
}

// InlayHint is text the client shows inside the code without it being
// part of the document: here, an inferred type after a name.
type InlayHint struct {
	Position Position `json:"position"`
	// Label is the text to show. (The specification also allows a list of
	// label parts, each with its own tooltip and location; bt sends
	// strings.)
	Label string        `json:"label"`
	Kind  InlayHintKind `json:"kind,omitempty"`
	// PaddingLeft and PaddingRight ask the client for space before and
	// after the hint.
	PaddingLeft  bool `json:"paddingLeft,omitempty"`
	PaddingRight bool `json:"paddingRight,omitempty"`
}

// InlayHintKind is what an inlay hint shows.
type InlayHintKind int32

// The inlay hint kinds.
const (
	InlayHintKindType      InlayHintKind = 1 // a type annotation
	InlayHintKindParameter InlayHintKind = 2 // a parameter's name
)
