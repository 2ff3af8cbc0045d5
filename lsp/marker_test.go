package lsp

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/bt-tools/bt/lsp/internal/protocol"
)

var update = flag.Bool("update", false, "rewrite the golden sections of testdata/lsp/*.txt")

// TestMarkers runs the marker files of testdata/lsp. Each is a txtar
// archive: a script (the first file, opened in the server) whose comments
// hold markers such as
//
//	//@hover("nsecs", nsecs)        hover at the start of "nsecs" on this line
//	//@complete("@x = co^", count)  complete where ^ is
//	//@diag(diags)                  the document's diagnostics
//
// and golden sections named by the markers' last argument, which hold
// the server's answers, rendered as text. `go test -update` rewrites
// them. Every request goes through a real JSON-RPC connection.
func TestMarkers(t *testing.T) {
	files, err := filepath.Glob("../testdata/lsp/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no marker files: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			runMarkerFile(t, file)
		})
	}
}

// marker is one //@name(args) annotation.
type marker struct {
	name string
	args []string // unquoted
	line int      // 0-based line of the comment
	col  int      // byte column of the comment's start
}

func runMarkerFile(t *testing.T, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	ar := parseTxtar(data)
	if len(ar.files) == 0 {
		t.Fatal("no files in archive")
	}
	script := ar.files[0]
	src := string(script.data)
	markers, err := parseMarkers(src)
	if err != nil {
		t.Fatal(err)
	}
	opts := testOptions(t)
	if strings.Contains(ar.comment, "kernel: none") {
		opts.Kernel = nil
	}
	c := newTestClient(t, opts)
	uri := protocol.DocumentURI("file:///test/" + script.name)
	diags := c.open(uri, src)

	got := map[string]string{}
	for _, m := range markers {
		golden := m.args[len(m.args)-1]
		if _, dup := got[golden]; dup {
			t.Errorf("line %d: golden %s used twice", m.line+1, golden)
		}
		got[golden] = runMarker(t, c, uri, src, m, diags)
	}

	if *update {
		ar.setGoldens(got)
		if err := os.WriteFile(file, ar.format(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, m := range markers {
		golden := m.args[len(m.args)-1]
		want, ok := ar.golden(golden)
		if !ok {
			t.Errorf("line %d: @%s: no golden section %q (run with -update)", m.line+1, m.name, golden)
			continue
		}
		if got[golden] != want {
			t.Errorf("line %d: @%s: answer differs from %s:\n--- got\n%s--- want\n%s", m.line+1, m.name, golden, got[golden], want)
		}
	}
}

func runMarker(t *testing.T, c *testClient, uri protocol.DocumentURI, src string, m marker, diags *protocol.PublishDiagnosticsParams) string {
	t.Helper()
	doc := protocol.TextDocumentIdentifier{URI: uri}
	at := func() protocol.Position {
		if len(m.args) < 2 {
			t.Fatalf("line %d: @%s needs a pattern", m.line+1, m.name)
		}
		return findPattern(t, src, m, m.args[0])
	}
	tdp := func() protocol.TextDocumentPositionParams {
		return protocol.TextDocumentPositionParams{TextDocument: doc, Position: at()}
	}
	switch m.name {
	case "diag":
		return renderDiagnostics(src, diags.Diagnostics)
	case "hover":
		var h *protocol.Hover
		c.call(protocol.MethodTextDocumentHover, tdp(), &h)
		if h == nil {
			return "(none)\n"
		}
		return fmt.Sprintf("%s\n%s\n", rangeString(src, *h.Range), h.Contents.Value)
	case "complete":
		pos := at()
		var list protocol.CompletionList
		c.call(protocol.MethodTextDocumentCompletion, &protocol.CompletionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: doc, Position: pos}}, &list)
		return renderCompletion(src, pos, list)
	case "signature":
		var sh *protocol.SignatureHelp
		c.call(protocol.MethodTextDocumentSignatureHelp, tdp(), &sh)
		return renderSignature(sh)
	case "def":
		var locs []protocol.Location
		c.call(protocol.MethodTextDocumentDefinition, tdp(), &locs)
		return renderLocations(src, locs)
	case "refs":
		var locs []protocol.Location
		c.call(protocol.MethodTextDocumentReferences, &protocol.ReferenceParams{
			TextDocumentPositionParams: tdp(), Context: protocol.ReferenceContext{IncludeDeclaration: true}}, &locs)
		return renderLocations(src, locs)
	case "highlight":
		var hs []protocol.DocumentHighlight
		c.call(protocol.MethodTextDocumentDocumentHighlight, tdp(), &hs)
		var sb strings.Builder
		for _, h := range hs {
			fmt.Fprintf(&sb, "%s %s\n", rangeString(src, h.Range), [...]string{"?", "text", "read", "write"}[int(h.Kind)])
		}
		return sb.String()
	case "preparerename":
		var r *protocol.Range
		c.call(protocol.MethodTextDocumentPrepareRename, tdp(), &r)
		if r == nil {
			return "(none)\n"
		}
		return rangeString(src, *r) + "\n"
	case "rename":
		var we *protocol.WorkspaceEdit
		err := c.callErr(protocol.MethodTextDocumentRename, &protocol.RenameParams{TextDocumentPositionParams: tdp(), NewName: m.args[1]}, &we)
		if err != nil {
			return "error: " + err.Error() + "\n"
		}
		return applyEdits(t, src, we.Changes[uri])
	case "symbols":
		var syms []protocol.DocumentSymbol
		c.call(protocol.MethodTextDocumentDocumentSymbol, &documentParams{TextDocument: doc}, &syms)
		var sb strings.Builder
		renderSymbols(&sb, src, syms, "")
		return sb.String()
	case "folding":
		var frs []protocol.FoldingRange
		c.call(protocol.MethodTextDocumentFoldingRange, &documentParams{TextDocument: doc}, &frs)
		var sb strings.Builder
		lines := strings.Split(src, "\n")
		for _, f := range frs {
			fmt.Fprintf(&sb, "%d-%d %s: %s\n", f.StartLine+1, f.EndLine+1, f.Kind, strings.TrimSpace(lines[f.StartLine]))
		}
		return sb.String()
	case "semtok":
		var st protocol.SemanticTokens
		c.call(protocol.MethodSemanticTokensFull, &documentParams{TextDocument: doc}, &st)
		return renderTokens(src, st.Data)
	case "inlay":
		var hints []protocol.InlayHint
		c.call(protocol.MethodTextDocumentInlayHint, &protocol.InlayHintParams{TextDocument: doc,
			Range: protocol.Range{End: protocol.Position{Line: 1 << 20}}}, &hints)
		var edits []protocol.TextEdit
		for _, h := range hints {
			edits = append(edits, protocol.TextEdit{Range: protocol.Range{Start: h.Position, End: h.Position}, NewText: "⟨" + h.Label + "⟩"})
		}
		return applyEdits(t, src, edits)
	case "format":
		var edits []protocol.TextEdit
		if err := c.callErr(protocol.MethodTextDocumentFormatting, &protocol.DocumentFormattingParams{TextDocument: doc}, &edits); err != nil {
			return "error: " + err.Error() + "\n"
		}
		return applyEdits(t, src, edits)
	case "codeaction":
		pos := at()
		var actions []protocol.CodeAction
		c.call(protocol.MethodTextDocumentCodeAction, &protocol.CodeActionParams{TextDocument: doc,
			Range: protocol.Range{Start: pos, End: pos}}, &actions)
		var sb strings.Builder
		for _, a := range actions {
			fmt.Fprintf(&sb, "== %s (%s)\n", a.Title, a.Kind)
			if a.Edit != nil {
				sb.WriteString(applyEdits(t, src, a.Edit.Changes[uri]))
			}
		}
		return sb.String()
	}
	t.Fatalf("line %d: unknown marker @%s", m.line+1, m.name)
	return ""
}

// ---------------------------------------------------------------------------
// Markers

var markerRE = regexp.MustCompile(`@([a-z]+)\(`)

// parseMarkers finds the //@name(args) markers in the // comments of src.
func parseMarkers(src string) ([]marker, error) {
	var out []marker
	for i, line := range strings.Split(src, "\n") {
		idx := strings.Index(line, "//@")
		if idx < 0 {
			continue
		}
		rest := line[idx+2:]
		for len(rest) > 0 {
			loc := markerRE.FindStringSubmatchIndex(rest)
			if loc == nil || loc[0] != 0 {
				break
			}
			m := marker{name: rest[loc[2]:loc[3]], line: i, col: idx}
			rest = rest[loc[1]:]
			for {
				rest = strings.TrimLeft(rest, " ")
				if strings.HasPrefix(rest, ")") {
					rest = strings.TrimPrefix(strings.TrimLeft(rest[1:], " "), "//")
					break
				}
				arg, n, err := parseArg(rest)
				if err != nil {
					return nil, fmt.Errorf("line %d: %v", i+1, err)
				}
				m.args = append(m.args, arg)
				rest = strings.TrimLeft(rest[n:], " ")
				rest = strings.TrimPrefix(rest, ",")
			}
			if len(m.args) == 0 {
				return nil, fmt.Errorf("line %d: @%s has no golden name", i+1, m.name)
			}
			out = append(out, m)
		}
	}
	return out, nil
}

// parseArg reads a quoted string or a bare word.
func parseArg(s string) (string, int, error) {
	if strings.HasPrefix(s, `"`) {
		q, err := strconv.QuotedPrefix(s)
		if err != nil {
			return "", 0, err
		}
		v, _ := strconv.Unquote(q)
		return v, len(q), nil
	}
	n := strings.IndexAny(s, ",) ")
	if n <= 0 {
		return "", 0, fmt.Errorf("bad argument %q", s)
	}
	return s[:n], n, nil
}

// findPattern returns the position of a pattern on the marker's line,
// before the marker: at its ^, or at its start.
func findPattern(t *testing.T, src string, m marker, pat string) protocol.Position {
	t.Helper()
	line := strings.Split(src, "\n")[m.line][:m.col]
	caret := strings.Index(pat, "^")
	text := strings.Replace(pat, "^", "", 1)
	i := strings.Index(line, text)
	if i < 0 {
		t.Fatalf("line %d: pattern %q not found", m.line+1, pat)
	}
	if caret >= 0 {
		i += caret
	}
	return protocol.Position{Line: uint32(m.line), Character: uint32(UTF16Len(line[:i]))}
}

// ---------------------------------------------------------------------------
// Rendering

func posString(src string, p protocol.Position) string {
	return fmt.Sprintf("%d:%d", p.Line+1, p.Character+1)
}

func rangeString(src string, r protocol.Range) string {
	m := NewMapper([]byte(src))
	from, to := m.OffsetRange(r)
	return fmt.Sprintf("%s-%s %q", posString(src, r.Start), posString(src, r.End), src[from:to])
}

func renderDiagnostics(src string, ds []protocol.Diagnostic) string {
	var sb strings.Builder
	for _, d := range ds {
		sev := [...]string{"?", "error", "warning", "info", "hint"}[int(d.Severity)]
		fmt.Fprintf(&sb, "%s %s %v [%s]: %s\n", rangeString(src, d.Range), sev, d.Code, d.Source, d.Message)
		for _, r := range d.RelatedInformation {
			fmt.Fprintf(&sb, "\trelated %s: %s\n", rangeString(src, r.Location.Range), r.Message)
		}
		if len(d.Tags) > 0 {
			fmt.Fprintf(&sb, "\ttags %v\n", d.Tags)
		}
	}
	return sb.String()
}

var kindNames = map[protocol.CompletionItemKind]string{
	protocol.CompletionItemKindFunction: "function", protocol.CompletionItemKindVariable: "variable",
	protocol.CompletionItemKindField: "field", protocol.CompletionItemKindModule: "module",
	protocol.CompletionItemKindEvent: "event", protocol.CompletionItemKindKeyword: "keyword",
	protocol.CompletionItemKindProperty: "property", protocol.CompletionItemKindConstant: "constant",
	protocol.CompletionItemKindEnumMember: "enummember", protocol.CompletionItemKindUnit: "unit",
	protocol.CompletionItemKindFile: "file", protocol.CompletionItemKindFolder: "folder",
}

// renderCompletion lists the items an editor would show: those whose
// label starts with the text their edit replaces (case-insensitively), in
// the server's order.
func renderCompletion(src string, pos protocol.Position, list protocol.CompletionList) string {
	m := NewMapper([]byte(src))
	var sb strings.Builder
	if list.IsIncomplete {
		sb.WriteString("(incomplete)\n")
	}
	for _, it := range list.Items {
		typed := ""
		if it.TextEdit != nil {
			from, to := m.OffsetRange(it.TextEdit.Range)
			typed = src[from:to]
			if it.TextEdit.Range.End != pos {
				fmt.Fprintf(&sb, "BAD EDIT RANGE %v for %s\n", it.TextEdit.Range, it.Label)
			}
		}
		if !strings.HasPrefix(strings.ToLower(it.Label), strings.ToLower(typed)) {
			continue
		}
		fmt.Fprintf(&sb, "%s\t%s\t%s", it.Label, kindNames[it.Kind], it.Detail)
		if it.TextEdit != nil && it.TextEdit.NewText != it.Label {
			fmt.Fprintf(&sb, "\tinsert %q", it.TextEdit.NewText)
		}
		sb.WriteString("\n")
	}
	return sb.String()
}

func renderSignature(sh *protocol.SignatureHelp) string {
	if sh == nil {
		return "(none)\n"
	}
	var sb strings.Builder
	for i, s := range sh.Signatures {
		mark := " "
		if uint32(i) == sh.ActiveSignature {
			mark = "*"
		}
		fmt.Fprintf(&sb, "%s %s\n", mark, s.Label)
		for j, p := range s.Parameters {
			label := fmt.Sprint(p.Label)
			if off, ok := p.Label.([]any); ok && len(off) == 2 {
				a, b := int(off[0].(float64)), int(off[1].(float64))
				label = fmt.Sprintf("%q [%d,%d]", s.Label[a:b], a, b)
			}
			active := ""
			if uint32(j) == sh.ActiveParameter && uint32(i) == sh.ActiveSignature {
				active = " (active)"
			}
			fmt.Fprintf(&sb, "    %s%s\n", label, active)
		}
	}
	return sb.String()
}

func renderLocations(src string, locs []protocol.Location) string {
	if len(locs) == 0 {
		return "(none)\n"
	}
	var sb strings.Builder
	for _, l := range locs {
		sb.WriteString(rangeString(src, l.Range) + "\n")
	}
	return sb.String()
}

func renderSymbols(sb *strings.Builder, src string, syms []protocol.DocumentSymbol, indent string) {
	for _, s := range syms {
		fmt.Fprintf(sb, "%s%s (%s) %s sel %s", indent, s.Name, s.Kind, posString(src, s.Range.Start)+"-"+posString(src, s.Range.End), rangeString(src, s.SelectionRange))
		if s.Detail != "" {
			fmt.Fprintf(sb, " detail %q", s.Detail)
		}
		sb.WriteString("\n")
		renderSymbols(sb, src, s.Children, indent+"\t")
	}
}

func renderTokens(src string, data []uint32) string {
	m := NewMapper([]byte(src))
	var sb strings.Builder
	var line, col uint32
	for i := 0; i+4 < len(data); i += 5 {
		if data[i] > 0 {
			line += data[i]
			col = data[i+1]
		} else {
			col += data[i+1]
		}
		start := protocol.Position{Line: line, Character: col}
		end := protocol.Position{Line: line, Character: col + data[i+2]}
		text := src[m.Offset(start):m.Offset(end)]
		var mods []string
		for b, name := range semMods {
			if data[i+4]&(1<<b) != 0 {
				mods = append(mods, string(name))
			}
		}
		fmt.Fprintf(&sb, "%d:%d %q %s %s\n", line+1, col+1, text, semTypes[data[i+3]], strings.Join(mods, ","))
	}
	return sb.String()
}

// applyEdits applies non-overlapping edits to src, as an editor would.
func applyEdits(t *testing.T, src string, edits []protocol.TextEdit) string {
	t.Helper()
	m := NewMapper([]byte(src))
	type e struct {
		from, to int
		text     string
	}
	var es []e
	for _, ed := range edits {
		from, to := m.OffsetRange(ed.Range)
		es = append(es, e{from, to, ed.NewText})
	}
	sort.SliceStable(es, func(i, j int) bool { return es[i].from < es[j].from })
	var out bytes.Buffer
	last := 0
	for _, x := range es {
		if x.from < last {
			t.Errorf("overlapping edits at %d", x.from)
			continue
		}
		out.WriteString(src[last:x.from])
		out.WriteString(x.text)
		last = x.to
	}
	out.WriteString(src[last:])
	return out.String()
}

// ---------------------------------------------------------------------------
// txtar

type txtarFile struct {
	name string
	data []byte
}

type txtar struct {
	comment string
	files   []txtarFile
}

var txtarHeader = regexp.MustCompile(`(?m)^-- (.+) --$`)

func parseTxtar(data []byte) *txtar {
	ar := &txtar{}
	locs := txtarHeader.FindAllSubmatchIndex(data, -1)
	if len(locs) == 0 {
		ar.comment = string(data)
		return ar
	}
	ar.comment = string(data[:locs[0][0]])
	for i, l := range locs {
		end := len(data)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		body := data[l[1]:end]
		body = bytes.TrimPrefix(body, []byte("\n"))
		ar.files = append(ar.files, txtarFile{name: string(data[l[2]:l[3]]), data: body})
	}
	return ar
}

func (ar *txtar) golden(name string) (string, bool) {
	for _, f := range ar.files[1:] {
		if f.name == name {
			return string(f.data), true
		}
	}
	return "", false
}

// setGoldens replaces the golden sections with got, keeping the script.
func (ar *txtar) setGoldens(got map[string]string) {
	names := make([]string, 0, len(got))
	for n := range got {
		names = append(names, n)
	}
	sort.Strings(names)
	files := ar.files[:1]
	for _, n := range names {
		files = append(files, txtarFile{name: n, data: []byte(got[n])})
	}
	ar.files = files
}

func (ar *txtar) format() []byte {
	var b bytes.Buffer
	b.WriteString(ar.comment)
	for _, f := range ar.files {
		fmt.Fprintf(&b, "-- %s --\n", f.name)
		b.Write(f.data)
		if len(f.data) > 0 && f.data[len(f.data)-1] != '\n' {
			b.WriteString("\n")
		}
	}
	return b.Bytes()
}

var _ = json.Marshal
