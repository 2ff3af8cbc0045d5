// Package runcmd implements `bt run`: bpftrace's command line, compiling
// the program to eBPF and running it.
package runcmd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"

	"github.com/bt-tools/bt/engine/compile"
	"github.com/bt-tools/bt/engine/output"
	"github.com/bt-tools/bt/engine/plan"
	"github.com/bt-tools/bt/engine/render"
	"github.com/bt-tools/bt/engine/runtime"
	"github.com/bt-tools/bt/engine/symbols"
	"github.com/bt-tools/bt/internal/cli"
	"github.com/bt-tools/bt/internal/cli/listcmd"
	"github.com/bt-tools/bt/lang"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/sema"
)

type options struct {
	expr       string
	format     string
	outFile    string
	quiet      bool
	verbose    bool
	unsafe     bool
	warnings   bool
	noWarnings bool
	debug      bool
	list       bool
	dryRun     bool
	pids       []int
	cmd        string
	noSync     bool
	buffering  string
	era        string
}

// Command returns the `run` command.
func Command() *cobra.Command {
	var o options
	cmd := &cobra.Command{
		Use:   "run [flags] FILE|-e PROGRAM|- [ARGS...]",
		Short: "Compile a bpftrace program to eBPF and run it",
		Long: `Run compiles a bpftrace program straight to eBPF (no LLVM, no clang) and runs it,
with bpftrace's command line and output. Arguments after the program are its
positional parameters ($1, $2, ...). Needs root (CAP_BPF and CAP_PERFMON).

Probes start together: every program checks a gate that opens only once all are
attached (--no-sync-start turns this off).`,
		RunE: func(cmd *cobra.Command, args []string) error { return run(cmd, o, args) },
	}
	f := cmd.Flags()
	f.SetInterspersed(false)
	f.StringVarP(&o.expr, "expr", "e", "", "run `PROGRAM`")
	f.StringVarP(&o.format, "format", "f", "text", "output format: text or json")
	f.StringVarP(&o.outFile, "output", "o", "", "write program output to `FILE`")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "do not print the attach message")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "verbose (with -l: print probe arguments)")
	f.BoolVar(&o.unsafe, "unsafe", false, "allow unsafe functions (system, signal, ...)")
	f.BoolVarP(&o.warnings, "warnings", "k", false, "report helper errors at run time")
	f.BoolVar(&o.noWarnings, "no-warnings", false, "do not print warnings")
	f.BoolVarP(&o.debug, "debug", "d", false, "print the maps and the instructions of every program, then exit")
	f.BoolVarP(&o.list, "list", "l", false, "list probes matching the pattern given as argument")
	f.BoolVar(&o.dryRun, "dry-run", false, "load and attach, then exit")
	f.IntSliceVarP(&o.pids, "pid", "p", nil, "trace only process `PID` (repeatable)")
	f.StringVarP(&o.cmd, "cmd", "c", "", "run `CMD` as a child once probes are attached; exit when it exits")
	f.BoolVar(&o.noSync, "no-sync-start", false, "let each probe fire as soon as it is attached")
	f.StringVarP(&o.buffering, "buffering", "B", "line", "output buffering: line, full or none")
	f.StringVar(&o.era, "compat", "0.26", "reproduce the output of bpftrace `VERSION`: 0.26 or 0.17")
	return cmd
}

func run(cmd *cobra.Command, o options, args []string) error {
	if o.list {
		pattern := ""
		if len(args) > 0 {
			pattern = args[0]
		}
		return listcmd.Run(cmd, pattern, o.verbose)
	}
	name, src, params, err := program(cmd, o, args)
	if err != nil {
		return err
	}
	params, named := splitParams(params, cmd.Flags().ArgsLenAtDash() >= 0 && o.expr != "")
	k, err := cli.Kernel()
	if err != nil {
		return cli.Usagef("%v", err)
	}
	strlenDefault := defaultStrlen(o.era)
	u := lang.Check(name, src, sema.Options{Kernel: k, Params: params, ParamsGiven: true, Unsafe: o.unsafe, MaxStrlen: strlenDefault})
	stderr := cmd.ErrOrStderr()
	for _, d := range u.Diags {
		if d.Severity == diag.Error || !o.noWarnings {
			fmt.Fprint(stderr, diag.Format(u.Tok, d))
		}
	}
	if u.Diags.HasErrors() {
		return cli.Exit(cli.ExitFindings)
	}
	// The -c child starts held before compiling, so that cpid is known.
	var child *runtime.Child
	cpid := 0
	if o.cmd != "" {
		if os.Geteuid() != 0 {
			return cli.Usagef("bt run needs root (CAP_BPF and CAP_PERFMON) to load programs; try sudo")
		}
		child, err = runtime.StartChild(runtime.SplitCommand(o.cmd), runtime.ChildOptions{})
		if err != nil {
			return cli.Usagef("%v", err)
		}
		cpid = child.Pid()
	}
	p, err := compile.Compile(u.Prog, compile.Options{
		PIDs: o.pids, SyncStart: !o.noSync, Unsafe: o.unsafe,
		MaxStrlen: u.Prog.MaxStrlen, CPID: cpid, Kernel: k, Era017: o.era == "0.17",
		NamedParams: named,
	})
	if err != nil {
		printCompileErrors(stderr, u, err)
		return cli.Exit(cli.ExitFindings)
	}
	if o.debug {
		// As bpftrace 0.17's -d: print and stop.
		if child != nil {
			child.Kill()
		}
		fmt.Fprint(cmd.OutOrStdout(), compile.Listing(p))
		return nil
	}
	if os.Geteuid() != 0 {
		return cli.Usagef("bt run needs root (CAP_BPF and CAP_PERFMON) to load programs; try sudo")
	}
	return execute(cmd, o, p, u, child)
}

// defaultStrlen is max_strlen unless the script's config sets it (sema
// applies the config): the environment's (BPFTRACE_MAX_STRLEN, or 0.17's BPFTRACE_STRLEN), else
// the era's default (1024 since 0.19, 64 in 0.17).
func defaultStrlen(era string) int64 {
	for _, env := range []string{"BPFTRACE_MAX_STRLEN", "BPFTRACE_STRLEN"} {
		if v := os.Getenv(env); v != "" {
			if n, err := strconv.Atoi(v); err == nil && n > 0 {
				return int64(n)
			}
		}
	}
	if era == "0.17" {
		return 64
	}
	return 1024
}

// program returns the source and its positional parameters.
func program(cmd *cobra.Command, o options, args []string) (string, []byte, []string, error) {
	if o.expr != "" {
		return "stdin", []byte(o.expr), args, nil
	}
	if len(args) == 0 {
		return "", nil, nil, cli.Usagef("no program given: use FILE, -e PROGRAM or - for standard input")
	}
	if args[0] == "-" {
		src, err := io.ReadAll(cmd.InOrStdin())
		if err != nil {
			return "", nil, nil, cli.Usagef("read standard input: %v", err)
		}
		return "stdin", src, args[1:], nil
	}
	src, err := os.ReadFile(args[0])
	if err != nil {
		return "", nil, nil, cli.Usagef("%v", err)
	}
	return args[0], src, args[1:], nil
}

// splitParams separates the program's positional parameters from its
// named ones (--name=value, --flag), which follow a "--" (dashed: cobra
// already took it out, before all of args).
func splitParams(args []string, dashed bool) (positional []string, named map[string]string) {
	named = map[string]string{}
	for _, a := range args {
		if a == "--" && !dashed {
			dashed = true
			continue
		}
		if dashed && strings.HasPrefix(a, "--") && len(a) > 2 {
			k, v, _ := strings.Cut(a[2:], "=")
			named[k] = v
			continue
		}
		positional = append(positional, a)
	}
	return positional, named
}

func printCompileErrors(w io.Writer, u *lang.Unit, err error) {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	for _, e := range errs {
		var ce *compile.Error
		if errors.As(e, &ce) {
			fmt.Fprint(w, diag.Format(u.Tok, &diag.Diagnostic{Pos: ce.Pos, End: ce.End, Severity: diag.Error, Code: "E900", Message: ce.Msg}))
			continue
		}
		fmt.Fprintf(w, "%s: error: %v\n", u.Tok.Name, e)
	}
}

func execute(cmd *cobra.Command, o options, p *plan.Plan, u *lang.Unit, child *runtime.Child) error {
	era, rtEra := output.Era026, runtime.EraNew
	switch o.era {
	case "0.26", "":
	case "0.17":
		era, rtEra = output.Era017, runtime.Era017
	default:
		return cli.Usagef("unknown --compat %q: want 0.26 or 0.17", o.era)
	}
	format := output.Text
	switch o.format {
	case "text":
	case "json":
		format = output.JSON
	default:
		return cli.Usagef("unknown output format %q: want text or json", o.format)
	}
	buffering, ok := map[string]runtime.Buffering{"line": runtime.BufferLine, "full": runtime.BufferFull, "none": runtime.BufferNone}[o.buffering]
	if !ok {
		return cli.Usagef("unknown buffering %q: want line, full or none", o.buffering)
	}
	printer := output.NewPrinter(era, format)
	printer.BootToWall = bootToWall()
	syms := symbols.New()
	if child != nil {
		syms.Preload(child.Pid()) // its addresses must resolve after it exits
	}
	for _, pid := range o.pids {
		syms.Preload(pid)
	}
	printer.Symbols = syms
	if p.Config.StrTruncTrailer != "" {
		printer.TruncTrailer = p.Config.StrTruncTrailer
	}
	stdout := cmd.OutOrStdout()
	if o.outFile != "" {
		f, err := os.Create(o.outFile)
		if err != nil {
			return cli.Usagef("%v", err)
		}
		defer f.Close()
		stdout = f
	}
	opts := runtime.Options{
		Stdout: stdout, Stderr: cmd.ErrOrStderr(), Printer: render.New(printer),
		Era: rtEra, JSON: format == output.JSON, Quiet: o.quiet, Buffering: buffering,
		Unsafe: o.unsafe, NoWarnings: o.noWarnings, PIDs: o.pids, DryRun: o.dryRun,
	}
	opts.Child = child
	code, err := runtime.Run(cmd.Context(), p, opts)
	if err != nil {
		reportRunError(cmd.ErrOrStderr(), u, err)
		if code == 0 {
			code = cli.ExitFindings
		}
	}
	return cli.Exit(code)
}

// reportRunError prints a run failure; a verifier rejection points at the
// script line whose instruction failed.
func reportRunError(w io.Writer, u *lang.Unit, err error) {
	var ve *runtime.VerifierError
	if errors.As(err, &ve) && ve.Pos.IsValid() {
		d := &diag.Diagnostic{Pos: ve.Pos, End: ve.End, Severity: diag.Error, Code: "E901",
			Message: "the kernel's verifier rejected the program: " + ve.Reason()}
		d.Hints = append(d.Hints, "run with -d to see the instructions")
		fmt.Fprint(w, diag.Format(u.Tok, d))
		return
	}
	fmt.Fprintf(w, "ERROR: %v\n", err)
	var ae *runtime.AttachError
	if errors.As(err, &ae) {
		if h := ae.Hint(); h != "" {
			fmt.Fprintf(w, "HINT: %s\n", h)
		}
	}
}

// bootToWall converts boot-clock nanoseconds to wall-clock time.
func bootToWall() func(uint64) time.Time {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts); err != nil {
		return nil
	}
	offset := time.Now().UnixNano() - ts.Nano()
	return func(ns uint64) time.Time { return time.Unix(0, offset+int64(ns)) }
}
