package lint

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bt-tools/bt/lang/diag"
)

// ConfigName is the name of the configuration file, looked for in the
// directory of each linted file and then in its parents.
const ConfigName = ".btlint.json"

// Config says which rules run, with which severities, for which bpftrace
// versions.
type Config struct {
	Target Target

	all      []*Rule
	byName   map[string]*Rule // by code and by name
	enabled  map[string]bool  // by code
	severity map[string]diag.Severity
}

// NewConfig returns the default configuration over a set of rules: the
// rules not marked Off, the newest bpftrace as target. BT000 is always
// known.
func NewConfig(rules []*Rule) *Config {
	c := &Config{
		Target:   DefaultTarget,
		byName:   map[string]*Rule{},
		enabled:  map[string]bool{},
		severity: map[string]diag.Severity{},
	}
	if !contains(rules, SuppressionRule) {
		rules = append([]*Rule{SuppressionRule}, rules...)
	}
	c.all = append([]*Rule(nil), rules...)
	sort.Slice(c.all, func(i, j int) bool { return c.all[i].Code < c.all[j].Code })
	for _, r := range c.all {
		c.byName[r.Code] = r
		c.byName[r.Name] = r
		c.enabled[r.Code] = !r.Off
	}
	return c
}

func contains(rules []*Rule, r *Rule) bool {
	for _, x := range rules {
		if x == r {
			return true
		}
	}
	return false
}

// Clone returns a copy that can be changed independently.
func (c *Config) Clone() *Config {
	d := *c
	d.enabled = clone(c.enabled)
	d.severity = clone(c.severity)
	return &d
}

func clone[K comparable, V any](m map[K]V) map[K]V {
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Rules returns every known rule, by code.
func (c *Config) Rules() []*Rule { return c.all }

// Lookup finds a rule by code or name.
func (c *Config) Lookup(name string) (*Rule, bool) {
	r, ok := c.byName[name]
	return r, ok
}

// Enabled returns the rules that run, by code.
func (c *Config) Enabled() []*Rule {
	var out []*Rule
	for _, r := range c.all {
		if c.enabled[r.Code] {
			out = append(out, r)
		}
	}
	return out
}

// Enable turns rules on; "all" names every rule.
func (c *Config) Enable(names ...string) error { return c.set(names, true) }

// Disable turns rules off; "all" names every rule.
func (c *Config) Disable(names ...string) error { return c.set(names, false) }

func (c *Config) set(names []string, on bool) error {
	for _, n := range names {
		if n == "all" {
			for _, r := range c.all {
				c.enabled[r.Code] = on
			}
			continue
		}
		r, ok := c.byName[n]
		if !ok {
			return fmt.Errorf("unknown rule %q", n)
		}
		c.enabled[r.Code] = on
	}
	return nil
}

// SetSeverity overrides the severity of a rule's findings.
func (c *Config) SetSeverity(name, severity string) error {
	r, ok := c.byName[name]
	if !ok {
		return fmt.Errorf("unknown rule %q", name)
	}
	s, err := diag.ParseSeverity(severity)
	if err != nil {
		return fmt.Errorf("rule %s: %w", name, err)
	}
	c.severity[r.Code] = s
	return nil
}

// Severity returns the severity of a rule's findings.
func (c *Config) Severity(r *Rule) diag.Severity {
	if s, ok := c.severity[r.Code]; ok {
		return s
	}
	return r.Severity
}

// ---------------------------------------------------------------------------
// Configuration files

// File is the content of a .btlint.json file:
//
//	{
//	  "target": "0.17..0.24",
//	  "disable": ["BT010", "printf-in-hot-probe"],
//	  "enable": ["BT016"],
//	  "severity": {"BT009": "error"}
//	}
//
// Disabling happens before enabling, so {"disable": ["all"], "enable":
// ["BT004"]} runs BT004 alone.
type File struct {
	Target   string            `json:"target,omitempty"`
	Enable   []string          `json:"enable,omitempty"`
	Disable  []string          `json:"disable,omitempty"`
	Severity map[string]string `json:"severity,omitempty"`
}

// ReadConfigFile reads and validates a configuration file. Unknown keys
// are errors, so that a typo does not silently do nothing.
func ReadConfigFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: more than one JSON value", path)
	}
	return &f, nil
}

// Apply applies a configuration file on top of c.
func (c *Config) Apply(f *File) error {
	var errs []error
	if f.Target != "" {
		t, err := ParseTarget(f.Target)
		if err != nil {
			errs = append(errs, err)
		}
		c.Target = t
	}
	errs = append(errs, c.Disable(f.Disable...), c.Enable(f.Enable...))
	keys := make([]string, 0, len(f.Severity))
	for k := range f.Severity {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		errs = append(errs, c.SetSeverity(k, f.Severity[k]))
	}
	return errors.Join(errs...)
}

// FindConfig returns the path of the configuration file that applies to
// files in dir: dir's own, or the nearest parent's. It returns "" if
// there is none.
func FindConfig(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, ConfigName)
		switch _, err := os.Stat(p); {
		case err == nil:
			return p, nil
		case !errors.Is(err, fs.ErrNotExist):
			return "", err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}

// Configs finds and caches the configuration of each directory: base
// (defaults and nothing else) with the nearest configuration file applied,
// and then the command line's changes.
type Configs struct {
	Base  *Config
	Flags func(*Config) error // applied last; may be nil
	// Explicit, when set, is the configuration file to use for every
	// file instead of looking for one.
	Explicit string
	// NoFiles ignores configuration files altogether.
	NoFiles bool

	byDir map[string]*Config
	files map[string]*Config
}

// For returns the configuration for a file.
func (cs *Configs) For(file string) (*Config, error) {
	dir := filepath.Dir(file)
	if c, ok := cs.byDir[dir]; ok {
		return c, nil
	}
	path := cs.Explicit
	if path == "" && !cs.NoFiles {
		var err error
		if path, err = FindConfig(dir); err != nil {
			return nil, err
		}
	}
	c, err := cs.load(path)
	if err != nil {
		return nil, err
	}
	if cs.byDir == nil {
		cs.byDir = map[string]*Config{}
	}
	cs.byDir[dir] = c
	return c, nil
}

func (cs *Configs) load(path string) (*Config, error) {
	if c, ok := cs.files[path]; ok {
		return c, nil
	}
	c := cs.Base.Clone()
	if path != "" {
		f, err := ReadConfigFile(path)
		if err != nil {
			return nil, err
		}
		if err := c.Apply(f); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	if cs.Flags != nil {
		if err := cs.Flags(c); err != nil {
			return nil, err
		}
	}
	if cs.files == nil {
		cs.files = map[string]*Config{}
	}
	cs.files[path] = c
	return c, nil
}

// SplitList splits "BT001,BT002" and repeated flags into names.
func SplitList(values []string) []string {
	var out []string
	for _, v := range values {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}
