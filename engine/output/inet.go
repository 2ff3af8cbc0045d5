package output

import (
	"strconv"
	"strings"
)

// Address families as ntop() stores them.
const (
	afInet  = 2
	afInet6 = 10
)

// inetText prints an ntop() value as glibc's inet_ntop does; an unknown
// family prints nothing.
func inetText(v Inet) string {
	switch v.Family {
	case afInet:
		return ntop4(v.Addr[:4])
	case afInet6:
		return ntop6(v.Addr)
	}
	return ""
}

func ntop4(a []byte) string {
	var b strings.Builder
	for i, c := range a {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.Itoa(int(c)))
	}
	return b.String()
}

// ntop6 follows glibc's inet_ntop6: the longest run of two or more zero
// groups becomes "::", and an address whose first 96 bits are zero (except
// "::" and "::1"-like ones whose run reaches group 7) or that is
// IPv4-mapped ends in dotted IPv4.
func ntop6(a [16]byte) string {
	var words [8]uint16
	for i := range words {
		words[i] = uint16(a[2*i])<<8 | uint16(a[2*i+1])
	}
	base, n := longestZeroRun(words)
	var b strings.Builder
	for i := 0; i < 8; i++ {
		if base >= 0 && i >= base && i < base+n {
			if i == base {
				b.WriteByte(':')
			}
			continue
		}
		if i > 0 {
			b.WriteByte(':')
		}
		if i == 6 && base == 0 && (n == 6 || (n == 5 && words[5] == 0xffff)) {
			b.WriteString(ntop4(a[12:]))
			break
		}
		b.WriteString(strconv.FormatUint(uint64(words[i]), 16))
	}
	if base >= 0 && base+n == 8 {
		b.WriteByte(':')
	}
	return b.String()
}

// longestZeroRun returns the first longest run of zero words, or base -1
// when no run is at least two long.
func longestZeroRun(w [8]uint16) (base, n int) {
	base = -1
	cur, curLen := -1, 0
	for i := 0; i <= 8; i++ {
		if i < 8 && w[i] == 0 {
			if cur < 0 {
				cur, curLen = i, 0
			}
			curLen++
			continue
		}
		if cur >= 0 && curLen > n {
			base, n = cur, curLen
		}
		cur = -1
	}
	if n < 2 {
		return -1, 0
	}
	return base, n
}
