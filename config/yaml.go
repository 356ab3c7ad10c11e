package config

import (
	"fmt"
	"os"
	"regexp"

	"gopkg.in/yaml.v3"
)

// envPlaceholder matches %%ENV:NAME%%.
var envPlaceholder = regexp.MustCompile(`%%ENV:([A-Za-z_][A-Za-z0-9_]*)%%`)

// LoadFile reads a YAML configuration file for sessionauth.ConfigModule. Strings
// may contain %%ENV:NAME%% placeholders, replaced by the environment
// variable NAME; a placeholder that is a whole value takes the variable's
// YAML type, so `max.age: "%%ENV:MAX_AGE%%"` with MAX_AGE=3600 is a number.
// A variable that is not set is an error naming the variable and the key.
func LoadFile(path string) (map[string]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return ParseYAML(data, os.LookupEnv)
}

// ParseYAML parses YAML configuration, resolving %%ENV:NAME%%
// placeholders with lookup; see LoadFile.
func ParseYAML(data []byte, lookup func(string) (string, bool)) (map[string]any, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if err := expandEnv(&root, "", lookup); err != nil {
		return nil, err
	}
	cfg := map[string]any{}
	if err := root.Decode(&cfg); err != nil {
		return nil, fmt.Errorf("config: the file must hold a map of keys: %w", err)
	}
	return cfg, nil
}

func expandEnv(n *yaml.Node, key string, lookup func(string) (string, bool)) error {
	switch n.Kind {
	case yaml.ScalarNode:
		return expandScalar(n, key, lookup)
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if err := expandEnv(n.Content[i+1], joinKey(key, n.Content[i].Value), lookup); err != nil {
				return err
			}
		}
	default:
		for i, c := range n.Content {
			k := key
			if n.Kind == yaml.SequenceNode {
				k = fmt.Sprintf("%s[%d]", key, i)
			}
			if err := expandEnv(c, k, lookup); err != nil {
				return err
			}
		}
	}
	return nil
}

func expandScalar(n *yaml.Node, key string, lookup func(string) (string, bool)) error {
	if !envPlaceholder.MatchString(n.Value) {
		return nil
	}
	var missing string
	whole := envPlaceholder.FindString(n.Value) == n.Value
	n.Value = envPlaceholder.ReplaceAllStringFunc(n.Value, func(m string) string {
		name := envPlaceholder.FindStringSubmatch(m)[1]
		v, ok := lookup(name)
		if !ok && missing == "" {
			missing = name
		}
		return v
	})
	if missing != "" {
		return fmt.Errorf("config key %s: environment variable %s is not set; set it or write the value into the file", key, missing)
	}
	if whole {
		n.Tag, n.Style = "", 0 // let YAML type the value: numbers, booleans
	}
	return nil
}
