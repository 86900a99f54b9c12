//go:build !purego

package asm

import "github.com/neuromod-go/neuromod/internal/cpu"

func dot(x, y []float32) float32 {
	switch cpu.Active() {
	case cpu.AVX512:
		return dotAVX512(x, y)
	case cpu.AVX2:
		return dotAVX2(x, y)
	default:
		return dotGeneric(x, y)
	}
}

func axpy(alpha float32, x, y []float32) {
	switch cpu.Active() {
	case cpu.AVX512:
		axpyAVX512(alpha, x, y)
	case cpu.AVX2:
		axpyAVX2(alpha, x, y)
	default:
		axpyGeneric(alpha, x, y)
	}
}

func scale(alpha float32, x []float32) {
	switch cpu.Active() {
	case cpu.AVX512:
		scaleAVX512(alpha, x)
	case cpu.AVX2:
		scaleAVX2(alpha, x)
	default:
		scaleGeneric(alpha, x)
	}
}

func sum(x []float32) float32 {
	switch cpu.Active() {
	case cpu.AVX512:
		return sumAVX512(x)
	case cpu.AVX2:
		return sumAVX2(x)
	default:
		return sumGeneric(x)
	}
}

func sumSquares(x []float32) float32 {
	switch cpu.Active() {
	case cpu.AVX512:
		return sumSquaresAVX512(x)
	case cpu.AVX2:
		return sumSquaresAVX2(x)
	default:
		return sumSquaresGeneric(x)
	}
}

func max32(x []float32) float32 {
	var m float32
	switch cpu.Active() {
	case cpu.AVX512:
		m = maxAVX512(x)
	case cpu.AVX2:
		m = maxAVX2(x)
	default:
		return maxGeneric(x)
	}
	return fixMax(x, m)
}

func maxIndex(x []float32) int {
	if len(x) == 0 {
		return -1
	}
	switch cpu.Active() {
	case cpu.AVX512:
		m := maxAVX512(x)
		if m != m {
			return firstNaN(x)
		}
		return indexAVX512(x, m)
	case cpu.AVX2:
		m := maxAVX2(x)
		if m != m {
			return firstNaN(x)
		}
		return indexAVX2(x, m)
	default:
		return maxIndexGeneric(x)
	}
}

// dotAVX512 implements dotGeneric with eight ZMM accumulators.
//
//go:noescape
func dotAVX512(x, y []float32) float32

// dotAVX2 implements dotGeneric with four YMM accumulators.
//
//go:noescape
func dotAVX2(x, y []float32) float32

// axpyAVX512 implements axpyGeneric: y[i] += alpha * x[i] (fused).
//
//go:noescape
func axpyAVX512(alpha float32, x, y []float32)

// axpyAVX2 implements axpyGeneric: y[i] += alpha * x[i] (fused).
//
//go:noescape
func axpyAVX2(alpha float32, x, y []float32)

// scaleAVX512 implements scaleGeneric: x[i] *= alpha.
//
//go:noescape
func scaleAVX512(alpha float32, x []float32)

// scaleAVX2 implements scaleGeneric: x[i] *= alpha.
//
//go:noescape
func scaleAVX2(alpha float32, x []float32)

// sumAVX512 implements sumGeneric with eight ZMM accumulators.
//
//go:noescape
func sumAVX512(x []float32) float32

// sumAVX2 implements sumGeneric with four YMM accumulators.
//
//go:noescape
func sumAVX2(x []float32) float32

// sumSquaresAVX512 implements sumSquaresGeneric with eight ZMM accumulators.
//
//go:noescape
func sumSquaresAVX512(x []float32) float32

// sumSquaresAVX2 implements sumSquaresGeneric with four YMM accumulators.
//
//go:noescape
func sumSquaresAVX2(x []float32) float32

// maxAVX512 returns the largest element of x (-Inf if empty), or a quiet NaN
// (not necessarily x's) if x holds any NaN; fixMax makes it exact.
//
//go:noescape
func maxAVX512(x []float32) float32

// maxAVX2 is maxAVX512 for AVX2.
//
//go:noescape
func maxAVX2(x []float32) float32

// indexAVX512 returns the first i with x[i] == v, or -1.
//
//	for i, e := range x {
//		if e == v { return i }
//	}
//	return -1
//
//go:noescape
func indexAVX512(x []float32, v float32) int

// indexAVX2 is indexAVX512 for AVX2.
//
//go:noescape
func indexAVX2(x []float32, v float32) int
