package rules

import (
	"fmt"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/types"
	"github.com/bt-tools/bt/lint"
)

// SystemUnsafe is BT002.
var SystemUnsafe = &lint.Rule{
	Code:     "BT002",
	Name:     "system-needs-unsafe",
	Severity: diag.Info,
	Doc: `system() needs --unsafe and stalls event processing

system() runs a shell command from the tracer's event loop. bpftrace only
allows it with --unsafe, so the program fails to start without that flag;
and while the command runs no other event is processed, so events queue
up and may be lost. Prefer printing what is needed (printf, print, cat)
and acting on the output outside the tracer; when a command is really
needed, document that the script requires --unsafe.

Bad:

	interval:s:10 { system("df -h /"); }

Good:

	interval:s:10 { cat("/proc/loadavg"); }
`,
	Run: runSystemUnsafe,
}

func runSystemUnsafe(pass *lint.Pass) error {
	for _, c := range pass.Index.Calls("system") {
		pass.Reportf(c.Fun, "system() needs --unsafe, and event processing stops while the command runs").
			Hints = []string{"run the script with --unsafe, or print what you need and act on it outside the tracer"}
	}
	return nil
}

// ShellInjection is BT003.
var ShellInjection = &lint.Rule{
	Code:     "BT003",
	Name:     "system-shell-injection",
	Severity: diag.Error,
	Doc: `system() builds a shell command from data the traced programs control

system() hands its formatted text to a shell. When a %s conversion takes
a value from the traced events (comm, a str() of a user pointer, a
tracepoint's filename, a map holding such strings), any program on the
host can choose that text: a process that names itself "x;reboot" runs
reboot as root in the tracer. Only pass numbers to system() (%d of pid,
tid, uid are safe), or print the data and act on it outside the tracer.

Bad:

	tracepoint:syscalls:sys_enter_execve
	{
	  system("logger exec %s", comm);
	}

Good:

	tracepoint:syscalls:sys_enter_execve
	{
	  system("logger exec by pid %d", pid);
	}
`,
	Run: runShellInjection,
}

func runShellInjection(pass *lint.Pass) error {
	info := pass.Prog.Info
	for _, c := range pass.Index.Calls("system") {
		for _, a := range c.Args[min(1, len(c.Args)):] {
			if _, isConst := info.Consts[a]; isConst || !stringLike(info.TypeOf(a)) {
				continue
			}
			d := pass.Reportf(a, "%s is formatted into a shell command, but the traced programs control its text: a value like \"x; reboot\" runs commands as root",
				describe(pass, a))
			d.Hints = []string{"pass only numbers to system() (%d of pid or tid), or printf the value and act on it outside the tracer"}
		}
	}
	return nil
}

// stringLike reports whether t is text a program can choose: strings,
// char arrays and buffers.
func stringLike(t types.Type) bool {
	switch t.(type) {
	case *types.String, *types.Buffer:
		return true
	}
	return stringLen(t) > 0
}

// describe names a value for a message: "comm", "str(args.filename)".
func describe(pass *lint.Pass, x ast.Expr) string {
	s := lint.ExprText(pass.File, x)
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return fmt.Sprintf("%q", s)
}
