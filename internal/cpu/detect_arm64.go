//go:build arm64

package cpu

import "golang.org/x/sys/cpu"

// detect reports NEON when the kernel says the CPU has Advanced SIMD, which
// every ARMv8-A core has; the check keeps exotic configurations honest.
func detect() []Level {
	levels := []Level{Generic}
	if cpu.ARM64.HasASIMD {
		levels = append(levels, NEON)
	}
	return levels
}
