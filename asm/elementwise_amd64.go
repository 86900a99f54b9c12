//go:build !purego

package asm

import "github.com/neuromod-go/neuromod/internal/cpu"

func add(dst, x, y []float32) {
	switch cpu.Active() {
	case cpu.AVX512:
		addAVX512(dst, x, y)
	case cpu.AVX2:
		addAVX2(dst, x, y)
	default:
		addGeneric(dst, x, y)
	}
}

func sub(dst, x, y []float32) {
	switch cpu.Active() {
	case cpu.AVX512:
		subAVX512(dst, x, y)
	case cpu.AVX2:
		subAVX2(dst, x, y)
	default:
		subGeneric(dst, x, y)
	}
}

func mul(dst, x, y []float32) {
	switch cpu.Active() {
	case cpu.AVX512:
		mulAVX512(dst, x, y)
	case cpu.AVX2:
		mulAVX2(dst, x, y)
	default:
		mulGeneric(dst, x, y)
	}
}

func mulAdd(dst, x, y, z []float32) {
	switch cpu.Active() {
	case cpu.AVX512:
		mulAddAVX512(dst, x, y, z)
	case cpu.AVX2:
		mulAddAVX2(dst, x, y, z)
	default:
		mulAddGeneric(dst, x, y, z)
	}
}

func clamp(dst, x []float32, lo, hi float32) {
	switch cpu.Active() {
	case cpu.AVX512:
		clampAVX512(dst, x, lo, hi)
	case cpu.AVX2:
		clampAVX2(dst, x, lo, hi)
	default:
		clampGeneric(dst, x, lo, hi)
	}
}

// addAVX512 implements addGeneric: dst[i] = x[i] + y[i]; len(x), len(y) ≥ len(dst).
//
//go:noescape
func addAVX512(dst, x, y []float32)

// addAVX2 implements addGeneric: dst[i] = x[i] + y[i].
//
//go:noescape
func addAVX2(dst, x, y []float32)

// subAVX512 implements subGeneric: dst[i] = x[i] - y[i].
//
//go:noescape
func subAVX512(dst, x, y []float32)

// subAVX2 implements subGeneric: dst[i] = x[i] - y[i].
//
//go:noescape
func subAVX2(dst, x, y []float32)

// mulAVX512 implements mulGeneric: dst[i] = x[i] * y[i].
//
//go:noescape
func mulAVX512(dst, x, y []float32)

// mulAVX2 implements mulGeneric: dst[i] = x[i] * y[i].
//
//go:noescape
func mulAVX2(dst, x, y []float32)

// mulAddAVX512 implements mulAddGeneric: dst[i] = x[i]*y[i] + z[i], fused.
//
//go:noescape
func mulAddAVX512(dst, x, y, z []float32)

// mulAddAVX2 implements mulAddGeneric: dst[i] = x[i]*y[i] + z[i], fused.
//
//go:noescape
func mulAddAVX2(dst, x, y, z []float32)

// clampAVX512 implements clampGeneric: dst[i] = min(max(x[i], lo), hi),
// NaN stays NaN; lo ≤ hi.
//
//go:noescape
func clampAVX512(dst, x []float32, lo, hi float32)

// clampAVX2 implements clampGeneric; see clampAVX512.
//
//go:noescape
func clampAVX2(dst, x []float32, lo, hi float32)
