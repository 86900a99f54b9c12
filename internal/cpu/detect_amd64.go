//go:build amd64

package cpu

import "github.com/klauspost/cpuid/v2"

// detect asks cpuid, which also checks that the OS saves the YMM/ZMM state.
func detect() []Level {
	levels := []Level{Generic}
	if cpuid.CPU.Supports(cpuid.AVX, cpuid.AVX2, cpuid.FMA3) {
		levels = append(levels, AVX2)
		if cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512BW, cpuid.AVX512VL, cpuid.AVX512DQ) {
			levels = append(levels, AVX512)
		}
	}
	return levels
}
