package asm

// vecMat2Generic is VecMat2's reference (sizes checked by VecMat2).
func vecMat2Generic(y0, y1, x0, x1, a []float32, lda int) {
	n := len(y0)
	for p, u := range x0 {
		v := x1[p]
		row := a[p*lda : p*lda+n]
		for j, w := range row {
			y0[j] += u * w
			y1[j] += v * w
		}
	}
}
