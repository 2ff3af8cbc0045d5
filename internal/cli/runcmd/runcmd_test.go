package runcmd_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/bt-tools/bt/internal/cli"
	"github.com/bt-tools/bt/internal/cli/runcmd"
)

// run runs `bt run args...` in this process.
func btRun(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := runcmd.Command()
	var out, errb bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	code = cli.Run(cmd, args)
	return out.String(), errb.String(), code
}

func needRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
}

func TestRunPrints(t *testing.T) {
	needRoot(t)
	out, errs, code := btRun(t, "-e", `BEGIN { printf("hi %d\n", 1); @x = 5; exit(); }`)
	if code != 0 || out != "hi 1\n\n\n@x: 5\n" || errs != "Attached 1 probe\n" {
		t.Errorf("code %d, stdout %q, stderr %q", code, out, errs)
	}
	out, _, code = btRun(t, "--compat", "0.17", "-e", `BEGIN { printf("hi\n"); exit(); }`)
	if code != 0 || out != "Attaching 1 probe...\nhi\n\n\n" {
		t.Errorf("0.17: code %d, stdout %q", code, out)
	}
}

// A verifier rejection is a diagnostic at the script's line, exit 1.
func TestRunVerifierDiagnostic(t *testing.T) {
	needRoot(t)
	_, errs, code := btRun(t, "-e", "BEGIN {\n  while (1) { @x++; }\n}")
	if code != 1 || !strings.Contains(errs, "stdin:2:15: error[E901]: the kernel's verifier rejected the program") ||
		!strings.Contains(errs, " |   while (1) { @x++; }") {
		t.Errorf("code %d, stderr:\n%s", code, errs)
	}
}

// What bt cannot compile is a diagnostic with the script's location,
// exit 1, no panic; no privileges needed.
func TestRunUnsupported(t *testing.T) {
	_, errs, code := btRun(t, "-e", `BEGIN { printf("%s\n", comm(1)); }`)
	if code != 1 || !strings.Contains(errs, "stdin:1:24: error[E900]: bt run does not support comm(pid) yet") {
		t.Errorf("code %d, stderr:\n%s", code, errs)
	}
}

// -d prints the listing and stops.
func TestRunDebugListing(t *testing.T) {
	out, _, code := btRun(t, "-d", "-e", `BEGIN { @ = count(); }`)
	if code != 0 || !strings.Contains(out, "map m0_: PerCPUArray key 4 value 8 entries 1 (@: count_t)") ||
		!strings.Contains(out, "RawTracepoint p0_0 (begin):") {
		t.Errorf("code %d, stdout:\n%s", code, out)
	}
}
