//go:build !purego

package asm

import "github.com/neuromod-go/neuromod/internal/cpu"

func add(dst, x, y []float32) {
	if cpu.Active() == cpu.NEON {
		addNEON(dst, x, y)
	} else {
		addGeneric(dst, x, y)
	}
}

func sub(dst, x, y []float32) {
	if cpu.Active() == cpu.NEON {
		subNEON(dst, x, y)
	} else {
		subGeneric(dst, x, y)
	}
}

func mul(dst, x, y []float32) {
	if cpu.Active() == cpu.NEON {
		mulNEON(dst, x, y)
	} else {
		mulGeneric(dst, x, y)
	}
}

func mulAdd(dst, x, y, z []float32) {
	if cpu.Active() == cpu.NEON {
		mulAddNEON(dst, x, y, z)
	} else {
		mulAddGeneric(dst, x, y, z)
	}
}

func clamp(dst, x []float32, lo, hi float32) {
	if cpu.Active() == cpu.NEON {
		clampNEON(dst, x, lo, hi)
	} else {
		clampGeneric(dst, x, lo, hi)
	}
}

// addNEON implements addGeneric: dst[i] = x[i] + y[i]; len(x), len(y) ≥ len(dst).
//
//go:noescape
func addNEON(dst, x, y []float32)

// subNEON implements subGeneric: dst[i] = x[i] - y[i].
//
//go:noescape
func subNEON(dst, x, y []float32)

// mulNEON implements mulGeneric: dst[i] = x[i] * y[i].
//
//go:noescape
func mulNEON(dst, x, y []float32)

// mulAddNEON implements mulAddGeneric: dst[i] = x[i]*y[i] + z[i], fused.
//
//go:noescape
func mulAddNEON(dst, x, y, z []float32)

// clampNEON implements clampGeneric: dst[i] = min(max(x[i], lo), hi),
// NaN stays NaN; lo ≤ hi.
//
//go:noescape
func clampNEON(dst, x []float32, lo, hi float32)
