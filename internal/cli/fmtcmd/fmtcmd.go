// Package fmtcmd implements the formatter's command line, shared by
// `bt fmt` and btfmt, with gofmt's manners: files and directories (walked
// for *.bt), standard input to standard output when no paths are given,
// -w to rewrite files in place (atomically), -l to list the files that
// would change, -d to show unified diffs, and --check to fail when
// anything would change.
//
// Exit codes: 0 when all is well, 1 when --check or -d found a file that
// would change, 2 when a file does not parse or cannot be read or written.
package fmtcmd

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	format "github.com/bt-tools/bt/fmt"
	"github.com/bt-tools/bt/internal/cli"
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/parser"
	"github.com/bt-tools/bt/lang/token"
)

// stdinName names standard input in listings, diffs and diagnostics.
const stdinName = "<standard input>"

// options are the command's flags.
type options struct {
	write, list, diff, check bool
}

// Command returns the fmt command. cmd/btfmt uses it as its root command,
// cmd/bt adds it as "bt fmt".
func Command() *cobra.Command {
	var o options
	cmd := &cobra.Command{
		Use:   "fmt [flags] [path ...]",
		Short: "Format bpftrace programs",
		Long: `Format bpftrace programs in the style of upstream "bpftrace --fmt".

Without paths, fmt formats standard input to standard output. A path may be
a file or a directory, which is walked for *.bt files. Without -w, -l, -d or
--check the formatted programs are written to standard output.

The formatter never changes the language era of a program (BEGIN stays BEGIN,
args->x stays args->x, parenthesized conditions keep their parentheses), and
it never writes a file that does not parse.

Exit status: 0 on success, 1 if --check or -d found a file that would change,
2 if a file does not parse or cannot be read or written.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd, o, args)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.write, "write", "w", false, "write the result to the file instead of standard output")
	f.BoolVarP(&o.list, "list", "l", false, "list the files whose formatting differs")
	f.BoolVarP(&o.diff, "diff", "d", false, "show unified diffs instead of rewriting files")
	f.BoolVar(&o.check, "check", false, "exit 1 if any file would change, listing those files")
	return cmd
}

func run(cmd *cobra.Command, o options, args []string) error {
	out, errw := cmd.OutOrStdout(), cmd.ErrOrStderr()
	if len(args) == 0 {
		if o.write {
			return cli.Usagef("cannot use -w with standard input")
		}
		src, err := io.ReadAll(cmd.InOrStdin())
		if err != nil {
			return &cli.ExitError{Code: cli.ExitUsage, Err: fmt.Errorf("read standard input: %w", err)}
		}
		r := formatSource(stdinName, src)
		return cli.Exit(exitCode(o, []*result{r}, report(out, errw, o, r)))
	}
	paths, walkErrs := collect(args)
	for _, err := range walkErrs {
		fmt.Fprintln(errw, err)
	}
	results, done := process(paths, o)
	failed := len(walkErrs) > 0
	for i := range results {
		<-done[i]
		if !report(out, errw, o, results[i]) {
			failed = true
		}
	}
	return cli.Exit(exitCode(o, results, !failed))
}

// exitCode is 2 after any error, else 1 when --check or -d found a change.
func exitCode(o options, results []*result, ok bool) int {
	if !ok {
		return cli.ExitUsage
	}
	if o.check || o.diff {
		for _, r := range results {
			if r.changed() {
				return cli.ExitFindings
			}
		}
	}
	return cli.ExitOK
}

// collect expands the command's paths: files as given, directories walked
// for *.bt files in lexical order, skipping hidden files and directories.
func collect(args []string) (paths []string, errs []error) {
	for _, arg := range args {
		info, err := os.Stat(arg)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !info.IsDir() {
			paths = append(paths, arg)
			continue
		}
		err = filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				errs = append(errs, err)
				return nil
			}
			hidden := path != arg && strings.HasPrefix(d.Name(), ".")
			switch {
			case d.IsDir() && hidden:
				return filepath.SkipDir
			case !d.IsDir() && !hidden && strings.HasSuffix(d.Name(), ".bt"):
				paths = append(paths, path)
			}
			return nil
		})
		if err != nil {
			errs = append(errs, err)
		}
	}
	return paths, errs
}

// process formats the files concurrently, at most GOMAXPROCS at a time.
// results[i] is ready once done[i] is closed: the caller reports in the
// order of the paths, whatever order the files finish in.
func process(paths []string, o options) (results []*result, done []chan struct{}) {
	results = make([]*result, len(paths))
	done = make([]chan struct{}, len(paths))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, path := range paths {
		done[i] = make(chan struct{})
		go func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i] = formatFile(path, o.write)
			close(done[i])
		}()
	}
	return results, done
}

// result is what formatting one file gave.
type result struct {
	name     string
	file     *token.File
	src, out []byte
	diags    diag.List // parse errors: no output
	err      error     // I/O or internal error
}

func (r *result) changed() bool {
	return r.err == nil && len(r.diags) == 0 && !bytes.Equal(r.src, r.out)
}

// formatFile reads, formats and, with write, rewrites one file.
func formatFile(path string, write bool) *result {
	src, err := os.ReadFile(path)
	if err != nil {
		return &result{name: path, err: err}
	}
	r := formatSource(path, src)
	if write && r.changed() {
		if err := writeAtomic(path, r.out); err != nil {
			r.err = fmt.Errorf("write %s: %w", path, err)
		}
	}
	return r
}

// formatSource formats src. Besides parse errors, it checks that the
// formatted text parses to the same tree: a formatter bug must never reach
// a file.
func formatSource(name string, src []byte) *result {
	r := &result{name: name, src: src, file: token.NewFile(name, src)}
	f, diags := parser.ParseFile(r.file)
	if diags.HasErrors() {
		r.diags = diags.Errors()
		return r
	}
	r.out = format.File(r.file, f)
	g, diags := parser.ParseFile(token.NewFile(name, r.out))
	if diags.HasErrors() || ast.DumpString(f) != ast.DumpString(g) {
		r.err = fmt.Errorf("%s: internal error: the formatted program would not mean the same; left unchanged (please report this bug)", name)
	}
	return r
}

// report prints what the flags ask for about one result and reports
// whether it was free of errors.
func report(out, errw io.Writer, o options, r *result) bool {
	switch {
	case r.err != nil:
		fmt.Fprintln(errw, r.err)
		return false
	case len(r.diags) > 0:
		for _, d := range r.diags {
			fmt.Fprint(errw, diag.Format(r.file, d))
		}
		return false
	}
	changed := r.changed()
	if changed && (o.list || o.check) {
		fmt.Fprintln(out, r.name)
	}
	if changed && o.diff {
		if err := unifiedDiff(out, r.name, r.src, r.out); err != nil {
			fmt.Fprintln(errw, err)
			return false
		}
	}
	if !o.write && !o.list && !o.diff && !o.check {
		if _, err := out.Write(r.out); err != nil {
			fmt.Fprintln(errw, err)
			return false
		}
	}
	return true
}

// writeAtomic replaces the file at path with data: it writes a temporary
// file in the same directory, gives it the file's permissions, and renames
// it over the file, so that readers see the old or the new content, never
// half of it. A symbolic link is followed, so the link stays a link.
func writeAtomic(path string, data []byte) (err error) {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	info, err := os.Stat(target)
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return errors.New("not a regular file")
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".btfmt-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Chmod(info.Mode().Perm()); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), target)
}
