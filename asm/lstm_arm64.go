//go:build !purego

package asm

// Temporary: forwards to the generic reference until the assembly lands.

func lstmCellForward(gates, cPrev, c, h []float32) { lstmCellForwardGeneric(gates, cPrev, c, h) }
func lstmCellBackward(dGates, gates, cPrev, c, dh, dc []float32) {
	lstmCellBackwardGeneric(dGates, gates, cPrev, c, dh, dc)
}
