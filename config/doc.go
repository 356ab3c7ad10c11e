// Package config is sessionauth's one table of configuration keys and
// everything that is derived from it.
//
// Each key is written down once, in Keys: its type, default, legacy
// spellings, how it is checked and a one-line description. From that table
// come the defaults and aliases that sessionauth.ConfigModule binds, the CUE
// schema and legacy aliases that Flamingo's configuration loader reads
// (SessionCUE, AuthCUE, LegacyAliases), the checks (Normalize, ReadSession,
// ReadAuth) and the reference in docs/config.md (Reference).
//
// Every problem is collected, not returned at the first: a *Error lists
// them all, each as
//
//	config key K = V: what is wrong; what to write instead
//
// and never shows the value of a secret (passwords, signing keys, client
// secrets, the password part of a Redis URL).
package config
