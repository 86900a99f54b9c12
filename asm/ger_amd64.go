//go:build !purego

package asm

import "github.com/neuromod-go/neuromod/internal/cpu"

func ger(m, n int, alpha float32, x, y, a []float32, lda int) {
	switch cpu.Active() {
	case cpu.AVX512:
		gerAVX512(m, n, alpha, x, y, a, lda)
	case cpu.AVX2:
		gerAVX2(m, n, alpha, x, y, a, lda)
	default:
		gerGeneric(m, n, alpha, x, y, a, lda)
	}
}

// gerAVX512 implements gerGeneric (A += alpha·x⊗y, m, n ≥ 1, bounds checked
// by Ger) with one FMA per element: a[i*lda+j] = fma(alpha*x[i], y[j], a[i*lda+j]).
// The row tail is done with a K-masked load/FMA/store.
//
//go:noescape
func gerAVX512(m, n int, alpha float32, x, y, a []float32, lda int)

// gerAVX2 is gerAVX512 for AVX2+FMA; the row tail uses VMASKMOVPS.
//
//go:noescape
func gerAVX2(m, n int, alpha float32, x, y, a []float32, lda int)
