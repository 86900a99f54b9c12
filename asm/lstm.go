package asm

import "fmt"

// LSTMCellForward is the pointwise part of one LSTM step for one sample. gates
// holds the pre-activations of the four gates in PyTorch's order [i, f, g, o],
// each of length H = len(c), so len(gates) = 4H; cPrev is the previous cell
// state. On return gates holds the activations (σ(i), σ(f), tanh(g), σ(o)),
// which LSTMCellBackward needs, c the new cell state and h the new output.
//
//	for j := 0; j < H; j++ {
//		i, f := σ(gates[j]), σ(gates[H+j])
//		g, o := tanh(gates[2H+j]), σ(gates[3H+j])
//		gates[j], gates[H+j], gates[2H+j], gates[3H+j] = i, f, g, o
//		c[j] = f*cPrev[j] + i*g
//		h[j] = o * tanh(c[j])
//	}
//
// σ and tanh are as in Sigmoid and Tanh.
func LSTMCellForward(gates, cPrev, c, h []float32) {
	n := len(c)
	checkLen("LSTMCellForward", n, len(cPrev), len(h))
	if len(gates) != 4*n {
		panic(fmt.Sprintf("asm.LSTMCellForward: len(gates)=%d, want 4·%d", len(gates), n))
	}
	lstmCellForward(gates, cPrev, c, h)
}

// LSTMCellBackward is the backward pass of LSTMCellForward for one sample.
// gates holds the activations that the forward pass left, cPrev and c the
// cell states before and after the step, dh the gradient of the step's output
// h, and dc on entry the gradient of c that flows back from later steps. It
// sets dGates (length 4H) to the gradients of the four pre-activations and
// overwrites dc with the gradient of cPrev.
//
//	for j := 0; j < H; j++ {
//		i, f, g, o := gates[j], gates[H+j], gates[2H+j], gates[3H+j]
//		tc := tanh(c[j])
//		dct := dc[j] + dh[j]*o*(1-tc*tc)
//		dGates[j] = dct * g * i * (1 - i)
//		dGates[H+j] = dct * cPrev[j] * f * (1 - f)
//		dGates[2H+j] = dct * i * (1 - g*g)
//		dGates[3H+j] = dh[j] * tc * o * (1 - o)
//		dc[j] = dct * f
//	}
func LSTMCellBackward(dGates, gates, cPrev, c, dh, dc []float32) {
	n := len(c)
	checkLen("LSTMCellBackward", n, len(cPrev), len(dh), len(dc))
	if len(gates) != 4*n || len(dGates) != 4*n {
		panic(fmt.Sprintf("asm.LSTMCellBackward: len(gates)=%d, len(dGates)=%d, want 4·%d", len(gates), len(dGates), n))
	}
	lstmCellBackward(dGates, gates, cPrev, c, dh, dc)
}
