package asm

import "fmt"

// LogSoftmax sets dst to the log-softmax of the row x: x − max(x) −
// log Σ exp(x − max(x)). Subtracting the maximum keeps it finite for any
// finite input. dst and x have equal lengths, at least 1.
//
//	m := Max(x)
//	var s float64
//	for _, v := range x {
//		s += math.Exp(float64(v - m))
//	}
//	lse := m + float32(math.Log(s))
//	for i, v := range x {
//		dst[i] = v - lse
//	}
func LogSoftmax(dst, x []float32) {
	checkLen("LogSoftmax", len(dst), len(x))
	if len(x) == 0 {
		panic("asm.LogSoftmax: empty row")
	}
	logSoftmax(dst, x)
}

// SoftmaxNLL is the fused log-softmax and negative log-likelihood of one row
// of logits against the class target. It returns −log softmax(logits)[target]
// and sets grad = scale · (softmax(logits) − onehot(target)), the gradient of
// scale times that loss. grad may be the logits slice itself.
//
//	m := Max(logits)
//	var s float64
//	for _, v := range logits {
//		s += math.Exp(float64(v - m))
//	}
//	lse := m + float32(math.Log(s))
//	loss := lse - logits[target]
//	for i, v := range logits {
//		grad[i] = scale * float32(math.Exp(float64(v-lse)))
//	}
//	grad[target] -= scale
//	return loss
func SoftmaxNLL(grad, logits []float32, target int, scale float32) float32 {
	checkLen("SoftmaxNLL", len(grad), len(logits))
	if target < 0 || target >= len(logits) {
		panic(fmt.Sprintf("asm.SoftmaxNLL: target %d outside [0, %d)", target, len(logits)))
	}
	return softmaxNLL(grad, logits, target, scale)
}
