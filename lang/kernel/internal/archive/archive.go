// Package archive reads and writes the text archives that hold a snapshot of
// tracefs files: a sequence of files, each introduced by a line
//
//	-- path/inside/tracefs --
//
// and followed by the file's contents. The format is line-oriented so that a
// decompressed snapshot diffs well; it cannot hold a file with a line that
// itself looks like a header, which tracefs files never have.
package archive

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// File is one member of an archive.
type File struct {
	Name string
	Data []byte
}

const (
	headerPrefix = "-- "
	headerSuffix = " --"
)

// Write writes files to w in order. Each file's data is terminated by a
// newline if it lacks one.
func Write(w io.Writer, files []File) error {
	for _, f := range files {
		if strings.ContainsAny(f.Name, "\n") {
			return fmt.Errorf("archive: bad file name %q", f.Name)
		}
		if _, err := fmt.Fprintf(w, "%s%s%s\n", headerPrefix, f.Name, headerSuffix); err != nil {
			return err
		}
		data := f.Data
		if len(data) > 0 && data[len(data)-1] != '\n' {
			data = append(data[:len(data):len(data)], '\n')
		}
		if _, err := w.Write(data); err != nil {
			return err
		}
	}
	return nil
}

// Parse splits an archive into its files, keyed by name. Text before the
// first header is ignored. The returned data alias data.
func Parse(data []byte) map[string][]byte {
	files := make(map[string][]byte)
	var name string
	start := -1
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += off + 1
		}
		line := bytes.TrimSuffix(data[off:end], []byte("\n"))
		if n, ok := header(line); ok {
			if start >= 0 {
				files[name] = data[start:off]
			}
			name, start = n, end
		}
		off = end
	}
	if start >= 0 {
		files[name] = data[start:]
	}
	return files
}

func header(line []byte) (string, bool) {
	if !bytes.HasPrefix(line, []byte(headerPrefix)) || !bytes.HasSuffix(line, []byte(headerSuffix)) ||
		len(line) <= len(headerPrefix)+len(headerSuffix) {
		return "", false
	}
	return string(line[len(headerPrefix) : len(line)-len(headerSuffix)]), true
}
