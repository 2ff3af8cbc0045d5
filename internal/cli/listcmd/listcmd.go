// Package listcmd implements `bt list`: the probes of this kernel, as
// `bpftrace -l` and `bpftrace -lv` list them. BTF is world-readable, so
// listing needs no root; tracepoints come from tracefs when it can be
// read and from BTF otherwise.
package listcmd

import (
	"bufio"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/bt-tools/bt/internal/cli"
	"github.com/bt-tools/bt/lang/probes"
)

// Command returns the `list` command.
func Command() *cobra.Command {
	var verbose bool
	cmd := &cobra.Command{
		Use:   "list [PATTERN]",
		Short: "List probes, as bpftrace -l",
		Long: `List prints the probes of this kernel whose names match PATTERN ('*' is a wildcard;
the provider may be abbreviated: t:sched:*). With -v, it also prints each probe's
arguments.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pattern := ""
			if len(args) == 1 {
				pattern = args[0]
			}
			return Run(cmd, pattern, verbose)
		},
	}
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "print the arguments of each probe")
	return cmd
}

// Run lists the probes matching pattern; bt run -l uses it too.
func Run(cmd *cobra.Command, pattern string, verbose bool) error {
	k, err := cli.Kernel()
	if err != nil {
		return cli.Usagef("%v", err)
	}
	names, err := probes.List(pattern, k)
	if err != nil {
		return cli.Usagef("%v", err)
	}
	w := bufio.NewWriter(cmd.OutOrStdout())
	defer w.Flush()
	for _, name := range names {
		fmt.Fprintln(w, name)
		if !verbose {
			continue
		}
		lines, err := probes.Describe(name, k)
		if err != nil {
			continue
		}
		for _, l := range lines {
			fmt.Fprintln(w, l)
		}
	}
	return nil
}
