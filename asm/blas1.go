package asm

import "math"

// Dot returns the inner product of x and y, which must have equal lengths.
//
//	var s float32
//	for i := range x {
//		s += x[i] * y[i]
//	}
//
// The vector code sums in a different order (several accumulators), so the
// result differs from the loop above by rounding only.
func Dot(x, y []float32) float32 {
	checkLen("Dot", len(x), len(y))
	return dot(x, y)
}

// Axpy adds alpha·x to y; x and y must have equal lengths.
//
//	for i := range x {
//		y[i] += alpha * x[i]
//	}
func Axpy(alpha float32, x, y []float32) {
	checkLen("Axpy", len(x), len(y))
	axpy(alpha, x, y)
}

// Scale multiplies x by alpha in place.
//
//	for i := range x {
//		x[i] *= alpha
//	}
func Scale(alpha float32, x []float32) { scale(alpha, x) }

// Sum returns the sum of the elements of x (0 for an empty x).
//
//	var s float32
//	for _, v := range x {
//		s += v
//	}
func Sum(x []float32) float32 { return sum(x) }

// SumSquares returns the squared Euclidean norm of x.
//
//	var s float32
//	for _, v := range x {
//		s += v * v
//	}
func SumSquares(x []float32) float32 { return sumSquares(x) }

// Max returns the largest element of x; -Inf for an empty x, and NaN if any
// element is NaN.
//
//	m := float32(math.Inf(-1))
//	for _, v := range x {
//		if v > m || v != v {
//			m = v
//			if v != v { break }
//		}
//	}
func Max(x []float32) float32 { return max32(x) }

// MaxIndex returns the index of the first largest element of x, or -1 for an
// empty x. A NaN counts as larger than any number, so the first NaN wins.
//
//	best := -1
//	for i, v := range x {
//		if v != v { return i }
//		if best < 0 || v > x[best] { best = i }
//	}
//	return best
func MaxIndex(x []float32) int { return maxIndex(x) }

// negInf is -Inf as a float32.
var negInf = float32(math.Inf(-1))

// fixMax turns m, the maximum a vector kernel found in x, into exactly what
// maxGeneric returns. Vector kernels only report that some NaN exists, and
// their lane-wise maxima may pick either zero of a -0/+0 tie; the reference
// returns the first NaN itself (payload and sign) and the first of equal
// zeros. Both cases are rare, so the extra scan costs nothing in practice.
func fixMax(x []float32, m float32) float32 {
	switch {
	case m != m:
		return x[firstNaN(x)]
	case m == 0:
		for _, v := range x {
			if v == 0 {
				return v
			}
		}
	}
	return m
}

// firstNaN returns the index of the first NaN in x, or -1.
func firstNaN(x []float32) int {
	for i, v := range x {
		if v != v {
			return i
		}
	}
	return -1
}
