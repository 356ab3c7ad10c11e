//go:build race

package telemetry_test

// raceDetector is true when the tests run with -race, whose sync.Pool
// drops entries at random: allocation counts mean nothing then.
const raceDetector = true
