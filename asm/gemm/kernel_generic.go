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
	name: "generic", mr: genericMR, nr: genericNR, kc: 256, mc: 128, nc: 4096,
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
