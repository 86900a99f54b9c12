package asm

import "math"

// logSumExpGeneric returns max(x) + log Σ exp(x − max(x)).
func logSumExpGeneric(x []float32) float32 {
	m := maxGeneric(x)
	var s float64
	for _, v := range x {
		s += math.Exp(float64(v - m))
	}
	return m + float32(math.Log(s))
}

func logSoftmaxGeneric(dst, x []float32) {
	lse := logSumExpGeneric(x)
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = v - lse
	}
}

func softmaxNLLGeneric(grad, logits []float32, target int, scale float32) float32 {
	lse := logSumExpGeneric(logits)
	loss := lse - logits[target]
	logits = logits[:len(grad)]
	for i, v := range logits {
		grad[i] = scale * float32(math.Exp(float64(v-lse)))
	}
	grad[target] -= scale
	return loss
}
