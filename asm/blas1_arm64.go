//go:build !purego

package asm

import "github.com/neuromod-go/neuromod/internal/cpu"

func dot(x, y []float32) float32 {
	if cpu.Active() == cpu.NEON {
		return dotNEON(x, y)
	}
	return dotGeneric(x, y)
}

func axpy(alpha float32, x, y []float32) {
	if cpu.Active() == cpu.NEON {
		axpyNEON(alpha, x, y)
	} else {
		axpyGeneric(alpha, x, y)
	}
}

func scale(alpha float32, x []float32) {
	if cpu.Active() == cpu.NEON {
		scaleNEON(alpha, x)
	} else {
		scaleGeneric(alpha, x)
	}
}

func sum(x []float32) float32 {
	if cpu.Active() == cpu.NEON {
		return sumNEON(x)
	}
	return sumGeneric(x)
}

func sumSquares(x []float32) float32 {
	if cpu.Active() == cpu.NEON {
		return sumSquaresNEON(x)
	}
	return sumSquaresGeneric(x)
}

func max32(x []float32) float32 {
	if cpu.Active() == cpu.NEON {
		return fixMax(x, maxNEON(x))
	}
	return maxGeneric(x)
}

func maxIndex(x []float32) int {
	if len(x) == 0 {
		return -1
	}
	if cpu.Active() == cpu.NEON {
		m := maxNEON(x)
		if m != m {
			return firstNaN(x)
		}
		return indexNEON(x, m)
	}
	return maxIndexGeneric(x)
}

// dotNEON implements dotGeneric with eight vector accumulators.
//
//go:noescape
func dotNEON(x, y []float32) float32

// axpyNEON implements axpyGeneric: y[i] += alpha * x[i] (fused).
//
//go:noescape
func axpyNEON(alpha float32, x, y []float32)

// scaleNEON implements scaleGeneric: x[i] *= alpha.
//
//go:noescape
func scaleNEON(alpha float32, x []float32)

// sumNEON implements sumGeneric with eight vector accumulators.
//
//go:noescape
func sumNEON(x []float32) float32

// sumSquaresNEON implements sumSquaresGeneric with eight vector accumulators.
//
//go:noescape
func sumSquaresNEON(x []float32) float32

// maxNEON returns the largest element of x (-Inf if empty), or a NaN (not
// necessarily x's first) if x holds any NaN; fixMax makes it exact.
//
//go:noescape
func maxNEON(x []float32) float32

// indexNEON returns the first i with x[i] == v, or -1.
//
//	for i, e := range x {
//		if e == v { return i }
//	}
//	return -1
//
//go:noescape
func indexNEON(x []float32, v float32) int
