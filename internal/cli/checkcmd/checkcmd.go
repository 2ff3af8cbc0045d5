// Package checkcmd implements `bt check`: parse and type-check programs and
// print compiler-style diagnostics.
package checkcmd

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/bt-tools/bt/internal/cli"
	"github.com/bt-tools/bt/lang"
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/sema"
)

type options struct {
	expr    string
	format  string
	dump    string
	unsafe  bool
	noWarn  bool
	explain string
}

// Command returns the `check` command.
func Command() *cobra.Command {
	var o options
	cmd := &cobra.Command{
		Use:   "check [FILE...] [-e PROGRAM]",
		Short: "Parse and type-check bpftrace programs",
		Long: `Check parses and type-checks bpftrace programs of both language eras against the
running kernel's BTF and tracepoint formats, without root, and prints diagnostics
as a compiler does. With no files and no -e, it reads standard input.

Exit status: 0 no errors, 1 errors in a program, 2 usage or I/O errors.`,
		RunE: func(cmd *cobra.Command, args []string) error { return run(cmd, o, args) },
	}
	f := cmd.Flags()
	f.StringVarP(&o.expr, "expr", "e", "", "check `PROGRAM` given on the command line")
	f.StringVar(&o.format, "format", "text", "output format: text or json")
	f.StringVar(&o.dump, "dump", "", "print the AST (`ast`) in canonical form instead of checking")
	f.BoolVar(&o.unsafe, "unsafe", false, "allow unsafe functions, as bt run --unsafe")
	f.BoolVar(&o.noWarn, "no-warnings", false, "do not print warnings")
	f.StringVar(&o.explain, "explain", "", "print the documentation of a diagnostic `CODE`")
	return cmd
}

type input struct {
	name string
	src  []byte
}

func inputs(o options, args []string, stdin io.Reader) ([]input, error) {
	if o.expr != "" {
		if len(args) > 0 {
			return nil, cli.Usagef("-e and files cannot be combined")
		}
		return []input{{"-e", []byte(o.expr)}}, nil
	}
	if len(args) == 0 {
		src, err := io.ReadAll(stdin)
		if err != nil {
			return nil, cli.Usagef("read standard input: %v", err)
		}
		return []input{{"<stdin>", src}}, nil
	}
	var ins []input
	for _, name := range args {
		src, err := os.ReadFile(name)
		if err != nil {
			return nil, cli.Usagef("%v", err)
		}
		ins = append(ins, input{name, src})
	}
	return ins, nil
}

func run(cmd *cobra.Command, o options, args []string) error {
	out := cmd.OutOrStdout()
	if o.explain != "" {
		info, ok := diag.Lookup(o.explain)
		if !ok {
			return cli.Usagef("unknown diagnostic code %q", o.explain)
		}
		_, err := fmt.Fprintf(out, "%s (%s): %s\n", info.Code, info.Name, info.Summary)
		return err
	}
	if o.format != "text" && o.format != "json" {
		return cli.Usagef("unknown --format %q: want text or json", o.format)
	}
	if o.dump != "" && o.dump != "ast" {
		return cli.Usagef("unknown --dump %q: want ast", o.dump)
	}
	ins, err := inputs(o, args, cmd.InOrStdin())
	if err != nil {
		return err
	}
	if o.dump == "ast" {
		return dumpAST(cmd, ins)
	}
	k, err := cli.Kernel()
	if err != nil {
		return cli.Usagef("%v", err)
	}
	opts := sema.Options{Kernel: k, Unsafe: o.unsafe}
	failed := false
	var all []jsonDiag
	for _, in := range ins {
		u := lang.Check(in.name, in.src, opts)
		if u.Diags.HasErrors() {
			failed = true
		}
		for _, d := range u.Diags {
			if o.noWarn && d.Severity != diag.Error {
				continue
			}
			if o.format == "json" {
				all = append(all, toJSON(u, d))
				continue
			}
			fmt.Fprint(cmd.ErrOrStderr(), diag.Format(u.Tok, d))
		}
	}
	if o.format == "json" {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if all == nil {
			all = []jsonDiag{}
		}
		if err := enc.Encode(all); err != nil {
			return err
		}
	}
	if failed {
		return cli.Exit(cli.ExitFindings)
	}
	return nil
}

func dumpAST(cmd *cobra.Command, ins []input) error {
	failed := false
	for _, in := range ins {
		u := lang.Parse(in.name, in.src)
		if len(ins) > 1 {
			fmt.Fprintf(cmd.OutOrStdout(), "== %s\n", in.name)
		}
		if err := ast.Dump(cmd.OutOrStdout(), u.AST); err != nil {
			return err
		}
		for _, d := range u.Diags {
			fmt.Fprint(cmd.ErrOrStderr(), diag.Format(u.Tok, d))
		}
		failed = failed || u.Diags.HasErrors()
	}
	if failed {
		return cli.Exit(cli.ExitFindings)
	}
	return nil
}

// jsonDiag is the --format json form of a diagnostic. Lines and columns
// are 1-based; columns count bytes.
type jsonDiag struct {
	File      string        `json:"file"`
	Line      int           `json:"line"`
	Column    int           `json:"column"`
	EndLine   int           `json:"endLine"`
	EndColumn int           `json:"endColumn"`
	Severity  string        `json:"severity"`
	Code      string        `json:"code"`
	Message   string        `json:"message"`
	Hints     []string      `json:"hints,omitempty"`
	Related   []jsonRelated `json:"related,omitempty"`
}

type jsonRelated struct {
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

func toJSON(u *lang.Unit, d *diag.Diagnostic) jsonDiag {
	start, end := u.Tok.Position(d.Pos), u.Tok.Position(d.End)
	j := jsonDiag{
		File: u.Tok.Name, Line: start.Line, Column: start.Column,
		EndLine: end.Line, EndColumn: end.Column,
		Severity: d.Severity.String(), Code: d.Code, Message: d.Message, Hints: d.Hints,
	}
	for _, r := range d.Related {
		p := u.Tok.Position(r.Pos)
		j.Related = append(j.Related, jsonRelated{p.Line, p.Column, r.Message})
	}
	return j
}
