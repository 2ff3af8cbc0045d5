package compile

import (
	"fmt"
	"strings"

	"github.com/cilium/ebpf/asm"

	"github.com/bt-tools/bt/engine/plan"
)

// Listing prints a plan for people (bt run -d) and golden files: every
// map with its type and sizes, then every program's instructions, with
// their labels and, when it changes, the source they come from.
func Listing(p *plan.Plan) string {
	var b strings.Builder
	for _, m := range p.Maps {
		s := m.Spec
		fmt.Fprintf(&b, "map %s: %s key %d value %d entries %d", m.Name, s.Type, s.KeySize, s.ValueSize, s.MaxEntries)
		if m.UserName != "" {
			fmt.Fprintf(&b, " (%s", m.UserName)
			if m.Key != nil && !m.Scalar {
				fmt.Fprintf(&b, "[%s]", m.Key)
			}
			fmt.Fprintf(&b, ": %s)", m.Value)
		}
		b.WriteByte('\n')
	}
	for _, prog := range p.Programs {
		fmt.Fprintf(&b, "\n%s %s (%s):\n", prog.Spec.Type, prog.Name, prog.Attach)
		writeInsns(&b, prog.Spec.Instructions)
	}
	return b.String()
}

func writeInsns(b *strings.Builder, insns asm.Instructions) {
	var src string
	iter := insns.Iterate()
	for iter.Next() {
		ins := iter.Ins
		if sym := ins.Symbol(); sym != "" {
			fmt.Fprintf(b, "%s:\n", sym)
		}
		if s := ins.Source(); s != nil && s.String() != src {
			src = s.String()
			fmt.Fprintf(b, "\t; %s\n", src)
		}
		text := fmt.Sprint(ins)
		if ref := ins.Reference(); ref != "" && !strings.Contains(text, "<"+ref+">") {
			text += " <" + ref + ">"
		}
		fmt.Fprintf(b, "\t%4d: %s\n", iter.Offset, text)
	}
}
