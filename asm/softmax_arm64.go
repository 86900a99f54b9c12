//go:build !purego

package asm

// Temporary: forwards to the generic reference until the assembly lands.

func logSoftmax(dst, x []float32) { logSoftmaxGeneric(dst, x) }
func softmaxNLL(grad, logits []float32, target int, scale float32) float32 {
	return softmaxNLLGeneric(grad, logits, target, scale)
}
