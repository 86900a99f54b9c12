//go:build !purego

package asm

import "github.com/neuromod-go/neuromod/internal/cpu"

func sigmoid(dst, x []float32) {
	switch cpu.Active() {
	case cpu.AVX512:
		sigmoidAVX512(dst, x)
	case cpu.AVX2:
		sigmoidAVX2(dst, x)
	default:
		sigmoidGeneric(dst, x)
	}
}

func tanh(dst, x []float32) {
	switch cpu.Active() {
	case cpu.AVX512:
		tanhAVX512(dst, x)
	case cpu.AVX2:
		tanhAVX2(dst, x)
	default:
		tanhGeneric(dst, x)
	}
}

func exp(dst, x []float32) {
	switch cpu.Active() {
	case cpu.AVX512:
		expAVX512(dst, x)
	case cpu.AVX2:
		expAVX2(dst, x)
	default:
		expGeneric(dst, x)
	}
}

func sigmoidBackward(dst, y, dy []float32) {
	switch cpu.Active() {
	case cpu.AVX512:
		sigmoidBackwardAVX512(dst, y, dy)
	case cpu.AVX2:
		sigmoidBackwardAVX2(dst, y, dy)
	default:
		sigmoidBackwardGeneric(dst, y, dy)
	}
}

func tanhBackward(dst, y, dy []float32) {
	switch cpu.Active() {
	case cpu.AVX512:
		tanhBackwardAVX512(dst, y, dy)
	case cpu.AVX2:
		tanhBackwardAVX2(dst, y, dy)
	default:
		tanhBackwardGeneric(dst, y, dy)
	}
}

// The assembly kernels take len(dst) elements from every slice; the exported
// functions have checked that the lengths agree.

// expAVX512 implements expGeneric: dst[i] = e^x[i] (vexp_amd64.h).
//
//go:noescape
func expAVX512(dst, x []float32)

// expAVX2 implements expGeneric: dst[i] = e^x[i] (vexp_amd64.h).
//
//go:noescape
func expAVX2(dst, x []float32)

// sigmoidAVX512 implements sigmoidGeneric: dst[i] = 1/(1+e^−x[i]).
//
//go:noescape
func sigmoidAVX512(dst, x []float32)

// sigmoidAVX2 implements sigmoidGeneric: dst[i] = 1/(1+e^−x[i]).
//
//go:noescape
func sigmoidAVX2(dst, x []float32)

// tanhAVX512 implements tanhGeneric: dst[i] = tanh(x[i]).
//
//go:noescape
func tanhAVX512(dst, x []float32)

// tanhAVX2 implements tanhGeneric: dst[i] = tanh(x[i]).
//
//go:noescape
func tanhAVX2(dst, x []float32)

// sigmoidBackwardAVX512 implements sigmoidBackwardGeneric bit for bit:
// dst[i] = (dy[i]·y[i])·(1−y[i]).
//
//go:noescape
func sigmoidBackwardAVX512(dst, y, dy []float32)

// sigmoidBackwardAVX2 implements sigmoidBackwardGeneric bit for bit:
// dst[i] = (dy[i]·y[i])·(1−y[i]).
//
//go:noescape
func sigmoidBackwardAVX2(dst, y, dy []float32)

// tanhBackwardAVX512 implements tanhBackwardGeneric, dst[i] = dy[i]·(1−y[i]²),
// with 1−y² rounded once (FMA).
//
//go:noescape
func tanhBackwardAVX512(dst, y, dy []float32)

// tanhBackwardAVX2 implements tanhBackwardGeneric, dst[i] = dy[i]·(1−y[i]²),
// with 1−y² rounded once (FMA).
//
//go:noescape
func tanhBackwardAVX2(dst, y, dy []float32)
