//go:build !purego

package asm

import "github.com/neuromod-go/neuromod/internal/cpu"

func ger(m, n int, alpha float32, x, y, a []float32, lda int) {
	if cpu.Active() == cpu.NEON {
		gerNEON(m, n, alpha, x, y, a, lda)
	} else {
		gerGeneric(m, n, alpha, x, y, a, lda)
	}
}

// gerNEON implements gerGeneric (A += alpha·x⊗y, m, n ≥ 1, bounds checked by
// Ger) with one fused multiply-add per element:
// a[i*lda+j] = fma(alpha*x[i], y[j], a[i*lda+j]); the row tail is scalar FMADD.
//
//go:noescape
func gerNEON(m, n int, alpha float32, x, y, a []float32, lda int)
