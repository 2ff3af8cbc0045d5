package protocol

// SemanticTokenTypes names a type of semantic token ("variable",
// "function", ...); the server's legend lists the ones it uses, and a
// token refers to its type by its index in that list. The specification
// predefines a set of names; a server may add its own.
type SemanticTokenTypes string

// SemanticTokenModifiers names a modifier of semantic tokens
// ("declaration", "readonly", ...); a token carries its modifiers as a
// bit set over the legend's list.
type SemanticTokenModifiers string

// SemanticTokensLegend is the server's list of token types and modifiers,
// which gives the numbers in SemanticTokens.Data their meaning.
type SemanticTokensLegend struct {
	TokenTypes     []SemanticTokenTypes     `json:"tokenTypes"`
	TokenModifiers []SemanticTokenModifiers `json:"tokenModifiers"`
}

// SemanticTokensOptions is the semanticTokensProvider server capability.
// (Range requests and full/delta requests are not offered: the optional
// range property is left out and full is a plain boolean.)
type SemanticTokensOptions struct {
	Legend SemanticTokensLegend `json:"legend"`
	// Full says the server answers textDocument/semanticTokens/full.
	Full bool `json:"full,omitempty"`
}

// SemanticTokens is the result of textDocument/semanticTokens/full.
type SemanticTokens struct {
	// Data holds five integers per token, in document order: the line
	// relative to the previous token's, the start character (relative to
	// the previous token's when on the same line), the length, the index
	// of the type in the legend and the bit set of the modifiers.
	// Characters count UTF-16 code units. Sent as [] when empty.
	Data []uint32 `json:"data"`
}

// MarshalJSON sends no tokens as [], as the specification requires an
// array.
func (t SemanticTokens) MarshalJSON() ([]byte, error) {
	type tokens SemanticTokens // without this method
	if t.Data == nil {
		t.Data = []uint32{}
	}
	return marshal(tokens(t))
}
