//go:build !purego

package asm

// Temporary: forwards to the generic reference until the assembly lands.

func ger(m, n int, alpha float32, x, y, a []float32, lda int) { gerGeneric(m, n, alpha, x, y, a, lda) }
