package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/bt-tools/bt/internal/cli/checkcmd"
	"github.com/bt-tools/bt/internal/cli/fmtcmd"
	"github.com/bt-tools/bt/internal/cli/lintcmd"
	"github.com/bt-tools/bt/internal/cli/listcmd"
	"github.com/bt-tools/bt/internal/cli/lspcmd"
	"github.com/bt-tools/bt/internal/cli/runcmd"
)

func rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "bt",
		Short: "bt is a toolchain for the bpftrace language",
		Long: `bt checks, formats, lints and runs bpftrace programs, and serves them to editors.
It compiles scripts straight to eBPF: no LLVM, no clang, one static binary.`,
		CompletionOptions: cobra.CompletionOptions{HiddenDefaultCmd: true},
	}
	// One line per tool; each command lives in its own file or package.
	root.AddCommand(versionCommand())
	root.AddCommand(fmtcmd.Command())
	root.AddCommand(checkcmd.Command())
	root.AddCommand(listcmd.Command())
	root.AddCommand(lintcmd.Command())
	root.AddCommand(lspcmd.Command())
	root.AddCommand(runcmd.Command())
	return root
}

// Version is set with -ldflags "-X main.Version=..."; otherwise the module
// version or VCS revision from the build info is shown.
var Version = ""

func versionString() string {
	if Version != "" {
		return Version
	}
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

func versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print bt's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "bt %s\n", versionString())
			return err
		},
	}
}
