package runtime

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"

	"github.com/bt-tools/bt/engine/plan"
	"github.com/bt-tools/bt/lang/token"
)

// VerifierError is a program the kernel's verifier rejected, with the
// instruction it stopped at and that instruction's source tag, so the
// error can point at the script.
//
// %v prints a one-line summary; %+v prints the whole verifier log.
type VerifierError struct {
	Prog string // the plan's program name
	// Insn is the index of the failing instruction in raw 8-byte slots
	// (the numbering of the verifier log), or -1 when the log names none.
	Insn int
	// Source is the instruction's source tag (asm.Instruction.Source), or
	// nil. When the compiler tagged it with a [plan.Span], Pos and End are
	// the span's.
	Source   fmt.Stringer
	Pos, End token.Pos
	Err      *ebpf.VerifierError // the whole log: Err.Log
}

func (e *VerifierError) Error() string {
	msg := fmt.Sprintf("load program %s: verifier rejected it", e.Prog)
	if e.Insn >= 0 {
		msg += fmt.Sprintf(" at instruction %d", e.Insn)
	}
	if e.Source != nil {
		msg += fmt.Sprintf(" (%s)", e.Source)
	}
	if r := e.Reason(); r != "" {
		msg += ": " + r
	}
	return msg
}

// Unwrap returns the cilium/ebpf error.
func (e *VerifierError) Unwrap() error { return e.Err }

// Format prints the summary for %v and %s, and the summary followed by
// the whole verifier log for %+v.
func (e *VerifierError) Format(f fmt.State, verb rune) {
	fmt.Fprint(f, e.Error())
	if verb == 'v' && f.Flag('+') && e.Err != nil {
		for _, l := range e.Err.Log {
			fmt.Fprintf(f, "\n\t%s", l)
		}
	}
}

// Reason is the verifier's message: the last line of the log that is not
// an instruction, a source line or the statistics.
func (e *VerifierError) Reason() string {
	if e.Err == nil {
		return ""
	}
	for i := len(e.Err.Log) - 1; i >= 0; i-- {
		l := e.Err.Log[i]
		if l == "" || insnLine.MatchString(l) || l[0] == ';' || statsLine.MatchString(l) {
			continue
		}
		return l
	}
	return e.Err.Cause.Error()
}

var (
	// insnLine is an instruction in the verifier log: "12: (85) call ...".
	insnLine = regexp.MustCompile(`^(\d+): \([0-9a-f]{2}\)`)
	// insnRef is an instruction named in an error message:
	// "back-edge from insn 5 to 3", "unreachable insn 7".
	insnRef   = regexp.MustCompile(`\binsn (\d+)\b`)
	statsLine = regexp.MustCompile(`^(processed \d+ insns|verification time|stack depth)`)
)

// FailingInsn finds the instruction the verifier stopped at in its log:
// the last instruction it printed, or else the last one an error message
// names. It returns -1 when there is none.
func FailingInsn(log []string) int {
	for i := len(log) - 1; i >= 0; i-- {
		if m := insnLine.FindStringSubmatch(log[i]); m != nil {
			n, _ := strconv.Atoi(m[1])
			return n
		}
	}
	for i := len(log) - 1; i >= 0; i-- {
		if m := insnRef.FindAllStringSubmatch(log[i], -1); m != nil {
			n, _ := strconv.Atoi(m[0][1])
			return n
		}
	}
	return -1
}

// SourceAt returns the source tag of the instruction at raw offset off
// (counted in 8-byte slots, as the verifier counts; a 64-bit immediate
// load takes two), or nil.
func SourceAt(insns asm.Instructions, off int) fmt.Stringer {
	if off < 0 {
		return nil
	}
	iter := insns.Iterate()
	for iter.Next() {
		start := int(iter.Offset)
		if off >= start && off < start+int(iter.Ins.Size()/asm.InstructionSize) {
			return iter.Ins.Source()
		}
	}
	return nil
}

// verifierError turns a load error into a *VerifierError when it is a
// verifier rejection; other errors are returned as they are.
func verifierError(name string, spec *ebpf.ProgramSpec, err error) error {
	var ve *ebpf.VerifierError
	if !errors.As(err, &ve) || len(ve.Log) == 0 {
		return err
	}
	e := &VerifierError{Prog: name, Insn: FailingInsn(ve.Log), Err: ve}
	e.Source = SourceAt(spec.Instructions, e.Insn)
	switch s := e.Source.(type) {
	case plan.Span:
		e.Pos, e.End = s.Pos, s.End
	case *plan.Span:
		e.Pos, e.End = s.Pos, s.End
	}
	return e
}
