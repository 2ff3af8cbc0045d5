package protocol

// CompletionParams are the parameters of textDocument/completion: where
// the cursor is. (The completion context, how the request was
// triggered, is not read.)
type CompletionParams struct {
	TextDocumentPositionParams
}

// CompletionList is the result of textDocument/completion (the form of
// the result that can say it is incomplete; the specification also
// allows a bare array of items).
type CompletionList struct {
	// IsIncomplete asks the client to request completion again as the
	// user goes on typing, rather than filter these items itself.
	IsIncomplete bool `json:"isIncomplete"`
	// Items is sent as [] when empty.
	Items []CompletionItem `json:"items"`
}

// MarshalJSON sends an empty list's items as [], as the specification
// requires an array.
func (l CompletionList) MarshalJSON() ([]byte, error) {
	type list CompletionList // without this method
	if l.Items == nil {
		l.Items = []CompletionItem{}
	}
	return marshal(list(l))
}

// CompletionItem is one proposal of a completion list.
type CompletionItem struct {
	// Label is what the list shows, and by default what is inserted and
	// what the client filters and sorts on.
	Label string              `json:"label"`
	Kind  CompletionItemKind  `json:"kind,omitempty"`
	Tags  []CompletionItemTag `json:"tags,omitempty"`
	// Detail is a line of extra information (a type, a signature).
	Detail string `json:"detail,omitempty"`
	// Documentation is a string or a MarkupContent; nil for none.
	Documentation any `json:"documentation,omitempty"`
	// Deprecated is the older way of saying what the tag
	// CompletionItemTagDeprecated says, for clients without tags.
	Deprecated bool `json:"deprecated,omitempty"`
	// SortText, when set, is what the client sorts on instead of Label.
	SortText string `json:"sortText,omitempty"`
	// InsertTextFormat tells whether TextEdit's new text is a snippet.
	InsertTextFormat InsertTextFormat `json:"insertTextFormat,omitempty"`
	// TextEdit is the edit that accepting the item makes; its range must
	// be on one line and contain the cursor. (The specification also
	// allows an InsertReplaceEdit, for clients that offer both; bt always
	// sends a TextEdit.)
	TextEdit *TextEdit `json:"textEdit,omitempty"`
}

// CompletionItemKind is what a completion item is, which the client shows
// with an icon.
type CompletionItemKind int32

// The completion item kinds bt uses (the specification numbers 25, from
// Text = 1 to TypeParameter = 25).
const (
	CompletionItemKindFunction   CompletionItemKind = 3
	CompletionItemKindField      CompletionItemKind = 5
	CompletionItemKindVariable   CompletionItemKind = 6
	CompletionItemKindModule     CompletionItemKind = 9
	CompletionItemKindProperty   CompletionItemKind = 10
	CompletionItemKindUnit       CompletionItemKind = 11
	CompletionItemKindKeyword    CompletionItemKind = 14
	CompletionItemKindFile       CompletionItemKind = 17
	CompletionItemKindFolder     CompletionItemKind = 19
	CompletionItemKindEnumMember CompletionItemKind = 20
	CompletionItemKindConstant   CompletionItemKind = 21
	CompletionItemKindEvent      CompletionItemKind = 23
)

// CompletionItemTag is extra information about a completion item.
type CompletionItemTag int32

// CompletionItemTagDeprecated marks an item as deprecated; clients strike
// it through.
const CompletionItemTagDeprecated CompletionItemTag = 1

// InsertTextFormat is how the client reads the text a completion
// inserts.
type InsertTextFormat int32

// The insert text formats.
const (
	// InsertTextFormatPlainText: the text is inserted as it is.
	InsertTextFormatPlainText InsertTextFormat = 1
	// InsertTextFormatSnippet: the text is a snippet, with tab stops
	// ($1, ${2:default}, $0 for the final cursor) and \ escaping $, }
	// and \.
	InsertTextFormatSnippet InsertTextFormat = 2
)

// CompletionOptions is the completionProvider server capability. (Commit
// characters and completionItem/resolve are not used.)
type CompletionOptions struct {
	// TriggerCharacters are the characters after which the client asks
	// for completion without the user asking.
	TriggerCharacters []string `json:"triggerCharacters,omitempty"`
}
