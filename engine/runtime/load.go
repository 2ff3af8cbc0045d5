package runtime

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"

	"github.com/bt-tools/bt/engine/attach"
	"github.com/bt-tools/bt/engine/plan"
)

// KernelPrefix starts the kernel name of every program and map the
// runtime loads, so that bpftool shows which are bt's.
const KernelPrefix = "bt_"

// collection is what a plan loads into the kernel.
type collection struct {
	maps  map[string]*ebpf.Map     // by plan name
	progs map[string]*ebpf.Program // by plan name
}

func (c *collection) Close() {
	for _, p := range c.progs {
		p.Close()
	}
	for _, m := range c.maps {
		m.Close()
	}
}

// load creates every map and then every program, each on its own, so
// that an error names the program (and a verifier rejection its source
// line). On error nothing stays loaded.
func load(p *plan.Plan, opts *Options) (_ *collection, err error) {
	c := &collection{maps: map[string]*ebpf.Map{}, progs: map[string]*ebpf.Program{}}
	defer func() {
		if err != nil {
			c.Close()
		}
	}()
	for _, m := range p.Maps {
		if err := c.loadMap(m); err != nil {
			return nil, err
		}
	}
	popts := ebpf.ProgramOptions{LogSizeStart: opts.LogSize}
	for _, prog := range p.Programs {
		if err := c.loadProgram(prog, popts); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (c *collection) loadMap(m *plan.Map) error {
	if m.Spec == nil {
		return fmt.Errorf("map %s has no spec", m.Name)
	}
	if _, dup := c.maps[m.Name]; dup {
		return fmt.Errorf("map %s is declared twice", m.Name)
	}
	spec := m.Spec.Copy()
	spec.Name = KernelName(m.Name)
	bm, err := ebpf.NewMap(spec)
	if err != nil {
		return fmt.Errorf("create map %s: %w", m.Name, err)
	}
	c.maps[m.Name] = bm
	return nil
}

func (c *collection) loadProgram(p *plan.Program, opts ebpf.ProgramOptions) error {
	if p.Spec == nil {
		return fmt.Errorf("program %s has no spec", p.Name)
	}
	if _, dup := c.progs[p.Name]; dup {
		return fmt.Errorf("program %s is declared twice", p.Name)
	}
	spec := p.Spec.Copy()
	spec.Name = KernelName(p.Name)
	if err := c.resolveMaps(spec); err != nil {
		return fmt.Errorf("load program %s: %w", p.Name, err)
	}
	tagFunctionStarts(spec.Instructions, p.Name)
	prog, err := ebpf.NewProgramWithOptions(spec, opts)
	if err != nil {
		if ve := verifierError(p.Name, p.Spec, err); ve != err {
			return ve
		}
		return fmt.Errorf("load program %s: %w", p.Name, attach.LoadError(spec, err))
	}
	c.progs[p.Name] = prog
	return nil
}

// resolveMaps points the map loads of spec (referenced by plan map name)
// at the loaded maps.
func (c *collection) resolveMaps(spec *ebpf.ProgramSpec) error {
	for i := range spec.Instructions {
		ins := &spec.Instructions[i]
		ref := ins.Reference()
		if !ins.IsLoadFromMap() || ref == "" || int32(ins.Constant) > 0 {
			continue
		}
		m, ok := c.maps[ref]
		if !ok {
			return fmt.Errorf("instruction %d refers to unknown map %s", i, ref)
		}
		if err := ins.AssociateMap(m); err != nil {
			return fmt.Errorf("map %s: %w", ref, err)
		}
	}
	return nil
}

// tagFunctionStarts gives the first instruction of every function a
// source tag when some instructions have one: cilium/ebpf turns source
// tags into BTF line info, and the kernel then wants line info at the
// start of each function ("missing bpf_line_info for func#0").
func tagFunctionStarts(insns asm.Instructions, name string) {
	tagged := false
	callees := map[string]bool{}
	for _, ins := range insns {
		tagged = tagged || ins.Source() != nil
		if ins.IsFunctionReference() {
			callees[ins.Reference()] = true
		}
	}
	if !tagged || len(insns) == 0 {
		return
	}
	for i := range insns {
		sym := insns[i].Symbol()
		if (i == 0 || sym != "" && callees[sym]) && insns[i].Source() == nil {
			if sym == "" {
				sym = name
			}
			insns[i] = insns[i].WithSource(asm.Comment(sym))
		}
	}
}

// KernelName is the name an object of the plan gets in the kernel:
// KernelPrefix added when missing, characters the kernel refuses replaced
// by '_', cut to the kernel's 15 bytes.
func KernelName(name string) string {
	if !strings.HasPrefix(name, KernelPrefix) {
		name = KernelPrefix + name
	}
	b := []byte(name)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.') {
			b[i] = '_'
		}
	}
	if len(b) > 15 {
		b = b[:15]
	}
	return string(b)
}

// errNoPrinter is returned when a plan has events to print but the
// options have no Printer.
var errNoPrinter = errors.New("runtime: the plan prints but Options.Printer is nil")
