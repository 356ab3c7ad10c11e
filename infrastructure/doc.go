// Package infrastructure holds the adapters of sessionauth's domain ports:
// session repositories that keep sessions in memory (MemorySessionRepository)
// or in a directory of files (FileSessionRepository), the cookie signer, and
// the bridges to gorilla/sessions. Larger adapters, such as the Redis
// repository, live in subpackages of their own.
//
// Every domain.SessionRepository here passes the contract suite in package
// sessiontest: a save writes only the keys that changed since the load, so
// concurrent requests of one visitor that change different keys all persist,
// and a session that vanished meanwhile is not brought back by a save.
//
// Repositories that run a background sweeper start it on their first save
// and stop it in Close; constructing one starts nothing.
package infrastructure
