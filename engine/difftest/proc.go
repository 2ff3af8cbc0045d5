package difftest

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
)

// Objects are the BPF objects a process holds through file descriptors.
type Objects struct {
	Progs []ebpf.ProgramID
	Maps  []ebpf.MapID
	Links []link.ID
	Perf  int // perf event descriptors (bpftrace 0.17 attaches through them)
}

// ProcessObjects reads /proc/PID/fd and fdinfo. A descriptor that closes
// while it is read is skipped.
func ProcessObjects(pid int) (Objects, error) {
	var o Objects
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return o, err
	}
	for _, e := range ents {
		target, err := os.Readlink(filepath.Join(dir, e.Name()))
		if err != nil {
			continue
		}
		switch target {
		case "anon_inode:[perf_event]":
			o.Perf++
			continue
		case "anon_inode:bpf-prog", "anon_inode:bpf-map", "anon_inode:bpf_link":
		default:
			continue
		}
		info, err := fdinfo(pid, e.Name())
		if err != nil {
			continue
		}
		switch target {
		case "anon_inode:bpf-prog":
			if id, ok := info["prog_id"]; ok {
				o.Progs = append(o.Progs, ebpf.ProgramID(id))
			}
		case "anon_inode:bpf-map":
			if id, ok := info["map_id"]; ok {
				o.Maps = append(o.Maps, ebpf.MapID(id))
			}
		case "anon_inode:bpf_link":
			if id, ok := info["link_id"]; ok {
				o.Links = append(o.Links, link.ID(id))
			}
		}
	}
	return o, nil
}

// fdinfo returns the numeric fields of /proc/PID/fdinfo/FD.
func fdinfo(pid int, fd string) (map[string]uint64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/fdinfo/%s", pid, fd))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fields := map[string]uint64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		if n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64); err == nil {
			fields[k] = n
		}
	}
	return fields, sc.Err()
}

// GateMapName is the kernel name of bt's start gate (plan.GateMap with the
// bt_ prefix bt gives its objects).
const GateMapName = "bt_gate"

// GateOpen reports whether the bt process pid has opened its start gate:
// then every probe is attached.
func GateOpen(pid int) (bool, error) {
	o, err := ProcessObjects(pid)
	if err != nil {
		return false, err
	}
	for _, id := range o.Maps {
		m, err := ebpf.NewMapFromID(id)
		if err != nil {
			continue
		}
		open, found := readGate(m)
		m.Close()
		if found {
			return open, nil
		}
	}
	return false, nil
}

func readGate(m *ebpf.Map) (open, found bool) {
	info, err := m.Info()
	if err != nil || info.Name != GateMapName {
		return false, false
	}
	var v uint64
	if err := m.Lookup(uint32(0), &v); err != nil {
		return false, true
	}
	return v != 0, true
}

// Gone reports which of the programs and links still exist, after their
// process ended. The kernel frees objects after an RCU grace period, so
// callers poll.
func Gone(progs []ebpf.ProgramID, links []link.ID) (leftProgs []ebpf.ProgramID, leftLinks []link.ID) {
	for _, id := range progs {
		p, err := ebpf.NewProgramFromID(id)
		if err == nil {
			p.Close()
			leftProgs = append(leftProgs, id)
		} else if !errors.Is(err, os.ErrNotExist) {
			leftProgs = append(leftProgs, id)
		}
	}
	for _, id := range links {
		l, err := link.NewFromID(id)
		if err == nil {
			l.Close()
			leftLinks = append(leftLinks, id)
		} else if !errors.Is(err, os.ErrNotExist) {
			leftLinks = append(leftLinks, id)
		}
	}
	return leftProgs, leftLinks
}

// OnlineCPUs counts the CPUs in /sys/devices/system/cpu/online ("0-3,5").
func OnlineCPUs() (int, error) {
	b, err := os.ReadFile("/sys/devices/system/cpu/online")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range strings.Split(strings.TrimSpace(string(b)), ",") {
		lo, hi, found := strings.Cut(r, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return 0, fmt.Errorf("parse online cpus %q: %w", b, err)
		}
		z := a
		if found {
			if z, err = strconv.Atoi(hi); err != nil {
				return 0, fmt.Errorf("parse online cpus %q: %w", b, err)
			}
		}
		n += z - a + 1
	}
	return n, nil
}
