package protocol

import (
	"bytes"
	"encoding/json"
	"testing"
)

// encode marshals v as lsp/'s codec does: encoding/json without HTML
// escaping.
func encode(t *testing.T, v any) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatalf("marshal %T: %v", v, err)
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

func TestWireFormat(t *testing.T) {
	rng := Range{Start: Position{Line: 1, Character: 2}, End: Position{Line: 1, Character: 5}}
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"position zero", Position{}, `{"line":0,"character":0}`},
		{"full change", TextDocumentContentChangeEvent{Text: "x"}, `{"text":"x"}`},
		{"range change", TextDocumentContentChangeEvent{Range: &rng, Text: "x"},
			`{"range":{"start":{"line":1,"character":2},"end":{"line":1,"character":5}},"text":"x"}`},
		{"versioned id", VersionedTextDocumentIdentifier{TextDocumentIdentifier{URI: "file:///a.bt"}, 3},
			`{"uri":"file:///a.bt","version":3}`},
		{"no diagnostics", &PublishDiagnosticsParams{URI: "file:///a.bt"}, `{"uri":"file:///a.bt","diagnostics":[]}`},
		{"diagnostic", Diagnostic{Range: rng, Severity: DiagnosticSeverityWarning, Code: "BT001", Source: "btlint", Message: "m",
			Tags: []DiagnosticTag{DiagnosticTagDeprecated}},
			`{"range":{"start":{"line":1,"character":2},"end":{"line":1,"character":5}},"severity":2,"code":"BT001","source":"btlint","message":"m","tags":[2]}`},
		{"no items", &CompletionList{}, `{"isIncomplete":false,"items":[]}`},
		{"item", CompletionItem{Label: "a->b", Kind: CompletionItemKindField, InsertTextFormat: InsertTextFormatSnippet,
			Documentation: MarkupContent{Kind: Markdown, Value: "<x> & y"}, TextEdit: &TextEdit{Range: rng, NewText: "a->b"}},
			`{"label":"a->b","kind":5,"documentation":{"kind":"markdown","value":"<x> & y"},"insertTextFormat":2,"textEdit":{"range":{"start":{"line":1,"character":2},"end":{"line":1,"character":5}},"newText":"a->b"}}`},
		{"string documentation", SignatureInformation{Label: "f(a)", Documentation: "doc"}, `{"label":"f(a)","documentation":"doc"}`},
		{"label string", ParameterInformation{Label: "a"}, `{"label":"a"}`},
		{"label offsets", ParameterInformation{Label: [2]uint32{2, 3}}, `{"label":[2,3]}`},
		{"signature help", &SignatureHelp{Signatures: []SignatureInformation{{Label: "f()"}}, ActiveParameter: 1},
			`{"signatures":[{"label":"f()"}],"activeParameter":1}`},
		{"folding from line 0", FoldingRange{StartLine: 0, EndLine: 2, Kind: CommentFoldingRange},
			`{"startLine":0,"endLine":2,"kind":"comment"}`},
		{"no tokens", &SemanticTokens{}, `{"data":[]}`},
		{"tokens", SemanticTokens{Data: []uint32{0, 1, 2, 3, 4}}, `{"data":[0,1,2,3,4]}`},
		{"code action params", CodeActionParams{TextDocument: TextDocumentIdentifier{URI: "u"}},
			`{"textDocument":{"uri":"u"},"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":0}},"context":{"diagnostics":[]}}`},
		{"formatting params", DocumentFormattingParams{TextDocument: TextDocumentIdentifier{URI: "u"}, Options: FormattingOptions{TabSize: 8}},
			`{"textDocument":{"uri":"u"},"options":{"tabSize":8,"insertSpaces":false}}`},
		{"capabilities", InitializeResult{
			Capabilities: ServerCapabilities{
				TextDocumentSync:       &TextDocumentSyncOptions{OpenClose: true, Change: TextDocumentSyncKindIncremental},
				HoverProvider:          true,
				RenameProvider:         &RenameOptions{PrepareProvider: true},
				SemanticTokensProvider: &SemanticTokensOptions{Legend: SemanticTokensLegend{TokenTypes: []SemanticTokenTypes{"macro"}, TokenModifiers: []SemanticTokenModifiers{}}, Full: true},
			},
			ServerInfo: &ServerInfo{Name: "bt"},
		}, `{"capabilities":{"textDocumentSync":{"openClose":true,"change":2},"hoverProvider":true,"renameProvider":{"prepareProvider":true},` +
			`"semanticTokensProvider":{"legend":{"tokenTypes":["macro"],"tokenModifiers":[]},"full":true}},"serverInfo":{"name":"bt"}}`},
		{"progress", ProgressParams{Token: *NewProgressToken("bt/kernel"),
			Value: &WorkDoneProgressReport{Kind: WorkDoneProgressKindReport, Message: "m", Percentage: 50}},
			`{"token":"bt/kernel","value":{"kind":"report","message":"m","percentage":50}}`},
		{"log", LogMessageParams{Type: MessageTypeError, Message: "x"}, `{"type":1,"message":"x"}`},
		{"inlay hint", InlayHint{Position: Position{Line: 1}, Label: ": int64", Kind: InlayHintKindType},
			`{"position":{"line":1,"character":0},"label":": int64","kind":1}`},
		{"workspace edit", WorkspaceEdit{Changes: map[DocumentURI][]TextEdit{"u": {{Range: rng, NewText: "n"}}}},
			`{"changes":{"u":[{"range":{"start":{"line":1,"character":2},"end":{"line":1,"character":5}},"newText":"n"}]}}`},
	}
	for _, tt := range tests {
		if got := encode(t, tt.v); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

func TestProgressToken(t *testing.T) {
	for _, in := range []string{`"bt/kernel"`, `42`, `-1`} {
		var tok ProgressToken
		if err := json.Unmarshal([]byte(in), &tok); err != nil {
			t.Fatalf("unmarshal %s: %v", in, err)
		}
		if got := encode(t, tok); got != in {
			t.Errorf("round trip of %s gives %s", in, got)
		}
	}
	for _, in := range []string{`1.5`, `true`, `{}`, `4294967296`} {
		var tok ProgressToken
		if err := json.Unmarshal([]byte(in), &tok); err == nil {
			t.Errorf("unmarshal %s: no error, got %v", in, tok)
		}
	}
	if got := NewProgressToken("x").String(); got != "x" {
		t.Errorf("String = %q", got)
	}
}

func TestTextDocumentSyncDecoding(t *testing.T) {
	tests := []struct {
		in   string
		want *TextDocumentSyncOptions
	}{
		{`{"textDocumentSync":{"openClose":true,"change":2}}`, &TextDocumentSyncOptions{OpenClose: true, Change: TextDocumentSyncKindIncremental}},
		{`{"textDocumentSync":1}`, &TextDocumentSyncOptions{OpenClose: true, Change: TextDocumentSyncKindFull}},
		{`{"textDocumentSync":0}`, &TextDocumentSyncOptions{}},
		{`{"textDocumentSync":null}`, nil},
		{`{}`, nil},
	}
	for _, tt := range tests {
		var caps ServerCapabilities
		if err := json.Unmarshal([]byte(tt.in), &caps); err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		switch got := caps.TextDocumentSync; {
		case got == nil || tt.want == nil:
			if got != tt.want {
				t.Errorf("%s: got %+v, want %+v", tt.in, got, tt.want)
			}
		case *got != *tt.want:
			t.Errorf("%s: got %+v, want %+v", tt.in, *got, *tt.want)
		}
	}
	var caps ServerCapabilities
	if err := json.Unmarshal([]byte(`{"textDocumentSync":"full"}`), &caps); err == nil {
		t.Errorf("a string sync kind decoded without error")
	}
}

func TestDecodeClientParams(t *testing.T) {
	var p DidChangeTextDocumentParams
	in := `{"textDocument":{"uri":"file:///a.bt","version":7},"contentChanges":[` +
		`{"range":{"start":{"line":0,"character":1},"end":{"line":0,"character":2}},"rangeLength":1,"text":"x"},{"text":"all"}]}`
	if err := json.Unmarshal([]byte(in), &p); err != nil {
		t.Fatal(err)
	}
	if p.TextDocument.URI != "file:///a.bt" || p.TextDocument.Version != 7 || len(p.ContentChanges) != 2 {
		t.Fatalf("got %+v", p)
	}
	if c := p.ContentChanges[0]; c.Range == nil || c.Range.End.Character != 2 || c.Text != "x" {
		t.Errorf("incremental change: %+v", c)
	}
	if c := p.ContentChanges[1]; c.Range != nil || c.Text != "all" {
		t.Errorf("full change: %+v", c)
	}

	var cp CodeActionParams
	if err := json.Unmarshal([]byte(`{"textDocument":{"uri":"u"},"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":0}},`+
		`"context":{"diagnostics":[],"only":["quickfix","refactor"],"triggerKind":1}}`), &cp); err != nil {
		t.Fatal(err)
	}
	if len(cp.Context.Only) != 2 || cp.Context.Only[0] != QuickFix {
		t.Errorf("code action context: %+v", cp.Context)
	}

	var rp ReferenceParams
	if err := json.Unmarshal([]byte(`{"textDocument":{"uri":"u"},"position":{"line":3,"character":4},"context":{"includeDeclaration":true}}`), &rp); err != nil {
		t.Fatal(err)
	}
	if rp.TextDocument.URI != "u" || rp.Position != (Position{3, 4}) || !rp.Context.IncludeDeclaration {
		t.Errorf("reference params: %+v", rp)
	}
}

func TestSymbolKindString(t *testing.T) {
	for k, want := range map[SymbolKind]string{
		SymbolKindFile: "File", SymbolKindFunction: "Function", SymbolKindEvent: "Event",
		SymbolKindTypeParameter: "TypeParameter", 0: "SymbolKind(0)", 27: "SymbolKind(27)",
	} {
		if got := k.String(); got != want {
			t.Errorf("SymbolKind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}
