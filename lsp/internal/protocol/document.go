package protocol

import (
	"bytes"
	"encoding/json"
)

// DidOpenTextDocumentParams are the parameters of textDocument/didOpen.
type DidOpenTextDocumentParams struct {
	TextDocument TextDocumentItem `json:"textDocument"`
}

// DidChangeTextDocumentParams are the parameters of
// textDocument/didChange: the document at its new version and the changes
// that lead to it, to be applied in order.
type DidChangeTextDocumentParams struct {
	TextDocument   VersionedTextDocumentIdentifier  `json:"textDocument"`
	ContentChanges []TextDocumentContentChangeEvent `json:"contentChanges"`
}

// TextDocumentContentChangeEvent is one change in didChange. With a
// Range (incremental sync), Text replaces that range, as the document
// stands after the changes before this one; without one, Text is the
// whole new document. (The specification's deprecated rangeLength is
// not read: the range says the same.)
type TextDocumentContentChangeEvent struct {
	Range *Range `json:"range,omitempty"`
	Text  string `json:"text"`
}

// DidCloseTextDocumentParams are the parameters of textDocument/didClose.
type DidCloseTextDocumentParams struct {
	TextDocument TextDocumentIdentifier `json:"textDocument"`
}

// TextDocumentSyncKind is how the client sends document changes.
type TextDocumentSyncKind int32

// The sync kinds.
const (
	// TextDocumentSyncKindNone: the client sends no changes.
	TextDocumentSyncKindNone TextDocumentSyncKind = 0
	// TextDocumentSyncKindFull: each change carries the whole document.
	TextDocumentSyncKindFull TextDocumentSyncKind = 1
	// TextDocumentSyncKindIncremental: changes carry the ranges that
	// changed.
	TextDocumentSyncKindIncremental TextDocumentSyncKind = 2
)

// TextDocumentSyncOptions is the textDocumentSync server capability: which
// document notifications the server wants, and how changes come. (Save
// and willSave options are not used.)
//
// The specification also allows the capability to be a bare
// TextDocumentSyncKind, the older form: it decodes as that change kind,
// with open and close notifications unless the kind is None.
type TextDocumentSyncOptions struct {
	OpenClose bool                 `json:"openClose,omitempty"`
	Change    TextDocumentSyncKind `json:"change,omitempty"`
}

// UnmarshalJSON decodes the options or a bare TextDocumentSyncKind.
func (o *TextDocumentSyncOptions) UnmarshalJSON(data []byte) error {
	if d := bytes.TrimSpace(data); len(d) > 0 && d[0] != '{' && d[0] != 'n' {
		var kind TextDocumentSyncKind
		if err := json.Unmarshal(d, &kind); err != nil {
			return err
		}
		*o = TextDocumentSyncOptions{OpenClose: kind != TextDocumentSyncKindNone, Change: kind}
		return nil
	}
	type options TextDocumentSyncOptions // without this method
	return json.Unmarshal(data, (*options)(o))
}
