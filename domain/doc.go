// Package domain holds the core types of sessionauth: the web session, the
// ports that adapters implement (SessionRepository, IdentityProvider) and the
// errors callers test with errors.Is. It imports only the standard library.
package domain
