//go:build !purego

package asm

import "github.com/neuromod-go/neuromod/internal/cpu"

func vecMat2(y0, y1, x0, x1, a []float32, lda int) {
	if cpu.Active() != cpu.NEON {
		vecMat2Generic(y0, y1, x0, x1, a, lda)
		return
	}
	v := len(y0) &^ 3
	if v > 0 {
		vecMat2NEON(y0[:v], y1[:v], x0, x1, a, lda)
	}
	vecMat2Generic(y0[v:], y1[v:], x0, x1, a[v:], lda)
}

// vecMat2NEON implements vecMat2Generic (k ≥ 1, bounds checked by VecMat2)
// for n a multiple of 4: blocks of 16 columns, both outputs' block in eight
// registers and A's rows streamed through it with one FMLA per element and
// product, then blocks of 4; the Go wrapper does the n mod 4 tail columns
// with the reference.
//
//go:noescape
func vecMat2NEON(y0, y1, x0, x1, a []float32, lda int)
