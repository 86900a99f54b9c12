package gemm

// Register tile of the portable micro-kernel: small enough that the Go
// compiler keeps the accumulators close.
const (
	genericMR = 4
	genericNR = 8
)

// genericKernel is the portable micro-kernel with the same cache blocking
// scheme as the assembly ones; it reads A and B in place, any tile size.
var genericKernel = kernel{
	name: "generic", mr: genericMR, nr: genericNR, kc: 256, kcs: 256, mc: 128, nc: 4096,
	directA: true, directB: true, edgeM: true, edgeN: true,
	run: kernelGeneric, transpose: transposeGeneric, copyRows: copyRowsGeneric,
}

// kernelGeneric is the reference micro-kernel, the contract every assembly
// kernel implements (on the tile sizes it supports):
//
//	for i < mr, j < nr:
//		s := Σ_{p=0…k−1} a[i*rsa+p*csa] · b[p*rsb+j]   (in order of p)
//		c[i*ldc+j] = alpha·s + beta·c[i*ldc+j]          (alpha·s when beta = 0)
func kernelGeneric(mr, nr, k int, a []float32, rsa, csa int, b []float32, rsb int, c []float32, ldc int, alpha, beta float32, pf int) {
	var acc [genericMR][genericNR]float32
	if mr == genericMR && nr == genericNR {
		// Full tile: two 4×4 halves with scalar accumulators the compiler
		// keeps in registers.
		for h := 0; h < genericNR; h += 4 {
			var c00, c01, c02, c03, c10, c11, c12, c13 float32
			var c20, c21, c22, c23, c30, c31, c32, c33 float32
			for p := 0; p < k; p++ {
				bp := b[p*rsb+h : p*rsb+h+4 : p*rsb+h+4]
				b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
				a0, a1, a2, a3 := a[p*csa], a[rsa+p*csa], a[2*rsa+p*csa], a[3*rsa+p*csa]
				c00, c01, c02, c03 = c00+a0*b0, c01+a0*b1, c02+a0*b2, c03+a0*b3
				c10, c11, c12, c13 = c10+a1*b0, c11+a1*b1, c12+a1*b2, c13+a1*b3
				c20, c21, c22, c23 = c20+a2*b0, c21+a2*b1, c22+a2*b2, c23+a2*b3
				c30, c31, c32, c33 = c30+a3*b0, c31+a3*b1, c32+a3*b2, c33+a3*b3
			}
			acc[0][h], acc[0][h+1], acc[0][h+2], acc[0][h+3] = c00, c01, c02, c03
			acc[1][h], acc[1][h+1], acc[1][h+2], acc[1][h+3] = c10, c11, c12, c13
			acc[2][h], acc[2][h+1], acc[2][h+2], acc[2][h+3] = c20, c21, c22, c23
			acc[3][h], acc[3][h+1], acc[3][h+2], acc[3][h+3] = c30, c31, c32, c33
		}
		k = 0
	}
	for p := 0; p < k; p++ {
		brow := b[p*rsb : p*rsb+nr]
		for i := 0; i < mr; i++ {
			av := a[i*rsa+p*csa]
			r := &acc[i]
			for j, bv := range brow {
				r[j] += av * bv
			}
		}
	}
	for i := 0; i < mr; i++ {
		row := c[i*ldc : i*ldc+nr]
		for j := range row {
			if beta == 0 {
				row[j] = alpha * acc[i][j]
			} else {
				row[j] = alpha*acc[i][j] + beta*row[j]
			}
		}
	}
}
