//go:build (!amd64 && !arm64) || purego

package asm

func ger(m, n int, alpha float32, x, y, a []float32, lda int) { gerGeneric(m, n, alpha, x, y, a, lda) }
