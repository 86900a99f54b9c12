package asm

import "fmt"

// VecMat2 adds two vector–matrix products that share their matrix:
// y0 += x0·A and y1 += x1·A, where A is the row-major k×n matrix with
// leading dimension lda ≥ n held in a, len(x0) = len(x1) = k and
// len(y0) = len(y1) = n.
//
//	for p := 0; p < k; p++ {
//		for j := 0; j < n; j++ {
//			y0[j] += x0[p] * a[p*lda+j]
//			y1[j] += x1[p] * a[p*lda+j]
//		}
//	}
//
// It is a GEMM with two rows, for which a general GEMM spends more on
// packing A and on its tile bookkeeping than on the arithmetic: the vector
// code keeps a block of both outputs in registers and streams A's rows
// through it once, one fused multiply-add per element and product (the sum
// over p stays in order p = 0, 1, …, so each output is the reference's
// up to the fused roundings).
func VecMat2(y0, y1, x0, x1, a []float32, lda int) {
	k, n := len(x0), len(y0)
	if len(x1) != k || len(y1) != n {
		panic(fmt.Sprintf("asm.VecMat2: len(x0)=%d, len(x1)=%d, len(y0)=%d, len(y1)=%d", len(x0), len(x1), len(y0), len(y1)))
	}
	if lda < max(n, 1) {
		panic(fmt.Sprintf("asm.VecMat2: lda %d < n %d", lda, n))
	}
	if k == 0 || n == 0 {
		return
	}
	if need := (k-1)*lda + n; len(a) < need {
		panic(fmt.Sprintf("asm.VecMat2: len(a)=%d, need %d for %d×%d with lda %d", len(a), need, k, n, lda))
	}
	vecMat2(y0, y1, x0, x1, a, lda)
}
