// Package bench compares sessionauth with its peers, side by side, in a
// module of its own so that the library depends on none of them. It holds
// benchmarks only (in its test files): one request of a returning visitor
// whose session holds ten small values, read-only and changing one value,
// served by sessionauth's middleware on memory and Redis, by Flamingo
// v3.17.4 with sessionauth's repository and with its own Redis backend, by
// scs (memory and Redis) and gorilla/sessions with redistore, and by raw
// floors (a live map, plain go-redis commands, Flamingo on a gorilla store
// doing the go-redis floor's work) that do the least the same request
// needs. Redis round trips and the commands the server runs are counted
// per request. BenchmarkServerWrite measures on the server what one write
// of a changed value costs as bare commands, as scripts that do the
// least, and as sessionauth's save script. BenchmarkRedisFootprint
// measures the Redis memory of 100 000 sessions per store, anonymous and
// logged in (run it once, -benchtime 1x). make bench-compare runs the
// rows interleaved in passes and cmd/ratios prints ratios paired within
// each pass; see docs/performance.md.
package bench
