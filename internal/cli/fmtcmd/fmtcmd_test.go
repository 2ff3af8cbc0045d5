package fmtcmd

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bt-tools/bt/internal/cli"
)

const (
	formatted   = "BEGIN\n{\n  exit();\n}\n"
	unformatted = "BEGIN { exit(); }\n"
	broken      = "BEGIN { $x = ; }\n"
)

// bt runs the command with args and stdin, and returns its exit code and
// output.
func bt(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := Command()
	var out, errw bytes.Buffer
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetOut(&out)
	cmd.SetErr(&errw)
	code = cli.Run(cmd, args)
	return code, out.String(), errw.String()
}

// tree creates files (name -> content) under a new directory.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestStdin(t *testing.T) {
	code, out, errw := bt(t, unformatted)
	if code != 0 || out != formatted || errw != "" {
		t.Errorf("stdin: code %d, out %q, err %q", code, out, errw)
	}
	code, out, _ = bt(t, unformatted, "--check")
	if code != 1 || out != stdinName+"\n" {
		t.Errorf("--check on stdin: code %d, out %q", code, out)
	}
	code, out, _ = bt(t, formatted, "-l")
	if code != 0 || out != "" {
		t.Errorf("-l on formatted stdin: code %d, out %q", code, out)
	}
}

func TestStdinParseError(t *testing.T) {
	code, out, errw := bt(t, broken)
	if code != 2 || out != "" {
		t.Errorf("code %d, out %q; want 2 and no output", code, out)
	}
	if !strings.Contains(errw, stdinName+":1:14: error[E100]: expected expression") || !strings.Contains(errw, " | BEGIN { $x = ; }") {
		t.Errorf("diagnostics not printed as a compiler would:\n%s", errw)
	}
}

func TestWriteStdinIsUsageError(t *testing.T) {
	code, _, errw := bt(t, unformatted, "-w")
	if code != 2 || !strings.Contains(errw, "cannot use -w with standard input") {
		t.Errorf("code %d, err %q", code, errw)
	}
}

func TestList(t *testing.T) {
	dir := tree(t, map[string]string{
		"a.bt":         unformatted,
		"b.bt":         formatted,
		"sub/c.bt":     unformatted,
		"sub/notbt.sh": unformatted,
		".hidden/d.bt": unformatted,
		"sub/.e.bt":    unformatted,
	})
	code, out, errw := bt(t, "", "-l", dir)
	want := filepath.Join(dir, "a.bt") + "\n" + filepath.Join(dir, "sub", "c.bt") + "\n"
	if code != 0 || out != want || errw != "" {
		t.Errorf("-l: code %d, out %q, err %q; want 0, %q", code, out, errw, want)
	}
	// A file named on the command line is formatted whatever its name.
	code, out, _ = bt(t, "", "-l", filepath.Join(dir, "sub", "notbt.sh"))
	if code != 0 || out != filepath.Join(dir, "sub", "notbt.sh")+"\n" {
		t.Errorf("-l on an explicit file: code %d, out %q", code, out)
	}
}

func TestCheck(t *testing.T) {
	dir := tree(t, map[string]string{"a.bt": unformatted, "b.bt": formatted})
	code, out, _ := bt(t, "", "--check", dir)
	if code != 1 || out != filepath.Join(dir, "a.bt")+"\n" {
		t.Errorf("--check: code %d, out %q", code, out)
	}
	code, out, _ = bt(t, "", "--check", filepath.Join(dir, "b.bt"))
	if code != 0 || out != "" {
		t.Errorf("--check on a formatted file: code %d, out %q", code, out)
	}
	if read(t, filepath.Join(dir, "a.bt")) != unformatted {
		t.Error("--check modified a file")
	}
}

func TestDiff(t *testing.T) {
	dir := tree(t, map[string]string{"a.bt": unformatted, "b.bt": formatted})
	a := filepath.Join(dir, "a.bt")
	code, out, _ := bt(t, "", "-d", dir)
	want := fmt.Sprintf(`diff %s.orig %s
--- %s.orig
+++ %s
@@ -1 +1,4 @@
-BEGIN { exit(); }
+BEGIN
+{
+  exit();
+}
`, a, a, a, a)
	if code != 1 || out != want {
		t.Errorf("-d: code %d, out:\n%s\nwant:\n%s", code, out, want)
	}
	code, out, _ = bt(t, "", "-d", filepath.Join(dir, "b.bt"))
	if code != 0 || out != "" {
		t.Errorf("-d on a formatted file: code %d, out %q", code, out)
	}
}

func TestWrite(t *testing.T) {
	dir := tree(t, map[string]string{"a.bt": unformatted, "b.bt": formatted, "sub/bad.bt": broken})
	a := filepath.Join(dir, "a.bt")
	if err := os.Chmod(a, 0o751); err != nil {
		t.Fatal(err)
	}
	code, out, errw := bt(t, "", "-w", dir)
	if code != 2 || out != "" {
		t.Errorf("-w with a broken file: code %d, out %q; want 2, nothing on stdout", code, out)
	}
	if !strings.Contains(errw, "bad.bt:1:14: error[E100]") {
		t.Errorf("parse error not reported:\n%s", errw)
	}
	if got := read(t, a); got != formatted {
		t.Errorf("a.bt = %q, want %q", got, formatted)
	}
	if info, err := os.Stat(a); err != nil || info.Mode().Perm() != 0o751 {
		t.Errorf("a.bt mode = %v (%v), want -rwxr-x--x", info.Mode(), err)
	}
	if got := read(t, filepath.Join(dir, "sub", "bad.bt")); got != broken {
		t.Errorf("a file that does not parse was written: %q", got)
	}
	for _, sub := range []string{dir, filepath.Join(dir, "sub")} {
		entries, _ := os.ReadDir(sub)
		for _, e := range entries {
			if strings.Contains(e.Name(), ".btfmt-") {
				t.Errorf("temporary file left behind: %s", e.Name())
			}
		}
	}
	// Formatted now: a second run changes nothing and succeeds.
	os.Remove(filepath.Join(dir, "sub", "bad.bt"))
	if code, out, errw := bt(t, "", "-w", "-l", dir); code != 0 || out != "" || errw != "" {
		t.Errorf("second -w -l: code %d, out %q, err %q", code, out, errw)
	}
}

func TestWriteSymlink(t *testing.T) {
	dir := tree(t, map[string]string{"real.bt": unformatted})
	link := filepath.Join(dir, "link.bt")
	if err := os.Symlink("real.bt", link); err != nil {
		t.Skipf("cannot create a symbolic link: %v", err)
	}
	if code, _, errw := bt(t, "", "-w", link); code != 0 {
		t.Fatalf("code %d: %s", code, errw)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced by a file")
	}
	if got := read(t, filepath.Join(dir, "real.bt")); got != formatted {
		t.Errorf("the link's target = %q", got)
	}
}

func TestOrderIsFixed(t *testing.T) {
	files := map[string]string{}
	var want strings.Builder
	for i := range 40 {
		name := fmt.Sprintf("f%02d.bt", i)
		files[name] = strings.Repeat("// padding\n", i*50) + unformatted
	}
	dir := tree(t, files)
	for i := range 40 {
		want.WriteString(filepath.Join(dir, fmt.Sprintf("f%02d.bt", i)) + "\n")
	}
	for range 3 {
		if _, out, _ := bt(t, "", "-l", dir); out != want.String() {
			t.Fatalf("-l output out of order:\n%s", out)
		}
	}
	// Without flags the formatted files follow each other in order.
	_, out, _ := bt(t, "", filepath.Join(dir, "f01.bt"), filepath.Join(dir, "f00.bt"))
	if !strings.HasPrefix(out, "// padding\n") || !strings.HasSuffix(out, "}\n"+formatted) {
		t.Errorf("files printed out of order:\n%s", out)
	}
}

func TestMissingFile(t *testing.T) {
	dir := tree(t, map[string]string{"a.bt": unformatted})
	code, out, errw := bt(t, "", "-l", filepath.Join(dir, "nope.bt"), filepath.Join(dir, "a.bt"))
	if code != 2 || out != filepath.Join(dir, "a.bt")+"\n" || !strings.Contains(errw, "nope.bt") {
		t.Errorf("code %d, out %q, err %q; want 2, the other file listed, the error", code, out, errw)
	}
}
