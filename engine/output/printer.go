package output

import "time"

// Era selects which bpftrace release's output to reproduce.
type Era int

// Eras. The zero value is the current one.
const (
	// Era026 is bpftrace 0.26 (src/output/{text,json}.cpp).
	Era026 Era = iota
	// Era017 is bpftrace 0.17 as Debian ships it (src/output.cpp).
	Era017
)

// String returns the bpftrace version of the era.
func (e Era) String() string {
	if e == Era017 {
		return "0.17"
	}
	return "0.26"
}

// Format is an output format (bpftrace's -f).
type Format int

// Formats.
const (
	Text Format = iota
	JSON
)

// String returns the name -f takes.
func (f Format) String() string {
	if f == JSON {
		return "json"
	}
	return "text"
}

// DefaultTruncTrailer is bpftrace's default str_trunc_trailer.
const DefaultTruncTrailer = ".."

// Printer renders values, maps and events. It holds no mutable state, so
// one Printer may serve several goroutines as long as its resolvers can.
type Printer struct {
	Era    Era
	Format Format

	// Symbols resolves ksym, usym and stack frames; nil prints addresses.
	Symbols Symbolizer
	// Users resolves username; nil reads /etc/passwd.
	Users UserLookup
	// Cgroups resolves cgroup_path; nil prints an empty path.
	Cgroups CgroupResolver
	// BootToWall converts boot-clock nanoseconds (strftime's second
	// argument) to wall-clock time; nil prints timestamps as "(?)", as
	// bpftrace does when it could not compute the boot time.
	BootToWall func(ns uint64) time.Time
	// Location is the time zone of strftime and time(); nil means
	// time.Local, like localtime_r.
	Location *time.Location
	// TruncTrailer is appended to strings that filled their buffer (the
	// 0.26 config key str_trunc_trailer, DefaultTruncTrailer unless set).
	// The zero Printer appends nothing; use [NewPrinter] for the default.
	TruncTrailer string
}

// NewPrinter returns a Printer for an era and format with bpftrace's
// defaults and no symbolizer.
func NewPrinter(era Era, format Format) *Printer {
	return &Printer{Era: era, Format: format, TruncTrailer: DefaultTruncTrailer}
}

func (p *Printer) old() bool { return p.Era == Era017 }

func (p *Printer) users() UserLookup {
	if p.Users == nil {
		return PasswdUsers{}
	}
	return p.Users
}

func (p *Printer) location() *time.Location {
	if p.Location == nil {
		return time.Local
	}
	return p.Location
}
