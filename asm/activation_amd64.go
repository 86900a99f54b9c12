//go:build !purego

package asm

import "github.com/neuromod-go/neuromod/internal/cpu"

// actBlock bounds the elements per assembly call. Assembly is not
// preemptible, so a long slice goes in blocks of some tens of microseconds
// each, which keeps goroutine preemption and GC pauses short.
const actBlock = 1 << 16

func sigmoid(dst, x []float32) {
	switch cpu.Active() {
	case cpu.AVX512:
		for i := 0; i < len(dst); i += actBlock {
			j := min(i+actBlock, len(dst))
			sigmoidAVX512(dst[i:j], x[i:j])
		}
	case cpu.AVX2:
		for i := 0; i < len(dst); i += actBlock {
			j := min(i+actBlock, len(dst))
			sigmoidAVX2(dst[i:j], x[i:j])
		}
	default:
		sigmoidGeneric(dst, x)
	}
}

func tanh(dst, x []float32) {
	switch cpu.Active() {
	case cpu.AVX512:
		for i := 0; i < len(dst); i += actBlock {
			j := min(i+actBlock, len(dst))
			tanhAVX512(dst[i:j], x[i:j])
		}
	case cpu.AVX2:
		for i := 0; i < len(dst); i += actBlock {
			j := min(i+actBlock, len(dst))
			tanhAVX2(dst[i:j], x[i:j])
		}
	default:
		tanhGeneric(dst, x)
	}
}

func exp(dst, x []float32) {
	switch cpu.Active() {
	case cpu.AVX512:
		for i := 0; i < len(dst); i += actBlock {
			j := min(i+actBlock, len(dst))
			expAVX512(dst[i:j], x[i:j])
		}
	case cpu.AVX2:
		for i := 0; i < len(dst); i += actBlock {
			j := min(i+actBlock, len(dst))
			expAVX2(dst[i:j], x[i:j])
		}
	default:
		expGeneric(dst, x)
	}
}

func sigmoidBackward(dst, y, dy []float32) {
	switch cpu.Active() {
	case cpu.AVX512:
		for i := 0; i < len(dst); i += actBlock {
			j := min(i+actBlock, len(dst))
			sigmoidBackwardAVX512(dst[i:j], y[i:j], dy[i:j])
		}
	case cpu.AVX2:
		for i := 0; i < len(dst); i += actBlock {
			j := min(i+actBlock, len(dst))
			sigmoidBackwardAVX2(dst[i:j], y[i:j], dy[i:j])
		}
	default:
		sigmoidBackwardGeneric(dst, y, dy)
	}
}

func tanhBackward(dst, y, dy []float32) {
	switch cpu.Active() {
	case cpu.AVX512:
		for i := 0; i < len(dst); i += actBlock {
			j := min(i+actBlock, len(dst))
			tanhBackwardAVX512(dst[i:j], y[i:j], dy[i:j])
		}
	case cpu.AVX2:
		for i := 0; i < len(dst); i += actBlock {
			j := min(i+actBlock, len(dst))
			tanhBackwardAVX2(dst[i:j], y[i:j], dy[i:j])
		}
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
