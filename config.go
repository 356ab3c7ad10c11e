package sessionauth

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"flamingo.me/dingo"
)

// sessionDefaults are the defaults of every session key. They agree with the
// defaults that Flamingo v3.17.4 declares for the keys it shares with us, so
// the same configuration behaves the same inside and outside Flamingo.
var sessionDefaults = map[string]any{
	"flamingo.session.backend":                "memory",
	"flamingo.session.name":                   "flamingo",
	"flamingo.session.secret":                 "",
	"flamingo.session.previousSecrets":        []any{},
	"flamingo.session.max.age":                float64(60 * 60 * 24 * 30),
	"flamingo.session.store.length":           float64(1024 * 1024),
	"flamingo.session.cookie.secure":          true,
	"flamingo.session.cookie.path":            "/",
	"flamingo.session.cookie.sameSite":        "lax",
	"flamingo.session.cookie.domain":          "",
	"flamingo.session.file":                   "/sessions",
	"flamingo.session.healthcheck":            true,
	"flamingo.session.failureMode":            "fail",
	"flamingo.session.memory.maxSessions":     float64(100000),
	"flamingo.session.repository":             "",
	"flamingo.session.redis.url":              "",
	"flamingo.session.redis.host":             "redis",
	"flamingo.session.redis.username":         "",
	"flamingo.session.redis.password":         "",
	"flamingo.session.redis.database":         float64(0),
	"flamingo.session.redis.idle.connections": float64(10),
	"flamingo.session.redis.tls":              false,
	"flamingo.session.redis.tlsCAFile":        "",
	"flamingo.session.redis.tlsServerName":    "",
	"flamingo.session.redis.clusterMode":      false,
	"flamingo.session.redis.timeout":          "5s",
	"flamingo.session.redis.keyPrefix":        "",
}

// authDefaults are the defaults of the authentication keys.
var authDefaults = map[string]any{
	"core.auth.web.broker": []any{},
}

// legacyAliases maps the older spellings (Flamingo's legacy keys and the
// seeds' session.backend.redis.host) to the keys used now. A key given in
// its current spelling wins over its alias.
var legacyAliases = map[string]string{
	"session.backend":                "flamingo.session.backend",
	"session.backend.redis.host":     "flamingo.session.redis.host",
	"session.name":                   "flamingo.session.name",
	"session.secret":                 "flamingo.session.secret",
	"session.file":                   "flamingo.session.file",
	"session.store.length":           "flamingo.session.store.length",
	"session.max.age":                "flamingo.session.max.age",
	"session.cookie.secure":          "flamingo.session.cookie.secure",
	"session.cookie.path":            "flamingo.session.cookie.path",
	"session.redis.url":              "flamingo.session.redis.url",
	"session.redis.host":             "flamingo.session.redis.host",
	"session.redis.password":         "flamingo.session.redis.password",
	"session.redis.idle.connections": "flamingo.session.redis.idle.connections",
	"core.healthcheck.checkSession":  "flamingo.session.healthcheck",
	"healthcheck.checkSession":       "flamingo.session.healthcheck",
}

// ConfigModule binds every configuration key as a `config:<key>` annotation,
// as Flamingo's configuration module does, so that SessionModule and
// AuthModule run the same inside a Flamingo application and outside one.
// cfg may be nested maps ({"flamingo": {"session": {...}}}), dotted keys
// ({"flamingo.session.backend": "redis"}) or both. Missing keys get their
// defaults, legacy spellings are accepted, integers become float64 and
// lists []interface{}. A malformed map or an unknown flamingo.session key
// stops start-up with a message naming the key.
func ConfigModule(cfg map[string]any) dingo.Module {
	return dingo.ModuleFunc(func(injector *dingo.Injector) {
		flat, err := NormalizeConfig(cfg)
		if err != nil {
			panic(err)
		}
		for k, v := range flat {
			injector.Bind(v).AnnotatedWith("config:" + k).ToInstance(v)
		}
	})
}

// NormalizeConfig flattens cfg to dotted keys, resolves legacy aliases,
// applies defaults and converts numbers and lists to the types that
// Flamingo's configuration loader binds (float64 and []interface{}).
func NormalizeConfig(cfg map[string]any) (map[string]any, error) {
	flat := make(map[string]any)
	if err := flatten("", cfg, flat); err != nil {
		return nil, err
	}
	for legacy, current := range legacyAliases {
		if v, ok := flat[legacy]; ok {
			if _, set := flat[current]; !set {
				flat[current] = v
			}
			delete(flat, legacy)
		}
	}
	if err := splitSecretList(flat); err != nil {
		return nil, err
	}
	if err := checkSessionKeys(flat); err != nil {
		return nil, err
	}
	for k, v := range sessionDefaults {
		if _, ok := flat[k]; !ok {
			flat[k] = v
		}
	}
	for k, v := range authDefaults {
		if _, ok := flat[k]; !ok {
			flat[k] = v
		}
	}
	return flat, nil
}

func flatten(prefix string, in map[string]any, out map[string]any) error {
	for k, v := range in {
		key := joinKey(prefix, k)
		if v == nil {
			continue // an empty value means the default, as in Flamingo
		}
		if m, ok := asMap(v); ok {
			if err := flatten(key, m, out); err != nil {
				return err
			}
			continue
		}
		nv, err := normalizeValue(key, v)
		if err != nil {
			return err
		}
		if _, dup := out[key]; dup {
			return fmt.Errorf("config key %s is given twice (once nested, once dotted); keep one", key)
		}
		out[key] = nv
	}
	return nil
}

// asMap reads any map (also named map types such as Flamingo's
// config.Map) as a map of string keys.
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
// config.Slice) as a []interface{}.
func asList(v any) ([]any, bool) {
	if l, ok := v.([]any); ok {
		return l, true
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice {
		return nil, false
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out, true
}

func normalizeValue(key string, v any) (any, error) {
	switch x := v.(type) {
	case int:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case int32:
		return float64(x), nil
	case uint64:
		return float64(x), nil
	case float32:
		return float64(x), nil
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			if m, ok := asMap(e); ok {
				e = m
			}
			ne, err := normalizeValue(fmt.Sprintf("%s[%d]", key, i), e)
			if err != nil {
				return nil, err
			}
			out[i] = ne
		}
		return out, nil
	case map[string]any:
		return x, nil
	case string, bool, float64, nil:
		return x, nil
	}
	return nil, fmt.Errorf("config key %s: unsupported value %v of type %T; use a string, number, boolean, list or map", key, v, v)
}

// splitSecretList accepts a list for flamingo.session.secret outside
// Flamingo: the first entry signs, the others join previousSecrets.
func splitSecretList(flat map[string]any) error {
	list, ok := flat["flamingo.session.secret"].([]any)
	if !ok {
		return nil
	}
	if len(list) == 0 {
		return fmt.Errorf("config key flamingo.session.secret is an empty list; give at least one secret (the first signs, all verify)")
	}
	first, ok := list[0].(string)
	if !ok {
		return fmt.Errorf("config key flamingo.session.secret[0] is %T, want a string", list[0])
	}
	previous, _ := flat["flamingo.session.previousSecrets"].([]any)
	flat["flamingo.session.secret"] = first
	flat["flamingo.session.previousSecrets"] = append(append([]any{}, list[1:]...), previous...)
	return nil
}

// checkSessionKeys rejects unknown keys below flamingo.session, the most
// common result of a typo.
func checkSessionKeys(flat map[string]any) error {
	var unknown []string
	for k := range flat {
		if strings.HasPrefix(k, "flamingo.session.") {
			if _, ok := sessionDefaults[k]; !ok && k != "flamingo.session.saveMode" {
				unknown = append(unknown, k)
			}
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	return fmt.Errorf("unknown config key %s; the session keys are listed in docs/config.md", strings.Join(unknown, ", "))
}
