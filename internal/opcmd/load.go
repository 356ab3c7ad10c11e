package opcmd

import (
	"fmt"
	"os"

	"github.com/sessionauth/sessionauth/config"
)

// Load reads the configuration files in order, as a Flamingo application
// reads config.yml and then config_<context>.yml: a later file's maps are
// merged into the earlier ones' and its other values replace theirs.
func Load(files []string, lookup func(string) (string, bool)) (map[string]any, error) {
	cfg := map[string]any{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		m, err := config.ParseYAML(data, lookup)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		merge(cfg, m)
	}
	return cfg, nil
}

// merge puts src into dst: maps are merged key by key, anything else
// replaces what dst has.
func merge(dst, src map[string]any) {
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				merge(dm, sm)
				continue
			}
		}
		dst[k] = v
	}
}
