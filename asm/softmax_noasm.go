//go:build (!amd64 && !arm64) || purego

package asm

func logSoftmax(dst, x []float32) { logSoftmaxGeneric(dst, x) }
func softmaxNLL(grad, logits []float32, target int, scale float32) float32 {
	return softmaxNLLGeneric(grad, logits, target, scale)
}
