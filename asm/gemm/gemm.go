// Package gemm is neuromod's single-precision general matrix multiply.
//
// Sgemm follows BLAS semantics on row-major matrices. It is built the
// GotoBLAS/BLIS way (driver.go): B is packed into cache-sized panels of
// narrow micro-panels, A into micro-panels when that pays, and a
// register-blocked micro-kernel in assembly (14×32 AVX-512, 6×16 AVX2+FMA,
// 8×12 NEON; kernelGeneric elsewhere) multiplies them. Skinny products
// (few rows, as in an LSTM step) take a path that reads A in place and
// streams B once; products with few columns take it transposed. Large
// products are split over internal/parallel's helper goroutines (SetThreads),
// which poll for work between products instead of sleeping. Results
// are deterministic for a given shape, transposes and ISA level: every element
// of C is summed in the same order whatever the thread count. Sgemm is safe
// for concurrent use and does not allocate once warm.
package gemm

//go:generate go run gen/main.go

import "fmt"

// Sgemm computes C = alpha·op(A)·op(B) + beta·C on row-major matrices, where
// op(X) is X or Xᵀ as transA/transB say. op(A) is m×k, op(B) is k×n and C is
// m×n; lda, ldb and ldc are the row strides of A, B and C as stored (A is
// k×m when transA). With beta = 0, C is not read, so NaNs in C do not leak.
//
//	for i := 0; i < m; i++ {
//		for j := 0; j < n; j++ {
//			var s float32
//			for p := 0; p < k; p++ {
//				s += opA(i, p) * opB(p, j)
//			}
//			if beta == 0 {
//				c[i*ldc+j] = alpha * s
//			} else {
//				c[i*ldc+j] = alpha*s + beta*c[i*ldc+j]
//			}
//		}
//	}
//
// As in BLAS, alpha = 0 or k = 0 only scales C by beta: A and B are then not
// read.
//
// Inconsistent sizes are a programming error: Sgemm panics with a message
// that names the argument, as BLAS does.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	sgemmOn(Threads(), transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// sgemmOn is Sgemm on up to t goroutines.
func sgemmOn(t int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkArgs(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	sgemm(activeKernel(), t, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// RowTile is the number of rows in the active micro-kernel's register
// tile. A product computed as blocks of rows, each block its own call, has
// exactly the bits of one call when every block starts at a multiple of
// RowTile and has more than 32 rows: the blocks' tiles are then the whole
// product's (an edge tile may round differently on some kernels), and
// fewer rows would take the skinny path, which groups each sum differently.
func RowTile() int { return activeKernel().mr }

// SgemmSerial is Sgemm on the calling goroutine alone, whatever SetThreads
// says. It is for callers that split a product into blocks of rows (see
// RowTile) and run the blocks as parallel jobs of their own; the result is
// the one Sgemm gives, bit for bit, since the thread count never changes
// the order of a sum.
func SgemmSerial(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	sgemmOn(1, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// checkArgs panics unless the slices and strides can hold the matrices.
func checkArgs(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("gemm.Sgemm: negative size m=%d n=%d k=%d", m, n, k))
	}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	checkMatrix("A", ar, ac, a, lda)
	checkMatrix("B", br, bc, b, ldb)
	checkMatrix("C", m, n, c, ldc)
}

func checkMatrix(name string, rows, cols int, x []float32, ld int) {
	if ld < max(cols, 1) {
		panic(fmt.Sprintf("gemm.Sgemm: ld%s = %d < %d columns of %s", name, ld, cols, name))
	}
	if rows == 0 || cols == 0 {
		return
	}
	if need := (rows-1)*ld + cols; len(x) < need {
		panic(fmt.Sprintf("gemm.Sgemm: len(%s) = %d, need %d for %d×%d with ld %d", name, len(x), need, rows, cols, ld))
	}
}

// sgemmRef is the reference loop: the specification, and the path for tiny
// problems. Each element of C is summed in order p = 0…k−1.
func sgemmRef(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float32
			for p := 0; p < k; p++ {
				// Index only the stored element: the other layout's
				// index may lie past the end of a transposed operand.
				var av, bv float32
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += av * bv
			}
			ci := i*ldc + j
			if beta == 0 {
				c[ci] = alpha * s
			} else {
				c[ci] = alpha*s + beta*c[ci]
			}
		}
	}
}
