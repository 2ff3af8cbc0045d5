package sema

import (
	"strings"

	"github.com/bt-tools/bt/lang/ast"
)

// Config is the resolved config block.
type Config struct {
	Values          map[string]ast.Expr // as written, by current key name
	MaxStrlen       int64
	MissingProbes   string
	PrintMapsOnExit bool
	StackMode       string
	MaxMapKeys      int64
	MaxProbes       int64
	StrTruncTrailer string
}

func defaultConfig() *Config {
	return &Config{
		Values: map[string]ast.Expr{}, MissingProbes: "error", PrintMapsOnExit: true,
		StackMode: "bpftrace", MaxMapKeys: 4096, MaxProbes: 1024, StrTruncTrailer: "..",
	}
}

// configKind is the kind of value a key takes.
type configKind int

const (
	cfgInt configKind = iota
	cfgBool
	cfgString
	cfgEnum
)

type configKey struct {
	kind   configKind
	values []string // cfgEnum
}

// configKeys are the keys of LANGUAGE.md 7.2.
var configKeys = map[string]configKey{
	"cache_user_symbols":        {cfgEnum, []string{"PER_PROGRAM", "PER_PID", "NONE"}},
	"cpp_demangle":              {kind: cfgBool},
	"lazy_symbolication":        {kind: cfgBool},
	"license":                   {cfgEnum, []string{"GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"}},
	"log_size":                  {kind: cfgInt},
	"max_bpf_progs":             {kind: cfgInt},
	"max_cat_bytes":             {kind: cfgInt},
	"max_map_keys":              {kind: cfgInt},
	"max_probes":                {kind: cfgInt},
	"max_strlen":                {kind: cfgInt},
	"on_stack_limit":            {kind: cfgInt},
	"perf_rb_pages":             {kind: cfgInt},
	"stack_mode":                {cfgEnum, []string{"bpftrace", "perf", "raw", "build_id"}},
	"str_trunc_trailer":         {kind: cfgString},
	"missing_probes":            {cfgEnum, []string{"error", "warn", "ignore"}},
	"print_maps_on_exit":        {kind: cfgBool},
	"use_blazesym":              {kind: cfgBool},
	"show_debug_info":           {kind: cfgBool},
	"unstable_tseries":          {cfgEnum, []string{"error", "warn", "enable"}},
	"unstable_dw_ustack":        {cfgEnum, []string{"error", "warn", "enable"}},
	"unstable_typeinfo":         {cfgEnum, []string{"error", "warn", "enable"}},
	"unstable_import_statement": {cfgEnum, []string{"error", "warn", "enable"}},
}

var renamedKeys = map[string]string{
	"strlen": "max_strlen", "no_cpp_demangle": "cpp_demangle",
	"cat_bytes_max": "max_cat_bytes", "map_keys_max": "max_map_keys",
}

var deprecatedKeys = map[string]bool{
	"symbol_source": true, "max_type_res_iterations": true, "unstable_addr": true,
	"unstable_import": true, "unstable_macro": true, "unstable_map_decl": true,
}

// ConfigKeys returns the known config keys, for completion.
func ConfigKeys() []string {
	keys := make([]string, 0, len(configKeys))
	for k := range configKeys {
		keys = append(keys, k)
	}
	return keys
}

func (c *checker) config(d *ast.ConfigDecl) *Config {
	cfg := defaultConfig()
	for _, e := range d.Entries {
		name := e.Name.Name
		if to, ok := renamedKeys[name]; ok {
			c.configErrs.Warnf(e.Name.Pos(), e.Name.End(), "W220", "config key %s has been renamed, please use %s", name, to)
			name = to
		}
		if deprecatedKeys[name] {
			c.configErrs.Warnf(e.Name.Pos(), e.Name.End(), "W221", "config key %s is deprecated and has no effect", name)
			continue
		}
		key, ok := configKeys[name]
		if !ok {
			d := c.configErrs.Errorf(e.Name.Pos(), e.Name.End(), "E260", "%s is not a known configuration option", name)
			var names []string
			for k := range configKeys {
				names = append(names, k)
			}
			if m := closest(name, names); m != "" {
				d.Hints = []string{"did you mean " + m + "?"}
			}
			continue
		}
		if !c.configValue(e, key) {
			continue
		}
		cfg.Values[name] = e.Value
		cfg.apply(name, e.Value)
	}
	return cfg
}

func (c *checker) configValue(e *ast.ConfigEntry, key configKey) bool {
	ok := false
	want := ""
	switch key.kind {
	case cfgInt:
		_, ok = e.Value.(*ast.IntLit)
		want = "an integer"
	case cfgBool:
		switch v := e.Value.(type) {
		case *ast.BoolLit:
			ok = true
		case *ast.IntLit:
			ok = v.Value <= 1
		}
		want = "true or false"
	case cfgString:
		switch e.Value.(type) {
		case *ast.StringLit, *ast.Ident:
			ok = true
		}
		want = "a string"
	case cfgEnum:
		s := enumText(e.Value)
		for _, v := range key.values {
			if strings.EqualFold(s, v) {
				ok = true
			}
		}
		want = "one of " + strings.Join(key.values, ", ")
	}
	if !ok {
		c.configErrs.Errorf(e.Value.Pos(), e.Value.End(), "E261", "invalid value for %s: want %s", e.Name.Name, want)
	}
	return ok
}

func enumText(x ast.Expr) string {
	switch v := x.(type) {
	case *ast.Ident:
		return v.Name
	case *ast.StringLit:
		return v.Value
	}
	return ""
}

func (cfg *Config) apply(name string, v ast.Expr) {
	switch name {
	case "max_strlen":
		cfg.MaxStrlen = int64(v.(*ast.IntLit).Value)
	case "max_map_keys":
		cfg.MaxMapKeys = int64(v.(*ast.IntLit).Value)
	case "max_probes":
		cfg.MaxProbes = int64(v.(*ast.IntLit).Value)
	case "missing_probes":
		cfg.MissingProbes = strings.ToLower(enumText(v))
	case "stack_mode":
		cfg.StackMode = enumText(v)
	case "str_trunc_trailer":
		cfg.StrTruncTrailer = enumText(v)
	case "print_maps_on_exit":
		switch b := v.(type) {
		case *ast.BoolLit:
			cfg.PrintMapsOnExit = b.Value
		case *ast.IntLit:
			cfg.PrintMapsOnExit = b.Value != 0
		}
	}
}
