//go:build !race

package plasticity

const raceEnabled = false
