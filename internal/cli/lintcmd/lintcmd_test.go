package lintcmd

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bt-tools/bt/internal/cli"
	"github.com/bt-tools/bt/lang/kernel"
	"github.com/bt-tools/bt/lint"
)

var fixture kernel.Info

func TestMain(m *testing.M) {
	// Load the kernel fixture once, before tests change directory.
	dir, err := kernel.FixtureDir()
	if err == nil {
		fixture, err = kernel.NewFixture(dir)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	loadKernel = func() (kernel.Info, error) { return fixture, nil }
	os.Exit(m.Run())
}

// btlint runs the command with args and returns its exit code and output.
func btlint(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	cmd := Command()
	var stdout, stderr bytes.Buffer
	cmd.SetOut(&stdout)
	cmd.SetErr(&stderr)
	code := cli.Run(cmd, args)
	return code, stdout.String(), stderr.String()
}

// write creates files under a temporary directory: name -> content.
func write(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const (
	clean    = "tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }\n"
	literal  = "tracepoint:syscalls:sys_enter_openat /pid == 1234/ { @[comm] = count(); }\n"
	unfixed  = "kprobe:vfs_read { @start[tid] = nsecs; }\nkretprobe:vfs_read { @ns = hist(nsecs - @start[tid]); }\n"
	badSyntx = "kprobe:vfs_read { @x = ; }\n"
)

// TestKernelEnv runs the command with the kernel it would pick itself.
func TestKernelEnv(t *testing.T) {
	dir, err := kernel.FixtureDir()
	if err != nil {
		t.Fatal(err)
	}
	saved := loadKernel
	defer func() { loadKernel = saved }()
	loadKernel = cli.Kernel
	files := write(t, map[string]string{"x.bt": clean})
	t.Setenv(cli.KernelEnv, "fixture:"+dir)
	if code, out, errs := btlint(t, filepath.Join(files, "x.bt")); code != 0 {
		t.Errorf("exit %d\n%s%s", code, out, errs)
	}
	t.Setenv(cli.KernelEnv, "bogus")
	if code, _, errs := btlint(t, filepath.Join(files, "x.bt")); code != 2 || !strings.Contains(errs, cli.KernelEnv) {
		t.Errorf("bad %s: exit %d\n%s", cli.KernelEnv, code, errs)
	}
}

func TestExitCodes(t *testing.T) {
	dir := write(t, map[string]string{"clean.bt": clean, "pid.bt": literal, "bad.bt": badSyntx})
	for _, c := range []struct {
		name string
		args []string
		want int
	}{
		{"clean", []string{filepath.Join(dir, "clean.bt")}, 0},
		{"findings", []string{filepath.Join(dir, "pid.bt")}, 1},
		{"disabled", []string{"--disable", "BT010", filepath.Join(dir, "pid.bt")}, 0},
		{"disabled by name", []string{"--disable=literal-pid", filepath.Join(dir, "pid.bt")}, 0},
		{"syntax error", []string{filepath.Join(dir, "bad.bt"), filepath.Join(dir, "pid.bt")}, 2},
		{"missing file", []string{filepath.Join(dir, "nope.bt")}, 2},
		{"unknown flag", []string{"--bogus", filepath.Join(dir, "clean.bt")}, 2},
		{"unknown format", []string{"--format", "xml", filepath.Join(dir, "clean.bt")}, 2},
		{"unknown rule", []string{"--enable", "BT999", filepath.Join(dir, "clean.bt")}, 2},
		{"bad target", []string{"--target", "0.9", filepath.Join(dir, "clean.bt")}, 2},
		{"unknown explain", []string{"--explain", "BT999"}, 2},
		{"explain", []string{"--explain", "BT004"}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := btlint(t, c.args...)
			if code != c.want {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.want, stdout, stderr)
			}
		})
	}
}

func TestDirectories(t *testing.T) {
	dir := write(t, map[string]string{
		"tools/a.bt":                literal,
		"tools/sub/b.bt":            literal,
		"tools/testdata/c.bt":       literal,
		"tools/.hidden/d.bt":        literal,
		"tools/notes.txt":           "not a program",
		"tools/sub/deeper/clean.bt": clean,
	})
	t.Chdir(dir)
	for _, c := range []struct {
		arg  string
		want []string
	}{
		{"tools", []string{"tools/a.bt"}},
		{"./tools", []string{"tools/a.bt"}},
		{"tools/...", []string{"tools/a.bt", "tools/sub/b.bt"}},
		{"./...", []string{"tools/a.bt", "tools/sub/b.bt"}},
	} {
		_, stdout, _ := btlint(t, "--format", "json", c.arg)
		var rep lint.JSONReport
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			t.Fatalf("%s: %v\n%s", c.arg, err, stdout)
		}
		var got []string
		for _, f := range rep.Findings {
			got = append(got, filepath.Clean(f.File))
		}
		if strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("%s: findings in %v, want %v", c.arg, got, c.want)
		}
	}
}

func TestFormats(t *testing.T) {
	dir := write(t, map[string]string{"x.bt": unfixed})
	file := filepath.Join(dir, "x.bt")

	args := func(more ...string) []string { return append([]string{"--disable=all", "--enable=BT004"}, more...) }
	_, text, _ := btlint(t, args(file)...)
	for _, want := range []string{
		file + ":2:41: warning[BT004]: @start[tid] is read without checking",
		"  = fix: add the predicate /@start[tid]/",
		" | kretprobe:vfs_read { @ns = hist(nsecs - @start[tid]); }",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text output lacks %q:\n%s", want, text)
		}
	}

	_, js, _ := btlint(t, args("--format", "json", file)...)
	var rep lint.JSONReport
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Version != lint.JSONVersion || len(rep.Findings) == 0 {
		t.Fatalf("json: %s", js)
	}
	f := rep.Findings[0]
	if f.Code != "BT004" || f.Line != 2 || f.Column != 41 || f.Severity != "warning" || len(f.Fixes) != 1 ||
		f.Fixes[0].Edits[0].NewText != "/@start[tid]/ " {
		t.Errorf("json finding: %+v", f)
	}

	_, gh, _ := btlint(t, args("--format", "github", file)...)
	want := "::warning file=" + file + ",line=2,col=41,endLine=2,endColumn=52,title=BT004 (unguarded-start-lookup)::@start[tid] is read"
	if !strings.HasPrefix(gh, want) || strings.Count(gh, "\n") != strings.Count(gh, "::")/2 {
		t.Errorf("github output:\n%s\nwant a line starting with\n%s", gh, want)
	}

	_, sarif, _ := btlint(t, "--format", "sarif", file)
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct{ ID string } `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID string `json:"ruleId"`
				Fixes  []any  `json:"fixes"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(sarif), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Tool.Driver.Rules) < 16 ||
		len(log.Runs[0].Results) == 0 || len(log.Runs[0].Results[0].Fixes) != 1 {
		t.Errorf("sarif output:\n%s", sarif)
	}
}

func TestSuppressions(t *testing.T) {
	dir := write(t, map[string]string{
		"above.bt":    "// btlint:ignore BT010 the fixture runs as pid 1234\n" + literal,
		"same.bt":     strings.TrimSuffix(literal, "\n") + " // btlint:ignore literal-pid fixture pid\n",
		"noreason.bt": strings.TrimSuffix(literal, "\n") + " // btlint:ignore BT010\n",
		"unknown.bt":  strings.TrimSuffix(clean, "\n") + " // btlint:ignore BT999 why not\n",
		"far.bt":      "// btlint:ignore BT010 too far\n\n" + literal,
	})
	for name, want := range map[string]int{"above.bt": 0, "same.bt": 0, "noreason.bt": 1, "unknown.bt": 1, "far.bt": 1} {
		code, stdout, _ := btlint(t, filepath.Join(dir, name))
		if code != want {
			t.Errorf("%s: exit %d, want %d\n%s", name, code, want, stdout)
		}
	}
}

func TestConfigDiscovery(t *testing.T) {
	dir := write(t, map[string]string{
		".btlint.json":          `{"disable": ["BT010"]}`,
		"a/pid.bt":              literal,
		"a/b/.btlint.json":      `{"severity": {"literal-pid": "error"}}`,
		"a/b/pid.bt":            literal,
		"c/.btlint.json":        `{"target": "0.17", "disable": ["all"], "enable": ["BT011"]}`,
		"c/new.bt":              "begin { @x = true; }\n",
		"broken/.btlint.json":   `{"disabel": ["BT010"]}`,
		"broken/pid.bt":         literal,
		"explicit/cfg.json":     `{"disable": ["BT010"]}`,
		"explicit/sub/pid.bt":   literal,
		"explicit/.btlint.json": `{"enable": ["BT010"]}`,
	})
	// The nearest file wins: a/ inherits the root's (BT010 off); a/b has
	// its own, which leaves BT010 on, as an error.
	if code, out, errs := btlint(t, filepath.Join(dir, "a", "pid.bt")); code != 0 {
		t.Errorf("a/pid.bt: exit %d\n%s%s", code, out, errs)
	}
	code, out, _ := btlint(t, "--format", "json", filepath.Join(dir, "a", "b", "pid.bt"))
	if code != 1 || !strings.Contains(out, `"severity": "error"`) {
		t.Errorf("a/b/pid.bt: exit %d\n%s", code, out)
	}
	// target and enable from a file; flags override files.
	code, out, _ = btlint(t, "--format", "json", filepath.Join(dir, "c", "new.bt"))
	if code != 1 || strings.Count(out, `"code": "BT011"`) != 2 {
		t.Errorf("c/new.bt: exit %d\n%s", code, out)
	}
	if code, out, _ := btlint(t, "--target", "0.26", filepath.Join(dir, "c", "new.bt")); code != 0 {
		t.Errorf("c/new.bt --target 0.26: exit %d\n%s", code, out)
	}
	// A typo in a configuration file is an error, not silence.
	if code, _, errs := btlint(t, filepath.Join(dir, "broken", "pid.bt")); code != 2 || !strings.Contains(errs, "disabel") {
		t.Errorf("broken config: exit %d\n%s", code, errs)
	}
	// --config replaces discovery; --no-config ignores every file.
	if code, _, _ := btlint(t, "--config", filepath.Join(dir, "explicit", "cfg.json"), filepath.Join(dir, "explicit", "sub", "pid.bt")); code != 0 {
		t.Errorf("--config: exit %d", code)
	}
	if code, _, _ := btlint(t, "--no-config", filepath.Join(dir, "a", "pid.bt")); code != 1 {
		t.Errorf("--no-config: exit %d", code)
	}
}

func TestFix(t *testing.T) {
	src := unfixed + "kfunc:vfs_write { @w = count(); }\nprofile:hz:100 { @[kstack] = count(); }\n"
	dir := write(t, map[string]string{"x.bt": src})
	file := filepath.Join(dir, "x.bt")
	code, out, errs := btlint(t, "--fix", file)
	fixed, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	want := `kprobe:vfs_read { @start[tid] = nsecs; }
kretprobe:vfs_read /@start[tid]/ { @ns = hist(nsecs - @start[tid]); delete(@start, tid); }
fentry:vfs_write { @w = count(); }
profile:hz:99 { @[kstack] = count(); }

END
{
  clear(@start);
}
`
	if string(fixed) != want {
		t.Errorf("--fix wrote:\n%s\nwant:\n%s\n(exit %d)\n%s%s", fixed, want, code, out, errs)
	}
	// Idempotent: nothing left to fix, nothing left to report.
	code, out, _ = btlint(t, "--fix", file)
	again, _ := os.ReadFile(file)
	if code != 0 || !bytes.Equal(again, fixed) {
		t.Errorf("second --fix: exit %d, changed: %v\n%s", code, !bytes.Equal(again, fixed), out)
	}
	if code, _, _ := btlint(t, "--fix", "-"); code != 2 {
		t.Errorf("--fix of stdin: exit %d, want 2", code)
	}
}

func TestListAndExplain(t *testing.T) {
	_, out, _ := btlint(t, "--list-rules")
	if !strings.Contains(out, "BT004  unguarded-start-lookup") || strings.Count(out, "\n") < 16 {
		t.Errorf("--list-rules:\n%s", out)
	}
	_, out, _ = btlint(t, "--explain", "unguarded-start-lookup")
	for _, want := range []string{"BT004 unguarded-start-lookup (warning, fixable)", "Bad:\n\n    kprobe:vfs_read", "Good:\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("--explain lacks %q:\n%s", want, out)
		}
	}
}

// TestSARIFSchema validates SARIF output against the SARIF 2.1.0 JSON
// schema with the npm validator in testdata/lint/sarif, installed once
// into the user's cache directory. It skips when node or npm is missing
// or the packages cannot be installed (offline).
func TestSARIFSchema(t *testing.T) {
	validator := sarifValidator(t)
	debian, _ := filepath.Glob("/usr/sbin/*.bt")
	inputs := append(debian,
		"../../../testdata/lint/invalid-suppression/suppress.bt",
		"../../../testdata/lint/unguarded-start-lookup/unguarded.bt",
		"../../../testdata/lint/mixed-probe-args/fields.bt")
	_, out, errs := btlint(t, append([]string{"--format", "sarif"}, inputs...)...)
	file := filepath.Join(t.TempDir(), "out.sarif")
	if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", filepath.Join(validator, "validate.js"), file)
	cmd.Dir = validator
	if res, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("SARIF output does not validate: %v\n%s\n(stderr of btlint: %s)", err, res, errs)
	}
}

// sarifValidator installs the validator's npm packages (npm ci) into a
// cache directory named after its lock file, and returns the directory.
func sarifValidator(t *testing.T) string {
	t.Helper()
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("SARIF validation needs %s (Debian: apt-get install nodejs npm)", tool)
		}
	}
	src := "../../../testdata/lint/sarif"
	lock, err := os.ReadFile(filepath.Join(src, "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(lock)
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "bt", "sarif-"+hex.EncodeToString(sum[:8]))
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "ajv-draft-04")); err == nil {
		copyFile(t, filepath.Join(src, "validate.js"), filepath.Join(dir, "validate.js"))
		return dir
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"package.json", "package-lock.json", "validate.js"} {
		copyFile(t, filepath.Join(src, f), filepath.Join(dir, f))
	}
	cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("cannot install the SARIF validator with npm ci (offline?): %v\n%s", err, out)
	}
	return dir
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
