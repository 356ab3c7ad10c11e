package config

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// Values is a configuration flattened to dotted keys, as Normalize gives it
// and as Flamingo binds it: strings, bools, float64, []any and
// map[string]any.
type Values map[string]any

// Normalize flattens cfg to dotted keys, resolves legacy spellings,
// converts numbers to float64 and lists to []any, and fills in the
// default of every key not given. cfg may be nested maps
// ({"flamingo": {"session": {...}}}), dotted keys
// ({"flamingo.session.backend": "redis"}) or both. A key below
// flamingo.session or core.auth that the table does not know is a problem
// (with the nearest known key as a suggestion), as is a key given twice or
// a value of a type no configuration has. Wrong types of known keys are
// left for ReadSession and ReadAuth to report.
func Normalize(cfg map[string]any) (Values, *Problems) {
	ps := new(Problems)
	flat := Values{}
	flatten("", cfg, flat, ps)
	resolveAliases(flat)
	splitSecretList(flat, ps)
	unknownKeys(flat, ps)
	for _, k := range Keys {
		if _, ok := flat[k.Name]; !ok {
			flat[k.Name] = k.Default
		}
	}
	return flat, ps
}

func flatten(prefix string, in map[string]any, out Values, ps *Problems) {
	for k, v := range in {
		key := joinKey(prefix, k)
		if v == nil {
			continue // an empty value means the default, as in Flamingo
		}
		if m, ok := asMap(v); ok {
			if _, known := byName[key]; !known && (!owned(key+".") || parentOfKnown(key)) {
				flatten(key, m, out, ps)
				continue
			}
			v = m // a map where a key wants a value: reported as a wrong type, not as keys below it
		}
		nv, ok := normalizeValue(key, v, ps)
		if !ok {
			continue
		}
		if _, dup := out[key]; dup {
			ps.AddPlain(key, "given twice (once nested, once dotted); keep one")
			continue
		}
		out[key] = nv
	}
}

// resolveAliases moves legacy spellings to their keys; a key given in its
// current spelling wins.
func resolveAliases(flat Values) {
	for _, k := range Keys {
		for _, alias := range k.Aliases {
			if v, ok := flat[alias]; ok {
				if _, set := flat[k.Name]; !set {
					flat[k.Name] = v
				}
				delete(flat, alias)
			}
		}
	}
}

// splitSecretList accepts a list for flamingo.session.secret outside
// Flamingo: the first entry signs, the others join previousSecrets.
func splitSecretList(flat Values, ps *Problems) {
	const key = "flamingo.session.secret"
	list, ok := flat[key].([]any)
	if !ok {
		return
	}
	if len(list) == 0 {
		ps.AddPlain(key, "an empty list; give at least one secret (the first signs, all verify)")
		delete(flat, key)
		return
	}
	previous, _ := flat["flamingo.session.previousSecrets"].([]any)
	flat[key] = list[0]
	flat["flamingo.session.previousSecrets"] = append(append([]any{}, list[1:]...), previous...)
}

// unknownKeys reports keys below the prefixes sessionauth owns that the
// table does not know: usually typos.
func unknownKeys(flat Values, ps *Problems) {
	var unknown []string
	for k := range flat {
		if owned(k) {
			if _, ok := byName[k]; !ok {
				unknown = append(unknown, k)
			}
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		msg, near := "no such key", nearest(k)
		if near != "" {
			msg += fmt.Sprintf("; did you mean %s?", near)
		}
		msg += " (the keys are listed in docs/config.md)"
		// The value is not shown: whatever the key's name (requirepass,
		// signingKey, hmac, …), it may hold a secret.
		ps.AddPlain(k, msg)
		delete(flat, k)
	}
}

// parentOfKnown tells whether key is a path above a known key
// (flamingo.session.redis). Below any other key of ours a map is reported
// as one unknown key, not key by key, since its keys could be anything.
func parentOfKnown(key string) bool {
	for _, k := range Keys {
		if strings.HasPrefix(k.Name, key+".") {
			return true
		}
	}
	return false
}

func owned(k string) bool {
	return strings.HasPrefix(k, "flamingo.session.") || strings.HasPrefix(k, "core.auth.")
}

func normalizeValue(key string, v any, ps *Problems) (any, bool) {
	switch x := v.(type) {
	case string, bool, float64, map[string]any:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float32:
		return float64(x), true
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out, true
	}
	if list, ok := asList(v); ok {
		out := make([]any, 0, len(list))
		for i, e := range list {
			if m, ok := asMap(e); ok {
				out = append(out, m)
				continue
			}
			if ne, ok := normalizeValue(fmt.Sprintf("%s[%d]", key, i), e, ps); ok {
				out = append(out, ne)
			}
		}
		return out, true
	}
	ps.Add(key, v, fmt.Sprintf("a value of type %T, which no configuration has; use a string, number, boolean, list or map", v))
	return nil, false
}

// asMap reads any map (also named map types such as Flamingo's config.Map)
// as a map of string keys.
func asMap(v any) (map[string]any, bool) {
	if m, ok := v.(map[string]any); ok {
		return m, true
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Map {
		return nil, false
	}
	out := make(map[string]any, rv.Len())
	for it := rv.MapRange(); it.Next(); {
		out[fmt.Sprint(it.Key().Interface())] = it.Value().Interface()
	}
	return out, true
}

// asList reads any slice (also named slice types such as Flamingo's
// config.Slice) as a []any.
func asList(v any) ([]any, bool) {
	if l, ok := v.([]any); ok {
		return l, true
	}
	rv := reflect.ValueOf(v)
	if v == nil || rv.Kind() != reflect.Slice || rv.Type().Elem().Kind() == reflect.Uint8 {
		return nil, false
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out, true
}

func joinKey(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

// nearest is the known key closest to k in edit distance, if it is close
// enough to be a typo of it.
func nearest(k string) string {
	best, bestDist := "", len(k)/3+2
	for _, known := range Keys {
		if d := distance(strings.ToLower(k), strings.ToLower(known.Name)); d < bestDist {
			best, bestDist = known.Name, d
		}
	}
	return best
}

// distance is the Levenshtein distance of a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
