// Package cpu detects the SIMD instruction-set level that neuromod's kernels
// may use, once, and lets callers cap or (in tests) force it.
//
// The level is a small ordered set: Generic (portable Go), AVX2 (AVX2 + FMA3),
// AVX512 (F + BW + VL + DQ) on amd64, and NEON (ASIMD) on arm64. Kernels read
// Active once per call and branch on it, so SetLevel takes effect at once.
//
// The environment variable NEUROMOD_ISA=generic|avx2|avx512|neon caps the level
// at process start. An unknown value, or a level the CPU does not have, prints
// one warning on stderr and falls back to the best level available.
package cpu

import (
	"fmt"
	"os"
	"strings"
	"sync/atomic"
)

// Level is a SIMD instruction-set level.
type Level int32

// The levels, in increasing order of capability on their architecture.
const (
	// Generic is the portable Go reference code, available everywhere.
	Generic Level = iota
	// AVX2 is amd64 with AVX2 and FMA3.
	AVX2
	// AVX512 is amd64 with AVX-512 F, BW, VL and DQ (and AVX2+FMA3).
	AVX512
	// NEON is arm64 with Advanced SIMD.
	NEON
)

// EnvVar is the environment variable that caps the level at start-up.
const EnvVar = "NEUROMOD_ISA"

var names = [...]string{Generic: "generic", AVX2: "avx2", AVX512: "avx512", NEON: "neon"}

// String returns the level's lower-case name, as accepted by NEUROMOD_ISA.
func (l Level) String() string {
	if l >= 0 && int(l) < len(names) {
		return names[l]
	}
	return fmt.Sprintf("Level(%d)", int32(l))
}

// ParseLevel returns the level named s (case-insensitive).
func ParseLevel(s string) (Level, error) {
	for i, n := range names {
		if strings.EqualFold(strings.TrimSpace(s), n) {
			return Level(i), nil
		}
	}
	return Generic, fmt.Errorf("unknown ISA level %q (want one of generic, avx2, avx512, neon)", s)
}

// supported lists the levels this CPU has, in increasing order; Generic first.
var supported = detect()

// best is the highest level this CPU has, ignoring the environment cap.
var best = supported[len(supported)-1]

var active atomic.Int32

func init() {
	lvl, warn := capFromEnv(os.Getenv(EnvVar))
	if warn != "" {
		fmt.Fprintln(os.Stderr, "neuromod: warning:", warn)
	}
	active.Store(int32(lvl))
}

// capFromEnv returns the level to start at given the value of NEUROMOD_ISA,
// and a warning to print when the value cannot be honoured.
func capFromEnv(v string) (Level, string) {
	if strings.TrimSpace(v) == "" {
		return best, ""
	}
	l, err := ParseLevel(v)
	if err != nil {
		return best, fmt.Sprintf("%s=%s: %v; using %s", EnvVar, v, err, best)
	}
	if !Supports(l) {
		return best, fmt.Sprintf("%s=%s: this CPU does not support %s; using %s", EnvVar, v, l, best)
	}
	return l, ""
}

// Active returns the level kernels use now.
func Active() Level { return Level(active.Load()) }

// Best returns the highest level the CPU supports, ignoring NEUROMOD_ISA.
func Best() Level { return best }

// Supported returns every level the CPU supports, in increasing order,
// ignoring NEUROMOD_ISA. Generic is always first.
func Supported() []Level { return append([]Level(nil), supported...) }

// Supports reports whether the CPU can run kernels of level l.
func Supports(l Level) bool {
	for _, s := range supported {
		if s == l {
			return true
		}
	}
	return false
}

// SetLevel makes l the active level and returns a function that restores the
// previous one. It is meant for tests and benchmarks that compare levels; it
// panics if the CPU does not support l, since running such code would fault.
func SetLevel(l Level) (restore func()) {
	if !Supports(l) {
		panic(fmt.Sprintf("cpu.SetLevel(%s): this CPU supports only %v", l, supported))
	}
	prev := active.Swap(int32(l))
	return func() { active.Store(prev) }
}
