//go:build (!amd64 && !arm64) || purego

package asm

func lstmCellForward(gates, cPrev, c, h []float32) { lstmCellForwardGeneric(gates, cPrev, c, h) }
func lstmCellBackward(dGates, gates, cPrev, c, dh, dc []float32) {
	lstmCellBackwardGeneric(dGates, gates, cPrev, c, dh, dc)
}
