//go:build !purego

package asm

import "github.com/neuromod-go/neuromod/internal/cpu"

func vecMat2(y0, y1, x0, x1, a []float32, lda int) {
	switch cpu.Active() {
	case cpu.AVX512:
		vecMat2AVX512(y0, y1, x0, x1, a, lda)
	case cpu.AVX2:
		v := len(y0) &^ 7
		if v > 0 {
			vecMat2AVX2(y0[:v], y1[:v], x0, x1, a, lda)
		}
		vecMat2Generic(y0[v:], y1[v:], x0, x1, a[v:], lda)
	default:
		vecMat2Generic(y0, y1, x0, x1, a, lda)
	}
}

// vecMat2AVX512 implements vecMat2Generic (k, n ≥ 1, bounds checked by
// VecMat2) a block of 64 columns at a time: both outputs' block in eight
// registers, A's rows streamed through it, y += x[p]·row with one FMA per
// element and product. Columns past n are masked off, so A, y0 and y1 are
// never touched beyond them.
//
//go:noescape
func vecMat2AVX512(y0, y1, x0, x1, a []float32, lda int)

// vecMat2AVX2 is vecMat2AVX512 for AVX2+FMA on n a multiple of 8 (k ≥ 1):
// blocks of 32 columns, then of 8; the Go wrapper does the n mod 8 tail
// columns with the reference.
//
//go:noescape
func vecMat2AVX2(y0, y1, x0, x1, a []float32, lda int)
