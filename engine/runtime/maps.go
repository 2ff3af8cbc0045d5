package runtime

import (
	"errors"
	"fmt"
	"sort"

	"github.com/cilium/ebpf"

	"github.com/bt-tools/bt/engine/plan"
)

// userMap finds a user map and its loaded BPF map.
func (r *runner) userMap(name string) (*plan.Map, *ebpf.Map, error) {
	pm, ok := r.userMaps[name]
	if !ok {
		return nil, nil, fmt.Errorf("no map %s in the plan", name)
	}
	m, ok := r.coll.maps[pm.Name]
	if !ok {
		return nil, nil, fmt.Errorf("map %s was not loaded", name)
	}
	return pm, m, nil
}

func (r *runner) printMap(ev *plan.Event) error {
	pm, m, err := r.userMap(ev.Map)
	if err != nil {
		return err
	}
	d, err := ReadMap(m)
	if err != nil {
		return fmt.Errorf("read map %s: %w", ev.Map, err)
	}
	return r.opts.Printer.Map(r.out, pm, d, ev.Top, ev.Div)
}

// printAllMaps prints every user map in name order, as bpftrace does at
// exit.
func (r *runner) printAllMaps() error {
	names := make([]string, 0, len(r.userMaps))
	for n := range r.userMaps {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := r.printMap(&plan.Event{Kind: plan.EventPrint, Map: n}); err != nil {
			r.error(fmt.Errorf("printing map: %w", err))
		}
	}
	return nil
}

// ReadMap snapshots a map: every key with its value (all CPUs' values for
// per-CPU maps).
func ReadMap(m *ebpf.Map) (*MapData, error) {
	d := &MapData{PerCPU: perCPU(m.Type())}
	if d.PerCPU {
		n, err := ebpf.PossibleCPU()
		if err != nil {
			return nil, err
		}
		d.NumCPU = n
	}
	keys, err := mapKeys(m)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		v, err := m.LookupBytes(k)
		if err != nil {
			return nil, fmt.Errorf("look up key %x: %w", k, err)
		}
		if v == nil {
			continue // deleted since NextKey
		}
		d.Keys = append(d.Keys, k)
		d.Values = append(d.Values, v)
	}
	return d, nil
}

// mapKeys lists the keys of a map.
func mapKeys(m *ebpf.Map) ([][]byte, error) {
	var keys [][]byte
	var prev any // nil: start from the first key
	for n := uint32(0); n <= m.MaxEntries(); n++ {
		next := make([]byte, m.KeySize())
		err := m.NextKey(prev, &next)
		if errors.Is(err, ebpf.ErrKeyNotExist) {
			return keys, nil
		}
		if err != nil {
			return nil, fmt.Errorf("next key: %w", err)
		}
		keys = append(keys, next)
		prev = next
	}
	return keys, nil
}

func perCPU(t ebpf.MapType) bool {
	switch t {
	case ebpf.PerCPUHash, ebpf.PerCPUArray, ebpf.LRUCPUHash:
		return true
	}
	return false
}

func isArray(t ebpf.MapType) bool { return t == ebpf.Array || t == ebpf.PerCPUArray }

// clearMap deletes every entry of a hash map; arrays, whose entries
// cannot be deleted, are zeroed.
func (r *runner) clearMap(name string) error {
	_, m, err := r.userMap(name)
	if err != nil {
		return err
	}
	if isArray(m.Type()) {
		return zero(m)
	}
	keys, err := mapKeys(m)
	if err != nil {
		return fmt.Errorf("clear %s: %w", name, err)
	}
	for _, k := range keys {
		if err := m.Delete(k); err != nil && !errors.Is(err, ebpf.ErrKeyNotExist) {
			return fmt.Errorf("clear %s: %w", name, err)
		}
	}
	return nil
}

// zeroMap sets every value of a map to zero, keeping the keys.
func (r *runner) zeroMap(name string) error {
	_, m, err := r.userMap(name)
	if err != nil {
		return err
	}
	if err := zero(m); err != nil {
		return fmt.Errorf("zero %s: %w", name, err)
	}
	return nil
}

func zero(m *ebpf.Map) error {
	keys, err := mapKeys(m)
	if err != nil {
		return err
	}
	var value any = make([]byte, m.ValueSize())
	if perCPU(m.Type()) {
		n, err := ebpf.PossibleCPU()
		if err != nil {
			return err
		}
		vs := make([][]byte, n)
		for i := range vs {
			vs[i] = make([]byte, m.ValueSize())
		}
		value = vs
	}
	for _, k := range keys {
		if err := m.Update(k, value, ebpf.UpdateExist); err != nil && !errors.Is(err, ebpf.ErrKeyNotExist) {
			return err
		}
	}
	return nil
}
