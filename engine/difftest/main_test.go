package difftest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

var (
	buildDir     string // removed by TestMain
	buildDirOnce sync.Once
	btOnce       sync.Once
	btPath       string
	btErr        error
	wlOnce       sync.Once
	wlPath       string
	wlErr        error
)

func tempBuildDir() (string, error) {
	var err error
	buildDirOnce.Do(func() { buildDir, err = os.MkdirTemp("", "bt-difftest-build") })
	return buildDir, err
}

// btBinary returns a static bt binary: $BT_BIN when set, else one built
// once for the whole test binary with CGO_ENABLED=0.
func btBinary(t testing.TB) string {
	t.Helper()
	btOnce.Do(func() {
		if btPath = os.Getenv("BT_BIN"); btPath != "" {
			return
		}
		dir, err := tempBuildDir()
		if err != nil {
			btErr = err
			return
		}
		btPath = filepath.Join(dir, "bt")
		btErr = goBuild(btPath, "github.com/bt-tools/bt/cmd/bt")
	})
	if btErr != nil {
		t.Fatalf("build bt: %v", btErr)
	}
	return btPath
}

// workloadBinary returns the workload command, built once, and makes
// LooseFrames read its symbols.
func workloadBinary(t testing.TB) string {
	t.Helper()
	wlOnce.Do(func() {
		dir, err := tempBuildDir()
		if err != nil {
			wlErr = err
			return
		}
		wlPath = filepath.Join(dir, "btwl")
		wlErr = goBuild(wlPath, "github.com/bt-tools/bt/engine/difftest/workload/btwl")
		WorkloadExe = wlPath
	})
	if wlErr != nil {
		t.Fatalf("build the workload: %v", wlErr)
	}
	return wlPath
}

// goBuild builds a static binary of pkg.
func goBuild(out, pkg string) error {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		goCmd = "/usr/local/go/bin/go" // where CI's Go lives
	}
	cmd := exec.Command(goCmd, "build", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", pkg, err, b)
	}
	return nil
}

// requireRoot skips a test that loads BPF programs unless it runs as root.
func requireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
}

// requireBpftrace skips a test that compares with bpftrace when it is not
// installed.
func requireBpftrace(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("bpftrace")
	if err != nil {
		t.Skip("needs bpftrace 0.17 (apt-get install bpftrace)")
	}
	return p
}
