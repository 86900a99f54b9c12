//go:build race

package gemm

// raceEnabled trims the slowest differential tests under the race detector,
// which is there to watch the parallel path, not the arithmetic.
const raceEnabled = true
