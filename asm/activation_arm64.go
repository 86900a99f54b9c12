//go:build !purego

package asm

import "github.com/neuromod-go/neuromod/internal/cpu"

// actBlock bounds the elements per assembly call. Assembly is not
// preemptible, so a long slice goes in blocks of some tens of microseconds
// each, which keeps goroutine preemption and GC pauses short.
const actBlock = 1 << 16

func sigmoid(dst, x []float32) {
	if cpu.Active() == cpu.NEON {
		for i := 0; i < len(dst); i += actBlock {
			j := min(i+actBlock, len(dst))
			sigmoidNEON(dst[i:j], x[i:j])
		}
	} else {
		sigmoidGeneric(dst, x)
	}
}

func tanh(dst, x []float32) {
	if cpu.Active() == cpu.NEON {
		for i := 0; i < len(dst); i += actBlock {
			j := min(i+actBlock, len(dst))
			tanhNEON(dst[i:j], x[i:j])
		}
	} else {
		tanhGeneric(dst, x)
	}
}

func exp(dst, x []float32) {
	if cpu.Active() == cpu.NEON {
		for i := 0; i < len(dst); i += actBlock {
			j := min(i+actBlock, len(dst))
			expNEON(dst[i:j], x[i:j])
		}
	} else {
		expGeneric(dst, x)
	}
}

func sigmoidBackward(dst, y, dy []float32) {
	if cpu.Active() == cpu.NEON {
		for i := 0; i < len(dst); i += actBlock {
			j := min(i+actBlock, len(dst))
			sigmoidBackwardNEON(dst[i:j], y[i:j], dy[i:j])
		}
	} else {
		sigmoidBackwardGeneric(dst, y, dy)
	}
}

func tanhBackward(dst, y, dy []float32) {
	if cpu.Active() == cpu.NEON {
		for i := 0; i < len(dst); i += actBlock {
			j := min(i+actBlock, len(dst))
			tanhBackwardNEON(dst[i:j], y[i:j], dy[i:j])
		}
	} else {
		tanhBackwardGeneric(dst, y, dy)
	}
}

// The assembly kernels take len(dst) elements from every slice; the exported
// functions have checked that the lengths agree.

// expNEON implements expGeneric: dst[i] = e^x[i] (vexp_arm64.h).
//
//go:noescape
func expNEON(dst, x []float32)

// sigmoidNEON implements sigmoidGeneric: dst[i] = 1/(1+e^−x[i]).
//
//go:noescape
func sigmoidNEON(dst, x []float32)

// tanhNEON implements tanhGeneric: dst[i] = tanh(x[i]).
//
//go:noescape
func tanhNEON(dst, x []float32)

// sigmoidBackwardNEON implements sigmoidBackwardGeneric bit for bit:
// dst[i] = (dy[i]·y[i])·(1−y[i]).
//
//go:noescape
func sigmoidBackwardNEON(dst, y, dy []float32)

// tanhBackwardNEON implements tanhBackwardGeneric, dst[i] = dy[i]·(1−y[i]²),
// with 1−y² rounded once (FMLS).
//
//go:noescape
func tanhBackwardNEON(dst, y, dy []float32)
