// Package storage holds what several session repositories share: merging a
// save's changes into the stored values under a size limit (merge.go),
// the background sweeper that frees expired records (sweeper.go), and the
// default lifetime of a session (lifetime.go).
package storage
