package asm

// Add sets dst = x + y elementwise; all three have equal lengths.
//
//	for i := range dst {
//		dst[i] = x[i] + y[i]
//	}
func Add(dst, x, y []float32) {
	checkLen("Add", len(dst), len(x), len(y))
	add(dst, x, y)
}

// Sub sets dst = x − y elementwise; all three have equal lengths.
//
//	for i := range dst {
//		dst[i] = x[i] - y[i]
//	}
func Sub(dst, x, y []float32) {
	checkLen("Sub", len(dst), len(x), len(y))
	sub(dst, x, y)
}

// Mul sets dst = x ⊙ y elementwise; all three have equal lengths.
//
//	for i := range dst {
//		dst[i] = x[i] * y[i]
//	}
func Mul(dst, x, y []float32) {
	checkLen("Mul", len(dst), len(x), len(y))
	mul(dst, x, y)
}

// MulAdd sets dst = x ⊙ y + z elementwise with one rounding (a fused
// multiply-add); all four have equal lengths. With dst = z it accumulates.
//
//	for i := range dst {
//		dst[i] = float32(float64(x[i])*float64(y[i]) + float64(z[i]))
//	}
//
// The reference's product is exact in float64; its sum may round twice, so
// vector results may differ from it by at most 1 ULP.
func MulAdd(dst, x, y, z []float32) {
	checkLen("MulAdd", len(dst), len(x), len(y), len(z))
	mulAdd(dst, x, y, z)
}

// Clamp sets dst = min(max(x, lo), hi) elementwise; NaN stays NaN. It panics
// unless lo ≤ hi.
//
//	for i, v := range x {
//		if v < lo { v = lo } else if v > hi { v = hi }
//		dst[i] = v
//	}
func Clamp(dst, x []float32, lo, hi float32) {
	checkLen("Clamp", len(dst), len(x))
	if !(lo <= hi) {
		panic("asm.Clamp: lo > hi or NaN bound")
	}
	clamp(dst, x, lo, hi)
}
