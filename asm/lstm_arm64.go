//go:build !purego

package asm

import "github.com/neuromod-go/neuromod/internal/cpu"

func lstmCellForward(gates, cPrev, c, h []float32) {
	if cpu.Active() == cpu.NEON {
		lstmCellForwardNEONTail(gates, cPrev, c, h)
	} else {
		lstmCellForwardGeneric(gates, cPrev, c, h)
	}
}

func lstmCellBackward(dGates, gates, cPrev, c, dh, dc []float32) {
	if cpu.Active() == cpu.NEON {
		lstmCellBackwardNEONTail(dGates, gates, cPrev, c, dh, dc)
	} else {
		lstmCellBackwardGeneric(dGates, gates, cPrev, c, dh, dc)
	}
}

// lstmCellForwardNEONTail runs lstmCellForwardNEON on the multiple-of-4 head
// and then on zero-padded copies of the last H mod 4 elements, so the
// assembly never reads or writes past a slice and the tail gets the same
// arithmetic as the rest.
func lstmCellForwardNEONTail(gates, cPrev, c, h []float32) {
	n := len(c)
	n4 := n &^ 3
	if n4 > 0 {
		lstmCellForwardNEON(gates, cPrev, c, h, n4)
	}
	r := n - n4
	if r == 0 {
		return
	}
	var tg [4 * 4]float32
	var tp, tc, th [4]float32
	for k := range 4 {
		copy(tg[4*k:4*k+r], gates[k*n+n4:k*n+n])
	}
	copy(tp[:], cPrev[n4:n])
	lstmCellForwardNEON(tg[:], tp[:], tc[:], th[:], 4)
	for k := range 4 {
		copy(gates[k*n+n4:k*n+n], tg[4*k:4*k+r])
	}
	copy(c[n4:n], tc[:r])
	copy(h[n4:n], th[:r])
}

// lstmCellBackwardNEONTail is lstmCellForwardNEONTail for the backward pass.
func lstmCellBackwardNEONTail(dGates, gates, cPrev, c, dh, dc []float32) {
	n := len(c)
	n4 := n &^ 3
	if n4 > 0 {
		lstmCellBackwardNEON(dGates, gates, cPrev, c, dh, dc, n4)
	}
	r := n - n4
	if r == 0 {
		return
	}
	var tdg, tg [4 * 4]float32
	var tp, tc, tdh, tdc [4]float32
	for k := range 4 {
		copy(tg[4*k:4*k+r], gates[k*n+n4:k*n+n])
	}
	copy(tp[:], cPrev[n4:n])
	copy(tc[:], c[n4:n])
	copy(tdh[:], dh[n4:n])
	copy(tdc[:], dc[n4:n])
	lstmCellBackwardNEON(tdg[:], tg[:], tp[:], tc[:], tdh[:], tdc[:], 4)
	for k := range 4 {
		copy(dGates[k*n+n4:k*n+n], tdg[4*k:4*k+r])
	}
	copy(dc[n4:n], tdc[:r])
}

// lstmCellForwardNEON implements lstmCellForwardGeneric with the vector σ and
// tanh of vexp_arm64.h for the first n elements (n a multiple of 4) of
// each gate section; H = len(c) is the section stride.
//
//go:noescape
func lstmCellForwardNEON(gates, cPrev, c, h []float32, n int)

// lstmCellBackwardNEON implements lstmCellBackwardGeneric, recomputing
// tanh(c), for the first n elements (n a multiple of 4).
//
//go:noescape
func lstmCellBackwardNEON(dGates, gates, cPrev, c, dh, dc []float32, n int)
