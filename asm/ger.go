package asm

import "fmt"

// Ger performs the rank-1 update A += alpha · x ⊗ y on the row-major m×n
// matrix A with leading dimension lda ≥ n: len(x) = m, len(y) = n and
// len(a) ≥ (m−1)·lda + n.
//
//	for i := 0; i < m; i++ {
//		for j := 0; j < n; j++ {
//			a[i*lda+j] += alpha * x[i] * y[j]
//		}
//	}
//
// The vector code computes (alpha·x[i])·y[j] + a with one rounding.
func Ger(m, n int, alpha float32, x, y, a []float32, lda int) {
	if m < 0 || n < 0 {
		panic(fmt.Sprintf("asm.Ger: negative size %d×%d", m, n))
	}
	if len(x) != m || len(y) != n {
		panic(fmt.Sprintf("asm.Ger: len(x)=%d, len(y)=%d for a %d×%d matrix", len(x), len(y), m, n))
	}
	if lda < max(n, 1) {
		panic(fmt.Sprintf("asm.Ger: lda %d < n %d", lda, n))
	}
	if m == 0 || n == 0 {
		return
	}
	if need := (m-1)*lda + n; len(a) < need {
		panic(fmt.Sprintf("asm.Ger: len(a)=%d, need %d for %d×%d with lda %d", len(a), need, m, n, lda))
	}
	ger(m, n, alpha, x, y, a, lda)
}
