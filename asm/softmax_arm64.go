//go:build !purego

package asm

import (
	"math"

	"github.com/neuromod-go/neuromod/internal/cpu"
)

// The NEON path runs the same three passes as softmax_amd64.go.

func logSoftmax(dst, x []float32) {
	if cpu.Active() != cpu.NEON {
		logSoftmaxGeneric(dst, x)
		return
	}
	m := smMaxNEON(x)
	smSubNEON(dst, x, m+float32(math.Log(float64(smSumExpNEON(x, m)))))
}

func softmaxNLL(grad, logits []float32, target int, scale float32) float32 {
	if cpu.Active() != cpu.NEON {
		return softmaxNLLGeneric(grad, logits, target, scale)
	}
	xt := logits[target] // before grad, which may be logits, is written
	m := smMaxNEON(logits)
	s := smExpSumNEON(grad, logits, m)
	smScaleNEON(grad, scale/s)
	grad[target] -= scale
	return m + float32(math.Log(float64(s))) - xt
}

// smMaxNEON returns the largest element of the non-empty x; like
// smMaxAVX512 it does not look for NaNs.
//
//go:noescape
func smMaxNEON(x []float32) float32

// smSumExpNEON returns Σ e^(x[i]−m), summed in float32.
//
//	for _, v := range x { s += exp(v - m) }
//
//go:noescape
func smSumExpNEON(x []float32, m float32) float32

// smExpSumNEON sets dst[i] = e^(x[i]−m) for len(dst) elements and returns
// their float32 sum; dst may be x.
//
//	for i, v := range x { dst[i] = exp(v - m); s += dst[i] }
//
//go:noescape
func smExpSumNEON(dst, x []float32, m float32) float32

// smSubNEON sets dst[i] = x[i] − c for len(dst) elements.
//
//go:noescape
func smSubNEON(dst, x []float32, c float32)

// smScaleNEON sets dst[i] *= c.
//
//go:noescape
func smScaleNEON(dst []float32, c float32)
