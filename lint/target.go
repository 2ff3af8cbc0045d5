package lint

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a bpftrace release, major.minor: 0.17, 0.26. Patch releases
// do not change the language, so they are ignored.
type Version struct{ Major, Minor int }

// Versions bt knows: Oldest is what Debian ships, Newest the latest
// release and the default target.
var (
	Oldest = Version{0, 17}
	Newest = Version{0, 26}
	// latest is the newest version a target may name: the development
	// branch, which some builtins of the table already document.
	latest = Version{0, 27}
)

// ParseVersion parses "0.17", "v0.24" or "0.26.1".
func ParseVersion(s string) (Version, error) {
	t := strings.TrimPrefix(strings.TrimSpace(s), "v")
	parts := strings.Split(t, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return Version{}, fmt.Errorf("invalid bpftrace version %q (want MAJOR.MINOR, like 0.17)", s)
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return Version{}, fmt.Errorf("invalid bpftrace version %q (want MAJOR.MINOR, like 0.17)", s)
		}
		n[i] = v
	}
	return Version{n[0], n[1]}, nil
}

// Less reports whether v is older than w.
func (v Version) Less(w Version) bool {
	if v.Major != w.Major {
		return v.Major < w.Major
	}
	return v.Minor < w.Minor
}

func (v Version) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// Target is the range of bpftrace versions a program must work with,
// both ends included.
type Target struct{ Min, Max Version }

// DefaultTarget is the newest release.
var DefaultTarget = Target{Newest, Newest}

// ParseTarget parses "0.17" or "0.17..0.24".
func ParseTarget(s string) (Target, error) {
	lo, hi, isRange := strings.Cut(s, "..")
	min, err := ParseVersion(lo)
	if err != nil {
		return Target{}, err
	}
	max := min
	if isRange {
		if max, err = ParseVersion(hi); err != nil {
			return Target{}, err
		}
	}
	switch {
	case max.Less(min):
		return Target{}, fmt.Errorf("invalid target %q: %s is older than %s", s, max, min)
	case min.Less(Oldest) || latest.Less(max):
		return Target{}, fmt.Errorf("invalid target %q: bt knows bpftrace %s to %s", s, Oldest, latest)
	}
	return Target{min, max}, nil
}

func (t Target) String() string {
	if t.Min == t.Max {
		return t.Min.String()
	}
	return t.Min.String() + ".." + t.Max.String()
}

// Lacks reports whether some targeted version predates since ("0.24"):
// a feature added in since cannot be used.
func (t Target) Lacks(since string) bool {
	if since == "" {
		return false
	}
	v, err := ParseVersion(since)
	return err == nil && t.Min.Less(v)
}

// Has reports whether every targeted version has a feature added in
// since: a rewrite to it is safe.
func (t Target) Has(since string) bool { return !t.Lacks(since) }

// Reaches reports whether some targeted version is v or newer: a
// deprecation made in v matters.
func (t Target) Reaches(v string) bool {
	w, err := ParseVersion(v)
	return err == nil && !t.Max.Less(w)
}
