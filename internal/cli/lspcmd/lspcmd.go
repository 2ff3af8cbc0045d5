// Package lspcmd implements `bt lsp`: the language server, on standard
// input and output.
package lspcmd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync"

	"github.com/spf13/cobra"

	format "github.com/bt-tools/bt/fmt"
	"github.com/bt-tools/bt/internal/cli"
	"github.com/bt-tools/bt/lang"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/kernel"
	"github.com/bt-tools/bt/lint"
	"github.com/bt-tools/bt/lint/rules"
	"github.com/bt-tools/bt/lsp"
)

// Command returns the `lsp` command.
func Command() *cobra.Command {
	var logFile string
	cmd := &cobra.Command{
		Use:   "lsp",
		Short: "Run the language server for editors (LSP on stdin and stdout)",
		Long: `Lsp runs bt's language server: editors start it and talk the Language Server
Protocol with it on standard input and output. It offers diagnostics (syntax,
types, lint), hover, completion (attach points, builtins, args fields, struct
fields from the running kernel's BTF), signature help, go to definition,
references, rename, symbols, formatting, quick fixes, semantic tokens, folding
and inlay hints. It needs no root.

BT_KERNEL selects the kernel info: unset or "live" for the running kernel,
"fixture:DIR" for a snapshot, "none" for no kernel knowledge.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return run(cmd, logFile)
		},
	}
	cmd.Flags().StringVar(&logFile, "log", "", "append the server's log to `FILE`")
	// Some clients pass --stdio; standard input and output is the only
	// transport, so it changes nothing.
	cmd.Flags().Bool("stdio", true, "talk on standard input and output (the default and only transport)")
	return cmd
}

func run(cmd *cobra.Command, logFile string) error {
	k, err := cli.Kernel()
	if err != nil {
		return cli.Usagef("%v", err)
	}
	opts := lsp.Options{
		Kernel:  k,
		Format:  format.Source,
		Lint:    linter(),
		Version: version(),
	}
	if logFile != "" {
		f, err := os.OpenFile(logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return cli.Usagef("%v", err)
		}
		defer f.Close()
		opts.Log = f
	}
	err = lsp.Serve(cmd.Context(), stdio{cmd.InOrStdin(), cmd.OutOrStdout()}, opts)
	if errors.Is(err, lsp.ErrExitWithoutShutdown) {
		return cli.Exit(cli.ExitFindings)
	}
	if err != nil {
		return fmt.Errorf("lsp: %w", err)
	}
	return nil
}

// linter runs btlint's rules with the configuration of each file's
// directory (.btlint.json), as btlint would.
func linter() lsp.LintFunc {
	var mu sync.Mutex // lint.Configs caches without locking
	configs := &lint.Configs{Base: lint.NewConfig(rules.All())}
	return func(u *lang.Unit, k kernel.Info) diag.List {
		mu.Lock()
		cfg, err := configs.For(u.Tok.Name)
		mu.Unlock()
		if err != nil {
			cfg = configs.Base
		}
		return lint.LintUnit(u, lint.Options{Config: cfg, Kernel: k}).Findings
	}
}

func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " (" + s.Value[:12] + ")"
		}
	}
	return v
}

// stdio is standard input and output as one connection.
type stdio struct {
	io.Reader
	io.Writer
}

// Close closes standard input, which ends a read in progress where the
// platform allows it; the process ends when the server does anyway.
func (s stdio) Close() error {
	if c, ok := s.Reader.(io.Closer); ok {
		return c.Close()
	}
	return nil
}
