package opcmd

import (
	"fmt"
	"os"

	"github.com/sessionauth/sessionauth/config"
)

// Load reads the configuration files in order, as a Flamingo application
// reads config.yml and then config_<context>.yml: a key a later file gives,
// nested or dotted, replaces the earlier files' value.
func Load(files []string, lookup func(string) (string, bool)) (map[string]any, error) {
	var cfgs []map[string]any
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		m, err := config.ParseYAML(data, lookup)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		cfgs = append(cfgs, m)
	}
	if len(cfgs) == 1 {
		return cfgs[0], nil // as the application reads it, a key given twice in it too
	}
	cfg := map[string]any{}
	for _, m := range cfgs {
		merge(cfg, m)
	}
	return cfg, nil
}

// merge puts src into dst, both as dotted keys, so that a file that
// nests a key and one that writes it dotted still meet: a later value
// replaces an earlier one.
func merge(dst, src map[string]any) {
	flatten("", src, dst)
}

// flatten writes the values of in into out under dotted keys, stopping at
// a key of the table, whose value may be a map (a wrong one, which the
// check reports).
func flatten(prefix string, in, out map[string]any) {
	for k, v := range in {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		if m, ok := v.(map[string]any); ok {
			if _, known := config.Lookup(key); !known {
				flatten(key, m, out)
				continue
			}
		}
		out[key] = v
	}
}
