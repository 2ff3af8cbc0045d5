package probes

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/bt-tools/bt/lang/kernel"
)

// ----------------------------------------------------------------------------
// Uprobe and USDT targets
//
// bpftrace lets a uprobe name its binary loosely: "libc" or "libssl" for a
// shared library found through the dynamic linker's cache, "bash" for a
// program on $PATH, or a path. Resolve does what bpftrace 0.17 and later do
// (attach-point parser: bcc_procutils_which_so for "lib" names; then
// util::resolve_binary_path) so that the checker reads the symbols of the
// same file bpftrace would attach to.

// BinaryResolver is implemented by a [kernel.Info] that resolves uprobe
// targets itself, rather than through the machine's file system (tests
// use it to stay independent of the libraries installed).
type BinaryResolver interface {
	// ResolveBinary returns the path of the binary target names, or an
	// error wrapping kernel.ErrNotFound.
	ResolveBinary(target string) (string, error)
}

// Resolve replaces the Target of a uprobe, uretprobe or usdt attach point
// with the path of the binary it names, as bpftrace does before it reads
// symbols: "libNAME" through the ld.so cache, a bare name through $PATH.
// Targets with wildcards, empty targets (-p) and other probe types are
// left alone. When nothing is found the error is a [*ProbeError] with
// code W503 wrapping kernel.ErrNotFound, and Target is unchanged.
func Resolve(ap *AttachPoint, k kernel.Info) error {
	switch ap.Provider.Name {
	case "uprobe", "uretprobe", "usdt":
	default:
		return nil
	}
	if ap.Target == "" || HasWildcard(ap.Target) {
		return nil
	}
	var path string
	var err error
	if r, ok := k.(BinaryResolver); ok {
		path, err = r.ResolveBinary(ap.Target)
	} else {
		path, err = ResolveBinary(ap.Target)
	}
	if err != nil {
		return errorf(CodeMissing, "%s target file '%s' does not exist or is not executable", ap.Provider.Name, ap.Target).
			hint("name the binary by its path, or install it").wrap(err)
	}
	ap.Target = path
	return nil
}

// ResolveBinary finds the file a uprobe target names on this machine:
//
//   - "libNAME" (no '/', no wildcard): the first entry "libNAME.so*" of
//     /etc/ld.so.cache for this architecture (what bcc_procutils_which_so
//     does), else the first such file in the standard library
//     directories;
//   - otherwise the name itself and, if it has no '/', each directory of
//     $PATH joined with it: the first that is an ELF executable (with
//     execute permission) or shared object.
func ResolveBinary(target string) (string, error) {
	if !strings.Contains(target, "/") && strings.HasPrefix(target, "lib") {
		if p, ok := findLibrary(strings.TrimPrefix(target, "lib")); ok {
			return p, nil
		}
	}
	candidates := []string{target}
	if !strings.Contains(target, "/") {
		for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
			if dir != "" {
				candidates = append(candidates, filepath.Join(dir, target))
			}
		}
	}
	for _, c := range candidates {
		if isELFBinary(c) {
			return c, nil
		}
	}
	return "", fmt.Errorf("%s: %w", target, kernel.ErrNotFound)
}

// isELFBinary reports whether path is an ELF executable with execute
// permission or an ELF shared object (PIE executables included).
func isELFBinary(path string) bool {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	f, err := elf.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	switch f.Type {
	case elf.ET_DYN:
		return true
	case elf.ET_EXEC:
		return fi.Mode().Perm()&0o111 != 0
	}
	return false
}

// ldCachePath is the dynamic linker's cache; a variable for tests.
var ldCachePath = "/etc/ld.so.cache"

// libDirs are searched when the cache has no entry (or no cache exists).
var libDirs = []string{
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
	"/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
	"/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib",
}

// findLibrary returns the path of libNAME.so*.
func findLibrary(name string) (string, bool) {
	prefix := "lib" + name + ".so"
	for _, e := range loadLDCache() {
		if strings.HasPrefix(e.key, prefix) && archFlagsMatch(e.flags) {
			return e.value, true
		}
	}
	for _, dir := range libDirs {
		matches, _ := filepath.Glob(filepath.Join(dir, prefix+"*"))
		sort.Strings(matches)
		for _, m := range matches {
			if isELFBinary(m) {
				return m, true
			}
		}
	}
	return "", false
}

// ldCached is the parsed ld.so cache, read again when the file changes
// (checking a program resolves the same libraries over and over).
var ldCached struct {
	sync.Mutex
	path    string
	size    int64
	mtime   time.Time
	entries []ldCacheEntry
}

// loadLDCache returns the entries of ldCachePath, or nil if it cannot be
// read.
func loadLDCache() []ldCacheEntry {
	fi, err := os.Stat(ldCachePath)
	if err != nil {
		return nil
	}
	ldCached.Lock()
	defer ldCached.Unlock()
	if ldCached.path == ldCachePath && ldCached.size == fi.Size() && ldCached.mtime.Equal(fi.ModTime()) {
		return ldCached.entries
	}
	data, err := os.ReadFile(ldCachePath)
	if err != nil {
		return nil
	}
	entries, _ := parseLDCache(data)
	ldCached.path, ldCached.size, ldCached.mtime, ldCached.entries = ldCachePath, fi.Size(), fi.ModTime(), entries
	return entries
}

// ldCacheEntry is one library of the ld.so cache.
type ldCacheEntry struct {
	flags      int32
	key, value string // soname, path
}

const (
	ldCacheOldMagic = "ld.so-1.7.0"
	ldCacheNewMagic = "glibc-ld.so.cache1.1"

	ldFlagTypeMask = 0x00ff
	ldFlagLibc6    = 0x0003
	ldFlagReqMask  = 0xff00
	ldFlagX8664    = 0x0300
	ldFlagAArch64  = 0x0a00
)

var errLDCache = errors.New("malformed ld.so.cache")

// parseLDCache reads the entries of an ld.so cache in glibc's new format,
// alone or after the old format's table (the "compat" layout).
func parseLDCache(data []byte) ([]ldCacheEntry, error) {
	off := 0
	if bytes.HasPrefix(data, []byte(ldCacheOldMagic)) {
		// Old header: magic (with NUL, padded to 12), nlibs, then 12-byte
		// entries; the new format follows, 8-byte aligned.
		if len(data) < 16 {
			return nil, errLDCache
		}
		n := int(binary.LittleEndian.Uint32(data[12:16]))
		off = 16 + n*12
		off = (off + 7) &^ 7
	}
	if off > len(data) || !bytes.HasPrefix(data[off:], []byte(ldCacheNewMagic)) {
		return nil, errLDCache
	}
	hdr := data[off:]
	const hdrSize, entrySize = 48, 24
	if len(hdr) < hdrSize {
		return nil, errLDCache
	}
	n := int(binary.LittleEndian.Uint32(hdr[20:24]))
	if n < 0 || hdrSize+n*entrySize > len(hdr) {
		return nil, errLDCache
	}
	str := func(o uint32) (string, bool) {
		i := int(o)
		if i >= len(hdr) {
			return "", false
		}
		j := bytes.IndexByte(hdr[i:], 0)
		if j < 0 {
			return "", false
		}
		return string(hdr[i : i+j]), true
	}
	entries := make([]ldCacheEntry, 0, n)
	for i := range n {
		e := hdr[hdrSize+i*entrySize:]
		key, ok1 := str(binary.LittleEndian.Uint32(e[4:8]))
		value, ok2 := str(binary.LittleEndian.Uint32(e[8:12]))
		if !ok1 || !ok2 {
			return nil, errLDCache
		}
		entries = append(entries, ldCacheEntry{flags: int32(binary.LittleEndian.Uint32(e[0:4])), key: key, value: value})
	}
	return entries, nil
}

// archFlagsMatch reports whether a cache entry is a library for this
// machine, as bcc's match_so_flags does.
func archFlagsMatch(flags int32) bool {
	if flags&ldFlagTypeMask != ldFlagLibc6 {
		return false
	}
	switch runtime.GOARCH {
	case "amd64":
		return flags&ldFlagReqMask == ldFlagX8664
	case "arm64":
		return flags&ldFlagReqMask == ldFlagAArch64
	}
	return true
}
