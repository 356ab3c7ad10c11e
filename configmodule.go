package sessionauth

import (
	"flamingo.me/dingo"

	"github.com/sessionauth/sessionauth/config"
)

// ConfigModule binds every configuration key as a `config:<key>`
// annotation, as Flamingo's configuration module does, so that
// SessionModule and AuthModule run the same inside a Flamingo application
// and outside one. cfg may be nested maps ({"flamingo": {"session": {...}}}),
// dotted keys ({"flamingo.session.backend": "redis"}) or both; missing keys
// get their defaults and legacy spellings are accepted (config.Normalize).
// Load it before the other modules. A key sessionauth does not know below
// flamingo.session or core.auth is reported, with every other problem, in
// the error of dingo.NewInjector.
func ConfigModule(cfg map[string]any) dingo.Module {
	return dingo.ModuleFunc(func(injector *dingo.Injector) {
		values, problems := config.Normalize(cfg)
		startupOf(injector).add(problems)
		for k, v := range values {
			injector.Bind(v).AnnotatedWith("config:" + k).ToInstance(v)
		}
	})
}

// readValues reads every key of the configuration table from the
// injector's `config:` bindings (ConfigModule's or Flamingo's), whatever
// type it was bound with, so that a value of the wrong type is reported
// with its key instead of failing the injection. Keys not bound are left
// out and get their defaults.
func readValues(injector *dingo.Injector) config.Values {
	values := config.Values{}
	for _, k := range config.Keys {
		if v, ok := boundValue(injector, "config:"+k.Name, k.Kind); ok {
			values[k.Name] = v
		}
	}
	return values
}

// boundValue tries the type the key should have first, then the others a
// configuration can bind; maps and lists last, since dingo makes up an
// empty one for a map or list type that is not bound, and a map before a
// list, so that a map given for a list is reported instead of read as an
// empty list.
func boundValue(injector *dingo.Injector, annotation string, kind config.Kind) (any, bool) {
	probes := []any{new(string), new(float64), new(int), new(bool), new(map[string]any), new([]any)}
	switch kind {
	case config.Bool:
		probes[0], probes[3] = probes[3], probes[0]
	case config.Number:
		probes[0], probes[1] = probes[1], probes[0]
	}
	for _, p := range probes {
		v, err := injector.GetAnnotatedInstance(p, annotation)
		if err != nil || v == nil {
			continue
		}
		switch x := v.(type) {
		case []any:
			if len(x) == 0 && kind != config.List && kind != config.Brokers {
				continue // dingo gives an empty list for an unbound list type
			}
		case map[string]any:
			if len(x) == 0 {
				continue
			}
		case int:
			return float64(x), true
		}
		return v, true
	}
	return nil, false
}
