package probes

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// errNotNumber is returned by parseUint when s does not start with a digit
// of its base, so that callers can treat the text as a name instead.
var errNotNumber = errors.New("not a number")

// integer suffixes: the largest value allowed before scaling, and the scale.
var suffixes = map[string]struct{ max, scale uint64 }{
	"":    {math.MaxUint64, 1},
	"u":   {math.MaxUint32, 1},
	"ul":  {math.MaxUint64, 1},
	"ull": {math.MaxUint64, 1},
	"l":   {math.MaxInt64, 1},
	"ll":  {math.MaxInt64, 1},
	"ns":  {math.MaxUint64, 1},
	"us":  {math.MaxUint64, 1_000},
	"ms":  {math.MaxUint64, 1_000_000},
	"s":   {math.MaxUint64, 1_000_000_000},
	"m":   {math.MaxUint64, 60_000_000_000},
	"h":   {math.MaxUint64, 3_600_000_000_000},
	"d":   {math.MaxUint64, 86_400_000_000_000},
}

// parseUint reads an unsigned integer as bpftrace does inside attach
// points: underscores are ignored; 0x, 0b and leading-0 octal prefixes
// select the base; a single-digit coefficient may take a decimal exponent
// (1e6); C suffixes (u, ul, ull, l, ll) bound the value and duration
// suffixes (ns, us, ms, s, m, h, d) scale it to nanoseconds.
func parseUint(s string) (uint64, error) {
	n := strings.ReplaceAll(s, "_", "")
	base := 10
	switch {
	case len(n) >= 2 && (n[:2] == "0x" || n[:2] == "0X"):
		base, n = 16, n[2:]
	case len(n) >= 2 && (n[:2] == "0b" || n[:2] == "0B"):
		base, n = 2, n[2:]
	case len(n) >= 2 && n[0] == '0' && n[1] >= '0' && n[1] <= '7':
		base, n = 8, n[1:]
	}
	i := 0
	for i < len(n) && digitValue(n[i]) < base {
		i++
	}
	if i == 0 {
		return 0, errNotNumber
	}
	v, err := strconv.ParseUint(n[:i], base, 64)
	if err != nil {
		return 0, fmt.Errorf("%q overflows uint64", s)
	}
	v, rest, err := applyExponent(v, n[i:], s)
	if err != nil {
		return 0, err
	}
	suf, ok := suffixes[rest]
	if !ok {
		return 0, fmt.Errorf("invalid suffix %q in %q", rest, s)
	}
	if v > suf.max/suf.scale {
		return 0, fmt.Errorf("%q is out of range", s)
	}
	return v * suf.scale, nil
}

// applyExponent handles the "e<digits>" of 1e6. rest is what follows the
// coefficient; it returns the scaled value and what follows the exponent.
func applyExponent(v uint64, rest, orig string) (uint64, string, error) {
	if len(rest) < 2 || (rest[0] != 'e' && rest[0] != 'E') || rest[1] < '1' || rest[1] > '9' {
		return v, rest, nil
	}
	if v < 1 || v > 9 {
		return 0, "", fmt.Errorf("the coefficient of %q must be a single digit 1-9", orig)
	}
	j := 1
	for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
		j++
	}
	exp, err := strconv.ParseUint(rest[1:j], 10, 64)
	if err != nil {
		return 0, "", fmt.Errorf("%q is out of range", orig)
	}
	for ; exp > 0; exp-- {
		hi, lo := bits.Mul64(v, 10)
		if hi != 0 {
			return 0, "", fmt.Errorf("%q is out of range", orig)
		}
		v = lo
	}
	return v, rest[j:], nil
}

func digitValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return 99
}
