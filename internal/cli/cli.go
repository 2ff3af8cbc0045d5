// Package cli holds what the bt commands share: exit codes that travel as
// errors, so that deferred calls run before the process exits, and the
// main wrapper used by cmd/bt, cmd/btfmt and cmd/btlint.
package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit codes shared by every tool.
const (
	ExitOK       = 0 // success, nothing found
	ExitFindings = 1 // errors in the checked program, lint findings, files that would change
	ExitUsage    = 2 // bad flags, unreadable files, parse errors (fmt), internal errors
)

// ExitError carries an exit code. A nil Err means the command already
// printed what the user needs to see.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// Exit returns an error that makes Main exit with code without printing.
func Exit(code int) error {
	if code == 0 {
		return nil
	}
	return &ExitError{Code: code}
}

// Usagef returns an exit-2 error with a message.
func Usagef(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

// Main runs cmd with a context cancelled on SIGINT/SIGTERM and exits with
// the command's code. It is the whole body of each tool's main.
func Main(cmd *cobra.Command) {
	os.Exit(Run(cmd, os.Args[1:]))
}

// Run executes cmd with args and returns the exit code.
func Run(cmd *cobra.Command, args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmd.SetArgs(args)
	cmd.SilenceUsage = true
	cmd.SilenceErrors = true
	err := cmd.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		if ee.Err != nil {
			fmt.Fprintf(cmd.ErrOrStderr(), "%s: %v\n", cmd.Name(), ee.Err)
		}
		return ee.Code
	}
	// Flag parsing and other cobra errors are usage errors.
	fmt.Fprintf(cmd.ErrOrStderr(), "%s: %v\n", cmd.Name(), err)
	return ExitUsage
}
