package cdef

import (
	"strconv"
	"testing"
)

func TestHeaderMacros(t *testing.T) {
	tests := []struct {
		src  string
		want map[string]string // macro -> body; "" = not defined
	}{
		{"#include <sys/socket.h>\n", map[string]string{"AF_INET": "2", "AF_INET6": "10", "ENOENT": ""}},
		{"#include <linux/socket.h>\n", map[string]string{"AF_UNIX": "1", "SOCK_STREAM": "1"}},
		{"#include <net/sock.h>\n", map[string]string{"AF_INET": "2", "IPPROTO_TCP": "6"}},
		{"#include <errno.h>\n", map[string]string{"ENOENT": "2", "ETIMEDOUT": "110", "EWOULDBLOCK": "11"}},
		{"#include <asm-generic/errno-base.h>\n", map[string]string{"ERANGE": "34", "ETIMEDOUT": ""}},
		{"#include <fcntl.h>\n", map[string]string{"O_CREAT": "00000100", "AT_FDCWD": "-100"}},
		{"#include <signal.h>\n", map[string]string{"SIGKILL": "9", "SIGUSR1": "10"}},
		{"#include <linux/sched.h>\n", map[string]string{"TASK_RUNNING": "0x00000000", "CLONE_THREAD": "0x00010000"}},
		{"#include <sys/ioctl.h>\n", map[string]string{"FIONREAD": "0x541B"}},
		{"#include \"linux/socket.h\"\n", map[string]string{"AF_INET": "2"}},
		// Only active includes count.
		{"#ifdef NOT_DEFINED\n#include <errno.h>\n#endif\n", map[string]string{"ENOENT": ""}},
		// The script's own definition wins, whatever the order.
		{"#define AF_INET 99\n#include <sys/socket.h>\n", map[string]string{"AF_INET": "99", "AF_INET6": "10"}},
		// Unknown headers define nothing.
		{"#include <linux/fs.h>\n", map[string]string{"AF_INET": "", "O_CREAT": ""}},
	}
	for _, tt := range tests {
		res, errs, _ := run(t, tt.src+"BEGIN { }\n", Options{})
		if len(errs) > 0 {
			t.Errorf("%q: %v", tt.src, errs)
		}
		for name, want := range tt.want {
			d, ok := res.Defines[name]
			switch {
			case want == "" && ok:
				t.Errorf("%q defines %s", tt.src, name)
			case want != "" && (!ok || d.Body != want):
				t.Errorf("%q: %s = %q (defined %v), want %q", tt.src, name, d.Body, ok, want)
			}
		}
	}
}

// TestHeaderTables checks that every constant of the tables is a number
// or an expression of the table's own names, so that sema can expand it.
func TestHeaderTables(t *testing.T) {
	for _, h := range KnownHeaders() {
		macros := HeaderMacros(h)
		if len(macros) == 0 {
			t.Errorf("%s has no constants", h)
		}
		for name, body := range macros {
			if _, err := strconv.ParseInt(body, 0, 64); err == nil {
				continue
			}
			if _, ok := macros[body]; ok {
				continue
			}
			if len(body) > 2 && body[0] == '(' && body[len(body)-1] == ')' {
				continue // (A | B) of the table's names, checked by sema's corpus
			}
			t.Errorf("%s: %s = %q is not a constant", h, name, body)
		}
	}
	if HeaderMacros("no/such/header.h") != nil {
		t.Error("unknown header has constants")
	}
}
