package probes

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/bt-tools/bt/lang/kernel"
)

// ldCache builds a new-format ld.so cache holding entries.
func ldCache(entries []ldCacheEntry) []byte {
	const hdrSize, entrySize = 48, 24
	strOff := hdrSize + len(entries)*entrySize
	var strs []byte
	buf := make([]byte, strOff)
	copy(buf, ldCacheNewMagic)
	binary.LittleEndian.PutUint32(buf[20:], uint32(len(entries)))
	for i, e := range entries {
		b := buf[hdrSize+i*entrySize:]
		binary.LittleEndian.PutUint32(b[0:], uint32(e.flags))
		binary.LittleEndian.PutUint32(b[4:], uint32(strOff+len(strs)))
		strs = append(append(strs, e.key...), 0)
		binary.LittleEndian.PutUint32(b[8:], uint32(strOff+len(strs)))
		strs = append(append(strs, e.value...), 0)
	}
	return append(buf, strs...)
}

func TestParseLDCache(t *testing.T) {
	want := []ldCacheEntry{
		{flags: ldFlagLibc6 | ldFlagX8664, key: "libssl.so.3", value: "/lib/x86_64-linux-gnu/libssl.so.3"},
		{flags: ldFlagLibc6 | ldFlagAArch64, key: "libc.so.6", value: "/lib/aarch64-linux-gnu/libc.so.6"},
	}
	got, err := parseLDCache(ldCache(want))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("got %d entries, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	for _, bad := range [][]byte{nil, []byte("garbage"), []byte(ldCacheNewMagic)} {
		if _, err := parseLDCache(bad); err == nil {
			t.Errorf("parseLDCache(%q) succeeded", bad)
		}
	}
}

// TestParseLDCacheHost reads this machine's cache, if it has one: every
// entry must have a key and an absolute path.
func TestParseLDCacheHost(t *testing.T) {
	data, err := os.ReadFile(ldCachePath)
	if err != nil {
		t.Skipf("no ld.so cache: %v", err)
	}
	entries, err := parseLDCache(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.key == "" || !filepath.IsAbs(e.value) {
			t.Errorf("bad entry %+v", e)
		}
	}
}

func TestResolveBinary(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Symlink(self, filepath.Join(dir, "mytool")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "script"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", "/nonexistent:"+dir)

	if got, err := ResolveBinary("mytool"); err != nil || got != filepath.Join(dir, "mytool") {
		t.Errorf("ResolveBinary(mytool) = %q, %v; want the file on $PATH", got, err)
	}
	if got, err := ResolveBinary(self); err != nil || got != self {
		t.Errorf("ResolveBinary(%s) = %q, %v", self, got, err)
	}
	for _, bad := range []string{"script", "no-such-binary", filepath.Join(dir, "nothing")} {
		if _, err := ResolveBinary(bad); !errors.Is(err, kernel.ErrNotFound) {
			t.Errorf("ResolveBinary(%q) error = %v, want not found", bad, err)
		}
	}
}

func TestResolveLibraryFromCache(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("the test cache lists x86-64 libraries")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(t.TempDir(), "ld.so.cache")
	data := ldCache([]ldCacheEntry{
		{flags: ldFlagLibc6 | ldFlagAArch64, key: "libfoo.so.1", value: "/wrong/arch/libfoo.so.1"},
		{flags: ldFlagLibc6 | ldFlagX8664, key: "libfoo3.so", value: "/not/this/libfoo3.so"},
		{flags: ldFlagLibc6 | ldFlagX8664, key: "libfoo.so.1", value: self},
	})
	if err := os.WriteFile(cache, data, 0o644); err != nil {
		t.Fatal(err)
	}
	saved := ldCachePath
	ldCachePath = cache
	defer func() { ldCachePath = saved }()

	if got, err := ResolveBinary("libfoo"); err != nil || got != self {
		t.Errorf("ResolveBinary(libfoo) = %q, %v; want %q", got, err, self)
	}
}

type fakeResolver struct {
	kernel.Info
	paths map[string]string
}

func (f fakeResolver) ResolveBinary(target string) (string, error) {
	if p, ok := f.paths[target]; ok {
		return p, nil
	}
	return "", kernel.ErrNotFound
}

func TestResolve(t *testing.T) {
	k := fakeResolver{paths: map[string]string{"libc": "/lib/libc.so.6", "bash": "/bin/bash"}}
	tests := []struct {
		raw, target string
		missing     bool
	}{
		{raw: "uprobe:libc:malloc", target: "/lib/libc.so.6"},
		{raw: "uretprobe:bash:readline", target: "/bin/bash"},
		{raw: "usdt:libc:setjmp", target: "/lib/libc.so.6"},
		{raw: "uprobe:lib*:malloc", target: "lib*"},
		{raw: "uprobe:libnothing:f", target: "libnothing", missing: true},
		{raw: "kprobe:vfs_read"},
	}
	for _, tt := range tests {
		ap, err := Parse(tt.raw)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.raw, err)
		}
		err = Resolve(ap, k)
		var pe *ProbeError
		switch {
		case tt.missing && (!errors.As(err, &pe) || pe.Code != CodeMissing):
			t.Errorf("Resolve(%q) = %v, want a %s error", tt.raw, err, CodeMissing)
		case !tt.missing && err != nil:
			t.Errorf("Resolve(%q) = %v", tt.raw, err)
		}
		if ap.Target != tt.target {
			t.Errorf("Resolve(%q): Target = %q, want %q", tt.raw, ap.Target, tt.target)
		}
	}
}
