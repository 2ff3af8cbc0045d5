// Package token defines the lexical tokens of the bpftrace language and the
// positions that every node, token and diagnostic carries.
//
// Positions follow go/token: a [Pos] is a byte offset into one source file
// plus one, so that the zero value [NoPos] means "no position". A [File]
// keeps the table of line-start offsets the scanner fills in; line and
// column are computed only when something is printed. Columns are 1-based
// byte columns; the language server converts them to UTF-16 at its boundary.
//
// bpftrace programs are single files (imports are rare and resolved per
// file), so there is no FileSet: each parsed file owns its [File].
package token

import (
	"fmt"
	"sort"
)

// Pos is a byte offset into a File plus one. NoPos is the zero value.
type Pos int

// NoPos is the zero Pos: no position information.
const NoPos Pos = 0

// IsValid reports whether p carries position information.
func (p Pos) IsValid() bool { return p != NoPos }

// Position is a printable source location.
type Position struct {
	Filename string
	Offset   int // byte offset, starting at 0
	Line     int // starting at 1
	Column   int // byte column, starting at 1
}

// IsValid reports whether the position is valid.
func (p Position) IsValid() bool { return p.Line > 0 }

// String returns "file:line:col", "line:col", "file" or "-".
func (p Position) String() string {
	s := p.Filename
	if p.IsValid() {
		if s != "" {
			s += ":"
		}
		s += fmt.Sprintf("%d:%d", p.Line, p.Column)
	}
	if s == "" {
		s = "-"
	}
	return s
}

// File is one source file: its name, its contents and its line table.
type File struct {
	Name  string
	Src   []byte
	lines []int // offsets of the first byte of each line; lines[0] == 0
}

// NewFile returns a File for src with its line table computed.
func NewFile(name string, src []byte) *File {
	f := &File{Name: name, Src: src, lines: []int{0}}
	for i, c := range src {
		if c == '\n' {
			f.lines = append(f.lines, i+1)
		}
	}
	return f
}

// Size returns the length of the source in bytes.
func (f *File) Size() int { return len(f.Src) }

// LineCount returns the number of lines in the file.
func (f *File) LineCount() int { return len(f.lines) }

// Pos returns the Pos for a byte offset; offsets are clamped to [0, Size].
func (f *File) Pos(offset int) Pos {
	if offset < 0 {
		offset = 0
	}
	if offset > len(f.Src) {
		offset = len(f.Src)
	}
	return Pos(offset + 1)
}

// Offset returns the byte offset of p, clamped to [0, Size].
func (f *File) Offset(p Pos) int {
	off := int(p) - 1
	if off < 0 {
		return 0
	}
	if off > len(f.Src) {
		return len(f.Src)
	}
	return off
}

// Position returns the line and column of p.
func (f *File) Position(p Pos) Position {
	if !p.IsValid() {
		return Position{Filename: f.Name}
	}
	off := f.Offset(p)
	i := sort.Search(len(f.lines), func(i int) bool { return f.lines[i] > off }) - 1
	return Position{Filename: f.Name, Offset: off, Line: i + 1, Column: off - f.lines[i] + 1}
}

// LineStart returns the offset of the first byte of line (1-based).
func (f *File) LineStart(line int) int {
	if line < 1 {
		return 0
	}
	if line > len(f.lines) {
		return len(f.Src)
	}
	return f.lines[line-1]
}

// Line returns the text of line (1-based) without its newline.
func (f *File) Line(line int) []byte {
	if line < 1 || line > len(f.lines) {
		return nil
	}
	start := f.lines[line-1]
	end := len(f.Src)
	if line < len(f.lines) {
		end = f.lines[line] - 1
	}
	if end > start && f.Src[end-1] == '\r' {
		end--
	}
	return f.Src[start:end]
}

// Text returns the source text between two positions.
func (f *File) Text(from, to Pos) string {
	a, b := f.Offset(from), f.Offset(to)
	if b < a {
		return ""
	}
	return string(f.Src[a:b])
}
