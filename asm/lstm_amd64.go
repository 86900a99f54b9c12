//go:build !purego

package asm

import "github.com/neuromod-go/neuromod/internal/cpu"

func lstmCellForward(gates, cPrev, c, h []float32) {
	switch cpu.Active() {
	case cpu.AVX512:
		lstmCellForwardAVX512(gates, cPrev, c, h)
	case cpu.AVX2:
		lstmCellForwardAVX2Tail(gates, cPrev, c, h)
	default:
		lstmCellForwardGeneric(gates, cPrev, c, h)
	}
}

func lstmCellBackward(dGates, gates, cPrev, c, dh, dc []float32) {
	switch cpu.Active() {
	case cpu.AVX512:
		lstmCellBackwardAVX512(dGates, gates, cPrev, c, dh, dc)
	case cpu.AVX2:
		lstmCellBackwardAVX2Tail(dGates, gates, cPrev, c, dh, dc)
	default:
		lstmCellBackwardGeneric(dGates, gates, cPrev, c, dh, dc)
	}
}

// lstmCellForwardAVX512 implements lstmCellForwardGeneric with the vector σ and
// tanh of vexp_amd64.h, 16 lanes per step, the tail under a K mask. H is
// len(c); lengths are checked by LSTMCellForward.
//
//go:noescape
func lstmCellForwardAVX512(gates, cPrev, c, h []float32)

// lstmCellBackwardAVX512 implements lstmCellBackwardGeneric, recomputing
// tanh(c) with the vector tanh; 16 lanes per step, the tail under a K mask.
//
//go:noescape
func lstmCellBackwardAVX512(dGates, gates, cPrev, c, dh, dc []float32)

// lstmCellForwardAVX2Tail runs lstmCellForwardAVX2 on the multiple-of-8 head
// and then on zero-padded copies of the last H mod 8 elements, so the
// assembly never reads or writes past a slice and the tail gets the same
// arithmetic as the rest.
func lstmCellForwardAVX2Tail(gates, cPrev, c, h []float32) {
	n := len(c)
	n8 := n &^ 7
	if n8 > 0 {
		lstmCellForwardAVX2(gates, cPrev, c, h, n8)
	}
	r := n - n8
	if r == 0 {
		return
	}
	var tg [4 * 8]float32
	var tp, tc, th [8]float32
	for k := range 4 {
		copy(tg[8*k:8*k+r], gates[k*n+n8:k*n+n])
	}
	copy(tp[:], cPrev[n8:n])
	lstmCellForwardAVX2(tg[:], tp[:], tc[:], th[:], 8)
	for k := range 4 {
		copy(gates[k*n+n8:k*n+n], tg[8*k:8*k+r])
	}
	copy(c[n8:n], tc[:r])
	copy(h[n8:n], th[:r])
}

// lstmCellBackwardAVX2Tail is lstmCellForwardAVX2Tail for the backward pass.
func lstmCellBackwardAVX2Tail(dGates, gates, cPrev, c, dh, dc []float32) {
	n := len(c)
	n8 := n &^ 7
	if n8 > 0 {
		lstmCellBackwardAVX2(dGates, gates, cPrev, c, dh, dc, n8)
	}
	r := n - n8
	if r == 0 {
		return
	}
	var tdg, tg [4 * 8]float32
	var tp, tc, tdh, tdc [8]float32
	for k := range 4 {
		copy(tg[8*k:8*k+r], gates[k*n+n8:k*n+n])
	}
	copy(tp[:], cPrev[n8:n])
	copy(tc[:], c[n8:n])
	copy(tdh[:], dh[n8:n])
	copy(tdc[:], dc[n8:n])
	lstmCellBackwardAVX2(tdg[:], tg[:], tp[:], tc[:], tdh[:], tdc[:], 8)
	for k := range 4 {
		copy(dGates[k*n+n8:k*n+n], tdg[8*k:8*k+r])
	}
	copy(dc[n8:n], tdc[:r])
}

// lstmCellForwardAVX2 implements lstmCellForwardGeneric for the first n
// elements (n a multiple of 8) of each gate section; H = len(c) is the
// section stride.
//
//go:noescape
func lstmCellForwardAVX2(gates, cPrev, c, h []float32, n int)

// lstmCellBackwardAVX2 implements lstmCellBackwardGeneric for the first n
// elements (n a multiple of 8); H = len(c) is the section stride.
//
//go:noescape
func lstmCellBackwardAVX2(dGates, gates, cPrev, c, dh, dc []float32, n int)
