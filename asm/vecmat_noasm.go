//go:build (!amd64 && !arm64) || purego

package asm

func vecMat2(y0, y1, x0, x1, a []float32, lda int) { vecMat2Generic(y0, y1, x0, x1, a, lda) }
