package kernel

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/bt-tools/bt/lang/kernel/internal/archive"
)

// The files of a kernel snapshot directory (testdata/kernel). The
// snapshot is written by
//
//	go run ./lang/kernel/internal/snapshot -out testdata/kernel
const (
	// FixtureBTF is the kernel's raw BTF (/sys/kernel/btf/vmlinux), gzipped.
	FixtureBTF = "vmlinux.btf.gz"
	// FixtureTraceFS holds tracefs files (available_events, every
	// events/<category>/<event>/format, available_filter_functions when
	// it was readable) as an archive (see internal/archive), gzipped.
	FixtureTraceFS = "tracefs.txt.gz"
	// FixtureKallsyms is a few kernel symbols, in /proc/kallsyms's format,
	// with made-up but stable addresses.
	FixtureKallsyms = "kallsyms.txt"
)

// Fixture is the [Info] of a kernel snapshot: a [Live] that reads the
// snapshot's files instead of the machine's, so it parses them with the
// same code. Its answers do not depend on the machine or on privileges.
type Fixture struct {
	*Live
	// Dir is the snapshot directory.
	Dir string
}

var _ Info = (*Fixture)(nil)

// NewFixture returns the Info of the snapshot in dir. Files are read on
// first use, as [Live] reads its own.
func NewFixture(dir string) (*Fixture, error) {
	for _, name := range []string{FixtureBTF, FixtureTraceFS, FixtureKallsyms} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return nil, fmt.Errorf("kernel fixture: %w", err)
		}
	}
	l := NewLive(LiveOptions{
		BTF:      filepath.Join(dir, FixtureBTF),
		Kallsyms: filepath.Join(dir, FixtureKallsyms),
	})
	l.src.tracefs = []fileReader{&archiveReader{path: filepath.Join(dir, FixtureTraceFS)}}
	return &Fixture{Live: l, Dir: dir}, nil
}

// FixtureDir returns the testdata/kernel directory of the module that
// contains the working directory, which for a test is its package's
// directory.
func FixtureDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find kernel fixture: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "testdata", "kernel"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("find kernel fixture: no go.mod above the working directory")
		}
		dir = parent
	}
}

// archiveReader serves the files of a gzipped archive, read on first use.
type archiveReader struct {
	path  string
	files lazy[map[string][]byte]
}

func (a *archiveReader) ReadFile(name string) ([]byte, error) {
	files, err := a.files.get(func() (map[string][]byte, error) {
		data, err := os.ReadFile(a.path)
		if err == nil {
			data, err = gunzip(data)
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", a.path, err)
		}
		return archive.Parse(data), nil
	})
	if err != nil {
		return nil, err
	}
	data, ok := files[name]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: a.path + ":" + name, Err: fs.ErrNotExist}
	}
	return data, nil
}

func (a *archiveReader) String() string { return a.path }
