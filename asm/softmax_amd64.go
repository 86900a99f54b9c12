//go:build !purego

package asm

import (
	"math"

	"github.com/neuromod-go/neuromod/internal/cpu"
)

// The vector paths run three passes over the row, each an assembly call:
// the maximum m, then s = Σ e^(x−m) in float32 accumulators (see
// softmax_amd64.s for its error), then the write pass. SoftmaxNLL stores the
// terms e^(x−m) in grad during the second pass, so its third pass is a
// multiplication by scale/s rather than a second exp.

func logSoftmax(dst, x []float32) {
	switch cpu.Active() {
	case cpu.AVX512:
		m := smMaxAVX512(x)
		smSubAVX512(dst, x, m+float32(math.Log(float64(smSumExpAVX512(x, m)))))
	case cpu.AVX2:
		m := smMaxAVX2(x)
		smSubAVX2(dst, x, m+float32(math.Log(float64(smSumExpAVX2(x, m)))))
	default:
		logSoftmaxGeneric(dst, x)
	}
}

func softmaxNLL(grad, logits []float32, target int, scale float32) float32 {
	xt := logits[target] // before grad, which may be logits, is written
	var m, s float32
	switch cpu.Active() {
	case cpu.AVX512:
		m = smMaxAVX512(logits)
		s = smExpSumAVX512(grad, logits, m)
		smScaleAVX512(grad, scale/s)
	case cpu.AVX2:
		m = smMaxAVX2(logits)
		s = smExpSumAVX2(grad, logits, m)
		smScaleAVX2(grad, scale/s)
	default:
		return softmaxNLLGeneric(grad, logits, target, scale)
	}
	grad[target] -= scale
	return m + float32(math.Log(float64(s))) - xt
}

// smMaxAVX512 returns the largest element of the non-empty x. It does not
// look for NaNs: its callers subtract the result from every element, so a
// NaN anywhere in x makes their results NaN regardless.
//
//go:noescape
func smMaxAVX512(x []float32) float32

// smMaxAVX2 is smMaxAVX512 for AVX2.
//
//go:noescape
func smMaxAVX2(x []float32) float32

// smSumExpAVX512 returns Σ e^(x[i]−m), summed in float32.
//
//	for _, v := range x { s += exp(v - m) }
//
//go:noescape
func smSumExpAVX512(x []float32, m float32) float32

// smSumExpAVX2 is smSumExpAVX512 for AVX2.
//
//go:noescape
func smSumExpAVX2(x []float32, m float32) float32

// smExpSumAVX512 sets dst[i] = e^(x[i]−m) for len(dst) elements and returns
// their float32 sum; dst may be x.
//
//	for i, v := range x { dst[i] = exp(v - m); s += dst[i] }
//
//go:noescape
func smExpSumAVX512(dst, x []float32, m float32) float32

// smExpSumAVX2 is smExpSumAVX512 for AVX2.
//
//go:noescape
func smExpSumAVX2(dst, x []float32, m float32) float32

// smSubAVX512 sets dst[i] = x[i] − c for len(dst) elements.
//
//go:noescape
func smSubAVX512(dst, x []float32, c float32)

// smSubAVX2 is smSubAVX512 for AVX2.
//
//go:noescape
func smSubAVX2(dst, x []float32, c float32)

// smScaleAVX512 sets dst[i] *= c.
//
//go:noescape
func smScaleAVX512(dst []float32, c float32)

// smScaleAVX2 is smScaleAVX512 for AVX2.
//
//go:noescape
func smScaleAVX2(dst []float32, c float32)
