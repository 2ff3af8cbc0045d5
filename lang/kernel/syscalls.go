package kernel

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"io"
	"path"
	"sync"

	"github.com/bt-tools/bt/lang/kernel/internal/archive"
)

// SyscallFormats is the embedded archive of the syscalls tracepoints'
// format files, written by the snapshot generator
// (go run ./lang/kernel/internal/snapshot -out testdata/kernel, from the
// repository root, as root).
const SyscallFormats = "syscalls.txt.gz"

//go:embed syscalls.txt.gz
var syscallsArchive []byte

// syscallFormats holds the embedded formats once decompressed; they are
// read-only after the first use.
type syscallFormats struct {
	once  sync.Once
	files map[string][]byte
}

func (s *syscallFormats) format(event string) ([]byte, bool) {
	s.once.Do(func() {
		zr, err := gzip.NewReader(bytes.NewReader(syscallsArchive))
		if err != nil {
			return
		}
		data, err := io.ReadAll(zr)
		if err != nil {
			return
		}
		s.files = archive.Parse(data)
	})
	data, ok := s.files[path.Join("events", "syscalls", event, "format")]
	return data, ok
}
