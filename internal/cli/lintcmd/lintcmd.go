// Package lintcmd implements `bt lint` and btlint: run the linter's rules
// over files and directories, print the findings in one of several
// formats, apply fixes, explain rules.
package lintcmd

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/bt-tools/bt/internal/cli"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/kernel"
	"github.com/bt-tools/bt/lint"
	"github.com/bt-tools/bt/lint/rules"
)

// loadKernel picks the kernel information ($BT_KERNEL); tests replace it
// to share one loaded fixture.
var loadKernel = cli.Kernel

type options struct {
	format    string
	enable    []string
	disable   []string
	target    string
	config    string
	noConfig  bool
	fix       bool
	explain   string
	listRules bool
}

// Command returns the `lint` command; cmd/btlint renames it.
func Command() *cobra.Command {
	var o options
	cmd := &cobra.Command{
		Use:   "lint [flags] [FILE | DIR | DIR/...]...",
		Short: "Report likely bugs, portability problems and deprecated forms in bpftrace programs",
		Long: `Lint checks bpftrace programs with rules that have stable codes (BT001 ...) and
reports what it finds. Arguments are files, directories (their *.bt files) and
DIR/... patterns (*.bt files below DIR, skipping testdata and hidden
directories); "-" reads standard input; no argument means ".".

A finding is silenced by a comment "// btlint:ignore CODE reason" on its line
or on the line above. Settings come from the nearest .btlint.json above each
file ({"target": "0.17", "disable": ["BT010"], "enable": [...],
"severity": {"BT009": "error"}}), then from the flags.

Exit status: 0 no findings, 1 findings, 2 usage errors, unreadable files or
files that do not parse.`,
		RunE: func(cmd *cobra.Command, args []string) error { return run(cmd, o, args) },
	}
	f := cmd.Flags()
	f.StringVar(&o.format, "format", "text", "`FORMAT` of the output: "+strings.Join(lint.Formats, ", "))
	f.StringSliceVar(&o.enable, "enable", nil, "enable rules (`CODES` or names, comma-separated; all)")
	f.StringSliceVar(&o.disable, "disable", nil, "disable rules (`CODES` or names, comma-separated; all)")
	f.StringVar(&o.target, "target", "", "bpftrace `VERSIONS` the programs must run on: 0.17 or 0.17..0.24 (default 0.26)")
	f.StringVar(&o.config, "config", "", "use this configuration `FILE` instead of looking for "+lint.ConfigName)
	f.BoolVar(&o.noConfig, "no-config", false, "ignore configuration files")
	f.BoolVar(&o.fix, "fix", false, "apply the fixes of the findings to the files")
	f.StringVar(&o.explain, "explain", "", "print the documentation of a rule (`CODE` or name)")
	f.BoolVar(&o.listRules, "list-rules", false, "list the rules")
	return cmd
}

func run(cmd *cobra.Command, o options, args []string) error {
	all := rules.All()
	if err := lint.Validate(all); err != nil {
		return fmt.Errorf("internal error: %w", err)
	}
	base := lint.NewConfig(all)
	out := cmd.OutOrStdout()
	switch {
	case o.explain != "":
		r, ok := base.Lookup(o.explain)
		if !ok {
			return cli.Usagef("unknown rule %q (see --list-rules)", o.explain)
		}
		_, err := io.WriteString(out, Explain(r))
		return err
	case o.listRules:
		_, err := io.WriteString(out, listRules(all))
		return err
	}
	if !validFormat(o.format) {
		return cli.Usagef("unknown --format %q (want %s)", o.format, strings.Join(lint.Formats, ", "))
	}
	configs, err := o.configs(base)
	if err != nil {
		return cli.Usagef("%v", err)
	}
	files, err := expand(args, cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	if o.fix && contains(files, "-") {
		return cli.Usagef("--fix cannot rewrite standard input")
	}
	k, err := loadKernel()
	if err != nil {
		return cli.Usagef("%v", err)
	}
	rep := lintFiles(files, configs, k, o.fix, cmd.InOrStdin())
	rep.Rules, rep.Version = all, version()
	return finish(cmd, o, rep)
}

func validFormat(f string) bool {
	for _, g := range lint.Formats {
		if f == g {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// configs builds the per-directory configuration finder from the flags.
func (o options) configs(base *lint.Config) (*lint.Configs, error) {
	var target *lint.Target
	if o.target != "" {
		t, err := lint.ParseTarget(o.target)
		if err != nil {
			return nil, err
		}
		target = &t
	}
	enable, disable := lint.SplitList(o.enable), lint.SplitList(o.disable)
	flags := func(c *lint.Config) error {
		if target != nil {
			c.Target = *target
		}
		return errors.Join(c.Disable(disable...), c.Enable(enable...))
	}
	// Check the flags once, up front, so that a typo is a usage error.
	if err := flags(base.Clone()); err != nil {
		return nil, err
	}
	cs := &lint.Configs{Base: base, Flags: flags, Explicit: o.config, NoFiles: o.noConfig}
	if o.noConfig && o.config != "" {
		return nil, fmt.Errorf("--config and --no-config cannot be combined")
	}
	if o.config != "" {
		if _, err := lint.ReadConfigFile(o.config); err != nil {
			return nil, err
		}
	}
	return cs, nil
}

// finish writes the report and returns the exit status.
func finish(cmd *cobra.Command, o options, rep *lint.Report) error {
	stderr := cmd.ErrOrStderr()
	code := cli.ExitOK
	for _, e := range rep.Errors {
		fmt.Fprintf(stderr, "%s: %v\n", e.File, e.Err)
		code = cli.ExitUsage
	}
	for _, res := range rep.Results {
		for _, err := range res.Failures {
			fmt.Fprintf(stderr, "internal error: %v\n", err)
			code = cli.ExitUsage
		}
		if len(res.Syntax) > 0 {
			code = cli.ExitUsage
			if o.format == "text" {
				for _, d := range res.Syntax {
					fmt.Fprint(stderr, diag.Format(res.Unit.Tok, d))
				}
			}
			continue
		}
		if n := len(res.Errors); n > 0 {
			fmt.Fprintf(stderr, "%s: %d %s from the checker; findings may be incomplete (bt check %s shows them)\n",
				res.Unit.Tok.Name, n, plural(n, "error", "errors"), res.Unit.Tok.Name)
		}
	}
	if err := lint.Write(cmd.OutOrStdout(), o.format, rep); err != nil {
		return err
	}
	if code == cli.ExitOK && rep.Findings() > 0 {
		code = cli.ExitFindings
	}
	return cli.Exit(code)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// ---------------------------------------------------------------------------
// Files

// expand turns the arguments into file names: files as given, the *.bt
// files of directories, and the *.bt files below DIR for DIR/....
func expand(args []string, stderr io.Writer) ([]string, error) {
	if len(args) == 0 {
		args = []string{"."}
	}
	var files []string
	seen := map[string]bool{}
	add := func(f string) {
		if !seen[f] {
			seen[f] = true
			files = append(files, f)
		}
	}
	for _, arg := range args {
		if arg == "-" {
			add(arg)
			continue
		}
		if dir, ok := strings.CutSuffix(arg, "..."); ok && (dir == "" || strings.HasSuffix(dir, "/")) {
			if dir == "" {
				dir = "."
			}
			found, err := walk(filepath.Clean(dir))
			if err != nil {
				return nil, cli.Usagef("%v", err)
			}
			if len(found) == 0 {
				fmt.Fprintf(stderr, "warning: %q matched no *.bt files\n", arg)
			}
			for _, f := range found {
				add(f)
			}
			continue
		}
		fi, err := os.Stat(arg)
		if err != nil {
			return nil, cli.Usagef("%v", err)
		}
		if !fi.IsDir() {
			add(arg)
			continue
		}
		found, err := filepath.Glob(filepath.Join(arg, "*.bt"))
		if err != nil {
			return nil, cli.Usagef("%v", err)
		}
		if len(found) == 0 {
			fmt.Fprintf(stderr, "warning: %s holds no *.bt files\n", arg)
		}
		for _, f := range found {
			add(f)
		}
	}
	if len(files) == 0 {
		return nil, cli.Usagef("no files to lint")
	}
	return files, nil
}

// walk returns the *.bt files below dir, sorted, skipping testdata and
// directories whose name starts with '.' or '_', as go's ./... does.
func walk(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != dir && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".bt") {
			out = append(out, path)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// lintFiles lints (and fixes) files concurrently and returns the report
// in the order of the files.
func lintFiles(files []string, configs *lint.Configs, k kernel.Info, fix bool, stdin io.Reader) *lint.Report {
	results := make([]*lint.Result, len(files))
	errs := make([]error, len(files))
	cfgs := make([]*lint.Config, len(files))
	for i, f := range files {
		cfgs[i], errs[i] = configs.For(f)
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i], errs[i] = lintFile(files[i], cfgs[i], k, fix, stdin)
			}
		}()
	}
	for i := range files {
		if errs[i] == nil {
			next <- i
		}
	}
	close(next)
	wg.Wait()
	rep := &lint.Report{}
	for i, f := range files {
		if errs[i] != nil {
			rep.Errors = append(rep.Errors, lint.FileError{File: f, Err: errs[i]})
			continue
		}
		rep.Results = append(rep.Results, results[i])
	}
	return rep
}

func lintFile(name string, cfg *lint.Config, k kernel.Info, fix bool, stdin io.Reader) (*lint.Result, error) {
	var src []byte
	var err error
	if name == "-" {
		src, err = io.ReadAll(stdin)
		name = "<stdin>"
	} else {
		src, err = os.ReadFile(name)
	}
	if err != nil {
		return nil, err
	}
	opts := lint.Options{Config: cfg, Kernel: k}
	if !fix {
		return lint.Lint(name, src, opts), nil
	}
	fixed, res, n, err := lint.Fix(name, src, opts)
	if err != nil {
		return nil, err
	}
	if n > 0 {
		if err := writeFile(name, fixed); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// writeFile replaces a file atomically, keeping its permissions.
func writeFile(name string, data []byte) error {
	fi, err := os.Stat(name)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".btlint-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(fi.Mode().Perm()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

// ---------------------------------------------------------------------------
// Rules

// Explain returns the documentation of a rule as --explain prints it.
func Explain(r *lint.Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s (%s", r.Code, r.Name, r.Severity)
	if r.Fixable {
		b.WriteString(", fixable")
	}
	if r.Off {
		b.WriteString(", off by default")
	}
	b.WriteString(")\n\n")
	bad, good := r.Examples()
	fmt.Fprintf(&b, "%s\n\n%s\n\nBad:\n\n%s\nGood:\n\n%s", capitalize(r.Summary()), r.Explanation(), indent(bad), indent(good))
	return b.String()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

func indent(s string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(s, "\n") {
		if strings.TrimSpace(l) != "" {
			b.WriteString("    ")
		}
		b.WriteString(l)
	}
	return b.String()
}

func listRules(all []*lint.Rule) string {
	var b strings.Builder
	for _, r := range all {
		fix := ""
		if r.Fixable {
			fix = " (fixable)"
		}
		fmt.Fprintf(&b, "%s  %-26s %-8s %s%s\n", r.Code, r.Name, r.Severity, r.Summary(), fix)
	}
	return b.String()
}

func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok || info.Main.Version == "" {
		return "devel"
	}
	return info.Main.Version
}
