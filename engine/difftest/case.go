package difftest

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/bt-tools/bt/engine/difftest/workload"
)

// A Case is one differential test: a script, the workload it traces, how
// the tracers stop, and the normalisations its output needs.
type Case struct {
	Name   string
	Script string // with placeholders; directive lines removed

	Workload string   // workload ops ("getpid 10; read 3 4096"), "" for none
	Stop     Stop     // how the tracers stop
	Args     []string // positional parameters after the script
	Env      []string // extra environment for both tracers
	Unsafe   bool     // pass --unsafe to both
	Cmd      string   // -c CMD for both: each runs its own child
	JSON     bool     // -f json for both
	Needs    []string // files that must exist, else the case is skipped
	Skip     string   // skip reason, "" to run
	Rules    []Rule   // normalisations, in order
	expect   []string // regexps, before placeholders are replaced
}

// Stop says how a run ends.
type Stop int

const (
	// StopSelf waits for the script's own exit() (or a BEGIN-only script
	// ending by itself).
	StopSelf Stop = iota
	// StopSignal sends SIGINT once the workload has run.
	StopSignal
)

// ParseCase reads a case file. Directives are lines at the top of the file
// of the form
//
//	//difftest KEY: VALUE
//
// where KEY is one of
//
//	workload   ops for [workload.Parse] (then the tracers are stopped with SIGINT,
//	           unless stop says otherwise)
//	stop       "self" (the script calls exit()) or "sigint" (also without a
//	           workload: once both tracers are attached)
//	args       positional parameters, split on spaces
//	env        NAME=VALUE for both tracers (repeatable)
//	unsafe     (no value) run both with --unsafe
//	cmd        a command each tracer runs as its child (-c); the run ends
//	           when it exits
//	json       (no value) run both with -f json
//	needs      a file the case needs (a library it probes); without it the
//	           case is skipped
//	skip       the reason the case is skipped ("bt: not supported yet: X")
//	normalize  REGEXP => REPLACEMENT, a Go regexp in multi-line mode applied
//	           to both outputs, for values that legitimately differ
//	           (timestamps, addresses, the tracer's own pid or comm)
//	ties       (no value) sort map entries whose values are equal: bpftrace
//	           prints them in hash order
//	frames     (no value) compare stack frames by symbol only, offsets
//	           and addresses dropped
//	dedupe     (no value) collapse identical consecutive map entries: for
//	           sampled stacks that differed only in instruction offsets
//	expect     REGEXP (multi-line mode) that bpftrace's output must match,
//	           after placeholders are replaced: proof that the workload
//	           was seen, so that a case never passes by tracing nothing
//
// Other comment lines are kept in the script. The placeholders {{comm}}
// (the workload's comm) and {{dir}} (a scratch directory the workload may
// use) are replaced in the script, the args and the workload.
func ParseCase(name string, src string) (*Case, error) {
	c := &Case{Name: name}
	var script []string
	for i, line := range strings.Split(src, "\n") {
		rest, ok := strings.CutPrefix(line, "//difftest ")
		if !ok {
			script = append(script, line)
			continue
		}
		key, val, _ := strings.Cut(rest, ":")
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		if err := c.directive(key, val); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, i+1, err)
		}
	}
	c.Script = strings.Join(script, "\n")
	if c.Workload != "" && c.Stop == StopSelf && !strings.Contains(src, "//difftest stop:") {
		c.Stop = StopSignal
	}
	return c, nil
}

func (c *Case) directive(key, val string) error {
	switch key {
	case "workload":
		if _, err := workload.Parse(val); err != nil {
			return err
		}
		c.Workload = val
	case "stop":
		switch val {
		case "self":
			c.Stop = StopSelf
		case "sigint":
			c.Stop = StopSignal
		default:
			return fmt.Errorf("stop: want self or sigint, found %q", val)
		}
	case "args":
		c.Args = strings.Fields(val)
	case "env":
		if !strings.Contains(val, "=") {
			return fmt.Errorf("env: want NAME=VALUE, found %q", val)
		}
		c.Env = append(c.Env, val)
	case "unsafe":
		c.Unsafe = true
	case "cmd":
		c.Cmd = val
	case "json":
		c.JSON = true
	case "needs":
		c.Needs = append(c.Needs, val)
	case "skip":
		c.Skip = val
	case "normalize":
		re, repl, ok := strings.Cut(val, " => ")
		if !ok {
			return fmt.Errorf("normalize: want REGEXP => REPLACEMENT, found %q", val)
		}
		rx, err := regexp.Compile("(?m)" + re)
		if err != nil {
			return fmt.Errorf("normalize: %v", err)
		}
		c.Rules = append(c.Rules, Replace(rx, repl))
	case "expect":
		if _, err := regexp.Compile(val); err != nil {
			return fmt.Errorf("expect: %v", err)
		}
		c.expect = append(c.expect, val)
	case "ties":
		c.Rules = append(c.Rules, SortTies)
	case "frames":
		c.Rules = append(c.Rules, LooseFrames)
	case "dedupe":
		c.Rules = append(c.Rules, Dedupe)
	default:
		return fmt.Errorf("unknown directive %q", key)
	}
	return nil
}

// Expand replaces the placeholders in s.
func Expand(s, comm, dir string) string {
	return strings.NewReplacer("{{comm}}", comm, "{{dir}}", dir).Replace(s)
}

// Expectations returns the case's expect regexps with placeholders
// replaced.
func (c *Case) Expectations(comm, dir string) ([]*regexp.Regexp, error) {
	var rxs []*regexp.Regexp
	for _, e := range c.expect {
		rx, err := regexp.Compile("(?m)" + Expand(e, regexp.QuoteMeta(comm), regexp.QuoteMeta(dir)))
		if err != nil {
			return nil, err
		}
		rxs = append(rxs, rx)
	}
	return rxs, nil
}

// Normalize applies the case's rules to a tracer's output.
func (c *Case) Normalize(out string) string {
	for _, r := range c.Rules {
		out = r(out)
	}
	return out
}
