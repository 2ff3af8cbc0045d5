package protocol

// DocumentURI names a text document: "file:///home/me/x.bt", or a URI of
// another scheme for a buffer not on disk ("untitled:Untitled-1"). It is
// sent as the client wrote it; the server compares URIs as strings.
type DocumentURI string

// Position is a place in a text document, between two characters: a
// zero-based line and a zero-based offset into that line. The offset
// counts UTF-16 code units (the default position encoding, the only one
// bt offers). A character past the end of its line means the end of the
// line.
type Position struct {
	Line      uint32 `json:"line"`
	Character uint32 `json:"character"`
}

// Range is the text between two positions, Start included and End
// excluded. An empty range (Start == End) is a point.
type Range struct {
	Start Position `json:"start"`
	End   Position `json:"end"`
}

// Location is a range in a given document.
type Location struct {
	URI   DocumentURI `json:"uri"`
	Range Range       `json:"range"`
}

// TextEdit replaces the text of Range with NewText. An empty range
// inserts; an empty NewText deletes.
type TextEdit struct {
	Range   Range  `json:"range"`
	NewText string `json:"newText"`
}

// TextDocumentIdentifier names a document in a request.
type TextDocumentIdentifier struct {
	URI DocumentURI `json:"uri"`
}

// VersionedTextDocumentIdentifier names a document at a version: the
// version after the change it comes with, in didChange.
type VersionedTextDocumentIdentifier struct {
	TextDocumentIdentifier
	Version int32 `json:"version"`
}

// TextDocumentItem is a document as the client opens it: its URI,
// language, version (which grows with each change) and whole text.
type TextDocumentItem struct {
	URI        DocumentURI `json:"uri"`
	LanguageID string      `json:"languageId"`
	Version    int32       `json:"version"`
	Text       string      `json:"text"`
}

// TextDocumentPositionParams are the parameters of a request about one
// position in one document (hover, definition, highlight, and, extended,
// completion, signature help, references, rename).
type TextDocumentPositionParams struct {
	TextDocument TextDocumentIdentifier `json:"textDocument"`
	Position     Position               `json:"position"`
}

// WorkspaceEdit is a set of changes to documents. bt sends the plain form,
// edits by document; the specification's documentChanges (versioned
// edits, file operations) and change annotations are not used.
type WorkspaceEdit struct {
	Changes map[DocumentURI][]TextEdit `json:"changes,omitempty"`
}

// MarkupKind is how the client is to render a MarkupContent.
type MarkupKind string

// The markup kinds.
const (
	PlainText MarkupKind = "plaintext" // shown as it is
	Markdown  MarkupKind = "markdown"  // GitHub-flavoured Markdown
)

// MarkupContent is text for a human with its format: hovers,
// documentation.
type MarkupContent struct {
	Kind  MarkupKind `json:"kind"`
	Value string     `json:"value"`
}
