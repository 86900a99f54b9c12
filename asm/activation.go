package asm

// Accuracy of the activation kernels: every level returns results within
// 4 ULP of the float64 function rounded to float32, for outputs in the normal
// float32 range (subnormal outputs may flush to zero); exactly ±1, 0 or 1
// where the true value rounds there; NaN in gives NaN out.

// Sigmoid sets dst = 1 / (1 + e^−x) elementwise; dst and x have equal lengths.
//
//	for i, v := range x {
//		dst[i] = float32(1 / (1 + math.Exp(-float64(v))))
//	}
func Sigmoid(dst, x []float32) {
	checkLen("Sigmoid", len(dst), len(x))
	sigmoid(dst, x)
}

// Tanh sets dst = tanh(x) elementwise; dst and x have equal lengths.
//
//	for i, v := range x {
//		dst[i] = float32(math.Tanh(float64(v)))
//	}
func Tanh(dst, x []float32) {
	checkLen("Tanh", len(dst), len(x))
	tanh(dst, x)
}

// Exp sets dst = e^x elementwise; dst and x have equal lengths. Results that
// overflow are +Inf, results below the normal range may be 0.
//
//	for i, v := range x {
//		dst[i] = float32(math.Exp(float64(v)))
//	}
func Exp(dst, x []float32) {
	checkLen("Exp", len(dst), len(x))
	exp(dst, x)
}

// SigmoidBackward sets dst = dy ⊙ y ⊙ (1 − y), the gradient through a sigmoid
// given its output y and the gradient dy of its output.
//
//	for i := range dst {
//		dst[i] = dy[i] * y[i] * (1 - y[i])
//	}
func SigmoidBackward(dst, y, dy []float32) {
	checkLen("SigmoidBackward", len(dst), len(y), len(dy))
	sigmoidBackward(dst, y, dy)
}

// TanhBackward sets dst = dy ⊙ (1 − y²), the gradient through a tanh given its
// output y and the gradient dy of its output.
//
//	for i := range dst {
//		dst[i] = dy[i] * (1 - y[i]*y[i])
//	}
func TanhBackward(dst, y, dy []float32) {
	checkLen("TanhBackward", len(dst), len(y), len(dy))
	tanhBackward(dst, y, dy)
}
