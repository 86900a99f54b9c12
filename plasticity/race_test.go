//go:build race

package plasticity

// raceEnabled: the race detector allocates in sync operations, so the
// allocation counts are not checked under it.
const raceEnabled = true
