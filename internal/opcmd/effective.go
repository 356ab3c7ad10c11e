package opcmd

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/sessionauth/sessionauth/config"
)

// Setting is one key of the effective configuration.
type Setting struct {
	Key     string `json:"key"`
	Value   string `json:"value"`             // as config.Show quotes it; a secret is (set) or (not set)
	Default bool   `json:"default,omitempty"` // the key's default, not given in the files
}

// Effective lists every key of the table with the value the library
// uses, defaults filled in, and each broker entry's fields. A secret shows
// only whether it is set; a Redis URL keeps its shape with the password
// hidden.
func Effective(v config.Values) []Setting {
	var out []Setting
	for _, k := range config.Keys {
		val := v[k.Name]
		if k.Kind == config.Brokers {
			out = append(out, brokerSettings(k.Name, val)...)
			continue
		}
		out = append(out, Setting{Key: k.Name, Value: show(k.Name, val), Default: reflect.DeepEqual(val, k.Default)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// brokerSettings flattens the broker list to one setting a field.
func brokerSettings(key string, v any) []Setting {
	list, _ := v.([]any)
	if len(list) == 0 {
		return []Setting{{Key: key, Value: "(none)", Default: true}}
	}
	var out []Setting
	for i, e := range list {
		out = append(out, flatSettings(fmt.Sprintf("%s[%d]", key, i), e)...)
	}
	return out
}

func flatSettings(key string, v any) []Setting {
	switch x := v.(type) {
	case map[string]any:
		var out []Setting
		for _, k := range slices.Sorted(maps.Keys(x)) {
			out = append(out, flatSettings(key+"."+k, x[k])...)
		}
		return out
	case []any:
		if config.Secret(key) {
			return []Setting{{Key: key, Value: show(key, x)}}
		}
		var out []Setting
		for i, e := range x {
			out = append(out, flatSettings(fmt.Sprintf("%s[%d]", key, i), e)...)
		}
		if len(out) == 0 {
			return []Setting{{Key: key, Value: "[]"}}
		}
		return out
	}
	return []Setting{{Key: key, Value: show(key, v)}}
}

// show is a value as the effective configuration shows it.
func show(key string, v any) string {
	if f, ok := v.(float64); ok && f == float64(int64(f)) {
		return strconv.FormatInt(int64(f), 10)
	}
	if s, ok := v.(string); ok && s != "" && strings.HasSuffix(key, "redis.url") {
		return config.Show(key, s) // the URL's shape, its password hidden
	}
	if config.Secret(key) {
		if empty(v) {
			return "(not set)"
		}
		return "(set)"
	}
	if list, ok := v.([]any); ok {
		if len(list) == 0 {
			return "[]"
		}
		s := "["
		for i, e := range list {
			if i > 0 {
				s += ", "
			}
			s += config.Show(key, e)
		}
		return s + "]"
	}
	return config.Show(key, v)
}

func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	}
	return false
}
