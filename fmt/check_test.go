package format

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/parser"
	"github.com/bt-tools/bt/lang/token"
)

// parse parses src and returns the tree, or the diagnostics formatted as a
// compiler would print them.
func parse(name string, src []byte) (*ast.File, error) {
	file := token.NewFile(name, src)
	f, diags := parser.ParseFile(file)
	if !diags.HasErrors() {
		return f, nil
	}
	var b strings.Builder
	for _, d := range diags.Errors() {
		b.WriteString(diag.Format(file, d))
	}
	return f, fmt.Errorf("%s", b.String())
}

// checkInvariants formats src, which must parse, and checks the formatter's
// guarantees: the output parses, its AST dump is the input's, every comment
// survives, and formatting the output changes nothing. It returns the
// output.
func checkInvariants(name string, src []byte) ([]byte, error) {
	in, err := parse(name, src)
	if err != nil {
		return nil, fmt.Errorf("input does not parse:\n%v", err)
	}
	out, err := Source(name, src)
	if err != nil {
		return nil, fmt.Errorf("Source: %v", err)
	}
	res, err := parse(name+" (formatted)", out)
	if err != nil {
		return out, fmt.Errorf("output does not parse:\n%v\noutput:\n%s", err, out)
	}
	if a, b := ast.DumpString(in), ast.DumpString(res); a != b {
		return out, fmt.Errorf("AST changed:\n%s\noutput:\n%s", lineDiff(a, b), out)
	}
	if a, b := commentTexts(in), commentTexts(res); !slices.Equal(a, b) {
		return out, fmt.Errorf("comments changed:\nbefore: %q\nafter:  %q\noutput:\n%s", a, b, out)
	}
	again, err := Source(name, out)
	if err != nil {
		return out, fmt.Errorf("second pass: %v", err)
	}
	if !bytes.Equal(again, out) {
		return out, fmt.Errorf("not idempotent:\n%s", lineDiff(string(out), string(again)))
	}
	return out, nil
}

// commentTexts returns the sorted comment texts of f, each line without
// trailing white space (the only change the formatter makes to comments).
func commentTexts(f *ast.File) []string {
	var texts []string
	for _, c := range f.Comments {
		lines := strings.Split(c.Text, "\n")
		for i, l := range lines {
			lines[i] = strings.TrimRight(l, " \t\r")
		}
		texts = append(texts, strings.Join(lines, "\n"))
	}
	slices.Sort(texts)
	return texts
}

// lineDiff shows the first lines where a and b differ, with context.
func lineDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	i := 0
	for i < len(al) && i < len(bl) && al[i] == bl[i] {
		i++
	}
	from := max(0, i-3)
	var out strings.Builder
	for j := from; j < min(len(al), i+4); j++ {
		fmt.Fprintf(&out, "- %s\n", al[j])
	}
	for j := from; j < min(len(bl), i+4); j++ {
		fmt.Fprintf(&out, "+ %s\n", bl[j])
	}
	return out.String()
}
