package asm

func gerGeneric(m, n int, alpha float32, x, y, a []float32, lda int) {
	for i := 0; i < m; i++ {
		ax := alpha * x[i]
		row := a[i*lda : i*lda+n]
		for j, v := range y {
			row[j] += ax * v
		}
	}
}
